"""F · fees (element `fee`; 无 is an answer there: it means free).

How the fee text is read (vocab `fee_free`, `fee_charged`; one-character
entries such as 无 / 否 / 是 count only as the whole value):
free wording (不收费, 免费 …) is removed first, then charged wording
(收费, 收取, 工本费 …) or an amount (10元) means charged; free wording alone
means free; neither means the flag is missing.

- F601: fee text present but it says neither charged nor free.
- F602: charged, but no amount (digits or Chinese numerals + 元) and no
  standard wording (vocab `fee_standard_words`: 标准, 按照 …).
- F603: charged, and fee_basis is absent, empty or a placeholder, and the fee
  text itself cites no document in 《》.

An absent or empty fee element is E001's alone.
"""
from __future__ import annotations

import functools

import regex

from ..catalog import vocab
from .common import element_text, is_placeholder_text, nfkc, pattern, report, strip_value, usable, words_pattern
from .registry import rule

CHARGED, FREE, UNKNOWN = "charged", "free", "unknown"


@functools.cache
def _fee_words():
    v = vocab()

    def split(key):
        words = v[key]
        exact = frozenset(w for w in words if len(w) == 1)
        longer = [w for w in words if len(w) > 1]
        return exact, regex.compile(words_pattern(longer)) if longer else None

    return split("fee_free"), split("fee_charged")


def fee_state(text: str) -> str:
    """charged | free | unknown, for a fee element's text (also used by scoring)."""
    (free_exact, free_re), (charged_exact, charged_re) = _fee_words()
    t = nfkc(text)
    value = strip_value(t)
    if value in free_exact:
        return FREE
    if value in charged_exact:
        return CHARGED
    free = bool(free_re and free_re.search(t))
    rest = free_re.sub(" ", t) if free_re else t
    if (charged_re and charged_re.search(rest)) or pattern("fee_amount_pattern").search(rest):
        return CHARGED
    return FREE if free else UNKNOWN


def _fee(record):
    text = usable(record, "fee")
    return (text, fee_state(text)) if text is not None else (None, None)


@rule("F601")
def fee_flag_missing(record, context):
    text, state = _fee(record)
    if state == UNKNOWN:
        yield report("F601", "fee", text)


@rule("F602")
def fee_standard_missing(record, context):
    text, state = _fee(record)
    if state != CHARGED:
        return
    t = nfkc(text)
    if pattern("fee_amount_pattern").search(t) or regex.search(words_pattern(vocab()["fee_standard_words"]), t):
        return
    yield report("F602", "fee", text)


@rule("F603")
def fee_basis_missing(record, context):
    text, state = _fee(record)
    if state != CHARGED:
        return
    basis = element_text(record, "fee_basis")
    if basis and not is_placeholder_text(basis):
        return
    if "《" in text:
        return  # the fee text names its basis document
    yield report("F603", "fee", text)
