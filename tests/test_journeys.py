"""Journeys in real Chromium against the demo portal: the online-handling
control of each planted guide is clicked and followed, and the J findings the
journey phase stores equal the manifest's `journey_expected` (none missed,
none invented on the fast handling pages of `journey_clean`). The 5 s
threshold is the rule's; the time limit per run is short (10 s) to keep the
suite fast."""
from __future__ import annotations

import asyncio
import collections
import os
import signal
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from guidecheck.crawler.settings import chromium_path
from guidecheck.demo_portal import start_portal

pytest.importorskip("playwright.async_api")
if not chromium_path():
    pytest.skip("no Chromium on this machine", allow_module_level=True)

from guidecheck.crawler.campaign import open_stores, snapshot_root, summarize
from guidecheck.extract import extract
from guidecheck.journeys.phases import run_journeys
from guidecheck.judge import judge_campaign
from guidecheck.journeys.pool import BrowserPool
from guidecheck.journeys.runner import (
    JourneyOptions,
    JourneySpec,
    run_journey,
    run_journey_sync,
)

LIMIT = 10.0
PROFILES = {1: "demo-table", 2: "demo-gbk", 3: "demo-api-render"}
OPTIONS = JourneyOptions(runs=3, limit=LIMIT, contexts=3, guide_timeout=15, control_timeout=4)


@pytest.fixture(scope="module")
def portal():
    with start_portal(departments=5, items_per_department=20) as p:
        yield p


def seed_campaign(db: Path, entries: list[dict]) -> tuple[object, int, dict[str, int]]:
    """A campaign whose items have their records (extracted from the portal's
    pages, as the extract phase stores them), without running a crawl."""
    store, _ = open_stores(db)
    campaign_id = store.create_campaign("在线办理路径测试", settings={"allow_private": True})  # portal on loopback
    ids = {}
    for e in entries:
        dept = store.add_department(campaign_id, e["department"], profile=PROFILES[e["family"]],
                                    listing_url=e["guide_url"])
        item_id = store.upsert_item(campaign_id, dept, e["key"], e["name"], e["guide_url"])
        url = e["guide_url"] if e["family"] != 3 else e["guide_url"].split("/portal/")[0] + \
            f"/api/guide/detail?taskCode={e['key']}"
        body = urllib.request.urlopen(url, timeout=10).read()
        records = extract(body, e["key"], url)
        store.save_item_records(campaign_id, item_id, None, records)
        ids[e["key"]] = item_id
    return store, campaign_id, ids


@pytest.fixture(scope="module")
def journeyed(portal, tmp_path_factory):
    """The journey phase over every planted journey and one clean item per department."""
    manifest = portal.manifest()
    entries = manifest["journey_expected"] + manifest["journey_clean"]
    db = tmp_path_factory.mktemp("journeys") / "campaign.db"
    store, campaign_id, ids = seed_campaign(db, entries)
    started = time.monotonic()
    ran = run_journeys(db, campaign_id, OPTIONS)
    seconds = time.monotonic() - started
    assert not store.findings(campaign_id)  # the journey phase only observes
    judge_campaign(store, campaign_id)
    return {"db": db, "store": store, "campaign_id": campaign_id, "ids": ids, "entries": entries, "ran": ran,
            "seconds": seconds}


def _findings_by_item(store, campaign_id) -> dict[int, collections.Counter]:
    out = collections.defaultdict(collections.Counter)
    for f in store.findings(campaign_id):
        out[f["item_id"]][(f["rule"], f["outcome"])] += 1
    return out


def test_manifest_plants_every_journey_kind(portal):
    m = portal.manifest()
    kinds = {e["journey"] for e in m["journey_expected"]}
    assert kinds == {"slow4", "slow7", "search", "broken", "no-control", "download", "popup-blocked",
                     "redirect-loop", "endless"}
    rules = {(x["rule"], x["outcome"]) for e in m["journey_expected"] for x in e["expected"]}
    assert {("J001", "fail"), ("J002", "fail"), ("J003", "fail"), ("J003", "needs_review")} <= rules
    planted = {(it["key"]) for it in m["items"]}
    assert not planted & {e["key"] for e in m["journey_expected"] + m["journey_clean"]}  # no other defect there
    assert {e["family"] for e in m["journey_clean"]} == {1, 2, 3}


