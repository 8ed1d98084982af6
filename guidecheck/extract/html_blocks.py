"""Page parts found by meaning whatever their markup, driven by
element_rules/html_hints.yaml:

- read-only form fields (`<input readonly value>`, `<textarea readonly>`) are
  page text, and a <button> that toggles a collapsed part (an accordion's FAQ
  question) keeps its text; other buttons and fields stay dropped;
- step components of UI frameworks (el-steps, ant-steps, ivu-steps, timelines)
  are the process, one step per item: its title part names the step, the rest
  is its detail (decoration such as step numbers in circles is left out);
- a generic page heading (办事指南 …) never names the item.
"""
from __future__ import annotations

import functools
import re

from lxml import etree

from .. import catalog
from ..model import ProcessStep
from .html_common import BLOCK_TAGS
from .html_materials import strip_marker
from .html_tables import Struct
from .labels import normalize_label
from .text import collapse

_HINTS_FILE = catalog.DATA_DIR / "html_hints.yaml"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@functools.cache
def hints() -> dict:
    return catalog._read_yaml(_HINTS_FILE) or {}


# ---------------------------------------------------------------- form fields

@functools.cache
def _form_hints():
    h = hints()
    ro = tuple(h.get("readonly_attrs", []) or ())
    toggles = tuple(h.get("button_toggle_attrs", []) or ())
    tcls = tuple(w.lower() for w in h.get("button_toggle_class", []) or ())
    return ro, toggles, tcls


@functools.cache
def _ro_words() -> tuple[bytes, ...]:
    ro, _, _ = _form_hints()
    return tuple({a.lower().encode() for a in ro})


@functools.cache
def _toggle_words() -> tuple[bytes, ...]:
    _, toggles, tcls = _form_hints()
    return _core([*toggles, *tcls])


def _core(words) -> tuple[bytes, ...]:
    """The words no shorter one of the list is part of (a page holding none
    of these holds none of the list)."""
    ws = {w.lower() for w in words}
    return tuple(sorted(w.encode() for w in ws if not any(o != w and o in w for o in ws)))


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _as_text(el, text: str | None, tag: str = "span") -> None:
    """Turn a form field into plain text in place (its tail stays)."""
    tail = el.tail
    el.attrib.clear()  # (deleting key by key re-encodes names a broken page may have mangled)
    for c in list(el):
        el.remove(c)
    el.tag = tag
    el.text = _XML_UNSAFE.sub("", text) if text else text  # lxml refuses control characters
    el.tail = tail


def prepare_form_fields(root, low: bytes) -> None:
    """Read-only fields become their value; toggle buttons become inline text.
    Runs before script/button/textarea dropping (html_common.DROP_TAGS).
    `low`: the page's bytes in lower case (cheap tests before any walk)."""
    if b"<input" in low or b"<textarea" in low:
        ro, _, _ = _form_hints()
        if any(w in low for w in _ro_words()):
            for el in _ro_fields()(root):
                if el.tag == "input":
                    kind = (el.get("type") or "text").lower()
                    if kind in ("hidden", "button", "submit", "reset", "image", "file", "password",
                                "checkbox", "radio"):
                        continue
                    _as_text(el, el.get("value"))
                else:
                    _as_text(el, el.text, "div")
    if b"<button" in low:
        # the page's few buttons first: the scan for toggle words (a dozen
        # passes over the bytes) only when one of them may toggle
        _, toggles, tcls = _form_hints()
        hits = [el for el in root.iter("button") if _toggles(el, toggles, tcls)]
        if hits and any(w in low for w in _toggle_words()):
            for el in hits:
                el.tag = "span"


@functools.cache
def _ro_fields() -> etree.XPath:
    """Read-only inputs and textareas, found by lxml (no Python walk)."""
    ro, _, _ = _form_hints()
    has = " or ".join(f"@{a}" for a in ro) or "false()"
    return etree.XPath(f"//input[{has}] | //textarea[{has}]")


