"""Renderers modelled on widget layouts: definition lists (one block per
material), cards, tabs with collapsed panels, read-only form fields, tables
whose header and body are separate tables, label-above-value grids with
timelines, and Zhejiang-style div grids mapped by header text."""
from __future__ import annotations

from .base import Renderer, chunks, kv_table, material_lines, material_table, mcell, mfields, pairs, step_table, step_text
from . import wording as W
from .vary import e


class DefinitionLists(Renderer):
    name = "deflist"
    family = "dl/dt/dd pairs; a nested definition list per material and per step"

    def body(self, g, st):
        rng = st.rng
        info = "".join(f"<dt>{lb}</dt><dd>{v}</dd>" for lb, v in pairs(st))
        mats = []
        for n, m in enumerate(g.materials, 1):
            inner = f"<dt>{st.header('name')}</dt><dd>{e(m.name)}</dd>" + "".join(
                f"<dt>{h}</dt><dd>{v}</dd>" for h, v in material_lines(st, m))
            mats.append(f'<li {st.own("cl-item")}><span class="no">{n}</span><dl>{inner}</dl></li>')
        steps = "".join(
            f'<li><dl><dt>{e(st.step_headers["name"])}</dt><dd>{e(s.name)}</dd><dt>{e(st.step_headers["handler"])}</dt>'
            f'<dd>{e(s.handler)}</dd><dt>{e(st.step_headers["duration"])}</dt><dd>{e(st.limit(s.duration))}</dd></dl></li>'
            for s in g.steps)
        faq = "".join(f"<dt>{e(q)}</dt><dd>{e(a)}</dd>" for q, a in g.faq)
        h = rng.choice(["h3", "h4", "div"])
        sec = lambda key, inner: st.wrap(f'<{h} {st.own("sec-title")}>{st.label(key, colon=False)}</{h}>{inner}', 2)
        out = [f"<h1>{e(g.elements['name'])}</h1>", st.wrap(f'<dl {st.own("jbxx")}>{info}</dl>', 2),
               sec("materials", f'<ul {st.own("cl-list")}>{"".join(mats)}</ul>')]
        if g.steps:
            out.append(sec("process", f'<ol {st.own("lc-list")}>{steps}</ol>'))
        if g.faq:
            out.append(sec("faq", f'<dl {st.own("faq")}>{faq}</dl>'))
        return "".join(out)


class Cards(Renderer):
    name = "cards"
    family = "card layout: key/value spans in cards, one card per material and per step"

    def body(self, g, st):
        rng = st.rng
        kv = "".join(f'<div {st.own("kv")}><span {st.own("k")}>{lb}</span><span {st.own("v")}>{v}</span></div>'
                     for lb, v in pairs(st))
        cards = []
        for n, m in enumerate(g.materials, 1):
            lines = "".join(f"<p><span class=\"field\">{h}：</span>{v}</p>" for h, v in material_lines(st, m))
            cards.append(f'<div class="card material-card"><div class="card-header"><span class="badge">{n}</span> '
                         f'{e(m.name)}</div><div class="card-body">{lines}</div></div>')
        steps = "".join(
            f'<div class="card step-card"><div class="card-header"><span class="step-no">{n:02d}</span>'
            f'<h4 class="card-title">{e(s.name)}</h4></div><div class="card-body"><p>{e(st.step_headers["handler"])}：'
            f'{e(s.handler)}</p><p>{e(st.step_headers["duration"])}：{e(st.limit(s.duration))}</p></div></div>'
            for n, s in enumerate(g.steps, 1))
        faq = "".join(f'<div class="card faq-card"><div class="card-body"><p class="q">问：{e(q)}</p><p class="a">答：{e(a)}</p>'
                      f'</div></div>' for q, a in g.faq)
        block = lambda key, inner: (f'<div class="card"><div class="card-header"><h3>{st.label(key, colon=False)}</h3></div>'
                                    f'<div class="card-body">{inner}</div></div>')
        out = [f'<h2 {st.own("name")}>{e(g.elements["name"])}</h2>',
               st.wrap(f'<div class="card"><div class="card-header">基本信息</div><div class="card-body">{kv}</div></div>', 1),
               block("materials", "".join(cards))]
        if g.steps:
            out.append(block("process", f'<div class="d-flex">{steps}</div>'))
        if g.faq:
            out.append(block("faq", faq))
        rng.shuffle(out[2:])
        return "".join(out)


