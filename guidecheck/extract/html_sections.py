"""Sections of a linearised guide page: which lines open an element (a label
matched by meaning, in label or value position) and where its value ends.
Used by html.py; see its docstring for the rule."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from lxml import etree

from .html_common import (
    HEADING_TAGS,
    is_labelish_class,
)
from .html_lines import PANE_TAG, Line
from .html_materials import field_of_line, has_field, line_field
from .labels import MAX_LABEL_LEN, label_hint, match_label, normalize_label
from .text import collapse

_MAX_LABEL_CHARS = 40  # raw label text (spaces, numbering, brackets included)
_ORPHAN_REACH = 30  # lines around the guide whose loose links are kept
# Pages are parsed as UTF-8 bytes (decode_html decided the charset; a <meta
# charset> saying otherwise is overridden).
_PARSER_UTF8 = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True,
                                encoding="utf-8")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_SEPARATORS = " \t\n\u3000\u00a0；;。，,"
_NUM_HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十\d]{1,3}部分)\s*"
                             r"([^：:，。；,;]{1,16})[：:]")
_TEMPLATE_RE = re.compile(r"\{\{[^}]*\}\}|\$\{[^}]*\}")
_BARE_LABEL_RE = re.compile(r"[^\s：:，。；,;\d]{1,10}[：:]")


@dataclass
class _Section:
    key: str | None
    items: list[tuple[str, str]] = field(default_factory=list)  # (text, block tag)
    structs: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (<a> element, raw href)
    implicit: bool = False
    srcs: list = field(default_factory=list)  # the Line each item came from (None for a struct)

    def add(self, text: str, tag: str, line=None) -> None:
        self.items.append((text, tag))
        self.srcs.append(line)

    def value(self) -> str:
        items = self.items
        if not items:
            return ""
        if len(items) == 1:
            return collapse(items[0][0])
        return collapse(" ".join(t for t, _ in items if t))


# ---------------------------------------------------------------- labels in lines

def _first_colon(text: str, s: int, end: int) -> int | None:
    a = text.find("：", s, end)
    b = text.find(":", s, end)
    if a < 0:
        return b if b >= 0 else None
    return a if b < 0 or a < b else b


def _question_follows(text: str, pos: int) -> bool:
    rest = text[pos:pos + 3].lstrip()
    return rest[:1] in ("？", "?")


# How a label may be recognised where a line (or a span of it) starts:
_ANY = 0      # label position: "label：", "<span>label</span>…", a whole short line; close variants too
_EXACT = 1    # value position: "label：" (close variants too); without a colon only an exact synonym
_COLON = 2    # strict value position (td after th, dd after dt): only "label：…"


_UNIT_OPEN = frozenset("（(【[［")
_UNIT_CLOSE = frozenset("）)】]］")


def _label_at(text: str, s: int, bounds: list[int], whole: bool, mode: int = _ANY):
    """(key, start, value_start) when a label starts at s (after spaces)."""
    n = len(text)
    while s < n and text[s].isspace():
        s += 1
    if s >= n:
        return None
    end = min(n, s + _MAX_LABEL_CHARS)
    c = _first_colon(text, s, end)
    if c is not None and c > s:
        key = match_label(text[s:c])
        if key is not None:
            return key, s, c + 1
    if mode == _COLON:
        return None
    loose = mode == _ANY
    for b in bounds:
        if b <= s:
            continue
        if b > end:
            break
        key = match_label(text[s:b], loose)
        if key is not None and not _question_follows(text, b):
            # a unit in its own element after the label ("承诺时限<span>（工作日）</span>")
            # belongs to the label
            if text[b:b + 1] in _UNIT_OPEN:
                for b2 in bounds:
                    if b2 > b and b2 <= end and text[b2 - 1] in _UNIT_CLOSE:
                        if not any(ch.isdigit() for ch in text[b:b2]):  # "(0591)" is a value
                            return key, s, b2
                        break
            return key, s, b
    if whole and n - s <= _MAX_LABEL_CHARS:
        key = match_label(text[s:], loose)
        if key is not None:
            return key, s, n
    return None


def _colon_starts(text: str, lo_bound: int) -> set[int]:
    """Where a "label：" could start after lo_bound: just after a separator
    (space, ；, 。, ，) that precedes a colon by at most a label's length."""
    out = set()
    n = len(text)
    c = _first_colon(text, lo_bound, n)
    while c is not None:
        lo = max(lo_bound, c - MAX_LABEL_LEN - 4)
        p = c - 1
        while p >= lo and text[p] not in _SEPARATORS:
            p -= 1
        if p >= lo:
            out.add(p + 1)
        c = _first_colon(text, c + 1, n)
    return out


