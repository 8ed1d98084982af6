"""Page chrome: the menus, link lists and footers around a guide.

Most of a real portal page is chrome (a mega-menu of 100+ links, footers of
department links), and parsing and walking it costs more than the guide
itself. It is cut in two places, whatever the class names say:

- before parsing (cut_link_lists), from the page's bytes: big lists (30+
  links) of short links with no prose, found with str.find-level scans only,
  so the parser never builds them;
- after parsing (prune_chrome), from the tree: nav and footer elements and
  smaller link lists, by C-level passes (serialising a candidate's text,
  counting its links), before any Python walks the tree.

Neither cuts a guide's own lists: links with roles (forms, 在线办理), laws
(《…》), FAQ questions, tab bars of labels, or a list right after a label.
"""
from __future__ import annotations

import functools
import re

from lxml import etree

from .. import catalog
from .html_common import SKIP_TAGS
from .labels import label_words_re, match_label

# ---------------------------------------------------------------- in the tree

_CHROME_MARK = "guidecheck-chrome"
_LIST_TAGS = ("ul", "ol", "dl", "menu")
LINK_LIST_MIN = 8  # links (and child elements) of a list worth cutting
_LINK_LIST_AVG = 16  # average link text (characters): menus and link lists are short
_GUARDED_MAX = 40  # up to this many links, a list of role words or labels is kept
# Links and elements under a candidate: in a link list, links are at least a
# fifth of the elements (li + a, dd + a, a mega-menu's wrappers).
_COUNTS = etree.XPath("concat(count(descendant::a), ' ', count(descendant::*))", regexp=False, smart_strings=False)
_MIN_LINK_SHARE = 0.2
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
        docs = 0
        for a in el.iter("a"):
            h = a.get("href")
            if h and _DOC_HREF_RE.search(h):
                docs += 1
                if docs >= 2:
                    return False  # forms to download
    # A list right after a label is that label's value.
    before = _text_before(el)
    return not (before.endswith(("：", ":")) or (before and match_label(before.split()[-1]) is not None))


def prune_chrome(body) -> int:
    """Remove page chrome from the tree (keeping each removed element's tail
    text, as the line walk would): nav and footer elements and lists of links
    (_is_link_list). Returns how many subtrees were cut. Only list elements
    are examined: iterating every div of a page costs more than the few small
    link bars written as divs would."""
    cut = 0
    for _ in body.iter(*SKIP_TAGS):
        etree.strip_elements(body, *SKIP_TAGS, with_tail=False)
        cut += 1
        break
    marked = False
    for el in body.iter(*_LIST_TAGS):
        n = len(el)
        if n < LINK_LIST_MIN:
            continue
        # Items of one kind (li; dt and dd).
        if len({el[0].tag, el[LINK_LIST_MIN - 1].tag, el[n - 1].tag}) > 2:
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


# ---------------------------------------------------------------- in the page's bytes

BIG_LIST = 30  # links of a list cut before parsing
_BIG_LIST_BYTES = 40 * BIG_LIST  # a smaller element cannot hold that many links
_BYTES_PER_LINK = 160  # markup and text per link, at most (a menu item is a short link)
_LIST_OPENS = (b"<ul", b"<dl")  # menus and link lists; an <ol> of links is rare
_TAG_END = b" \t\r\n>"
# Full-width punctuation (：，；？！（）) and CJK symbols (。、《》「」) in UTF-8:
# prose, "label：value" and laws are guide content, never a menu.
_PROSE_PREFIXES = (b"\xef\xbc", b"\xe3\x80")
# Where the bytes of an element may not mean what they seem (a comment, a
# script): no cut that holds or crosses one.
_UNSAFE = (b"<!", b"-->", b"<script", b"</script")
# (one regex pass: its literal "." prefix makes it cheaper than a count per extension)
_DOC_EXT_BRE = re.compile(rb"\.(?:docx?|xlsx?|wps|et|pdf|ofd|zip|rar|7z)(?![a-z])")
_FORM_WORDS = tuple(w.encode() for w in ("下载", "表格", "样表"))
_TAG_RE = re.compile(rb"<[^<>]*>?")
_BEFORE = 200  # bytes looked back for a label just before a list


