"""Layout family 2: a Hanweb (大汉)-style `bszn.do?id=…` page served in GBK
(declared by `<meta charset="gbk">` and the Content-Type header), with the
basic information as div/span label pairs, place and time as <dl>, tables for
materials and process, and the FAQ inline as 问：/答： paragraphs."""
from __future__ import annotations

from .data import Guide
from .render_pages import page
from .render_parts import (
    HANWEB_LABELS,
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
    relabel,
)

CHARSET = "gbk"


def _pairs(rows: list[tuple[str, str | None]]) -> str:
    return "\n".join(f'<div class="bszn-item"><span class="item-label">{label}：</span>'
                     f'<span class="item-value">{value}</span></div>' for label, value in rows if value is not None)


def _dl(rows: list[tuple[str, str | None]]) -> str:
    return "\n".join(f'<dl class="bszn-dl"><dt>{label}</dt><dd>{value}</dd></dl>'
                     for label, value in rows if value is not None)


def guide_page(g: Guide) -> bytes:
    crumbs = [("首页", "/"), (g.dept.name, f"/dept/{g.dept.code}"), ("办事指南", "")]
    parts = [
        f'<div class="bszn-title"><h2>{esc(g.name)}</h2></div>',
        online_button(g),
        '<div class="bszn-box" id="jbxx"><h3>基本信息</h3>',
        _pairs(relabel(basic_rows(g), HANWEB_LABELS)),
        "</div>",
        '<div class="bszn-box" id="bldd"><h3>窗口信息</h3>',
        _dl(relabel(place_rows(g), HANWEB_LABELS)),
        "</div>",
        '<div class="bszn-box" id="sqtj"><h3>办事要求</h3>',
        _pairs(relabel(condition_rows(g), HANWEB_LABELS)),
        "</div>",
    ]
    if g.materials is not None:
        parts += ['<div class="bszn-box" id="sqcl"><h3>申请材料</h3>', materials_table(g, "bszn-table"), "</div>"]
    if g.steps is not None:
        parts += ['<div class="bszn-box" id="bllc"><h3>办理流程</h3>', process_table(g, "bszn-table"), "</div>"]
    parts += ['<div class="bszn-box" id="sfbz"><h3>收费情况</h3>', _pairs(relabel(fee_rows(g), HANWEB_LABELS)), "</div>"]
    if g.faq is not None:
        parts += ['<div class="bszn-box" id="cjwt"><h3>常见问题</h3>', faq_block(g), "</div>"]
    parts.append(policy_block(g))
    body = '<div class="bszn-main">\n' + "\n".join(p for p in parts if p) + "\n</div>"
    html = page(f"{g.name}-办事指南", body, crumbs, charset=CHARSET)
    return html.encode(CHARSET)  # strict: a character GBK lacks is a bug here, not a silent "?"