def _toggles(el, toggles, tcls) -> bool:
    """A button that toggles a collapsed part: one of the toggle attributes, or
    a class holding one of the toggle words (in ASCII lower case)."""
    for a in toggles:
        if el.get(a) is not None:
            return True
    cls = el.get("class") or ""
    low = cls.lower() if cls.isascii() else cls.translate(_ASCII_LOWER)
    return any(w in low for w in tcls)


# ---------------------------------------------------------------- step components

@functools.cache
def _step_hints():
    s = hints().get("steps", {}) or {}
    items = tuple(str(w).lower() for w in s.get("item", []) or ())
    exact = frozenset(str(w).lower() for w in s.get("item_exact", []) or ())
    title = tuple(str(w).lower() for w in s.get("title", []) or ())
    deco = tuple(str(w).lower() for w in s.get("decoration", []) or ())
    content = tuple(str(w).lower() for w in s.get("content", []) or ())
    aside = tuple(str(w).lower() for w in s.get("aside", []) or ())
    words = sorted({w for w in items} | {w for w in exact}, key=len, reverse=True)
    # one search over the page's bytes (a class attribute naming a step), then
    # one regex per class value: a token equal to a fragment or ending in "-" + one
    cheap = _core(words)
    token = re.compile(rf"(?:^|\s)(?:\S*-)?(?:{'|'.join(re.escape(w) for w in items)})(?=\s|$)"
                       rf"|(?:^|\s)(?:{'|'.join(re.escape(w) for w in exact) or '(?!x)x'})(?=\s|$)", re.IGNORECASE)
    return items, exact, title, deco, content + tuple("@" + w for w in aside), (cheap, token)


_SEG_RE = re.compile(r"[-_]+")


_ROLE_CACHE: dict[str, str | None] = {}


def _part_role(cls: str | None, title, deco, content) -> str | None:
    """Memoised _part_role_of (class values recur on every page of a portal)."""
    if not cls:
        return None
    hit = _ROLE_CACHE.get(cls, 0)
    if hit == 0:
        hit = _part_role_of(cls, title, deco, content)
        if len(_ROLE_CACHE) < 10000:
            _ROLE_CACHE[cls] = hit
    return hit


def _part_role_of(cls: str | None, title, deco, content) -> str | None:
    """title | content | decoration | None, from the last segment of each
    class token ("el-step__title" -> title, "layui-timeline-axis" -> axis:
    decoration; the framework's own prefix says nothing)."""
    if not cls:
        return None
    low = cls.lower()
    if any(w[0] == "@" and w[1:] in low for w in content):
        return "aside"
    segs = [_SEG_RE.split(tok)[-1] for tok in low.split()]
    segs = [s for s in segs if s]
    content = tuple(w for w in content if w[0] != "@")
    for words, role in ((title, "title"), (content, "content"), (deco, "decoration")):
        if any(w in s for s in segs for w in words):
            return role
    return None


def _step_parts(item, title, deco, content) -> tuple[list[str], list[str]]:
    """(title texts, other texts) of one step item, in page order."""
    titles: list[str] = []
    rest: list[str] = []

    def walk(el, role):
        r = _part_role(el.get("class"), title, deco, content) if el is not item else None
        if r == "decoration":
            return
        if r == "aside":
            role = "content"  # inside the title too
        elif r is not None and role != "title":
            role = r
        out = titles if role == "title" else rest
        if el.text and el.text.strip():
            out.append(el.text)
        for c in el:
            if isinstance(c.tag, str):
                if c.tag in BLOCK_TAGS:
                    out.append("\n")
                walk(c, role)
                if c.tag in BLOCK_TAGS:
                    out.append("\n")
            if c.tail and c.tail.strip():
                out.append(c.tail)

    walk(item, None)
    return titles, rest


def _lines(parts: list[str]) -> list[str]:
    return [t for t in (collapse(x) for x in "".join(parts).split("\n")) if t]