def _pairs(text: str, bounds: list[int], key: str, vstart: int, lead: str | None = None):
    n = len(text)
    cands = {b for b in bounds if vstart <= b < n} | _colon_starts(text, vstart)
    segs = [(None, lead)] if lead is not None else []
    cur_key, cur_start = key, vstart
    for p in sorted(cands)[:40]:
        if p < cur_start:
            continue
        # The span right after a label is its value: there, text that merely
        # resembles a label ("法定工作时间" after "办理时间") is not one.
        mode = _EXACT if not text[cur_start:p].strip() else _ANY
        hit = _label_at(text, p, bounds, False, mode)
        if hit is not None:
            k, s, e = hit
            segs.append((cur_key, text[cur_start:s]))
            cur_key, cur_start = k, e
    segs.append((cur_key, text[cur_start:]))
    return [(k, v.lstrip("：: \t\u3000\u00a0") if k is not None else v) for k, v in segs]


# Lines that held labels, by (text, inline bounds, position): label lines
# recur on every page of a portal (values do not, and are not kept).
_SPLIT_CACHE: dict[tuple, list] = {}
_SPLIT_CACHE_MAX = 20000
_SPLIT_CACHE_LEN = _MAX_LABEL_CHARS


def _split_line(ln: Line, pos: int = _ANY):
    """[(key, inline value)] when the line holds a label: at its start, or as
    "… label：value" after a separator (then the first pair's key is None: the
    text before it continues the current section). None for a plain line.
    `pos` says how a label may start the line (_ANY, or _EXACT / _COLON for a
    line in the value position of a label, see _value_pos)."""
    text = ln.text
    if len(text) > _SPLIT_CACHE_LEN:
        return _split(ln, pos)
    ck = (text, tuple(ln.bounds), pos)
    hit = _SPLIT_CACHE.get(ck)
    if hit is not None:
        return list(hit)
    segs = _split(ln, pos)
    if segs is not None and len(_SPLIT_CACHE) < _SPLIT_CACHE_MAX:
        _SPLIT_CACHE[ck] = list(segs)
    return segs


def _split(ln: Line, pos: int):
    text = ln.text
    colon = "：" in text or ":" in text
    if not colon:
        if pos == _COLON:
            return None
        if not ln.bounds:  # one run of text: a whole-line label, or nothing
            t = text.lstrip()
            if not t or len(t) > _MAX_LABEL_CHARS or not label_hint(t, _MAX_LABEL_CHARS):
                return None
            key = match_label(t, pos == _ANY)
            return None if key is None else [(key, "")]
    head = label_hint(text, _MAX_LABEL_CHARS + 8)
    bounds = sorted(set(ln.bounds)) if ln.bounds else []
    if head:
        first = _label_at(text, 0, bounds, True, pos)
        if first is not None:
            return _pairs(text, bounds, first[0], first[2])
    if not colon or len(text) > 300:
        return None
    if not head and not label_hint(text, len(text)):
        return None
    for p in sorted(_colon_starts(text, 1)):
        hit = _label_at(text, p, (), False)
        if hit is not None:
            return _pairs(text, bounds, hit[0], hit[2], lead=text[: hit[1]])
    return None


# Label block -> value block pairs whose value is a value whatever it says.
_STRICT_PAIRS = frozenset((("th", "td"), ("dt", "dd")))
_LABEL_TAGS = frozenset(("th", "dt", PANE_TAG)) | HEADING_TAGS