class TabsPanels(Renderer):
    name = "tabs"
    family = "tab bar with hidden panes (display:none) and collapsed panels for long elements"

    def body(self, g, st):
        rng = st.rng
        items = [(k, st.label(k), e(st.value(k))) for k in st.order()]
        long_keys = {"basis", "conditions"}
        short = [(lb, v) for k, lb, v in items if k not in long_keys]
        panels = "".join(
            f'<div class="panel collapsed"><div class="panel-title" onclick="toggle({n})">{st.label(k, colon=False)}'
            f'<i class="arrow"></i></div><div class="panel-body" style="display:none">{v}</div></div>'
            for n, (k, _lb, v) in enumerate(items) if k in long_keys)
        panes = [("基本信息", kv_table(st, short, per_row=rng.choice([1, 2]), th=rng.random() < 0.5) + panels),
                 (st.label("materials", colon=False, number=False), material_table(st, g.materials))]
        if g.steps:
            panes.append((st.label("process", colon=False, number=False), step_table(st, g.steps)))
        if g.faq:
            faq = "".join(f'<div class="panel collapsed"><div class="panel-title">{e(q)}</div>'
                          f'<div class="panel-body" style="display:none">{e(a)}</div></div>' for q, a in g.faq)
            panes.append((st.label("faq", colon=False, number=False), faq))
        tag = rng.choice(["li", "a", "span"])
        nav = "".join(f'<{tag} class="{"on" if i == 0 else ""}" data-index="{i}"{" href=javascript:;" if tag == "a" else ""}>'
                      f'{t}</{tag}>' for i, (t, _) in enumerate(panes))
        nav = f"<ul {st.own('tab-nav')}>{nav}</ul>" if tag == "li" else f"<div {st.own('tab-nav')}>{nav}</div>"
        body = "".join(f'<div {st.own("tab-pane")}{"" if i == 0 else " style=display:none"}>{c}</div>'
                       for i, (_, c) in enumerate(panes))
        return f'<div {st.own("detail")}><h2>{e(g.elements["name"])}</h2>{nav}<div {st.own("tab-content")}>{body}</div></div>'


class ReadonlyForm(Renderer):
    name = "readonly_form"
    family = "a read-only form: <label> with <input readonly value> and <textarea readonly>"

    def body(self, g, st):
        rng = st.rng
        groups = []
        for n, k in enumerate(st.order()):
            v = e(st.value(k))
            fid = f"{st.prefix}f{n}"
            if len(st.value(k)) > 30 or rng.random() < 0.15:
                field = f'<textarea id="{fid}" class="form-control" rows="3" readonly>{v}</textarea>'
            else:
                ro = rng.choice(['readonly', 'readonly="readonly"', 'readonly disabled'])
                field = f'<input id="{fid}" type="text" class="form-control" {ro} value="{v}">'
            groups.append(f'<div class="form-group {st.prefix}item"><label for="{fid}" class="control-label">{st.label(k)}'
                          f'</label><div class="input-wrap">{field}</div></div>')
        per = rng.choice([1, 2])
        rows = "".join('<div class="form-row">' + "".join(c) + "</div>" for c in chunks(groups, per))
        out = [f'<h3 class="form-title">{e(g.elements["name"])}</h3>', st.wrap(f'<form class="el-form" onsubmit="return false">'
                                                                          f'{rows}</form>', 2),
               st.wrap(f'<div class="form-section"><label>{st.label("materials", colon=False)}</label>'
                       f'{material_table(st, g.materials)}</div>', 1)]
        if g.steps:
            out.append(st.wrap(f'<div class="form-section"><label>{st.label("process", colon=False)}</label>'
                               f'{step_table(st, g.steps)}</div>', 1))
        if g.faq:
            qa = "".join(f'<div class="qa"><input type="text" readonly value="{e(q)}"><textarea readonly>{e(a)}</textarea></div>'
                         for q, a in g.faq)
            out.append(f'<div class="form-section"><label>{st.label("faq", colon=False)}</label>{qa}</div>')
        return "".join(out)


