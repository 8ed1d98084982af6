"""The plain values scoring hands on: what went in (DepartmentInput) and what
came out (IndicatorScore, DepartmentScore, CampaignScore), with the contract's
JSON shape (shared/spec/contract.md, `guidecheck score`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..offline import CheckedGuide

LEVELS = ("city", "county")

# A reviewer's decision on a finding (keyed by finding_key) and whether the finding then counts.
# "upheld" and "overturned" say what became of the appealed finding: upheld, it still
# deducts; overturned, it no longer does.
DECISIONS = {"confirmed": True, "upheld": True, "dismissed": False, "overturned": False}


def points_value(x: float | None) -> float | int | None:
    """Points as reported: two decimals, and a whole number without its ".0"."""
    if x is None:
        return None
    r = round(float(x), 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    return int(r) if r == int(r) else r


@dataclass
class SecondChannel:
    """What comparing a department's items with another channel found (S rules).

    `compared`: the department's portal items that were found on the other
    channel(s) and compared (their S001 findings sit on the portal guides);
    `only_there`: items published on another channel only, each a CheckedGuide
    carrying its S002 finding (counted like guides' findings, never as guides
    checked). A department whose roster entry names no other channel has
    `DepartmentInput.second_channel = None`: S rules are then not judged."""

    compared: int = 0
    only_there: list[CheckedGuide] = field(default_factory=list)

    @property
    def items(self) -> int:
        """Items checked on a second channel: compared, or found there only."""
        return self.compared + len(self.only_there)


@dataclass
class DepartmentInput:
    """One department to score: its checked guides, its level (a county's
    department scores list-accuracy out of `county_points`) and, when known,
    how many items it has in all (the fj-2020 veto reads it)."""

    name: str
    guides: list[CheckedGuide]
    level: str = "city"
    items_total: int | None = None
    # The department's checked homepages (H findings): counted like guides' findings,
    # never counted as guides checked.
    pages: list[CheckedGuide] = field(default_factory=list)
    # What the second-channel comparison found; None when no other channel was listed.
    second_channel: SecondChannel | None = None

    @property
    def counted_records(self) -> list[CheckedGuide]:
        """Everything whose findings count: guides, homepages, items only on another channel."""
        extra = self.second_channel.only_there if self.second_channel is not None else []
        return [*self.guides, *self.pages, *extra]

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"部门级别应为 city 或 county，实际是 {self.level!r}")


@dataclass(slots=True)
class Deduction:
    """One counted unit behind an indicator's deduction. `key` is the finding
    that carries the amount; `also` the other findings of the same unit (a
    second problem in the same item of information deducts nothing more)."""

    key: str
    rule: str
    source: str
    element: str | None
    material: int | None
    amount: float
    clause: str
    also: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"key": self.key, "rule": self.rule, "source": self.source, "element": self.element,
                "material": self.material, "amount": round(self.amount, 4), "clause": self.clause,
                "also": list(self.also)}


@dataclass
class IndicatorScore:
    """One indicator for one department. `score` and `deducted` are None when
    the indicator was not judged or does not deduct (metric, veto, table);
    `value` holds a metric's rate, the veto's verdict or the table's shares."""

    id: str
    title: str
    form: str
    clause: str
    points: float | None
    deducted: float | None = None
    score: float | None = None
    judged: bool = True
    value: Any = None
    units: int = 0  # counted units (findings, items, guides, element classes)
    deductions: list[Deduction] = field(default_factory=list)
    note: str = ""  # how the figure was reached, in Chinese (scaling, cap, floor, why not judged)
    counted_keys: list[str] = field(default_factory=list, repr=False)  # every finding counted here

    def to_contract_json(self) -> dict:
        out: dict[str, Any] = {"points": points_value(self.points or 0)}
        if not self.judged:
            out["judged"] = False
            return out
        if self.deducted is not None:
            out["deducted"] = points_value(self.deducted)
        # Contract: every judged indicator reports a score; one with no points (the
        # veto, the national table) scores 0 of its 0 points.
        out["score"] = points_value(self.score if self.score is not None else 0)
        if self.value is not None:
            out["value"] = self.value
        return out

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "form": self.form, "clause": self.clause,
                "points": points_value(self.points), "deducted": points_value(self.deducted),
                "score": points_value(self.score), "judged": self.judged, "value": self.value,
                "units": self.units, "note": self.note, "deductions": [d.to_json() for d in self.deductions]}


@dataclass(slots=True)
class FindingState:
    """What scoring made of one finding: its status (counted, needs_review or the
    reviewer's decision), whether it counts at all, the points it took off
    (summed over indicators) and the indicators it was counted in."""

    status: str
    counts: bool
    amount: float = 0.0
    indicators: list[str] = field(default_factory=list)
    deducting: list[str] = field(default_factory=list)


@dataclass
class DepartmentScore:
    name: str
    level: str
    checked: int
    indicators: list[IndicatorScore]
    scheme_id: str
    scheme_sha256: str
    catalog_version: str
    veto: bool = False
    veto_reason: str = ""
    veto_guides: list[str] = field(default_factory=list)
    finding_states: dict[str, FindingState] = field(default_factory=dict)

    def indicator(self, indicator_id: str) -> IndicatorScore:
        return next(i for i in self.indicators if i.id == indicator_id)

    @property
    def total_points(self) -> float:
        """Points available over the judged indicators that carry points."""
        return round(sum(i.points or 0 for i in self.indicators if i.judged and i.score is not None), 2)

    @property
    def total_score(self) -> float | None:
        """Points scored over the judged indicators; None when nothing was judged.
        Under a veto the sum is still given: `veto` says the assessment failed."""
        scored = [i.score for i in self.indicators if i.judged and i.score is not None]
        if not scored:
            return None
        return round(sum(scored), 2)

    def to_contract_json(self) -> dict:
        return {"name": self.name, "checked": self.checked, "veto": self.veto,
                "indicators": {i.id: i.to_contract_json() for i in self.indicators}}

    def to_json(self) -> dict:
        """Everything needed to read or recompute the score later."""
        return {"name": self.name, "level": self.level, "checked": self.checked, "veto": self.veto,
                "veto_reason": self.veto_reason, "veto_guides": list(self.veto_guides),
                "scheme_id": self.scheme_id, "scheme_sha256": self.scheme_sha256,
                "catalog_version": self.catalog_version, "total_points": points_value(self.total_points),
                "total_score": points_value(self.total_score),
                "indicators": [i.to_json() for i in self.indicators]}


@dataclass
class CampaignScore:
    scheme_id: str
    scheme_sha256: str
    catalog_version: str
    departments: list[DepartmentScore]
    judged_rules: list[str] = field(default_factory=list)

    def department(self, name: str) -> DepartmentScore:
        return next(d for d in self.departments if d.name == name)

    def to_contract_json(self) -> dict:
        return {"scheme": self.scheme_id, "departments": [d.to_contract_json() for d in self.departments]}

    def to_json(self) -> dict:
        return {"scheme": self.scheme_id, "scheme_sha256": self.scheme_sha256,
                "catalog_version": self.catalog_version, "judged_rules": list(self.judged_rules),
                "departments": [d.to_json() for d in self.departments]}