def test_journey_findings_equal_the_manifest(journeyed):
    store, campaign_id = journeyed["store"], journeyed["campaign_id"]
    assert journeyed["ran"] == len(journeyed["entries"])
    got = _findings_by_item(store, campaign_id)
    problems = []
    for e in journeyed["entries"]:
        item_id = journeyed["ids"][e["key"]]
        want = collections.Counter((x["rule"], x["outcome"]) for x in e["expected"])
        if got.get(item_id, collections.Counter()) != want:
            journey = store.journeys(campaign_id).get(item_id, {})
            problems.append(f"{e['journey']} {e['guide_url']}: expected {sorted(want.elements())}, got "
                            f"{sorted(got.get(item_id, collections.Counter()).elements())} "
                            f"({journey.get('status')}: {journey.get('reason')})")
    assert not problems, "\n".join(problems)


def test_slow_pages_are_timed_against_the_five_second_rule(journeyed):
    store, campaign_id = journeyed["store"], journeyed["campaign_id"]
    journeys = store.journeys(campaign_id)
    by_kind = {e["journey"]: journeys[journeyed["ids"][e["key"]]] for e in journeyed["entries"]}
    four, seven = by_kind["slow4"], by_kind["slow7"]
    assert four["status"] == seven["status"] == "reached"
    assert abs(four["median_ms"] - 4000) < 400, four["median_ms"]  # under 5 s: no J001
    assert abs(seven["median_ms"] - 7000) < 400, seven["median_ms"]
    for row in (four, seven):
        runs = row["result"]["runs"]
        assert len(runs) == 3 and all(r["status"] == "reached" and r["clicks"] == 1 for r in runs)
        assert all(r["timing"] == "page" and r["elapsed_ms"] <= r["wall_ms"] for r in runs)
    fast = [journeys[journeyed["ids"][e["key"]]] for e in journeyed["entries"] if e["journey"] == "fast"]
    assert fast and all(j["status"] == "reached" and j["median_ms"] < 2000 for j in fast)


def test_search_page_path_is_two_clicks(journeyed):
    store, campaign_id = journeyed["store"], journeyed["campaign_id"]
    e = next(e for e in journeyed["entries"] if e["journey"] == "search")
    row = store.journeys(campaign_id)[journeyed["ids"][e["key"]]]
    assert row["status"] == "list_page" and row["clicks"] == 2
    pages = row["result"]["pages"]
    assert "/handle/search" in pages[0] and pages[-1].endswith(f"/handle/{e['key']}")


def test_bad_inputs_end_within_the_limit_with_a_reason(journeyed):
    store, campaign_id = journeyed["store"], journeyed["campaign_id"]
    journeys = store.journeys(campaign_id)
    words = {"download": "下载", "popup-blocked": "拦截", "redirect-loop": "重定向", "endless": "未加载完成",
             "broken": "HTTP 500", "no-control": "没有在线办理入口"}
    for e in journeyed["entries"]:
        if e["journey"] not in words:
            continue
        row = journeys[journeyed["ids"][e["key"]]]
        assert words[e["journey"]] in row["reason"], (e["journey"], row["reason"])
        for run in row["result"]["runs"]:
            assert run.get("wall_ms", 0) <= (LIMIT + 1) * 1000, (e["journey"], run)
    # a slow failure is not repeated: the endless page costs one limit, not three
    endless = next(e for e in journeyed["entries"] if e["journey"] == "endless")
    assert len(journeys[journeyed["ids"][endless["key"]]]["result"]["runs"]) == 1
    # whole phase: the endless page's one limit, the 7 s page three times, in parallel lanes
    assert journeyed["seconds"] < 120


