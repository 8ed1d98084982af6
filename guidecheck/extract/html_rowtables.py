"""Tables read row by row into elements (html_hints.yaml):

- a window table (one row per window: name, address, hours, phone) gives
  location (the addresses; the window's name only where no address is
  given), hours and consult_phone (distinct values, in row order, joined by "；");
- a basis table (one row per legal document: document, number, article,
  content) gives basis, one "《文件》（文号）条款：内容" per document;
- a small table of "field | value" rows whose fields are material fields is
  one material (vertical_material);
- a label table laid out vertically (a row of labels, the row of their values
  below, repeated: Ant Design / Element-UI descriptions) gives every pair.
"""
from __future__ import annotations

import functools

from ..model import Material
from .html_common import link_role, web_href
from .labels import _Table, match_label
from .text import collapse

_JOIN = "；"


@functools.cache
def _tables() -> dict[str, _Table]:
    from .html_blocks import hints

    h = hints()
    return {kind: _Table(h.get(kind, {}) or {}, []) for kind in ("window_table", "basis_table")}


def _map(texts: list[str], kind: str) -> dict[int, str]:
    t = _tables()[kind]
    out = {}
    for i, x in enumerate(texts):
        if x and len(x) <= 24:
            f = t.match(x, False)
            if f is not None and f not in out.values():
                out[i] = f
    return out


def record_table_header(texts: list[str]) -> tuple[str, dict[int, str]] | None:
    """("window" | "basis", {column: field}) when a header row says so."""
    m = _map(texts, "window_table")
    f = set(m.values())
    # every other cell of a header row is short (序号): an address cell means
    # label | value pairs, not a header
    if len(f) >= 2 and f & {"location", "consult_phone"} \
            and all(len(t) <= 4 for i, t in enumerate(texts) if t and i not in m):
        return "window", m
    m = _map(texts, "basis_table")
    f = set(m.values())
    if "document" in f and f & {"number", "article", "content"}:
        return "basis", m
    return None


def _uniq(values: list[str]) -> str:
    return _JOIN.join(dict.fromkeys(v for v in values if v))


def read_record_table(kind: str, header: dict[int, str], rows: list[list[str]]) -> list[tuple[str, str]]:
    """(element key, value) pairs from the data rows (cell texts, aligned)."""
    col = {f: i for i, f in header.items()}

    def cell(row, f):
        i = col.get(f)
        return row[i].strip() if i is not None and i < len(row) and row[i] else ""

    rows = [r for r in rows if any(x.strip() for x in r) and len(set(r)) > 1]
    if kind == "window":
        locs, hours, phones = [], [], []
        for r in rows:
            locs.append(cell(r, "location") or cell(r, "window"))
            hours.append(cell(r, "hours"))
            phones.append(cell(r, "consult_phone"))
        out = []
        if "location" in col or "window" in col:
            out.append(("location", _uniq(locs)))
        if "hours" in col:
            out.append(("hours", _uniq(hours)))
        if "consult_phone" in col:
            out.append(("consult_phone", _uniq(phones)))
        return out
    docs = []
    for r in rows:
        doc = cell(r, "document")
        if not doc:
            continue
        if not doc.startswith("《"):
            doc = f"《{doc}》"
        num, art, content = cell(r, "number"), cell(r, "article"), cell(r, "content")
        text = doc + (f"（{num}）" if num else "") + art
        if content:
            text += f"：{content}"
        docs.append(text.rstrip("。；;，, "))
    return [("basis", _JOIN.join(docs))]


def label_row(texts: list[str], minimum: int = 2) -> list[str | None] | None:
    """Element keys of a row made only of labels (`minimum` or more), else None."""
    keys = [match_label(t, loose=False) if t else None for t in texts]
    if sum(1 for k in keys if k) >= minimum and all(k or not t for k, t in zip(keys, texts)):
        return keys
    return None


def read_vertical_pairs(grid_texts: list[list[str]], first_keys: list[str | None]) -> list[tuple[str, str]]:
    """Label row, value row, label row, value row …: every (key, value)."""
    out: list[tuple[str, str]] = []
    keys = first_keys
    expect_values = True
    for texts in grid_texts:
        if expect_values:
            seen = set()
            for i, k in enumerate(keys):
                if k and i < len(texts) and (k, i) not in seen:
                    seen.add((k, i))
                    out.append((k, texts[i]))
            expect_values = False
            continue
        nxt = label_row(texts, 1)  # a last row may hold a single label
        if nxt is None:
            break
        keys, expect_values = nxt, True
    # a label spanning two columns repeats: keep one pair per key and value
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- one table per material

_MAX_VERTICAL_ROWS = 16


def vertical_material(table, rows, grid_of, texts_of, base: str):
    """A small table that is one material: field label cells, each followed by
    its value cell (材料名称 | 申请书 / 来源渠道 | 申请人自备 …). Returns a
    Struct(materials) or None. The name comes from a "材料名称" row, else from
    the table's caption or the title line just before it."""
    from .html_materials import _TRAIL, _set, field_of_line, strip_marker
    from .html_tables import Struct

    if not rows or len(rows) > _MAX_VERTICAL_ROWS:
        return None
    first = next((c for c in rows[0] if isinstance(c.tag, str) and c.tag in ("td", "th")), None)
    if first is None or field_of_line(texts_of[first]) is None:
        return None
    pairs = []
    for row in grid_of(rows):
        cells = list(dict.fromkeys(row))
        if len(cells) % 2:
            return None
        for k in range(0, len(cells), 2):
            f = field_of_line(texts_of[cells[k]])
            if f is None or f[1]:
                return None
            pairs.append((f[0], cells[k + 1]))
    labelled = sum(1 for _, cell in pairs if field_of_line(texts_of[cell]) is not None)
    if labelled * 2 > len(pairs):
        return None  # a header row of a materials table, not label | value
    fields = {f for f, _ in pairs}
    if len(fields - {"name"}) < 2:
        return None
    mat = Material()
    st = Struct("materials", section="materials")
    for f, cell in pairs:
        value = texts_of[cell]
        if f in ("form_url", "sample_url") or len(cell):
            for a in cell.iter("a"):
                url = web_href(a.get("href"), base)
                if not url:
                    continue
                t = collapse("".join(a.itertext()))
                role = link_role(t, url, "materials", f if f in ("form_url", "sample_url") else None)
                if role == "form" and mat.form_url is None:
                    mat.form_url = url
                elif role == "sample" and mat.sample_url is None:
                    mat.sample_url = url
                else:
                    continue
                st.links.append((t, url, role, 0))
        if f not in ("form_url", "sample_url"):
            _set(mat, f, strip_marker(value).strip(_TRAIL) if f == "name" else value)
    if not mat.name:
        mat.name = _title_before(table)
    if not mat.name:
        return None
    st.materials.append(mat)
    st.text = mat.name
    return st


def _title_before(table) -> str:
    from .html_materials import _TRAIL, field_of_line, strip_marker

    cap = table.find("caption")
    if cap is not None:
        t = collapse("".join(cap.itertext()))
        if t:
            return strip_marker(t).strip(_TRAIL)
    prev = table.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    if prev is None or prev.tag == "table":
        return ""
    t = collapse("".join(prev.itertext()))
    if 0 < len(t) <= 60 and field_of_line(t) is None:
        return strip_marker(t).strip(_TRAIL)
    return ""
