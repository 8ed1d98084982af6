"""Renderers modelled on UI-framework portals: Element-UI, Ant Design, iView,
layui and Bootstrap (the markup each component library emits)."""
from __future__ import annotations

from .base import Renderer, chunks, mcell, mfields, pairs, section_title, step_text
from .vary import e


def _faq_items(g):
    return [(e(q), e(a)) for q, a in g.faq]


class ElementUI(Renderer):
    name = "elementui"
    family = "Element-UI: el-descriptions, el-table (header and body tables apart), el-steps, el-collapse"

    def body(self, g, st):
        rng = st.rng
        bordered = rng.random() < 0.5
        rows = []
        for row in chunks(pairs(st), rng.choice([1, 2, 3])):
            if bordered:
                cells = "".join(
                    f'<th class="el-descriptions-item__cell el-descriptions-item__label is-bordered-label">{lb}</th>'
                    f'<td class="el-descriptions-item__cell el-descriptions-item__content" colspan="1">{v}</td>'
                    for lb, v in row)
            else:
                cells = "".join(
                    f'<td class="el-descriptions-item el-descriptions-item__cell" colspan="1">'
                    f'<div class="el-descriptions-item__container"><span class="el-descriptions-item__label has-colon">{lb}</span>'
                    f'<span class="el-descriptions-item__content">{v}</span></div></td>' for lb, v in row)
            rows.append(f'<tr class="el-descriptions-row">{cells}</tr>')
        table_cls = "el-descriptions__table is-bordered" if bordered else "el-descriptions__table"
        info = (f'<div class="el-descriptions"><div class="el-descriptions__header"><div class="el-descriptions__title">'
                f'基本信息</div></div><div class="el-descriptions__body"><table class="{table_cls}"><tbody>'
                f'{"".join(rows)}</tbody></table></div></div>')
        cols = mfields(st)
        colgroup = "".join(f'<col name="el-table_1_column_{i}" width="{rng.choice([80, 120, 200])}">' for i in range(len(cols) + 1))
        head = '<th class="el-table_1_column_0 is-leaf"><div class="cell">序号</div></th>' + "".join(
            f'<th class="el-table_1_column_{i + 1} is-leaf"><div class="cell">{st.header(f)}</div></th>'
            for i, f in enumerate(cols))
        body = "".join(
            f'<tr class="el-table__row"><td class="el-table_1_column_0"><div class="cell">{n}</div></td>' + "".join(
                f'<td class="el-table_1_column_{i + 1}"><div class="cell">{mcell(st, m, f)}</div></td>'
                for i, f in enumerate(cols)) + "</tr>" for n, m in enumerate(g.materials, 1))
        mats = (f'<div class="el-table el-table--fit el-table--border"><div class="hidden-columns"><div></div></div>'
                f'<div class="el-table__header-wrapper"><table class="el-table__header" cellspacing="0"><colgroup>{colgroup}'
                f'</colgroup><thead><tr>{head}</tr></thead></table></div><div class="el-table__body-wrapper is-scrolling-none">'
                f'<table class="el-table__body" cellspacing="0"><colgroup>{colgroup}</colgroup><tbody>{body}</tbody>'
                f'</table></div></div>')
        steps = "".join(
            f'<div class="el-step is-horizontal" style="flex-basis: 20%;"><div class="el-step__head is-finish">'
            f'<div class="el-step__line"><i class="el-step__line-inner"></i></div><div class="el-step__icon is-text">'
            f'<div class="el-step__icon-inner">{n}</div></div></div><div class="el-step__main">'
            f'<div class="el-step__title is-finish">{e(s.name)}</div><div class="el-step__description is-finish">'
            f'{step_text(st, s)}</div></div></div>' for n, s in enumerate(g.steps, 1))
        faq = "".join(
            f'<div class="el-collapse-item"><div role="tab" aria-expanded="false"><div role="button" tabindex="0" '
            f'class="el-collapse-item__header">{q}<i class="el-collapse-item__arrow el-icon-arrow-right"></i></div></div>'
            f'<div role="tabpanel" class="el-collapse-item__wrap" style="display: none;"><div class="el-collapse-item__content">'
            f'{a}</div></div></div>' for q, a in _faq_items(g))
        parts = [st.wrap(info, 2),
                 st.wrap(section_title(st, "materials") + mats, 2)]
        if g.steps:
            parts.append(st.wrap(section_title(st, "process") + f'<div class="el-steps el-steps--horizontal">{steps}</div>', 2))
        if g.faq:
            parts.append(st.wrap(section_title(st, "faq") + f'<div class="el-collapse">{faq}</div>', 2))
        return f'<div id="app"><div {st.own("guide-detail")}><h2 {st.own("guide-title")}>{e(g.elements["name"])}</h2>' \
               f'{"".join(parts)}</div></div>'


