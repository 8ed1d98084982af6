"""Review and appeal: decisions appended with who, when and why; statuses derived
from the history; invalid transitions refused in Chinese; the queue; the CLI."""
from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

import pytest

from guidecheck.model import Finding, GuideRecord
from guidecheck.review import (ReviewError, campaign_findings, counts, current_statuses, decide, derive_status,
                               finding_key, history, resolve_key, review_queue, scoring_decisions)
from guidecheck.scoring import DECISIONS
from guidecheck.scoring import finding_key as scoring_finding_key
from guidecheck.store import Store

SOURCE = "http://zwfw.example/guide/1"
FAIL = Finding("E001", "fee", "fail", "缺少收费标准", evidence="")
REVIEW = Finding("K001", None, "needs_review", "链接超时，需人工复核", evidence="http://x/form.doc")
MATERIAL = Finding("M101", "materials", "fail", "材料名称含“其他材料”", evidence="其他材料", material=2)


def build(path, findings=(FAIL, REVIEW, MATERIAL), name="2026年1月"):
    """A store with one campaign, department, item and the item's findings."""
    with Store(path) as st:
        cid = st.create_campaign(name, scheme="city-ywtb")
        dept = st.add_department(cid, "市市场监督管理局", region="福州市")
        item = st.upsert_item(cid, dept, "task-001", "食品经营许可", SOURCE)
        st.save_item_results(cid, item, None, [(GuideRecord(source=SOURCE, url=SOURCE), list(findings))])
        return cid


@pytest.fixture
def store(tmp_path):
    build(tmp_path / "r.db")
    with Store(tmp_path / "r.db") as st:
        yield st


def key_of(finding: Finding) -> str:
    return finding_key(SOURCE, finding)


def test_finding_key_formula():
    text = f"{SOURCE}|M101|materials|2|其他材料"
    assert key_of(MATERIAL) == hashlib.sha1(text.encode()).hexdigest()
    # an absent element or material is written as "" (as guidecheck.scoring does)
    assert key_of(REVIEW) == hashlib.sha1(f"{SOURCE}|K001|||http://x/form.doc".encode()).hexdigest()
    # a Finding, its to_json() and a stored row give the same key, the one scoring uses
    assert finding_key(SOURCE, MATERIAL.to_json()) == key_of(MATERIAL) == scoring_finding_key(SOURCE, MATERIAL)
    assert finding_key(SOURCE, REVIEW.to_json()) == key_of(REVIEW) == scoring_finding_key(SOURCE, REVIEW)


def test_keys_of_stored_findings_match(store):
    cid = store.campaigns()[0]["id"]
    assert {f["key"] for f in campaign_findings(store, cid)} == {key_of(FAIL), key_of(REVIEW), key_of(MATERIAL)}


def test_decisions_are_stored_with_who_when_why_and_never_overwritten(store):
    cid = store.campaigns()[0]["id"]
    first = decide(store, key_of(FAIL), "confirm", who="张三")
    assert first["who"] == "张三" and first["why"] is None and first["decided_at"].endswith("+00:00")
    assert first["campaign_id"] == cid and first["status"] == "confirmed"
    second = decide(store, key_of(FAIL)[:8], "dismiss", who="李四", why="页面上有收费标准，提取错误")
    rows = store.decisions(campaign_id=cid, finding_key=key_of(FAIL))
    assert [(r["action"], r["who"], r["why"]) for r in rows] == [
        ("confirm", "张三", None), ("dismiss", "李四", "页面上有收费标准，提取错误")]
    assert rows[1]["id"] == second["id"] and rows[0]["decided_at"]
    # the table itself refuses to change a decision
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        store.db.execute("UPDATE decisions SET action = 'confirm' WHERE id = ?", [second["id"]])
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        store.db.execute("DELETE FROM decisions")
    assert len(store.decisions()) == 2


def test_status_derivation():
    assert derive_status([]) is None
    assert derive_status(["confirm"], "needs_review") == "confirmed"
    assert derive_status(["confirm", "dismiss"], "fail") == "dismissed"
    assert derive_status(["appeal"], "fail") == "appealed"
    assert derive_status(["confirm", "appeal", "uphold"], "needs_review") == "upheld"
    assert derive_status(["appeal", "overturn"], "fail") == "overturned"
    # actions invalid at their turn are skipped
    assert derive_status(["appeal", "uphold"], "needs_review") is None
    assert derive_status(["uphold", "confirm"], "fail") == "confirmed"
    assert derive_status(["appeal", "overturn", "dismiss"], "fail") == "overturned"
    assert [counts("fail", s) for s in (None, "confirmed", "dismissed", "appealed", "upheld", "overturned")] == \
        [True, True, False, True, True, False]
    assert [counts("needs_review", s) for s in (None, "confirmed", "appealed")] == [False, True, False]


