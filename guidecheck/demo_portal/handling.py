"""Online-handling journeys of the demo portal: where each guide's 在线办理
control leads, and the handling pages behind it.

Every guide's control goes to `/handle/{code}` (answers at once, shows the item
name) except on a few planted items, one per journey kind, placed on items of
the server-rendered families (1 and 2) that carry no other planted defect:

| kind | the control leads to | expected |
|---|---|---|
| slow4 | `/handle/slow4/{code}`: the name appears 4 s after the page starts loading | none (under 5 s) |
| slow7 | `/handle/slow7/{code}`: the same after 7 s | J001 fail |
| search | `/handle/search?q={name}`: a search page listing several items | J002 fail |
| broken | `/handle/broken/{code}`: HTTP 500 error page | J003 fail |
| no-control | no control at all, the guide says Ⅳ级 (全程网办) | J003 fail |
| download | `/handle/file/{code}`: a .docx attachment, not a page | J003 fail |
| popup-blocked | `/handle/popup/{code}`: a page whose script opens the real page with window.open, which the browser blocks | J003 needs_review |
| redirect-loop | `/handle/loop/{code}`: 302 to itself forever | J003 fail |
| endless | `/handle/endless/{code}`: bytes trickle forever, the page never finishes | J003 fail |

The broken, redirect-loop and endless controls open their page by script
(`onclick="window.open(…)"`, href `javascript:void(0)`), as many portals'
buttons do: the extracted record then has no online link for a plain link
checker to flag (K rules stay as planted), only its online depth.

Slow pages count their delay from the page's own navigation start
(`performance.now()`), so the time a user waits after the click is the delay
plus the few tens of milliseconds the browser takes to open the tab.

Helpers for timing runs (benchmarks, tests): `/handle/slow/{ms}/{code}` (any
delay) and `/handle/demo-guide/{ms}/{code}` (a minimal guide page whose control
opens that page; `?target=self` opens it in the same tab).
"""
from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from aiohttp import web

from . import files
from .data import BLOCK, FAMILY_GBK, FAMILY_TABLE, Guide, Site

SERVER_FAMILIES = (FAMILY_TABLE, FAMILY_GBK)
ENDLESS_CHUNK = "<p>正在连接办理系统，请稍候……</p>\n".encode() * 4
ENDLESS_INTERVAL = 0.1
MAX_DELAY_MS = 60_000


@dataclass(frozen=True)
class JourneyKind:
    name: str
    path: str | None  # the control's target ({code}, {q}); None: the guide has no control
    expected: tuple[tuple[str, str], ...]  # (rule, outcome)
    what: str
    script: bool = False  # the control opens the page by script (no href a link checker would follow)


JOURNEY_KINDS = [
    JourneyKind("slow4", "/handle/slow4/{code}", (), "办理页4秒后才显示事项（未超过5秒，不扣分）"),
    JourneyKind("slow7", "/handle/slow7/{code}", (("J001", "fail"),), "办理页7秒后才显示事项"),
    JourneyKind("search", "/handle/search?q={q}", (("J002", "fail"),), "在线办理先到搜索页，需再点一次"),
    JourneyKind("broken", "/handle/broken/{code}", (("J003", "fail"),), "办理页返回500错误", script=True),
    JourneyKind("no-control", None, (("J003", "fail"),), "网办深度Ⅳ级却没有在线办理入口"),
    JourneyKind("download", "/handle/file/{code}", (("J003", "fail"),), "在线办理按钮下载一个文件而不是打开页面"),
    JourneyKind("popup-blocked", "/handle/popup/{code}", (("J003", "needs_review"),),
                "中间页用脚本弹出办理页，被浏览器拦截"),
    JourneyKind("redirect-loop", "/handle/loop/{code}", (("J003", "fail"),), "办理地址无限重定向", script=True),
    JourneyKind("endless", "/handle/endless/{code}", (("J003", "fail"),), "办理页一直加载，永不完成", script=True),
]
KIND_BY_NAME = {k.name: k for k in JOURNEY_KINDS}


# ---------------------------------------------------------------- placement

def _placements(site: Site) -> dict[tuple[int, int], str]:
    """(dept index, item index) -> journey kind, one item per kind, in block 0
    of the server-rendered departments, on items with no planted defect and
    never item 0 (the first item of a department is everyone's example)."""
    cache = site.__dict__.get("_journey_slots")
    if cache is not None:
        return cache
    from .defects import kind_at

    out: dict[tuple[int, int], str] = {}
    depts = [d for d in site.departments if d.family in SERVER_FAMILIES]
    n = min(site.items_per_department, BLOCK)
    for j, kind in enumerate(JOURNEY_KINDS):
        if not depts:
            break
        dept = depts[j % len(depts)]
        slots = random.Random(f"{site.seed}:{dept.code}:journeys").sample(range(1, n), n - 1) if n > 1 else []
        for i in slots:
            if (dept.index, i) not in out and not kind_at(site, dept.index, i):
                out[(dept.index, i)] = kind.name
                break
    site.__dict__["_journey_slots"] = out
    return out