class AntDesign(Renderer):
    name = "antd"
    family = "Ant Design: ant-descriptions (bordered, plain or vertical), ant-table, ant-steps, ant-collapse"

    def body(self, g, st):
        rng = st.rng
        layout = rng.choice(["bordered", "plain", "vertical"])
        per = rng.choice([2, 3])
        rows = []
        for row in chunks(pairs(st), per):
            if layout == "bordered":
                rows.append('<tr class="ant-descriptions-row">' + "".join(
                    f'<th class="ant-descriptions-item-label" colspan="1"><span>{lb}</span></th>'
                    f'<td class="ant-descriptions-item-content" colspan="1">{v}</td>' for lb, v in row) + "</tr>")
            elif layout == "plain":
                rows.append('<tr class="ant-descriptions-row">' + "".join(
                    f'<td class="ant-descriptions-item" colspan="1"><div class="ant-descriptions-item-container">'
                    f'<span class="ant-descriptions-item-label ant-descriptions-item-colon">{lb}</span>'
                    f'<span class="ant-descriptions-item-content">{v}</span></div></td>' for lb, v in row) + "</tr>")
            else:
                rows.append('<tr class="ant-descriptions-row">' + "".join(
                    f'<th class="ant-descriptions-item-label" colspan="1"><span>{lb}</span></th>' for lb, _ in row) + "</tr>")
                rows.append('<tr class="ant-descriptions-row">' + "".join(
                    f'<td class="ant-descriptions-item-content" colspan="1">{v}</td>' for _, v in row) + "</tr>")
        extra = " ant-descriptions-bordered" if layout != "plain" else ""
        info = (f'<div class="ant-descriptions{extra}"><div class="ant-descriptions-view"><table><tbody>{"".join(rows)}'
                f'</tbody></table></div></div>')
        cols = mfields(st)
        head = "".join(f'<th class="ant-table-cell">{st.header(f)}</th>' for f in cols)
        body = "".join(f'<tr data-row-key="{n}" class="ant-table-row ant-table-row-level-0">' + "".join(
            f'<td class="ant-table-cell">{mcell(st, m, f)}</td>' for f in cols) + "</tr>" for n, m in enumerate(g.materials))
        mats = (f'<div class="ant-table-wrapper"><div class="ant-table"><div class="ant-table-container"><div class="ant-table-content">'
                f'<table style="table-layout: auto;"><thead class="ant-table-thead"><tr>{head}</tr></thead>'
                f'<tbody class="ant-table-tbody">{body}</tbody></table></div></div></div></div>')
        sub = rng.random() < 0.5
        steps = []
        for n, s in enumerate(g.steps, 1):
            title = e(s.name) + (f'<div class="ant-steps-item-subtitle">{e(st.limit(s.duration))}</div>' if sub else "")
            desc = e(f"办理人员：{s.handler}") if sub else step_text(st, s)
            steps.append(f'<div class="ant-steps-item ant-steps-item-finish"><div class="ant-steps-item-container">'
                         f'<div class="ant-steps-item-tail"></div><div class="ant-steps-item-icon"><span class="ant-steps-icon">{n}'
                         f'</span></div><div class="ant-steps-item-content"><div class="ant-steps-item-title">{title}</div>'
                         f'<div class="ant-steps-item-description">{desc}</div></div></div></div>')
        faq = "".join(
            f'<div class="ant-collapse-item"><div class="ant-collapse-header" role="button" tabindex="0" aria-expanded="false">'
            f'<span role="img" aria-label="right" class="anticon anticon-right ant-collapse-arrow"><svg viewBox="64 64 896 896">'
            f'<path d="M765.7 486.8"></path></svg></span><span class="ant-collapse-header-text">{q}</span></div>'
            f'<div class="ant-collapse-content ant-collapse-content-inactive ant-collapse-content-hidden">'
            f'<div class="ant-collapse-content-box"><p>{a}</p></div></div></div>' for q, a in _faq_items(g))
        card = lambda key, inner: (f'<div class="ant-card ant-card-bordered"><div class="ant-card-head"><div class="ant-card-head-title">'
                                   f'{st.label(key, colon=False)}</div></div><div class="ant-card-body">{inner}</div></div>')
        parts = [f'<div class="ant-page-header"><span class="ant-page-header-heading-title">{e(g.elements["name"])}</span></div>',
                 st.wrap(info, 1), st.wrap(card("materials", mats), 1)]
        if g.steps:
            parts.append(st.wrap(card("process", f'<div class="ant-steps ant-steps-vertical">{"".join(steps)}</div>'), 1))
        if g.faq:
            parts.append(st.wrap(card("faq", f'<div class="ant-collapse ant-collapse-icon-position-start">{faq}</div>'), 1))
        return f'<div id="root"><div {st.own("layout")}>{"".join(parts)}</div></div>'


