"""What real pages vary, drawn per rendering from a seeded RNG (class `Style`).

Class names and attributes, wrapper depth, label wording and decoration
(numbering, asterisks, letter-spacing, full/half-width colons, labels split
over inline tags), element order, Chinese or Arabic numerals in limits, phone
separators, and the page chrome around the guide.
"""
from __future__ import annotations

import random
from html import escape

from . import wording as W
from .content import TEXT_ORDER, Guide, Phone

CN = "零一二三四五六七八九"
SEPARATORS = ["-", "—", "－", " ", "paren", "paren_ascii", "glued", "fullwidth"]
FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def e(text: str) -> str:
    return escape(text, quote=True)


def cn_number(n: int) -> str:
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


class Style:
    def __init__(self, rng: random.Random, guide: Guide):
        self.rng = rng
        self.guide = guide
        self.prefix = rng.choice(["", "gd-", "zwfw-", "bszn-", "item-", "x-", "detail_"])
        self.vattr = f' data-v-{rng.randrange(16**8):08x}' if rng.random() < 0.5 else ""
        self.colon = rng.choice(["：", ":", "", "："])
        self.numbering = rng.choice([None, None, "arabic", "cn"])
        self.asterisk = rng.random() < 0.25
        self.star = rng.choice(['<i class="required">*</i>', '<span style="color:red">*</span>', "*"])
        self.spaced = rng.choice([" ", "\u3000", "\u00a0"]) if rng.random() < 0.2 else ""
        self.number_sep = rng.choice(["、", ".", "．"])
        self.split = rng.random() < 0.15
        self.separator = rng.choice(SEPARATORS)
        self.phone_join = rng.choice(["、", "、", "；", " / ", "或", "，"])
        self.cn_numerals = rng.random() < 0.3
        self.labels = {k: rng.choice(v) for k, v in W.LABELS.items()}
        self.headers = {k: rng.choice(v) for k, v in W.MATERIAL_HEADERS.items()}
        self.step_headers = {k: rng.choice(v) for k, v in W.STEP_HEADERS.items()}
        self._count = 0
        # A missing element: left out, or its label printed with nothing after it.
        self.show_blank = rng.random() < 0.5
        self.nbsp = rng.random() < 0.15
        self.label_notes = rng.random() < 0.25
        self.step_numbers = rng.choice([None, None, "{n}. ", "第{cn}步：", "{n}、", "步骤{n}："])

    # ---------------------------------------------------------- markup
    def cls(self, *names: str) -> str:
        """A class attribute: the framework's own names are kept, ours get the page's prefix."""
        return f'class="{" ".join(names)}"{self.vattr}'

    def own(self, name: str) -> str:
        return f'class="{self.prefix}{name}"{self.vattr}'

    def wrap(self, html: str, most: int = 3) -> str:
        for _ in range(self.rng.randint(0, most)):
            tag = self.rng.choice(["div", "div", "section", "div"])
            name = self.rng.choice(["wrap", "box", "content", "inner", "main-con", "container", "panel"])
            html = f'<{tag} {self.own(name)}>{html}</{tag}>'
        return html

    # ---------------------------------------------------------- labels
    def label(self, key: str, colon: bool | None = None, number: bool = True, markup: bool = True) -> str:
        """The element's label as this page prints it (HTML unless markup=False)."""
        text = self.labels[key]
        if key in W.LABEL_NOTES and self.label_notes:
            text += W.LABEL_NOTES[key][0]
        if self.spaced and len(text) <= 4:
            text = self.spaced.join(text)
        self._count += 1
        if number and self.numbering == "arabic":
            text = f"{self._count}{self.number_sep}{text}"
        elif number and self.numbering == "cn" and self._count < 100:
            text = f"{cn_number(self._count)}、{text}"
        want_colon = self.colon if colon is None else ("：" if colon else "")
        body = e(text)
        if markup and self.split and len(self.labels[key]) >= 4:
            half = len(body) // 2
            body = f"<span>{body[:half]}</span><span>{body[half:]}</span>"
        if markup and self.asterisk:
            body = self.star + body
        elif not markup and self.asterisk:
            body = "*" + body
        return body + want_colon

    def step_name(self, n: int, name: str) -> str:
        """A step's name as a step component prints it, perhaps numbered ("第二步：审查")."""
        if not self.step_numbers:
            return e(name)
        return e(self.step_numbers.format(n=n, cn=cn_number(n)) + name)

    def header(self, field: str) -> str:
        return e(self.headers[field])

    # ---------------------------------------------------------- values
    def value(self, key: str) -> str:
        """The element's value text (not escaped), as this page writes it."""
        g = self.guide
        if key in g.blank:
            return ""
        if key in g.phones:
            return self.phone(g.phones[key])
        text = g.elements[key]
        if key in ("legal_limit", "promised_limit"):
            return self.limit(text)
        return text

    def limit(self, text: str) -> str:
        if not self.cn_numerals:
            return text
        digits = "".join(c for c in text if c.isdigit())
        if digits and text.startswith(digits) and int(digits) < 100:
            return cn_number(int(digits)) + text[len(digits):]
        return text

    def phone(self, phone: Phone) -> str:
        parts = []
        for area, local in phone.numbers:
            if not area:
                parts.append(local)
                continue
            sep = self.separator
            if sep == "paren":
                parts.append(f"（{area}）{local}")
            elif sep == "paren_ascii":
                parts.append(f"({area}){local}")
            elif sep == "glued":
                parts.append(f"{area}{local}")
            elif sep == "fullwidth":
                parts.append(f"{area}-{local}".translate(FULLWIDTH))
            else:
                parts.append(f"{area}{sep}{local}")
        return self.phone_join.join(parts)

    def order(self) -> list[str]:
        """Text elements in this page's order: the name first, the rest in
        blocks that portals move around."""
        g = self.guide
        keys = [k for k in TEXT_ORDER if k != "name" and (k in g.elements or self.show_blank and k in g.blank)]
        if self.rng.random() < 0.5:
            return ["name", *keys]
        cut = self.rng.randrange(1, len(keys))
        keys = keys[cut:] + keys[:cut]
        if self.rng.random() < 0.5:
            self.rng.shuffle(keys)
        return ["name", *keys]

    # ---------------------------------------------------------- page
    def page(self, body: str, charset: str = "utf-8", head_extra: str = "") -> str:
        g, rng = self.guide, self.rng
        city = g.city[0]
        site = rng.choice(W.SITE_NAMES).format(prov=W.PROVINCES[city], city=city)
        chrome = rng.random()
        header = nav = footer = crumb = ""
        if chrome > 0.2:
            items = "".join(f'<li><a href="/{i}.html">{w}</a></li>' for i, w in enumerate(rng.sample(W.NAV, 5)))
            tag, attr = rng.choice([("div", 'class="header"'), ("header", 'class="site-header"'), ("div", 'id="top"')])
            header = f'<{tag} {attr}><div class="logo">{e(site)}</div><a href="/login">登录</a> <a href="/reg">注册</a></{tag}>'
            nav = f'<div class="nav"><ul>{items}</ul></div>'
            crumb = (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/bszn/">'
                     f'{rng.choice(W.GENERIC_HEADINGS)}</a> &gt; {e(g.elements["name"])}</div>')
        if rng.random() < 0.35:  # a generic page heading above the guide
            tag = rng.choice(["h1", "div"])
            crumb += f'<{tag} class="page-title">{rng.choice(W.GENERIC_HEADINGS)}</{tag}>'
        if chrome > 0.4:
            lines = "".join(f"<span>{e(t.format(city=city, area=g.city[2], icp=W.ICP[W.PROVINCES[city]]))}</span> " for t in rng.sample(W.FOOTER, 3))
            tag, attr = rng.choice([("div", 'class="footer"'), ("footer", 'class="site-footer"'), ("div", 'id="bottom"'),
                                    ("div", 'class="foot"')])
            footer = f"<{tag} {attr}>{lines}</{tag}>"
        meta = f'<meta charset="{charset}">' if rng.random() < 0.6 else \
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        title = f"{g.elements['name']}_{rng.choice(W.GENERIC_HEADINGS)}_{site}"
        return (f"<!DOCTYPE html>\n<html>\n<head>\n{meta}\n<title>{e(title)}</title>\n"
                f'<link rel="stylesheet" href="/static/css/app.{rng.randrange(16**6):06x}.css">{head_extra}\n</head>\n'
                f"<body>\n{header}{nav}{crumb}\n{body}\n{footer}\n"
                f'<script>var itemCode = "{g.elements.get("code", "")}"; function toggle(i){{}}</script>\n'
                f"</body>\n</html>\n")
