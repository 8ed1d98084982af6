"""JSON key synonyms (element_rules/json_keys.yaml): which key feeds which element.

All key names live in the YAML; this module normalises keys and builds lookup
tables. A key is normalised by lower-casing it and dropping "_", "-", "." and
spaces, so `dept_name`, `deptName` and `DEPT_NAME` are one key. Chinese keys
that the YAML does not list are matched through the label synonyms of
labels.yaml (match_label and the material / process / FAQ header tables).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .. import catalog
from . import labels

_NK_RE = re.compile(r"[\s_\-.]+")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
LIST_FIELDS = ("keys", "unit", "explain", "alternates", "fallback")


@functools.lru_cache(maxsize=16384)
def nk(key) -> str:
    """A key's normal form: lower case, no separators."""
    return _NK_RE.sub("", str(key)).lower()


def has_cjk(text: str) -> bool:
    return not text.isascii() and bool(_CJK_RE.search(text))


@functools.cache
def markers() -> tuple[tuple[str, str], ...]:
    """(normalised marker key, platform name) for every platform."""
    return tuple((nk(p["marker"]), name) for name, p in platforms().items())


KEYS_FILE = catalog.DATA_DIR / "json_keys.yaml"


@functools.cache
def data() -> dict:
    return catalog._read_yaml(KEYS_FILE)


@dataclass(frozen=True)
class KeyRef:
    """One key to look for, with an optional shape the value must have."""

    key: str
    shape: re.Pattern | None = None

    @property
    def companions(self) -> tuple[str, ...]:
        """`<key>_TEXT` and its like: the words beside a coded value."""
        return _companions(self.key)


COMPANION_SUFFIXES = ("text", "name", "label", "desc")


@functools.lru_cache(maxsize=4096)
def _companions(key: str) -> tuple[str, ...]:
    return tuple(key + s for s in COMPANION_SUFFIXES)


def _refs(items) -> tuple[KeyRef, ...]:
    out = []
    for item in items or []:
        if isinstance(item, dict):
            out.append(KeyRef(nk(item["key"]), re.compile(item["shape"]) if item.get("shape") else None))
        else:
            out.append(KeyRef(nk(item)))
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class ElementSpec:
    element: str
    kind: str = "text"
    keys: tuple[KeyRef, ...] = ()
    unit: tuple[KeyRef, ...] = ()
    explain: tuple[KeyRef, ...] = ()
    alternates: tuple[KeyRef, ...] = ()
    fallback: tuple[KeyRef, ...] = ()
    codes: str | None = None
    multi: bool = False
    join: bool = False
    yes_text: str | None = None
    no_text: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def _spec(element: str, generic: dict, override: dict | None) -> ElementSpec:
    lists = {}
    for name in LIST_FIELDS:
        source = override if override is not None else generic
        lists[name] = _refs(source.get(name))
    return ElementSpec(element=element, kind=generic.get("kind", "text"), codes=generic.get("codes"),
                       multi=bool(generic.get("multi")), join=bool(generic.get("join")),
                       yes_text=generic.get("yes_text"), no_text=generic.get("no_text"), **lists)


@functools.cache
def platforms() -> dict[str, dict]:
    return {name: p for name, p in (data().get("platforms") or {}).items() if name != "__line__"}


@functools.cache
def element_specs(platform: str | None = None) -> dict[str, ElementSpec]:
    """Per element, the keys to read in priority order. A platform's map is
    closed: an element it does not list is read from its tables only."""
    generic = {k: v for k, v in data()["elements"].items() if k != "__line__"}
    if platform is None:
        return {el: _spec(el, spec, None) for el, spec in generic.items()}
    own = platforms()[platform].get("elements") or {}
    return {el: _spec(el, spec, own.get(el) or {}) for el, spec in generic.items()}


@functools.cache
def listed_keys() -> frozenset[str]:
    """Keys the YAML gives a meaning (element keys, online links): such a key
    is never read as a label, so 网上办理地址 stays a link, not 办理地址."""
    return frozenset(key_elements()) | frozenset(online_keys())


@functools.cache
def wrapper_keys() -> frozenset[str]:
    return frozenset(nk(w) for w in data().get("wrappers") or [])


@functools.cache
def key_elements() -> dict[str, str]:
    """Normalised generic key -> the element it names (first listing wins)."""
    out: dict[str, str] = {}
    for el, spec in element_specs(None).items():
        for ref in spec.keys + spec.unit + spec.explain:
            out.setdefault(ref.key, el)
    return out


@dataclass(frozen=True)
class TableSpec:
    kind: str
    element: str
    fields: dict[str, tuple[str, ...]]
    codes: dict[str, str]


@functools.cache
def table_specs() -> dict[str, TableSpec]:
    out = {}
    for kind, spec in data()["tables"].items():
        if kind == "__line__":
            continue
        fields = {f: tuple(dict.fromkeys(nk(k) for k in keys)) for f, keys in (spec.get("fields") or {}).items()
                  if f != "__line__"}
        codes = {f: c for f, c in (spec.get("codes") or {}).items() if f != "__line__"}
        out[kind] = TableSpec(kind, spec["element"], fields, codes)
    return out


