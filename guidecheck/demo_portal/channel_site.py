"""Each demo department's own website publishes its guides too: a second
channel for the same-source check (S001, S002), in another layout family than
the portal's pages (label/value div rows, a materials list table).

| path | what |
|---|---|
| `/site/{code}/bszn/index.html?page=N` | the website's guide listing, 15 a page, 下一页 paging |
| `/site/{code}/bszn/{i}.html` | item i's guide as the website publishes it |
| `/site/{code}/bszn/only{n}.html` | an item only the website publishes (S002) |

What differs from the portal (channel_data.py, by item index % 20, only on
items without a planted portal defect): the promised limit, the consult
phone, a material (each one S001 fail), an item not on the website (nothing),
and rewritings that must not count (phone separators, Chinese numerals, the
materials' order). `manifest_entry` lists them all: the oracle of
tests/test_channels.py.
"""
from __future__ import annotations

import copy
from html import escape

from aiohttp import web

from . import channel_data as CD
from . import content as C
from .data import Department, Guide, Limit, MaterialSpec, Site
from .render_parts import basic_rows, condition_rows, fee_rows, materials_table, place_rows, process_table

PAGE_SIZE = 15
CN_DIGITS = "零一二三四五六七八九"


def plant_at(site: Site, d: int, i: int) -> str | None:
    from .defects import kind_at

    kind = CD.PLANTS.get(i % CD.SLOT, (None,))[0]
    return kind if kind and kind_at(site, d, i) is None else None


def listed(site: Site, dept: Department) -> list[tuple[str, str]]:
    """(path, name) of every guide the website lists, in order."""
    out = [(f"/site/{dept.code}/bszn/{i}.html", site.item_name(dept, i)) for i in site.items(dept)
           if plant_at(site, dept.index, i) != "portal_only"]
    names = CD.CHANNEL_ONLY[dept.index % len(CD.CHANNEL_ONLY)]
    out += [(f"/site/{dept.code}/bszn/only{n}.html", name) for n, name in enumerate(names)]
    return out


def _cn(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else CN_DIGITS[tens] + "十") + (CN_DIGITS[ones] if ones else "")


def channel_guide(site: Site, dept: Department, i: int) -> Guide:
    """Item i as the website publishes it: the portal's guide with its planted difference."""
    g = copy.deepcopy(site.guide(dept.index, i))
    kind = plant_at(site, dept.index, i)
    if kind == "limit" and g.promised is not None:
        days = (g.promised.days or 0) + (5 if g.promised.days else 3)
        g.promised = Limit(f"{days}个工作日", days, "工作日")
        g.case_type = "承诺件"
    elif kind == "phone" and g.consult_phone:
        last = g.consult_phone[-1]
        g.consult_phone = g.consult_phone[:-1] + str((int(last) + 1) % 10 if last.isdigit() else 1)
    elif kind == "material" and g.materials:
        name, source, medium, notes = CD.OTHER_MATERIAL
        g.materials = g.materials[:-1] + [MaterialSpec(name, source, 1, None, medium, "必要", notes)]
    elif kind == "phone_format" and g.consult_phone:
        digits = "".join(ch for ch in g.consult_phone if ch.isdigit())
        if digits.startswith(C.AREA_CODE):
            g.consult_phone = f"（{C.AREA_CODE}）{digits[len(C.AREA_CODE):]}"
    elif kind == "limit_numerals" and g.promised is not None and g.promised.days:
        g.promised = Limit(f"{_cn(g.promised.days)}个工作日", g.promised.days, "工作日")
    elif kind == "materials_order" and g.materials:
        g.materials = list(reversed(g.materials))
    return g


def only_guide(site: Site, dept: Department, n: int) -> Guide:
    """An item only the website publishes: a guide built like item n's, with its own name and code."""
    g = copy.deepcopy(site.guide(dept.index, n))
    g.name = CD.CHANNEL_ONLY[dept.index % len(CD.CHANNEL_ONLY)][n]
    g.code = f"{dept.credit}8{n:07d}000"
    return g


def _rows(rows) -> str:
    return "\n".join(f'<div class="zn-row"><span class="zn-label">{label}：</span><span class="zn-value">{value}</span></div>'
                     for label, value in rows if value is not None)


def _page(dept: Department, title: str, main: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
            '<style>body{font-family:"Microsoft YaHei",sans-serif;margin:0}.top{background:#1f5fa8;color:#fff;'
            'padding:14px 24px;font-size:20px}.main{padding:12px 24px}.zn-row{padding:4px 0}'
            '.zn-label{display:inline-block;width:9em;color:#666}</style></head><body>'
            f'<div class="top">{escape(dept.name)}（演示）</div>'
            f'<div class="crumb"><a href="/site/{dept.code}/">网站首页</a> &gt; '
            f'<a href="/site/{dept.code}/bszn/index.html">办事指南</a></div>'
            f'<div class="main">{main}</div></body></html>')


