"""C · consistency inside a guide.

C801 (element `visits`, evidence the visits text) fires when
- the online depth (vocab `depth_levels`: Ⅳ级 / 四级 / 全程网办 = 4 …) and the
  visits disagree: depth 4 with any visit, depth 3 with more than 1, depth 2
  with more than 2; or
- delivery offers express (vocab `express_words`, not negated: 不支持邮寄 and
  a bare 否 do not count) while the visits text counts a visit to collect the
  result (vocab `visit_collect_words`: 领取 …) and is more than 0.
Visits read as "1次", "0次", "一次", "最多跑一次" (1), "无需到现场" (0), or a
bare number.

C802 (element `case_type`, evidence the promised limit) fires when
- 即办件 promises more than 1 day (units shorter than a day pass; 月 and 周
  always exceed), or
- 承诺件 promises 即办 (an immediate answer with no count).
Both rules need both elements present and readable.
"""
from __future__ import annotations

import functools

import regex

from ..catalog import element_title, vocab
from .common import nfkc, report, usable, words_pattern, words_regex
from .limits_parse import parse_limit, to_number
from .registry import rule


@functools.cache
def _depth_patterns() -> list[tuple[int, regex.Pattern]]:
    out = []
    for level, words in sorted(vocab()["depth_levels"].items(), key=lambda kv: -int(kv[0])):
        parts = []
        for w in sorted({nfkc(w) for w in words}, key=len, reverse=True):
            esc = regex.escape(w)
            parts.append(rf"(?<![A-Za-z]){esc}(?![A-Za-z])" if w.isascii() else esc)
        out.append((int(level), regex.compile("|".join(parts))))
    return out


def depth_level(text: str | None) -> int | None:
    """The online depth 1–4 a text names, or None (also used by scoring)."""
    if not text:
        return None
    t = nfkc(text)
    for level, pat in _depth_patterns():
        if pat.search(t):
            return level
    return None


@functools.cache
def _visit_patterns():
    v = vocab()
    cn = regex.escape(v["cn_digits"])
    counter = words_pattern(v["visit_counter"])
    return (regex.compile(rf"([0-9]+|[{cn}]+)\s*{counter}"),
            regex.compile(r"^\s*([0-9]+)\s*$"),
            words_regex("visit_zero_words"))


def parse_visits(text: str | None) -> int | None:
    """Visits to the site a text states ("1次", "最多跑一次", "0"), or None."""
    if not text:
        return None
    t = nfkc(text)
    counted, bare, zero = _visit_patterns()
    m = counted.search(t) or bare.match(t)
    if m:
        n = to_number(m.group(1))
        return int(n) if n is not None else None
    if zero.search(t):
        return 0
    return None


@functools.cache
def _express_parts():
    v = vocab()
    return (words_regex("express_words"),
            regex.compile(words_pattern(v["express_negations"]) + r"\s*\S{0,2}$"),
            frozenset(v["express_no_answers"]))


def express_offered(text: str | None) -> bool:
    """Delivery text offers mail or courier (not negated)."""
    if not text:
        return False
    t = nfkc(text).strip()
    express, negation, no_answers = _express_parts()
    if t in no_answers:
        return False
    for m in express.finditer(t):
        if not negation.search(t[max(0, m.start() - 6):m.start()]):
            return True
    return False


@rule("C801")
def visits_contradict_depth(record, context):
    visits_text = usable(record, "visits")
    visits = parse_visits(visits_text)
    if visits is None:
        return
    depth_text = usable(record, "online_depth")
    depth = depth_level(depth_text)
    limit = {4: 0, 3: 1, 2: 2}.get(depth)
    if limit is not None and visits > limit:
        yield report("C801", "visits", visits_text, other=f"{element_title('online_depth')}“{depth_text}”",
                     problem=vocab()["c801_problems"]["depth"])
    delivery_text = usable(record, "delivery")
    if visits > 0 and express_offered(delivery_text) and words_regex("visit_collect_words").search(visits_text):
        yield report("C801", "visits", visits_text, other=f"{element_title('delivery')}“{delivery_text}”",
                     problem=vocab()["c801_problems"]["express"])


@rule("C802")
def case_type_contradicts_limit(record, context):
    case_type = usable(record, "case_type")
    promised_text = usable(record, "promised_limit")
    if case_type is None or promised_text is None:
        return
    immediate_case = words_regex("case_type_immediate").search(case_type)
    promised_case = words_regex("case_type_promised").search(case_type)
    if bool(immediate_case) == bool(promised_case):
        return
    limit = parse_limit(promised_text)
    v = vocab()
    if immediate_case and limit.count is not None and not limit.none:
        if limit.unit_word in v["subday_limit_units"]:
            return
        longer = limit.unit_word and limit.unit_word not in v["ambiguous_day_units"] and not limit.unit
        if limit.count > 1 or longer:
            yield report("C802", "case_type", promised_text, case_type=case_type, promised=promised_text)
    elif promised_case and limit.immediate and limit.count is None:
        yield report("C802", "case_type", promised_text, case_type=case_type, promised=promised_text)
