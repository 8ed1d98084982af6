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

C803 (element `process`, evidence the process text or the steps joined by
" → "): the process contradicts the online depth (003 办理流程与网办深度关联度).
- Ⅱ级 or deeper, and no online wording (vocab `process_online_words`: 网上,
  在线, 线上, 平台, APP …) anywhere in the process text, steps or details: fail.
- Ⅳ级 (全程网办), and a clause of the process needs the applicant at a window
  (vocab `process_window_words`: 窗口提交, 现场核验, 窗口领取 …), not negated
  (无需到现场) and with no alternative in the same clause (窗口领取或邮寄送达):
  fail; needs_review when the process also describes an offline channel
  (线下办理：…), as the window step may belong to it.
Not judged when the process or the depth is absent, empty or unreadable.

C804 (department rule, element `code`, evidence the code): judged over a
department's guides together (`score`, campaigns), never by `check`. Codes
are compared by three features, each against the majority of the
department's coded items, when that majority holds at least 3 items and more
than half of them: the length; the alphabet beyond digits and capital letters
(lower-case letters, punctuation, other characters); and, for codes of 18
characters or more, the first 18 (the agency's unified social credit code).
One finding per item listing what differs: fail; needs_review when only the
prefix differs and the item names another agency than the majority's (a
sub-unit with its own credit code may be right).
"""
from __future__ import annotations

import functools

import regex

from ..catalog import element_title, vocab
from .common import element_text, is_placeholder, nfkc, report, usable, words_pattern, words_regex
from .limits_parse import parse_limit, to_number
from .registry import department_rule, finding, rule


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


def _process_parts(record) -> tuple[str, list[str]]:
    """The process as evidence, and its texts (process text, step names and details)."""
    text = "" if is_placeholder(record, "process") else element_text(record, "process")
    steps = record.process_steps
    texts = [text] + [s.name or "" for s in steps] + [s.detail or "" for s in steps]
    evidence = text or " → ".join(s.name for s in steps)
    return evidence, [nfkc(t) for t in texts if t]


@functools.cache
def _window_parts():
    v = vocab()
    return (words_regex("process_window_words"), words_regex("process_window_alternatives"),
            regex.compile(words_pattern(v["process_window_negations"]) + r"$"),
            words_regex("process_offline_channel"))


def window_steps(texts: list[str]) -> list[str]:
    """Clauses that need the applicant at a window (not negated, no alternative)."""
    from .process import clauses

    window, alternative, negation, _offline = _window_parts()
    out = []
    for text in texts:
        for clause in clauses(text):
            for m in window.finditer(clause):
                if negation.search(clause[max(0, m.start() - 4):m.start()]):
                    continue
                if alternative.search(clause[:m.start()] + " " + clause[m.end():]):
                    continue
                out.append(clause)
                break
    return out


@rule("C803")
def process_contradicts_depth(record, context):
    depth_text = usable(record, "online_depth")
    depth = depth_level(depth_text)
    if depth is None or depth < 2:
        return
    evidence, texts = _process_parts(record)
    if not texts:
        return
    problems = vocab()["c803_problems"]
    if not any(words_regex("process_online_words").search(t) for t in texts):
        yield report("C803", "process", evidence, depth=depth_text, problem=problems["no_online"])
        return
    if depth == 4:
        needs_window = window_steps(texts)
        if needs_window:
            offline = _window_parts()[3]
            outcome = "needs_review" if any(offline.search(t) for t in texts) else "fail"
            yield report("C803", "process", evidence, outcome=outcome, depth=depth_text,
                         problem=problems["window"].format(step=needs_window[0]))


_UPPER_DIGIT = regex.compile(r"[0-9A-Z]")
CREDIT_CODE_LENGTH = 18
CODE_MAJORITY_MIN = 3


def _alphabet(code: str) -> frozenset[str]:
    """The kinds of characters a code holds beyond digits and capital letters."""
    kinds = set()
    for ch in code:
        if _UPPER_DIGIT.match(ch):
            continue
        kinds.add("lower" if "a" <= ch <= "z" else "punct" if ch.isascii() else "other")
    return frozenset(kinds)


def _majority(values: list) -> tuple[object, int] | None:
    """The most common value when it is held by at least 3 and by more than half."""
    if not values:
        return None
    counts: dict = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    value, n = max(counts.items(), key=lambda kv: kv[1])
    if n >= CODE_MAJORITY_MIN and n * 2 > len(values):
        return value, n
    return None


@department_rule("C804")
def code_inconsistent(records, context):
    coded = []
    for i, record in enumerate(records):
        code = usable(record, "code")
        if code:
            coded.append((i, nfkc(code).replace(" ", "").strip()))
    if len(coded) < CODE_MAJORITY_MIN:
        return
    what = vocab()["c804_features"]
    length = _majority([len(c) for _, c in coded])
    alphabet = _majority([_alphabet(c) for _, c in coded])
    long_codes = [c[:CREDIT_CODE_LENGTH] for _, c in coded if len(c) >= CREDIT_CODE_LENGTH]
    prefix = _majority(long_codes)
    majority_agencies: dict[str, int] = {}
    if prefix:
        for i, c in coded:
            if c[:CREDIT_CODE_LENGTH] == prefix[0]:
                agency = element_text(records[i], "agency")
                majority_agencies[agency] = majority_agencies.get(agency, 0) + 1
    usual_agency = max(majority_agencies.items(), key=lambda kv: kv[1])[0] if majority_agencies else ""
    for i, c in coded:
        differs = []
        if length and len(c) != length[0]:
            differs.append(what["length"].format(length=len(c), usual=length[0]))
        if alphabet and _alphabet(c) != alphabet[0]:
            differs.append(what["alphabet"])
        prefix_only = False
        if prefix and len(c) >= CREDIT_CODE_LENGTH and c[:CREDIT_CODE_LENGTH] != prefix[0]:
            differs.append(what["prefix"].format(prefix=c[:CREDIT_CODE_LENGTH], usual=prefix[0]))
            prefix_only = len(differs) == 1
        if not differs:
            continue
        agency = element_text(records[i], "agency")
        outcome = "needs_review" if prefix_only and agency and usual_agency and agency != usual_agency else "fail"
        yield i, finding("C804", "code", usable(records[i], "code") or c, outcome=outcome,
                         text=c, problem="；".join(differs), count=len(coded))
