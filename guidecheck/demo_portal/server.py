"""The aiohttp.web application of the demo portal and the thread that runs it.

    with start_portal(departments=5, items_per_department=60, seed=7) as portal:
        portal.url          # "http://127.0.0.1:PORT"
        portal.manifest()   # the planted defects (manifest.py)
"""
from __future__ import annotations

import asyncio
import collections
import re
import threading

from aiohttp import web

from . import channel_site, files, handling, homepages, render_gbk, render_pages, render_script, render_table, traps
from .data import Site

SLOW_SECONDS = 30.0
RETRY_AFTER = "60"
_HTML = "text/html; charset=utf-8"
_JSON = "application/json; charset=utf-8"
_FILE_RE = re.compile(r"^/files/(?P<code>[0-9A-Z]+)_(?P<slot>\d*[a-z]+)\.(?P<ext>docx|xlsx|pdf|doc)$")
SITE_KEY = web.AppKey("site", Site)
HITS_KEY = web.AppKey("hits", collections.Counter)


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(body=text.encode("utf-8"), status=status, content_type="text/html", charset="utf-8")


def _json(obj, status: int = 200) -> web.Response:
    return web.Response(body=render_pages.to_json(obj), status=status, content_type="application/json",
                        charset="utf-8")


def _not_found() -> web.Response:
    return _html(render_pages.not_found_page(), 404)


def create_app(site: Site, *, delays: bool = True) -> web.Application:
    """The portal as an aiohttp application. `delays=False` answers /slow/ at once
    (for tests that only want to see the link, not wait for it)."""
    app = web.Application(middlewares=[_count_hits])
    app[SITE_KEY] = site
    app[HITS_KEY] = collections.Counter()

    async def home(request):
        return _html(render_pages.homepage(site))

    async def robots(request):
        return web.Response(text=render_pages.ROBOTS_TXT, content_type="text/plain", charset="utf-8")

    async def dept_page(request):
        dept = site.department(request.match_info["code"])
        return _html(render_pages.department_page(site, dept)) if dept else _not_found()

    async def dept_items(request):
        dept = site.department(request.match_info["code"])
        if dept is None or dept.listing != "html":
            return _not_found()
        text = render_pages.listing_page(site, dept, _int(request.query.get("page"), 1))
        return _html(text) if text else _not_found()

    async def api_dept_items(request):
        dept = site.department(request.match_info["code"])
        if dept is None or dept.listing != "json":
            return _json({"code": 404, "msg": "部门不存在", "total": 0, "data": []}, 404)
        return _json(render_pages.listing_json(site, dept, _int(request.query.get("pageNo"), 1),
                                               _int(request.query.get("pageSize"), render_pages.JSON_PAGE_SIZE)))

    def _guide_by_code(code):
        found = site.locate_code(code)
        return site.guide(found[0].index, found[1]) if found else None

    async def pubtask(request):
        name = request.match_info["name"]
        uuid, faq = (name[:-5], True) if name.endswith("_cjwt") else (name, False)
        found = site.locate_uuid(uuid)
        if found is None or request.match_info["area"] != "350100000000" or found[0].family != 1:
            return _not_found()
        g = site.guide(found[0].index, found[1])
        body = render_table.faq_page(g) if faq else handling.adjust_control(render_table.guide_page(g), g)
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    async def bszn(request):
        g = _guide_by_code(request.query.get("id", ""))
        if g is None or g.family != 2:
            return _not_found()
        body = handling.adjust_control(render_gbk.guide_page(g), g, render_gbk.CHARSET)
        return web.Response(body=body, content_type="text/html", charset=render_gbk.CHARSET)

    async def v2_guide(request):
        code = request.match_info["code"]
        if code == traps.BAD_JSON_CODE:
            return web.Response(body=render_script.shell_for_code(code), content_type="text/html", charset="utf-8")
        g = _guide_by_code(code)
        if g is None or g.family != 3:
            return _not_found()
        return web.Response(body=render_script.shell_page(g), content_type="text/html", charset="utf-8")

    async def guide_detail(request):
        code = request.query.get("taskCode", "")
        if code == traps.BAD_JSON_CODE:
            return web.Response(body=traps.BAD_JSON_BODY, content_type="application/json", charset="utf-8")
        g = _guide_by_code(code)
        if g is None or g.family != 3:
            return _json({"errCode": "1", "msg": "未找到匹配的信息"})
        return _json(render_script.detail(g))

    async def file_download(request):
        return _serve_file(site, request.path)

    async def upload(request):  # soft-404 prefix: every path answers 200 with an error page
        return _html(render_pages.soft_404_page())

    async def attach(request):
        # ".doc" links that answer an HTML page; only linked ones exist, so a random
        # probe of /attach/ is a real 404 and this page is not a soft-404
        m = re.match(r"^/attach/(?P<code>[0-9A-Z]+)_", request.path)
        g = _guide_by_code(m.group("code")) if m else None
        if g is None or not any(f.path == request.path for f in g.files()):
            return _not_found()
        return _html(render_pages.attach_page())

    async def slow(request):
        if delays:
            await asyncio.sleep(SLOW_SECONDS)
        return _serve_file(site, request.path[len("/slow"):], request.path)

    async def waf(request):
        return _html(render_pages.waf_page(), 403)

    async def busy(request):
        resp = _html(render_pages.busy_page(), 429)
        resp.headers["Retry-After"] = RETRY_AFTER
        return resp

    async def policy(request):
        g = _guide_by_code(request.match_info["code"])
        return _html(render_pages.policy_page(g)) if g else _not_found()

    async def handle(request):
        g = _guide_by_code(request.match_info["code"])
        return _html(render_pages.handle_page(g)) if g else _not_found()

    async def admin(request):
        return _html(render_pages.admin_page())

    async def jiucuo(request):
        return _html(render_pages.jiucuo_page())

    async def manifest(request):
        from .manifest import build_manifest

        return _json(build_manifest(site, f"{request.scheme}://{request.host}"))

    async def trap_index(request):
        return _html(traps.index_page())

    async def trap_loop(request):
        return _html(traps.loop_listing(site, min(max(_int(request.query.get("page"), 1), 1), traps.LOOP_PAGES)))

    async def trap_charset(request):
        return web.Response(body=traps.wrong_charset(site), content_type="text/html", charset="utf-8")

    async def fallback(request):
        return _not_found()

    r = app.router
    handling.add_routes(app, site)  # before /handle/{code}, which would take /handle/search
    homepages.add_routes(app, site)
    channel_site.add_routes(app, site)  # channels hook: the departments' websites as a second channel
    r.add_get("/", home)
    r.add_get("/robots.txt", robots)
    r.add_get("/dept/{code}", dept_page)
    r.add_get("/dept/{code}/items", dept_items)
    r.add_get("/api/dept/{code}/items", api_dept_items)
    r.add_get("/pubtask/task/1/{area}/{name}.html", pubtask)
    r.add_get("/bszn.do", bszn)
    r.add_get("/portal/v2/guide/{code}", v2_guide)
    r.add_get("/api/guide/detail", guide_detail)
    r.add_get("/files/{tail:.*}", file_download)
    r.add_get("/upload/{tail:.*}", upload)
    r.add_get("/attach/{tail:.*}", attach)
    r.add_get("/slow/{tail:.*}", slow)
    r.add_get("/waf/{tail:.*}", waf)
    r.add_get("/busy/{tail:.*}", busy)
    r.add_get("/zcwj/{code}.html", policy)
    r.add_get("/handle/{code}", handle)
    r.add_get("/admin/{tail:.*}", admin)
    r.add_get("/jiucuo", jiucuo)
    r.add_get("/__manifest__", manifest)
    r.add_get("/trap/", trap_index)
    r.add_get("/trap/loop/items", trap_loop)
    r.add_get("/trap/endless", traps.endless)
    r.add_get("/trap/redirect/{step}", traps.redirect)
    r.add_get("/trap/reset", traps.reset)
    r.add_get("/trap/wrong-charset", trap_charset)
    r.add_route("*", "/{tail:.*}", fallback)
    return app