def journey_kind_at(site: Site, d: int, i: int) -> str | None:
    return _placements(site).get((d, i))


def apply_journey(g: Guide, kind: str) -> None:
    """Point the guide's control where the kind says (or remove it)."""
    spec = KIND_BY_NAME[kind]
    g.journey = kind
    if spec.path is None:
        g.handle_path = ""  # no control on the page
        g.online_depth, g.visits, g.delivery = "Ⅳ级", "0次", "邮寄送达"
    else:
        g.handle_path = spec.path.format(code=g.code, q=quote(g.name or ""))


def journey_items(site: Site) -> list[Guide]:
    return [site.guide(d, i) for (d, i) in sorted(_placements(site))]


def clean_journey_items(site: Site) -> list[Guide]:
    """One item per department whose control leads to the fast handling page
    and that has no planted defect at all (the journeys that must give nothing)."""
    from .defects import kind_at

    out = []
    placed = _placements(site)
    for dept in site.departments:
        for i in range(1, site.items_per_department):
            if (dept.index, i) not in placed and not kind_at(site, dept.index, i):
                out.append(site.guide(dept.index, i))
                break
    return out


def manifest_entries(site: Site, base_url: str = "") -> dict:
    def entry(g: Guide, expected) -> dict:
        return {"key": g.key, "name": g.name, "department": g.dept.name, "dept_code": g.dept.code,
                "family": g.family, "guide_url": base_url + g.guide_url, "online_depth": g.online_depth,
                "journey": g.journey or "fast", "handle_url": base_url + g.handle_url if g.handle_url else None,
                "what": KIND_BY_NAME[g.journey].what if g.journey else "办理页立即打开并显示事项",
                "expected": [{"rule": r, "outcome": o} for r, o in expected]}

    return {
        "journey_expected": [entry(g, KIND_BY_NAME[g.journey].expected) for g in journey_items(site)],
        "journey_clean": [entry(g, ()) for g in clean_journey_items(site)],
    }


def adjust_control(body: bytes, g: Guide, charset: str = "utf-8") -> bytes:
    """The guide page as served: without its 在线办理 control (no-control), or
    with a script control (`onclick="window.open(…)"`, href javascript:) for the
    kinds whose target a plain link checker must not see: the guide's extracted
    record then carries no online link, only its online depth."""
    from .render_parts import online_button

    if g.journey is None:
        return body
    fragment = online_button(g).encode(charset)
    if g.handle_path == "":
        return body.replace(fragment, b"")
    if KIND_BY_NAME[g.journey].script:
        scripted = (f'<p class="guide-actions"><a class="btn-online" href="javascript:void(0)" '
                    f"onclick=\"window.open('{escape(g.handle_url)}');return false;\">在线办理</a></p>")
        return body.replace(fragment, scripted.encode(charset))
    return body


# ---------------------------------------------------------------- pages

_STYLE = ("body{font-family:'Microsoft YaHei',sans-serif;margin:0;color:#333}"
          ".bar{background:#1d5fa8;color:#fff;padding:10px 20px;font-size:18px}.main{padding:16px 24px}")


def _page(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_STYLE}</style>{head}</head>\n<body>\n<div class=\"bar\">网上办事系统（演示）</div>\n"
            f'<div class="main">\n{body}\n</div>\n</body></html>\n')


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(body=text.encode("utf-8"), status=status, content_type="text/html", charset="utf-8")


def slow_page(g: Guide, delay_ms: int) -> str:
    # The title lives in a data attribute (not page text) until the delay has passed,
    # counted from the page's navigation start.
    title = escape(f"在线办理：{g.name}")
    body = (f'<div id="app" data-title="{title}" data-dept="{escape(g.dept.name)}"><p>正在加载办理系统，请稍候……</p></div>\n'
            "<script>(function(){var app=document.getElementById('app');"
            f"setTimeout(function(){{app.innerHTML='';var h=document.createElement('h1');"
            "h.textContent=app.getAttribute('data-title');app.appendChild(h);"
            "var p=document.createElement('p');p.textContent='办理部门：'+app.getAttribute('data-dept');"
            f"app.appendChild(p);}},Math.max(0,{int(delay_ms)}-performance.now()));}})();</script>")
    return _page("网上办事系统", body)


