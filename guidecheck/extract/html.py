"""The generic HTML extractor: a saved guide page -> GuideRecord.

No per-site code. The page is parsed with lxml's HTML parser, scripts, styles
and templates are dropped, structured tables/grids (materials, process, FAQ)
are read as a whole (html_tables), and the rest is linearised into lines
(html_lines). A line that starts with a label (matched by meaning, labels.py)
opens a section; the section's value is the text up to the next label or
heading. This one rule covers th/td tables (two or four columns), dl/dt/dd,
div/span pairs, "一、事项名称：…" running text and h2 sections alike.

What sits in the value position of a label (the td after a th, the dd after a
dt, the value div/span after a label one, the text after "label：") is a value
whatever it says: there a close variant of a label ("法定工作时间" contains
工作时间) is not a label, and after th/dt not even an exact synonym is; only an
explicit "label：" still starts a new element (_value_pos). Inside the FAQ, a
"办理时间：…" line right after a question answers it.

Parts are found by meaning whatever their markup (docs/extraction.md): read-only
form fields and accordion toggles are text (html_blocks), UI step components are
the process (html_blocks), one block or table per material is a materials list
(html_materials, html_rowtables), window and basis tables give location, hours,
phones and basis (html_rowtables), step blocks give steps (html_steps). Where
two readings compete, the element is recorded in GuideRecord.uncertain and
its findings become needs_review.

Speed: most of a portal page is chrome. Big link lists are cut from the bytes
before parsing and smaller ones (and nav/footer) from the tree before any
Python walks it (html_chrome); the page's own UTF-8 bytes are parsed
(decode.DecodedText) rather than the decoded str; label work is memoised by
string (labels recur on every page of a portal, values are not kept).
"""
from __future__ import annotations

import gc

from lxml import etree

from .. import catalog
from ..errors import ScriptShellError
from ..model import GuideRecord, Link
from .html_blocks import find_steps, is_generic_title, name_from_title, prepare_form_fields
from .html_chrome import cut_link_lists, prune_chrome
from .html_common import (
    DROP_TAGS,
    link_role,
    may_have_role,
    web_href,
)
from .html_common import (
    NONWEB_HREF as _NONWEB,
)
from .html_lines import linearise, mark_tabs
from .html_materials import materials_from_items, windows_from_items
from .html_parts import faq_from_lines, materials_from_lines, steps_from_lines
from .html_sections import (
    WINDOWS,
    _BARE_LABEL_RE,
    _PARSER_UTF8,
    _TEMPLATE_RE,
    _XML_DECL_RE,
    _Section,
    _sections,
)
from .html_steps import steps_from_blocks
from .html_tables import find_div_grids, find_tables, may_have_div_grid
from .labels import match_label
from .text import collapse

SHELL_MESSAGE = "页面的要素值由脚本加载（仅有标签、没有内容），请用浏览器渲染或调用门户的JSON接口后再检查"
# Shell: at least this many labelled elements, and at most this share with a value.
SHELL_MIN_LABELS = 4
SHELL_MAX_FILLED = 0.25



def _filled(value: str) -> bool:
    """A value with real text (not a template placeholder or a bare sub-label)."""
    if not value:
        return False
    if len(value) > 80 and "{" not in value:
        return True
    if "{" in value:
        value = _TEMPLATE_RE.sub("", value)
    if "：" not in value and ":" not in value:  # no sub-label to strip
        return bool(value.strip(" -—/"))
    return bool(_BARE_LABEL_RE.sub("", value).strip(" -—/"))


def _check_shell(source: str, secs: list[_Section], values: dict[str, str]) -> None:
    """Several labels and (almost) no values: the values come by script."""
    n = len(values)
    if n < SHELL_MIN_LABELS:
        return
    most = SHELL_MAX_FILLED * n
    filled = 0
    for v in values.values():
        if _filled(v):
            filled += 1
            if filled > most:
                return
    for s in secs:
        for st in s.structs:
            if st.materials or st.steps or st.faq:
                return
    raise ScriptShellError(source, SHELL_MESSAGE)


