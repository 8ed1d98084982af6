"""Materials read from the lines of a materials section, whatever the markup:

- one block per material (a card, a nested dl, div pairs): lines that name a
  material field ("材料来源：申请人自备", or a bare "份数" label followed by its
  value) fill the current material; a plain line before them (the card's
  title) or a "材料名称" field starts the next one; a line of links only
  (空白表格 / 示例样表) gives the current material its form and sample;
- running text, one material per numbered line or item:
  `1.《…申请表》（原件1份，申请人自备） 空白表格下载` gives the name, then
  source, copies, medium and required from the bracketed notes when every part
  of them says one of these, and the form and sample from the line's links.

Words come from labels.yaml (material_fields) and html_hints.yaml (material_text).
"""
from __future__ import annotations

import functools
import re

from .. import catalog
from ..model import Material
from .html_common import link_role, web_href
from .labels import normalize_label
from .text import collapse

_TRAIL = "；;。，,、 "
# A list marker at the start of an item; "4.1:500地形图" is item 4 named
# "1:500地形图" (a number followed by ':' is part of the name).
_MARKER_RE = re.compile(
    r"^\s*(?:[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]|[①-⑳]"
    r"|\d{1,2}\s*[、.．)）](?!\d(?!\d*[:：]))|[一二三四五六七八九十]{1,3}\s*[、.．]|第\d{1,2}项)\s*"
)
_BRACKET_END_RE = re.compile(r"[（(]([^（()）]*)[)）]\s*$")
_PART_SPLIT_RE = re.compile(r"[，,、；;/／\s]+")


@functools.cache
def _text_hints():
    from .html_blocks import hints

    h = hints().get("material_text", {}) or {}
    copies = re.compile(h.get("copies_re") or r"(?!x)x")
    media = tuple(sorted((str(w) for w in h.get("media", []) or ()), key=len, reverse=True))
    source = re.compile(h.get("source_re") or r"(?!x)x")
    required = tuple(sorted((str(w) for w in h.get("required", []) or ()), key=len, reverse=True))
    links = tuple(sorted((str(w) for w in h.get("link_words", []) or ()), key=len, reverse=True))
    return copies, media, source, required, links


_FIELD_SETS = {"materials": "material_fields", "process": "process_fields"}


def _field_words(kind: str) -> dict:
    if kind == "windows":
        from .html_blocks import hints

        return hints().get("window_table", {}) or {}
    return catalog.labels()[_FIELD_SETS[kind]]


@functools.cache
def _field_re(kind: str = "materials") -> re.Pattern:
    """"<field header>：" anywhere after a separator (or at the start)."""
    words = set()
    for ws in _field_words(kind).values():
        for w in ws or ():
            words.add(re.escape(str(w)))
    alt = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[\s；;，,|。]))\*?\s*({alt})\s*[：:]")


def _header(text: str, kind: str, loose: bool = True) -> str | None:
    from .labels import _materials, _process

    if kind == "windows":
        from .html_rowtables import _tables

        return _tables()["window_table"].match(text, False)
    return (_materials() if kind == "materials" else _process()).match(text, loose)


_FIELD_CACHE: dict[tuple, object] = {}


def field_of_line(text: str, kind: str = "materials"):
    """(field, value) when the line starts with a material (or process-step)
    field ("份数：1份", "办理时限：即办"), (field, None) when it is a bare field
    label ("材料来源"), else None."""
    ck = (text, kind)
    hit = _FIELD_CACHE.get(ck, 0) if len(text) <= 40 else 0
    if hit != 0:
        return hit
    out = None
    s = text.strip()
    m = _field_re(kind).match(s)
    if m:
        if not _element_word(m.group(1), kind):
            out = (_header(m.group(1), kind), s[m.end():].strip())
    elif len(s) <= 16 and "：" not in s.rstrip("：:") and ":" not in s.rstrip("：:"):
        f = _header(s, kind, False)
        if f is not None and normalize_label(s) and not _element_word(s, kind):
            out = (f, None)
    if len(text) <= 40 and len(_FIELD_CACHE) < 20000:
        _FIELD_CACHE[ck] = out
    return out


