"""Linearise a parsed page into lines: the text a reader sees, one line per block
(p, div, li, td, th, dt, dd, h1–h6, br …), with the offsets where inline elements
start and end (so a label split as <span>办理</span><span>地点</span> or
<span class="label">办理地点</span><span class="value">…</span> can be cut
at the right place). Structured tables and grids become one opaque line.

Tab bars (a list of short titles, most of them element labels) are marked as
navigation; their panes, found by reference (data-target, aria-controls,
href="#id") or by position, get the tab's title as a synthetic first line, so
a pane hidden with display:none still reads as its section.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .html_common import BLOCK_TAGS, SKIP_TAGS, skip_token
from .labels import MAX_LABEL_LEN, match_label, normalize_label

PANE_TAG = "pane-title"  # Line.tag of the synthetic title line of a tab pane
_REF_ATTRS = ("data-target", "aria-controls", "data-tab", "data-id", "data-pane", "href", "data-href")
_NAV_MIN_ITEMS = 3
_NAV_MIN_LABEL_SHARE = 0.7
_NAV_TAGS = frozenset(("li", "div", "span", "a", "dt", "p"))
_INLINE_TAB_TAGS = frozenset(("a", "span", "label", "em", "b", "strong", "font", "i"))


@dataclass(slots=True)
class Line:
    text: str
    bounds: list[int]
    tag: str  # innermost block element
    block: object  # that element
    links: list = field(default_factory=list)  # (<a> element, raw href)
    struct: object | None = None
    nav: bool = False


def linearise(body, structs: dict, skip: set) -> tuple[list[Line], dict]:
    """(lines, {block element: index of its first line}). `skip` holds the
    block elements left out (tables read as part of another); page chrome
    (footer, nav, class/id naming a footer, breadcrumb …) is left out too."""
    try:
        return _linearise_rec(body, structs, skip)
    except RecursionError:  # absurdly deep markup: the same walk, without recursion
        return _linearise_walk(body, structs, skip)


def _linearise_rec(body, structs: dict, skip: set) -> tuple[list[Line], dict]:
    """linearise() by recursion over the children: a block with no children
    (most td, th, p, li, dd) is one line without further work."""
    lines: list[Line] = []
    starts: dict = {}
    block_tags, skip_tags, skip_tok = BLOCK_TAGS, SKIP_TAGS, skip_token
    append = lines.append
    buf: list[str] = []
    bounds: list[int] = []
    links: list = []
    blen = 0
    stack = [body]

    def flush(blk) -> None:
        nonlocal buf, bounds, links, blen
        text = "".join(buf)
        if not text.isspace():
            append(Line(text, bounds, blk.tag, blk, links))
            links = []
        buf, bounds, blen = [], [], 0

    def children(parent) -> None:
        nonlocal blen, bounds
        for el in parent:
            tag = el.tag
            if tag in block_tags:
                st = structs.get(el) if structs else None
                if st is not None or tag in skip_tags or (skip and el in skip) or (
                        (c := el.get("class")) is not None and skip_tok(c)) or (
                        (i := el.get("id")) is not None and skip_tok(i)):
                    if st is not None:
                        if buf:
                            flush(stack[-1])
                        append(Line(st.text, [], tag, stack[-1], [], st))
                else:
                    if buf:
                        flush(stack[-1])
                    elif bounds:  # empty inline elements before this block
                        bounds = []
                    starts[el] = len(lines)
                    if not len(el):
                        t = el.text
                        if t and not t.isspace():
                            append(Line(t, [], tag, el, []))
                    else:
                        stack.append(el)
                        t = el.text
                        if t:
                            buf.append(t)
                            blen = len(t)
                        children(el)
                        if buf:
                            flush(el)
                        stack.pop()
            elif tag.__class__ is str:  # inline: its start and end are bounds
                bounds.append(blen)
                if tag == "a":
                    href = el.get("href")
                    if href:
                        links.append((el, href))
                t = el.text
                if t:
                    buf.append(t)
                    blen += len(t)
                if len(el):
                    children(el)
                bounds.append(blen)
            else:  # comment or processing instruction left over
                continue
            t = el.tail
            if t:
                buf.append(t)
                blen += len(t)

    if body.text:
        buf.append(body.text)
        blen = len(body.text)
    children(body)
    if buf:
        flush(body)
    return lines, starts


def _linearise_walk(body, structs: dict, skip: set) -> tuple[list[Line], dict]:
    """linearise() with etree.iterwalk: no recursion limit, a little slower.
    Gives the same lines as _linearise_rec (tests compare them)."""
    lines: list[Line] = []
    starts: dict = {}
    buf: list[str] = []
    bounds: list[int] = []
    links: list = []
    blen = 0
    stack = [body]
    skipped = set()
    block_tags, skip_tags, skip_tok = BLOCK_TAGS, SKIP_TAGS, skip_token
    it = etree.iterwalk(body, events=("start", "end"))
    next(it)  # the body itself
    if body.text:
        buf.append(body.text)
        blen = len(body.text)
    for ev, el in it:
        tag = el.tag
        if ev == "start":
            if tag in block_tags:
                st = structs.get(el) if structs else None
                if st is not None or tag in skip_tags or (skip and el in skip) or (
                        (c := el.get("class")) is not None and skip_tok(c)) or (
                        (i := el.get("id")) is not None and skip_tok(i)):
                    it.skip_subtree()
                    skipped.add(el)
                    if st is not None:
                        if buf:
                            text = "".join(buf)
                            if not text.isspace():
                                lines.append(Line(text, bounds, stack[-1].tag, stack[-1], links))
                                links = []
                            buf, bounds, blen = [], [], 0
                        lines.append(Line(st.text, [], tag, stack[-1], [], st))
                    continue
                if buf:
                    text = "".join(buf)
                    if not text.isspace():
                        lines.append(Line(text, bounds, stack[-1].tag, stack[-1], links))
                        links = []
                    buf, bounds, blen = [], [], 0
                elif bounds:  # empty inline elements before this block
                    bounds = []
                stack.append(el)
                starts[el] = len(lines)
            elif tag.__class__ is str:
                bounds.append(blen)
                if tag == "a":
                    href = el.get("href")
                    if href:
                        links.append((el, href))
            else:  # comment or processing instruction left over
                continue
            t = el.text
            if t:
                buf.append(t)
                blen += len(t)
        else:
            if tag in block_tags:
                if el not in skipped:
                    if buf:
                        text = "".join(buf)
                        if not text.isspace():
                            lines.append(Line(text, bounds, tag, el, links))
                            links = []
                        buf, bounds, blen = [], [], 0
                    stack.pop()
            elif tag.__class__ is str:
                bounds.append(blen)
            t = el.tail
            if t:
                buf.append(t)
                blen += len(t)
    if buf:
        text = "".join(buf)
        if not text.isspace():
            lines.append(Line(text, bounds, body.tag, body, links))
    return lines, starts


# ---------------------------------------------------------------- tab bars

def _short(text: str) -> bool:
    if len(text) > 60:
        return False
    norm = normalize_label(text)
    return 0 < len(norm) <= MAX_LABEL_LEN and ":" not in text.rstrip(": ：") and "：" not in text.rstrip(": ：")


def _ref_of(item) -> str | None:
    for el in (item, *item.iterdescendants("a")):
        names = el.keys()
        if not names:
            continue
        for attr in _REF_ATTRS:
            if attr not in names:
                continue
            v = el.get(attr)
            if v:
                v = v.strip()
                if attr in ("href", "data-href"):
                    if v.startswith("#") and len(v) > 1:
                        return v[1:]
                    continue
                return v.lstrip("#")
    return None


_BY_ID = etree.XPath("id($ref)")


def _elements_by_id(body, wanted: set) -> dict:
    """{id: element} for the wanted ids, through the parser's table of ids
    (no walk over the page); the first element wins when an id repeats, as in
    a browser. Ids with spaces (not valid ids) are looked up by walking."""
    out = {}
    for ref in wanted:
        if not ref.split() or len(ref.split()) > 1:
            continue
        found = _BY_ID(body, ref=ref)
        if found:
            out[ref] = found[0]
    if len(out) < len(wanted):
        rest = wanted - set(out)
        for el in body.iter():
            i = el.get("id")
            if i in rest and i not in out:
                out[i] = el
    return out


def _panes_of(bar, items: list, titles: list[str], body) -> dict:
    out: dict = {}
    refs = [_ref_of(it) for it in items]
    if any(refs):
        ids = _elements_by_id(body, {r for r in refs if r})
        for t, r in zip(titles, refs):
            pane = ids.get(r) if r else None
            if pane is not None and pane is not bar:
                out.setdefault(pane, t)
        if out:
            return out
    holder = bar
    for _ in range(3):
        sib = holder.getnext()
        while sib is not None and not isinstance(sib.tag, str):
            sib = sib.getnext()
        if sib is not None:
            panes = [c for c in sib if isinstance(c.tag, str)]
            if len(panes) == len(items):
                return dict(zip(panes, titles))
        holder = holder.getparent()
        if holder is None or holder is body:
            break
    return out


def mark_tabs(lines: list[Line], starts: dict, body) -> list[Line]:
    """Mark tab bars / menus as navigation and give each tab pane a title line."""
    inserts: list[tuple[int, Line]] = []
    runs: list[tuple[int, int, object]] = []
    run_parent, run_start = None, 0
    for i, ln in enumerate(lines):
        if ln.struct is None and ln.tag in _NAV_TAGS and len(ln.text) <= 40:
            parent = ln.block.getparent()
            if parent is run_parent and parent is not None:
                continue
            if i - run_start >= _NAV_MIN_ITEMS and run_parent is not None:
                runs.append((run_start, i, run_parent))
            run_parent, run_start = parent, i
        else:
            if i - run_start >= _NAV_MIN_ITEMS and run_parent is not None:
                runs.append((run_start, i, run_parent))
            run_parent, run_start = None, i + 1
    if len(lines) - run_start >= _NAV_MIN_ITEMS and run_parent is not None:
        runs.append((run_start, len(lines), run_parent))
    for i, ln in enumerate(lines):
        # a bar of inline tabs in one line: <div><a>基本信息</a><a>申请材料</a>…</div>
        if ln.struct is None and len(ln.bounds) >= 2 * _NAV_MIN_ITEMS and len(ln.text) <= 200:
            items = [c for c in ln.block if isinstance(c.tag, str)]
            if len(items) >= _NAV_MIN_ITEMS and all(c.tag in _INLINE_TAB_TAGS for c in items):
                titles = ["".join(c.itertext()).strip() for c in items]
                labelled = sum(1 for t in titles if _short(t) and match_label(t))
                if labelled >= 2 and labelled >= _NAV_MIN_LABEL_SHARE * len(items):
                    ln.nav = True
                    for pane, title in _panes_of(ln.block, items, titles, body).items():
                        idx = starts.get(pane)
                        if idx is not None and idx > i:
                            inserts.append((idx, Line(title, [], PANE_TAG, pane, [])))
    for i, j, parent in runs:
        run = lines[i:j]
        if len({id(ln.block) for ln in run}) != len(run) or not all(_short(ln.text) for ln in run):
            continue
        titles = [ln.text.strip() for ln in run]
        if any(t.endswith(("：", ":")) for t in titles):
            continue  # "受理时间：" is a label before its value, never a tab's title
        exact = [match_label(t, loose=False) is not None for t in titles]
        if len(exact) >= 4 and all(exact[0::2]) and not any(exact[1::2]):
            continue  # label, value, label, value: a row of pairs, not tabs
        labelled = sum(1 for t in titles if match_label(t))
        if labelled < 2 or labelled < _NAV_MIN_LABEL_SHARE * len(run):
            continue
        for ln in run:
            ln.nav = True
        for pane, title in _panes_of(parent, [ln.block for ln in run], titles, body).items():
            idx = starts.get(pane)
            if idx is not None and idx >= j:
                inserts.append((idx, Line(title, [], PANE_TAG, pane, [])))
    if not inserts:
        return lines
    inserts.sort(key=lambda p: p[0], reverse=True)
    for idx, line in inserts:
        lines.insert(idx, line)
    return lines
