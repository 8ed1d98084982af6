"""Portal-page checks (H001-H003): the pure check on page snippets, then the
campaign phase in real Chromium over the demo city's homepages, whose findings
must equal the manifest's `portal_pages` (none invented on the good pages)."""
from __future__ import annotations

import collections

import pytest

from guidecheck.crawler.settings import chromium_path
from guidecheck.demo_portal import start_portal
from guidecheck.errors import CatalogError
from guidecheck.judge import judge_campaign
from guidecheck.journeys.portal_pages import BranchSpec, check_homepage, mark_title, site_marks

FOOTER = ('<p>网站标识码：3501000001 <a href="https://beian.miit.gov.cn/">闽ICP备05000001号-1</a> '
          '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=35010202000001">'
          '闽公网安备 35010202000001号</a></p>'
          '<a href="https://bszs.conac.cn/sitename?method=show&amp;id=1"><img src="/img/red.png"></a>'
          '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3501000001">'
          '<img src="/img/jc.png" alt="我为政府网站找错"></a>')
BASE = "http://www.example.gov.cn/"
BRANCH = BranchSpec(hosts=["fz.zwfw.fujian.gov.cn"], texts=["福州市政务服务网"])


def page(body: str) -> str:
    return f'<html><head><meta charset="utf-8"><title>首页</title></head><body>{body}</body></html>'


def rules_of(findings) -> list[str]:
    return sorted(f.rule for f in findings)


# ------------------------------------------------------------------ pure checks

def test_complete_government_homepage_passes():
    html = page('<a href="http://fz.zwfw.fujian.gov.cn/">网上办事</a>' + FOOTER)
    assert check_homepage(html, BASE, role="government", branch=BRANCH) == []


@pytest.mark.parametrize("link", [
    '<a href="http://fz.zwfw.fujian.gov.cn/portal/index">办事</a>',  # by host
    '<a href="/go?to=zwfw">福州市政务服务网</a>',                     # by text
    '<a href="/go"><img src="b.png" alt="福州市政务服务网"></a>',      # by image alt
    '<span onclick="window.open(\'http://fz.zwfw.fujian.gov.cn/\')">网上办事大厅</span>',  # script link
])
def test_branch_link_forms(link):
    assert rules_of(check_homepage(page(link + FOOTER), BASE, role="government", branch=BRANCH)) == []


def test_branch_link_missing_and_provincial_front_page_does_not_count():
    html = page('<a href="https://zwfw.fujian.gov.cn/">福建省网上办事大厅</a>' + FOOTER)
    found = check_homepage(html, BASE, role="government", branch=BRANCH)
    assert rules_of(found) == ["H001"] and found[0].evidence == BASE and "福州市政务服务网" in found[0].message


def test_channel_link_prefix_at_a_segment_boundary():
    channel = ["http://zwfw.example.gov.cn/dept/scjg"]
    ok = page('<a href="http://zwfw.example.gov.cn/dept/scjg/items?page=1">本部门办事</a>' + FOOTER)
    assert check_homepage(ok, BASE, role="department", channels=channel) == []
    other = page('<a href="http://zwfw.example.gov.cn/dept/scjgx">别的部门</a>'
                 '<a href="http://zwfw.example.gov.cn/">政务服务网首页</a>' + FOOTER)
    assert rules_of(check_homepage(other, BASE, role="department", channels=channel)) == ["H002"]


def test_each_missing_mark_is_one_finding():
    html = page('<p>网站标识码：3501000001 闽ICP备05000001号</p><p>党政机关</p>')  # badge as plain text: no
    found = check_homepage(html, BASE, role="department", channels=None)
    assert rules_of(found) == ["H003"] * 3
    titles = {mark_title(k) for k in ("police", "dzjg", "jiucuo")}
    assert {next(t for t in titles if t in f.message) for f in found} == titles


def test_marks_in_scripts_or_attributes_do_not_count():
    html = page('<script>var s="网站标识码：3501000001 闽ICP备05000001号";</script>'
                '<img src="/x.png" title="闽公网安备 35010202000001号">')
    marks = site_marks(html, BASE)
    assert marks["site_code"] is None and marks["icp"] is None and marks["police"] is None