def line_field(text: str, line, kind: str = "materials"):
    """field_of_line, or (field, value) when the line's first inline element is
    a field label and the rest its value (<span>份数</span><span>1份</span>)."""
    f = field_of_line(text, kind)
    if f is not None or line is None or not line.bounds:
        return f
    raw = line.text
    lead = len(raw) - len(raw.lstrip())
    cut = next((b for b in line.bounds if b > lead), 0)
    if not cut or cut >= len(raw) or cut - lead > 16:
        return None
    head = raw[lead:cut].strip().rstrip("：:")
    rest = collapse(raw[cut:]).lstrip("：: ")
    if not rest or collapse(raw) != collapse(text):
        return None
    g = field_of_line(head, kind)
    if g is None or g[1] is not None:
        return None
    return g[0], rest


def has_field(text: str, kind: str = "materials", line=None) -> bool:
    """Does the line hold a field, at its start or after a separator
    ("…进行实质性审查。时限：二个工作日")?"""
    if line_field(text, line, kind) is not None:
        return True
    return len(text) <= 400 and _field_re(kind).search(text) is not None


def _element_word(label: str, kind: str) -> bool:
    """A field word that is also an element's own label (受理标准 is the
    conditions; 名称 the item's name) opens that element, not a field."""
    from .labels import match_label

    if kind == "windows":
        return False  # a window's 办理时间 is the window's hours
    key = match_label(label, loose=False)
    return key is not None and key != kind and key != "name"  # 名称 in a material's block is its name


def _pairs_in(text: str, kind: str = "materials") -> list[tuple[str, str]]:
    """Every "field：value" pair in one line ("来源：自备 份数：1份")."""
    ms = list(_field_re(kind).finditer(text))
    out = []
    for k, m in enumerate(ms):
        end = ms[k + 1].start() if k + 1 < len(ms) else len(text)
        f = _header(m.group(1), kind)
        if f is not None:
            out.append((f, collapse(text[m.end():end]).strip(_TRAIL + "|｜")))
    return out


def strip_marker(text: str) -> str:
    return _MARKER_RE.sub("", text, count=1)


def _classify(part: str):
    copies, media, source, required, _ = _text_hints()
    m = copies.search(part)
    if m and m.start() == 0 or (m and any(part.startswith(w) for w in media)):
        return "copies"
    if part in media or any(part == w + "件" for w in media):
        return "medium"
    if any(part == w for w in required):
        return "required"
    if source.search(part):
        return "source"
    return None


def _apply_notes(mat: Material, inner: str) -> bool:
    """Fill fields from a bracket's text when every part of it is a field."""
    parts = [p for p in _PART_SPLIT_RE.split(inner) if p]
    if not parts:
        return False
    kinds = [_classify(p) for p in parts]
    if any(k is None for k in kinds):
        return False
    _, media, _, _, _ = _text_hints()
    for p, k in zip(parts, kinds):
        if k == "copies":
            med = next((w for w in media if p.startswith(w)), None)
            if med and mat.medium is None:
                mat.medium = med
                p = p[len(med):].strip()
            mat.copies = f"{mat.copies}；{p}" if mat.copies else p
        elif k == "medium":
            mat.medium = f"{mat.medium}、{p}" if mat.medium else p
        else:
            cur = getattr(mat, k)
            setattr(mat, k, f"{cur}；{p}" if cur else p)
    return True


def material_from_text(text: str, link_texts: list[str] = ()) -> Material | None:
    """One material from its line: the name without numbering, link words and
    a trailing bracket whose parts all say source / copies / medium / required."""
    _, _, _, _, words = _text_hints()
    name = collapse(strip_marker(collapse(text))).strip(_TRAIL)
    tails = sorted({t for t in link_texts if t} | set(words), key=len, reverse=True)
    changed = True
    while changed and name:
        changed = False
        for w in tails:
            if name.endswith(w) and len(name) > len(w):
                name = name[: -len(w)].rstrip(_TRAIL + "|｜")
                changed = True
                break
    mat = Material(name=name)
    for _ in range(3):
        m = _BRACKET_END_RE.search(name)
        if not m or m.start() == 0 or not _apply_notes(mat, m.group(1).strip()):
            break
        name = name[: m.start()].rstrip(_TRAIL)
    mat.name = name
    return mat if name else None


