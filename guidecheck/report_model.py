"""The report model: one plain JSON-able dict that the report renderers (HTML,
Excel, CSV, JSON) read. Built from a scored campaign and the guides behind it;
it knows nothing of how it will be drawn.

    build_report_model(campaign_score, guides_by_department, scheme, *,
                       campaign=None, link_results=None, evidence=None) -> dict

Shape (key names are fixed; renderers rely on them):

    {"generated_at", "catalog_version",
     "campaign": {"id", "name", "created_at"},
     "scheme": {"id", "title", "source", "sha256"},
     "departments": [{"name", "level", "checked", "veto", "veto_reason", "total_points", "total_score",
                      "indicators": [{"id", "title", "clause", "points", "deducted", "score", "judged", "value"}]}],
     "findings": [{"key", "department", "item_name", "source", "url", "rule", "rule_title", "clauses",
                   "element", "element_title", "material", "outcome", "status", "deducts", "amount",
                   "indicator", "message", "evidence", "fix", "link", "screenshot"}]}

A finding's `status` is `counted` (a failure the scheme counts), `not_counted`
(a failure no judged indicator of the scheme counts), `needs_review`, or the
reviewer's decision (`confirmed`, `dismissed`, `upheld`, `overturned`).
`amount` is the points it took off, summed over indicators; `indicator` the
first indicator (scheme order) it deducts in, else the first it was counted in,
else the first whose rules hold its rule (None when the scheme does not use it).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urldefrag

from .catalog import element_title, rules
from .model import LinkResult
from .offline import CheckedGuide
from .schemes import Scheme
from .scoring import CampaignScore, DepartmentScore, finding_key, points_value
from .scoring.model import FindingState

LINK_RULES_PREFIX = "K"


def _campaign(campaign) -> dict:
    if campaign is None:
        return {"id": None, "name": "", "created_at": None}
    get = campaign.get if isinstance(campaign, Mapping) else (lambda k, d=None: getattr(campaign, k, d))
    return {"id": get("id"), "name": get("name") or "", "created_at": get("created_at")}


def _department(score: DepartmentScore) -> dict:
    return {
        "name": score.name, "level": score.level, "checked": score.checked, "veto": score.veto,
        "veto_reason": score.veto_reason, "total_points": float(score.total_points),
        "total_score": score.total_score,
        "indicators": [{"id": i.id, "title": i.title, "clause": i.clause, "points": points_value(i.points),
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


def _screenshot(key: str, evidence) -> str | None:
    if not evidence:
        return None
    value = evidence.get(key)
    if isinstance(value, Mapping):
        value = value.get("screenshot")
    return str(value) if value else None


def _status(state: FindingState | None, outcome: str, home: str | None) -> tuple[str, float, str | None]:
    """(status, amount, indicator); `home` is the first indicator whose rules hold the finding's rule."""
    if state is None:  # a guide that was not part of the score
        return ("not_counted" if outcome == "fail" else "needs_review"), 0.0, home
    indicator = (state.deducting or state.indicators or [home])[0]
    status = state.status
    if status == "counted" and not state.indicators:
        status = "not_counted"
    return status, round(state.amount, 4), indicator


def build_report_model(campaign_score: CampaignScore, guides_by_department: Mapping[str, list[CheckedGuide]],
                       scheme: Scheme, *, campaign=None, link_results: Mapping[str, LinkResult] | None = None,
                       evidence: Mapping[str, object] | None = None) -> dict:
    """The report model of a scored campaign (see module doc).

    guides_by_department: the checked guides per department name, as scored.
    campaign: a store campaign row (dict with id, name, created_at) or None.
    link_results: URL -> LinkResult from the crawl's link checks (else each record's own).
    evidence: finding key -> screenshot path (or a dict with "screenshot")."""
    catalog = rules()
    home: dict[str, str] = {}
    for ind in scheme.indicators:
        for code in ind.rules:
            home.setdefault(code, ind.id)
    findings = []
    for score in campaign_score.departments:
        for guide in guides_by_department.get(score.name, []):
            record = guide.record
            for f in guide.findings:
                key = finding_key(record.source, f)
                status, amount, indicator = _status(score.finding_states.get(key), f.outcome, home.get(f.rule))
                meta = catalog.get(f.rule)
                findings.append({
                    "key": key, "department": score.name, "item_name": record.elements.get("name", ""),
                    "source": record.source, "url": record.url, "rule": f.rule,
                    "rule_title": meta.title if meta else f.rule, "clauses": list(meta.clauses) if meta else [],
                    "element": f.element, "element_title": element_title(f.element) if f.element else "",
                    "material": f.material, "outcome": f.outcome, "status": status, "deducts": amount > 0,
                    "amount": amount, "indicator": indicator, "message": f.message, "evidence": f.evidence,
                    "fix": meta.fix if meta else "", "link": _link(f, record, link_results),
                    "screenshot": _screenshot(key, evidence),
                })
    return {
        "generated_at": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        "catalog_version": campaign_score.catalog_version,
        "campaign": _campaign(campaign),
        "scheme": {"id": scheme.id, "title": scheme.title, "source": str(scheme.raw.get("source", "")),
                   "sha256": campaign_score.scheme_sha256},
        "departments": [_department(d) for d in campaign_score.departments],
        "findings": findings,
    }