def test_current_statuses_follow_the_history(store):
    cid = store.campaigns()[0]["id"]
    decide(store, key_of(FAIL), "appeal", who="市市场监督管理局", why="收费标准在附件中")
    decide(store, key_of(FAIL), "overturn", who="张三", why="附件中确有收费标准")
    decide(store, key_of(REVIEW), "confirm", who="张三")
    decide(store, key_of(REVIEW), "appeal", who="市市场监督管理局", why="链接可以打开")
    decide(store, key_of(REVIEW), "uphold", who="李四", why="复查仍然超时")
    decide(store, key_of(MATERIAL), "appeal", who="市市场监督管理局", why="已列明")
    assert current_statuses(store, cid) == {key_of(FAIL): "overturned", key_of(REVIEW): "upheld",
                                            key_of(MATERIAL): "appealed"}
    # what scoring is handed: a pending appeal keeps the counting the finding had
    assert scoring_decisions(store, cid) == {key_of(FAIL): "overturned", key_of(REVIEW): "upheld"}


def test_scoring_decisions_keep_a_confirmed_finding_counted_while_appealed(store):
    cid = store.campaigns()[0]["id"]
    decide(store, key_of(REVIEW), "confirm", who="张三")
    decide(store, key_of(REVIEW), "appeal", who="市市场监督管理局", why="链接可以打开")
    assert current_statuses(store, cid) == {key_of(REVIEW): "appealed"}
    assert scoring_decisions(store, cid) == {key_of(REVIEW): "confirmed"}
    assert set(scoring_decisions(store, cid).values()) <= set(DECISIONS)


@pytest.mark.parametrize("steps, action, message", [
    ([("dismiss", "理由")], "appeal", "已被复核人撤销"),
    ([], "uphold", "没有待裁决的申诉"),
    ([("confirm", None)], "overturn", "没有待裁决的申诉"),
    ([("appeal", "理由")], "appeal", "已在申诉中"),
    ([("appeal", "理由")], "dismiss", "正在申诉中"),
    ([("appeal", "理由"), ("uphold", "理由")], "confirm", "申诉已裁决"),
    ([("confirm", None)], "confirm", "无需重复"),
])
def test_invalid_transitions_are_refused(store, steps, action, message):
    for step, why in steps:
        decide(store, key_of(FAIL), step, who="张三", why=why)
    before = len(store.decisions())
    with pytest.raises(ReviewError, match=message):
        decide(store, key_of(FAIL), action, who="张三", why="理由")
    assert len(store.decisions()) == before


def test_appeal_needs_a_counted_finding_and_reasons_are_required(store):
    with pytest.raises(ReviewError, match="待人工复核"):
        decide(store, key_of(REVIEW), "appeal", who="市市场监督管理局", why="链接可以打开")
    for action in ("dismiss", "appeal"):
        with pytest.raises(ReviewError, match="必须说明理由"):
            decide(store, key_of(FAIL), action, who="张三", why="  ")
    with pytest.raises(ReviewError, match="--who"):
        decide(store, key_of(FAIL), "confirm", who="")
    decide(store, key_of(REVIEW), "confirm", who="张三")
    assert decide(store, key_of(REVIEW), "appeal", who="市市场监督管理局", why="链接可以打开")["status"] == "appealed"


def test_key_prefixes(store):
    key = key_of(MATERIAL)
    assert resolve_key(store, key[:6].upper())[0] == key
    with pytest.raises(ReviewError, match="6–40"):
        resolve_key(store, key[:5])
    stored = (key_of(FAIL), key_of(REVIEW), key)
    absent = next(p for p in ("ffffff", "000000", "abcdef") if not any(k.startswith(p) for k in stored))
    with pytest.raises(ReviewError, match="找不到"):
        resolve_key(store, absent)


