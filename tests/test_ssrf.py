"""Scope at the socket level: a portal on 127.0.0.1 (the campaign's one allowed
host:port) whose pages redirect and load sub-resources towards private and
loopback targets, and a name whose DNS answer is private (GUIDECHECK_RESOLVE).
A second listener on 127.0.0.2 stands for the intranet: it must receive zero
connections from the link checker (aiohttp), scrapy, and Chromium (journey
pool), and each refusal is recorded with its reason."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading

import pytest
import yaml
from aiohttp import web

from guidecheck.crawler.links import check_links_sync
from guidecheck.journeys.pool import BrowserPool
from guidecheck.scope import Scope
from guidecheck.store import Store


class Listener:
    """A bare listener that counts connections (the intranet target)."""

    def __init__(self, host: str):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecret")

    def close(self):
        self.stop.set()
        self.sock.close()


@pytest.fixture(scope="module")
def intranet():
    try:
        listener = Listener("127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    yield listener
    listener.close()


# The guide's values exist only once its script has run (so only a rendered page
# gives them); the page loads sub-resources through in-scope URLs that redirect
# out of scope, which Playwright's route never sees (Chromium follows redirects).
RENDERED_GUIDE = """<html><head><title>办事指南</title></head><body><h1>办事指南</h1>
<table id="guide"></table>
<img src="/render/hop.png"><img src="/render/hop-private.png"><img src="/render/hop-meta">
<iframe src="/render/hop-frame"></iframe><img src="/render/ok.png">
<script>
  document.getElementById("guide").innerHTML = "<tr><th>事项名称</th><td>渲染测试事项</td></tr>"
    + "<tr><th>咨询电话</th><td>0591-87654321</td></tr><tr><th>办理地点</th><td>福州市鼓楼区某路1号</td></tr>";
  fetch("/render/hop-api").catch(() => 0).finally(() => { document.body.dataset.loaded = "1"; });
