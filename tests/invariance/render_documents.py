"""Renderers modelled on document-like publishing: Word-exported HTML,
Hanweb-style nested tables in GBK, TRS-style CMS running text with numbered
sections, and h2 sections with sub-tables."""
from __future__ import annotations

import re

from .base import (
    FORM_TEXTS,
    SAMPLE_TEXTS,
    Renderer,
    kv_table,
    material_table,
    pairs,
    step_table,
    step_text,
)
from .content import MATERIAL_FIELDS
from .vary import Style, cn_number, e

_ASCII_RUN = re.compile(r"([0-9A-Za-z:\-.]+)")
_MARKUP = re.compile(r"(<[^>]+>|&#?\w+;)")
_OP = "<o:p></o:p>"


def _word_runs(text_html: str) -> str:
    """Word splits runs where the script changes: ASCII in lang=EN-US spans."""
    parts = _MARKUP.split(text_html)
    return "".join(p if i % 2 else _ASCII_RUN.sub(r"<span lang=EN-US>\1</span>", p) for i, p in enumerate(parts))


class WordExport(Renderer):
    name = "word"
    family = "Word 'save as web page': MsoNormal paragraphs, <o:p>, MsoTableGrid tables, runs split by script"
    charset = "gb2312"
    encoding = "gbk"

    def render(self, guide, rng):
        st = Style(rng, guide)
        charset = rng.choice(["gb2312", "utf-8"])
        head = (f"<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
                f"xmlns:w=\"urn:schemas-microsoft-com:office:word\" xmlns=\"http://www.w3.org/TR/REC-html40\">\n<head>\n"
                f"<meta http-equiv=Content-Type content=\"text/html; charset={charset}\">\n<meta name=ProgId content=Word.Document>\n"
                f"<meta name=Generator content=\"Microsoft Word 15\">\n<title>{e(guide.elements['name'])}</title>\n"
                f"<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->\n"
                f"<style>\n<!-- p.MsoNormal {{margin:0cm; font-size:10.5pt; font-family:\"Times New Roman\";}} -->\n</style>\n"
                f"</head>\n<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>\n"
                f"<div class=WordSection1 style='layout-grid:15.6pt'>\n")
        html = head + self.body(guide, st) + "\n</div>\n</body>\n</html>\n"
        return html.encode("gbk" if charset == "gb2312" else "utf-8", "xmlcharrefreplace")

    def p(self, inner: str, bold: bool = False, indent: bool = False) -> str:
        style = " style='text-indent:21.0pt;line-height:150%'" if indent else " style='line-height:150%'"
        span = f"<span style='font-size:14.0pt;font-family:仿宋_GB2312'>{_word_runs(inner)}<span lang=EN-US>{_OP}</span></span>"
        if bold:
            span = f"<b>{span}</b>"
        return f"<p class=MsoNormal{style}>{span}</p>\n"

    def td(self, inner: str, width: int, bold: bool = False) -> str:
        return (f"<td width={width} valign=top style='width:{width / 10:.1f}pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt'>"
                f"{self.p(inner, bold)}</td>")

    def body(self, g, st):
        rng = st.rng
        out = [f"<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:22.0pt;"
               f"font-family:方正小标宋简体'>{e(g.elements['name'])}办事指南<span lang=EN-US>{_OP}</span></span></b></p>\n"]
        as_table = rng.random() < 0.5
        apart = rng.random() < 0.5
        st.numbering = "cn"
        items = pairs(st)
        if as_table:
            rows = "".join(f"<tr>{self.td(lb, 1420, True)}{self.td(v, 6100)}</tr>\n" for lb, v in items)
            out.append(f"<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;"
                       f"border:none'>\n{rows}</table>\n")
        else:
            for lb, v in items:
                if apart:
                    out.append(self.p(lb, bold=True) + self.p(v, indent=True))
                else:
                    out.append(self.p(f"<b>{lb}</b>{v}", indent=True))
        out.append(self.p(st.label("materials", colon=rng.random() < 0.5), bold=True))
        cols = [f for f in MATERIAL_FIELDS]
        head = "".join(self.td(st.header(f), 900, True) for f in cols)
        body = ""
        for m in g.materials:
            cells = ""
            for f in cols:
                v = getattr(m, f)
                if f in ("form_url", "sample_url") and v:
                    text = rng.choice(FORM_TEXTS if f == "form_url" else SAMPLE_TEXTS)
                    cells += self.td(f'<a href="{e(v)}">{text}</a>', 900)
                else:
                    cells += self.td(e(v or ""), 900)
            body += f"<tr>{cells}</tr>\n"
        out.append(f"<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>\n"
                   f"<tr>{head}</tr>\n{body}</table>\n")
        if g.steps:
            out.append(self.p(st.label("process", colon=rng.random() < 0.5), bold=True))
            for n, s in enumerate(g.steps, 1):
                out.append(self.p(f"{n}.{e(s.name)}：{step_text(st, s)}", indent=True))
        if g.faq:
            out.append(self.p(st.label("faq", colon=rng.random() < 0.5), bold=True))
            for n, (q, a) in enumerate(g.faq, 1):
                out.append(self.p(f"{n}.{e(q)}", indent=True) + self.p(f"答：{e(a)}", indent=True))
        return "".join(out)


