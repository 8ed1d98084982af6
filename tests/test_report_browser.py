"""report.html opened in real headless Chromium (Debian's /usr/bin/chromium, or
$GUIDECHECK_CHROMIUM): it renders, the filters keep only the matching rows, a
script planted in a guide's text never runs, and it asks nothing of the network."""
import json
import struct
import zlib
from pathlib import Path

import pytest

from guidecheck.crawler.settings import CHROMIUM_ARGS, chromium_path
from guidecheck.reports import write_reports

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "report_model.json"
CHROMIUM = chromium_path()
ARGS = CHROMIUM_ARGS

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no Chromium found (set GUIDECHECK_CHROMIUM or install chromium)")

PLANTED_ITEM = "护士执业注册<script>window.__pwned='item';alert('item')</script>"
PLANTED_EVIDENCE = ("详见附件\"><img src=x onerror=\"window.__pwned='img';alert('img')\">"
                    "<script>window.__pwned='evidence';alert('evidence')</script>")
PLANTED_DEPARTMENT = "福建省卫生健康委员会<svg onload=\"window.__pwned='svg'\">"


def png(width: int = 40, height: int = 24) -> bytes:
    """A small solid PNG, so the screenshot evidence has a real image to show."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xc0\x39\x2b" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def planted_model() -> dict:
    model = json.loads(FIXTURE.read_text(encoding="utf-8"))
    old = "福建省卫生健康委员会"
    for dept in model["departments"]:
        if dept["name"] == old:
            dept["name"] = PLANTED_DEPARTMENT
    for f in model["findings"]:
        if f["department"] == old:
            f["department"] = PLANTED_DEPARTMENT
    target = next(f for f in model["findings"] if f["rule"] == "M101" and f["department"] == PLANTED_DEPARTMENT)
    target.update(item_name=PLANTED_ITEM, evidence=PLANTED_EVIDENCE, url="javascript:window.__pwned='href'")
    return model


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-report")
    model = planted_model()
    shots = {f["screenshot"] for f in model["findings"] if f.get("screenshot")}
    for shot in shots:
        (out / shot).parent.mkdir(parents=True, exist_ok=True)
        (out / shot).write_bytes(png())
    return model, write_reports(model, out, formats=("html",))["html"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def opened(browser, report):
    """The report opened in a fresh page, with what it tried: dialogs, requests
    other than the file itself, console errors."""
    model, path = report
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"dialogs": [], "requests": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)

    def route(r):
        if not r.request.url.startswith("file://"):
            seen["requests"].append(r.request.url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    yield model, page, seen
    page.close()


def visible_rows(page) -> int:
    return page.locator("#findings-table tr.finding:visible").count()


def test_report_renders(opened, tmp_path):
    model, page, seen = opened
    assert page.title() == "2024年第三季度省直部门网上办事指南抽查 办事指南检查评分报告"
    cards = page.locator("article.dept-card")
    assert cards.count() == len(model["departments"])
    for i in range(cards.count()):
        assert cards.nth(i).is_visible()
    assert page.locator("svg.ranking").is_visible()
    assert page.locator("svg.ranking rect.bar").count() == len(model["departments"])
    assert page.locator("svg.ranking g.row.veto").count() == 1
    assert page.locator("article.dept-card.veto .veto-banner").is_visible()
    assert visible_rows(page) == len(model["findings"])
    assert page.locator("#filter-count").text_content() == str(len(model["findings"]))
    image = page.locator("tr.finding img")
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 40
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert seen["requests"] == [] and seen["errors"] == []


def test_filters_keep_only_matching_rows(opened):
    model, page, _ = opened
    findings = model["findings"]

    def expect(department="", rule="", status=""):
        want = [f for f in findings if (not department or f["department"] == department)
                and (not rule or f["rule"] == rule) and (not status or f["status"] == status)]
        assert visible_rows(page) == len(want) > 0 or not want
        assert page.locator("#filter-count").text_content() == str(len(want))
        keys = page.locator("#findings-table tr.finding:visible").evaluate_all("rows => rows.map(r => r.dataset.key)")
        assert keys == [f["key"] for f in want]
        return len(want)

    page.select_option("#filter-department", "福建省生态环境厅")
    assert expect(department="福建省生态环境厅") == 21
    page.select_option("#filter-rule", "E001")
    assert expect(department="福建省生态环境厅", rule="E001") == 20
    page.select_option("#filter-department", "")
    page.select_option("#filter-rule", "K001")
    assert expect(rule="K001") == 2
    page.select_option("#filter-status", "needs_review")
    assert expect(rule="K001", status="needs_review") == 1
    page.select_option("#filter-rule", "")
    page.select_option("#filter-status", "dismissed")
    assert expect(status="dismissed") == 2
    page.select_option("#filter-department", PLANTED_DEPARTMENT)  # a name holding markup is still a plain value
    page.select_option("#filter-status", "")
    assert expect(department=PLANTED_DEPARTMENT) == 5
    page.select_option("#filter-rule", "E001")
    assert expect(department=PLANTED_DEPARTMENT, rule="E001") == 0
    assert page.locator("#filter-empty").is_visible()
    page.click("#filter-reset")
    assert expect() == len(findings)
    assert not page.locator("#filter-empty").is_visible()
    page.click("article.dept-card#dept-1 button[data-show-department]")
    assert page.input_value("#filter-department") == model["departments"][0]["name"]
    assert expect(department=model["departments"][0]["name"]) == 10


def test_planted_script_does_not_run(opened):
    _, page, seen = opened
    page.wait_for_timeout(300)  # give an onerror handler time to fire, were there one
    assert seen["dialogs"] == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 1
    assert page.locator("img[src='x']").count() == 0
    row = page.locator("#findings-table tr.finding", has_text="护士执业注册<script>")
    assert row.count() == 1
    assert PLANTED_ITEM in row.locator(".item-name").inner_text()
    assert PLANTED_EVIDENCE in row.locator(".evidence q").inner_text()
    assert row.locator(".item-name a").count() == 0  # the javascript: URL is no link
    assert PLANTED_DEPARTMENT in page.locator("article.dept-card h3").all_inner_texts()


def test_journey_screenshot_beside_its_finding_opens_full_size(browser, tmp_path):
    """A J finding's screenshot (an absolute path, as the store keeps it) is copied
    next to the report and shown as a thumbnail that links to the full image."""
    shot = tmp_path / "store" / "journeys" / "7" / "screenshot.png"
    shot.parent.mkdir(parents=True)
    shot.write_bytes(png(640, 400))
    model = json.loads(FIXTURE.read_text(encoding="utf-8"))
    finding = dict(model["findings"][0], rule="J001", rule_title="点击后5秒内未到达办理页面", key="j" * 40,
                   screenshot=str(shot), trace=None, page_snapshot=None)
    model["findings"].append(finding)
    out = tmp_path / "report"
    path = write_reports(model, out, formats=("html", "json"))["html"]
    stored = json.loads((out / "report.json").read_text(encoding="utf-8"))
    src = next(f["screenshot"] for f in stored["findings"] if f["key"] == "j" * 40)
    assert not Path(src).is_absolute() and (out / src).read_bytes() == shot.read_bytes()
    assert str(tmp_path / "store") not in path.read_text(encoding="utf-8")  # no internal path in the page
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(path.as_uri())
        row = page.locator("tr.finding[data-rule='J001']")
        img = row.locator("img.thumb")
        assert img.count() == 1
        assert img.evaluate("i => i.complete && i.naturalWidth") == 640  # the image loaded
        shown = img.bounding_box()
        assert 0 < shown["width"] < 640  # a thumbnail …
        assert row.locator("a:has(img.thumb)").get_attribute("href") == src  # … opening the full image
    finally:
        page.close()


def test_chinese_text_renders_as_glyphs_not_boxes(browser, report):
    """With a CJK font installed, Chinese in the report draws real glyphs: the same
    element shows different pixels for Chinese text and for characters no font
    has (drawn as empty boxes). Without a CJK font both would be boxes."""
    _, path = report
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(path.as_uri())
        heading = page.locator("h1")
        heading.evaluate("h => { h.textContent = '办事指南检查评分'; h.style.display = 'inline-block'; }")
        chinese = heading.screenshot()
        heading.evaluate("h => { h.textContent = '\\u{10FFFD}'.repeat(8); }")
        boxes = heading.screenshot()
        heading.evaluate("h => { h.textContent = '\\u{10FFFC}'.repeat(8); }")
        other_boxes = heading.screenshot()
        assert boxes == other_boxes  # two unknown characters look alike: boxes
        assert chinese != boxes
    finally:
        page.close()
