"""Shared pieces of the HTML extractor: tag sets, node text, link roles."""
from __future__ import annotations

import functools
import re
from urllib.parse import urljoin

from lxml import etree

from .. import catalog
from .labels import label_words_re, match_label
from .text import collapse

BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "header", "footer", "nav", "legend", "option"]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
CELL_TAGS = frozenset(("td", "th"))
# Dropped with their content (never text a reader sees as the guide).
DROP_TAGS = ("script", "style", "noscript", "template", "head", "title", "select", "textarea",
             "iframe", "object", "svg", "button")
# Page chrome skipped by tag or by a class/id token.
SKIP_TAGS = frozenset(("footer", "nav"))
_SKIP_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:footer|foot|copyright|breadcrumbs?|crumbs?|navbar|topbar|sidebar|sidenav|"
    r"site-?header|site-?nav|mainnav|main-nav|top-?nav|bottom|friendlink|friend-?links)(?:$|[\s_-])",
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


# ---------------------------------------------------------------- page chrome

# Most of a real portal page is chrome: a mega-menu of 100+ links, footers of
# department links. It is cut from the tree before any Python walks it: by tag
# (nav, footer) and, whatever the class names say, by shape (link lists).
_CHROME_MARK = "guidecheck-chrome"
_LIST_TAGS = ("ul", "ol", "dl", "menu", "div", "p", "section", "aside", "header", "span", "td")
LINK_LIST_MIN = 8  # links (and child elements) of a list worth cutting
_LINK_LIST_NONLINK = 0.2  # text outside links, at most this share of the link text
_LINK_LIST_AVG = 16  # average link text (characters): menus and link lists are short
_GUARDED_MAX = 40  # up to this many links, a list of role words or labels is kept
_EXSLT = {"str": "http://exslt.org/strings"}
# Links and elements under a candidate: in a link list, links are at least a
# fifth of the elements (li + a, dd + a, a mega-menu's wrappers).
_COUNTS = etree.XPath("concat(count(descendant::a), ' ', count(descendant::*))", regexp=False, smart_strings=False)
_MIN_LINK_SHARE = 0.2
_HREFS = etree.XPath("str:concat(descendant::a/@href)", namespaces=_EXSLT, regexp=False, smart_strings=False)
_DOC_HREF_RE = re.compile(r"\.(?:docx?|xlsx?|wps|et|pdf|ofd|zip|rar|7z)(?![a-z])", re.IGNORECASE)
_PROSE = "，。；！？"


@functools.cache
def _role_words() -> tuple[str, ...]:
    return tuple(sorted({w for ws in (catalog.vocab().get("link_roles", {}) or {}).values() for w in ws or () if w}))


def _count_words(text: str, words) -> int:
    """Occurrences of any of `words` (str.count per word: far cheaper than one
    regex alternation scanning a long text)."""
    return sum(text.count(w) for w in words if w in text)


def _solid_len(text: str) -> int:
    """Characters other than white space and list separators."""
    return len("".join(text.split())) - sum(text.count(c) for c in "|｜·•/")


def _end_text(el) -> str:
    """The last piece of text inside an element (its last descendant's text or tail)."""
    for _ in range(12):
        if not len(el):
            return el.text or ""
        last = el[-1]
        if last.tail and last.tail.strip():
            return last.tail
        el = last
    return ""


def _text_before(el, limit: int = 40) -> str:
    """The text just before an element (the end of its previous sibling, or
    its parent's lead text, climbing while it is the first thing in its parent)."""
    for _ in range(4):
        prev = el.getprevious()
        if prev is not None:
            tail = prev.tail
            if tail and tail.strip():
                return tail.strip()[-limit:]
            return _end_text(prev).strip()[-limit:]
        parent = el.getparent()
        if parent is None:
            return ""
        if parent.text and parent.text.strip():
            return parent.text.strip()[-limit:]
        el = parent
    return ""


def _is_link_list(el) -> bool:
    """A block of short links with (almost) nothing else: a menu, a footer's
    department list, a 友情链接 bar. Not a guide's list of forms, laws or FAQ
    questions, nor a tab bar, nor a value (a label just before it, or a
    "label：" in it). Only C-level passes over the subtree (serialising its
    text, counting its links): the point is not to walk chrome in Python."""
    n, size = map(int, _COUNTS(el).split())
    if n < LINK_LIST_MIN or n < _MIN_LINK_SHARE * size:
        return False
    text = etree.tostring(el, method="text", encoding=str, with_tail=False)
    if "：" in text or ":" in text or sum(text.count(c) for c in _PROSE) > 2:
        return False  # "label：value", sentences: content
    if _solid_len(text) > _LINK_LIST_AVG * n:
        return False  # much text besides the links
    if text.count("《") >= 2:
        return False  # laws
    if n <= _GUARDED_MAX:
        # Few links: could be a guide's own list (online/form buttons, a tab bar).
        roles = _count_words(text, _role_words())
        if roles >= 2 and roles * 5 >= n:
            return False
        labels = len(label_words_re().findall("".join(text.split())))
        if labels >= 2 and labels * 4 >= n:
            return False
        if len(_DOC_HREF_RE.findall(_HREFS(el))) >= 2:
            return False
    before = _text_before(el)
    if before.endswith(("：", ":")) or (before and match_label(before.split()[-1]) is not None):
        return False
    return True


def prune_chrome(body) -> int:
    """Remove page chrome from the tree (keeping each removed element's tail
    text, as the line walk would): nav and footer elements and link lists
    (_is_link_list). Returns how many subtrees were cut."""
    cut = 0
    for _ in body.iter(*SKIP_TAGS):
        etree.strip_elements(body, *SKIP_TAGS, with_tail=False)
        cut += 1
        break
    marked = False
    for el in body.iter(*_LIST_TAGS):
        if len(el) < LINK_LIST_MIN:
            continue
        # A list has children of one or two kinds (li; a and span; dd and dt).
        kinds = {c.tag for c in el[:LINK_LIST_MIN]}
        if len(kinds) > 2:
            continue
        if marked and next(el.iterancestors(_CHROME_MARK), None) is not None:
            continue
        if _is_link_list(el):
            el.tag = _CHROME_MARK
            marked = True
            cut += 1
    if marked:
        etree.strip_elements(body, _CHROME_MARK, with_tail=False)
    return cut
