"""Q · FAQ (常见问题).

- Q901: fewer than 3 entries. Counted from the structured pairs (`fail`);
  when the FAQ is only text, from its question marks (`needs_review`). An
  absent FAQ is not judged here (rules.md: content rules judge only what is
  present): a scheme that asks every item for a FAQ (the 003 appendix) lists
  faq among its required elements and E002 reports the absence. The crawler
  merges a FAQ kept on a page of its own (Beijing's `{uuid}_cjwt.html`)
  before checking. Evidence: the questions, joined by " | ".
- Q902: a question repeats an earlier one after dropping numbering (1、 问：
  Q1.), white space, punctuation and case. One finding per repeat; evidence
  the repeating question.
- Q903: an answer that is empty or a placeholder (无, 详见办事指南 …): fail,
  except when every answer of two or more is empty (the answers were likely
  not read: needs_review); or an answer that only repeats another element
  of the guide: at least nine tenths (vocab `faq_repeat_share`) of the
  answer's characters, after normalising, appear in that element's text in
  order (difflib matching blocks). Judged from `faq_repeat_min_chars` (6)
  characters: fail from `faq_repeat_sure_chars` (15), needs_review below.
  One finding per answer; evidence the answer (the question when empty).
"""
from __future__ import annotations

from collections import Counter
import difflib
import functools

import regex

from ..catalog import element_title, vocab
from .common import element_text, is_no_guide, is_placeholder_text, nfkc, pattern, report, words_regex
from .registry import rule

FAQ_MIN = 3
_NOISE = regex.compile(r"[\s\p{P}\p{S}]+")


def normalise_question(text: str) -> str:
    t = nfkc(text or "")
    t = pattern("faq_question_prefix").sub("", t, count=1)
    return _NOISE.sub("", t).lower()


@rule("Q901")
def faq_too_few(record, context):
    if is_no_guide(record):
        return
    if record.faq:
        count, outcome = len(record.faq), "fail"
        evidence = " | ".join(q.question for q in record.faq)
    else:
        text = element_text(record, "faq")
        if not text:
            return  # absent: E002 where the scheme requires a FAQ
        count = len(words_regex("faq_question_marks").findall(text))
        outcome, evidence = "needs_review", text
    if count < FAQ_MIN:
        yield report("Q901", "faq", evidence, outcome=outcome, count=count, minimum=FAQ_MIN)


@rule("Q902")
def faq_duplicate(record, context):
    seen: dict[str, int] = {}
    for i, pair in enumerate(record.faq):
        key = normalise_question(pair.question)
        if not key:
            continue
        if key in seen:
            yield report("Q902", "faq", pair.question, first=seen[key] + 1, index=i + 1)
        else:
            seen[key] = i


@functools.lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    return _NOISE.sub("", nfkc(text or "")).lower()


@functools.lru_cache(maxsize=4096)
def _chars(text: str) -> Counter:
    return Counter(text)


def repeated_element(answer: str, record) -> tuple[str, float] | None:
    """(element key, share) of the element whose text holds the largest share
    of the answer's characters, when that share reaches the threshold."""
    a = _norm(answer)
    v = vocab()
    if len(a) < int(v["faq_repeat_min_chars"]):
        return None
    best: tuple[str, float] | None = None
    for key, text in record.elements.items():
        if key in ("faq", "name"):
            continue
        e = _norm(text)
        if len(e) < int(v["faq_repeat_min_chars"]):
            continue
        # The matching blocks never hold more characters than the two texts
        # share: a cheap bound that spares difflib on unrelated elements.
        if sum((_chars(a) & _chars(e)).values()) / len(a) < float(v["faq_repeat_share"]):
            continue
        matcher = difflib.SequenceMatcher(None, a, e, autojunk=False)
        share = sum(b.size for b in matcher.get_matching_blocks()) / len(a)
        if share >= float(v["faq_repeat_share"]) and (best is None or share > best[1]):
            best = (key, share)
    return best


@rule("Q903")
def faq_answer_empty_or_repeated(record, context):
    pairs = record.faq
    if not pairs:
        return
    all_empty = len(pairs) >= 2 and not any((p.answer or "").strip() for p in pairs)
    sure = int(vocab()["faq_repeat_sure_chars"])
    for i, pair in enumerate(pairs):
        answer = (pair.answer or "").strip()
        if not answer or is_placeholder_text(answer):
            outcome = "needs_review" if all_empty else "fail"
            yield report("Q903", "faq", answer or pair.question, outcome=outcome, index=i + 1,
                         question=pair.question, problem=vocab()["q903_problems"]["empty"])
            continue
        repeat = repeated_element(answer, record)
        if repeat:
            outcome = "fail" if len(_norm(answer)) >= sure else "needs_review"
            yield report("Q903", "faq", answer, outcome=outcome, index=i + 1, question=pair.question,
                         problem=vocab()["q903_problems"]["repeat"].format(element=element_title(repeat[0])))
