"""The link checker against a real aiohttp server on 127.0.0.1 (never another address)."""
from __future__ import annotations

import asyncio
import io
import socket
import time
import uuid
import zipfile
from collections import Counter

import aiohttp
import pytest
from aiohttp import web

from guidecheck.crawler import links
from guidecheck.crawler.links import USER_AGENT, check_links_sync
from guidecheck.scope import Scope
from loopback import serve

FAST = dict(timeout=0.5, retries=1, backoff=0.05, allow_private=True, recheck_pause=0.05)
SCOPE_REASON = "指向内网或本机地址，公众无法访问"

GUIDE_TEXT = "".join(f"<p>第{i}项：申请人应当提交营业执照、法定代表人身份证明及申请表，窗口受理后五个工作日内办结。</p>"
                     for i in range(12))
PORTAL_TITLE = "福建省网上办事大厅"
# The portal's answer for a path it does not have: no error words, same title as real pages.
PORTAL_MISSING = (f"<html><head><title>{PORTAL_TITLE}</title></head><body><div>首页 | 个人办事 | 法人办事 | 部门服务</div>"
                  "<p>对不起，您要查看的内容已经下线或迁移，请返回首页继续浏览，感谢您的支持与理解。</p>"
                  "<div>主办单位：福建省人民政府办公厅 网站标识码 3500000001</div></body></html>")


