"""Which findings count, and how they group into units.

A finding counts when it is a confirmed failure (`outcome == "fail"`) or a
reviewer said so (confirmed, or upheld on appeal); it never counts when
dismissed or overturned on appeal. `needs_review` alone never counts.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Finding
from ..offline import CheckedGuide
from .model import DECISIONS, FindingState

UNIT_LABEL = {"finding": "处问题", "item_of_information": "项信息", "guide": "份指南", "element_class": "类要素"}


def finding_key(source: str, finding: Finding) -> str:
    """The stable key of a finding: sha1 of source|rule|element|material|evidence.
    Reviewers' decisions and deductions name findings by it."""
    parts = (source, finding.rule, finding.element or "",
             "" if finding.material is None else str(finding.material), finding.evidence or "")
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()


def decision_status(outcome: str, decision: str | None) -> tuple[str, bool]:
    """(status, counts) for a finding's outcome and a reviewer's decision."""
    if decision is not None:
        if decision not in DECISIONS:
            raise ValueError(f"未知的复核结论 {decision!r}（可用：{', '.join(DECISIONS)}）")
        return decision, DECISIONS[decision]
    if outcome == "fail":
        return "counted", True
    return "needs_review", False


@dataclass(slots=True)
class Counted:
    """A finding that counts, with where it sits: `guide` is the guide's index
    in the department, `seq` its order among the department's findings."""

    seq: int
    guide: int
    source: str
    finding: Finding
    key: str


def collect(guides: list[CheckedGuide], decisions: dict[str, str] | None,
            states: dict[str, FindingState]) -> list[Counted]:
    """The department's counting findings, in guide order. Fills `states` with
    a FindingState for every finding key, counting or not."""
    out: list[Counted] = []
    seq = 0
    decisions = decisions or {}
    for g, guide in enumerate(guides):
        source = guide.record.source
        for f in guide.findings:
            key = finding_key(source, f)
            status, counts = decision_status(f.outcome, decisions.get(key))
            states[key] = FindingState(status, counts)
            if counts:
                out.append(Counted(seq, g, source, f, key))
            seq += 1
    return out


def unit_key(c: Counted, unit: str):
    """What one counted unit is: see schemes.md, counting units."""
    f = c.finding
    if unit == "finding":
        return c.seq
    if unit == "item_of_information":
        # A finding with no element (E010) is its own item, per guide and rule.
        return (c.guide, f.element) if f.element else (c.guide, "#" + f.rule)
    if unit == "guide":
        return c.guide
    if unit == "element_class":
        return f.element if f.element else "#" + f.rule
    raise ValueError(f"未知的计数单位 {unit}")


def group_units(counted: Iterable[Counted], unit: str) -> list[list[Counted]]:
    """Counted findings grouped by unit, in order of each unit's first finding."""
    groups: dict = {}
    for c in counted:
        groups.setdefault(unit_key(c, unit), []).append(c)
    return list(groups.values())
