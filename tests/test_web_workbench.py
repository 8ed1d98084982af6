"""The reviewers' workbench in real Chromium against `guidecheck serve` on
loopback: the review and appeal flow moves the scorecard and /api/scores; a
department sees only its own findings; CSRF, XSS and SQL-like input are
harmless; a self-check changes no score. Screenshots of the main pages go to
docs/workbench/."""
from __future__ import annotations

import http.server
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from guidecheck.assessment import score
from guidecheck.crawler.settings import CHROMIUM_ARGS, chromium_path
from guidecheck.model import LinkResult
from guidecheck.store_users import UserStore
from guidecheck.web.sample_db import build_campaign

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "docs" / "workbench"
SCJ, STHJ, RSJ = "市市场监督管理局", "市生态环境局", "市人力资源和社会保障局"
XSS = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=1</script>'
XSS_FILE = '<img src=x onerror=window.__xss=1;alert(1)>.pdf'  # no quotes: browsers escape them in file names
XSS_ESCAPED = XSS.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
SQL = "x'); DROP TABLE decisions; -- ' OR '1'='1"
PASSWORDS = {"rev": "复核-密码-1", "scj": "scj pass 2", "sthj": "sthj-pass-3", "rsj": "rsj-4"}
# A 1×1 PNG: the journey screenshot the sample campaign stores as evidence.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cf000000030101009a4f7ae40000000049454e44ae426082")


def cli(*args, stdin=None, check=True):
    result = subprocess.run([sys.executable, "-m", "guidecheck.cli", *map(str, args)], input=stdin,
                            capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc, timeout=30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    guides = tmp / "guides"
    shutil.copytree(ROOT / "fixtures" / "score", guides, ignore=shutil.ignore_patterns("*.md"))
    # A guide whose name, location and a material carry an XSS payload (as text on the page).
    page = (guides / RSJ / "guide1.html").read_text(encoding="utf-8")
    page = page.replace("<td>福州市鼓楼区湖东路88号", f"<td>{XSS_ESCAPED}福州市鼓楼区湖东路88号", 1)
    name_start = page.index("<tr><th>事项名称</th><td>") + len("<tr><th>事项名称</th><td>")
    page = page[:name_start] + XSS_ESCAPED + page[name_start:]
    (guides / RSJ / "guide3.html").write_text(page, encoding="utf-8")
    db = tmp / "campaign.db"
    build_campaign(db, guides, "fj-2020-dept", link_checks=[
        (SCJ, "guide1.html", LinkResult(url="http://127.0.0.1:9/forms/apply.doc", status="review",
                                        reason="连接超时（2 次）", attempts=2)),
        (RSJ, "guide3.html", LinkResult(url=f"http://127.0.0.1:9/{XSS}", status="review", reason=XSS, attempts=1))],
        journeys=[(SCJ, "guide1.html", {"status": "ok", "guide_url": "http://127.0.0.1/g1", "median_ms": 1830.0,
                                        "clicks": 3, "reached_url": "http://127.0.0.1/apply"}, PNG)])
    users = UserStore(db)
    users.add_user("rev", "reviewer", PASSWORDS["rev"])
    users.add_user("sthj", "department", PASSWORDS["sthj"], STHJ)
    users.add_user("rsj", "department", PASSWORDS["rsj"], RSJ)
    users.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "guidecheck.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_port(port, proc)
    # A user added (through the command line) while the server runs logs in at once (the flow test does).
    cli("users", "add", "scj", "--role", "department", "--department", SCJ, "--db", db,
        stdin=PASSWORDS["scj"] + "\r\n")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(None), args=list(CHROMIUM_ARGS))
        yield {"base": f"http://127.0.0.1:{port}", "db": db, "browser": browser, "proc": proc}
        browser.close()
    proc.terminate()
    started = time.monotonic()
    proc.wait(timeout=15)
    assert time.monotonic() - started < 10 and proc.returncode == 0  # SIGTERM stops it within 10 s, cleanly