def _value_pos(ln: Line, bare) -> int:
    """How a label may start this line, given the last line that was a bare
    label (a label with no value after it, as (its block, the block's next
    sibling)). A line inside that next sibling (td after th, dd after dt, the
    value div after a label div) or after the label inside the label's own block
    (<td>办理时间<br>法定工作时间</td>) sits in the value position."""
    if bare is None:
        return _ANY
    blk = ln.block
    if blk is None or ln.tag in _LABEL_TAGS:
        return _ANY
    cls = blk.get("class")
    if cls and is_labelish_class(cls):
        return _ANY
    label, nxt = bare
    el = blk
    for _ in range(5):
        if el is nxt:
            return _COLON if (label.tag, nxt.tag) in _STRICT_PAIRS else _EXACT
        if el is label:
            return _EXACT
        el = el.getparent()
        if el is None:
            break
    return _ANY


_QUESTION_END = ("？", "?")


def _in_faq_answer(cur: _Section | None, ln: Line) -> bool:
    """Inside the FAQ, a "办理时间：…" line right after a question (or after a
    line ending with a colon) answers it: it opens no element."""
    if cur is None or cur.key != "faq" or not cur.items or ln.tag in _LABEL_TAGS:
        return False
    last = cur.items[-1][0].rstrip()
    return last.endswith(_QUESTION_END) or last.endswith(("：", ":"))


def _short(text: str, limit: int = 20) -> bool:
    if len(text) > 3 * limit + 20:
        return False
    norm = normalize_label(text)
    return 0 < len(norm) <= limit and not any(ch in norm for ch in "，。；,;！!？?")


_BREAK_TAGS = HEADING_TAGS | {PANE_TAG}


def _is_break(ln: Line, label_tables: set, row_cells: dict) -> bool:
    """A heading or a label we do not know: it ends the current section."""
    tag = ln.tag
    if tag in _BREAK_TAGS:
        return True
    text = ln.text
    blk = ln.block
    if blk is not None and len(blk) and blk[0].tag == "label" and _short(text) \
            and collapse("".join(blk[0].itertext())) == collapse(text):
        return True  # a form's <label> with no read-only value after it
    if len(text) > 80:
        return _NUM_HEADING_RE.match(text) is not None
    if (tag == "th" or tag == "dt") and _short(text):
        return True
    if blk is not None:
        cls = blk.get("class")
        if cls and is_labelish_class(cls) and _short(text):
            return True
    if _NUM_HEADING_RE.match(text):
        return True
    if tag == "td" and label_tables and _short(text, MAX_LABEL_LEN):
        tr = blk.getparent()
        if tr is not None and tr.getparent() in label_tables:
            cells = row_cells.get(tr)
            if cells is None:
                cells = row_cells[tr] = [c for c in tr if c.tag in ("td", "th")]
            if len(cells) % 2 == 0 and cells.index(blk) % 2 == 0:
                return True
    return False


def _next_block(el, levels: int = 2):
    """The element after a label's block: its next sibling, or (a label alone
    in its column, iView/Bootstrap grids) the next sibling of its wrapper."""
    for _ in range(levels + 1):
        nxt = el.getnext()
        while nxt is not None and not isinstance(nxt.tag, str):
            nxt = nxt.getnext()
        if nxt is not None:
            return nxt
        el = el.getparent()
        if el is None or len(el) != 1:
            return None
    return None


_BLOCK_AHEAD = 8  # lines looked ahead for a material's fields


def _block_ahead(lines: list[Line], idx: int, kind: str) -> bool:
    """Inside the materials (or the process), a title-like line (a card's
    header, a dt, a list item's heading) is a material's (step's) name when
    fields of a material (step) follow it before any other label."""
    ln = lines[idx]
    if ln.tag in HEADING_TAGS and field_of_line(ln.text, kind) is None and match_label(ln.text) is not None:
        return False
    for nxt in lines[idx + 1: idx + 1 + _BLOCK_AHEAD]:
        if nxt.struct is not None or nxt.nav:
            return False
        if has_field(nxt.text, kind, nxt):
            return True
        if _split_line(nxt) is not None:
            return False
    return False


WINDOWS = "__windows__"  # the key of a windows part (html.py reads it, it is no element)
_BLOCK_KINDS = {"materials": "materials", "process": "process", WINDOWS: "windows"}


@functools.cache
def _window_headings() -> frozenset[str]:
    from .html_blocks import hints

    return frozenset(normalize_label(str(w)) for w in hints().get("window_headings", []) or ())


# ---------------------------------------------------------------- sections

