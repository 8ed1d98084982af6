"""Department-level work done at scoring time, where a department's guides are
known together:

- department rules (`needs: department`, C804: codes that break the
  department's coding rule) run over all its records; their findings are put
  on the guides they belong to (replacing any earlier ones of those rules, so
  scoring twice gives the same findings), where reports and reviewers see them;
- the rules that need a second channel (`needs: second_channel`, S001/S002)
  are judged for a department only when its input says another channel was
  compared (`DepartmentInput.second_channel`); otherwise an indicator counting
  only them is "not judged" (seed 003: not judged when the roster names no
  other channel).
"""
from __future__ import annotations

import functools

from ..catalog import rules
from ..checks.registry import CheckContext, department_codes, run_department_checks
from .model import DepartmentInput

SECOND_CHANNEL = "second_channel"


@functools.cache
def second_channel_codes() -> frozenset[str]:
    return frozenset(code for code, meta in rules().items() if meta.needs == SECOND_CHANNEL)


def attach_department_findings(department: DepartmentInput, codes: set[str],
                               context: CheckContext | None = None) -> None:
    """Run the department rules among `codes` on the department's guides and put
    each finding on its guide (in place)."""
    wanted = department_codes() & set(codes)
    if not wanted:
        return
    for guide in department.guides:
        guide.findings[:] = [f for f in guide.findings if f.rule not in wanted]
    records = [g.record for g in department.guides]
    for index, found in run_department_checks(records, wanted, context):
        department.guides[index].findings.append(found)


def judged_for(department: DepartmentInput, judged_rules: set[str]) -> set[str]:
    """The rules judged for this department: the run's, with the second-channel
    rules only when the department was compared on another channel."""
    s_codes = second_channel_codes()
    if department.second_channel is None:
        return set(judged_rules) - s_codes
    return set(judged_rules) | s_codes