# ---------------------------------------------------------------- record

def _parse(text: str):
    """(root, the UTF-8 bytes parsed) or (None, b""). Bytes are parsed: the
    page's own when decode_html kept them (plain UTF-8), else the text as
    UTF-8; big link lists are cut out first (html_chrome.cut_link_lists)."""
    if not text.strip():
        return None, b""
    raw = getattr(text, "raw", None)
    if raw is None:
        if text.lstrip().startswith("<?xml"):
            text = _XML_DECL_RE.sub("", text, count=1)
            if not text.strip():
                return None, b""
        raw = text.encode("utf-8", "replace")
    src = cut_link_lists(raw)
    try:
        return etree.fromstring(src, _PARSER_UTF8), src
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None, b""


# Elements whose value is one text (not materials, process or FAQ).
_TEXT_KEYS = frozenset(k for k in catalog.labels()["elements"] if k not in ("materials", "process", "faq"))


def _competes(first: str, other: str) -> bool:
    """Two labelled values for one element that say different things (not the
    same text repeated, nor one inside the other as a tab pane repeats a summary)."""
    a, b = "".join(first.split()), "".join(other.split())
    return bool(a and b) and a not in b and b not in a


def _title_name(root) -> str:
    """The item's name from the page's h1 when no label gives it. A generic h1
    (办事指南 …) names the page, not the item: then the next heading may."""
    generic = False
    for h in root.iter("h1", "h2", "h3"):
        if h.tag != "h1" and not generic:
            continue
        name = collapse("".join(h.itertext()))
        if is_generic_title(name):
            generic = True
            continue
        for suffix in catalog.vocab().get("title_suffixes", []) or []:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)].rstrip(" -—·|：:")
        if is_generic_title(name):
            generic = True
            continue
        if 0 < len(name) <= 80 and match_label(name) is None:
            return name
        break
    return ""


def extract_html(text: str, source: str, url: str = "") -> list[GuideRecord]:
    """Guide records found in one HTML page (normally one; [] when the page has
    no recognised labels). Raises ScriptShellError for a page whose labels are
    printed but whose values are filled in by script. `url` (the page's
    address) makes link URLs absolute."""
    # Thousands of short-lived objects and no reference cycles: the cyclic
    # garbage collector only costs time here (about an eighth of the run).
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        return _extract(text, source, url)
    finally:
        if gc_was_on:
            gc.enable()


