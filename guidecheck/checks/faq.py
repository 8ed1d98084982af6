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
"""
from __future__ import annotations

import regex

from .common import element_text, is_no_guide, nfkc, pattern, report, words_regex
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