</script></body></html>"""

RENDER_PROFILE = {
    "id": "ssrf-render", "title": "测试：浏览器渲染的指南",
    "listing": {"kind": "html", "item_links": "a.guide"},
    "guide": {"kind": "html", "render": True, "ready_selector": "body[data-loaded]", "extra_links": []},
}


@pytest.fixture(scope="module")
def portal(intranet):
    target = f"http://127.0.0.2:{intranet.port}"
    # factories: an aiohttp response object answers one request only
    pages = {
        "/redirect": lambda: web.HTTPFound(target + "/secret"),
        "/redirect-meta": lambda: web.HTTPFound("http://169.254.169.254/latest/meta-data/"),
        "/redirect-name": lambda: web.HTTPFound(f"http://intranet.test:{intranet.port}/secret"),
        "/page": lambda: web.Response(content_type="text/html", text=f"""<html><head><title>指南</title>
            <link rel="stylesheet" href="{target}/style.css"></head><body><h1>办事指南</h1>
            <img src="{target}/pixel.png"><img src="http://10.0.0.1/x.png">
            <img src="http://169.254.169.254/latest/meta-data/">
            <iframe src="http://intranet.test:{intranet.port}/frame"></iframe>
            <script>fetch("{target}/api").catch(() => 0); fetch("http://127.0.0.1:1/other-port").catch(() => 0);</script>
            <img src="/ok.png"></body></html>"""),
        "/ok.png": lambda: web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png"),
        # a portal rendered by the crawler (scrapy-playwright): in-scope URLs that redirect out of scope
        "/render/list": lambda: web.Response(content_type="text/html", text="""<html><body>
            <a class="guide" href="/render/guide">渲染测试事项办事指南</a>
            <a class="guide" href="/render/moved">迁移的办事指南</a></body></html>"""),
        "/render/guide": lambda: web.Response(content_type="text/html", text=RENDERED_GUIDE),
        "/render/moved": lambda: web.HTTPFound(target + "/moved-guide"),
        "/render/hop.png": lambda: web.HTTPFound(target + "/hop.png"),
        "/render/hop-private.png": lambda: web.HTTPFound("http://10.0.0.1/hop-private.png"),
        "/render/hop-meta": lambda: web.HTTPFound("http://169.254.169.254/latest/meta-data/"),
        "/render/hop-frame": lambda: web.HTTPFound(f"http://intranet.test:{intranet.port}/hop-frame"),
        "/render/hop-api": lambda: web.HTTPFound(target + "/hop-api"),
        "/render/ok.png": lambda: web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png"),
    }
    hits = []

    async def handle(request):
        hits.append(request.path)
        answer = pages[request.path]() if request.path in pages else web.Response(status=404)
        if isinstance(answer, web.HTTPException):
            raise answer
        return answer

    loop = asyncio.new_event_loop()
    holder, ready = {}, threading.Event()

    async def start():
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", handle)
        runner = web.AppRunner(app, shutdown_timeout=0.1)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        holder["runner"], holder["port"] = runner, runner.addresses[0][1]

    def run():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    ready.wait(5)
    os.environ["GUIDECHECK_RESOLVE"] = f"intranet.test:{intranet.port}:127.0.0.2"
    yield type("Portal", (), {"base": f"http://127.0.0.1:{holder['port']}", "hits": hits,
                              "netloc": f"127.0.0.1:{holder['port']}"})
    os.environ.pop("GUIDECHECK_RESOLVE", None)
    asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)


def test_link_checker_never_reaches_the_intranet(portal, intranet):
    scope = Scope([portal.netloc], allow_private=True)
    urls = [portal.base + p for p in ("/redirect", "/redirect-meta", "/redirect-name")] + [
        f"http://intranet.test:{intranet.port}/direct", f"http://127.0.0.2:{intranet.port}/direct"]
    results = check_links_sync(urls, scope=scope, timeout=2, retries=1, backoff=0.05, recheck_pause=0.05)
    assert intranet.connections == 0
    assert all(r.status == "dead" and "内网或本机" in r.reason for r in results.values()), results
    reasons = {(url.split("/")[2].split(":")[0], why) for url, why, _ in scope.refusals}
    assert {("127.0.0.2", "loopback"), ("169.254.169.254", "metadata"), ("intranet.test", "loopback")} <= reasons


def test_chromium_loads_nothing_out_of_scope(portal, intranet):
    scope = Scope([portal.netloc], allow_private=True)

    async def main():
        async with BrowserPool(contexts=1, scope=scope) as pool:
            async with pool.context() as ctx:
                page = await ctx.new_page()
                await page.goto(portal.base + "/page", wait_until="load", timeout=15_000)
                await page.wait_for_timeout(500)
                try:
                    await page.goto(portal.base + "/redirect", timeout=15_000)
                except Exception as exc:  # noqa: BLE001
                    return str(exc)

    assert "net::ERR_" in asyncio.run(main())  # the redirect to the intranet is refused (by the proxy)
    assert intranet.connections == 0
    refused = {url for url, _, where in scope.refusals}
    target = f"http://127.0.0.2:{intranet.port}"
    assert {target + "/style.css", target + "/pixel.png", target + "/api", "http://10.0.0.1/x.png",
            "http://169.254.169.254/latest/meta-data/", f"http://intranet.test:{intranet.port}/frame",
            "http://127.0.0.1:1/other-port", target + "/secret"} <= refused
    assert "/ok.png" in portal.hits  # in-scope sub-resources still load


def test_https_tunnels_are_checked_as_plain_requests_are(portal, intranet):
    """CONNECT (how Chromium asks for an https page through the scope proxy): a
    tunnel towards a loopback, private, metadata or privately resolved target
    is refused before any connection and recorded; one towards the campaign's
    own host:port is opened and carries the bytes both ways."""
    from guidecheck.scope_proxy import ScopeProxy

    scope = Scope([portal.netloc], allow_private=True)
    refused_targets = [f"127.0.0.2:{intranet.port}", "10.0.0.1:443", "169.254.169.254:443",
                       f"intranet.test:{intranet.port}"]

    async def ask(proxy, target: str, then: bytes = b"") -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        if then and answer.startswith(b"HTTP/1.1 200"):
            writer.write(then)
            answer += await asyncio.wait_for(reader.read(-1), 10)
        writer.close()
        return answer

    async def main():
        proxy = await ScopeProxy(scope, where="render").start()
        try:
            refused = [await ask(proxy, t) for t in refused_targets]
            tunnelled = await ask(proxy, portal.netloc,
                                  f"GET /page HTTP/1.1\r\nHost: {portal.netloc}\r\nConnection: close\r\n\r\n".encode())
        finally:
            await proxy.close()
        return refused, tunnelled

    before = intranet.connections
    refused, tunnelled = asyncio.run(main())
    assert all(answer.startswith(b"HTTP/1.1 403") for answer in refused), refused
    assert intranet.connections == before  # nothing reached the intranet, not even a TCP handshake
    reasons = {(url, why) for url, why, where in scope.refusals if where == "render"}
    assert {(f"https://127.0.0.2:{intranet.port}/", "loopback"), ("https://10.0.0.1:443/", "private"),
            ("https://169.254.169.254:443/", "metadata"),
            (f"https://intranet.test:{intranet.port}/", "loopback")} <= reasons, reasons
    assert tunnelled.startswith(b"HTTP/1.1 200 Connection Established") and b"<h1>" in tunnelled
    assert "/page" in portal.hits


SCRAPY_SCRIPT = textwrap.dedent("""
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from guidecheck.crawler.settings import scrapy_settings
    from guidecheck.scope import Scope

    base, netloc, port = sys.argv[1], sys.argv[2], sys.argv[3]
    seen = {}

    class Probe(scrapy.Spider):
        name = "probe"
        async def start(self):
            for url in [base + "/redirect", base + "/redirect-meta", base + "/redirect-name",
                        "http://intranet.test:%s/direct" % port, "http://127.0.0.2:%s/direct" % port, base + "/ok.png"]:
                yield scrapy.Request(url, callback=self.ok, errback=self.failed, cb_kwargs={"asked": url},
                                     dont_filter=True)
        def ok(self, response, asked):
            seen[asked] = response.status
        def failed(self, failure):
            seen[failure.request.cb_kwargs["asked"]] = str(failure.value)

    settings = scrapy_settings(obey_robots=False, scope=Scope([netloc], allow_private=True).to_settings())
    settings["DOWNLOADER_MIDDLEWARES"] = {"guidecheck.crawler.middleware.ScopeMiddleware": 50}
    process = CrawlerProcess(settings)
    process.crawl(Probe)
    process.start()
    print(json.dumps(seen))