class HanwebGBK(Renderer):
    name = "hanweb_gbk"
    family = "Hanweb (大汉) bszn pages: nested layout tables, td labels, values in sub-tables, GBK bytes"
    charset = "gbk"
    encoding = "gbk"

    def render(self, guide, rng):
        st = Style(rng, guide)
        charset = rng.choice(["gbk", "gb2312", "GBK"])
        html = st.page(self.body(guide, st), charset)
        return html.encode("gbk", "xmlcharrefreplace")

    def body(self, g, st):
        rng = st.rng
        rows = []
        for lb, v in pairs(st):
            if rng.random() < 0.25:
                v = f'<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="nr">{v}</td></tr></table>'
            rows.append(f'<tr><td class="bszn_td1" width="18%" align="right" bgcolor="#f2f7fc">{lb}</td>'
                        f'<td class="bszn_td2" align="left">{v}</td></tr>')
        colspan = 'colspan="2" '
        mats = material_table(st, g.materials, table='class="bszn_cl" width="100%" border="1" cellspacing="0"',
                              th=rng.random() < 0.3)
        rows.append(f'<tr><td {colspan}class="bszn_title">{st.label("materials", colon=False)}</td></tr>'
                    f'<tr><td {colspan}>{mats}</td></tr>')
        if g.steps:
            steps = step_table(st, g.steps, table='class="bszn_lc" width="100%" border="1"', th=rng.random() < 0.3)
            rows.append(f'<tr><td {colspan}class="bszn_title">{st.label("process", colon=False)}</td></tr>'
                        f'<tr><td {colspan}>{steps}</td></tr>')
        if g.faq:
            qa = "".join(f"<p>问：{e(q)}</p><p>答：{e(a)}</p>" for q, a in g.faq)
            rows.append(f'<tr><td class="bszn_td1" align="right">{st.label("faq")}</td><td class="bszn_td2">{qa}</td></tr>')
        inner = f'<table width="100%" border="1" cellspacing="0" cellpadding="4" class="bszn_table">{"".join(rows)}</table>'
        for _ in range(rng.randint(1, 3)):
            inner = f'<table width="{rng.choice(["100%", "980"])}" border="0" cellspacing="0" cellpadding="0" align="center">' \
                    f'<tr><td valign="top">{inner}</td></tr></table>'
        title = f'<table width="100%"><tr><td class="title" align="center"><b>{e(g.elements["name"])}</b></td></tr></table>'
        return title + inner


