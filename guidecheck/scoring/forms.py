"""Deduction forms over counted findings: fixed, proportional, all-or-nothing,
veto and table. Each fills an IndicatorScore from the findings that count for
the indicator (already restricted to its judged rules)."""
from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from ..catalog import expand_selection
from ..schemes import Indicator
from .counting import UNIT_LABEL, Counted, group_units
from .model import Deduction, IndicatorScore


def clause_of(indicator: Indicator) -> str:
    return str(indicator.raw.get("clause") or indicator.title)


def _deduction(group: list[Counted], amount: float, clause: str) -> Deduction:
    first = group[0]
    f = first.finding
    return Deduction(key=first.key, rule=f.rule, source=first.source, element=f.element, material=f.material,
                     amount=amount, clause=clause, also=[c.key for c in group[1:]] if len(group) > 1 else [])


def case_values(indicator: Indicator) -> dict[str, tuple[float, str]]:
    """rule code -> (deduction, case label) from the indicator's `cases`; the first case naming a rule wins."""
    out: dict[str, tuple[float, str]] = {}
    for case in indicator.raw.get("cases") or []:
        for code in sorted(expand_selection([str(p) for p in case.get("rules") or []])):
            out.setdefault(code, (float(case["deduction"]), str(case.get("case", ""))))
    return out


def fixed(indicator: Indicator, out: IndicatorScore, counted: list[Counted], checked: int,
          level: str = "city") -> None:
    """points − deduction × units, floored at 0 (or at points − cap). With
    `cases`, each unit deducts its case's value (the largest, when a unit holds
    findings of several cases). With `scale_to_sample: S` and fewer than S
    guides checked, each deduction is multiplied by S / checked. A county's
    department deducts `county_deduction` per unit when the scheme gives one
    (ah-2019 same-source: -0.5 city, -0.1 county)."""
    points = Fraction(str(indicator.points or 0))
    cap = indicator.cap
    floor = max(Fraction(0), points - Fraction(str(cap))) if cap is not None else Fraction(0)
    limit = points - floor
    cases = case_values(indicator) if indicator.raw.get("cases") else {}
    scale = indicator.raw.get("scale_to_sample")
    factor = Fraction(1)
    notes = []
    if scale and 0 < checked < scale:
        factor = Fraction(int(scale), checked)
        notes.append(f"抽查不足 {scale} 个事项（{checked} 个），每处扣分按 {scale}/{checked} 折算")
    groups = group_units(counted, indicator.unit)
    remaining = limit
    base_clause = clause_of(indicator)
    scaled: dict[float, Fraction] = {}
    for group in groups:
        clause = base_clause
        value = indicator.deduction or 0
        if level == "county" and indicator.raw.get("county_deduction") is not None:
            value = float(indicator.raw["county_deduction"])
        if cases:
            in_cases = [cases[c.finding.rule] for c in group if c.finding.rule in cases]
            if in_cases:
                value, label = max(in_cases, key=lambda v: v[0])
                clause = f"{clause}：{label}" if label else clause
        if not remaining:  # the cap is reached: the unit is listed, deducting nothing more
            out.deductions.append(_deduction(group, 0.0, clause))
            continue
        amount = scaled.get(value)
        if amount is None:
            amount = scaled[value] = Fraction(str(value)) * factor
        taken = min(amount, remaining)
        remaining -= taken
        out.deductions.append(_deduction(group, float(taken), clause))
    out.units = len(groups)
    if groups and remaining == 0:
        notes.append("扣完为止" if floor == 0 else f"最多扣 {cap:g} 分")
    out.deducted = float(limit - remaining)
    out.score = float(points - limit + remaining)
    out.note = "；".join([f"{len(groups)} {UNIT_LABEL[indicator.unit]}", *notes])


