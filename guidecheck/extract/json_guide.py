"""Finding the guide objects of a JSON payload, by the meaning of their keys.

    find_guides(obj) -> (guides, catalog_entries)

A guide is gathered from one object and the objects under it: its own fields
come first (the primary view), then the fields of nested objects (`data`,
`AUDIT_ITEM_EXTEND`, `CUSTOM` …, and one-element lists of objects), in a fixed
order so that key order never changes the result. Lists of objects under a
table key (materials, windows, laws, steps, FAQ …) become the guide's tables.

A platform recognised by a marker key (AUDIT_ITEM) is read with its own map;
any other object is read with the generic synonyms, and only when enough of its
keys name elements (json_keys.yaml `confidence`): an object whose keys name
only catalog elements (name, code, type, basis) is a catalog entry, not a guide.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import json_keys as jk

MAX_DEPTH = 10


@dataclass
class View:
    """One object's fields: normalised key -> value, and element -> value for
    Chinese keys read as labels."""

    fields: dict
    labels: dict


def make_view(d: dict) -> View:
    fields: dict = {}
    labels: dict = {}
    nk, has_cjk = jk.nk, jk.has_cjk
    for k, v in d.items():
        n = nk(k)
        if n not in fields:
            fields[n] = v
        if not n.isascii() and has_cjk(n) and not isinstance(v, dict) and n not in jk.listed_keys():
            el = jk.element_for_cjk(k)
            if el:
                labels.setdefault(el, v)
    return View(fields, labels)


@dataclass
class Guide:
    views: list[View]
    tables: dict[str, list] = field(default_factory=dict)
    platform: str | None = None
    family: str = "json"


def _scalar(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool)) or (
        isinstance(v, list) and all(isinstance(x, (str, int, float)) for x in v))


def _singleton(v):
    """A value wrapped in one-element lists, unwrapped."""
    while isinstance(v, list) and len(v) == 1:
        v = v[0]
    return v


def rows_of(v) -> list:
    """A table's rows: objects (a lone object is one row, nested lists are
    flattened, a {"list": [...]} wrapper is opened) or plain strings."""
    out: list = []
    if isinstance(v, dict):
        containers = [x for x in v.values() if isinstance(x, list)]
        if len(containers) == 1 and not any(isinstance(x, str) and x.strip() for x in v.values()):
            return rows_of(containers[0])
        return [v]
    if isinstance(v, list):
        for item in v:
            if isinstance(item, (dict, list)):
                out.extend(rows_of(item))
            elif isinstance(item, str) and item.strip():
                out.append(item)
    elif isinstance(v, str) and v.strip():
        out.append(v)
    return out


def gather(node: dict, guide: Guide, platform: str | None, depth: int = 0, skip: str | None = None) -> None:
    """Add `node` as a view of `guide`, then its tables and nested objects."""
    if depth > MAX_DEPTH:
        return
    own = make_view({k: v for k, v in node.items() if _scalar(v)})
    # An envelope ({"result": "success", "code": 200, "data": {…}}) is read after
    # the object it wraps: its scalars describe the reply, not the guide.
    wrappers = jk.wrapper_keys()
    envelope = platform is None and any(jk.nk(k) in wrappers and isinstance(_singleton(v), dict)
                                        for k, v in node.items())
    if not envelope:
        guide.views.append(own)
    parts = []
    for k, v in node.items():
        if not isinstance(v, (dict, list)) or (skip is not None and jk.nk(k) == skip):
            continue
        kind = jk.table_kind(k, platform)
        if kind:
            rows = rows_of(v)
            if platform is None and jk.nk(k) in jk.wrapper_keys() and any(
                    isinstance(r, dict) and _guide_like(r) for r in rows):
                continue  # {"results": [guide, guide]}: a wrapper, not a table
            guide.tables.setdefault(kind, []).extend(rows)
            continue
        if platform is None and isinstance(v, list) and jk.nk(k) not in jk.wrapper_keys():
            rows = rows_of(v)
            kind = jk.infer_table(rows)
            if kind and not any(isinstance(r, dict) and _guide_like(r) for r in rows):
                guide.tables.setdefault(kind, []).extend(rows)  # a table known by its rows' fields
                continue
        inner = _singleton(v)
        if isinstance(inner, dict):
            parts.append((jk.nk(k), inner))
    for _, inner in sorted(parts, key=lambda p: p[0]):
        gather(inner, guide, platform, depth + 1)
    if envelope:
        guide.views.append(own)


def _guide_like(row: dict) -> bool:
    """Do a row's own keys name enough elements to be a guide?"""
    known = jk.key_elements()
    named = {known[n] for n in map(jk.nk, row) if n in known}
    named |= {el for k in row if jk.has_cjk(str(k)) and (el := jk.element_for_cjk(k))}
    return _confident(named)


def _confident(named: set[str]) -> bool:
    min_elements, min_body, catalog, core = jk.confidence()
    return ("name" in named and len(named) >= min_elements and len(named - catalog) >= min_body
            and bool(named & core))


