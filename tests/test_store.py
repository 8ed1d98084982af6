"""The SQLite store: migrations, idempotent writes, per-item transactions, and a
kill -9 in the middle of a run."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from guidecheck import store as store_module
from guidecheck.model import Finding, GuideRecord, LinkResult
from guidecheck.store import SCHEMA_VERSION, Store


def index_columns(st: Store, table: str) -> list[list[str]]:
    return [ix.columns for ix in st.db[table].indexes]


def test_new_file_gets_every_migration(tmp_path):
    with Store(tmp_path / "c.db") as st:
        assert st.schema_version() == SCHEMA_VERSION
        assert st.migrations_applied() == [m.__name__.lstrip("_") for m in store_module.MIGRATIONS]
        assert {"campaigns", "departments", "items", "snapshots", "fetches", "records", "findings",
                "link_results", "notes"} <= set(st.db.table_names())
        assert st.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_v1_file_is_upgraded_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    with Store(path, upto=1) as old:
        assert old.schema_version() == 1 and "notes" not in old.db.table_names()
        assert ["campaign_id", "status"] not in index_columns(old, "items")
        cid = old.create_campaign("旧任务", scheme="fj-2020-dept")
        item = old.upsert_item(cid, old.add_department(cid, "市场监管局"), "k1", "事项", "http://x/1")
        # what version 1 wrote: a record and its finding (columns of m001 only)
        record_id = old.db["records"].insert({"campaign_id": cid, "item_id": item, "record_json": '{"source": "x"}'}).last_pk
        old.db["findings"].insert({"campaign_id": cid, "item_id": item, "record_id": record_id, "rule": "E001",
                                   "element": "fee", "outcome": "fail", "message": "m"})
    with Store(path) as st:
        assert st.schema_version() == SCHEMA_VERSION
        assert ["campaign_id", "status"] in index_columns(st, "items")
        assert st.campaign(cid)["name"] == "旧任务" and len(st.findings(cid)) == 1
        st.add_note(cid, "列表页循环")
        assert st.notes(cid) == ["列表页循环"]
    with Store(path) as again:  # opening an up-to-date file applies nothing twice
        assert again.migrations_applied() == [m.__name__.lstrip("_") for m in store_module.MIGRATIONS]


def test_a_failing_migration_leaves_no_trace(tmp_path, monkeypatch):
    def broken(db):
        db["half_done"].create({"id": int}, pk="id")
        raise RuntimeError("boom")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, broken])
    with pytest.raises(RuntimeError):
        Store(tmp_path / "c.db")
    monkeypatch.undo()
    with Store(tmp_path / "c.db") as st:
        assert "half_done" not in st.db.table_names() and st.schema_version() == SCHEMA_VERSION


def test_idempotent_departments_and_items(tmp_path):
    with Store(tmp_path / "c.db") as st:
        cid = st.create_campaign("c", settings={"per_host": 4}, seed=7)
        assert st.campaign(cid)["settings"] == {"per_host": 4} and st.campaign(cid)["seed"] == 7
        dep = st.add_department(cid, "人社局", region="福州")
        assert st.add_department(cid, "人社局", homepage="http://rs") == dep
        assert st.departments(cid)[0]["region"] == "福州" and st.departments(cid)[0]["homepage"] == "http://rs"
        item = st.upsert_item(cid, dep, "k1", "事项一", "http://g/1")
        st.record_fetch(cid, "http://g/1", "a" * 64, "guide", item_id=item)
        assert st.items(cid)[0]["status"] == "fetched"
        assert st.upsert_item(cid, dep, "k1", "事项一（新名）", "http://g/1") == item
        row = st.items(cid)[0]
        assert (row["status"], row["name"], len(st.items(cid))) == ("fetched", "事项一（新名）", 1)
        ids = st.upsert_items(cid, [(dep, f"k{i}", f"事项{i}", f"http://g/{i}") for i in range(1, 1200)])
        assert len(ids) == 1199 and ids["k1"] == item and len(st.items(cid)) == 1199
        assert len(st.items(cid, status="pending")) == 1198
        st.set_campaign_status(cid, "crawling")
        assert [c["status"] for c in st.campaigns()] == ["crawling"]


def test_fetches(tmp_path):
    with Store(tmp_path / "c.db") as st:
        cid = st.create_campaign("c")
        item = st.upsert_item(cid, None, "k", "n", "http://g/1")
        st.record_fetch(cid, "http://l/1", "s1", "listing")
        st.record_fetch(cid, "http://g/1", None, "guide", item_id=item, error="超时")
        assert st.items(cid)[0]["status"] == "error"
        assert st.fetched_urls(cid) == {"http://l/1"} and st.fetched_urls(cid, "guide") == set()
        st.record_fetch(cid, "http://g/1", "s2", "guide", item_id=item)  # a retry replaces the row
        assert st.fetched_urls(cid, "guide") == {"http://g/1"} and st.items(cid)[0]["status"] == "fetched"
        assert st.fetch_map(cid) == {("http://l/1", "listing"): "s1", ("http://g/1", "guide"): "s2"}
        assert [f["sha256"] for f in st.item_fetches(cid, item)] == ["s2"]


def test_save_item_results_replaces(tmp_path):
    with Store(tmp_path / "c.db") as st:
        cid = st.create_campaign("c")
        a, b = (st.upsert_item(cid, None, k, k, f"http://g/{k}") for k in ("a", "b"))
        rec = GuideRecord(source="g.html", url="http://g/a", elements={"name": "事项"})
        three = [Finding("M101", "materials", "fail", "m", "其他材料", material=i) for i in range(3)]
        st.save_item_results(cid, a, "sha-a", [(rec, three)])
        st.save_item_results(cid, b, "sha-b", [(rec, three[:1])])
        st.save_item_results(cid, a, "sha-a", [(rec, three[:1]), (rec, [])])  # re-run: replaces
        assert [f["item_id"] for f in st.findings(cid)] == [a, b]
        assert len(st.records(cid, a)) == 2 and len(st.records(cid, b)) == 1
        assert st.records(cid, a)[0]["elements"] == {"name": "事项"} and st.records(cid, a)[0]["url"] == "http://g/a"
        assert {i["status"] for i in st.items(cid)} == {"checked"}
        results = st.results(cid)
        assert results[0]["item_key"] == "b" and results[0]["findings"][0]["material"] == 0
        with pytest.raises(ValueError):
            st.save_item_results(cid, a, None, [], status="nonsense")
        assert len(st.records(cid, a)) == 2  # nothing written by the refused call


def test_link_results_round_trip(tmp_path):
    with Store(tmp_path / "c.db") as st:
        cid = st.create_campaign("c")
        first = LinkResult("http://x/a.docx", "dead", "页面不存在（HTTP 404）", 404, "text/html", "http://x/a.docx", 1, 10)
        st.save_link_result(cid, first)
        st.save_link_results(cid, [LinkResult("http://x/a.docx", "ok", attempts=2),
                                   *(LinkResult(f"http://x/{i}", "ok") for i in range(500))])
        results = st.link_results(cid)
        assert len(results) == 501 and results["http://x/a.docx"] == LinkResult("http://x/a.docx", "ok", attempts=2)


WRITER = textwrap.dedent("""
    import sys
    from guidecheck.model import Finding, GuideRecord
    from guidecheck.store import Store
    st = Store(sys.argv[1])
    cid = st.create_campaign("kill")
    ids = st.upsert_items(cid, [(None, f"k{i}", f"事项{i}", f"http://g/{i}") for i in range(40)])
    rounds = 0
    while True:
        for key, item in ids.items():
            n = (rounds + item) % 7 + 1
            record = GuideRecord(source=key, elements={"name": f"round {rounds}", "count": str(n)})
            findings = [Finding("M101", "materials", "fail", f"round {rounds}", str(j), material=j) for j in range(n)]
            st.save_item_results(cid, item, None, [(record, findings)])
        rounds += 1
        if rounds == 2:
            print("running", flush=True)