_VALUE_TAG = {"dd": True, "td": True}
_INDEX_RE = re.compile(r"^\s*(?:\d{1,3}|[①-⑳])\s*[、.．:：]?\s*$")


def _drop_index_span(text: str, line) -> str:
    """A leading inline element holding only the material's number
    (<span class="idx">1</span><span>申请书</span>) is its list marker."""
    if line is None or not line.bounds or not text:
        return text
    raw = line.text
    cut = next((b for b in line.bounds if b > 0), 0)
    if cut and cut < len(raw) and _INDEX_RE.match(raw[:cut]) and raw[cut:].strip():
        return collapse(raw[cut:])
    return text


def _only_links(text: str, link_texts: list[str]) -> bool:
    rest = text
    for t in sorted(link_texts, key=len, reverse=True):
        if t:
            rest = rest.replace(t, "")
    return bool(link_texts) and not rest.strip(_TRAIL + "|｜/")


def _set(mat: Material, f: str, value: str) -> None:
    if not value or f in ("form_url", "sample_url"):
        return
    if f == "name":
        mat.name = value
        return
    cur = getattr(mat, f)
    setattr(mat, f, f"{cur}；{value}" if cur else value)


class _Reader:
    def __init__(self, base: str):
        self.base = base
        self.mats: list[Material] = []
        self.links: list[tuple[str, str, str, int]] = []  # (text, url, role, material index)
        self.used: set = set()  # <a> elements given to a material

    def attach(self, line, column: str | None = None, text: str | None = None) -> None:
        """Give the line's links to the current material. `column`: the field
        the whole line is the value of; `text`: the line, whose "表格下载：<a>"
        pairs say which field each link is the value of."""
        if line is None or not self.mats:
            return
        idx = len(self.mats) - 1
        mat = self.mats[idx]
        found = list(_field_re().finditer(text)) if text else []
        marks = [(m.start(), _header(m.group(1), "materials")) for m in found]
        labels = [(m.start(), m.end()) for m in found]
        cursor = 0
        for a, href in line.links:
            url = web_href(href, self.base)
            if not url:
                continue
            t = collapse("".join(a.itertext()))
            col = column
            if marks and t:
                pos = text.find(t, cursor)
                while pos >= 0 and any(a0 <= pos < a1 for a0, a1 in labels):
                    pos = text.find(t, pos + 1)  # "下载" inside the label "表格下载：" is not the link
                if pos >= 0:
                    cursor = pos + len(t)
                    before = [f for start, f in marks if start < pos]
                    if before and before[-1] in ("form_url", "sample_url"):
                        col = before[-1]
            role = link_role(t, url, "materials", col)
            if role == "form" and mat.form_url is None:
                mat.form_url = url
            elif role == "sample" and mat.sample_url is None:
                mat.sample_url = url
            elif role not in ("form", "sample"):
                continue
            self.links.append((t, url, role, idx))
            self.used.add(a)


def _link_texts(line) -> list[str]:
    if line is None or not line.links:
        return []
    return [collapse("".join(a.itertext())) for a, _ in line.links]


def materials_from_items(items: list[tuple[str, str, object]], base: str = ""):
    """(materials, links [(text, url, role, index)], <a> elements used) from a
    materials section's items (text, block tag, Line or None); ([], [], set())
    when the lines do not read as materials (numbered_items then decides)."""
    n_fields = 0
    for text, _, line in items:
        f = line_field(collapse(text), line)
        if f is not None and f[0] != "name":
            n_fields += 1
    rd = _Reader(base)
    if n_fields >= 2:
        _blocks(items, rd)
    else:
        _running(items, rd)
    return rd.mats, rd.links, rd.used