def api(site, method, path, body=None, *, csrf=None, cookie=None, raw=None, content_type="application/json"):
    """A plain HTTP call (urllib): (status, decoded JSON or text)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(site["base"] + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if csrf:
        request.add_header("X-CSRF-Token", csrf)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text, headers = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as exc:
        status, text, headers = exc.code, exc.read().decode(), exc.headers
    try:
        return status, json.loads(text), headers
    except ValueError:
        return status, text, headers


def api_login(site, name):
    status, body, headers = api(site, "POST", "/api/login", {"name": name, "password": PASSWORDS[name]})
    assert status == 200, body
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    return body["csrf"], cookie.split(";")[0]


def new_page(site, width=1366, height=768):
    context = site["browser"].new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def login(page, site, name):
    page.goto(site["base"] + "/campaigns/1/findings")
    assert "/login" in page.url  # nothing without a session
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.press("#password", "Enter")  # the keyboard submits
    page.wait_for_url("**/campaigns/1/findings")


def key_of(findings, department, rule):
    return next(f["key"] for f in findings if f["department"] == department and f["rule"] == rule)


def accuracy(scores, department):
    return next(d for d in scores["departments"] if d["name"] == department)["indicators"]["guide-accuracy"]


def decide_in_page(page, site, key, action, why, attachment=None):
    page.goto(f"{site['base']}/campaigns/1/findings/{key}")
    page.check(f"input[name=action][value={action}]")
    page.fill("textarea[name=why]", why)
    if attachment is not None:
        page.fill("input[name=attachment]", attachment)
    page.click("form[action$=decide] button[type=submit]")
    page.wait_for_selector(".notice")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


def test_review_and_appeal_move_the_scorecard(site):
    reviewer = new_page(site)
    login(reviewer, site, "rev")
    csrf, cookie = api_login(site, "rev")
    findings = api(site, "GET", "/api/findings?status=all", cookie=cookie)[1]
    assert len({f["key"] for f in findings}) == len(findings)
    assert {f["status"] for f in findings} == {"open"}
    waiting = api(site, "GET", "/api/findings?status=needs_review", cookie=cookie)[1]
    assert {(f["department"], f["rule"]) for f in waiting} == {(SCJ, "K001"), (RSJ, "K001")}
    assert accuracy(api(site, "GET", "/api/scores", cookie=cookie)[1], SCJ) == \
        {"points": 6, "deducted": 2, "score": 4}  # M101, M103, P202, B501: 0.5 each

    # The queue shows the waiting finding with its evidence beside it.
    k001 = key_of(findings, SCJ, "K001")
    reviewer.click(f"a[data-key='{k001}']")
    reviewer.wait_for_selector("#detail .finding")
    detail = reviewer.inner_text("#detail")
    assert "连接超时" in detail and "1830" in detail and "快照文字" in detail
    assert reviewer.evaluate("document.querySelector('#detail img.shot').naturalWidth") == 1
    shot(reviewer, "queue-1366.png")

    # Confirm the link finding: it now deducts 0.5 more.
    decide_in_page(reviewer, site, k001, "confirm", "复查仍然超时，表格无法下载")
    assert reviewer.inner_text(".facts [data-status]") == "已确认"
    assert accuracy(api(site, "GET", "/api/scores", cookie=cookie)[1], SCJ)["score"] == 3.5
    # Dismiss M103 (fail): it stops deducting.
    m103 = key_of(findings, SCJ, "M103")
    decide_in_page(reviewer, site, m103, "dismiss", "份数写在备注里，提取有误")
    assert accuracy(api(site, "GET", "/api/scores", cookie=cookie)[1], SCJ)["score"] == 4
    fails = {f["key"] for f in api(site, "GET", "/api/findings?status=fail", cookie=cookie)[1]}
    assert k001 in fails and m103 not in fails
    reviewer.goto(f"{site['base']}/campaigns/1/scores")
    assert reviewer.get_attribute(f"tr[data-department='{SCJ}'] td[data-indicator=guide-accuracy]",
                                  "data-score") == "4"
    shot(reviewer, "scores-1366.png")

    # The department (added while the server ran) appeals two findings, one with an attachment name.
    department = new_page(site)
    login(department, site, "scj")
    listed = department.inner_text("table.findings")
    assert SCJ in listed and STHJ not in listed and RSJ not in listed
    p202, m101 = key_of(findings, SCJ, "P202"), key_of(findings, SCJ, "M101")
    decide_in_page(department, site, p202, "appeal", "咨询电话已带区号", attachment="电话核实截图.png")
    decide_in_page(department, site, m101, "appeal", "其他材料已在备注中列明")
    assert department.inner_text(".facts [data-status]") == "申诉中"
    assert "电话核实截图.png" not in department.inner_text(".history")  # that one was on P202
    department.goto(f"{site['base']}/campaigns/1/findings/{p202}")
    assert "电话核实截图.png" in department.inner_text(".history")
    # An appeal changes nothing until decided; a department cannot confirm, nor appeal twice.
    d_csrf, d_cookie = api_login(site, "scj")
    assert accuracy(api(site, "GET", "/api/scores", cookie=d_cookie)[1], SCJ)["score"] == 4
    assert api(site, "POST", f"/api/findings/{p202}/decisions", {"action": "confirm", "why": "x"},
               csrf=d_csrf, cookie=d_cookie)[0] == 403
    assert api(site, "POST", f"/api/findings/{p202}/decisions", {"action": "appeal", "why": "再次"},
               csrf=d_csrf, cookie=d_cookie)[0] == 409
    assert api(site, "POST", f"/api/findings/{m103}/decisions", {"action": "appeal", "why": "已撤销的"},
               csrf=d_csrf, cookie=d_cookie)[0] == 409  # appealing a dismissed finding
    department.goto(f"{site['base']}/campaigns/1/findings?effect=all&status=appealed")
    shot(department, "department-1366.png")

    # The reviewer upholds one appeal and overturns the other (through the API for the second).
    decide_in_page(reviewer, site, p202, "uphold", "区号缺失属实")
    assert accuracy(api(site, "GET", "/api/scores", cookie=cookie)[1], SCJ)["score"] == 4
    status, body, _ = api(site, "POST", f"/api/findings/{m101}/decisions", {"action": "overturn", "why": "备注确已列明"},
                          csrf=csrf, cookie=cookie)
    assert status == 201 and body["status"] == "overturned"
    assert accuracy(api(site, "GET", "/api/scores", cookie=cookie)[1], SCJ) == \
        {"points": 6, "deducted": 1.5, "score": 4.5}
    assert api(site, "POST", f"/api/findings/{m101}/decisions", {"action": "uphold", "why": "再裁"},
               csrf=csrf, cookie=cookie)[0] == 409  # settled
    assert api(site, "POST", f"/api/findings/{k001}/decisions", {"action": "uphold", "why": "从未申诉"},
               csrf=csrf, cookie=cookie)[0] == 409
    assert api(site, "POST", f"/api/findings/{k001}/decisions", {"action": "dismiss", "why": "  "},
               csrf=csrf, cookie=cookie)[0] == 400
    # The workbench's cached, per-department re-scoring agrees with scoring the whole campaign.
    assert api(site, "GET", "/api/scores", cookie=cookie)[1] == score(site["db"], 1)[0].to_contract_json()
    reviewer.goto(f"{site['base']}/campaigns/1/scores")
    reviewer.wait_for_selector(f"tr[data-department='{SCJ}'] td[data-indicator=guide-accuracy][data-score='4.5']")
    # The finding's history: every decision with who, when and why.
    reviewer.goto(f"{site['base']}/campaigns/1/findings/{p202}")
    history = reviewer.inner_text(".history")
    assert "scj" in history and "申诉" in history and "rev" in history and "区号缺失属实" in history
    shot(reviewer, "finding-1366.png")
    rows = sqlite3.connect(site["db"]).execute(
        "SELECT action, who, why FROM decisions WHERE finding_key = ? ORDER BY id", [p202]).fetchall()
    assert rows == [("appeal", "scj", "咨询电话已带区号"), ("uphold", "rev", "区号缺失属实")]
    # Report downloads.
    with reviewer.expect_download() as download:
        reviewer.goto(f"{site['base']}/campaigns/1/scores")
        reviewer.click("a[href$='/reports/csv']")
    assert "findings.csv" in download.value.suggested_filename
    assert reviewer.dialogs == [] and department.dialogs == []


def test_a_department_sees_and_acts_only_on_its_own(site):
    csrf, cookie = api_login(site, "sthj")
    mine = api(site, "GET", "/api/findings?status=all", cookie=cookie)[1]
    assert mine and {f["department"] for f in mine} == {STHJ}
    r_csrf, r_cookie = api_login(site, "rev")
    everything = api(site, "GET", "/api/findings?status=all", cookie=r_cookie)[1]
    other = [f for f in everything if f["department"] != STHJ and f["outcome"] == "fail"][0]["key"]
    scores = api(site, "GET", "/api/scores", cookie=cookie)[1]
    assert [d["name"] for d in scores["departments"]] == [STHJ]
    # Acting on another department's finding, or a guessed key: 403 alike.
    for key in (other, "0" * 40, other[:12]):
        assert api(site, "POST", f"/api/findings/{key}/decisions", {"action": "appeal", "why": "不是我们的"},
                   csrf=csrf, cookie=cookie)[0] == 403
    assert not sqlite3.connect(site["db"]).execute("SELECT count(*) FROM decisions WHERE who = 'sthj'").fetchone()[0]
    page = new_page(site)
    login(page, site, "sthj")
    assert STHJ in page.inner_text("main") and SCJ not in page.inner_text("table.findings")
    # The department filter of the queue is ignored for department users.
    page.goto(f"{site['base']}/campaigns/1/findings?effect=all&department={SCJ}")
    assert SCJ not in page.inner_text("table.findings")
    response = page.goto(f"{site['base']}/campaigns/1/findings/{other}")
    assert response.status == 404 and other[:12] not in page.content()
    assert page.goto(f"{site['base']}/campaigns/1/findings/{other}/journey.png").status == 404
    snapshot = sqlite3.connect(site["db"]).execute(
        "SELECT r.snapshot_sha FROM records r JOIN items i ON i.id = r.item_id JOIN departments d "
        "ON d.id = i.department_id WHERE d.name = ?", [SCJ]).fetchone()[0]
    assert page.goto(f"{site['base']}/campaigns/1/snapshots/{snapshot}").status == 404
    assert page.goto(f"{site['base']}/campaigns/1/reports/json").status == 403
    page.goto(f"{site['base']}/campaigns/1/scores")
    assert SCJ not in page.inner_text("table.scores") and STHJ in page.inner_text("table.scores")


def test_csrf_and_session_are_required(site):
    csrf, cookie = api_login(site, "rev")
    key = api(site, "GET", "/api/findings?status=fail", cookie=cookie)[1][-1]["key"]
    body = {"action": "confirm", "why": "确认"}
    assert api(site, "POST", f"/api/findings/{key}/decisions", body)[0] == 401
    assert api(site, "POST", f"/api/findings/{key}/decisions", body, csrf="wrong")[0] == 401  # 401 before 403
    assert api(site, "POST", f"/api/findings/{key}/decisions", body, cookie=cookie)[0] == 403
    assert api(site, "POST", f"/api/findings/{key}/decisions", body, cookie=cookie, csrf=csrf[:-2] + "xx")[0] == 403
    assert api(site, "GET", "/api/findings?status=all")[0] == 401
    assert api(site, "GET", "/api/scores")[0] == 401
    assert api(site, "POST", "/api/login", {"name": "rev", "password": "wrong"})[0] == 401
    # A form posted without its hidden token, from a logged-in browser: 403, nothing recorded.
    page = new_page(site)
    login(page, site, "rev")
    url = f"{site['base']}/campaigns/1/findings/{key}/decide"
    assert page.request.post(url, form={"action": "confirm", "why": "没有令牌"}).status == 403
    assert page.request.post(url, form={"action": "confirm", "why": "没有令牌", "csrf": csrf}).status == 403
    assert not sqlite3.connect(site["db"]).execute("SELECT count(*) FROM decisions WHERE why = '没有令牌'"
                                                   ).fetchone()[0]
    # Pages without a session go to the login page; static files and the login page do not.
    page.context.clear_cookies()
    page.goto(f"{site['base']}/campaigns/1/scores")
    assert "/login" in page.url
    assert page.goto(f"{site['base']}/static/htmx.min.js").status == 200


def test_xss_payloads_never_execute(site):
    page = new_page(site)
    login(page, site, "rev")
    csrf, cookie = api_login(site, "rev")
    findings = api(site, "GET", "/api/findings?status=all", cookie=cookie)[1]
    payload_finding = next(f for f in findings if f["rule"] == "K001" and f["department"] == RSJ)
    assert XSS in payload_finding["evidence"]
    # A reason carrying the payload, recorded through the page.
    decide_in_page(page, site, payload_finding["key"], "confirm", XSS)
    text = page.inner_text("main")
    assert XSS in text  # shown as text
    page.goto(f"{site['base']}/campaigns/1/findings?effect=all&q={urllib.request.quote('<img')}")
    assert "<img src=x" in page.inner_text("table.findings")
    # A department appeal with the payload as the attachment name and reason.
    item_finding = next(f for f in findings if f["department"] == RSJ and f["outcome"] == "fail"
                        and "<img" in (f["item"] or ""))
    department = new_page(site)
    login(department, site, "rsj")
    assert "<img src=x" in department.inner_text("table.findings")  # the item name, as text
    decide_in_page(department, site, item_finding["key"], "appeal", XSS, attachment=XSS_FILE)
    assert department.inner_text(".history").count("<img src=x") == 2 and XSS_FILE in department.inner_text(".history")
    assert department.evaluate("window.__xss") is None and department.dialogs == []
    # Self-check: a file whose name and content carry the payload.
    page.goto(f"{site['base']}/campaigns/1/selfcheck")
    guide = (ROOT / "fixtures/score" / SCJ / "guide2.html").read_text(encoding="utf-8")
    guide = guide.replace("<tr><th>事项名称</th><td>", f"<tr><th>事项名称</th><td>{XSS_ESCAPED}", 1)
    page.set_input_files("#files", files=[{"name": f'{XSS_FILE}.html', "mimeType": "text/html",
                                          "buffer": guide.encode("utf-8")}])
    page.click("#selfcheck-form button[type=submit]")
    page.wait_for_selector(".results")
    results = page.inner_text(".results")
    assert XSS in results and f"{XSS_FILE}.html" in results  # the guide's name and the file name, as text
    assert page.evaluate("window.__xss") is None and page.dialogs == []
    page.goto(f"{site['base']}/campaigns/1/findings/{item_finding['key']}")
    assert page.evaluate("window.__xss") is None and page.dialogs == []


def test_sql_like_input_is_harmless(site):
    assert api(site, "POST", "/api/login", {"name": "rev' --", "password": "' OR '1'='1"})[0] == 401
    csrf, cookie = api_login(site, "sthj")
    assert api(site, "GET", f"/api/findings?status=all&campaign={urllib.request.quote('1 OR 1=1')}",
               cookie=cookie)[0] == 404
    key = api(site, "GET", "/api/findings?status=fail", cookie=cookie)[1][0]["key"]
    body = {"action": "appeal", "why": SQL, "attachment": SQL}
    status, body, _ = api(site, "POST", f"/api/findings/{key}/decisions", body, csrf=csrf, cookie=cookie)
    assert status == 201 and body["why"] == SQL
    db = sqlite3.connect(site["db"])
    assert db.execute("SELECT why FROM decisions WHERE finding_key = ?", [key]).fetchone()[0] == SQL
    page = new_page(site)
    login(page, site, "sthj")
    page.goto(f"{site['base']}/campaigns/1/findings?effect=all&q={urllib.request.quote(SQL)}&rule="
              f"{urllib.request.quote(chr(39) + ' OR 1=1 --')}")
    assert page.locator("table.findings").count() == 1 and "没有符合条件的问题" in page.inner_text("table.findings")
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 4


class GuideServer(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def test_a_self_check_changes_no_score(site):
    csrf, cookie = api_login(site, "sthj")
    db = sqlite3.connect(site["db"])
    before = api(site, "GET", "/api/scores", cookie=cookie)[1]
    def counts():
        return db.execute("SELECT (SELECT count(*) FROM findings), (SELECT count(*) FROM decisions), "
                          "(SELECT count(*) FROM items), (SELECT count(*) FROM records)").fetchone()
    stored = counts()
    guide = (ROOT / "fixtures/score" / STHJ / "guide1.html").read_bytes()
    boundary = "guidecheckboundary"
    raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"g1.html\"\r\n"
           f"Content-Type: text/html\r\n\r\n").encode() + guide + f"\r\n--{boundary}--\r\n".encode()
    status, results, _ = api(site, "POST", "/api/selfcheck", raw=raw, csrf=csrf, cookie=cookie,
                             content_type=f"multipart/form-data; boundary={boundary}")
    assert status == 200 and len(results) == 1
    expected = json.loads(cli("check", ROOT / "fixtures/score" / STHJ / "guide1.html", "--format", "jsonl",
                              check=False).stdout)
    assert results[0]["findings"] == expected["findings"] and results[0]["source"] == "g1.html"
    assert api(site, "POST", "/api/selfcheck", raw=raw, cookie=cookie,
               content_type=f"multipart/form-data; boundary={boundary}")[0] == 403
    # A guide URL on the campaign's host (loopback, allowed by this roster) is fetched and checked.
    GuideServer.body = guide
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), GuideServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = new_page(site, 390, 844)
        login(page, site, "sthj")
        page.goto(f"{site['base']}/campaigns/1/selfcheck")
        page.fill("#url", f"http://127.0.0.1:{server.server_port}/guide/1.html")
        page.click("#selfcheck-form button[type=submit]")
        page.wait_for_selector(".results")
        assert "E001" in page.inner_text(".results")
        shot(page, "selfcheck-phone.png")
        page.goto(f"{site['base']}/campaigns/1/selfcheck")
        page.fill("#url", f"http://localhost:{server.server_port}/guide/1.html")  # not a roster host
        page.click("#selfcheck-form button[type=submit]")
        assert "不在本次考核范围内" in page.inner_text(".error")
    finally:
        server.shutdown()
    assert counts() == stored
    assert api(site, "GET", "/api/scores", cookie=cookie)[1] == before


def test_pages_at_phone_width(site):
    page = new_page(site, 390, 844)
    page.goto(site["base"] + "/login")
    shot(page, "login-phone.png")
    login(page, site, "rev")
    page.goto(site["base"] + "/campaigns/1/findings?effect=all")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "queue-phone.png")
    page.goto(site["base"] + "/")
    page.wait_for_selector(".progress")
    shot(page, "campaigns-phone.png")
    wide = new_page(site)
    login(wide, site, "rev")
    wide.goto(site["base"] + "/")
    shot(wide, "campaigns-1366.png")
    # Keyboard: the skip link comes first, then the navigation.
    wide.keyboard.press("Tab")
    assert wide.evaluate("document.activeElement.className") == "skip"


def test_progress_refreshes_while_a_campaign_runs(site):
    db = sqlite3.connect(site["db"])
    db.execute("UPDATE campaigns SET status = 'crawling' WHERE id = 1")
    db.commit()
    try:
        page = new_page(site)
        login(page, site, "rev")
        page.goto(site["base"] + "/")
        assert page.inner_text("#progress-1 .phases .now") == "抓取与检查"
        db.execute("UPDATE campaigns SET status = 'links' WHERE id = 1")
        db.commit()
        page.wait_for_selector("#progress-1 .phases li.now:text-is('检查链接')",
                               timeout=15000)  # htmx polls every 5 s, no reload
    finally:
        db.execute("UPDATE campaigns SET status = 'done' WHERE id = 1")
        db.commit()


def test_login_is_rate_limited(site):
    for _ in range(10):
        assert api(site, "POST", "/api/login", {"name": "ghost", "password": "guess"})[0] == 401
    status, body, headers = api(site, "POST", "/api/login", {"name": "ghost", "password": "guess"})
    assert status == 429 and headers["Retry-After"]
    # Another name from the same address is not locked out by it.
    assert api(site, "POST", "/api/login", {"name": "rev", "password": PASSWORDS["rev"]})[0] == 200
