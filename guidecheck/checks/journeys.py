"""J · journeys. The journey runner (guidecheck/journeys/runner.py) clicks the
guide's online-handling control in Chromium and puts a JourneyResult in
`record.journey`; these rules only read it, so a stored result gives the same
findings again. Offline (`record.journey` is None) they stay silent.

One finding per journey at most for each rule; `evidence` is the page reached
(or the guide page when nothing was reached):

- J001: the handling page was reached in one click, but the median time from
  the click to the page being ready is over the threshold (5 s, rules.yaml
  `threshold_seconds`): fail. Journeys that needed a second click are J002's.
- J002: a search or list page came in between (status list_page), or the page
  reached never showed the item's name or code (item_absent): fail. A login
  page (login) is needs_review: we cannot see past it.
- J003: the handling page failed (HTTP >= 400, an error page, a network error,
  a redirect loop, a download instead of a page, never finished loading): fail.
  No control on the guide: fail when the depth is Ⅲ/Ⅳ级 (or 全程网办);
  needs_review when the depth is Ⅱ级 (网上预审) or the record has an online
  link the page did not show. A blocked popup, a click that opened nothing, a
  dialog, a guide page the browser could not open, and the tool's own failures
  (browser crash): needs_review, never a deduction.
"""
from __future__ import annotations

from ..catalog import rules
from ..model import Finding, GuideRecord
from .consistency import depth_level
from .registry import finding, rule

FULL_ONLINE_LEVEL = 3  # Ⅲ级 (网上受理) and Ⅳ级 (全程网办): the item is handled online
REVIEW_LEVEL = 2  # Ⅱ级 (网上预审): materials go online, an entry is expected; a person confirms

J002_WHAT = {"list_page": "搜索或列表页", "item_absent": "未显示该事项的页面", "login": "登录页面"}
REVIEW_STATUSES = {"popup_blocked", "no_reaction", "dialog", "guide_error", "tool_error"}


def _journey(record: GuideRecord):
    journey = record.journey
    if journey is None:
        return None
    if isinstance(journey, dict):
        from ..journeys.result import journey_from_dict

        journey = journey_from_dict(journey)
    return journey


def _fields(j) -> dict:
    return {"control": j.control_text or "在线办理", "reason": j.reason or j.status, "runs": len(j.runs) or 1,
            "clicks": j.clicks, "what": J002_WHAT.get(j.status, "其他页面"),
            "seconds": f"{j.median_ms / 1000:.1f}" if j.median_ms is not None else "",
            "threshold": f"{j.threshold_ms / 1000:g}", "depth": j.online_depth or "未注明"}


def _review(code: str, j, evidence: str) -> Finding:
    found = finding(code, None, evidence, outcome="needs_review", **_fields(j))
    template = rules()[code].extra.get("review_message")
    if template:
        found.message = template.format(evidence=evidence, **_fields(j))
    return found


@rule("J001")
def click_to_reach_slow(record, context):
    j = _journey(record)
    if j is None or j.status != "reached" or j.median_ms is None or j.clicks > 1:
        return
    if j.median_ms > j.threshold_ms:
        yield finding("J001", None, j.evidence_url, **_fields(j))


@rule("J002")
def extra_clicks(record, context):
    j = _journey(record)
    if j is None:
        return
    if j.status in ("list_page", "item_absent"):
        yield finding("J002", None, j.evidence_url, **_fields(j))
    elif j.status == "login":
        yield _review("J002", j, j.evidence_url)


@rule("J003")
def handling_unreachable(record, context):
    j = _journey(record)
    if j is None:
        return
    if j.status == "failed":
        yield finding("J003", None, j.evidence_url, **_fields(j))
    elif j.status == "no_control":
        level = j.depth_level if j.depth_level is not None else depth_level(j.online_depth)
        if level is not None and level >= FULL_ONLINE_LEVEL:
            fields = _fields(j)
            fields["reason"] = f"网办深度为“{j.online_depth}”，指南页面却没有在线办理入口"
            yield finding("J003", None, j.guide_url, **fields)
        elif level == REVIEW_LEVEL or j.has_online_link:
            j2 = _copy_reason(j, f"网办深度为“{j.online_depth}”，指南页面没有在线办理入口" if level == REVIEW_LEVEL
                              else "指南数据中有在线办理链接，页面上却没有找到入口")
            yield _review("J003", j2, j.guide_url)
    elif j.status in REVIEW_STATUSES:
        yield _review("J003", j, j.evidence_url)


def _copy_reason(j, reason: str):
    from dataclasses import replace

    return replace(j, reason=reason)


def journey_findings(journey) -> list[Finding]:
    """The J findings of a journey result alone (a record that carries only it)."""
    record = GuideRecord(source="journey", journey=journey)
    out: list[Finding] = []
    for check in (click_to_reach_slow, extra_clicks, handling_unreachable):
        out.extend(check(record, None))
    return out