class SplitTables(Renderer):
    name = "split_tables"
    family = "EasyUI-style datagrids: the header row and the body rows are separate <table>s (td headers)"

    def grid(self, st, headers: list[str], rows: list[list[str]]) -> str:
        fields = [f"f{i}" for i in range(len(headers))]
        head = "".join(f'<td field="{f}"><div class="datagrid-cell"><span>{h}</span><span class="datagrid-sort-icon"></span>'
                       f'</div></td>' for f, h in zip(fields, headers))
        body = "".join(f'<tr class="datagrid-row" datagrid-row-index="{i}">' + "".join(
            f'<td field="{f}"><div class="datagrid-cell">{c}</div></td>' for f, c in zip(fields, row)) + "</tr>"
            for i, row in enumerate(rows))
        return (f'<div class="datagrid-wrap panel-body"><div class="datagrid-view"><div class="datagrid-view2">'
                f'<div class="datagrid-header"><div class="datagrid-header-inner"><table class="datagrid-htable" border="0" '
                f'cellspacing="0" cellpadding="0"><tbody><tr class="datagrid-header-row">{head}</tr></tbody></table></div></div>'
                f'<div class="datagrid-body"><table class="datagrid-btable" cellspacing="0" cellpadding="0" border="0"><tbody>'
                f'{body}</tbody></table></div></div></div></div>')

    def body(self, g, st):
        rng = st.rng
        info = kv_table(st, pairs(st), per_row=2, th=False)
        cols = mfields(st)
        mats = self.grid(st, [st.header(f) for f in cols], [[mcell(st, m, f) for f in cols] for m in g.materials])
        out = [f'<div class="panel-header"><div class="panel-title">{e(g.elements["name"])}</div></div>', st.wrap(info, 2),
               f'<div class="easyui-panel" title="{e(st.labels["materials"])}"><div class="panel-title">'
               f'{st.label("materials", colon=False)}</div>{mats}</div>']
        if g.steps:
            heads = [e(st.step_headers[c]) for c in ("name", "handler", "content", "duration")]
            rows = [[e(s.name), e(s.handler), e(s.content), e(st.limit(s.duration))] for s in g.steps]
            out.append(f'<div class="easyui-panel"><div class="panel-title">{st.label("process", colon=False)}</div>'
                       f'{self.grid(st, heads, rows)}</div>')
        if g.faq:
            faq = "".join(f"<li><b>{e(q)}</b><p>{e(a)}</p></li>" for q, a in g.faq)
            out.append(f'<div class="easyui-panel"><div class="panel-title">{st.label("faq", colon=False)}</div><ul>{faq}</ul></div>')
        if rng.random() < 0.5:
            out[2:] = out[2:][::-1]
        return "".join(out)


class VerticalTimeline(Renderer):
    name = "vertical"
    family = "label-above-value grid cells, a small table per material, a timeline of steps, <details> FAQ"

    def body(self, g, st):
        rng = st.rng
        per = rng.choice([2, 3, 4])
        cells = [f'<div {st.own("cell")}><div {st.own("cell-label")}>{lb}</div><div {st.own("cell-value")}>{v}</div></div>'
                 for lb, v in pairs(st)]
        grid = "".join(f'<div {st.own("grid-row")}>{"".join(row)}</div>' for row in chunks(cells, per))
        mats = []
        for n, m in enumerate(g.materials, 1):
            rows = f"<tr><th>{st.header('name')}</th><td>{e(m.name)}</td></tr>" + "".join(
                f"<tr><th>{h}</th><td>{v}</td></tr>" for h, v in material_lines(st, m))
            mats.append(f'<table {st.own("mat")} border="1"><caption>材料{n}</caption>{rows}</table>')
        steps = "".join(
            f'<div class="timeline-item"><div class="timeline-dot"></div><div class="timeline-time">{e(st.limit(s.duration))}</div>'
            f'<div class="timeline-title">{st.step_name(n, s.name)}</div><div class="timeline-body">{e(s.handler)}：{e(s.content)}</div></div>'
            for n, s in enumerate(g.steps, 1))
        faq = "".join(f"<details><summary>{e(q)}</summary><p>{e(a)}</p></details>" for q, a in g.faq)
        sec = lambda key, inner: f'<div {st.own("block")}><h3>{st.label(key, colon=False)}</h3>{inner}</div>'
        out = [f'<div {st.own("hd")}><h1>{e(g.elements["name"])}</h1></div>', st.wrap(grid, 2), sec("materials", "".join(mats))]
        if g.steps:
            out.append(sec("process", f'<div class="timeline">{steps}</div>'))
        if g.faq:
            out.append(sec("faq", faq))
        return "".join(out)


