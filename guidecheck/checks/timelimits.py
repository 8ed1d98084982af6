"""T · time limits in legal_limit and promised_limit (parsing: limits_parse.py).

- T301: a count whose unit is not 工作日 / 自然日: "20日", "15天", or a bare
  "20" (the label's unit, "法定办结时限(工作日)", is not seen here). "4工作日"
  and "二十个工作日" pass; 小时 and 月 are clear units and pass.
- T302: the promised count exceeds the legal count, both in the same unit. A
  legal limit of none ("无", "0个工作日") or immediate promises are not compared.
- T303: text with no count that is neither immediate (即办 …) nor none (无 …).
- T304: the process steps all carry durations, each readable in the promised
  limit's unit (即办 steps count 0), and their sum differs from the promised
  count. Element `process`; evidence lists the step durations.

A limit written as prose (the statute quoted, several counts) gives
`needs_review` instead of `fail`. Absent or empty limits are E002's.
"""
from __future__ import annotations

from ..catalog import element_title, vocab
from .common import report, usable
from .limits_parse import parse_limit
from .registry import rule

LIMIT_ELEMENTS = ("legal_limit", "promised_limit")


def fmt(count: float) -> str:
    return str(int(count)) if float(count).is_integer() else f"{count:g}"


def _limits(record):
    for key in LIMIT_ELEMENTS:
        text = usable(record, key)
        if text is not None:
            yield key, text, parse_limit(text)


@rule("T301")
def limit_unit_unclear(record, context):
    for key, text, limit in _limits(record):
        if limit.unit_unclear:
            yield report("T301", key, text, outcome="needs_review" if limit.prose else "fail",
                         element_title=element_title(key))


@rule("T302")
def promised_exceeds_legal(record, context):
    legal_text = usable(record, "legal_limit")
    promised_text = usable(record, "promised_limit")
    if legal_text is None or promised_text is None:
        return
    legal, promised = parse_limit(legal_text), parse_limit(promised_text)
    if legal.count is None or promised.count is None or legal.none or promised.none:
        return
    unit = legal.comparable_unit
    if unit is None or unit != promised.comparable_unit:
        return
    if promised.count > legal.count:
        yield report("T302", "promised_limit", promised_text,
                     outcome="needs_review" if legal.prose or promised.prose else "fail",
                     legal=legal_text, promised=promised_text)


@rule("T303")
def limit_unparseable(record, context):
    for key, text, limit in _limits(record):
        if limit.count is None and not limit.immediate and not limit.none:
            yield report("T303", key, text, outcome="needs_review" if limit.prose else "fail",
                         element_title=element_title(key))


@rule("T304")
def process_time_mismatch(record, context):
    steps = record.process_steps
    promised_text = usable(record, "promised_limit")
    if not steps or promised_text is None:
        return
    promised = parse_limit(promised_text)
    unit = promised.comparable_unit
    if promised.count is None or promised.none or unit is None:
        return
    if not all(step.duration and step.duration.strip() for step in steps):
        return
    total = 0.0
    for step in steps:
        limit = parse_limit(step.duration)
        if limit.count is None:
            if limit.immediate:
                continue
            return
        if limit.count == 0:
            continue
        if limit.comparable_unit != unit:
            return
        total += limit.count
    if abs(total - promised.count) > 1e-9:
        evidence = " + ".join(f"{step.name} {step.duration.strip()}" for step in steps)
        counter = vocab()["limit_counter"][0]
        yield report("T304", "process", evidence, total=f"{fmt(total)}{counter}{unit}", promised=promised_text)