def _step_of(item, title, deco, content) -> ProcessStep | None:
    from .html_parts import duration_of, step_from_text

    t_parts, r_parts = _step_parts(item, title, deco, content)
    t_lines, r_lines = _lines(t_parts), _lines(r_parts)
    if len(t_lines) > 1:  # a title part holding the name and, below it, the detail (Vant)
        t_lines, r_lines = t_lines[:1], t_lines[1:] + r_lines
    if t_lines:
        t_lines = [strip_marker(t_lines[0]) or t_lines[0]]
        name = " ".join(t_lines)
        detail = " ".join(r_lines) or None
        step = step_from_text(name)
        if detail:
            # a part that is only a duration (a timeline's time stamp) first
            dur = next((d for d in (duration_of(x) for x in r_lines if len(x) <= 12) if d), None) \
                or duration_of(detail)
            return ProcessStep(name=step.name, duration=step.duration or dur,
                               detail=None if detail == dur else detail)
        return step
    if not r_lines:
        return None
    if len(r_lines) == 1:
        return step_from_text(r_lines[0])
    first = step_from_text(r_lines[0])
    detail = " ".join(r_lines[1:])
    dur = first.duration or duration_of(detail)
    return ProcessStep(name=first.name, duration=dur,
                       detail=" ".join(x for x in (first.detail, detail) if x) or None)


def _with_class(body, words: tuple[str, ...]):
    """Elements under `body` whose class, in ASCII lower case, holds one of the
    words, in document order. A Python walk: an XPath translate() per element
    cost about five times as much."""
    lower = _ASCII_LOWER
    for el in body.iterdescendants():
        cls = el.get("class")
        if cls:
            low = cls.lower() if cls.isascii() else cls.translate(lower)
            for w in words:
                if w in low:
                    yield el
                    break


def find_steps(body, low: bytes, skip: set) -> dict:
    """{container element: Struct(process)} for every group of two or more step
    items under one parent. `low`: the page's bytes in lower case."""
    items, exact, title, deco, content, (cheap, token) = _step_hints()
    present = tuple(w.decode() for w in cheap if w in low)
    if not present:
        return {}
    groups: dict = {}
    search = token.search
    for el in _with_class(body, present):
        cls = el.get("class")
        if not cls or search(cls) is None:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        groups.setdefault(parent, []).append(el)
    out: dict = {}
    for parent, members in groups.items():
        if len(members) < 2 or parent in skip or any(a in out for a in parent.iterancestors()):
            continue
        steps = [s for s in (_step_of(m, title, deco, content) for m in members) if s is not None]
        if len(steps) < 2:
            continue
        st = Struct("process", steps=steps, section="process")
        st.text = "；".join(" ".join(x for x in (s.name, s.detail) if x) for s in steps)
        out[parent] = st
    return out


# ---------------------------------------------------------------- generic titles

@functools.cache
def _generic_titles() -> frozenset[str]:
    words = list(hints().get("generic_titles", []) or ())
    words += catalog.vocab().get("title_suffixes", []) or []
    return frozenset(normalize_label(str(w)) for w in words if w)




def is_generic_title(text: str) -> bool:
    """A heading that names the page (办事指南, 事项详情 …), not the item."""
    norm = normalize_label(text)
    return not norm or norm in _generic_titles()


_TITLE_SPLIT_RE = re.compile(r"\s*(?:[-_|｜—–·]|\s{2,})\s*")


def name_from_title(title: str) -> str:
    """The item's name from the page's <title> ("营业性演出审批 - 济南市政务服务网"):
    the first part that is neither a generic heading nor the site's name."""
    ends = tuple(hints().get("site_name_endings", []) or ())
    for part in _TITLE_SPLIT_RE.split(collapse(title)):
        part = part.strip()
        if 2 <= len(part) <= 60 and not is_generic_title(part) and not part.endswith(ends):
            return part
    return ""