# --- confidence ---------------------------------------------------------------

def _has(view: View, ref: jk.KeyRef) -> bool:
    if ref.key not in view.fields:
        return False
    v = view.fields[ref.key]
    if isinstance(v, (dict, list)) and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
        return False
    if ref.shape is not None:
        return v is not None and bool(ref.shape.match(str(v)))
    return True


def named_elements(guide: Guide) -> set[str]:
    """The elements some key of the guide names (values may be empty)."""
    specs = jk.element_specs(guide.platform)
    found = set()
    for el, spec in specs.items():
        refs = spec.keys + spec.unit + spec.explain + spec.fallback
        if any(_has(view, ref) for view in guide.views for ref in refs):
            found.add(el)
        elif any(el in view.labels for view in guide.views):
            found.add(el)
    tables = jk.table_specs()
    for kind in guide.tables:
        found.add(tables[kind].element)
    return found


def verdict(guide: Guide) -> str:
    """"guide", "catalog" (name plus catalog elements only) or "unknown"."""
    catalog = jk.confidence()[2]
    named = named_elements(guide)
    body = named - catalog
    if _confident(named):
        return "guide"
    if "name" in named and len(named) >= 2 and not body:
        return "catalog"
    return "unknown"


# --- platforms ---------------------------------------------------------------

def platform_of(node) -> str | None:
    if not isinstance(node, dict):
        return None
    marks = jk.markers()
    for k, v in node.items():
        if isinstance(v, (dict, list)):
            n = jk.nk(k)
            for marker, name in marks:
                if n == marker:
                    return name
    return None


def _platform_guides(payload: dict, platform: str) -> list[Guide]:
    p = jk.platforms()[platform]
    marker = jk.nk(p["marker"])
    items_value = next(v for k, v in payload.items() if jk.nk(k) == marker)
    items = [r for r in rows_of(items_value) if isinstance(r, dict)]
    lower = _is_lower(items)
    family = p["families"]["lower" if lower else "upper"]
    guides = []
    for item in items:
        g = Guide(views=[], platform=platform, family=family)
        gather(item, g, platform, 1)
        gather(payload, g, platform, 0, skip=marker)
        guides.append(g)
    if len(items) > 1:
        ids = [jk.nk(k) for k in p.get("item_id", [])]
        owners = [jk.nk(k) for k in p.get("row_owner", [])]
        for g, item in zip(guides, items):
            gid = _first_field(item, ids)
            if gid:
                for kind, rows in g.tables.items():
                    g.tables[kind] = [r for r in rows
                                      if not isinstance(r, dict) or _first_field(r, owners) in ("", gid)]
    return guides


def _first_field(d: dict, keys: list[str]) -> str:
    fields = make_view(d).fields
    return next((str(fields[k]) for k in keys if fields.get(k) not in (None, "")), "")


def _is_lower(items: list[dict]) -> bool:
    item = items[0] if items else {}
    keys = [str(k) for k in item if re.search(r"[A-Za-z]", str(k))]
    lower = sum(1 for k in keys if k == k.lower())
    return bool(keys) and lower * 2 > len(keys)


# --- the walk ----------------------------------------------------------------

def find_guides(obj) -> tuple[list[Guide], list[Guide]]:
    """(guides, catalog entries) found in parsed JSON."""
    guides: list[Guide] = []
    catalogs: list[Guide] = []
    _walk(obj, 0, guides, catalogs, bool(find_platform_payloads(obj)))
    return guides, catalogs


def find_platform_payloads(obj, depth: int = 0) -> list[dict]:
    """Every object carrying a platform marker (AUDIT_ITEM …), at any depth."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(obj, dict):
        if platform_of(obj):
            return [obj]
        return [p for v in obj.values() if isinstance(v, (dict, list)) for p in find_platform_payloads(v, depth + 1)]
    if isinstance(obj, list):
        return [p for v in obj if isinstance(v, (dict, list)) for p in find_platform_payloads(v, depth + 1)]
    return []


def _walk(node, depth: int, guides: list[Guide], catalogs: list[Guide], platforms: bool) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for v in node:
            if isinstance(v, (dict, list)):
                _walk(v, depth + 1, guides, catalogs, platforms)
        return
    if not isinstance(node, dict):
        return
    platform = platform_of(node) if platforms else None
    if platform:
        guides.extend(_platform_guides(node, platform))
        return
    several = sum(1 for v in node.values() if isinstance(_singleton(v), dict) and _guide_like(_singleton(v))) > 1
    if not several and (not platforms or not find_platform_payloads(node, depth)):
        g = Guide(views=[])
        gather(node, g, None)
        v = verdict(g)
        if v == "guide":
            guides.append(g)
            return
        if v == "catalog":
            catalogs.append(g)
            return
    for v in node.values():
        if isinstance(v, (dict, list)):
            _walk(v, depth + 1, guides, catalogs, platforms)
