"""The renderer base class and the pieces renderers share.

A renderer turns a Guide into the bytes of a saved page. It declares what it
can express: `elements` (text elements), `material_fields` and `step_fields`;
the expected record keeps only those (expect.py).
"""
from __future__ import annotations

import random

from .content import MATERIAL_FIELDS, TEXT_ORDER, Guide, MaterialSpec, StepSpec
from .vary import Style, e

FORM_TEXTS = ["下载", "空白表格下载", "点击下载", "空表下载"]
SAMPLE_TEXTS = ["下载", "样表下载", "查看样表", "示例样表"]


class Renderer:
    name = "base"
    family = ""                 # what real pages it models
    charset = "utf-8"           # declared charset
    encoding = "utf-8"          # bytes written
    elements = frozenset(TEXT_ORDER)
    material_fields = frozenset(MATERIAL_FIELDS)
    step_fields = frozenset({"name", "duration"})

    def render(self, guide: Guide, rng: random.Random) -> bytes:
        st = Style(rng, guide)
        html = st.page(self.body(guide, st), self.charset)
        return html.encode(self.encoding, "xmlcharrefreplace")

    def body(self, guide: Guide, st: Style) -> str:
        raise NotImplementedError


# ---------------------------------------------------------------- materials

def mcell(st: Style, m: MaterialSpec, field: str) -> str:
    """A material field as a table cell's inner HTML (links for downloads)."""
    value = getattr(m, field)
    if field in ("form_url", "sample_url"):
        if not value:
            return st.rng.choice(["", "", "无"])
        text = st.rng.choice(FORM_TEXTS if field == "form_url" else SAMPLE_TEXTS)
        return f'<a href="{e(value)}" target="_blank">{text}</a>'
    return e(value) if value else ""


def mfields(st: Style, fields=MATERIAL_FIELDS) -> list[str]:
    """The material columns this page shows: the name first, the others in a page's order."""
    rest = [f for f in fields if f != "name"]
    if st.rng.random() < 0.3:
        rest = rest[1:] + rest[:1]
    return ["name", *rest]


def material_table(st: Style, mats: list[MaterialSpec], *, table: str = "", th: bool = True,
                   number: bool = True, fields=MATERIAL_FIELDS) -> str:
    """A classic materials table: a header row, one row per material."""
    cols = mfields(st, fields)
    hcell = "th" if th else "td"
    head = ("<th>序号</th>" if number and th else "<td>序号</td>" if number else "") + \
        "".join(f"<{hcell}>{st.header(f)}</{hcell}>" for f in cols)
    # Equal values one under another may share one cell (rowspan), as editors merge them.
    spans: dict[tuple[int, str], int] = {}
    if st.rng.random() < 0.3:
        for f in ("source", "required", "medium"):
            i = 0
            while i < len(mats):
                j = i
                while j + 1 < len(mats) and getattr(mats[j + 1], f) and getattr(mats[j + 1], f) == getattr(mats[i], f):
                    j += 1
                for k in range(i, j + 1):
                    spans[(k, f)] = j - i + 1 if k == i else 0
                i = j + 1
    # Materials grouped by situation (情形): a heading row across the table, not a material.
    situations = {}
    if len(mats) >= 3 and st.rng.random() < 0.2:
        cut = st.rng.randrange(1, len(mats))
        situations = {0: "情形一：首次申请", cut: st.rng.choice(["情形二：委托代理人办理", "情形二：变更申请"])}
        spans = {}
    width = len(cols) + (1 if number else 0)
    rows = []
    for i, m in enumerate(mats):
        if i in situations:
            rows.append(f'<tr><td colspan="{width}" class="qx"><b>{situations[i]}</b></td></tr>')
        cells = f"<td>{i + 1}</td>" if number else ""
        for f in cols:
            span = spans.get((i, f), 1)
            if span:
                cells += f"<td{f' rowspan={span}' if span > 1 else ''}>{mcell(st, m, f)}</td>"
        rows.append(f"<tr>{cells}</tr>")
    thead = f"<thead><tr>{head}</tr></thead>" if st.rng.random() < 0.6 else ""
    first = "" if thead else f"<tr>{head}</tr>"
    return f'<table {table or st.own("cl-table")} border="1">{thead}<tbody>{first}{"".join(rows)}</tbody></table>'