class IView(Renderer):
    name = "iview"
    family = "iView: ivu-row/ivu-col label and value columns, ivu-table (header and body apart), ivu-steps, ivu-collapse"

    def body(self, g, st):
        rng = st.rng
        per = rng.choice([1, 2])
        span = 24 // (per * 2)
        rows = []
        for row in chunks(pairs(st), per):
            cols = "".join(f'<div class="ivu-col ivu-col-span-{span}"><div {st.own("label")}>{lb}</div></div>'
                           f'<div class="ivu-col ivu-col-span-{span}"><div {st.own("value")}>{v}</div></div>' for lb, v in row)
            rows.append(f'<div class="ivu-row">{cols}</div>')
        cols = mfields(st)
        head = "".join(f'<th class="ivu-table-column-{i}"><div class="ivu-table-cell"><span>{st.header(f)}</span></div></th>'
                       for i, f in enumerate(cols))
        body = "".join('<tr class="ivu-table-row">' + "".join(
            f'<td class="ivu-table-column-{i}"><div class="ivu-table-cell"><span>{mcell(st, m, f)}</span></div></td>'
            for i, f in enumerate(cols)) + "</tr>" for m in g.materials)
        mats = (f'<div class="ivu-table-wrapper"><div class="ivu-table ivu-table-border"><div class="ivu-table-header">'
                f'<table cellspacing="0" cellpadding="0" border="0"><thead><tr>{head}</tr></thead></table></div>'
                f'<div class="ivu-table-body"><table cellspacing="0" cellpadding="0" border="0"><tbody class="ivu-table-tbody">'
                f'{body}</tbody></table></div></div></div>')
        steps = "".join(
            f'<div class="ivu-steps-item ivu-steps-status-finish"><div class="ivu-steps-tail"><i></i></div>'
            f'<div class="ivu-steps-head"><div class="ivu-steps-head-inner"><span class="ivu-steps-icon ivu-icon ivu-icon-ios-checkmark">'
            f'</span></div></div><div class="ivu-steps-main"><div class="ivu-steps-title">{e(s.name)}</div>'
            f'<div class="ivu-steps-content">{step_text(st, s)}</div></div></div>' for s in g.steps)
        faq = "".join(
            f'<div class="ivu-collapse-item"><div class="ivu-collapse-header"><i class="ivu-icon ivu-icon-ios-arrow-forward"></i>'
            f'{q}</div><div class="ivu-collapse-content" style="display: none;"><div class="ivu-collapse-content-box">{a}</div>'
            f'</div></div>' for q, a in _faq_items(g))
        parts = [f'<h1 {st.own("title")}>{e(g.elements["name"])}</h1>', st.wrap("".join(rows), 2),
                 st.wrap(section_title(st, "materials") + mats, 2)]
        if g.steps:
            parts.append(st.wrap(section_title(st, "process") + f'<div class="ivu-steps ivu-steps-horizontal">{steps}</div>', 2))
        if g.faq:
            parts.append(st.wrap(section_title(st, "faq") + f'<div class="ivu-collapse">{faq}</div>', 2))
        return "".join(parts)


