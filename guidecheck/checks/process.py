"""R · process.

R701 looks for each stage of vocab `process_stages` (受理, 审核/审查,
审批/决定, 办结, 送达/领取, each with its synonyms) in the process text and
the steps' names and details, and gives one finding listing every missing
stage. Evidence is the process text, or the step names joined by " → " when
the process is given only as steps. Not judged when the process is absent,
empty or a placeholder (E001/E003).
"""
from __future__ import annotations

import functools

import regex

from ..catalog import vocab
from .common import element_text, is_placeholder, nfkc, report, words_pattern
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