""")


def test_scrapy_follows_no_redirect_or_name_out_of_scope(portal, intranet, tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(SCRAPY_SCRIPT, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), portal.base, portal.netloc, str(intranet.port)],
                         capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert intranet.connections == 0
    assert seen[portal.base + "/ok.png"] == 200
    for url, outcome in seen.items():
        if not url.endswith("/ok.png"):
            assert outcome != 200 and ("out of scope" in outcome or "resolves to" in outcome), (url, outcome)


def test_rendered_guides_load_nothing_out_of_scope(portal, intranet, tmp_path):
    """A crawl whose guides are rendered by scrapy-playwright: every redirect hop of
    the page and of its sub-resources goes through the scope proxy, so nothing
    reaches the intranet, each refusal is stored, and the guide is still read."""
    profile = tmp_path / "ssrf-render.yaml"
    profile.write_text(yaml.safe_dump(RENDER_PROFILE, allow_unicode=True), encoding="utf-8")
    roster = tmp_path / "roster.yaml"
    roster.write_text(yaml.safe_dump({"campaign": "ssrf-render", "allow_private": True, "departments": [
        {"department": "渲染部门", "profile": str(profile), "listing": portal.base + "/render/list"}]},
        allow_unicode=True), encoding="utf-8")
    db = tmp_path / "campaign.db"
    out = subprocess.run([sys.executable, "-m", "guidecheck.cli", "crawl", str(roster), "--db", str(db),
                          "--timeout", "15", "--no-links", "--no-journeys"],
                         check=False, capture_output=True, text=True, timeout=180, env=os.environ.copy())
    assert out.returncode == 0, out.stderr[-3000:]
    assert intranet.connections == 0
    store = Store(db)
    target = f"http://127.0.0.2:{intranet.port}"
    refused = {(row["url"], row["reason"]) for row in store.refusals(1) if row["phase"] == "render"}
    assert {(target + "/hop.png", "loopback"), ("http://10.0.0.1/hop-private.png", "private"),
            ("http://169.254.169.254/latest/meta-data/", "metadata"),
            (f"http://intranet.test:{intranet.port}/hop-frame", "loopback"),
            (target + "/hop-api", "loopback"), (target + "/moved-guide", "loopback")} <= refused, refused
    assert "/render/ok.png" in portal.hits  # in-scope sub-resources still load
    fetchers = {row["fetcher"] for row in store.db["snapshots"].rows}
    assert "chromium" in fetchers
    names = {record["elements"].get("name") for record in store.records(1)}
    assert "渲染测试事项" in names  # filled by the page's script: the rendered page was read
    # the guide redirected out of scope: a reason the reviewer can act on, for review, never a deduction
    moved = next(i for i in store.items(1) if i["item_key"].endswith("/render/moved"))
    assert "抓取范围以外" in moved["error"] and "拒绝" in moved["error"], moved["error"]
    assert [(f["rule"], f["outcome"]) for f in store.findings(1) if f["item_id"] == moved["id"]] == [
        ("E010", "needs_review")]