def _close_of(low: bytes, i: int) -> int:
    """End (just after its closing tag) of the list element opened at i in
    the lower-cased page, counting nested lists of the same name; -1 when it
    is not closed."""
    op = low[i:i + 3]
    cl = b"</" + op[1:]
    depth = 1
    k = i + 3
    for _ in range(500):
        c = low.find(cl, k)
        if c < 0:
            return -1
        o = low.find(op, k, c)
        while o >= 0 and low[o + 3:o + 4] not in _TAG_END:
            o = low.find(op, o + 3, c)
        if o >= 0:
            depth += 1
            k = o + 3
            continue
        e = low.find(b">", c)
        if e < 0:
            return -1
        depth -= 1
        if depth == 0:
            return e + 1
        k = e + 1
    return -1


# Decisions by list bytes: a portal prints the same menus and footers on every
# page, so the scans below run once per template, not once per page.
_DECIDED: dict[tuple[bytes, str], bool] = {}
_DECIDED_MAX = 2000


def _is_big_link_list(low: bytes, raw: bytes, i: int, j: int) -> bool:
    n = low.count(b"</a>", i, j)
    if n < BIG_LIST or j - i > _BYTES_PER_LINK * n:
        return False
    # A list right after a label is that label's value (办理地点：<ul>…).
    before = _TAG_RE.sub(b"\n", raw[max(0, i - _BEFORE):i]).decode("utf-8", "replace").split()
    last = before[-1] if before else ""
    if last.endswith(("：", ":")) or (last and match_label(last) is not None):
        return False
    key = (low[i:j], last)
    hit = _DECIDED.get(key)
    if hit is None:
        hit = _scan_list(low, i, j, n)
        if len(_DECIDED) >= _DECIDED_MAX:
            _DECIDED.clear()
        _DECIDED[key] = hit
    return hit


def _scan_list(low: bytes, i: int, j: int, n: int) -> bool:
    """No prose, no documents to download and nothing unsafe to cut between i and j."""
    prose = 0
    for p in _PROSE_PREFIXES:
        prose += low.count(p, i, j)
    if prose > 2:
        return False
    if len(_DOC_EXT_BRE.findall(low, i, j)) >= 2:
        return False  # forms and documents: a guide's materials
    words = 0
    for w in _FORM_WORDS:
        words += low.count(w, i, j)
    if words * 5 >= n:
        return False
    for u in _UNSAFE:
        if low.find(u, i, j) >= 0:
            return False
    return True


def cut_link_lists(raw: bytes) -> bytes:
    """The page's UTF-8 bytes without its big link lists (<ul>, <dl> of
    BIG_LIST+ short links and no prose). Each cut is one whole element, from
    its opening tag to its closing tag, so the parser builds the same tree
    less the list, as prune_chrome would leave it. Costs a few str.find-level
    passes over the page; saves parsing (and walking) most of a portal's chrome."""
    low = raw.lower()
    nxt = {op: low.find(op) for op in _LIST_OPENS}  # next opening tag of each kind
    out = []
    last = 0
    while True:
        i = min((k for k in nxt.values() if k >= 0), default=-1)
        if i < 0:
            break
        op = low[i:i + 3]
        nxt[op] = low.find(op, i + 3)
        if low[i + 3:i + 4] not in _TAG_END:
            continue  # <dlx…>, not a list
        j = _close_of(low, i)
        if j - i >= _BIG_LIST_BYTES and _is_big_link_list(low, raw, i, j):
            out.append(raw[last:i])
            last = j
            for o, k in nxt.items():  # skip the lists inside the cut one
                if 0 <= k < j:
                    nxt[o] = low.find(o, j)
    if not out:
        return raw
    out.append(raw[last:])
    return b"".join(out)