@functools.cache
def _distinctive_fields() -> dict[str, frozenset[str]]:
    """Per table kind, the normalised keys of its distinctive row fields (keys
    shared by several kinds, such as `content`, count for none)."""
    conf = data().get("row_inference") or {}
    shared = set(conf.get("shared_fields") or [])
    per_kind = {kind: {k for f, keys in t.fields.items() if f not in shared for k in keys}
                for kind, t in table_specs().items()}
    counts: dict[str, int] = {}
    for keys in per_kind.values():
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    return {kind: frozenset(k for k in keys if counts[k] == 1) for kind, keys in per_kind.items()}


def infer_table(rows: list) -> str | None:
    """The table kind whose distinctive fields the rows' keys name, or None."""
    keys = {nk(k) for r in rows[:8] if isinstance(r, dict) for k in r}
    if not keys:
        return None
    minimum = int((data().get("row_inference") or {}).get("min_fields", 2))
    scores = sorted(((len(keys & fields), kind) for kind, fields in _distinctive_fields().items()), reverse=True)
    best, kind = scores[0]
    if best >= minimum and (len(scores) == 1 or scores[1][0] < best):
        return kind
    return None


@functools.cache
def field_refs(kind: str, f: str) -> tuple[KeyRef, ...]:
    """A table row field's keys, as KeyRefs (for coded fields)."""
    return tuple(KeyRef(k) for k in table_specs()[kind].fields.get(f, ()))


@functools.cache
def _table_names(platform: str | None) -> dict[str, str]:
    """Normalised table key -> table kind. A platform's own table names come
    first, then the generic table keys (a build calling its windows `windows`
    is still read); element keys name tables only in the generic reading."""
    names: dict[str, str] = {}
    if platform is not None:
        own = platforms()[platform].get("tables") or {}
        names.update({nk(k): kind for kind, keys in own.items() if kind != "__line__" for k in keys})
    for kind, spec in data()["tables"].items():
        if kind != "__line__":
            for k in spec.get("keys") or []:
                names.setdefault(nk(k), kind)
    if platform is not None:
        return names
    by_element = {t.element: t.kind for t in table_specs().values()}
    wrappers = wrapper_keys()
    for el, spec in element_specs(None).items():
        kind = by_element.get(el)
        if kind:
            for ref in spec.keys:
                if ref.key not in wrappers:
                    names.setdefault(ref.key, kind)
    return names


def table_kind(key: str, platform: str | None = None) -> str | None:
    """The table kind a key names (materials, windows, laws, steps …), or None."""
    n = nk(key)
    kind = _table_names(platform).get(n)
    if kind or platform is not None or not has_cjk(n):
        return kind
    el = labels.match_label(str(key))
    if el is None:
        return None
    return {t.element: t.kind for t in table_specs().values()}.get(el)


def element_for_cjk(key: str) -> str | None:
    """A Chinese key read as a label (事项名称 -> name)."""
    return labels.match_label(str(key))


_HEADER_MATCHERS = {
    "materials": (labels.match_material_header, {"form_url": "form", "sample_url": "sample"}),
    "steps": (labels.match_process_header, {"detail": "standard"}),
    "faq": (labels.match_faq_header, {}),
}


def field_for_cjk(kind: str, key: str) -> str | None:
    """A Chinese row key read as a column header of that table kind."""
    matcher = _HEADER_MATCHERS.get(kind)
    if matcher is None:
        return None
    f = matcher[0](str(key))
    return matcher[1].get(f, f) if f else None


@functools.cache
def code_table(name: str) -> dict[str, str]:
    table = (data().get("code_tables") or {}).get(name) or {}
    return {str(k): str(v) for k, v in table.items() if k != "__line__"}


@functools.cache
def word_set(name: str) -> frozenset[str]:
    return frozenset(str(v) for v in data().get(name) or [])


@functools.cache
def attachment_fields() -> dict[str, tuple[str, ...]]:
    return {f: tuple(nk(k) for k in keys) for f, keys in data()["attachment_fields"].items() if f != "__line__"}


@functools.cache
def online_keys() -> tuple[str, ...]:
    return tuple(nk(k) for k in data().get("online_keys") or [])


@functools.cache
def confidence() -> tuple[int, int, frozenset[str], frozenset[str]]:
    """(min_elements, min_body, catalog elements, core elements)."""
    c = data().get("confidence") or {}
    return (int(c.get("min_elements", 4)), int(c.get("min_body", 2)),
            frozenset(data().get("catalog_elements") or []), frozenset(data().get("core_elements") or []))


def reload() -> None:
    """Forget the cached tables (after json_keys.yaml changed, e.g. in a test)."""
    for f in (data, platforms, markers, listed_keys, _distinctive_fields, element_specs, wrapper_keys, key_elements, table_specs, field_refs,
              _table_names, code_table, word_set, attachment_fields, online_keys, confidence):
        f.cache_clear()
