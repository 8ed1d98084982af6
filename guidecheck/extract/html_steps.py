"""Process steps read from the lines of a process section, whatever the markup:

- one block per step (a card, a dl, a list item with a heading): a line that
  names a step field ("环节名称：受理", "办理时限：即办", "承办岗位：…", or the
  bare label with its value on the next line) fills the current step; a plain
  line before them (the card's or item's title) starts the next step;
- a list item whose first inline element is short (<li><span>受理</span>
  <span>办理人员：…</span></li>) is a step named by that element.

Field words come from labels.yaml (process_fields).
"""
from __future__ import annotations

from ..model import ProcessStep
from .html_materials import (
    _INDEX_RE,
    _TRAIL,
    _drop_index_span,
    _field_re,
    _pairs_in,
    has_field,
    line_field,
    strip_marker,
)
from .html_parts import duration_of, step_from_text
from .text import collapse

_MAX_NAME = 20


def _add(step: ProcessStep, field: str, value: str) -> None:
    if not value:
        return
    if field == "duration":
        step.duration = step.duration or (duration_of(value) or value)
        return
    step.detail = f"{step.detail}；{value}" if step.detail else value


def steps_from_blocks(items: list[tuple[str, str, object]]) -> list[ProcessStep]:
    """Steps when the section's lines hold step fields (two or more), else []."""
    n_fields = sum(1 for t, _, ln in items if has_field(collapse(t), "process", ln))
    if n_fields < 2:
        return []
    steps: list[ProcessStep] = []
    pending: str | None = None
    fields_seen = False
    for raw, _, line in items:
        text = _drop_index_span(collapse(raw), line)
        if not text:
            continue
        if pending is None and _INDEX_RE.match(text):
            continue  # a step's number on a line of its own
        f = line_field(text, line, "process")
        if f is not None:
            field, value = f
            if value is None:
                pending = field
                continue
            pending = None
            if field == "name":
                steps.append(ProcessStep(name=strip_marker(value).strip(_TRAIL)))
                fields_seen = False
                continue
            if steps:
                for fld, val in _pairs_in(text, "process") or [(field, value)]:
                    if fld != "name":
                        _add(steps[-1], fld, val)
                fields_seen = True
            continue
        if pending is None and (pairs := _pairs_in(text, "process")):
            # "…审查。时限：二个工作日": the lead is the step's detail
            m = _field_re("process").search(text)
            lead = text[: m.start()].strip(_TRAIL) if m else ""
            if not steps:
                steps.append(ProcessStep(name=lead))
            elif lead:
                _add(steps[-1], "detail", lead)
            for fld, val in pairs:
                if fld == "name":
                    continue
                _add(steps[-1], fld, val)
            fields_seen = True
            continue
        if pending is not None:
            field, pending = pending, None
            if field == "name":
                steps.append(ProcessStep(name=strip_marker(text).strip(_TRAIL)))
                fields_seen = False
            elif steps:
                _add(steps[-1], field, text)
                fields_seen = True
            continue
        if steps and not fields_seen:
            _add(steps[-1], "detail", text)
            continue
        steps.append(ProcessStep(name=strip_marker(text).strip(_TRAIL)))
        fields_seen = False
    return [s for s in steps if s.name]


def step_of_line(text: str, line) -> ProcessStep:
    """A list item's step: named by its first inline element when that is
    short and more text follows, else by step_from_text."""
    text = collapse(text)
    if line is not None and line.bounds and line.text:
        raw = line.text
        lead = len(raw) - len(raw.lstrip())
        cut = next((b for b in line.bounds if b > lead), 0)
        head = collapse(raw[:cut])
        rest = collapse(raw[cut:]).lstrip("：: ")
        if head and rest and len(head) <= _MAX_NAME and not _INDEX_RE.match(head) and "：" not in head:
            step = step_from_text(rest)
            whole = step_from_text(f"{head}：{rest}")
            return ProcessStep(name=strip_marker(head).strip(_TRAIL), duration=whole.duration or step.duration,
                               detail=rest)
    return step_from_text(text)
