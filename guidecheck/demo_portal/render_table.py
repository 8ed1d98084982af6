"""Layout family 1: a server-rendered UTF-8 page in the manner of Beijing's
`/pubtask/task/1/{area}/{uuid}.html`: two-column th/td tables per section,
the materials and process as tables with header rows, and the FAQ on a
separate `{uuid}_cjwt.html` page reached from the tab bar."""
from __future__ import annotations

from .data import Guide
from .render_pages import page
from .render_parts import (
    basic_rows,
    condition_rows,
    esc,
    faq_block,
    fee_rows,
    materials_table,
    online_button,
    place_rows,
    policy_block,
    process_table,
)


def _table(rows: list[tuple[str, str | None]]) -> str:
    body = "\n".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows if value is not None)
    return f'<table class="info-table">\n{body}\n</table>'


def _tabs(g: Guide, current: str) -> str:
    tabs = [("基本信息", g.guide_url + "#jbxx"), ("申请材料", g.guide_url + "#sqcl"),
            ("办理流程", g.guide_url + "#bllc"), ("常见问题", g.faq_url)]
    items = "".join(f'<li class="{"on" if t == current else ""}"><a href="{esc(u)}">{t}</a></li>' for t, u in tabs)
    return f'<ul class="tabs">{items}</ul>'


def guide_page(g: Guide) -> bytes:
    crumbs = [("首页", "/"), (g.dept.name, f"/dept/{g.dept.code}"), (g.name or "办事指南", "")]
    parts = [
        f"<h1>{esc(g.name)}</h1>",
        online_button(g),
        _tabs(g, "基本信息"),
        '<h3 id="jbxx">基本信息</h3>',
        _table(basic_rows(g)),
        "<h3>办理地点和时间</h3>",
        _table(place_rows(g)),
        "<h3>申请条件及依据</h3>",
        _table(condition_rows(g)),
    ]
    if g.materials is not None:
        parts += ['<h3 id="sqcl">申请材料</h3>', materials_table(g)]
    if g.steps is not None:
        parts += ['<h3 id="bllc">办理流程</h3>', process_table(g)]
    parts += ["<h3>收费情况</h3>", _table(fee_rows(g)), policy_block(g)]
    body = '<div class="guide-detail">\n' + "\n".join(p for p in parts if p) + "\n</div>"
    return page(f"{g.name}_办事指南_福州市政务服务网", body, crumbs).encode("utf-8")


def faq_page(g: Guide) -> bytes:
    crumbs = [("首页", "/"), (g.dept.name, f"/dept/{g.dept.code}"), (g.name or "办事指南", g.guide_url),
              ("常见问题", "")]
    body = (f'<div class="guide-detail">\n<h1>{esc(g.name)}</h1>\n{_tabs(g, "常见问题")}\n'
            f"<h3>常见问题</h3>\n{faq_block(g)}\n</div>")
    return page(f"{g.name}_常见问题_福州市政务服务网", body, crumbs).encode("utf-8")