class TrsRunningText(Renderer):
    name = "trs_text"
    family = "TRS-style CMS article: running text, sections 一、二、, materials and steps as numbered lines"
    # A material line gives the name, medium, copies, source and the download
    # links; its necessity and notes are not written in running text.
    material_fields = frozenset({"name", "source", "copies", "medium", "form_url", "sample_url"})

    def body(self, g, st):
        rng = st.rng
        n = 0
        out = []
        st.step_form = rng.random() < 0.5
        st.faq_form = rng.random() < 0.5
        st.mat_sep = rng.choice(["，", "，", "、"])
        st.mat_num = rng.choice(['.', '、', '．'])
        st.mat_end = rng.choice(['；', '', '。'])
        st.glue = rng.random() < 0.5

        def head(key, inline=""):
            nonlocal n
            n += 1
            lb = e(st.labels[key])
            return f"<p>{cn_number(n)}、{lb}：{inline}</p>" if inline else f"<p><strong>{cn_number(n)}、{lb}</strong></p>"

        order = st.order()
        insert = {"materials": rng.randrange(3, len(order)), "process": rng.randrange(3, len(order) + 1)}
        for i, key in enumerate(order + [None]):
            if insert["materials"] == i:
                out.append(head("materials"))
                out.extend(self.material_line(st, j, m) for j, m in enumerate(g.materials, 1))
            if insert["process"] == i and g.steps:
                out.append(head("process"))
                out.extend(self.step_line(st, j, s) for j, s in enumerate(g.steps, 1))
            if key is None:
                break
            v = e(st.value(key))
            cut = {"conditions": "；（", "basis": "。《"}.get(key)
            if cut and cut in v and rng.random() < 0.5:  # one paragraph per clause or per law
                clauses = v.replace(cut, cut[0] + "\n" + cut[1]).split("\n")
                out.append(head(key) + "".join(f'<p style="text-indent:2em">{c}</p>' for c in clauses))
            elif key in ("basis", "conditions") and rng.random() < 0.6:
                out.append(head(key) + f'<p style="text-indent:2em">{v}</p>')
            else:
                out.append(head(key, v))
        if g.faq:
            out.append(head("faq"))
            for j, (q, a) in enumerate(g.faq, 1):
                if st.faq_form:
                    out.append(f"<p>{j}.问：{e(q)}<br>答：{e(a)}</p>")
                else:
                    out.append(f"<p>问：{e(q)}</p><p>答：{e(a)}</p>")
        body = "\n".join(out)
        return (f'<div class="article"><h1 class="art-title">{e(g.elements["name"])}办事指南</h1>'
                f'<div class="art-info">发布时间：2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 来源：{e(g.elements["agency"])}'
                f'</div><div class="TRS_Editor"><div class="Custom_UnionStyle">\n{body}\n</div></div></div>')

    def material_line(self, st: Style, j: int, m) -> str:
        rng = st.rng
        parts = []
        if m.medium and m.copies and st.glue and m.medium in ("原件", "复印件"):
            parts.append(f"{m.medium}{m.copies}")
        else:
            parts += [x for x in (m.medium, m.copies) if x]
        if m.source:
            parts.append(m.source)
        sep = st.mat_sep if len(parts) > 1 else ""
        text = f"{j}{st.mat_num}{e(m.name)}（{e(sep.join(parts))}）"
        links = ""
        if m.form_url:
            links += f' <a href="{e(m.form_url)}">{rng.choice(["空白表格下载", "空表下载", "表格下载"])}</a>'
        if m.sample_url:
            links += f' <a href="{e(m.sample_url)}">{rng.choice(["样表下载", "示例样表", "填写样本"])}</a>'
        return f"<p>{text}{st.mat_end}{links}</p>"

    def step_line(self, st: Style, j: int, s) -> str:
        d = e(st.limit(s.duration))
        if st.step_form:
            return f"<p>{j}.{e(s.name)}：由{e(s.handler)}{e(s.content)}（{d}）。</p>"
        return f"<p>（{cn_number(j)}）{e(s.name)}：{e(s.handler)}{e(s.content)}，办理时限：{d}。</p>"


class H2Sections(Renderer):
    name = "h2_sections"
    family = "Guangdong v1 style: div.matters-content-part > h2 sections with th/td sub-tables"

    def body(self, g, st):
        rng = st.rng
        items = pairs(st)
        cut = rng.randrange(len(items) // 3, 2 * len(items) // 3)
        th = rng.random() < 0.6
        part = lambda h, inner: f'<div class="matters-content-part"><h2>{h}</h2>{st.wrap(inner, 1)}</div>'
        out = [f'<div class="matters-title"><h1>{e(g.elements["name"])}</h1></div>',
               part("基本信息", kv_table(st, items[:cut], per_row=2, th=th)),
               part(rng.choice(["办理信息", "其他信息"]), kv_table(st, items[cut:], per_row=rng.choice([1, 2]), th=th)),
               part(st.label("materials", colon=False, number=False), material_table(st, g.materials, th=th))]
        if g.steps:
            out.append(part(st.label("process", colon=False, number=False), step_table(st, g.steps, th=th)))
        if g.faq:
            qa = "".join(f'<div class="question">{e(q)}</div><div class="answer">{e(a)}</div>' for q, a in g.faq)
            out.append(part(st.label("faq", colon=False, number=False), qa))
        return f'<div class="matters-content">{"".join(out)}</div>'


DOCUMENT_RENDERERS = [WordExport(), HanwebGBK(), TrsRunningText(), H2Sections()]