""")


def test_kill_9_mid_run_leaves_whole_items(tmp_path):
    path = tmp_path / "kill.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "running"
        time.sleep(0.3)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    with Store(path) as st:
        assert st.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert st.db.execute("PRAGMA foreign_key_check").fetchall() == []
        cid = st.campaigns()[0]["id"]
        by_item: dict[int, list[dict]] = {}
        for f in st.findings(cid):
            by_item.setdefault(f["item_id"], []).append(f)
        for item in st.items(cid):
            records = st.records(cid, item["id"])
            if item["status"] == "pending":
                assert not records and item["id"] not in by_item
                continue
            assert item["status"] == "checked" and len(records) == 1
            expected = int(records[0]["elements"]["count"])
            found = by_item[item["id"]]
            assert len(found) == expected, item
            assert {f["message"] for f in found} == {records[0]["elements"]["name"]}
            assert {f["record_id"] for f in found} == {records[0]["record_id"]}
        rounds = {json.loads(r)["elements"]["name"] for (r,) in st.db.execute("SELECT record_json FROM records")}
        assert len(rounds) <= 2  # the kill falls inside one round: items are from it or the one before


def test_typed_values_round_trip_through_the_store(tmp_path):
    from guidecheck.model import Link, Material, ProcessStep, LinkStatus

    st = Store(tmp_path / "typed.db")
    cid = st.create_campaign("typed")
    dept = st.add_department(cid, "市场监管局")
    item = st.upsert_item(cid, dept, "k1", "企业设立", "http://x/1")
    record = GuideRecord(source="http://x/1", url="http://x/1", elements={"name": "企业设立", "time_limit": ""},
                         materials=[Material(name="申请书", copies="1")], process_steps=[ProcessStep("受理", "1日")],
                         links=[Link("http://x/f.doc", "申请表", "form", material=0)], present={"faq"},
                         family="audit_item")
    finding = Finding("M101", "name", "needs_review", "缺少名称", evidence="x", material=0)
    st.save_item_results(cid, item, "sha", [(record, [finding])])
    [stored] = st.guide_records(cid)
    assert stored.record == record and stored.item_id == item and stored.snapshot_sha == "sha"
    assert st.findings_by_record(cid)[stored.record_id] == [finding]
    result = LinkResult("http://x/f.doc", LinkStatus.DEAD, "页面不存在（HTTP 404）", http_status=404, attempts=2)
    st.save_link_results(cid, [result])
    back = st.link_results(cid)["http://x/f.doc"]
    assert back == LinkResult.from_json(result.to_json()) and back.status == "dead"
    # phases and refusals
    assert not st.phase_done(cid, "fetch")
    st.set_phase(cid, "fetch")
    st.mark_gathered(cid, item)
    st.add_refusal(cid, "http://10.0.0.1/", "private", "links")
    assert st.phase_done(cid, "fetch") and st.gathered_items(cid) == {item}
    assert [(r["url"], r["reason"]) for r in st.refusals(cid)] == [("http://10.0.0.1/", "private")]
