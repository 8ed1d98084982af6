"""R · process.

R701 looks for each stage of vocab `process_stages` (受理, 审核/审查,
审批/决定, 办结, 送达/领取, each with its synonyms) in the process text and
the steps' names and details, and gives one finding listing every missing
stage. Evidence is the process text, or the step names joined by " → " when
the process is given only as steps. Not judged when the process is absent,
empty or a placeholder (E001/E003).

R702 (special steps without a time; 004 "评审、评估、现场勘查等特殊环节"):
- a special step (vocab `special_steps`) is mentioned when a step's name holds
  the word, or when a clause (split at 。；;\n and numbering) of the process
  text or of the intermediary element (labelled 特殊环节 on some portals) uses
  it as an action: the clause starts with it, a verb comes just before it
  (组织, 进行, 委托 …) or a step noun just after it (环节, 程序, 时间 …). A
  negation just before it (无需评审, 不涉及听证) is no mention. Words used only
  as nouns of other things ("检测报告", "经检验合格的") are not mentions.
- it has a time when its step has a duration, or its clause (or any clause of
  the limits or process naming the word) holds a count with a unit.
- the limits exclude it when the legal or promised limit, or the process,
  says its time is excluded ("（专家评审时间除外）", "不计入办理时限").
One finding per special step without a time (fail), element process (or
intermediary when only that element names it), evidence the clause.

R703 (process without details; 003/004 流程内容详实性): only when the process
is given as steps (two or more). Who: a handler word (vocab
`step_handler_words`: 办理人, 岗位, 承办科室, 窗口 …) in any step's name or
detail, or in the process text. How long: any step's duration, or a count
with a unit in a step's name or detail. One finding listing what is missing;
`fail`, except when the only thing missing is the handler and some step has a
detail text without a handler word (a bare person's name in a 办理人 column
cannot be told from other detail): `needs_review`.
"""
from __future__ import annotations

import functools

import regex

from ..catalog import vocab
from .common import element_text, is_placeholder, nfkc, pattern, report, usable, words_pattern, words_regex
from .limits_parse import parse_limit
from .registry import rule


@functools.cache
def _stages() -> list[tuple[str, regex.Pattern]]:
    return [(stage, regex.compile(words_pattern(words))) for stage, words in vocab()["process_stages"].items()]


@rule("R701")
def process_incomplete(record, context):
    text = element_text(record, "process")
    steps = record.process_steps
    if not steps and (not text or is_placeholder(record, "process")):
        return
    parts = [text] + [s.name or "" for s in steps] + [s.detail or "" for s in steps]
    haystack = nfkc(" ".join(p for p in parts if p))
    missing = [stage for stage, words in _stages() if not words.search(haystack)]
    if missing:
        evidence = text or " → ".join(s.name for s in steps)
        yield report("R701", "process", evidence, stages="、".join(missing))


_CLAUSE_SPLIT = regex.compile(r"[。；;！!\n\r]+|(?:^|\s)(?=[（(]?[0-9一二三四五六七八九十]+[、.．)）]\s*\S)")
_NUMBERING = regex.compile(r"^\s*(?:第[0-9一二三四五六七八九十]+\s*(?:步|环节)[、.．:：]?|[0-9一二三四五六七八九十]+\s*[、.．:：)）]"
                           r"|[（(][0-9一二三四五六七八九十]+[)）])\s*")


def clauses(text: str) -> list[str]:
    """A text cut into clauses at sentence ends, line breaks and numbering."""
    return [c.strip() for c in _CLAUSE_SPLIT.split(nfkc(text or "")) if c and c.strip()]


@functools.cache
def _special_parts():
    v = vocab()
    words = words_pattern(v["special_steps"])
    verbs = words_pattern(v["special_step_verbs"])
    nouns = words_pattern(v["special_step_nouns"])
    negations = words_pattern(v["special_step_negations"])
    return (regex.compile(words), regex.compile(rf"{negations}$"), regex.compile(rf"{verbs}$"),
            regex.compile(rf"^{nouns}"), pattern("special_step_time_pattern"), pattern("special_step_excluded"))