def _zip(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document>" + "申请表" * 2000 + "</w:document>"})
XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": "<s/>"})
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(22) + (9).to_bytes(2, "little") + bytes(1536 - 32)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class LinkServer:
    def __init__(self):
        self.hits: Counter = Counter()
        self.user_agents: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0

    def html(self, body: str, title: str = "办事指南", status: int = 200) -> web.Response:
        return web.Response(text=f"<html><head><title>{title}</title></head><body>{body}</body></html>",
                            content_type="text/html", charset="utf-8", status=status)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[request.path_qs] += 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        n = self.hits[request.path_qs]
        if path == "/ok":
            return self.html("<h1>企业设立登记</h1>" + GUIDE_TEXT, title="企业设立登记_办事指南")
        if path == "/gone":
            return self.html("Not Found", status=404)
        if path == "/removed":
            return web.Response(status=410)
        if path == "/soft/real.html":
            return self.html(GUIDE_TEXT, title=PORTAL_TITLE)
        if path.startswith("/soft/"):
            return web.Response(text=PORTAL_MISSING, content_type="text/html")
        if path == "/words":
            return self.html("<h1>您访问的页面不存在</h1>", title="提示")
        if path.startswith("/moved/"):
            raise web.HTTPFound("/notice.html")
        if path == "/notice.html":
            return web.Response(text=PORTAL_MISSING, content_type="text/html")
        if path == "/files/form.docx":
            return self.html("<h1>表格下载</h1>" + GUIDE_TEXT, title="表格下载")
        if path == "/files/good.docx":
            return web.Response(body=DOCX, content_type="application/vnd.openxmlformats-officedocument"
                                                      ".wordprocessingml.document")
        if path == "/files/truncated.docx":
            return web.Response(body=DOCX[: len(DOCX) // 2], content_type="application/octet-stream")
        if path == "/files/empty.pdf":
            return web.Response(body=b"", content_type="application/pdf")
        if path == "/files/good.pdf":
            return web.Response(body=PDF, content_type="application/pdf")
        if path == "/files/cut.pdf":
            return web.Response(body=PDF[:-7], content_type="application/pdf")
        if path == "/files/table.xlsx":
            return web.Response(body=XLSX, content_type="application/octet-stream")
        if path == "/files/old.doc":
            return web.Response(body=OLE, content_type="application/msword")
        if path == "/download":  # a file behind a query URL, named by Content-Disposition
            return web.Response(body=DOCX, headers={"Content-Disposition": 'attachment; filename="sq.docx"'},
                                content_type="application/octet-stream")
        if path == "/429":
            return web.Response(status=429, text="Too Many Requests")
        if path == "/waf":
            return self.html("<p>您的访问被拦截，请完成安全验证后继续。</p>", title="安全防护", status=403)
        if path == "/always-500":
            return web.Response(status=500, text="Internal Server Error")
        if path == "/flap-recover":
            return web.Response(status=503) if n == 1 else self.html(GUIDE_TEXT)
        if path == "/flap-mixed":
            if n % 2:
                return web.Response(status=502)
            await asyncio.sleep(2)
            return self.html(GUIDE_TEXT)
        if path == "/slow":
            await asyncio.sleep(3)
            return self.html(GUIDE_TEXT)
        if path in ("/stream", "/trickle"):
            resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
            await resp.prepare(request)
            await resp.write(b"<html><head><title>\xe6\x8c\x87\xe5\x8d\x97</title></head><body>")
            chunk = b"<p>" + b"x" * 8000 + b"</p>"
            with __import__("contextlib").suppress(ConnectionError, RuntimeError):
                while True:
                    await resp.write(chunk if path == "/stream" else b"<p>.</p>")
                    await asyncio.sleep(0 if path == "/stream" else 0.2)
            return resp
        if path == "/to-intranet":
            raise web.HTTPFound("http://10.9.9.9/secret")
        if path in ("/loop-a", "/loop-b"):
            raise web.HTTPFound("/loop-b" if path == "/loop-a" else "/loop-a")
        if path.startswith("/count/"):
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await asyncio.sleep(0.1)
            finally:
                self.in_flight -= 1
            return web.Response(text="ok")
        if path.startswith("/plain/"):
            return web.Response(text="ok")
        return self.html("Not Found", status=404)


@pytest.fixture(scope="module")
def server():
    state = LinkServer()
    with serve(state.handle) as base:
        state.base = base
        yield state


def check(server, *paths, expect_file=(), **options):
    urls = [p if "://" in p else server.base + p for p in paths]
    expect = {server.base + p for p in expect_file}
    return check_links_sync(urls, expect_file=expect, **{**FAST, **options})


def one(server, path, **options):
    return check(server, path, **options)[server.base + path if "://" not in path else path]


def unique(path):
    return f"{path}?k={uuid.uuid4().hex}"


@pytest.mark.parametrize("path, status", [
    ("/ok", "ok"), ("/gone", "dead"), ("/removed", "dead"), ("/always-500", "dead"), ("/loop-a", "dead"),
    ("/soft/real.html", "ok"), ("/soft/missing.html", "soft_404"), ("/words", "soft_404"),
    ("/moved/x.html", "soft_404"), ("/429", "review"), ("/waf", "review"),
    ("/files/truncated.docx", "unreadable"), ("/files/empty.pdf", "unreadable"), ("/files/cut.pdf", "unreadable"),
    ("/files/good.pdf", "ok"), ("/files/good.docx", "ok"), ("/files/table.xlsx", "ok"), ("/files/old.doc", "ok"),
    ("/download", "ok"),
])
def test_classification(server, path, status):
    result = one(server, path)
    assert result.status == status, result
    assert result.reason or status == "ok"


def test_result_fields(server):
    gone = one(server, "/gone")
    # a dead link is confirmed by a second pass after a pause: one try in each
    assert (gone.http_status, gone.attempts, gone.final_url) == (404, 2, server.base + "/gone")
    assert "404" in gone.reason and "再次检查仍失败" in gone.reason
    ok = one(server, "/ok")
    assert ok.content_type.startswith("text/html") and ok.size > 1000 and ok.attempts == 1
    failing = one(server, "/always-500")
    assert failing.attempts == 4 and failing.http_status == 500 and "4次" in failing.reason
    assert "重定向循环" in one(server, "/loop-a").reason
    assert "限流" in one(server, "/429").reason
    assert "防火墙" in one(server, "/waf").reason and one(server, "/waf").attempts == 1


def test_soft_404_reasons(server):
    assert "页面不存在" in one(server, "/words").reason
    assert one(server, "/soft/missing.html").reason == "页面与该站点不存在页面的返回内容相同"
    assert one(server, "/moved/x.html").reason == "跳转到与不存在页面相同的地址"


def test_form_link_answering_html_is_not_a_file(server):
    results = check(server, "/files/form.docx", "/files/good.docx", expect_file={"/files/form.docx",
                                                                                 "/files/good.docx"})
    assert results[server.base + "/files/form.docx"].status == "not_a_file"
    assert results[server.base + "/files/good.docx"].status == "ok"
    # the same HTML page, not expected to be a file, is a page like any other
    assert one(server, "/files/form.docx").status == "ok"


def test_unreadable_reasons(server):
    assert "无法解压" in one(server, "/files/truncated.docx").reason
    assert "0字节" in one(server, "/files/empty.pdf").reason
    assert "PDF" in one(server, "/files/cut.pdf").reason


def test_5xx_then_success_is_ok(server):
    result = one(server, unique("/flap-recover"))
    assert result.status == "ok" and result.attempts == 2 and "重试后恢复" in result.reason


def test_failures_that_differ_between_tries_need_review(server):
    result = one(server, unique("/flap-mixed"), retries=2)
    assert result.status == "review" and result.attempts == 3
    assert "不一致" in result.reason


def test_slow_endpoint_times_out_to_review(server):
    started = time.monotonic()
    result = one(server, "/slow")
    assert result.status == "review" and "超时" in result.reason and result.attempts == 2
    assert time.monotonic() - started < 2.5


def test_endless_fast_stream_is_cut_at_max_bytes(server):
    result = one(server, "/stream", max_bytes=100_000)
    assert result.status == "ok" and result.size == 100_000 and "读取上限" in result.reason


def test_endless_slow_stream_is_review(server):
    result = one(server, "/trickle", retries=0)
    assert result.status == "review" and "超时" in result.reason


def test_refused_port_is_dead():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    url = f"http://127.0.0.1:{port}/x"
    result = check_links_sync([url], **FAST)[url]
    assert result.status == "dead" and "拒绝" in result.reason and result.attempts == 4


def test_private_addresses_are_dead_without_a_request(server, monkeypatch):
    connections = []

    async def no_connect(self, *args, **kwargs):
        connections.append(args)
        raise AssertionError("the scope check must stop before connecting")

    monkeypatch.setattr(aiohttp.TCPConnector, "_create_connection", no_connect)
    port = server.base.rsplit(":", 1)[1]
    urls = ["http://10.1.2.3/x", "http://192.168.0.1/", "http://169.254.1.1/a.docx", "http://[::1]/",
            f"http://127.0.0.1:{port}/ok", f"http://localhost:{port}/ok", "https://100.64.0.1/"]
    hits_before = sum(server.hits.values())
    started = time.monotonic()
    results = check_links_sync(urls, timeout=5, retries=2)
    assert time.monotonic() - started < 1
    assert connections == [] and sum(server.hits.values()) == hits_before
    for url in urls:
        assert (results[url].status, results[url].reason, results[url].attempts) == ("dead", SCOPE_REASON, 1)


def test_a_redirect_to_a_private_address_is_not_followed(server, monkeypatch):
    # The campaign allows private targets for its own host:port only: the server, not 10.x.
    scope = Scope([server.base.split("//")[1]], allow_private=True)
    hosts = []
    original = aiohttp.TCPConnector._create_connection

    async def only_loopback(self, req, *args, **kwargs):
        hosts.append(req.host)
        assert req.host == "127.0.0.1", req.host
        return await original(self, req, *args, **kwargs)

    monkeypatch.setattr(aiohttp.TCPConnector, "_create_connection", only_loopback)
    url = server.base + "/to-intranet"
    result = check_links_sync([url], timeout=1, retries=1, scope=scope)[url]
    assert (result.status, result.reason, result.final_url) == ("dead", SCOPE_REASON, "http://10.9.9.9/secret")
    assert set(hosts) == {"127.0.0.1"}
    assert ("http://10.9.9.9/secret", "private", "links") in scope.refusals


def test_the_resolver_refuses_private_answers():
    async def resolve():
        with pytest.raises(links.OutOfScope):
            await links._ScopedResolver(Scope()).resolve("localhost", 80)

    asyncio.run(resolve())


def test_allow_private_reaches_loopback(server):
    assert one(server, "/ok", allow_private=True).status == "ok"


def test_non_web_links_are_skipped(server):
    results = check_links_sync(["mailto:a@b.cn", "javascript:void(0)"], **FAST)
    assert {r.status for r in results.values()} == {"skipped"}


def test_per_host_limit(server):
    server.max_in_flight = 0
    urls = [f"/count/{i}" for i in range(24)]
    started = time.monotonic()
    results = check(server, *urls, per_host=3, concurrency=50)
    assert {r.status for r in results.values()} == {"ok"}
    assert 2 <= server.max_in_flight <= 3
    assert time.monotonic() - started >= 0.7  # 24 requests of 0.1 s, 3 at a time


def test_delay_spaces_requests_to_a_host(server):
    started = time.monotonic()
    check(server, *[f"/plain/d{i}" for i in range(4)], per_host=1, delay=0.15)
    assert time.monotonic() - started >= 0.45


def test_each_url_is_fetched_once(server):
    path = unique("/plain/once")
    url = server.base + path
    stats: dict = {}
    results = check_links_sync([url, url, url + "#part"], stats=stats, **FAST)
    assert server.hits[path] == 1 and stats["requests"] == 1
    assert set(results) == {url, url + "#part"} and results[url + "#part"].url == url + "#part"


def test_user_agent_names_the_tool(server):
    one(server, unique("/plain/ua"))
    assert server.user_agents[-1] == USER_AGENT and "guidecheck" in USER_AGENT


def test_on_result_sees_every_url(server):
    seen = []
    check(server, "/ok", "/gone", on_result=seen.append)
    assert sorted(r.status for r in seen) == ["dead", "ok"]