@web.middleware
async def _count_hits(request, handler):
    request.app[HITS_KEY][request.path] += 1
    return await handler(request)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _serve_file(site: Site, path: str, linked_as: str | None = None) -> web.Response:
    """A download under /files/: only the files some guide links exist; anything
    else is a real 404 (so a random probe of /files/ tells dead from soft-404)."""
    m = _FILE_RE.match(path)
    found = site.locate_code(m.group("code")) if m else None
    if found is None:
        return _not_found()
    g = site.guide(found[0].index, found[1])
    ref = next((f for f in g.files() if f.path == (linked_as or path)), None)
    if ref is None:
        return _not_found()
    ext = m.group("ext")
    body = files.build(ext, ref.title.rsplit(".", 1)[0], ref.kind)
    name = ref.title.encode("utf-8").hex()  # ASCII-safe; the real name is in filename*
    from urllib.parse import quote

    return web.Response(body=body, content_type=files.CONTENT_TYPES[ext], headers={
        "Content-Disposition": f"attachment; filename=\"{name[:16]}.{ext}\"; filename*=UTF-8''{quote(ref.title)}"})


class Portal:
    """A running demo portal (background thread with its own event loop)."""

    def __init__(self, site: Site, delays: bool = True, port: int = 0, host: str = "127.0.0.1"):
        self.site = site
        self.delays = delays
        self._host, self._port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        self.app: web.Application | None = None

    def start(self) -> Portal:
        ready = threading.Event()
        error: list[BaseException] = []

        def run():
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._setup())
            except BaseException as exc:  # noqa: BLE001  (re-raised in the starting thread)
                error.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="demo-portal", daemon=True)
        self._thread.start()
        ready.wait(30)
        if error:
            raise error[0]
        return self

    async def _setup(self):
        self.app = create_app(self.site, delays=self.delays)
        self._runner = web.AppRunner(self.app, handle_signals=False, access_log=None, shutdown_timeout=0.5,
                                     handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        sock = site._server.sockets[0]
        self.port = sock.getsockname()[1]
        self.url = f"http://{self._host}:{self.port}"

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(15)
        self._thread = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def hits(self, prefix: str = "/") -> int:
        """How many requests reached paths starting with `prefix` (robots tests)."""
        counter = self.app[HITS_KEY] if self.app else {}
        return sum(n for p, n in list(counter.items()) if p.startswith(prefix))

    def manifest(self, all_items: bool = False) -> dict:
        from .manifest import build_manifest

        return build_manifest(self.site, self.url, all_items=all_items)


def start_portal(*, departments: int = 5, items_per_department: int = 60, seed: int = 7, delays: bool = True,
                 port: int = 0) -> Portal:
    """Start the demo portal on 127.0.0.1 (port 0: a free port) in a background thread."""
    return Portal(Site(departments, items_per_department, seed), delays=delays, port=port).start()