def special_mentions(clause: str, *, as_step: bool = False) -> list[str]:
    """The special steps a clause mentions as an action (all of them when the
    clause is a step's name, `as_step`)."""
    words, negated, verb, noun, _time, _excluded = _special_parts()
    body = _NUMBERING.sub("", clause)
    out = []
    for m in words.finditer(body):
        before = body[max(0, m.start() - 4):m.start()]
        if negated.search(before):
            continue
        if as_step or m.start() == 0 or verb.search(before) or noun.match(body, m.end()):
            out.append(m.group(0))
    return out


def _has_time(text: str) -> bool:
    return bool(_special_parts()[4].search(text or ""))


def _excluded(record) -> bool:
    excluded = _special_parts()[5]
    texts = [element_text(record, "legal_limit"), element_text(record, "promised_limit"),
             element_text(record, "process")]
    return any(excluded.search(nfkc(t)) for t in texts if t)


@rule("R702")
def special_step_without_time(record, context):
    found: dict[str, tuple[str, str, bool]] = {}  # word -> (element, evidence, timed)

    def note(word, element, evidence, timed):
        old = found.get(word)
        if old is None or (timed and not old[2]):
            found[word] = (element, evidence, timed or (old[2] if old else False))

    for step in record.process_steps:
        for word in special_mentions(step.name or "", as_step=True):
            timed = bool(step.duration and step.duration.strip()) or _has_time(step.name) or _has_time(step.detail)
            note(word, "process", step.name, timed)
        for clause in clauses(step.detail or ""):
            for word in special_mentions(clause):
                note(word, "process", clause, _has_time(clause) or bool(step.duration and step.duration.strip()))
    for key in ("process", "intermediary"):
        text = usable(record, key)
        for clause in clauses(text or ""):
            for word in special_mentions(clause):
                note(word, key, clause, _has_time(clause))
    if not found:
        return
    # A time given for the word anywhere (a limit's bracket: "含专家评审10个工作日") counts.
    limits = " ".join(element_text(record, k) for k in ("legal_limit", "promised_limit"))
    for word, (element, evidence, timed) in list(found.items()):
        if not timed and any(word in c and _has_time(c) for c in clauses(limits)):
            found[word] = (element, evidence, True)
    if _excluded(record):
        return
    for word, (element, evidence, timed) in found.items():
        if any(w != word and word in w for w in found):
            continue  # 勘查 within 现场勘查: one step, reported under the longer name
        timed = timed or any(w != word and w in word and found[w][2] for w in found)
        if not timed:
            yield report("R702", element, evidence, step=word)


@rule("R703")
def process_without_details(record, context):
    steps = record.process_steps
    if len(steps) < 2:
        return
    handler = words_regex("step_handler_words")
    texts = [nfkc(s.name or "") for s in steps] + [nfkc(s.detail or "") for s in steps]
    has_handler = any(handler.search(t) for t in texts) or bool(handler.search(nfkc(element_text(record, "process"))))
    immediate = words_regex("limit_immediate")
    has_time = any(s.duration and s.duration.strip() for s in steps) \
        or any(_has_time(t) or immediate.search(t) for t in texts) \
        or parse_limit(element_text(record, "promised_limit")).immediate  # 即办: every step is immediate
    missing = []
    if not has_handler:
        missing.append("办理人（岗位）")
    if not has_time:
        missing.append("办理时限")
    if not missing:
        return
    outcome = "fail"
    if has_time and any((s.detail or "").strip() for s in steps):
        outcome = "needs_review"  # a 办理人 column may hold bare names: a person decides
    evidence = " → ".join(s.name for s in steps)
    yield report("R703", "process", evidence, outcome=outcome, missing="、".join(missing))
