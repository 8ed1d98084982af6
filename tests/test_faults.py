"""The link checker against a fault server on 127.0.0.1: firewall and anti-bot
pages in the styles of the common Chinese cloud shields, 429 with Retry-After,
503 maintenance, flapping 5xx, a short outage, resets, slow and cut answers.
No transient fault may become a dead link (K001 fail); every true 404/410 is
confirmed, by a second pass after a pause."""
from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections import Counter, defaultdict

import pytest
from aiohttp import web

from guidecheck.crawler.links import check_links_sync
from guidecheck.model import LinkResult
from loopback import serve

PAUSE = 0.8  # seconds between the first pass and the confirming one (short in tests)
OPTIONS = dict(timeout=0.6, retries=2, backoff=0.05, allow_private=True, recheck_pause=PAUSE, retry_after_cap=2)


def page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


# (status, headers, body) in the style of each shield's block or challenge page
SHIELDS = {
    "aliyun": (405, {"Server": "Tengine"}, page("405", "<p>很抱歉，由于您访问的URL有可能对网站造成安全威胁，您的访问被阻断。</p>"
                                                    "<img src='https://errors.aliyun.com/images/TB1TpamHpXXXXaJXXXXeB7nYVXX-104-162.png'>"
                                                    "<p>TraceID: 0bc2a5e716...</p>")),
    "aliyun-js": (200, {}, page("", "<script>var arg1='3B1C';function setCookie(){document.cookie='acw_sc__v2='+x}"
                                    "</script>")),
    "tencent": (403, {}, page("501 - 腾讯T-Sec Web应用防火墙(WAF)",
                              "<p>您的请求疑似攻击行为！</p><a href='https://waf.tencent-cloud.com/'>腾讯云</a>")),
    "cloudflare": (403, {"Server": "cloudflare", "CF-RAY": "7d1a2b3c4d5e-HKG"},
                   page("Attention Required! | Cloudflare", "<h1>Sorry, you have been blocked</h1>")),
    "cloudflare-challenge": (503, {"Server": "cloudflare", "cf-mitigated": "challenge"},
                             page("Just a moment...", "<script src='/cdn-cgi/challenge-platform/h/g/orchestrate'></script>")),
    "360": (493, {"X-Powered-By-360WZB": "wangzhan.360.cn"}, page("360网站卫士", "<p>当前访问疑似黑客攻击，已被网站管理员设置为拦截</p>")),
    "anquanbao": (403, {"X-Powered-By-Anquanbao": "MISS from pn-sh-1"}, page("安全宝", "<p>您的访问请求可能对网站造成安全威胁</p>")),
    "yunjiasu": (403, {"Server": "yunjiasu-nginx"}, page("百度云加速", "<p>访问被拒绝</p>")),
    "plain-403": (403, {}, page("403 Forbidden", "<center><h1>403 Forbidden</h1></center><hr><center>nginx</center>")),
}