def test_marks_found_with_their_evidence():
    marks = site_marks(page(FOOTER), BASE)
    assert marks["site_code"].endswith("3501000001") and "ICP备05000001号" in marks["icp"]
    assert "conac" in marks["dzjg"] and marks["jiucuo"]


# ------------------------------------------------------------------ the phase in Chromium

needs_browser = pytest.mark.skipif(not chromium_path(), reason="no Chromium on this machine")


@pytest.fixture(scope="module")
def portal():
    with start_portal(departments=5, items_per_department=10) as p:
        yield p


def seed(db, portal, *, gov_as_departments: bool = True):
    from guidecheck.crawler.campaign import open_stores

    manifest = portal.manifest()
    pp = manifest["portal_pages"]
    store, _ = open_stores(db)
    settings = {"branch_link": pp["branch_link"], "allow_private": True,  # the portal is on loopback
                "channel_links": {p["department"]: p["channel"] for p in pp["pages"] if p["role"] == "department"}}
    campaign_id = store.create_campaign("首页检查", settings=settings)
    listing = {d["name"]: d["listing_url"] for d in manifest["departments"]}
    for p in pp["pages"]:
        if p["role"] == "department":
            store.add_department(campaign_id, p["department"], listing_url=listing[p["department"]], homepage=p["url"])
    govs = [p for p in pp["pages"] if p["role"] == "government"]
    if gov_as_departments:  # governments as roster entries whose homepage is a government homepage
        for p in govs:
            store.add_department(campaign_id, p["name"], homepage=p["url"])
        store.update_campaign_settings(campaign_id, {"government_departments": [p["name"] for p in govs]})
    else:  # extra homepages attached to a roster department
        first = pp["pages"][2]["department"]
        store.update_campaign_settings(campaign_id, {"gov_homepages": [
            {"url": p["url"], "name": p["name"], "department": first} for p in govs]})
    return store, campaign_id, pp["pages"]


@pytest.fixture(scope="module")
def checked(portal, tmp_path_factory):
    from guidecheck.journeys.phases import check_portal_pages

    db = tmp_path_factory.mktemp("pages") / "campaign.db"
    store, campaign_id, pages = seed(db, portal)
    count = check_portal_pages(db, campaign_id)
    assert not store.findings(campaign_id)  # the homepage phase only observes: the judge writes
    judge_campaign(store, campaign_id)
    return db, store, campaign_id, pages, count


@needs_browser
def test_homepage_findings_equal_the_manifest(checked):
    _, store, campaign_id, pages, count = checked
    assert count == len(pages)
    got = collections.defaultdict(collections.Counter)
    for f in store.findings(campaign_id):
        assert f["item_id"] is None and f["department_id"] is not None
        mark = next((k for k in ("site_code", "icp", "police", "dzjg", "jiucuo") if mark_title(k) in f["message"]),
                    None) if f["rule"] == "H003" else None
        got[f["evidence"]][(f["rule"], f["outcome"], mark)] += 1
    problems = []
    for p in pages:
        want = collections.Counter((e["rule"], e["outcome"], e.get("mark")) for e in p["expected"])
        if got.get(p["url"], collections.Counter()) != want:
            problems.append(f"{p['url']}: expected {sorted(want.elements())}, got {sorted(got[p['url']].elements())}")
    assert not problems, "\n".join(problems)


@needs_browser
def test_script_built_footer_needs_the_browser(checked, portal):
    """Department 3 writes its identity marks by script: the static HTML has none,
    the rendered page has all five (no H003)."""
    import urllib.request

    _, store, campaign_id, _, _ = checked
    page_row = next(r for r in store.portal_pages(campaign_id) if "/site/wjw/" in r["url"])
    static = urllib.request.urlopen(page_row["url"], timeout=10).read().decode("utf-8")
    assert all(v is None for v in site_marks(static, page_row["url"]).values())
    assert all(page_row["marks"].values()) and page_row["status"] == "ok"


