"""Shared pieces of the HTML extractor: tag sets, node text, link roles."""
from __future__ import annotations

import functools
import re
from urllib.parse import urljoin

from .. import catalog
from .text import collapse

BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "header", "footer", "nav", "legend", "option"]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
CELL_TAGS = frozenset(("td", "th"))
# Dropped with their content (never text a reader sees as the guide).
DROP_TAGS = ("script", "style", "noscript", "template", "head", "title", "select", "textarea",
             "iframe", "object", "svg", "button")  # (html_blocks keeps read-only fields and toggles)
# Page chrome skipped by tag or by a class/id token.
SKIP_TAGS = frozenset(("footer", "nav"))
_SKIP_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:footer|foot|copyright|breadcrumbs?|crumbs?|navbar|topbar|sidebar|sidenav|"
    r"site-?header|site-?nav|mainnav|main-nav|top-?nav|friendlink|friend-?links"
    # "bottom" names a page's foot, not a border utility (van-hairline--top-bottom)
    r"|(?<!top-)(?<!border-)(?<!margin-)(?<!padding-)bottom)(?:$|[\s_-])",
    re.IGNORECASE,
)
# A block whose class says it is a title or a label (its text is a label/heading).
_LABELISH_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:title|tit|hd|bt|head|heading|label|lbl|key|th|caption|name-label|item-label|"
    r"item-name|item-tit|left-title)(?:$|[\s_-])",
    re.IGNORECASE,
)
NONWEB_HREF = ("javascript:", "#", "mailto:", "tel:", "about:", "data:", "vbscript:")


skip_class_match = _SKIP_CLASS_RE.search
_skip_cache: dict[str, bool] = {}


def skip_token(value: str) -> bool:
    """Does a class or id value name page chrome (footer, breadcrumb …)? Memoised:
    class values recur on every page of a portal."""
    hit = _skip_cache.get(value)
    if hit is None:
        hit = _SKIP_CLASS_RE.search(value) is not None
        if len(_skip_cache) < 20000:
            _skip_cache[value] = hit
    return hit


def is_skipped_region(el) -> bool:
    if el.tag in SKIP_TAGS:
        return True
    cls = el.get("class")
    if cls and _SKIP_CLASS_RE.search(cls):
        return True
    ident = el.get("id")
    return bool(ident and _SKIP_CLASS_RE.search(ident))


_labelish_cache: dict[str, bool] = {}


def is_labelish_class(cls: str | None) -> bool:
    if not cls:
        return False
    hit = _labelish_cache.get(cls)
    if hit is None:
        hit = _LABELISH_CLASS_RE.search(cls) is not None
        if len(_labelish_cache) < 10000:
            _labelish_cache[cls] = hit
    return hit


def node_text(el) -> str:
    """The collapsed text of an element, with a space at block boundaries and <br>."""
    if len(el) == 0:
        return collapse(el.text)
    parts: list[str] = []

    def rec(e):
        for c in e:
            tag = c.tag
            if isinstance(tag, str):
                blk = tag in BLOCK_TAGS
                if blk:
                    parts.append(" ")
                if c.text:
                    parts.append(c.text)
                rec(c)
                if blk:
                    parts.append(" ")
            if c.tail:
                parts.append(c.tail)

    if el.text:
        parts.append(el.text)
    rec(el)
    return collapse("".join(parts))


def web_href(href: str | None, base: str) -> str | None:
    """Absolute URL of a link, or None for javascript:, #…, mailto: and the like."""
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(NONWEB_HREF):
        return None
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return href


@functools.cache
def _role_res() -> dict[str, re.Pattern]:
    roles = catalog.vocab().get("link_roles", {})
    out = {}
    for k, words in roles.items():
        words = sorted((w for w in words or () if w), key=len, reverse=True)
        out[k] = re.compile("|".join(re.escape(w) for w in words)) if words else re.compile(r"(?!x)x")
    return out


@functools.cache
def _any_role_re() -> re.Pattern:
    words = [w for k, ws in (catalog.vocab().get("link_roles", {}) or {}).items() if k != "download"
             for w in ws or ()]
    words.append("《")
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def may_have_role(text: str) -> bool:
    """Cheap test: could this link text give a role other than "other"?"""
    return _any_role_re().search(text) is not None


@functools.cache
def _policy_href() -> re.Pattern:
    return re.compile(catalog.vocab().get("policy_href", r"(?!x)x"))


_DOC_EXT_RE = re.compile(r"\.(?:docx?|xlsx?|wps|et|pdf|ofd|zip|rar|7z)(?:$|[?#])", re.IGNORECASE)


def link_role(text: str, href: str, section: str | None, column: str | None = None) -> str:
    """Role of a link (model.LINK_ROLES) from the column it sits in, its text, its
    href and the element it belongs to."""
    res = _role_res()
    if column in ("form_url", "sample_url"):
        if res["sample"].search(text):
            return "sample"
        return "form" if column == "form_url" else "sample"
    if section == "result_sample" or res["result_sample"].search(text):
        return "result_sample"
    if res["online"].search(text):
        return "online"
    if res["sample"].search(text):
        return "sample"
    if res["form"].search(text):
        return "form"
    if "《" in text or section in ("basis", "fee_basis") or _policy_href().search(href):
        return "policy"
    if section == "materials" and (res["download"].search(text) or _DOC_EXT_RE.search(href)):
        return "form"
    return "other"
