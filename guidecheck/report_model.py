"""The report model: one plain JSON-able dict that the report renderers (HTML,
Excel, CSV, JSON) read. Built from a scored campaign and the guides behind it;
it knows nothing of how it will be drawn.

    build_report_model(campaign_score, guides_by_department, scheme, *,
                       campaign=None, link_results=None, evidence=None) -> dict

Shape (key names are fixed; renderers rely on them):

    {"generated_at", "timezone", "catalog_version", "local_portal",
     "campaign": {"id", "name", "created_at"},
     "scheme": {"id", "title", "source", "sha256"},
     "departments": [{"name", "level", "checked", "veto", "veto_reason", "total_points", "total_score",
                      "indicators": [{"id", "title", "clause", "form", "points", "deducted", "score", "judged",
                                      "value"}]}],
     "findings": [{"key", "department", "item_name", "source", "url", "rule", "rule_title", "clauses",
                   "clause_texts", "element", "element_title", "material", "outcome", "status", "deducts",
                   "amount", "indicator", "indicator_title", "deductions", "message", "evidence", "fix", "link",
                   "screenshot", "trace", "page_snapshot"}]}

Deductions add up. A finding's `deductions` lists every indicator it takes
points off in ({"indicator", "indicator_title", "amount"}) and `amount` is
their sum, so that per department and indicator the findings' amounts sum to
the indicator's `deducted` (points − score). An all-or-nothing indicator's
deduction is shared evenly by the findings behind it (three findings under a
1-point indicator: 0.3333 each); elsewhere a unit's deduction sits on its
first finding (the others of the same unit deduct nothing more), and findings
that share a key (the same problem reported twice on one page) share it.

Times (`generated_at`, `campaign.created_at`) are in the report's time zone:
Asia/Shanghai unless `timezone` or $GUIDECHECK_TIMEZONE says otherwise.
`scheme.source` is the title of the scheme's source document (clauses.yaml),
never a path. `local_portal` is true when every guide was on this machine
(127.0.0.1, localhost: the bundled demo portal), whose links work only while
it runs.

A finding's `status` is `counted` (a failure the scheme counts), `not_counted`
(a failure no judged indicator of the scheme counts), `needs_review`, or the
reviewer's decision (`confirmed`, `dismissed`, `upheld`, `overturned`).
`amount` is the points it took off, summed over indicators; `indicator` the
first indicator (scheme order) it deducts in, else the first it was counted in,
else the first whose rules hold its rule (None when the scheme does not use it).
"""
from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urldefrag, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .catalog import element_title, rules
from .model import LinkResult
from .offline import CheckedGuide
from .schemes import Scheme
from .scoring import CampaignScore, DepartmentScore, finding_key, points_value
from .scoring.model import FindingState

LINK_RULES_PREFIX = "K"
DEFAULT_TIMEZONE = "Asia/Shanghai"
TIMEZONE_ENV = "GUIDECHECK_TIMEZONE"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CLAUSES_PATH = Path(__file__).parent / "element_rules" / "clauses.yaml"


@functools.cache
def clause_book() -> dict:
    return yaml.safe_load(CLAUSES_PATH.read_text(encoding="utf-8"))


def clause_text(code: str) -> dict:
    """A rule's clause code in words: {"code", "document", "text"} (clauses.yaml)."""
    book = clause_book()
    number = code.split(" ", 1)[0]
    return {"code": code, "document": book["documents"].get(number, ""), "text": book["clauses"].get(code, "")}


def source_title(source: str) -> str:
    """The title of a scheme's source document (a seed file name), never the path."""
    match = re.search(r"(?:^|/)(\d{3})_[^/]*$", source or "")
    if match:
        return clause_book()["documents"].get(match.group(1), "")
    return "" if "/" in (source or "") else (source or "")


