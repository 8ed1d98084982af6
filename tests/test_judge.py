"""The judge (guidecheck/judge.py): findings computed once from stored records
and observations.

- A record as the store keeps it gives the same findings as the record the
  extractor made (so judging after a round trip loses nothing: uncertainty,
  present sections, family), over every fixture page and corpus payload.
- An unreadable page is a record with its fetch problem: E010 alone, fail only
  when confirmed.
- The judge writes each item once, resumes where it stopped, keeps the rows of
  findings judged the same again, and gives the same findings in worker
  processes as in this one.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from guidecheck import judge as judge_module
from guidecheck.checks import run_checks
from guidecheck.crawler.itemcheck import Fetched, read_item
from guidecheck.errors import InputError
from guidecheck.extract import extract
from guidecheck.judge import ItemObservations, judge_campaign, judge_records
from guidecheck.model import LinkResult, record_from_store, record_to_store
from guidecheck.store import Store

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def pages() -> list[Path]:
    found = sorted((ROOT / "fixtures" / "pages").rglob("*.htm*")) + sorted((ROOT / "fixtures" / "json").rglob("*.json"))
    if CORPUS.is_dir():
        found += sorted(p for p in CORPUS.iterdir() if p.suffix in (".json", ".html", ".htm"))
    return found


def findings_of(record) -> list[tuple]:
    return [(f.rule, f.element, f.material, f.outcome, f.message, f.evidence) for f in run_checks(record)]


def inputs():
    """Fixture pages, corpus payloads and one rendering of every invariance layout per seed."""
    from invariance import RENDERERS
    from invariance.harness import render

    for path in pages():
        yield path.name, path.read_bytes()
    for seed in range(6):
        for renderer in RENDERERS:
            yield f"{renderer.name}#{seed}", render(renderer, seed)


def test_a_stored_record_is_judged_as_the_extracted_one():
    checked = 0
    uncertain = 0
    for name, body in inputs():
        try:
            records = extract(body, name, "http://127.0.0.1/" + name)
        except InputError:
            continue
        for record in records:
            stored = record_from_store(json.loads(json.dumps(record_to_store(record), ensure_ascii=False)))
            assert findings_of(stored) == findings_of(record), name
            assert stored.uncertain == record.uncertain and stored.present == record.present
            checked += 1
            uncertain += bool(record.uncertain)
    assert checked >= 100 and uncertain >= 1  # the round trip was tried on doubtful records too


def test_an_unreadable_page_is_e010_alone_fail_only_when_confirmed():
    missing = read_item(Fetched(url="http://127.0.0.1/g/1", status=404, body=b"gone"))
    timeout = read_item(Fetched(url="http://127.0.0.1/g/2", error="连接超时"))
    blocked = read_item(Fetched(url="http://127.0.0.1/g/3", status=503, body=b"<html>maintenance</html>"))
    judged = [judge_records(o.records, ItemObservations())[0] for o in (missing, timeout, blocked)]
    assert [[(f.rule, f.outcome) for f in found] for found in judged] == [
        [("E010", "fail")], [("E010", "needs_review")], [("E010", "needs_review")]]
    assert "HTTP 404" in judged[0][0].message and "连接超时" in judged[1][0].message
    # the problem survives the store, and so does its verdict
    stored = record_from_store(json.loads(json.dumps(record_to_store(missing.records[0]))))
    assert [(f.rule, f.outcome) for f in judge_records([stored], ItemObservations())[0]] == [("E010", "fail")]


def guide_page(n: int, link: str) -> bytes:
    return f"""<html><body><h1>事项{n}的办事指南</h1><table>