def _blocks(items, rd: _Reader) -> None:
    pending: str | None = None
    fields_seen = False  # the current material has a field beyond its name
    for raw, tag, line in items:
        text = _drop_index_span(collapse(raw), line)
        if not text:
            continue
        lt = _link_texts(line)
        if _only_links(text, lt) and pending is None:
            rd.attach(line)
            continue
        if pending is None and _INDEX_RE.match(text):
            continue  # a material's number on a line of its own
        # in the value position (the dd after a dt, a cell of links) a text
        # that reads as a field label ("空表下载" as the link's text) is the value
        f = None if pending is not None and (lt or _VALUE_TAG.get(tag)) else line_field(text, line)
        if f is not None:
            field, value = f
            if value is None:
                pending = field
                continue
            pending = None
            if field == "name":
                rd.mats.append(Material(name=strip_marker(value).strip(_TRAIL)))
                fields_seen = False
                continue
            if not rd.mats:
                continue
            for fld, val in _pairs_in(text) or [(field, value)]:
                if fld == "name":
                    continue
                _set(rd.mats[-1], fld, val)
            fields_seen = True
            rd.attach(line, text=text)
            continue
        if pending is not None:
            field, pending = pending, None
            if field == "name":
                rd.mats.append(Material(name=strip_marker(text).strip(_TRAIL)))
                fields_seen = False
            elif rd.mats:
                if field in ("form_url", "sample_url"):
                    rd.attach(line, field)
                elif not _only_links(text, lt):
                    _set(rd.mats[-1], field, text)
                    fields_seen = True
                rd.attach(line)
            continue
        if _only_links(text, lt):
            rd.attach(line)
            continue
        if rd.mats and not fields_seen and rd.mats[-1].name:
            _set(rd.mats[-1], "notes", text)
            continue
        mat = material_from_text(text, lt)
        if mat is not None:
            rd.mats.append(mat)
            fields_seen = False
            rd.attach(line)


_LOOSE_MARKER_RE = re.compile(r"^\s*(\d{1,2})\s*[、.．]\s*")


def _item_start(text: str, expect: int) -> int | None:
    """Where the name starts when the line opens a list item, else None. A
    number glued to digits ("2.2寸照片", "4.1:500地形图") is a marker only
    when it is the number the list expects next."""
    m = _MARKER_RE.match(text)
    if m:
        return m.end()
    m = _LOOSE_MARKER_RE.match(text)
    if m and int(m.group(1)) == expect:
        return m.end()
    return None


def _running(items, rd: _Reader) -> None:
    """One material per line, when (nearly) every line starts with a list marker."""
    lines = [(_drop_index_span(collapse(t), ln), ln) for t, _, ln in items if collapse(t)]
    if len(lines) < 2:
        return
    starts = []
    expect = 1
    for text, _ in lines:
        at = _item_start(text, expect)
        starts.append(at)
        if at is not None:
            expect += 1
    marked = sum(1 for at in starts if at is not None)
    if marked < max(2, len(lines) - 1) or starts[0] is None:
        return
    for (text, line), at in zip(lines, starts):
        lt = _link_texts(line)
        if at is None:
            if rd.mats and not _only_links(text, lt):
                _set(rd.mats[-1], "notes", text)
            rd.attach(line)
            continue
        mat = material_from_text(text[at:], lt)
        if mat is not None:
            rd.mats.append(mat)
            rd.attach(line)


# ---------------------------------------------------------------- windows as blocks

def windows_from_items(items: list[tuple[str, str, object]]) -> dict[str, str]:
    """{location, hours, consult_phone} from a windows section (a heading such
    as 办理窗口, then one block of "地址：…", "电话：…" lines per window)."""
    wins: list[dict] = []
    pending = None
    for raw, tag, line in items:
        text = collapse(raw)
        if not text:
            continue
        f = None if pending is not None and _VALUE_TAG.get(tag) else line_field(text, line, "windows")
        if f is not None:
            field, value = f
            if value is None:
                pending = field
                continue
            pairs = _pairs_in(text, "windows") or [(field, value)]
        elif pending is not None:
            pairs, pending = [(pending, text)], None
        else:
            continue
        for fld, val in pairs:
            if not wins or fld in wins[-1] or (fld == "window" and len(wins[-1]) > 0):
                wins.append({})
            wins[-1][fld] = val
    out = {}
    for key in ("location", "hours", "consult_phone"):
        vals = [w.get(key) or (w.get("window") if key == "location" else None) for w in wins]
        vals = list(dict.fromkeys(v for v in vals if v))
        if vals and any(key in w for w in wins):
            out[key] = "；".join(vals)
    return out