def report_zone(name: str | None = None):
    name = name or os.environ.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_time(value, zone) -> str | None:
    """An ISO time (naive: UTC) as "YYYY-MM-DD HH:MM:SS" in `zone`; other values unchanged."""
    if not value:
        return value
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _campaign(campaign, zone) -> dict:
    if campaign is None:
        return {"id": None, "name": "", "created_at": None}
    get = campaign.get if isinstance(campaign, Mapping) else (lambda k, d=None: getattr(campaign, k, d))
    return {"id": get("id"), "name": get("name") or "", "created_at": local_time(get("created_at"), zone)}


def _department(score: DepartmentScore, forms: dict[str, str]) -> dict:
    return {
        "name": score.name, "level": score.level, "checked": score.checked, "veto": score.veto,
        "veto_reason": score.veto_reason, "total_points": float(score.total_points),
        "total_score": score.total_score,
        "indicators": [{"id": i.id, "title": i.title, "clause": i.clause, "form": forms.get(i.id, ""),
                        "points": points_value(i.points),
                        "deducted": points_value(i.deducted) if i.judged else None,
                        "score": points_value(i.score) if i.judged else None,
                        "judged": i.judged, "value": i.value if i.judged else None}
                       for i in score.indicators],
    }


def _link(finding, record, link_results) -> dict | None:
    """The link check behind a K finding (its evidence is the URL), or None when none is known."""
    if not finding.rule.startswith(LINK_RULES_PREFIX) or not finding.evidence:
        return None
    url = finding.evidence
    result: LinkResult | None = None
    for results in (link_results or {}, record.link_results):
        result = results.get(url) or results.get(urldefrag(url).url)
        if result is not None:
            break
    if result is None:
        return None
    return {"url": result.url, "status": result.status, "reason": result.reason, "http_status": result.http_status}


def _evidence(key: str, evidence, kind: str = "screenshot") -> str | None:
    """The evidence file of a finding: `evidence` maps finding keys to a
    screenshot path, or to a dict with "screenshot", "trace", "page_snapshot"."""
    if not evidence:
        return None
    value = evidence.get(key)
    if isinstance(value, Mapping):
        value = value.get(kind)
    elif kind != "screenshot":
        value = None
    return str(value) if value else None


def _shares(score: DepartmentScore, forms: dict[str, str], rows_of: dict[str, int]) -> dict[str, dict[str, float]]:
    """finding key -> {indicator id: the points one finding row with that key shows}
    (see module doc: they add up to each indicator's deduction)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for ind in score.indicators:
        if not ind.judged or not ind.deducted:
            continue
        if forms.get(ind.id) == "all_or_nothing":
            keys = [k for d in ind.deductions for k in (d.key, *d.also)]
            rows = sum(rows_of.get(k, 0) for k in set(keys))
            for k in set(keys):
                if rows and rows_of.get(k):
                    out[k][ind.id] = out[k].get(ind.id, 0.0) + float(ind.deducted) / rows
            continue
        for d in ind.deductions:
            if d.amount > 0 and rows_of.get(d.key):
                out[d.key][ind.id] = out[d.key].get(ind.id, 0.0) + float(d.amount) / rows_of[d.key]
    return out


def _status(state: FindingState | None, outcome: str, home: str | None) -> tuple[str, float, str | None]:
    """(status, amount, indicator); `home` is the first indicator whose rules hold the finding's rule."""
    if state is None:  # a guide that was not part of the score
        return ("not_counted" if outcome == "fail" else "needs_review"), 0.0, home
    indicator = (state.deducting or state.indicators or [home])[0]
    status = state.status
    if status == "counted" and not state.indicators:
        status = "not_counted"
    return status, round(state.amount, 4), indicator


