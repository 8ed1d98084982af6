"""Helpers the rule families share: reading an element's text, telling an empty
or placeholder value from a real one, and the "no guide at all" test of E010.

Who judges what (the same everywhere, so a problem is reported once):

- an element that is absent or has no text: E001 (key elements) or E002 (the
  scheme's further elements), and nothing else;
- an element that only holds a placeholder (无, 暂无, 详见附件, xxx …): E003, and
  not the element's content rules (a location of "无" gives E003, not L401/L402);
- elements where 无 is a real answer (vocab `none_is_answer`: fee, limits,
  visits …) are never placeholders: their content rules read the value as
  written (a fee of "无" means free; a legal limit of "无" means none);
- a record E010 judges to be no guide at all gets E010 alone.
"""
from __future__ import annotations

import functools
import unicodedata

import regex

from ..catalog import key_elements, vocab
from ..model import GuideRecord

# Dashes portals use between area code and number, or in clock ranges.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_TRAILING = regex.compile(r"[\s\p{P}]+$")
_SPACES = regex.compile(r"\s+")


@functools.lru_cache(maxsize=16384)
def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms, dashes to '-'.
    Cached: several rules normalise the same element texts of one record."""
    if text.isascii():  # NFKC leaves ASCII as it is, and no dash to map is ASCII
        return text
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


def words_pattern(words, *, group: bool = True) -> str:
    """An alternation of literal words, longest first (for building patterns)."""
    body = "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return f"(?:{body})" if group else body


@functools.cache
def words_regex(key: str) -> regex.Pattern:
    """A vocabulary list compiled as an alternation of literal words."""
    return regex.compile(words_pattern(vocab()[key]))


@functools.cache
def pattern(key: str, flags: int = 0) -> regex.Pattern:
    """A vocabulary entry that is itself a regular expression."""
    return regex.compile(vocab()[key], flags)


@functools.cache
def none_is_answer() -> frozenset[str]:
    return frozenset(vocab()["none_is_answer"])


@functools.cache
def _placeholder_parts():
    ph = vocab()["placeholders"]
    # YAML reads a bare null as None: the word "null" was meant.
    exact = frozenset(("null" if w is None else str(w)).lower() for w in ph.get("exact", []))
    prefix = tuple(ph.get("prefix", []))
    filler = regex.compile(ph["pattern"]) if ph.get("pattern") else None
    return exact, prefix, filler


def strip_value(text: str) -> str:
    """The value without surrounding white space and trailing punctuation."""
    text = _SPACES.sub(" ", text).strip()
    stripped = _TRAILING.sub("", text)
    return stripped or text  # "-" or "/" alone stays itself


@functools.lru_cache(maxsize=8192)
def is_placeholder_text(text: str) -> bool:
    """True when the text holds no real information (vocab `placeholders`)."""
    if len(text) > 60:  # longer than any placeholder, even with spaces and punctuation
        return False
    exact, prefix, filler = _placeholder_parts()
    value = strip_value(nfkc(text))
    if not value:
        return False
    if value.lower() in exact:
        return True
    if filler is not None and filler.match(value):
        return True
    # "详见附件", "参见办事大厅公告": a deferral with no document cited and little else.
    if value.startswith(prefix) and len(value) <= 30 and "《" not in value:
        return True
    return False


def element_text(record: GuideRecord, key: str) -> str:
    return (record.elements.get(key) or "").strip()


def is_empty(record: GuideRecord, key: str) -> bool:
    """Absent, or present with no text (structured elements: no rows and no text)."""
    if element_text(record, key):
        return False
    if key == "materials":
        return not record.materials
    if key == "process":
        return not record.process_steps
    if key == "faq":
        return not record.faq
    return True


def is_placeholder(record: GuideRecord, key: str) -> bool:
    """The element's only content is a placeholder (never for `none_is_answer`
    elements, nor for structured elements that have rows)."""
    if key in none_is_answer():
        return False
    if key == "materials" and record.materials or key == "process" and record.process_steps \
            or key == "faq" and record.faq:
        return False
    text = element_text(record, key)
    return bool(text) and is_placeholder_text(text)


def usable(record: GuideRecord, key: str) -> str | None:
    """The element's text when content rules should judge it: present, not
    empty, not a placeholder. None otherwise."""
    text = element_text(record, key)
    if not text or is_placeholder(record, key):
        return None
    return text


def required_elements(context) -> list[str]:
    """Key elements, then the scheme's further required elements, no repeats."""
    seen: dict[str, None] = dict.fromkeys(key_elements())
    for key in getattr(context, "required_elements", []) or []:
        seen.setdefault(key, None)
    return list(seen)


def no_guide_evidence(record: GuideRecord) -> str | None:
    """Why the record is no guide at all (E010), or None when it is a guide.

    Fires when the record has no content at all; when its name is error-page
    wording (页面不存在, 未找到匹配的信息 …); or when it has no name and either
    holds error-page wording or almost nothing (under 20 characters in all)."""
    if record.fetch_problem is not None:
        return record.url or record.source or ""
    texts = [v.strip() for v in record.elements.values() if v and v.strip()]
    if not texts and not record.materials and not record.process_steps and not record.faq:
        return record.url or record.source or ""
    error = words_regex("no_guide_words")
    name = element_text(record, "name")
    if name:
        if len(name) <= 40 and error.search(name):
            return name
        return None
    for text in texts:
        if len(text) <= 200 and error.search(text):
            return text
    if sum(len(t) for t in texts) < 20 and not record.materials and not record.process_steps and not record.faq:
        return " ".join(texts)
    return None


def is_no_guide(record: GuideRecord) -> bool:
    return no_guide_evidence(record) is not None


def clip(text: str, limit: int = 120) -> str:
    """Text for a message (evidence itself is never clipped)."""
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report(code: str, element: str | None, evidence: str, **fields):
    """A Finding whose message may quote the evidence as `{text}`, clipped to a readable length."""
    from .registry import finding

    return finding(code, element, evidence, text=clip(evidence or ""), **fields)


def settle_uncertain(record: GuideRecord, findings: list) -> list:
    """A finding about an element the extractor was unsure how to read
    (record.uncertain) is for a person to decide: needs_review, not fail."""
    if not record.uncertain:
        return findings
    for f in findings:
        if f.outcome == "fail" and f.element in record.uncertain:
            f.outcome = "needs_review"
    return findings