def test_evidence_kept_for_findings_only(journeyed):
    store, campaign_id = journeyed["store"], journeyed["campaign_id"]
    root = snapshot_root(journeyed["db"])
    with_findings = {f["item_id"] for f in store.findings(campaign_id)}
    for item_id, row in store.journeys(campaign_id).items():
        if item_id in with_findings and row["status"] != "no_control":
            shot, trace = root / row["screenshot_path"], root / row["trace_path"]
            assert row["screenshot_path"].startswith(f"journeys/{item_id}/")
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert any(n.endswith(".trace") for n in zipfile.ZipFile(trace).namelist())
        elif item_id not in with_findings:
            assert row["screenshot_path"] is None and not (root / "journeys" / str(item_id)).exists()


def test_the_judge_gives_the_j_findings_again_without_a_browser(journeyed):
    """Records read again (which drops an item's findings) and judged again: the
    stored journeys give the same findings, with no browser."""
    store, campaign_id = journeyed["store"], journeyed["campaign_id"]
    before = sorted((f["item_id"], f["rule"], f["outcome"], f["message"]) for f in store.findings(campaign_id))
    assert any(rule.startswith("J") for _, rule, _, _ in before)
    for e in journeyed["entries"]:  # the records come back as the extract phase would store them
        url = e["guide_url"] if e["family"] != 3 else e["guide_url"].split("/portal/")[0] + \
            f"/api/guide/detail?taskCode={e['key']}"
        recs = extract(urllib.request.urlopen(url, timeout=10).read(), e["key"], url)
        store.save_item_records(campaign_id, journeyed["ids"][e["key"]], None, recs)
    assert not store.findings(campaign_id)
    assert judge_campaign(store, campaign_id) == len(journeyed["entries"])
    after = sorted((f["item_id"], f["rule"], f["outcome"], f["message"]) for f in store.findings(campaign_id))
    assert after == before
    summarize(journeyed["db"], campaign_id)  # the campaign summary still reads the findings


def test_resume_skips_stored_journeys(journeyed):
    assert run_journeys(journeyed["db"], journeyed["campaign_id"], OPTIONS) == 0


def test_single_journey_same_tab(portal):
    g = portal.site.guide(0, 1)
    url = f"{portal.url}/handle/demo-guide/1000/{g.code}?target=self"
    result = run_journey_sync(url, name=g.name, code=g.code, options=JourneyOptions(runs=1, limit=LIMIT, trace=False))
    assert result.status == "reached" and result.clicks == 1, result.reason
    assert abs(result.median_ms - 1000) < 300
    assert result.pages == [f"{portal.url}/handle/slow/1000/{g.code}"]


def _kill_chromium(pool: BrowserPool) -> list[int]:
    pids = pool.browser_pids()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    return pids


def test_killed_browser_gives_needs_review_and_the_others_go_on(portal):
    """Chromium is killed while a 7 s journey waits for its page: that journey is
    needs_review (a tool failure, never a deduction); the journeys after it run
    in a relaunched browser."""
    site = portal.site
    slow_guide = site.guide(0, 2)
    fast = [site.guide(d, 3) for d in (0, 1, 3)]
    options = JourneyOptions(runs=1, limit=LIMIT, contexts=2, trace=False)

    def spec(g, ms):
        return JourneySpec(guide_url=f"{portal.url}/handle/demo-guide/{ms}/{g.code}", name=g.name, code=g.code)

    async def main():
        async with BrowserPool(None, contexts=2) as pool:
            slow = asyncio.ensure_future(run_journey(pool, spec(slow_guide, 7000), options))
            await asyncio.sleep(2.5)
            assert _kill_chromium(pool), "no Chromium process found"
            others = await asyncio.gather(*(run_journey(pool, spec(g, 300), options) for g in fast))
            return await slow, others, pool.launches

    started = time.monotonic()
    slow_result, others, launches = asyncio.run(main())
    assert time.monotonic() - started < 30
    assert slow_result.status == "tool_error" and "浏览器" in slow_result.reason, slow_result
    from guidecheck.checks.journeys import journey_findings

    assert [(f.rule, f.outcome) for f in journey_findings(slow_result)] == [("J003", "needs_review")]
    assert [r.status for r in others] == ["reached"] * 3
    assert launches >= 2