@needs_browser
def test_snapshots_replay_to_the_same_findings(checked):
    from guidecheck.crawler.campaign import open_stores
    from guidecheck.journeys.phases import PortalPageOptions, portal_page_specs

    db, store, campaign_id, _, _ = checked
    _, snapshots = open_stores(db)
    specs, branch = portal_page_specs(store, campaign_id, PortalPageOptions())
    stored = collections.Counter((f["evidence"], f["rule"], f["message"]) for f in store.findings(campaign_id))
    replayed = collections.Counter()
    for spec in specs:
        row = next(r for r in store.portal_pages(campaign_id) if r["url"] == spec.url)
        meta = snapshots.meta(row["snapshot_sha"])
        assert meta["fetcher"] == "browser" and meta["url"] == spec.url
        html = snapshots.get(row["snapshot_sha"]).decode("utf-8")
        for f in check_homepage(html, meta["final_url"], role=spec.role, branch=branch, channels=spec.channels,
                                evidence=spec.url):
            replayed[(f.evidence, f.rule, f.message)] += 1
    assert replayed == stored


@needs_browser
def test_rerun_skips_checked_pages_and_redo_replaces(checked):
    from guidecheck.crawler.campaign import summarize
    from guidecheck.journeys.phases import PortalPageOptions, check_portal_pages

    db, store, campaign_id, pages, _ = checked
    before = sorted((f["evidence"], f["rule"], f["message"]) for f in store.findings(campaign_id))
    assert check_portal_pages(db, campaign_id) == 0
    assert check_portal_pages(db, campaign_id, PortalPageOptions(redo=True)) == len(pages)
    judge_campaign(store, campaign_id)
    assert sorted((f["evidence"], f["rule"], f["message"]) for f in store.findings(campaign_id)) == before
    summary = summarize(db, campaign_id)  # H findings count under their department
    assert sum(d["fail"] for d in summary.departments) == len(before)


@needs_browser
def test_gov_homepages_attached_to_a_department(portal, tmp_path):
    from guidecheck.journeys.phases import check_portal_pages

    db = tmp_path / "c.db"
    store, campaign_id, _ = seed(db, portal, gov_as_departments=False)
    check_portal_pages(db, campaign_id)
    judge_campaign(store, campaign_id)
    first = store.departments(campaign_id)[0]
    h001 = [f for f in store.findings(campaign_id) if f["rule"] == "H001"]
    assert len(h001) == 1 and h001[0]["evidence"].endswith("/gov-nobranch/") and h001[0]["department_id"] == first["id"]


def test_unreachable_homepage_is_needs_review(tmp_path):
    from guidecheck.journeys.phases import check_portal_pages
    from guidecheck.store import Store

    if not chromium_path():
        pytest.skip("no Chromium on this machine")
    with start_portal(departments=1, items_per_department=3) as p:
        db = tmp_path / "c.db"
        store = Store(db)
        campaign_id = store.create_campaign("x", settings={"allow_private": True})  # the portal is on loopback
        store.add_department(campaign_id, "市市场监督管理局", listing_url=p.url + "/dept/scjg/items",
                             homepage=p.url + "/site/nosuch/")
        check_portal_pages(db, campaign_id)
        judge_campaign(store, campaign_id)
        found = store.findings(campaign_id)
        assert sorted(f["rule"] for f in found) == ["H002", "H003"]
        assert all(f["outcome"] == "needs_review" and "HTTP 404" in f["message"] for f in found)


def test_settings_refused_before_anything_runs(tmp_path):
    from guidecheck.journeys.phases import PortalPageOptions, check_portal_pages
    from guidecheck.store import Store

    db = tmp_path / "c.db"
    store = Store(db)
    campaign_id = store.create_campaign("x", settings={"gov_homepages": [{"url": "http://gov.example.cn/"}]})
    store.add_department(campaign_id, "市政府办公厅", listing_url="http://zwfw.example.cn/d/items")
    with pytest.raises(CatalogError, match="department"):
        check_portal_pages(db, campaign_id)
    store.update_campaign_settings(campaign_id, {"gov_homepages": [{"url": "http://gov.example.cn/",
                                                                     "department": "市政府办公厅"}]})
    with pytest.raises(CatalogError, match="branch_link"):
        check_portal_pages(db, campaign_id)
    with pytest.raises(CatalogError, match="名单"):
        check_portal_pages(db, campaign_id, PortalPageOptions(government_departments=["不存在的部门"]))
