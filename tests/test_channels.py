"""The same-source check in a campaign: a department's second channel (its
website on the demo server, reached through a loopback relay that can stall),
crawled for the sampled items only, compared, stored, resumed after a kill, and
read by scoring. The demo manifest's `channels` list is the oracle."""
from __future__ import annotations

import asyncio
import collections
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import aiohttp
import pytest
import yaml
from aiohttp import web

from guidecheck import assessment
from guidecheck.channels.attach import attach_second_channels
from guidecheck.channels.phase import gather_channels
from guidecheck.channels.roster import parse_channels
from guidecheck.crawler import roster as roster_mod
from guidecheck.demo import write_roster
from guidecheck.demo_portal.data import Site
from guidecheck.demo_portal.server import start_portal
from guidecheck.errors import CatalogError
from guidecheck.store import Store

GUIDE_PATH = "/bszn/"


class Relay:
    """A loopback server forwarding /site/… to the demo portal; the `stall_at`-th
    guide request (1-based) is never answered while `stalling` is set."""

    def __init__(self, target: str, stall_at: int):
        self.target, self.stall_at = target, stall_at
        self.hits: collections.Counter = collections.Counter()
        self.guides_seen = 0
        self.stalled = threading.Event()
        self.stalling = True
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        started.wait(10)

    def _run(self, started):
        asyncio.set_event_loop(self.loop)

        async def relay(request):
            path = request.path_qs
            self.hits[path] += 1
            if GUIDE_PATH in path and "index.html" not in path:
                self.guides_seen += 1
                if self.stalling and self.guides_seen == self.stall_at:
                    self.stalled.set()
                    await asyncio.sleep(3600)
            async with aiohttp.ClientSession() as session, session.get(self.target + path) as resp:
                body = await resp.read()
                return web.Response(body=body, status=resp.status, content_type="text/html", charset="utf-8")

        async def setup():
            app = web.Application()
            app.router.add_get("/{tail:.*}", relay)
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

        self.loop.run_until_complete(setup())
        started.set()
        self.loop.run_forever()


