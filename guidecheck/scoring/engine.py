"""Scoring a department and a campaign under a scheme: pure functions, no
network, no store. See docs/scoring.md for the rules where the seeds are silent."""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from ..catalog import catalog_version, key_elements, labels
from ..schemes import Indicator, Scheme
from . import forms
from .counting import Counted, collect
from .department import attach_department_findings, judged_for, second_channel_codes
from .metrics import METRICS
from .model import (
    CampaignScore,
    DepartmentInput,
    DepartmentScore,
    FindingState,
    IndicatorScore,
)

RULE_FORMS = {"fixed", "proportional", "all_or_nothing", "veto", "table", "share"}


@functools.lru_cache(maxsize=64)
def _file_sha256(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def scheme_sha256(scheme: Scheme) -> str:
    """sha256 of the scheme file's bytes, so an old score can be matched to the file that made it."""
    stat = scheme.path.stat()
    return _file_sha256(str(scheme.path), stat.st_mtime_ns, stat.st_size)


def table_elements(scheme: Scheme, departments_counted: Iterable[list[Counted]] = ()) -> list[str]:
    """The elements a table indicator lists: the key elements, the scheme's
    required elements, then any element a counted finding names, in labels.yaml order."""
    wanted = set(key_elements()) | set(scheme.required_elements or [])
    for counted in departments_counted:
        wanted |= {c.finding.element for c in counted if c.finding.element}
    order = list(labels()["elements"])
    return [k for k in order if k in wanted] + sorted(wanted - set(order))


def _not_judged(out: IndicatorScore, why: str) -> IndicatorScore:
    out.judged = False
    out.note = why
    return out


def score_indicator(indicator: Indicator, department: DepartmentInput, counted: list[Counted],
                    judged_rules: set[str], elements: list[str]) -> tuple[IndicatorScore, list[str]]:
    """One indicator for one department; also returns the guides behind a veto."""
    out = IndicatorScore(id=indicator.id, title=indicator.title, form=indicator.form,
                         clause=forms.clause_of(indicator), points=indicator.points)
    checked = len(department.guides)
    if indicator.form == "metric":
        if not checked:
            return _not_judged(out, "未检查指南"), []
        judged, value, score, note = METRICS[indicator.raw["metric"]](indicator, department.guides)
        if not judged:
            return _not_judged(out, note), []
        out.value, out.score, out.note = value, score, note
        return out, []
    if indicator.form == "proportional" and department.level == "county" \
            and indicator.raw.get("county_points") is not None:
        out.points = float(indicator.raw["county_points"])
    if indicator.form in ("veto", "table", "share"):
        out.points = 0.0
    rules_judged = indicator.rules & judged_rules
    if not rules_judged:
        if indicator.rules and indicator.rules <= second_channel_codes() and department.second_channel is None:
            return _not_judged(out, "未列出该部门的其他发布渠道，不判断同源发布"), []
        return _not_judged(out, "本次检查无法判定该指标计分的规则（" + "、".join(sorted(indicator.rules)) + "）"), []
    if not checked:
        return _not_judged(out, "未检查指南"), []
    mine = [c for c in counted if c.finding.rule in rules_judged]
    out.counted_keys = [c.key for c in mine]
    if indicator.form == "share":
        channel = department.second_channel
        if channel is None or not channel.items:
            return _not_judged(out, "没有在其他渠道核对到事项"), []
        forms.share(out, mine, channel.items)
    elif indicator.form == "fixed":
        forms.fixed(indicator, out, mine, checked, department.level)
    elif indicator.form == "proportional":
        forms.proportional(indicator, out, mine, checked, department.level)
    elif indicator.form == "all_or_nothing":
        forms.all_or_nothing(indicator, out, mine)
    elif indicator.form == "veto":
        sources = [g.record.source for g in department.guides]
        return out, forms.veto(indicator, out, mine, sources, department.items_total)
    elif indicator.form == "table":
        forms.table(out, mine, checked, elements)
    return out, []


def _score(department: DepartmentInput, scheme: Scheme, judged_rules: set[str], counted: list[Counted],
           states: dict[str, FindingState], elements: list[str], sha: str) -> DepartmentScore:
    result = DepartmentScore(name=department.name, level=department.level, checked=len(department.guides),
                             indicators=[], scheme_id=scheme.id, scheme_sha256=sha,
                             catalog_version=catalog_version(), finding_states=states)
    judged_rules = judged_for(department, judged_rules)
    for indicator in scheme.indicators:
        score, veto_guides = score_indicator(indicator, department, counted, judged_rules, elements)
        result.indicators.append(score)
        for key in score.counted_keys:
            if indicator.id not in states[key].indicators:
                states[key].indicators.append(indicator.id)
        for d in score.deductions:
            for key in (d.key, *d.also):
                if indicator.id not in states[key].indicators:
                    states[key].indicators.append(indicator.id)
            if d.amount > 0:
                states[d.key].amount += d.amount
                states[d.key].deducting.append(indicator.id)
        if indicator.form == "veto" and score.judged and score.value:
            result.veto = True
            result.veto_guides = veto_guides
            result.veto_reason = score.note
    return result


def score_department(department: DepartmentInput, scheme: Scheme, judged_rules: set[str],
                     decisions: dict[str, str] | None = None) -> DepartmentScore:
    """Score one department's checked guides under a scheme.

    judged_rules: the rule codes that could fire in this run (offline: the
    offline codes; a crawl with link checks adds K001–K004; journeys J/H).
    The department rules the scheme counts (C804) are run here and judged;
    the second-channel rules (S) are judged when `department.second_channel`
    is given. The guides' findings gain the department rules' findings.
    decisions: finding key -> confirmed | dismissed | upheld | overturned."""
    judged = set(judged_rules) | _department_rules(department, scheme)
    statuses: dict[str, FindingState] = {}
    counted = collect(department.counted_records, decisions, statuses)
    return _score(department, scheme, judged, counted, statuses, table_elements(scheme, [counted]),
                  scheme_sha256(scheme))


def _department_rules(department: DepartmentInput, scheme: Scheme) -> set[str]:
    """Run the department rules the scheme counts on the department; the codes run."""
    from ..checks.registry import department_codes

    codes = department_codes() & scheme.rule_codes
    attach_department_findings(department, codes)
    return codes


def score_campaign(departments: Iterable[DepartmentInput], scheme: Scheme, judged_rules: set[str],
                   decisions: dict[str, str] | None = None) -> CampaignScore:
    """Score every department; a table indicator lists the same elements for all of them."""
    departments = list(departments)
    judged = set(judged_rules)
    sha = scheme_sha256(scheme)
    collected = []
    for department in departments:
        judged |= _department_rules(department, scheme)
        statuses: dict[str, FindingState] = {}
        collected.append((collect(department.counted_records, decisions, statuses), statuses))
    elements = table_elements(scheme, (counted for counted, _ in collected))
    scores = [_score(d, scheme, judged, counted, statuses, elements, sha)
              for d, (counted, statuses) in zip(departments, collected)]
    return CampaignScore(scheme_id=scheme.id, scheme_sha256=sha, catalog_version=catalog_version(),
                         departments=scores, judged_rules=sorted(judged))