def _sections(lines: list[Line]) -> list[_Section]:
    secs: list[_Section] = []
    cur: _Section | None = None
    label_tables: set = set()
    row_cells: dict = {}
    orphan_links: list = []
    first_key = last_key = -1
    bare = None  # the last bare label line: (its block, the block's next sibling)
    block_bare = None  # the same for a field label inside a materials/steps/windows block
    for idx, ln in enumerate(lines):
        st = ln.struct
        if st is not None:
            if st.kind == "pairs":
                for key, val in st.pairs:
                    secs.append(_Section(key, [(val, "td")] if val else []))
                cur = None
                continue
            want = st.section or {"materials": "materials", "faq": "faq"}.get(st.kind)
            if cur is None or (want and cur.key != want):
                cur = _Section(want or "process", implicit=True)
                secs.append(cur)
            cur.structs.append(st)
            cur.add(st.text, "struct")
            continue
        if ln.nav:
            cur = None
            for a, href in ln.links:  # a tab that is a separate page (常见问题 → …_cjwt.html)
                secs.append(_Section(match_label("".join(a.itertext())), links=[(a, href)], implicit=True))
            continue
        if bare is None:
            pos = _ANY
        else:
            pos = _value_pos(ln, bare)
            if pos == _ANY:
                bare = None
        in_block = False
        blk_field = None
        if cur is not None and cur.key == "faq" and _in_faq_answer(cur, ln):
            segs = None
        elif cur is not None and cur.key in _BLOCK_KINDS and block_bare is not None \
                and _value_pos(ln, block_bare) != _ANY:
            segs = None  # the dd after a block's bare field label ("受理时间" → "法定工作时间") is its value
            in_block = True
        elif cur is not None and cur.key in _BLOCK_KINDS and \
                (blk_field := line_field(ln.text, ln, _BLOCK_KINDS[cur.key])) is not None:
            segs = None  # "材料来源：…", "份数", "办理时限：…" inside a block: the material's (step's) field
            in_block = True
        else:
            segs = _split_line(ln, pos)
        block_bare = (ln.block, _next_block(ln.block)) if (blk_field is not None and blk_field[1] is None
                                                             and ln.block is not None) else None
        if segs is not None:
            if segs[0][0] is None:  # "… label：value": the lead continues the section
                lead = segs.pop(0)[1]
                if cur is not None and lead.strip():
                    cur.add(lead, ln.tag, ln)
            if len(segs) >= 3 and not any(v.strip() for _, v in segs):
                cur = None  # a bar of labels: tabs, not content
                continue
            if first_key < 0:
                first_key = idx
            last_key = idx
            for key, val in segs:
                cur = _Section(key)
                secs.append(cur)
                if val.strip():
                    cur.add(val, ln.tag, ln)
            if ln.links:
                cur.links.extend(ln.links)
            if not cur.items and ln.block is not None:
                bare = (ln.block, _next_block(ln.block))
            else:
                bare = None
            if ln.tag in ("td", "th") and ln.block is not None:
                tr = ln.block.getparent()
                if tr is not None:
                    label_tables.add(tr.getparent())
            continue
        if segs is None and not in_block and len(ln.text) <= 40 and normalize_label(ln.text) in _window_headings():
            cur = _Section(WINDOWS, implicit=True)  # 办理窗口: one block per window follows
            secs.append(cur)
            continue
        if cur is None or (not in_block and _is_break(ln, label_tables, row_cells)
                           and not (cur.key in _BLOCK_KINDS and _block_ahead(lines, idx, _BLOCK_KINDS[cur.key]))
                           and not (cur.key == "faq" and collapse(ln.text).endswith(_QUESTION_END))):
            cur = None
            if ln.links:
                orphan_links.append((idx, ln.links))
            continue
        cur.add(ln.text, ln.tag, ln)
        if ln.links:
            cur.links.extend(ln.links)
    # Links outside any section: only those near the guide (its title bar,
    # an 在线办理 button below it), not the portal's menus and footers.
    near = [lk for i, links in orphan_links if first_key - _ORPHAN_REACH <= i <= last_key + _ORPHAN_REACH
            for lk in links]
    if near:
        secs.append(_Section(None, links=near))
    return secs
