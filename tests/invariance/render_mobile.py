"""Renderers modelled on mobile channels (H5 pages of government apps): Vant
cells, a cell group per material with its fields in the cell's sub-label,
vertical van-steps, van-collapse FAQ whose questions sit in cells, van-tabs."""
from __future__ import annotations

from .base import Renderer, material_lines, pairs
from .vary import e


class Vant(Renderer):
    name = "vant"
    family = "Vant (mobile H5): van-cell title/value, a cell group per material, van-steps, van-collapse, van-tabs"

    def body(self, g, st):
        rng = st.rng
        cell = lambda t, v: (f'<div class="van-cell"><div class="van-cell__title"><span>{t}</span></div>'
                             f'<div class="van-cell__value"><span>{v}</span></div></div>')
        info = "".join(cell(lb, v) for lb, v in pairs(st))
        sep = rng.choice(["<br>", "；", " | "])
        mats = []
        for n, m in enumerate(g.materials, 1):
            lines = sep.join(f"{h}：{v}" for h, v in material_lines(st, m))
            mats.append(f'<div class="van-cell-group van-cell-group--inset"><div class="van-cell van-cell--large">'
                        f'<div class="van-cell__title"><span>{e(m.name)}</span><div class="van-cell__label">{lines}</div>'
                        f'</div></div></div>')
        steps = "".join(
            f'<div class="van-hairline van-step van-step--vertical van-step--finish"><div class="van-step__title">'
            f'<h3>{st.step_name(n, s.name)}</h3><p>{e(s.handler)}　{e(st.limit(s.duration))}</p></div>'
            f'<div class="van-step__circle-container"><i class="van-step__circle"></i></div><div class="van-step__line"></div></div>'
            for n, s in enumerate(g.steps, 1))
        faq = "".join(
            f'<div class="van-collapse-item"><div class="van-cell van-cell--clickable van-collapse-item__title" role="button" '
            f'tabindex="0" aria-expanded="false"><div class="van-cell__title"><span>{e(q)}</span></div>'
            f'<i class="van-badge__wrapper van-icon van-icon-arrow van-cell__right-icon"></i></div>'
            f'<div class="van-collapse-item__wrapper" style="display: none;"><div class="van-collapse-item__content">{e(a)}'
            f'</div></div></div>' for q, a in g.faq)
        panes = [("基本信息", f'<div class="van-cell-group">{info}</div>'),
                 (st.label("materials", colon=False, number=False), "".join(mats))]
        if g.steps:
            panes.append((st.label("process", colon=False, number=False),
                          f'<div class="van-steps van-steps--vertical"><div class="van-steps__items">{steps}</div></div>'))
        if g.faq:
            panes.append((st.label("faq", colon=False, number=False),
                          f'<div class="van-collapse van-hairline--top-bottom">{faq}</div>'))
        nav = f'<div class="van-nav-bar"><div class="van-nav-bar__title">{e(g.elements["name"])}</div></div>'
        if rng.random() < 0.5:
            tabs = "".join(f'<div role="tab" class="van-tab{" van-tab--active" if i == 0 else ""}">'
                           f'<span class="van-tab__text">{t}</span></div>' for i, (t, _) in enumerate(panes))
            body = "".join(f'<div role="tabpanel" class="van-tab__pane"{"" if i == 0 else " style=display:none"}>{c}</div>'
                           for i, (_, c) in enumerate(panes))
            return nav + f'<div class="van-tabs van-tabs--line"><div class="van-tabs__wrap"><div role="tablist" ' \
                         f'class="van-tabs__nav">{tabs}</div></div><div class="van-tabs__content">{body}</div></div>'
        return nav + "".join(f'<div class="van-cell-group__title">{t}</div>{c}' for t, c in panes)


MOBILE_RENDERERS = [Vant()]