def search_page(site: Site, query: str) -> str:
    base = query.split("（", 1)[0].strip() or query
    hits = []
    for dept in site.departments:
        for i in range(min(site.items_per_department, BLOCK)):
            name = site.item_name(dept, i)
            if base and base in name:
                hits.append((site.item_code(dept, i), name, dept.name))
        if len(hits) >= 10:
            break
    rows = "\n".join(f'<li><a href="/handle/{c}" target="_blank">{escape(n)}</a> <span>{escape(d)}</span></li>'
                     for c, n, d in hits[:10])
    body = (f'<form action="/handle/search"><input type="search" name="q" value="{escape(query)}" '
            'placeholder="请输入事项名称"><button>搜索</button></form>\n'
            f"<p>搜索结果：共{len(hits[:10])}条，请选择要办理的事项</p>\n<ul class=\"result-list\">\n{rows}\n</ul>")
    return _page("事项搜索", body)


def error_page() -> str:
    return _page("系统错误", "<h1>系统错误</h1><p>服务器内部错误，请稍后再试。</p>")


def popup_page(g: Guide) -> str:
    body = ("<p>正在打开办理系统……如未自动打开，请允许浏览器弹出窗口。</p>\n"
            f"<script>window.open('/handle/{escape(g.code)}');</script>")
    return _page("正在跳转", body)


def demo_guide_page(g: Guide, delay_ms: int, target: str) -> str:
    t = ' target="_blank"' if target != "self" else ""
    body = (f"<h1>{escape(g.name or '')}</h1>\n<p>办理部门：{escape(g.dept.name)}</p>\n"
            f'<p class="guide-actions"><a class="btn-online" href="/handle/slow/{int(delay_ms)}/{escape(g.code)}"{t}>'
            "在线办理</a></p>")
    return _page(f"{g.name}_办事指南", body)


def add_routes(app: web.Application, site: Site) -> None:
    """The handling routes (before the catch-all of server.py)."""

    def guide_of(request) -> Guide | None:
        found = site.locate_code(request.match_info["code"])
        return site.guide(found[0].index, found[1]) if found else None

    def not_found():
        return _html(_page("页面不存在", "<h1>页面不存在</h1>"), 404)

    def slow(delay_ms: int | None):
        async def handler(request):
            g = guide_of(request)
            ms = delay_ms if delay_ms is not None else _int(request.match_info.get("ms"))
            if g is None or ms is None or not 0 <= ms <= MAX_DELAY_MS:
                return not_found()
            return _html(slow_page(g, ms))
        return handler

    async def search(request):
        return _html(search_page(site, request.query.get("q", "")))

    async def broken(request):
        return _html(error_page(), 500) if guide_of(request) else not_found()

    async def download(request):
        g = guide_of(request)
        if g is None:
            return not_found()
        body = files.build("docx", f"{g.name}申请表", "ok")
        return web.Response(body=body, content_type=files.CONTENT_TYPES["docx"], headers={
            "Content-Disposition": f"attachment; filename=\"apply.docx\"; filename*=UTF-8''{quote(g.name or '')}.docx"})

    async def popup(request):
        g = guide_of(request)
        return _html(popup_page(g)) if g else not_found()

    async def loop(request):
        if guide_of(request) is None:
            return not_found()
        step = (_int(request.query.get("n")) or 0) + 1
        raise web.HTTPFound(f"/handle/loop/{request.match_info['code']}?n={step}")

    async def endless(request):
        if guide_of(request) is None:
            return not_found()
        resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await resp.prepare(request)
        await resp.write('<!DOCTYPE html><html><head><meta charset="utf-8"><title>网上办事系统</title></head><body>\n'
                         .encode())
        while True:  # ends when the browser goes away
            await resp.write(ENDLESS_CHUNK)
            await asyncio.sleep(ENDLESS_INTERVAL)

    async def demo_guide(request):
        g = guide_of(request)
        ms = _int(request.match_info["ms"])
        if g is None or ms is None or not 0 <= ms <= MAX_DELAY_MS:
            return not_found()
        return _html(demo_guide_page(g, ms, request.query.get("target", "_blank")))

    r = app.router
    r.add_get("/handle/slow4/{code}", slow(4000))
    r.add_get("/handle/slow7/{code}", slow(7000))
    r.add_get("/handle/slow/{ms}/{code}", slow(None))
    r.add_get("/handle/search", search)
    r.add_get("/handle/broken/{code}", broken)
    r.add_get("/handle/file/{code}", download)
    r.add_get("/handle/popup/{code}", popup)
    r.add_get("/handle/loop/{code}", loop)
    r.add_get("/handle/endless/{code}", endless)
    r.add_get("/handle/demo-guide/{ms}/{code}", demo_guide)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