def guide_page(dept: Department, g: Guide) -> str:
    blocks = [f'<h2 class="zn-title">{escape(g.name or "")}</h2>',
              '<div class="zn-block"><h4>基本信息</h4>', _rows(basic_rows(g)), "</div>",
              '<div class="zn-block"><h4>办理地点和时间</h4>', _rows(place_rows(g)), "</div>",
              '<div class="zn-block"><h4>条件与依据</h4>', _rows(condition_rows(g)), "</div>"]
    if g.materials is not None:
        blocks += ['<div class="zn-block"><h4>申请材料</h4>', materials_table(g, "zn-materials"), "</div>"]
    if g.steps is not None:
        blocks += ['<div class="zn-block"><h4>办理流程</h4>', process_table(g, "zn-process"), "</div>"]
    blocks += ['<div class="zn-block"><h4>收费</h4>', _rows(fee_rows(g)), "</div>"]
    return _page(dept, f"{g.name}-办事指南-{dept.name}", "\n".join(blocks))


def listing_page(site: Site, dept: Department, page_no: int) -> str | None:
    entries = listed(site, dept)
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    if not 1 <= page_no <= pages:
        return None
    rows = "\n".join(f'<li><a href="{path}">{escape(name)}</a></li>'
                     for path, name in entries[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE])
    nav = f'<a href="/site/{dept.code}/bszn/index.html?page={page_no + 1}">下一页</a>' if page_no < pages else ""
    return _page(dept, f"办事指南-{dept.name}", f'<ul class="zn-list">\n{rows}\n</ul>\n<div class="pager">{nav}</div>')


def add_routes(app: web.Application, site: Site) -> None:
    def html(text: str | None) -> web.Response:
        if text is None:
            return web.Response(body="<h1>页面不存在</h1>".encode(), status=404, content_type="text/html",
                                charset="utf-8")
        return web.Response(body=text.encode("utf-8"), content_type="text/html", charset="utf-8")

    async def listing(request):
        dept = site.department(request.match_info["code"])
        try:
            page_no = int(request.query.get("page", "1"))
        except ValueError:
            page_no = 1
        return html(listing_page(site, dept, page_no) if dept else None)

    async def guide(request):
        dept = site.department(request.match_info["code"])
        name = request.match_info["name"]
        if dept is None:
            return html(None)
        if name.startswith("only") and name[4:].isdigit():
            n = int(name[4:])
            names = CD.CHANNEL_ONLY[dept.index % len(CD.CHANNEL_ONLY)]
            return html(guide_page(dept, only_guide(site, dept, n)) if n < len(names) else None)
        if not name.isdigit() or int(name) >= site.items_per_department \
                or plant_at(site, dept.index, int(name)) == "portal_only":
            return html(None)
        return html(guide_page(dept, channel_guide(site, dept, int(name))))

    app.router.add_get("/site/{code}/bszn/index.html", listing)
    app.router.add_get("/site/{code}/bszn/{name}.html", guide)


def manifest_entry(site: Site, base_url: str = "") -> dict:
    """The websites (one per department, for the roster's `channels:`) and every planted
    difference with the S findings it must give when its item is compared."""
    items = []
    for dept in site.departments:
        for i in site.items(dept):
            kind = plant_at(site, dept.index, i)
            if kind:
                _, expected, what = CD.PLANTS[i % CD.SLOT]
                items.append({"department": dept.name, "key": site.item_code(dept, i), "index": i,
                              "name": site.item_name(dept, i), "kind": kind, "what": what, "expected": expected,
                              "channel_url": None if kind == "portal_only" else f"{base_url}/site/{dept.code}/bszn/{i}.html"})
        for n, name in enumerate(CD.CHANNEL_ONLY[dept.index % len(CD.CHANNEL_ONLY)]):
            items.append({"department": dept.name, "key": f"{dept.credit}8{n:07d}000", "index": None, "name": name,
                          "kind": "channel_only", "what": "只在部门网站发布的事项",
                          "expected": [{"rule": "S002", "element": None, "outcome": "fail"}],
                          "channel_url": f"{base_url}/site/{dept.code}/bszn/only{n}.html"})
    return {"name": CD.CHANNEL_NAME,
            "departments": [{"department": d.name, "name": CD.CHANNEL_NAME, "profile": "generic-html",
                             "listing": f"{base_url}/site/{d.code}/bszn/index.html"} for d in site.departments],
            "items": items}


def roster_channels(manifest: dict, department: str) -> list[dict]:
    """The roster's `channels:` of a demo department (from the served manifest)."""
    return [{k: c[k] for k in ("name", "listing", "profile")}
            for c in (manifest.get("channels") or {}).get("departments", []) if c["department"] == department]