def _extract(text: str, source: str, url: str) -> list[GuideRecord]:
    root, src = _parse(text)
    if root is None:
        return []
    low = src.lower()
    title_el = root.find("head/title")
    page_title = "".join(title_el.itertext()) if title_el is not None else ""
    prepare_form_fields(root, low)
    etree.strip_elements(root, *DROP_TAGS, with_tail=False)
    body = root.find("body")
    if body is None:
        body = root
    prune_chrome(body)
    structs, skip = find_tables(body, url)
    steps = find_steps(body, low, skip)
    if steps:
        structs.update(steps)
    if may_have_div_grid(src):
        grids, hidden = find_div_grids(body, url, skip)
        structs.update(grids)
        skip |= hidden
    lines, starts = linearise(body, structs, skip)
    lines = mark_tabs(lines, starts, body)
    secs = _sections(lines)
    windows = [s for s in secs if s.key == WINDOWS]
    if windows:
        secs = [s for s in secs if s.key != WINDOWS]
    keyed = [s for s in secs if s.key is not None and not (s.implicit and not s.items and not s.structs)]
    if not keyed:
        return []

    chosen: dict[str, _Section] = {}
    values: dict[str, str] = {}
    uncertain: set[str] = set()
    for s in keyed:
        if values.get(s.key):
            if not s.implicit and s.key in _TEXT_KEYS and not chosen[s.key].implicit \
                    and _competes(values[s.key], s.value()):
                uncertain.add(s.key)
            continue  # the first section with a value wins
        v = s.value()
        if s.key not in chosen or v:
            chosen[s.key], values[s.key] = s, v
    for key, v in values.items():
        if key in _TEXT_KEYS and v and len(v) <= 16 and match_label(v, loose=False) not in (None, key):
            uncertain.add(key)  # the value reads as another element's label
    _check_shell(source, secs, values)
    for w in windows:  # a labelled element of the page wins over a window's block
        for key, v in windows_from_items([(t, tag, ln) for (t, tag), ln in zip(w.items, w.srcs)]).items():
            if not values.get(key):
                values[key] = v
                chosen.setdefault(key, w)
            elif _competes(values[key], v):
                uncertain.add(key)

    rec = GuideRecord(source=source, url=url, family="html")
    rec.present = set(chosen)
    rec.uncertain = uncertain
    link_rows: list[Link] = []
    used_links: set = set()  # <a> elements already given to a material

    # materials: every materials table/grid of the page, else the section text
    mat_names: list[str] = []
    for s in secs:
        for st in s.structs:
            if st.kind == "materials":
                base = len(rec.materials)
                rec.materials.extend(st.materials)
                mat_names.extend(m.name for m in st.materials if m.name)
                for t, u, role, mi in st.links:
                    link_rows.append(Link(url=u, text=collapse(t), role=role, element="materials",
                                          material=None if mi is None else base + mi))
            else:
                for t, u, role, mi in st.links:
                    link_rows.append(Link(url=u, text=collapse(t), role=role, element=s.key))
                if st.kind == "faq":
                    rec.faq.extend(st.faq)
                elif st.kind == "process" and s.key == "process":
                    rec.process_steps.extend(st.steps)
    if "materials" in chosen:
        if mat_names:
            values["materials"] = "；".join(mat_names)
        elif not rec.materials:
            sec = chosen["materials"]
            items = [(t, tag, ln) for (t, tag), ln in zip(sec.items, sec.srcs) if tag != "struct"]
            mats, mlinks, used_links = materials_from_items(items, url)
            if mats:
                rec.materials = mats
                for t, u, role, mi in mlinks:
                    link_rows.append(Link(url=u, text=t, role=role, element="materials", material=mi))
                values["materials"] = "；".join(m.name for m in mats if m.name)
            else:
                rec.materials = materials_from_lines([t for t, tag, _ in items])
    if "process" in chosen and not rec.process_steps:
        sec = chosen["process"]
        items = [(t, tag, ln) for (t, tag), ln in zip(sec.items, sec.srcs) if tag != "struct"]
        listed = steps_from_lines([t for t, _, _ in items], [tag for _, tag, _ in items], [ln for _, _, ln in items])
        rec.process_steps = listed if len(listed) >= 2 else (steps_from_blocks(items) or listed)
    if "faq" in chosen:
        rec.faq.extend(faq_from_lines([(t, tag) for t, tag in chosen["faq"].items if tag != "struct"]))

    rec.elements = values
    if values.get("name") and is_generic_title(values["name"]):
        del values["name"]
    if not values.get("name"):
        name = _title_name(body) or (name_from_title(page_title) if page_title else "")
        if name and match_label(name) is not None:
            name = ""
        if name:
            rec.elements["name"] = name

    for s in secs:
        for a, href in s.links:
            if href.lstrip()[:11].lower().startswith(_NONWEB) or a in used_links:
                continue
            t = "".join(a.itertext())
            if s.key is None and not may_have_role(t):
                continue
            t = collapse(t)
            role = link_role(t, href, s.key)
            if s.key is None and (role == "other" or (role == "policy" and "《" not in t)):
                continue  # page chrome outside the guide
            if s.implicit and s.key is not None and not s.items and role == "policy":
                role = "other"
            u = web_href(href, url)
            if u:
                link_rows.append(Link(url=u, text=t, role=role, element=s.key))
    seen = set()
    for link in link_rows:
        k = (link.url, link.role, link.material)
        if k not in seen:
            seen.add(k)
            rec.links.append(link)
    return [rec]