class FaultServer:
    def __init__(self):
        self.hits: Counter = Counter()
        self.times: dict[str, list[float]] = defaultdict(list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.times[path].append(time.monotonic())
        n = self.hits[path]
        if path.startswith("/shield/"):
            status, headers, body = SHIELDS[path.rsplit("/", 1)[1]]
            return web.Response(status=status, headers=headers, text=body, content_type="text/html")
        if path == "/429-then-ok":
            if n <= 2:
                return web.Response(status=429, headers={"Retry-After": "1"}, text="Too Many Requests")
            return ok_page()
        if path == "/429-always":
            return web.Response(status=429, headers={"Retry-After": "0"}, text="Too Many Requests")
        if path == "/maintenance":
            return web.Response(status=503, text=page("系统维护", "<p>系统升级维护中，请稍后访问。</p>"), content_type="text/html")
        if path == "/503-plain":
            return web.Response(status=503, text="Service Unavailable")
        if path == "/flapping":  # 5xx and good answers alternate
            return web.Response(status=502) if n % 2 else ok_page()
        if path == "/5xx-blip":  # a short 5xx outage: every try of the first pass fails
            return web.Response(status=500) if n <= 3 else ok_page()
        if path == "/404-blip":  # a deploy in progress: 404 once, then the file is back
            return web.Response(status=404) if n == 1 else ok_page()
        if path == "/slow":
            await asyncio.sleep(3)
            return ok_page()
        if path == "/cut":
            resp = web.StreamResponse(headers={"Content-Type": "text/html", "Content-Length": "100000"})
            await resp.prepare(request)
            await resp.write(b"<html><body>" + b"x" * 100)
            request.transport.close()
            return resp
        if path == "/gone-404":
            return web.Response(status=404, text=page("404", "页面不存在"), content_type="text/html")
        if path == "/gone-410":
            return web.Response(status=410)
        return web.Response(status=404)


def ok_page() -> web.Response:
    return web.Response(text=page("办事指南", "<p>" + "申请人应当提交营业执照。" * 40 + "</p>"), content_type="text/html")


class RawServer:
    """A bare socket server: `reset` answers every connection with a TCP reset;
    `outage` refuses connections (bound, not listening) for `down` seconds, then
    answers 200 for /form.doc (404 elsewhere)."""

    def __init__(self, mode: str, down: float = 0.0):
        self.mode, self.down = mode, down
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.started = time.monotonic()
        self.stop = threading.Event()
        threading.Thread(target=self.run, daemon=True).start()

    def run(self) -> None:
        if self.mode == "outage":
            time.sleep(self.down)
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    request = conn.recv(65536)
                except OSError:
                    continue
                if self.mode == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                elif b" /form.doc " not in request.split(b"\r\n", 1)[0]:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                else:
                    body = page("办事指南", "申请人应当提交营业执照。" * 40).encode()
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture(scope="module")
def server():
    state = FaultServer()
    with serve(state.handle) as base:
        state.base = base
        yield state


TRANSIENT = [f"/shield/{name}" for name in SHIELDS] + [
    "/429-then-ok", "/429-always", "/maintenance", "/503-plain", "/flapping", "/5xx-blip", "/404-blip", "/slow", "/cut"]


def test_transient_faults_are_never_dead_and_true_404_410_are_confirmed(server):
    reset, outage = RawServer("reset"), RawServer("outage", down=0.4)
    try:
        urls = {path: server.base + path for path in TRANSIENT + ["/gone-404", "/gone-410"]}
        urls["reset"] = f"http://127.0.0.1:{reset.port}/form.doc"
        urls["outage"] = f"http://127.0.0.1:{outage.port}/form.doc"
        results: dict[str, LinkResult] = check_links_sync(list(urls.values()), **OPTIONS)
    finally:
        reset.close()
        outage.close()
    by_path = {path: results[url] for path, url in urls.items()}
    dead = {path: r.reason for path, r in by_path.items() if r.status == "dead"}
    assert set(dead) == {"/gone-404", "/gone-410"}, dead
    # shields and refusals: review, the shield named where its signature is known
    for name in SHIELDS:
        assert by_path[f"/shield/{name}"].status == "review", (name, by_path[f"/shield/{name}"])
    for name, word in [("aliyun", "阿里云"), ("tencent", "腾讯云"), ("cloudflare", "Cloudflare"), ("360", "360"),
                       ("anquanbao", "安全宝"), ("yunjiasu", "百度云加速"), ("aliyun-js", "阿里云")]:
        assert word in by_path[f"/shield/{name}"].reason, (name, by_path[f"/shield/{name}"].reason)
    assert by_path["/shield/plain-403"].http_status == 403
    for path in ("/429-always", "/maintenance", "/503-plain", "/slow", "/cut", "reset"):
        assert by_path[path].status == "review", (path, by_path[path])
    assert "维护" in by_path["/maintenance"].reason
    # recovered: good answers after 429, a 5xx blip, a 404 blip and an outage
    for path in ("/429-then-ok", "/flapping", "/5xx-blip", "/404-blip", "outage"):
        assert by_path[path].status == "ok", (path, by_path[path])
    # Retry-After (1 s) was honoured between the 429 answers
    first, second = server.times["/429-then-ok"][:2]
    assert second - first >= 0.9
    # a 404/410 is confirmed only by a second pass, at least the pause later
    for path in ("/gone-404", "/gone-410"):
        assert server.hits[path] == 2 and server.times[path][1] - server.times[path][0] >= PAUSE
        assert "再次检查仍失败" in by_path[path].reason
