"""Structured tables and grids of a guide page: materials, process steps, FAQ,
and "horizontal" label tables (labels in the first row, values below).

A table is recognised by its header row (th cells or the first rows), never by
site-specific ids: its columns are mapped by header text through labels.yaml.
Element-UI pages print the header row in one <table> and the body in the next;
older Zhejiang pages print the materials as a grid of divs. Both are handled.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from lxml import etree

from .. import catalog
from ..model import FaqPair, Material, ProcessStep
from .html_common import CELL_TAGS, link_role, node_text, web_href
from .labels import (
    match_faq_header,
    match_label,
    match_material_header,
    match_process_header,
    normalize_label,
)
from .html_rowtables import label_row, read_record_table, read_vertical_pairs, record_table_header, vertical_material
from .text import unescape_all

_MAX_HEADER_ROWS = 3


@dataclass
class Struct:
    """A table or grid read as a whole. kind: materials | process | faq | pairs."""

    kind: str
    materials: list[Material] = field(default_factory=list)
    steps: list[ProcessStep] = field(default_factory=list)
    faq: list[FaqPair] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    # (text, url, role, material index or None)
    links: list[tuple[str, str, str, int | None]] = field(default_factory=list)
    text: str = ""
    # The element whose section this part always belongs to (a step component
    # is the process wherever it sits); None: it joins the current section.
    section: str | None = None


def _rows(table) -> list:
    out = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if c.tag == "tr")
    return out


def _span_value(v: str) -> int:
    """A colspan/rowspan value other than "1", bounded."""
    try:
        return max(1, min(int(v), 50))
    except ValueError:
        return 1


def _fill_spans(pending: dict, row: list, col: int) -> int:
    """Append the cells spanning down from rows above into `row`, from column
    `col` on; returns the next free column."""
    while col in pending:
        ent = pending[col]
        row.append(ent[0])
        ent[1] -= 1
        if ent[1] <= 0:
            del pending[col]
        col += 1
    return col


def _grid(rows, pending: dict | None = None) -> list[list]:
    """Rows of cell elements with row/col spans expanded (a spanned cell repeats).
    `pending` (the cells spanning down, updated in place) lets a later call go
    on where an earlier one stopped: _grid(a, p) + _grid(b, p) == _grid(a + b)."""
    out: list[list] = []
    if pending is None:
        pending = {}
    for tr in rows:
        row: list = []
        col = 0
        for cell in tr:
            if cell.tag not in CELL_TAGS:
                continue
            col = _fill_spans(pending, row, col)
            cs = cell.get("colspan")
            cs = 1 if cs is None or cs == "1" else _span_value(cs)
            rs = cell.get("rowspan")
            rs = 1 if rs is None or rs == "1" else _span_value(rs)
            for k in range(cs):
                row.append(cell)
                if rs > 1:
                    pending[col + k] = [cell, rs - 1]
            col += cs
        _fill_spans(pending, row, col)
        out.append(row)
    return out


class _Texts(dict):
    def __missing__(self, el):
        t = node_text(el)
        self[el] = t
        return t


def _map_header(texts: list[str], matcher) -> dict[int, str]:
    out = {}
    for i, t in enumerate(texts):
        if t and len(t) <= 24:
            f = matcher(t)
            if f is not None:
                out[i] = f
    return out


def _is_materials_header(m: dict[int, str], texts: list[str]) -> bool:
    fields = list(m.values())
    if "name" not in fields:
        return False
    # "名称 | X | 受理标准 | Y": element labels with their values, not a header
    if all(match_label(texts[i], loose=False) for i in m) \
            or 2 * len(m) < sum(1 for t in texts if t):
        return False
    if len(set(fields)) >= 2:
        return True
    name_col = next(i for i, f in m.items() if f == "name")
    return normalize_label(texts[name_col]) not in ("名称",)


def _find_header(grid, texts_of) -> tuple[str, int, dict[int, str]] | None:
    for r, row in enumerate(grid[:_MAX_HEADER_ROWS]):
        if not row:
            continue
        texts = [texts_of[c] for c in row]
        m = _map_header(texts, match_material_header)
        if _is_materials_header(m, texts):
            return "materials", r, m
        m = _map_header(texts, match_process_header)
        if "name" in m.values() and len(set(m.values())) >= 2:
            return "process", r, m
        m = _map_header(texts, match_faq_header)
        if {"question", "answer"} <= set(m.values()):
            return "faq", r, m
        if len(grid) >= r + 2:
            rec = record_table_header(texts)
            if rec is not None and not (r == 0 and _descriptions(grid, texts_of)):
                return rec[0], r, rec[1]
        if r == 0 and len(row) >= 2 and len(grid) >= 2:
            keys = label_row(texts)
            if keys is not None:
                below = [texts_of[c] for c in grid[1]]
                if len(below) == len(row) and not any(match_label(t, loose=False) for t in below if t):
                    return "pairs", r, {i: k for i, k in enumerate(keys) if k}
    return None


def _descriptions(grid, texts_of) -> bool:
    """Labels above their values, row after row (Ant Design / Element-UI
    descriptions): a row of element labels, one row of values, then another
    row of labels or the end. (A window table has several rows of values.)"""
    if label_row([texts_of[c] for c in grid[0]]) is None:
        return False
    return len(grid) == 2 or label_row([texts_of[c] for c in grid[2]], 1) is not None


def _full_span(row, ncols: int) -> bool:
    if ncols <= 1 or not row:
        return False
    first = row[0]
    return all(c is first for c in row)  # one cell spanning the row


def _cell_links(cell, base: str):
    if not len(cell):
        return
    for a in cell.iter("a"):
        url = web_href(a.get("href"), base)
        if url:
            yield node_text(a), url


def _read_materials(st: Struct, header: dict[int, str], head_texts: list[str], rows, base: str,
                    cells_of, texts_of) -> None:
    """rows: lists of cell elements aligned with the header columns."""
    by_field: dict[str, list[int]] = {}
    for i, f in header.items():
        by_field.setdefault(f, []).append(i)
    name_cols = by_field.get("name", [])
    head_norm = {normalize_label(t) for t in head_texts if t}
    for row in rows:
        cells = cells_of(row)
        if not cells or _full_span(cells, len(head_texts)):
            continue
        name = " ".join(texts_of[cells[i]] for i in name_cols if i < len(cells) and texts_of[cells[i]])
        if not name or normalize_label(name) in head_norm:
            continue
        mat = Material(name=name)
        idx = len(st.materials)
        for f, cols in by_field.items():
            if f == "name":
                continue
            if f in ("form_url", "sample_url"):
                continue
            vals = []
            for i in cols:
                if i < len(cells):
                    t = texts_of[cells[i]]
                    if t:
                        vals.append(f"{head_texts[i]}：{t}" if len(cols) > 1 else t)
            if vals:
                setattr(mat, f, "；".join(vals))
        seen = set()
        for i, cell in enumerate(cells):
            if not len(cell) or id(cell) in seen:
                continue  # no child element, no link
            seen.add(id(cell))
            col = header.get(i)
            for text, url in _cell_links(cell, base):
                role = link_role(text, url, "materials", col if col in ("form_url", "sample_url") else None)
                if role == "form" and mat.form_url is None:
                    mat.form_url = url
                elif role == "sample" and mat.sample_url is None:
                    mat.sample_url = url
                st.links.append((text, url, role, idx))
        st.materials.append(mat)
    st.text = "；".join(m.name for m in st.materials if m.name)


def _read_process(st: Struct, header, rows, cells_of, texts_of) -> None:
    name_col = next(i for i, f in header.items() if f == "name")
    parts = []
    for row in rows:
        cells = cells_of(row)
        if not cells or name_col >= len(cells) or _full_span(cells, len(header)):
            continue
        name = texts_of[cells[name_col]]
        if not name:
            continue
        step = ProcessStep(name=name)
        for i, f in header.items():
            if f != "name" and i < len(cells) and texts_of[cells[i]]:
                cur = getattr(step, f)
                setattr(step, f, f"{cur}；{texts_of[cells[i]]}" if cur else texts_of[cells[i]])
        st.steps.append(step)
        parts.append(" ".join(texts_of[c] for c in dict.fromkeys(cells) if texts_of[c]))
    st.text = "；".join(parts)


def _read_faq(st: Struct, header, rows, cells_of, texts_of) -> None:
    q = next(i for i, f in header.items() if f == "question")
    a = next(i for i, f in header.items() if f == "answer")
    for row in rows:
        cells = cells_of(row)
        if len(cells) <= max(q, a):
            continue
        qt, at = texts_of[cells[q]], texts_of[cells[a]]
        if qt:
            st.faq.append(FaqPair(question=qt, answer=at))
    st.text = " ".join(f"{p.question} {p.answer}".strip() for p in st.faq)


def _build(kind, hdr_row, header, head_texts, data_rows, base, cells_of, texts_of, link_scope) -> Struct:
    st = Struct(kind)
    if kind == "materials":
        _read_materials(st, header, head_texts, data_rows, base, cells_of, texts_of)
        return st
    if kind == "process":
        _read_process(st, header, data_rows, cells_of, texts_of)
    elif kind == "faq":
        _read_faq(st, header, data_rows, cells_of, texts_of)
    elif kind == "pairs":
        keys = [header.get(i) for i in range(len(head_texts))]
        st.pairs.extend(read_vertical_pairs([[texts_of[c] for c in cells_of(row)] for row in data_rows], keys))
    elif kind in ("window", "basis"):
        st.kind = "pairs"
        rows = [[texts_of[c] for c in cells_of(row)] for row in data_rows]
        st.pairs.extend(read_record_table(kind, header, rows))
    for scope in link_scope:
        for text, url in _cell_links(scope, base):
            st.links.append((text, url, link_role(text, url, None), None))
    return st


def _near(head_table, body_table, levels: int = 3) -> bool:
    """The two tables share a wrapper at most `levels` up from each (Element-UI
    prints them in sibling wrappers of one .el-table)."""
    ups = []
    node = head_table.getparent()
    for _ in range(levels):
        if node is None:
            break
        ups.append(node)
        node = node.getparent()
    node = body_table.getparent()
    for _ in range(levels):
        if node is None:
            return False
        if any(node is u for u in ups):
            return True
        node = node.getparent()
    return False


def find_tables(root, base: str) -> tuple[dict, set]:
    """Structured tables of the page: ({element: Struct}, {elements to skip})."""
    structs: dict = {}
    skip: set = set()
    tables = list(root.iter("table"))
    texts_of = _Texts()
    for n, table in enumerate(tables):
        if table in skip:
            continue
        rows = _rows(table)
        if not rows:
            continue
        one = vertical_material(table, rows, _grid, texts_of, base)
        if one is not None:
            structs[table] = one
            continue
        pending: dict = {}
        head = _grid(rows[: _MAX_HEADER_ROWS + 1], pending)
        found = _find_header(head, texts_of)
        if found is None:
            continue
        # the rows below the head, from where the head stopped (not the head again)
        grid = head + _grid(rows[len(head):], pending) if len(rows) > len(head) else head
        kind, r, header = found
        head_texts = [texts_of[c] for c in grid[r]]
        data = grid[r + 1:]
        scope = [table]
        if not data and n + 1 < len(tables):
            # Element-UI: the body rows are in the next table.
            body = tables[n + 1]
            brows = _rows(body) if _near(table, body) else []
            bgrid = _grid(brows) if brows else []
            if bgrid and abs(len(bgrid[0]) - len(grid[r])) <= 1 \
                    and _find_header(bgrid[:_MAX_HEADER_ROWS + 1], texts_of) is None \
                    and not any(match_label(texts_of[c], loose=False) for c in bgrid[0]):
                data = bgrid
                skip.add(body)
                scope.append(body)
        structs[table] = _build(kind, r, header, head_texts, data, base, list, texts_of, scope)
    return structs, skip


# ---- div grids (materials as rows of divs/spans/lis) ----

@functools.cache
def _grid_names() -> tuple[etree.XPath, frozenset]:
    names = {normalize_label(w) for w in catalog.labels()["material_fields"]["name"]}
    core = sorted(w for w in names if not any(o != w and o in w for o in names))
    tests = " or ".join(f"contains(., '{w}')" for w in core)
    return etree.XPath(f"//text()[{tests}]"), frozenset(names)


def may_have_div_grid(html: bytes) -> bool:
    """Cheap test on the page source (the UTF-8 bytes that were parsed): could
    find_div_grids find anything? (Some text node, not a tail and not in a
    table cell, reads as a materials "name" header.) Scanning the source with
    bytes.find is much cheaper than an XPath over every text node."""
    if html.isascii():
        return True  # Chinese written as character references (&#21517;&#31216;)
    names = _grid_names()[1]
    for word in _grid_core_words():
        word = word.encode()
        i = html.find(word)
        while i >= 0:
            lt = html.rfind(b">", 0, i)
            gt = html.find(b"<", i)
            if lt >= 0 and gt >= 0 and gt - lt <= 1200:
                seg = html[lt + 1:gt].decode("utf-8", "replace")
                if "&" in seg:
                    seg = unescape_all(seg)
                if len(seg) <= 40 and normalize_label(seg) in names:
                    m = _TAG_NAME_RE.match(html, html.rfind(b"<", 0, lt + 1))
                    tag = m.group(1).lower() if m else b""
                    if tag not in (b"td", b"th") and tag not in _VOID_TAGS and not _in_cell(html, i):
                        return True
            i = html.find(word, i + len(word))
    return False


_TAG_NAME_RE = re.compile(rb"<([A-Za-z][A-Za-z0-9]*)")
_VOID_TAGS = frozenset((b"br", b"hr", b"img", b"input", b"meta", b"link", b"wbr", b"area", b"col", b"embed", b"source"))
_CELL_WINDOW = 1800  # bytes looked back for an open table cell


def _in_cell(html: bytes, i: int) -> bool:
    """Does an open <td>/<th> shortly precede position i? (find_div_grids
    ignores headers inside tables.)"""
    lo = max(0, i - _CELL_WINDOW)
    opened = max(html.rfind(b"<td", lo, i), html.rfind(b"<th", lo, i), html.rfind(b"<TD", lo, i),
                 html.rfind(b"<TH", lo, i))
    if opened < 0:
        return False
    closed = max(html.rfind(b"</td", lo, i), html.rfind(b"</th", lo, i), html.rfind(b"</TD", lo, i),
                 html.rfind(b"</TH", lo, i), html.rfind(b"</table", lo, i), html.rfind(b"</TABLE", lo, i))
    return opened > closed


@functools.cache
def _grid_core_words() -> tuple[str, ...]:
    names = {normalize_label(w) for w in catalog.labels()["material_fields"]["name"]}
    return tuple(sorted(w for w in names if not any(o != w and o in w for o in names)))


def _grid_hits(root):
    xp, names = _grid_names()
    for t in xp(root):
        if len(t) > 40 or normalize_label(t) not in names:
            continue
        el = t.getparent()
        if t.is_tail or el is None or el.tag in ("td", "th", "tr", "table"):
            continue
        yield el


def _class_tokens(el) -> list[str]:
    cls = el.get("class")
    return cls.split() if cls else []


def _elem_children(el) -> list:
    return [c for c in el if isinstance(c.tag, str)]


def find_div_grids(root, base: str, skip: set) -> tuple[dict, set]:
    """Materials laid out as a grid of block elements: a header row whose cells
    name material columns, then rows with as many cells."""
    structs: dict = {}
    hide: set = set()
    texts_of = _Texts()
    for hit in _grid_hits(root):
        node, header_row, header = hit, None, None
        for _ in range(3):
            parent = node.getparent()
            if parent is None or parent.tag in ("td", "th", "tr", "table", "body"):
                break
            cells = _elem_children(parent)
            if 2 <= len(cells) <= 20:
                texts = [texts_of[c] for c in cells]
                m = _map_header(texts, match_material_header)
                # a header row is (nearly) all headers; label/value pairs
                # (dt/dd of one material) are not a header row
                if _is_materials_header(m, texts) and len(m) >= 2 \
                        and 3 * len(m) >= 2 * sum(1 for t in texts if t):
                    header_row, header = parent, m
                    break
            node = parent
        if header_row is None or header_row in structs or header_row in hide:
            continue
        if any(a in skip or a.tag == "table" for a in header_row.iterancestors()):
            continue
        hcells = _elem_children(header_row)
        ncols = len(hcells)
        head_texts = [texts_of[c] for c in hcells]
        # class hints: a data cell "clmc_con" sits under the header cell "clmc"
        hint = {tok: i for i, c in enumerate(hcells) for tok in _class_tokens(c)}
        rows = []
        for sib in header_row.itersiblings():
            kids = _elem_children(sib)
            if abs(len(kids) - ncols) <= 1 and len(kids) >= 2:
                rows.append(sib)
            else:
                sub = [k for k in kids if abs(len(_elem_children(k)) - ncols) <= 1 and len(_elem_children(k)) >= 2]
                if sub:
                    rows.extend(sub)
                    hide.add(sib)
                    continue
                continue
            hide.add(sib)

        def cells_of(row, _n=ncols, _hint=hint):
            kids = _elem_children(row)
            if not _hint:
                return kids
            out = [None] * _n
            rest = []
            for k in kids:
                pos = None
                for tok in _class_tokens(k):
                    for htok, i in _hint.items():
                        if tok != htok and tok.startswith(htok):
                            pos = i
                            break
                    if pos is not None:
                        break
                if pos is not None and out[pos] is None:
                    out[pos] = k
                else:
                    rest.append(k)
            for i in range(_n):
                if out[i] is None and rest:
                    out[i] = rest.pop(0)
            empty = etree.Element("span")
            return [c if c is not None else empty for c in out]

        structs[header_row] = _build("materials", 0, header, head_texts, rows, base, cells_of, texts_of, [])
    return structs, hide
