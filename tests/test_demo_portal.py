"""The bundled demo portal (guidecheck.demo_portal), over real HTTP on loopback.

The last tests are the real proof: every guide the portal serves, run through
the extractor and the offline rules, gives exactly the findings its manifest
plants (none missed, none invented), and the script-built pages rendered in
Chromium give the same.
"""
from __future__ import annotations

import io
import json
import re
import socket
import time
import urllib.error
import urllib.request
import zipfile
from collections import Counter
from urllib.parse import urljoin

import pytest

from guidecheck.demo_portal import offline_expected, start_portal
from guidecheck.demo_portal.defects import KINDS

TIMEOUT = 10


@pytest.fixture(scope="module")
def portal():
    with start_portal() as p:
        yield p


def get(url, timeout=TIMEOUT):
    """(status, headers, body) without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def links(html: str, base: str) -> list[tuple[str, str]]:
    return [(urljoin(base, h.replace("&amp;", "&")), re.sub(r"<[^>]+>", "", t))
            for h, t in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html)]


# ------------------------------------------------------------------ server

def test_starts_on_a_free_port_and_stops():
    p = start_portal(departments=1, items_per_department=3)
    port = p.port
    assert p.url == f"http://127.0.0.1:{port}" and port > 0
    status, _, body = get(p.url + "/")
    assert status == 200 and "市市场监督管理局" in body.decode("utf-8")
    p.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_homepage_robots_and_unknown_paths(portal):
    status, _, body = get(portal.url + "/")
    html = body.decode("utf-8")
    depts = [u for u, _ in links(html, portal.url) if "/dept/" in u]
    assert len(depts) == 5
    assert "/trap/" not in html  # traps are never linked from the default site
    status, _, body = get(portal.url + "/robots.txt")
    assert status == 200 and "Disallow: /admin/" in body.decode()
    assert "/admin/login" in html and portal.hits("/admin/") == 0  # the link a robots test must not follow
    get(portal.url + "/admin/login")
    assert portal.hits("/admin/") == 1
    assert get(portal.url + "/no/such/page")[0] == 404
    assert get(portal.url + "/files/no-such-file.docx")[0] == 404  # real 404 prefix


def test_html_listings_paginate_and_cover_every_item_once(portal):
    site = portal.site
    for dept in site.departments:
        if dept.listing != "html":
            continue
        url, seen, pages = f"{portal.url}/dept/{dept.code}/items?page=1", [], 0
        while url:
            status, _, body = get(url)
            assert status == 200
            html = body.decode("utf-8")
            page_links = [u for u, _ in links(html, url) if "/pubtask/" in u or "/bszn.do" in u or "/portal/v2/" in u]
            assert len(page_links) <= 15
            seen += page_links
            nxt = [u for u, t in links(html, url) if t == "下一页"]
            url = nxt[0] if nxt else None
            pages += 1
        assert pages == 4
        expected = [portal.url + site.guide(dept.index, i).guide_url for i in site.items(dept)]
        assert sorted(seen) == sorted(expected) and len(set(seen)) == len(seen) == 60


def test_json_listing_covers_every_item_once(portal):
    dept = next(d for d in portal.site.departments if d.listing == "json")
    seen, page_no = [], 1
    while True:
        status, headers, body = get(f"{portal.url}/api/dept/{dept.code}/items?pageNo={page_no}&pageSize=20")
        assert status == 200 and headers.get_content_type() == "application/json"
        data = json.loads(body)
        assert data["total"] == 60 and data["pageNo"] == page_no
        if not data["data"]:
            break
        assert set(data["data"][0]) >= {"itemCode", "itemName", "guideUrl"}
        seen += [d["itemCode"] for d in data["data"]]
        page_no += 1
    assert page_no == 4 and len(seen) == len(set(seen)) == 60
    assert get(f"{portal.url}/dept/{dept.code}/items?page=1")[0] == 404  # only the JSON endpoint lists it


# ------------------------------------------------------------------ guide families

def _first(portal, family):
    """The first guide of that family with nothing planted."""
    return next(g for d in portal.site.departments if d.family == family
                for g in (portal.site.guide(d.index, i) for i in range(portal.site.items_per_department))
                if not g.defects and not g.journey)


def test_family1_table_page_and_faq_tab(portal):
    g = _first(portal, 1)
    assert re.fullmatch(r"/pubtask/task/1/\d{12}/[0-9a-f-]{36}\.html", g.guide_url)
    status, headers, body = get(portal.url + g.guide_url)
    html = body.decode("utf-8")
    assert status == 200 and headers.get_content_charset() == "utf-8"
    for label in ("事项名称", "申请条件", "设定依据", "办理地点", "收费标准", "咨询电话", "材料名称", "空表下载", "样表下载"):
        assert label in html
    assert g.faq_url.rsplit("/", 1)[1] in html  # the FAQ tab links the separate page
    faq = get(portal.url + g.faq_url)[2].decode("utf-8")
    assert faq.count("问：") >= 3


def test_gbk_page_really_is_gbk(portal):
    g = _first(portal, 2)
    assert g.guide_url.startswith("/bszn.do?id=")
    status, headers, body = get(portal.url + g.guide_url)
    assert status == 200 and headers.get_content_charset() == "gbk"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    html = body.decode("gbk")
    assert '<meta charset="gbk">' in html and g.name in html and "<dl" in html


def test_script_page_is_a_shell_and_the_api_is_audit_item_shaped(portal):
    from guidecheck.errors import ScriptShellError
    from guidecheck.extract import extract

    g = _first(portal, 3)
    status, _, body = get(portal.url + g.guide_url)
    assert status == 200 and b"/api/guide/detail" in body
    assert g.name.encode() not in body  # values are not in the static HTML
    with pytest.raises(ScriptShellError):
        extract(body, "shell.html", portal.url + g.guide_url)
    status, _, body = get(portal.url + g.detail_url)
    data = json.loads(body)
    item = data["AUDIT_ITEM"]
    assert item["CATANAME"] == g.name and item["TASK_CODE"] == g.code
    assert item["TASK_TYPE_TEXT"] and item["PROJECT_TYPE_TEXT"] and item["PROMISE_TYPE_TEXT"] == "工作日" \
        or item["PROJECT_TYPE_TEXT"] == "即办件"
    for table in ("AUDIT_ITEM_EXTEND", "AUDIT_MATERIAL", "AUDIT_ITEM_FLOWSHEET", "AUDIT_ITEM_RESULT", "AUDIT_QA"):
        assert table in data
    assert {"MATERIAL_NAME", "SOURCE_TYPE_TEXT", "FORM_GUID"} <= set(data["AUDIT_MATERIAL"][0])
    assert extract(body, "detail.json", portal.url + g.detail_url)[0].family == "audit_item"
    missing = json.loads(get(portal.url + "/api/guide/detail?taskCode=NOPE")[2])
    assert missing["msg"] == "未找到匹配的信息" and "AUDIT_ITEM" not in missing


# ------------------------------------------------------------------ downloads and link defects

def _planted(portal, kind):
    return next(it for it in portal.manifest()["items"] if kind in it["defects"])


def test_valid_downloads_open(portal):
    g = _first(portal, 1)
    for ref in g.files():
        status, _, body = get(portal.url + ref.path)
        assert status == 200, ref.path
        ext = ref.path.rsplit(".", 1)[1]
        if ext == "docx":
            assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()
        elif ext == "xlsx":
            assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()
        else:
            assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert get(portal.url + g.files()[0].path)[2] == get(portal.url + g.files()[0].path)[2]


@pytest.mark.parametrize("kind", ["link-truncated-docx", "link-truncated-xlsx"])
def test_corrupt_zip_downloads_fail_to_open(portal, kind):
    url = _planted(portal, kind)["expected"][0]["url"]
    status, _, body = get(url)
    assert status == 200 and body[:2] == b"PK"
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(body)).namelist()


def test_link_defects_answer_as_planted(portal):
    url = lambda kind: _planted(portal, kind)["expected"][0]["url"]
    assert get(url("link-dead"))[0] == 404
    status, headers, body = get(url("link-soft404"))
    assert status == 200 and "页面不存在" in body.decode()
    status, _, body = get(portal.url + "/upload/any/random/probe.docx")  # the whole prefix is soft-404
    assert status == 200 and "页面不存在" in body.decode()
    status, headers, body = get(url("link-not-file"))
    assert status == 200 and url("link-not-file").endswith(".doc") and headers.get_content_type() == "text/html"
    assert get(portal.url + "/attach/random-probe.doc")[0] == 404  # so the page above is no soft-404
    status, headers, body = get(url("link-empty-pdf"))
    assert status == 200 and body == b"" and headers.get_content_type() == "application/pdf"
    status, headers, body = get(url("link-waf"))
    assert status == 403 and "访问被拦截" in body.decode() and "安全防护" in body.decode()
    status, headers, body = get(url("link-429"))
    assert status == 429 and headers["Retry-After"]
    started = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        get(url("link-slow"), timeout=1)
    assert time.monotonic() - started < 5


def test_slow_answers_at_once_without_delays():
    with start_portal(delays=False) as p:
        item = next(it for it in p.manifest()["items"] if "link-slow" in it["defects"])
        status, _, body = get(item["expected"][0]["url"], timeout=3)
        assert status == 200 and body


def test_online_handling_and_policy_pages(portal):
    g = _first(portal, 1)
    html = get(portal.url + g.guide_url)[2].decode()
    assert f'href="{g.handle_url}"' in html and "在线办理" in html
    status, _, body = get(portal.url + g.handle_url)
    assert status == 200 and g.name in body.decode()
    assert get(portal.url + g.policy.path)[0] == 200


# ------------------------------------------------------------------ traps

def test_trap_loop_listing_goes_back_to_page_one(portal):
    url, visited = portal.url + "/trap/loop/items?page=1", []
    for _ in range(5):
        visited.append(url)
        html = get(url)[2].decode()
        url = next(u for u, t in links(html, url) if t == "下一页")
    assert visited[3] == visited[0] and len(set(visited)) == 3


def test_trap_endless_page_never_ends(portal):
    with urllib.request.urlopen(portal.url + "/trap/endless", timeout=5) as r:
        got, started = 0, time.monotonic()
        while time.monotonic() - started < 1.0:
            got += len(r.read1(65536))
        assert got > 2_000 and not r.closed  # still streaming after a second


def test_trap_redirect_loop_and_reset(portal):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(portal.url + "/trap/redirect/a", timeout=5)
    assert err.value.code == 302  # urllib gives up: "redirect loop"
    with pytest.raises((ConnectionError, urllib.error.URLError, OSError)):
        urllib.request.urlopen(portal.url + "/trap/reset", timeout=5).read()


def test_trap_malformed_json_and_wrong_charset(portal):
    html = get(portal.url + "/trap/")[2].decode()
    shell = next(u for u, _ in links(html, portal.url) if "/portal/v2/guide/" in u)
    code = shell.rsplit("/", 1)[1]
    status, headers, body = get(f"{portal.url}/api/guide/detail?taskCode={code}")
    assert status == 200 and headers.get_content_type() == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    status, headers, body = get(portal.url + "/trap/wrong-charset")
    assert headers.get_content_charset() == "utf-8" and b'<meta charset="utf-8">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "事项名称" in body.decode("gbk")


# ------------------------------------------------------------------ determinism and manifest

def test_same_seed_same_bytes_other_seed_other_defects():
    paths = lambda p: ["/", "/dept/scjg/items?page=2", p.site.guide(0, 5).guide_url,
                       p.site.guide(1, 7).guide_url, p.site.guide(2, 9).detail_url, p.site.guide(0, 5).files()[0].path]
    with start_portal() as a, start_portal() as b:
        for pa, pb in zip(paths(a), paths(b)):
            assert pa == pb and get(a.url + pa)[2] == get(b.url + pb)[2]
        strip = lambda m: json.dumps(m).replace(a.url, "").replace(b.url, "")
        assert strip(a.manifest()) == strip(b.manifest())
    with start_portal(seed=8) as c:
        assert [i["key"] for i in c.manifest()["items"]] != [i["key"] for i in a.manifest()["items"]]


def test_manifest_plants_every_kind_and_every_offline_rule(portal):
    m = portal.manifest()
    assert json.loads(get(portal.url + "/__manifest__")[2])["items"] == m["items"]
    kinds = Counter(k for it in m["items"] for k in it["defects"])
    assert set(kinds) == {k.name for k in KINDS}
    rules = {e["rule"] for it in m["items"] for e in it["expected"]}
    offline = {"E001", "E002", "E003", "M101", "M102", "M103", "M104", "M105", "M106", "M107", "M108",
               "P201", "P202", "P203", "P204", "T301", "T302", "T303", "T304", "L401", "L402", "L403",
               "B501", "F601", "F602", "F603", "R701", "C801", "C802", "Q901", "Q902"}
    assert offline | {"K001", "K002", "K003", "K004"} <= rules
    review = [e for it in m["items"] for e in it["expected"] if e["outcome"] == "needs_review"]
    assert {e["url"].split("/")[3] for e in review} == {"slow", "waf", "busy"}
    for kind in kinds:  # spread over layout families
        fams = {it["family"] for it in m["items"] if kind in it["defects"]}
        assert len(fams) >= 2, kind


def test_large_portal_is_lazy():
    started = time.monotonic()
    with start_portal(departments=20, items_per_department=1000) as p:
        assert time.monotonic() - started < 2
        g = p.site.guide(19, 999)
        url = p.url + (g.detail_url or g.guide_url)
        assert get(url)[0] == 200
        assert get(p.url + f"/dept/{p.site.departments[0].code}/items?page=67")[0] == 200


# ------------------------------------------------------------------ the real proof

def _checks_available() -> bool:
    try:
        from guidecheck.checks import load_all  # noqa: F401
        from guidecheck.extract import html  # noqa: F401
    except ImportError:
        return False
    return True


def crawled_findings(item: dict):
    """Offline findings of one guide as a crawler assembles it: the guide page
    (or, for script-built pages, the JSON detail) plus, for family 1, the FAQ
    tab page merged in."""
    from guidecheck.checks import run_checks
    from guidecheck.extract import extract
    from guidecheck.offline import offline_codes

    url = item.get("detail_url") or item["guide_url"]
    records = extract(get(url)[2], item["key"], url)
    if item.get("faq_url"):
        tab = extract(get(item["faq_url"])[2], item["key"] + "#cjwt", item["faq_url"])[0]
        for rec in records:
            rec.faq = list(tab.faq)
            if tab.elements.get("faq"):
                rec.elements["faq"] = tab.elements["faq"]
            rec.present |= {"faq"} & tab.present
    return [f for rec in records for f in run_checks(rec, offline_codes())]


def _key(f) -> tuple:
    return (f["rule"], f["element"], f.get("material"), f["outcome"]) if isinstance(f, dict) \
        else (f.rule, f.element, f.material, f.outcome)


@pytest.mark.skipif(not _checks_available(), reason="extractor or checks not there yet")
@pytest.mark.parametrize("seed", [7, 11])
def test_offline_findings_equal_the_manifest(seed):
    problems = []
    with start_portal(seed=seed) as p:
        for item in p.manifest(all_items=True)["items"]:
            got = sorted(_key(f) for f in crawled_findings(item))
            want = sorted(_key(e) for e in offline_expected(item))
            if got != want:
                problems.append(f"{item['family_name']} {item['guide_url']} {item['defects']}: "
                                f"expected {want}, got {got}")
    assert not problems, f"{len(problems)} guides differ from the manifest:\n" + "\n".join(problems)


@pytest.mark.skipif(not _checks_available(), reason="extractor or checks not there yet")
def test_script_pages_rendered_in_chromium_give_the_manifest_findings(portal):
    sync_api = pytest.importorskip("playwright.sync_api")
    import shutil

    from guidecheck.offline import check_bytes

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("no Chromium on this machine")
    items = [it for it in portal.manifest()["items"] if it["family"] == 3][:8]
    items.append(portal.manifest(all_items=True)["items"][2 * 60 + 1])  # and a clean one (dept 2, item 1)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            for item in items:
                page.goto(item["guide_url"])
                page.wait_for_selector("body[data-loaded='1']", timeout=10_000)
                guides = check_bytes(page.content().encode("utf-8"), item["key"], item["guide_url"])
                assert guides[0].record.elements.get("name") == item["name"]
                assert sorted(_key(f) for f in guides[0].findings) == sorted(_key(e) for e in offline_expected(item))
        finally:
            browser.close()


def _link_checker_available() -> bool:
    try:
        from guidecheck.checks import links  # noqa: F401
        from guidecheck.crawler.links import check_links_sync  # noqa: F401
    except ImportError:
        return False
    return _checks_available()


@pytest.mark.skipif(not _link_checker_available(), reason="link checker not there yet")
def test_link_findings_equal_the_manifest(portal):
    """Every link of every guide, checked by the crawler's link checker (short
    timeout, no retries), gives exactly the K findings the manifest plants."""
    from guidecheck.checks import run_checks
    from guidecheck.crawler.links import check_links_sync
    from guidecheck.extract import extract

    items = portal.manifest(all_items=True)["items"]
    records = {}
    for item in items:
        url = item.get("detail_url") or item["guide_url"]
        records[item["key"]] = extract(get(url)[2], item["key"], url)[0]
    links = {link.url for rec in records.values() for link in rec.links}
    files = {link.url for rec in records.values() for link in rec.links if link.role in ("form", "sample")}
    results = check_links_sync(links, allow_private=True, timeout=2, retries=0, expect_file=files)
    problems = []
    for item in items:
        rec = records[item["key"]]
        rec.link_results = {link.url: results[link.url] for link in rec.links}
        got = sorted(_key(f) + (f.evidence,) for f in run_checks(rec, {"K001", "K002", "K003", "K004"}))
        want = sorted(_key(e) + (e["url"],) for e in item["expected"] if e["rule"].startswith("K"))
        if got != want:
            problems.append(f"{item['guide_url']} {item['defects']}: expected {want}, got {got}")
    assert not problems, "\n".join(problems)