def _round_shares(findings: list[dict]) -> None:
    """Round the findings' deductions to 4 decimals so that, per department and
    indicator, the rounded shares still sum to the rounded deduction (the last
    share takes the remainder); each finding's amount is then their sum."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for f in findings:
        for d in f["deductions"]:
            groups[(f["department"], d["indicator"])].append(d)
    for entries in groups.values():
        target = round(sum(d["amount"] for d in entries), 4)
        for d in entries[:-1]:
            d["amount"] = round(d["amount"], 4)
        entries[-1]["amount"] = round(target - sum(d["amount"] for d in entries[:-1]), 4)
    for f in findings:
        f["amount"] = round(sum(d["amount"] for d in f["deductions"]), 4)
        f["deducts"] = f["amount"] > 0


def build_report_model(campaign_score: CampaignScore, guides_by_department: Mapping[str, list[CheckedGuide]],
                       scheme: Scheme, *, campaign=None, link_results: Mapping[str, LinkResult] | None = None,
                       evidence: Mapping[str, object] | None = None, timezone: str | None = None) -> dict:
    """The report model of a scored campaign (see module doc).

    guides_by_department: the checked guides per department name, as scored.
    campaign: a store campaign row (dict with id, name, created_at) or None.
    link_results: URL -> LinkResult from the crawl's link checks (else each record's own).
    evidence: finding key -> screenshot path, or a dict with "screenshot", "trace",
    "page_snapshot" (files; reports.write_reports copies them next to the report).
    timezone: an IANA zone name for the times shown (default Asia/Shanghai)."""
    catalog = rules()
    zone = report_zone(timezone)
    home: dict[str, str] = {}
    for ind in scheme.indicators:
        for code in ind.rules:
            home.setdefault(code, ind.id)
    forms = {ind.id: ind.form for ind in scheme.indicators}
    titles = {ind.id: ind.title for ind in scheme.indicators}
    findings = []
    hosts = set()
    for score in campaign_score.departments:
        guides = guides_by_department.get(score.name, [])
        rows_of: dict[str, int] = defaultdict(int)
        for guide in guides:
            for f in guide.findings:
                rows_of[finding_key(guide.record.source, f)] += 1
        shares = _shares(score, forms, rows_of)
        for guide in guides:
            record = guide.record
            if record.url:
                hosts.add((urlsplit(record.url).hostname or "").lower())
            for f in guide.findings:
                key = finding_key(record.source, f)
                status, _, indicator = _status(score.finding_states.get(key), f.outcome, home.get(f.rule))
                mine = shares.get(key, {})
                deductions = [{"indicator": i, "indicator_title": titles.get(i, i), "amount": mine[i]}
                              for i in titles if mine.get(i)]
                amount = sum(mine.values())
                if deductions:
                    indicator = deductions[0]["indicator"]
                meta = catalog.get(f.rule)
                clauses = list(meta.clauses) if meta else []
                findings.append({
                    "key": key, "department": score.name, "item_name": record.elements.get("name", ""),
                    "source": record.source, "url": record.url, "rule": f.rule,
                    "rule_title": meta.title if meta else f.rule, "clauses": clauses,
                    "clause_texts": [clause_text(c) for c in clauses],
                    "element": f.element, "element_title": element_title(f.element) if f.element else "",
                    "material": f.material, "outcome": f.outcome, "status": status, "deducts": amount > 0,
                    "amount": amount, "indicator": indicator, "indicator_title": titles.get(indicator, indicator),
                    "deductions": deductions, "message": f.message, "evidence": f.evidence,
                    "fix": meta.fix if meta else "", "link": _link(f, record, link_results),
                    "screenshot": _evidence(key, evidence), "trace": _evidence(key, evidence, "trace"),
                    "page_snapshot": _evidence(key, evidence, "page_snapshot"),
                })
    _round_shares(findings)
    return {
        "generated_at": local_time(datetime.now(UTC), zone),
        "timezone": zone.key,
        "catalog_version": campaign_score.catalog_version,
        "local_portal": bool(hosts) and hosts <= LOCAL_HOSTS,
        "campaign": _campaign(campaign, zone),
        "scheme": {"id": scheme.id, "title": scheme.title, "source": source_title(str(scheme.raw.get("source", ""))),
                   "sha256": campaign_score.scheme_sha256},
        "departments": [_department(d, forms) for d in campaign_score.departments],
        "findings": findings,
    }