def test_ambiguous_prefix_is_refused(tmp_path):
    # findings whose keys share a prefix: search evidence strings until two keys share 6 digits
    found: dict[str, Finding] = {}
    pair = None
    for n in range(20000):
        finding = Finding("E001", "fee", "fail", "m", evidence=f"e{n}")
        prefix = key_of(finding)[:6]
        if prefix in found:
            pair = (found[prefix], finding)
            break
        found[prefix] = finding
    assert pair
    build(tmp_path / "a.db", findings=pair)
    with Store(tmp_path / "a.db") as st:
        with pytest.raises(ReviewError, match="不唯一"):
            decide(st, key_of(pair[0])[:6], "confirm", who="张三")
        assert decide(st, key_of(pair[0])[:12], "confirm", who="张三")["finding_key"] == key_of(pair[0])


def test_queue_lists_only_undecided_needs_review_findings(store):
    cid = store.campaigns()[0]["id"]
    queue = review_queue(store, cid)
    assert [(q["key"], q["department"], q["item_key"], q["rule"], q["evidence"]) for q in queue] == [
        (key_of(REVIEW), "市市场监督管理局", "task-001", "K001", "http://x/form.doc")]
    assert queue[0]["message"] == "链接超时，需人工复核" and queue[0]["item_name"] == "食品经营许可"
    decide(store, key_of(REVIEW), "dismiss", who="张三", why="链接可以打开")
    assert review_queue(store, cid) == []


def test_decisions_belong_to_a_campaign_and_survive_a_recheck(tmp_path):
    path = tmp_path / "two.db"
    first = build(path, name="2026年1月")
    second = build(path, name="2026年2月")  # the same guide checked again the next month
    with Store(path) as st:
        done = decide(st, key_of(FAIL), "confirm", who="张三")
        assert done["campaign_id"] == second  # the latest campaign holding the finding
        decide(st, key_of(FAIL), "dismiss", who="张三", why="一月的提取错误", campaign_id=first)
        assert current_statuses(st, first) == {key_of(FAIL): "dismissed"}
        assert current_statuses(st, second) == {key_of(FAIL): "confirmed"}
        # re-checking the item replaces its finding rows; the key, and so the decision, stays
        item = st.items(second)[0]["id"]
        st.save_item_results(second, item, None, [(GuideRecord(source=SOURCE, url=SOURCE), [FAIL])])
        assert current_statuses(st, second) == {key_of(FAIL): "confirmed"}
        key, findings, decisions = history(st, key_of(FAIL)[:7])
        assert key == key_of(FAIL) and {f["campaign_id"] for f in findings} == {first, second}
        assert [(d["campaign_id"], d["action"], d["status"]) for d in decisions] == [
            (second, "confirm", "confirmed"), (first, "dismiss", "dismissed")]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "guidecheck.cli", "review", *args], check=False,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_cli_round_trip(tmp_path):
    db = str(tmp_path / "cli.db")
    build(db)
    review_key, fail_key = key_of(REVIEW), key_of(FAIL)

    out = run_cli("queue", "--db", db)
    assert out.returncode == 0, out.stderr
    assert review_key[:12] in out.stdout and "K001" in out.stdout and "待复核 1 条" in out.stdout
    assert fail_key[:12] not in out.stdout

    out = run_cli("confirm", review_key[:8], "--db", db, "--who", "张三", "--why", "核实属实")
    assert out.returncode == 0, out.stderr
    assert "已确认" in out.stdout
    assert "待复核 0 条" in run_cli("queue", "--db", db).stdout

    out = run_cli("appeal", fail_key[:10], "--db", db, "--who", "市市场监督管理局", "--why", "收费标准见附件")
    assert out.returncode == 0 and "申诉中" in out.stdout
    out = run_cli("appeal", fail_key[:10], "--db", db, "--who", "市市场监督管理局", "--why", "再申诉")
    assert out.returncode == 1 and "已在申诉中" in out.stderr
    out = run_cli("dismiss", fail_key, "--db", db, "--who", "张三")
    assert out.returncode == 1 and "必须说明理由" in out.stderr
    out = run_cli("overturn", fail_key, "--db", db, "--who", "李四", "--why", "附件中确有收费标准")
    assert out.returncode == 0 and "申诉成立" in out.stdout
    out = run_cli("overturn", "abc", "--db", db, "--who", "李四", "--why", "x")
    assert out.returncode == 1 and "十六进制" in out.stderr

    out = run_cli("history", fail_key[:6], "--db", db)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"问题 {fail_key}"
    assert any("申诉" in line and "市市场监督管理局" in line and "收费标准见附件" in line for line in lines)
    assert any("李四" in line and "附件中确有收费标准" in line and "→ 申诉成立" in line for line in lines)
    with Store(db) as st:
        assert current_statuses(st, 1) == {review_key: "confirmed", fail_key: "overturned"}