def proportional(indicator: Indicator, out: IndicatorScore, counted: list[Counted], checked: int,
                 level: str) -> None:
    """points × conforming / checked: a guide with any counted finding does not
    conform. A county's department scores out of `county_points`."""
    points = float(indicator.points or 0)
    if level == "county" and indicator.raw.get("county_points") is not None:
        points = float(indicator.raw["county_points"])
    out.points = points
    groups = group_units(counted, "guide")
    per_guide = points / checked
    for group in groups:
        out.deductions.append(_deduction(group, per_guide, clause_of(indicator)))
    conforming = checked - len(groups)
    out.units = len(groups)
    out.score = round(points * conforming / checked, 10)
    out.deducted = round(points - out.score, 10)
    out.note = f"符合要求 {conforming} / {checked} 份指南"


def all_or_nothing(indicator: Indicator, out: IndicatorScore, counted: list[Counted]) -> None:
    """Full points unless any counted finding; then 0."""
    points = float(indicator.points or 0)
    groups = group_units(counted, indicator.unit)
    out.units = len(groups)
    for i, group in enumerate(groups):
        out.deductions.append(_deduction(group, points if i == 0 else 0.0, clause_of(indicator)))
    out.deducted = points if groups else 0.0
    out.score = points - out.deducted
    out.note = f"{len(groups)} {UNIT_LABEL[indicator.unit]}" if groups else "未发现问题"


def veto(indicator: Indicator, out: IndicatorScore, counted: list[Counted], sources: list[str],
         items_total: int | None) -> list[str]:
    """单项否决: vetoed when `min_guides` or more guides each have `min_missing_key`
    or more counted findings on distinct elements (E001: key elements missing);
    or, when the department has fewer items than `min_guides` (items_total, else
    the guides checked), when every guide checked does. Returns the guides that
    caused it (empty when not vetoed)."""
    min_guides = int(indicator.raw.get("min_guides", 5))
    min_missing = int(indicator.raw.get("min_missing_key", 4))
    missing: dict[int, set] = defaultdict(set)
    for c in counted:
        missing[c.guide].add(c.finding.element or "#" + c.finding.rule)
    hit = sorted(g for g, elements in missing.items() if len(elements) >= min_missing)
    population = items_total if items_total is not None else len(sources)
    vetoed = len(hit) >= min_guides or (population < min_guides and bool(sources) and len(hit) == len(sources))
    out.points = 0.0
    out.value = vetoed
    out.units = len(hit)
    if vetoed and len(hit) >= min_guides:
        out.note = f"{len(hit)} 份指南各缺失 {min_missing} 类及以上关键要素（达到 {min_guides} 份即否决）"
    elif vetoed:
        out.note = f"事项总数 {population} 个不足 {min_guides} 个，每份指南均缺失 {min_missing} 类及以上关键要素"
    else:
        out.note = f"{len(hit)} 份指南缺失 {min_missing} 类及以上关键要素，未达否决条件"
    if not vetoed:
        return []
    for c in counted:
        if c.guide in hit:
            out.deductions.append(_deduction([c], 0.0, clause_of(indicator)))
    return [sources[g] for g in hit]


def table(out: IndicatorScore, counted: list[Counted], checked: int, elements: list[str]) -> None:
    """No points: per element, the share of checked guides with no counted
    finding on it. A finding with no element (E010: no guide) fails every element."""
    failing: dict[str, set[int]] = defaultdict(set)
    whole: set[int] = set()
    for c in counted:
        if c.finding.element:
            failing[c.finding.element].add(c.guide)
        else:
            whole.add(c.guide)
    keys = list(elements) + sorted(set(failing) - set(elements))
    out.points = 0.0
    out.value = {k: round((checked - len(failing.get(k, set()) | whole)) / checked, 4) for k in keys}
    out.units = len({c.guide for c in counted})
    out.note = f"{checked} 份指南逐要素核查"


def share(out: IndicatorScore, counted: list[Counted], items: int) -> None:
    """No points: the share of the items checked on a second channel that agree
    (no counted finding of the indicator's rules: S001 on a compared portal
    guide, S002 on an item found on the other channel only)."""
    groups = group_units(counted, "guide")
    disagree = len(groups)
    for group in groups:
        out.deductions.append(_deduction(group, 0.0, out.clause))
    out.points = 0.0
    out.units = disagree
    out.value = round((items - disagree) / items, 4)
    out.note = f"其他渠道核对 {items} 个事项，{items - disagree} 个一致"