<tr><th>事项名称</th><td>测试事项{n}</td></tr><tr><th>实施机关</th><td>演示市市场监督管理局</td></tr>
<tr><th>咨询电话</th><td>{'8888' if n % 3 == 0 else '0591-87654321'}</td></tr>
<tr><th>申请材料</th><td>身份证；其他材料</td></tr>
<tr><th>表格下载</th><td><a href="{link}">申请表</a></td></tr></table></body></html>""".encode()


@pytest.fixture()
def campaign(tmp_path):
    """A campaign whose items have their records and link results stored (as the
    extract and links phases leave it), not judged yet."""
    store = Store(tmp_path / "c.db")
    cid = store.create_campaign("judge")
    dept = store.add_department(cid, "演示市市场监督管理局")
    dead = "http://127.0.0.1:9/form-dead.doc"
    store.save_link_results(cid, [LinkResult(url=dead, status="dead", reason="HTTP 404", http_status=404)])
    for n in range(12):
        url = f"http://127.0.0.1/guide/{n}"
        item = store.upsert_item(cid, dept, f"k{n}", None, url)
        link = dead if n % 4 == 0 else f"http://127.0.0.1/form-{n}.doc"
        store.save_item_records(cid, item, None, read_item(Fetched(url=url, status=200, body=guide_page(n, link))).records)
    return store, cid


def stored_findings(store, cid) -> list[tuple]:
    return sorted((f["item_key"], f["rule"], f["element"], f["outcome"], f["evidence"]) for f in store.findings(cid))


def test_the_judge_writes_each_item_once_and_resumes(campaign):
    store, cid = campaign
    assert not store.findings(cid)  # the gather side wrote none
    assert judge_campaign(store, cid) == 12
    first = stored_findings(store, cid)
    rules = {rule for _, rule, *_ in first}
    assert {"K001", "M101"} <= rules and rules & {"P201", "P202", "P203"}  # links, wording, phones
    assert sum(1 for row in first if row[1] == "K001") == 3  # items 0, 4, 8 offer the dead form
    assert all(i["status"] == "checked" for i in store.items(cid))
    ids = sorted(f["id"] for f in store.findings(cid))
    assert judge_campaign(store, cid) == 0  # nothing left to judge
    assert judge_campaign(store, cid, redo=True) == 12
    assert stored_findings(store, cid) == first
    assert sorted(f["id"] for f in store.findings(cid)) == ids  # judged the same: the rows stay
    # a judge cut short: the items it did not reach are judged by the next run, the others kept
    store.db.execute("DELETE FROM item_phases WHERE phase = 'judge' AND item_id IN "
                     "(SELECT id FROM items WHERE item_key IN ('k3', 'k7'))")
    store.db.conn.commit()
    assert judge_campaign(store, cid) == 2
    assert stored_findings(store, cid) == first


def test_worker_processes_judge_as_this_process_does(campaign, monkeypatch):
    store, cid = campaign
    judge_campaign(store, cid)
    here = stored_findings(store, cid)
    monkeypatch.setattr(judge_module, "POOL_FROM", 1)
    monkeypatch.setattr(judge_module, "JUDGE_CHUNK", 5)  # several chunks
    assert judge_campaign(store, cid, redo=True) == 12
    assert stored_findings(store, cid) == here


def test_department_rules_are_judged_with_the_items_and_equal_scoring(tmp_path):
    """C804 reads a department's records together: the judge writes its findings on
    the records they concern (where reviewers see them), as scoring computes them."""
    from guidecheck.assessment import department_guides
    from guidecheck.model import GuideRecord
    from guidecheck.scoring.department import attach_department_findings
    from guidecheck.scoring.model import DepartmentInput

    store = Store(tmp_path / "c.db")
    cid = store.create_campaign("c804")
    codes = {"A": ["113501000035910604400011700000X", "113501000035910604400011800000X",
                   "113501000035910604400011900000X", "11350100003591060440"],
             "B": ["113502000035910604400011700000X", "113502000035910604400011800000X"]}
    for dept_name, dept_codes in codes.items():
        dept = store.add_department(cid, dept_name)
        for n, code in enumerate(dept_codes):
            item = store.upsert_item(cid, dept, f"{dept_name}{n}", f"事项{n}", f"http://127.0.0.1/{dept_name}/{n}")
            store.save_item_records(cid, item, None, [GuideRecord(
                source=f"{dept_name}{n}", elements={"name": f"事项{dept_name}{n}", "code": code, "agency": dept_name})])
    judge_campaign(store, cid)
    c804 = [(f["item_key"], f["outcome"]) for f in store.findings(cid) if f["rule"] == "C804"]
    assert c804 == [("A3", "fail")]
    scored = []
    for name, guides in department_guides(store, cid).items():
        department = DepartmentInput(name=name, guides=guides)
        attach_department_findings(department, {"C804"})
        scored += [(g.record.source, f.outcome) for g in department.guides for f in g.findings if f.rule == "C804"]
    assert scored == [("A3", "fail")]


def test_gathering_after_the_judge_judges_every_item_again(campaign):
    """A campaign judged, then a gather phase runs (a crawl later run with the
    browser): the pipeline resets the judge and judges every item again."""
    from guidecheck.crawler.campaign import CrawlOptions
    from guidecheck.pipeline import run_phases

    store, cid = campaign
    judge_campaign(store, cid)
    for phase in ("fetch", "extract", "links", "channels", "journeys", "judge"):
        store.set_phase(cid, phase)
    first = stored_findings(store, cid)
    store.db.execute("DELETE FROM findings WHERE rule = 'K001'")  # what a judge before the link results had
    store.db.conn.commit()
    run_phases(store.db.conn.execute("PRAGMA database_list").fetchone()[2], cid, CrawlOptions(check_links=False),
               browser=True)  # only the homepage phase is left (no homepage listed: nothing to open)
    assert store.phase_done(cid, "homepages") and store.phase_done(cid, "judge")
    assert stored_findings(store, cid) == first
    # nothing gathered: a rerun judges nothing again
    store.db.execute("DELETE FROM findings WHERE rule = 'K001'")
    store.db.conn.commit()
    run_phases(store.db.conn.execute("PRAGMA database_list").fetchone()[2], cid, CrawlOptions(check_links=False))
    assert not [row for row in stored_findings(store, cid) if row[1] == "K001"]


def test_a_campaign_is_judged_with_its_schemes_context(tmp_path):
    """The judge asks what the campaign's scheme asks, as `check --scheme` does:
    ah-2019-dept requires 权力来源, 数量限制, 服务对象, 审批结果, 常见问题 beyond the
    default required elements, so a guide without them has those E002 findings
    in the campaign too; a campaign without a scheme judges with the defaults."""
    from guidecheck import schemes
    from guidecheck.checks import CheckContext

    body = guide_page(1, "http://127.0.0.1/form-1.doc")
    record = read_item(Fetched(url="http://127.0.0.1/guide/1", status=200, body=body)).records[0]
    expected = {}
    for scheme in ("ah-2019-dept", None):
        context = CheckContext.for_scheme(schemes.load(scheme)) if scheme else CheckContext()
        expected[scheme] = sorted(f.element for f in run_checks(record, None, context) if f.rule == "E002")
    assert set(expected["ah-2019-dept"]) - set(expected[None]) >= {"power_source", "target", "faq"}
    for scheme in ("ah-2019-dept", None):
        store = Store(tmp_path / f"{scheme}.db")
        settings = {"scheme_path": str(schemes.resolve(scheme))} if scheme else {}
        cid = store.create_campaign("scheme", scheme=scheme, settings=settings)
        dept = store.add_department(cid, "演示市市场监督管理局")
        item = store.upsert_item(cid, dept, "k1", None, "http://127.0.0.1/guide/1")
        store.save_item_records(cid, item, None, [record])
        judge_campaign(store, cid)
        assert sorted(f["element"] for f in store.findings(cid) if f["rule"] == "E002") == expected[scheme], scheme
