"""Traps for crawler robustness, all under /trap/ and never linked from the
homepage or the default listings (a test or profile must ask for them):

- /trap/                       index of the traps (a "trap department")
- /trap/loop/items?page=N      a listing whose 下一页 on page 3 goes back to page 1
- /trap/endless                a page that never ends (bytes trickle forever)
- /trap/redirect/a → b → a     a redirect loop
- /trap/reset                  the connection is reset without any answer
- /trap/wrong-charset          declares UTF-8 (meta and header), body is GBK
- /portal/v2/guide/TRAPJSON0000001 a script page whose detail API answers
                               malformed JSON (/api/guide/detail?taskCode=TRAPJSON0000001)
"""
from __future__ import annotations

import asyncio
import socket
import struct

from aiohttp import web

from . import render_table
from .render_pages import page

BAD_JSON_CODE = "TRAPJSON0000001"
BAD_JSON_BODY = b'{"errCode":"0","msg":"\xe6\x88\x90\xe5\x8a\x9f","AUDIT_ITEM":{"CATANAME":"\xe9\x99\xb7\xe9\x98\xb1",'
ENDLESS_CHUNK = b"<p>" + "数据加载中……".encode() * 20 + b"</p>\n"
ENDLESS_INTERVAL = 0.05
LOOP_PAGES = 3


def index_page() -> str:
    links = [("循环分页的事项清单", "/trap/loop/items?page=1"), ("永不结束的页面", "/trap/endless"),
             ("重定向循环", "/trap/redirect/a"), ("连接被重置", "/trap/reset"),
             ("字符集声明错误的页面", "/trap/wrong-charset"),
             ("详情接口返回错误JSON的指南", f"/portal/v2/guide/{BAD_JSON_CODE}")]
    items = "\n".join(f'<li><a href="{u}">{t}</a></li>' for t, u in links)
    return page("陷阱部门（测试用）", f"<h1>陷阱部门（测试用）</h1>\n<ul>\n{items}\n</ul>")


def loop_listing(site, page_no: int) -> str:
    """Three pages of real guides; page 3's 下一页 points back to page 1."""
    dept = site.departments[0]
    rows = []
    for i in range((page_no - 1) * 5, page_no * 5):
        if i < site.items_per_department:
            g = site.guide(dept.index, i)
            rows.append(f'<tr><td><a href="{g.guide_url}">{g.name}</a></td></tr>')
    nxt = page_no % LOOP_PAGES + 1
    body = (f"<h1>陷阱部门事项清单</h1>\n<table>{''.join(rows)}</table>\n"
            f'<div class="pager"><span>第 {page_no} 页</span> <a class="next" href="/trap/loop/items?page={nxt}">下一页</a></div>')
    return page("陷阱部门事项清单", body)


async def endless(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    await resp.prepare(request)
    await resp.write(b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>\xe5\x8a\xa0\xe8\xbd\xbd</title>"
                     b"</head><body>\n")
    while True:  # ends when the client goes away (the write fails or the handler is cancelled)
        await resp.write(ENDLESS_CHUNK)
        await asyncio.sleep(ENDLESS_INTERVAL)


async def redirect(request: web.Request) -> web.Response:
    target = "b" if request.match_info["step"] == "a" else "a"
    raise web.HTTPFound(f"/trap/redirect/{target}")


async def reset(request: web.Request) -> web.Response:
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:  # linger 0: close() sends RST instead of FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()
    await asyncio.sleep(0.01)
    raise asyncio.CancelledError()


def wrong_charset(site) -> bytes:
    """A real family-1 guide page re-encoded as GBK while still declaring UTF-8."""
    g = site.guide(0, 0)
    text = render_table.guide_page(g).decode("utf-8")
    return text.encode("gbk", errors="replace")