def cli_cmd(*args):
    return [sys.executable, "-m", "guidecheck.cli", *map(str, args)]


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """A campaign of two departments, the first with its website listed as a second
    channel (through the relay), run once until the channel phase stalls and is
    killed, then run again to the end."""
    tmp = tmp_path_factory.mktemp("channels")
    with start_portal(departments=2, items_per_department=30, seed=5, delays=False) as portal:
        manifest = portal.manifest()
        relay = Relay(portal.url, stall_at=3)
        roster_path = write_roster(manifest, tmp / "roster.yaml")
        data = yaml.safe_load(roster_path.read_text(encoding="utf-8"))
        first = data["departments"][0]
        assert first["channels"][0]["listing"].startswith(portal.url)  # the demo roster lists the websites
        first["channels"] = [{**first["channels"][0],
                              "listing": first["channels"][0]["listing"].replace(portal.url, relay.url)}]
        data["departments"][1].pop("channels")
        roster_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        db = tmp / "c.db"
        subprocess.run(cli_cmd("campaign", "create", "--db", db, "--roster", roster_path, "--scheme", "ah-2019-dept",
                               "--month", "2026-10", "--sample", "12", "--seed", "3"), check=True, capture_output=True)
        run = cli_cmd("campaign", "run", "--db", db, "--campaign", "1", "--out", tmp / "r", "--no-links",
                      "--no-journeys")
        proc = subprocess.Popen(run, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            assert relay.stalled.wait(240), "the channel phase never reached its third guide"
            time.sleep(2)  # the other guides in flight are answered and saved; one request hangs
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
        conn = sqlite3.connect(db)
        killed = {"fetched": {urlsplit(u).path for (u,) in conn.execute(
                      "SELECT url FROM channel_entries WHERE status = 'fetched'")},
                  "compared": conn.execute("SELECT count(*) FROM channel_state WHERE compared = 1").fetchone()[0],
                  "hits": collections.Counter(relay.hits)}
        conn.close()
        relay.stalling = False
        result = subprocess.run(run, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        yield {"db": db, "manifest": manifest, "relay": relay, "killed": killed, "portal": portal,
               "dept": manifest["departments"][0]["name"], "other": manifest["departments"][1]["name"]}


def _results(db):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM channel_results ORDER BY id")]
    for r in rows:
        r["findings"] = json.loads(r["findings_json"])
    return rows


def test_sampled_items_compared_with_planted_differences(campaign):
    db, manifest, dept = campaign["db"], campaign["manifest"], campaign["dept"]
    store = Store(db)
    dept_id = next(d["id"] for d in store.departments(1) if d["name"] == dept)
    sampled = {i["item_key"]: i for i in store.items(1) if i["department_id"] == dept_id and i["status"] != "unsampled"}
    assert len(sampled) == 12
    planted = [p for p in manifest["channels"]["items"] if p["department"] == dept]
    names = {i["name"] for i in sampled.values()}
    expected = {}
    for p in planted:
        if p["kind"] == "channel_only" or p["name"] in names:
            for e in p["expected"]:
                expected[(p["name"], e["rule"], e["element"])] = e["outcome"]
    got = {}
    rows = _results(db)
    for r in rows:
        for f in r["findings"]:
            got[(r["item"], f["rule"], f["element"])] = f["outcome"]
            if f["rule"] == "S001":
                assert f["evidence"].startswith("门户：") and "；其他渠道：" in f["evidence"]
                portal_value, other_value = f["evidence"][3:].split("；其他渠道：")
                assert portal_value and other_value and portal_value != other_value
    assert got == expected  # every planted difference of a sampled item, nothing else
    assert any(k[1] == "S001" for k in expected) and sum(k[1] == "S002" for k in expected) == 2
    # A planted limit shows both values: the portal's and the website's (5 more days).
    for r in rows:
        for f in r["findings"]:
            if f["element"] == "promised_limit":
                assert "个工作日" in f["evidence"]
    # Only the sampled items and the website-only ones were fetched from the website.
    relay = campaign["relay"]
    fetched = {p.rsplit("/", 1)[1][:-5] for p in relay.hits if GUIDE_PATH in p and "index.html" not in p}
    assert {x for x in fetched if x.startswith("only")} == {"only0", "only1"}
    portal_only = {p["index"] for p in planted if p["kind"] == "portal_only"}
    site = Site(2, 30, 5)
    wanted = {i for i in range(30) if site.item_name(site.departments[0], i) in names and i not in portal_only}
    assert {int(x) for x in fetched if x.isdigit()} == wanted


def test_resume_after_kill_does_not_fetch_or_compare_again(campaign):
    killed, relay, db = campaign["killed"], campaign["relay"], campaign["db"]
    assert killed["compared"] == 0 and killed["fetched"]  # killed mid-way: some guides fetched, none compared
    for path, n in relay.hits.items():
        # Listing pages and the guides saved before the kill were not asked again; only
        # guides whose answer had not been saved (the stalled one among them) were.
        if path in killed["fetched"] or "index.html" in path:
            assert n == 1, (path, n)
        else:
            assert n <= 2 and killed["hits"][path] == n - 1, (path, n)
    assert any(n == 2 for n in relay.hits.values())
    before_rows = [(r["id"], r["created_at"]) for r in _results(db)]
    hits = sum(relay.hits.values())
    stats = gather_channels(db, 1)
    assert stats["compared"] == 0 and stats["fetched"] == 0
    assert sum(relay.hits.values()) == hits
    assert [(r["id"], r["created_at"]) for r in _results(db)] == before_rows


def test_scoring_reads_the_second_channel_only_where_listed(campaign):
    db, dept, other = campaign["db"], campaign["dept"], campaign["other"]
    campaign_score, guides, _ = assessment.score(db, 1)
    s_on_guides = [f for g in guides[dept] for f in g.findings if f.rule in ("S001", "S002")]
    assert {f.rule for f in s_on_guides} == {"S001", "S002"}  # S001 on portal guides, S002 on website-only items
    assert not [f for g in guides[other] for f in g.findings if f.rule.startswith("S")]
    # Reviewers see the same S findings, under the keys the scorer counts them by.
    from guidecheck.review import campaign_findings
    from guidecheck.scoring import finding_key

    reviewable = {f["key"] for f in campaign_findings(Store(db), 1) if f["rule"] in ("S001", "S002")}
    scored = {finding_key(g.record.source, f) for g in guides[dept] for f in g.findings if f.rule in ("S001", "S002")}
    assert reviewable == scored and len(scored) == len(s_on_guides)
    store = Store(db)
    from guidecheck.scoring import DepartmentInput

    inputs = [DepartmentInput(name=n, guides=[]) for n in (dept, other)]
    attach_second_channels(store, 1, inputs)
    assert inputs[0].second_channel is not None and len(inputs[0].second_channel.only_there) == 2
    assert inputs[0].second_channel.compared == sum(
        1 for r in _results(db) if r["item_id"] is not None and r["other_fetched"])
    assert getattr(inputs[1], "second_channel", None) is None
    scoring = pytest.importorskip("guidecheck.scoring")
    if not hasattr(scoring, "SecondChannel"):
        pytest.skip("the scorer's SecondChannel arrives with the rules branch")
    by_name = {d.name: d for d in campaign_score.departments}
    same = {d: next(i for i in by_name[d].indicators if i.id == "same-source") for d in (dept, other)}
    assert same[dept].judged and same[dept].score < same[dept].points
    assert not same[other].judged


def test_roster_channels_are_validated(tmp_path):
    path = tmp_path / "r.yaml"
    base = {"department": "市市场监督管理局", "listing": "http://127.0.0.1:1/dept/scjg/items"}
    path.write_text(yaml.safe_dump({"departments": [
        {**base, "channels": [{"name": "部门网站", "listing": "http://127.0.0.1:1/site/scjg/bszn/index.html"}]}]},
        allow_unicode=True), encoding="utf-8")
    entry = roster_mod.load(path).entries[0]
    assert [(c.name, c.profile) for c in entry.channels] == [("部门网站", "generic-html")]
    for bad, reason in ([{"listing": "ftp://x"}], "列表地址"), ([{"listing": "http://x/", "profile": "nope"}], "未知"), \
            ([{"listing": "http://x/", "colour": 1}], "未知的设置"), ("http://x/", "列表"), \
            ([{"listing": "http://x/a"}, {"listing": "http://x/b", "name": "其他渠道1"}], "重复"):
        path.write_text(yaml.safe_dump({"departments": [{**base, "channels": bad}]}, allow_unicode=True),
                        encoding="utf-8")
        with pytest.raises(CatalogError, match=reason) as info:
            roster_mod.load(path)
        assert str(path) in str(info.value)
    assert parse_channels(None, "x", "d") == []


def test_every_portal_family_against_the_websites_gives_exactly_the_planted_findings():
    """Precision over the whole demo: each portal layout family's pages against the
    website's give the planted S findings and nothing else (rewritings that must
    not count included)."""
    import urllib.request

    from guidecheck.compare import Guide, match_and_compare
    from guidecheck.demo_portal import channel_site
    from guidecheck.extract import extract

    with start_portal(departments=3, items_per_department=40, seed=9, delays=False) as portal:
        planted = {(p["department"], p["name"]): p for p in portal.manifest()["channels"]["items"]}
        site = Site(3, 40, 9)

        def guide(path):
            url = portal.url + path
            return Guide(url, extract(urllib.request.urlopen(url).read(), url, url)[0])

        kinds = set()
        for dept in site.departments:
            portal_side = [guide(g.detail_url or g.guide_url) for g in (site.guide(dept.index, i) for i in range(40))]
            other_side = [guide(path) for path, _ in channel_site.listed(site, dept)]
            for r in match_and_compare(portal_side, other_side):
                p = planted.get((dept.name, r.item))
                want = sorted((e["rule"], e["element"], e["outcome"]) for e in (p["expected"] if p else []))
                assert sorted((f.rule, f.element, f.outcome) for f in r.findings) == want, (dept.family, r.item)
                kinds.add(p["kind"] if p else None)
    assert kinds >= {"limit", "phone", "material", "portal_only", "channel_only", "phone_format", "limit_numerals",
                     "materials_order"}


def test_scoring_again_rewrites_no_finding(campaign):
    db = campaign["db"]
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT count(*), max(id) FROM findings").fetchone()
    assessment.score(db, 1)
    assert conn.execute("SELECT count(*), max(id) FROM findings").fetchone() == before
    assert conn.execute("SELECT count(*) FROM findings WHERE rule IN ('S001', 'S002')").fetchone()[0] >= 3


def test_unread_channel_guides_and_listings_never_deduct(campaign):
    from guidecheck.channels.phase import _Portal, compare_channel

    db = campaign["db"]
    store = Store(db)
    dept_id = next(d["id"] for d in store.departments(1) if d["name"] == campaign["dept"])
    records = {}
    for stored in store.guide_records(1):
        records.setdefault(stored.item_id, []).append(stored.record)
    # A guide listed on the channel whose page could not be read: its link text is all we know.
    entry = {"id": 1, "url": "http://127.0.0.1:1/x/9.html", "item_key": "http://127.0.0.1:1/x/9.html",
             "name": "查看详情", "wanted": 1, "status": "error", "records_json": None}
    rows = compare_channel(_Portal(store, 1, dept_id, records), [entry])
    [row] = [r for r in rows if r["item_id"] is None]
    [finding] = row["findings"]
    assert finding.rule == "S002" and finding.outcome == "needs_review" and "人工确认" in finding.message
    assert not row["other_fetched"]
    # A channel whose listing cannot be read is not compared: same-source stays not judged.
    campaign_id = store.create_campaign("unreadable channel", settings={
        "allow_private": True,
        "second_channels": {"市市场监督管理局": [{"name": "部门网站", "listing": "http://127.0.0.1:1/bszn/", "profile": "generic-html"}]}})
    store.add_department(campaign_id, "市市场监督管理局", listing_url="http://127.0.0.1:1/dept/scjg/items")
    stats = gather_channels(db, campaign_id)
    assert stats["compared"] == 0 and stats["notes"]
    from guidecheck.scoring import DepartmentInput

    inputs = [DepartmentInput(name="市市场监督管理局", guides=[])]
    attach_second_channels(store, campaign_id, inputs)
    assert getattr(inputs[0], "second_channel", None) is None
    assert any("未比对" in n for n in store.notes(campaign_id))


def test_channel_fetcher_refuses_private_targets_before_connecting():
    """Without the campaign's allowance, a channel URL on a loopback or metadata
    address is refused with a reason, and the listener never sees a connection."""
    import asyncio
    import socket

    from guidecheck.channels.fetch import ChannelFetcher
    from guidecheck.scope import Scope

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]

    fetcher_scope = Scope()

    async def fetch_all():
        async with ChannelFetcher(fetcher_scope, timeout=3, retries=0) as fetcher:
            return [await fetcher.get(u) for u in (f"http://127.0.0.1:{port}/bszn/",
                                                   "http://169.254.169.254/latest/meta-data/")]

    try:
        pages = asyncio.run(fetch_all())
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()
    assert all(p.status is None and "范围" in p.error for p in pages), [p.error for p in pages]
    assert [why for _, why, where in fetcher_scope.refusals if where == "channels"] == ["loopback", "metadata"]
