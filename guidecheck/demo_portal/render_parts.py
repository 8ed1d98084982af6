"""Pieces shared by the HTML guide layouts: the element rows in page order,
the materials and process tables, the FAQ list. A value of None leaves the row
out (the element is absent); "" prints the label with nothing after it."""
from __future__ import annotations

from html import escape

from .data import Guide

MATERIAL_HEADERS = ["序号", "材料名称", "来源渠道", "份数", "介质要求", "必要性", "空表下载", "样表下载", "填报须知"]
PROCESS_HEADERS = ["环节名称", "办理人", "办理时限", "审查标准", "办理结果"]


# Family 2 prints other wordings of the same labels (as Hanweb builds do).
HANWEB_LABELS = {"实施编码": "事项编码", "实施机构": "办理机构", "法定办结时限": "法定期限", "承诺办结时限": "承诺期限",
                 "到现场次数": "最多跑次数", "网上办理深度": "网办深度", "咨询电话": "联系电话", "监督投诉电话": "监督电话",
                 "申请条件": "受理条件", "设定依据": "实施依据", "办理地点": "受理地点", "办理时间": "受理时间",
                 "收费标准": "是否收费"}


def relabel(rows: list[tuple[str, str | None]], labels: dict[str, str] | None) -> list[tuple[str, str | None]]:
    return [((labels or {}).get(label, label), value) for label, value in rows]


def esc(value: str | None) -> str:
    return escape(value or "")


def basic_rows(g: Guide) -> list[tuple[str, str | None]]:
    """(label, value html) of the 基本信息 block."""
    sample = None
    if g.result_sample is not None:
        sample = f'<a href="{esc(g.result_sample.path)}">{esc(g.result_sample.title)}</a>'
    return [
        ("事项名称", _v(g.name)),
        ("实施编码", _v(g.code)),
        ("事项类型", _v(g.category)),
        ("办件类型", _v(g.case_type)),
        ("权力来源", _v(g.power_source)),
        ("服务对象", _v(g.target)),
        ("实施机构", _v(g.agency)),
        ("法定办结时限", None if g.legal is None else esc(g.legal.text)),
        ("承诺办结时限", None if g.promised is None else esc(g.promised.text)),
        ("到现场次数", _v(g.visits)),
        ("网上办理深度", _v(g.online_depth)),
        ("送达方式", _v(g.delivery)),
        ("结果名称", _v(g.result)),
        ("结果样本", sample),
        ("数量限制", _v(g.quantity_limit)),
        ("中介服务", _v(g.intermediary)),
        ("咨询电话", _v(g.consult_phone)),
        ("监督投诉电话", _v(g.complaint_phone)),
    ]


def place_rows(g: Guide) -> list[tuple[str, str | None]]:
    return [("办理地点", _v(g.location)), ("办理时间", _v(g.hours))]


def condition_rows(g: Guide) -> list[tuple[str, str | None]]:
    basis = g.basis()
    return [("申请条件", _v(g.conditions)), ("设定依据", None if basis is None else esc(basis))]


def fee_rows(g: Guide) -> list[tuple[str, str | None]]:
    return [("收费标准", _v(g.fee())), ("收费依据", _v(g.fee_basis))]


def _v(value: str | None) -> str | None:
    return None if value is None else esc(value)


def _link(ref) -> str:
    return f'<a href="{esc(ref.path)}" target="_blank">{esc(ref.title)}</a>' if ref else "无"


def materials_table(g: Guide, cls: str = "material-table") -> str:
    head = "".join(f"<th>{h}</th>" for h in MATERIAL_HEADERS)
    rows = []
    for n, m in enumerate(g.materials or [], start=1):
        cells = [str(n), esc(m.name), esc(m.source), esc(m.copies_text()), esc(m.medium), esc(m.required),
                 _link(m.form), _link(m.sample), esc(m.notes)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f'<table class="{cls}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def process_table(g: Guide, cls: str = "process-table") -> str:
    head = "".join(f"<th>{h}</th>" for h in PROCESS_HEADERS)
    rows = []
    for s in g.steps or []:
        cells = [esc(s.name), esc(s.transactor), esc(s.duration), esc(s.standard), esc(s.result)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f'<table class="{cls}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def faq_block(g: Guide) -> str:
    items = []
    for n, (q, a) in enumerate(g.faq or [], start=1):
        items.append(f'<div class="faq-item"><p class="faq-q">问：{esc(q)}</p><p class="faq-a">答：{esc(a)}</p></div>')
    return '<div class="faq-list">\n' + "\n".join(items) + "\n</div>"


def policy_block(g: Guide) -> str:
    if g.policy is None:
        return ""
    return (f'<div class="related-docs"><h3>政策文件</h3><ul><li><a href="{esc(g.policy.path)}" target="_blank">'
            f"{esc(g.policy.title)}</a></li></ul></div>")


def online_button(g: Guide) -> str:
    return f'<p class="guide-actions"><a class="btn-online" href="{esc(g.handle_url)}" target="_blank">在线办理</a></p>'
