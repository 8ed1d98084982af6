"""What does not matter when two channels print the same item: white space,
punctuation, full/half width, numerals (二十 = 20), and wordings with the
same meaning (element_rules/same_source.yaml `same_meaning`).

    squash(text)            -> comparable text
    canonical(kind, text)   -> squash(text), or its same-meaning group's first entry
    name_key(text)          -> an item name for matching
    material_key(text)      -> a material name for comparing lists
"""
from __future__ import annotations

import functools

import regex

from ..catalog import DATA_DIR, _read_yaml
from ..checks.common import nfkc
from ..checks.limits_parse import to_number

_CN_RUN = regex.compile(r"[零〇一二两三四五六七八九十百千万]+")
# Punctuation and symbols, except a '.' or ':' between digits (1.5元, 9:00).
_NOISE = regex.compile(r"(?!(?<=\d)[.:](?=\d))[\s\p{P}\p{S}]+")
_BRACKETED = regex.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]")
_SPACES = regex.compile(r"\s+")


@functools.cache
def config() -> dict:
    return _read_yaml(DATA_DIR / "same_source.yaml")


def side_label(side: str) -> str:
    return config()["side_labels"][side]


def wording(key: str) -> str:
    return config()["wording"][key]


def collapse(text: str | None) -> str:
    """The value as a reader sees it: white space collapsed (used in evidence)."""
    return _SPACES.sub(" ", text or "").strip()


def _numeral(m: regex.Match) -> str:
    value = to_number(m.group(0))
    if value is None:
        return m.group(0)
    return str(int(value)) if value == int(value) else str(value)


@functools.lru_cache(maxsize=8192)
def squash(text: str | None) -> str:
    """Width folded (NFKC), Chinese numerals as Arabic, lower case, and no
    white space, punctuation or symbols (a decimal point or a clock's colon
    between digits stays)."""
    t = nfkc(text or "")
    t = _CN_RUN.sub(_numeral, t)
    return _NOISE.sub("", t).lower()


@functools.cache
def _groups(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in (config().get("same_meaning") or {}).get(kind) or []:
        first = squash(str(group[0]))
        for word in group:
            out[squash(str(word))] = first
    return out


def canonical(kind: str, text: str | None) -> str:
    """squash(text), read as its same-meaning group's first entry when it is one."""
    value = squash(text)
    return _groups(kind).get(value, value)


def same_meaning_group(kind: str, text: str | None) -> str | None:
    """The canonical entry of the same-meaning group the whole value belongs to, or None."""
    return _groups(kind).get(squash(text))


@functools.cache
def _name_suffixes() -> tuple[str, ...]:
    return tuple(squash(s) for s in config().get("name_suffixes") or [])


def name_key(text: str | None) -> str:
    """An item name for matching: squashed, a title suffix (办事指南 …) dropped."""
    key = squash(text)
    for suffix in _name_suffixes():
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def loose_name_key(text: str | None) -> str:
    """An item name with its bracketed qualifiers dropped (食品经营许可（新办） -> 食品经营许可)."""
    return name_key(_BRACKETED.sub("", nfkc(text or "")))


def code_key(text: str | None) -> str:
    """An item code for matching: width folded, no white space or punctuation, upper case."""
    return squash(text).upper()


@functools.cache
def _material_patterns():
    cfg = config()
    numbering = regex.compile(cfg["material_numbering"])
    words = sorted({squash(w) for w in cfg.get("material_loose_words") or []}, key=len, reverse=True)
    loose = regex.compile("|".join(regex.escape(w) for w in words if w)) if words else None
    return numbering, loose


def material_key(name: str | None) -> str:
    """A material name for comparing lists: numbering dropped, then squashed."""
    numbering, _ = _material_patterns()
    return squash(numbering.sub("", nfkc(name or "")))


def loose_material_key(name: str | None) -> str:
    """A material name with bracketed notes and medium words (原件, 复印件 …) dropped."""
    numbering, loose = _material_patterns()
    t = _BRACKETED.sub("", numbering.sub("", nfkc(name or "")))
    key = squash(t)
    return loose.sub("", key) if loose else key


def law_key(name: str) -> str:
    """A document name from 《…》 for comparing basis: squashed, a common prefix dropped."""
    key = squash(name)
    for prefix in config().get("law_name_prefixes") or []:
        p = squash(prefix)
        if key.startswith(p) and len(key) > len(p):
            key = key[len(p):]
    return key