def material_lines(st: Style, m: MaterialSpec, fields=MATERIAL_FIELDS) -> list[tuple[str, str]]:
    """(header, inner HTML) for each field a material gives, name excluded."""
    out = []
    for f in fields:
        if f == "name":
            continue
        value = getattr(m, f)
        if value:
            out.append((st.header(f), mcell(st, m, f)))
    return out


# ---------------------------------------------------------------- steps

def step_text(st: Style, s: StepSpec) -> str:
    """A step's description line: who, what and how long."""
    duration = st.limit(s.duration)
    forms = [
        f"办理人员：{s.handler}；办理内容：{s.content}；办理时限：{duration}",
        f"{s.handler}{s.content}。时限：{duration}",
        f"承办岗位：{s.handler}，办理时限：{duration}",
    ]
    if not hasattr(st, "step_text_form"):
        st.step_text_form = st.rng.randrange(len(forms))
    return e(forms[st.step_text_form])


def step_table(st: Style, steps: list[StepSpec], *, table: str = "", th: bool = True) -> str:
    cols = ["name", "handler", "content", "duration"]
    hcell = "th" if th else "td"
    head = "".join(f"<{hcell}>{e(st.step_headers[c])}</{hcell}>" for c in cols)
    rows = []
    for s in steps:
        values = {"name": s.name, "handler": s.handler, "content": s.content, "duration": st.limit(s.duration)}
        rows.append("<tr>" + "".join(f"<td>{e(values[c])}</td>" for c in cols) + "</tr>")
    return f'<table {table or st.own("lc-table")} border="1"><tr>{head}</tr>{"".join(rows)}</table>'


# ---------------------------------------------------------------- text elements

def value_html(st: Style, key: str) -> str:
    """The value as markup: clauses of the conditions may be broken with <br>;
    editors leave &nbsp; padding after values."""
    html = e(st.value(key))
    if key == "conditions" and st.rng.random() < 0.4:
        html = html.replace("；（", "；<br>（")
    if key == "hours" and st.rng.random() < 0.4:
        html = html.replace("，下午", "，<br>下午")
    if key == "basis" and st.rng.random() < 0.5:
        html = html.replace("。《", "。<br>《")
    if key == "basis" and html.startswith("《") and st.rng.random() < 0.3:  # the law linked to the policy library
        end = html.index("》") + 1
        html = f'<a href="/zcwj/{st.rng.randrange(10**5)}.html" target="_blank">{html[:end]}</a>{html[end:]}'
    if st.nbsp and html:
        html += "&nbsp;" * st.rng.randint(1, 3)
    return html


def pairs(st: Style) -> list[tuple[str, str]]:
    """(label HTML, value HTML) for the text elements, in this page's order."""
    return [(st.label(k), value_html(st, k)) for k in st.order()]


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def kv_table(st: Style, items: list[tuple[str, str]], *, per_row: int = 2, th: bool = True,
             table: str = "", label_attr: str = "", value_attr: str = "") -> str:
    """Label/value pairs in a table, `per_row` pairs per row; labels in th or bold td."""
    rows = []
    for row in chunks(items, per_row):
        cells = []
        for j, (label, value) in enumerate(row):
            span = "" if j < len(row) - 1 or len(row) == per_row else f' colspan="{2 * (per_row - len(row)) + 1}"'
            if th:
                cells.append(f"<th {label_attr}>{label}</th>")
            else:
                cells.append(f"<td {label_attr}><b>{label}</b></td>" if st.rng.random() < 0.8
                             else f'<td {label_attr} style="font-weight:bold">{label}</td>')
            cells.append(f"<td{span} {value_attr}>{value}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table {table or st.own("info-table")} border="1" width="100%">{"".join(rows)}</table>'


def section_title(st: Style, key: str, tag: str = "div", cls: str = "section-title") -> str:
    return f'<{tag} {st.own(cls)}>{st.label(key, colon=False)}</{tag}>'