class Layui(Renderer):
    name = "layui"
    family = "layui: layui-table (th or bold td labels), layui-tab panes, layui-timeline steps, layui-collapse FAQ"

    def body(self, g, st):
        rng = st.rng
        th = rng.random() < 0.5
        rows = []
        for row in chunks(pairs(st), 2):
            cells = ""
            for lb, v in row:
                cells += f"<th>{lb}</th>" if th else f'<td class="layui-bg-gray"><b>{lb}</b></td>'
                cells += f"<td{' colspan=3' if len(row) == 1 else ''}>{v}</td>"
            rows.append(f"<tr>{cells}</tr>")
        info = f'<table class="layui-table" lay-skin="line"><colgroup><col width="150"><col><col width="150"><col></colgroup>' \
               f'<tbody>{"".join(rows)}</tbody></table>'
        cols = mfields(st)
        mats = ('<table class="layui-table"><thead><tr><th>序号</th>' + "".join(f"<th>{st.header(f)}</th>" for f in cols) +
                "</tr></thead><tbody>" + "".join(f"<tr><td>{n}</td>" + "".join(f"<td>{mcell(st, m, f)}</td>" for f in cols) +
                                                 "</tr>" for n, m in enumerate(g.materials, 1)) + "</tbody></table>")
        steps = "".join(
            f'<li class="layui-timeline-item"><i class="layui-icon layui-timeline-axis">&#xe63f;</i><div class="layui-timeline-content '
            f'layui-text"><h3 class="layui-timeline-title">{st.step_name(n, s.name)}</h3><p>{step_text(st, s)}</p></div></li>'
            for n, s in enumerate(g.steps, 1))
        faq = "".join(f'<div class="layui-colla-item"><h2 class="layui-colla-title">{q}<i class="layui-icon layui-colla-icon">'
                      f'&#xe602;</i></h2><div class="layui-colla-content">{a}</div></div>' for q, a in _faq_items(g))
        panes = [("基本信息", info), (st.label("materials", colon=False, number=False), mats)]
        if g.steps:
            panes.append((st.label("process", colon=False, number=False), f'<ul class="layui-timeline">{steps}</ul>'))
        if g.faq:
            panes.append((st.label("faq", colon=False, number=False), f'<div class="layui-collapse" lay-accordion>{faq}</div>'))
        title = f'<div class="layui-card-header"><h2>{e(g.elements["name"])}</h2></div>'
        if rng.random() < 0.5:
            tabs = "".join(f'<li{" class=layui-this" if i == 0 else ""}>{t}</li>' for i, (t, _) in enumerate(panes))
            items = "".join(f'<div class="layui-tab-item{" layui-show" if i == 0 else ""}">{c}</div>' for i, (_, c) in enumerate(panes))
            return title + f'<div class="layui-tab layui-tab-brief"><ul class="layui-tab-title">{tabs}</ul>' \
                           f'<div class="layui-tab-content">{items}</div></div>'
        return title + "".join(st.wrap(f'<fieldset class="layui-elem-field"><legend>{t}</legend><div class="layui-field-box">'
                                       f'{c}</div></fieldset>', 1) for t, c in panes)


class Bootstrap(Renderer):
    name = "bootstrap"
    family = "Bootstrap grid: row/col label and value columns, table, list-group steps, accordion buttons for the FAQ"

    def body(self, g, st):
        rng = st.rng
        per = rng.choice([1, 2])
        lw, vw = (2, 4) if per == 2 else (3, 9)
        strong = rng.random() < 0.5
        rows = []
        for row in chunks(pairs(st), per):
            rows.append('<div class="row">' + "".join(
                f'<div class="col-md-{lw} col-xs-4 text-right {st.prefix}label">{"<strong>" + lb + "</strong>" if strong else lb}</div>'
                f'<div class="col-md-{vw} col-xs-8">{v}</div>' for lb, v in row) + "</div>")
        cols = mfields(st)
        mats = ('<table class="table table-bordered table-striped table-hover"><thead><tr>' +
                "".join(f"<th>{st.header(f)}</th>" for f in cols) + "</tr></thead><tbody>" +
                "".join("<tr>" + "".join(f"<td>{mcell(st, m, f)}</td>" for f in cols) + "</tr>" for m in g.materials) +
                "</tbody></table>")
        steps = "".join(f'<li class="list-group-item"><h5 class="list-group-item-heading">{st.step_name(n, s.name)}</h5>'
                        f'<p class="list-group-item-text">{step_text(st, s)}</p></li>' for n, s in enumerate(g.steps, 1))
        faq = "".join(
            f'<div class="accordion-item"><h2 class="accordion-header" id="h{n}"><button class="accordion-button collapsed" '
            f'type="button" data-bs-toggle="collapse" data-bs-target="#c{n}" aria-expanded="false">{q}</button></h2>'
            f'<div id="c{n}" class="accordion-collapse collapse" data-bs-parent="#faq"><div class="accordion-body">{a}</div>'
            f'</div></div>' for n, (q, a) in enumerate(_faq_items(g)))
        heading = lambda key: f'<div class="panel-heading"><h3 class="panel-title">{st.label(key, colon=False)}</h3></div>'
        parts = [f'<div class="page-header"><h1>{e(g.elements["name"])} <small>{rng.choice(["办事指南", ""])}</small></h1></div>',
                 st.wrap(f'<div class="container-fluid">{"".join(rows)}</div>', 1),
                 f'<div class="panel panel-default">{heading("materials")}<div class="panel-body">{mats}</div></div>']
        if g.steps:
            parts.append(f'<div class="panel panel-default">{heading("process")}<ul class="list-group">{steps}</ul></div>')
        if g.faq:
            parts.append(f'<div class="panel panel-default">{heading("faq")}<div class="accordion" id="faq">{faq}</div></div>')
        return f'<div class="container">{"".join(parts)}</div>'


FRAMEWORK_RENDERERS = [ElementUI(), AntDesign(), IView(), Layui(), Bootstrap()]