class ZjDivGrid(Renderer):
    name = "divgrid"
    family = "older Zhejiang pages: table#table1.jbxx_tables and a div grid #sbcl with clmc_con … cells"
    CLASSES = {"name": "clmc_con", "source": "lyqd_con", "medium": "clxs_con", "copies": "zzclfs_con",
               "required": "clbyx_con", "form_url": "zlxz_con", "sample_url": "ybxz_con", "notes": "bz_con"}

    def body(self, g, st):
        rng = st.rng
        info = kv_table(st, pairs(st), per_row=2, th=rng.random() < 0.3, table='id="table1" class="jbxx_tables"',
                        label_attr='class="tit"', value_attr='class="con"')
        cols = mfields(st)
        head = "".join(f'<div class="{self.CLASSES[f].replace("_con", "_tit")}">{st.header(f)}</div>' for f in cols)
        rows = "".join('<div class="sbcl_row">' + "".join(
            f'<div class="{self.CLASSES[f]}">{mcell(st, m, f)}</div>' for f in cols) + "</div>" for m in g.materials)
        mats = f'<div id="sbcl"><div class="sbcl_head">{head}</div>{rows}</div>'
        steps = "".join(f'<li><span class="lc_name">{e(s.name)}</span><span class="lc_con">{step_text(st, s)}</span></li>'
                        for s in g.steps)
        faq = "".join(f'<p class="wt">{e(q)}</p><p class="da">{e(a)}</p>' for q, a in g.faq)
        tit = lambda key: f'<div class="bszn_tit"><span>{st.label(key, colon=False)}</span></div>'
        out = [f'<div class="sxmc">{e(g.elements["name"])}</div>', st.wrap(info, 1), tit("materials") + mats]
        if g.steps:
            out.append(tit("process") + f'<div class="lc"><ul>{steps}</ul></div>')
        if g.faq:
            out.append(tit("faq") + f'<div class="cjwt">{faq}</div>')
        return "".join(out)


class WindowTable(Renderer):
    name = "windows"
    family = "location, hours and phone in a row-per-window table (窗口名称 / 办理地址 / 办理时间 / 联系电话)"
    WINDOW_KEYS = ("location", "hours", "consult_phone")

    def body(self, g, st):
        rng = st.rng
        info = [(st.label(k), e(st.value(k))) for k in st.order() if k not in self.WINDOW_KEYS]
        cols = ["window"] + [k for k in self.WINDOW_KEYS if k in g.elements or k in g.phones]
        if rng.random() < 0.5:
            cols = ["window"] + cols[1:][::-1]
        heads = {c: rng.choice(W.WINDOW_HEADERS[c]) for c in cols}
        window = rng.choice(W.WINDOW_NAMES).format(agency=g.elements["agency"])
        values = {"window": window, **{k: st.value(k) for k in cols[1:]}}
        th = rng.random() < 0.6
        head = "".join(f"<th>{e(heads[c])}</th>" if th else f"<td><b>{e(heads[c])}</b></td>" for c in cols)
        row = "".join(f"<td>{e(values[c])}</td>" for c in cols)
        windows = f'<table {st.own("ck-table")} border="1"><thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody></table>'
        out = [f'<h2 {st.own("sxmc")}>{e(g.elements["name"])}</h2>',
               st.wrap(kv_table(st, info, per_row=rng.choice([1, 2]), th=rng.random() < 0.5), 2),
               st.wrap(f'<h3>{rng.choice(["办理窗口", "窗口信息", "受理窗口信息"])}</h3>{windows}', 1),
               st.wrap(f'<h3>{st.label("materials", colon=False)}</h3>{material_table(st, g.materials)}', 1)]
        if g.steps:
            out.append(st.wrap(f'<h3>{st.label("process", colon=False)}</h3>{step_table(st, g.steps)}', 1))
        if g.faq:
            qa = "".join(f"<li><p>问：{e(q)}</p><p>答：{e(a)}</p></li>" for q, a in g.faq)
            out.append(f'<h3>{st.label("faq", colon=False)}</h3><ol>{qa}</ol>')
        return "".join(out)


WIDGET_RENDERERS = [DefinitionLists(), Cards(), TabsPanels(), ReadonlyForm(), SplitTables(), VerticalTimeline(), ZjDivGrid(), WindowTable()]
