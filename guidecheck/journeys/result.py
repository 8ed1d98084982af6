"""What a journey found, as plain values (no browser here): the J rules read a
JourneyResult from `record.journey`, the store keeps it as JSON, and case files
build one from a dict.

A journey is run several times (3 by default), each run in a fresh browser
context. Each run ends in one status:

| status | what happened | rule it feeds |
|---|---|---|
| reached | the handling page showed the item (or the profile's ready selector/text) after one click | J001 when the median is over the threshold |
| list_page | a search or list page came first (the item was reached with a second click, or not at all) | J002 fail |
| item_absent | a page loaded, but the item's name or code never appeared within the time limit | J002 fail |
| login | a login page came first; whether it leads to the item cannot be seen | J002 needs_review |
| failed | HTTP >= 400, an error page, a network error, a redirect loop, a download instead of a page, or the page never finished loading | J003 fail |
| no_control | the guide page offers no online-handling control | J003 fail at depth Ⅲ/Ⅳ (全程网办), needs_review at Ⅱ or when the record has an online link, else nothing |
| popup_blocked | the page reached tried to open the handling page with window.open and the browser blocked it | J003 needs_review |
| no_reaction | the click opened nothing (no tab, no navigation, no download) | J003 needs_review |
| dialog | the click raised a browser dialog (alert/confirm) | J003 needs_review |
| guide_error | the guide page itself could not be opened | J003 needs_review |
| tool_error | the browser crashed or the tool failed | J003 needs_review, never a deduction |
"""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field, fields

STATUSES = ("reached", "list_page", "item_absent", "login", "failed", "no_control", "popup_blocked",
            "no_reaction", "dialog", "guide_error", "tool_error")
# Runs ending in these are repeated (cheap and possibly a blip) unless the time limit
# ended them; the others end the journey.
REPEATED = {"reached", "list_page", "failed"}


@dataclass
class JourneyRun:
    """One run: click to outcome.

    elapsed_ms: click to ready, from the pages' own clocks (the click event's
    timestamp in the guide page, the ready moment in the handling page) when
    they agree with the monotonic clock, else the monotonic figure; wall_ms:
    monotonic, from just before Playwright's click() to the moment Python saw
    the outcome (an upper bound: it includes Playwright's actionability checks
    and the polling interval)."""

    status: str
    reason: str = ""
    elapsed_ms: float | None = None
    wall_ms: float | None = None
    timing: str = ""  # page | monotonic
    clicks: int = 0
    pages: list[str] = field(default_factory=list)
    reached_url: str = ""
    http_status: int | None = None
    ready_by: str = ""  # name | base_name | code | selector | text
    timed_out: bool = False  # ended by the time limit (such a run is not repeated)
    screenshot: str | None = None
    trace: str | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", [], False)}


@dataclass
class JourneyResult:
    """A journey from a guide page's online-handling control to the handling page."""

    guide_url: str
    status: str
    reason: str = ""
    item_name: str = ""
    item_code: str = ""
    online_depth: str = ""
    depth_level: int | None = None
    has_online_link: bool = False
    control_text: str = ""
    control_url: str = ""
    median_ms: float | None = None
    clicks: int = 0
    pages: list[str] = field(default_factory=list)
    reached_url: str = ""
    http_status: int | None = None
    runs: list[JourneyRun] = field(default_factory=list)
    threshold_ms: float = 5000.0
    screenshot: str | None = None  # evidence, relative to the evidence root
    trace: str | None = None
    checked_at: str = ""

    @property
    def evidence_url(self) -> str:
        return self.reached_url or self.control_url or self.guide_url

    def to_json(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "runs" and v not in (None, "", [])}
        out["runs"] = [r.to_json() for r in self.runs]
        return out


def _build(cls, data: dict):
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise ValueError(f"未知字段 {', '.join(sorted(unknown))}")
    return cls(**data)


def journey_from_dict(data: dict | None) -> JourneyResult | None:
    """A JourneyResult from its JSON (the store, case files). Unknown keys raise ValueError."""
    if data is None:
        return None
    if isinstance(data, JourneyResult):
        return data
    data = dict(data)
    runs = [_build(JourneyRun, dict(r)) for r in data.pop("runs", []) or []]
    data.setdefault("status", "reached")
    data.setdefault("guide_url", "")
    result = _build(JourneyResult, data)
    result.runs = runs
    if result.status not in STATUSES:
        raise ValueError(f"未知的路径状态 {result.status}")
    return result


def summarize_runs(runs: list[JourneyRun]) -> tuple[str, str, float | None, JourneyRun | None]:
    """(status, reason, median_ms, representative run) of a journey's runs.

    A tool failure in any run makes the journey needs_review (tool_error).
    Otherwise the status most runs ended in wins (ties: the earlier run's);
    the median is over the runs of that status that have a time; the
    representative run is the one closest to the median (else the last run of
    that status). Runs that disagree are named in the reason."""
    if not runs:
        return "tool_error", "没有完成任何一次测量", None, None
    broken = [r for r in runs if r.status == "tool_error"]
    if broken:
        return "tool_error", broken[-1].reason, None, broken[-1]
    counts: dict[str, int] = {}
    for r in runs:
        counts[r.status] = counts.get(r.status, 0) + 1
    status = max(counts, key=lambda s: (counts[s], -next(i for i, r in enumerate(runs) if r.status == s)))
    chosen = [r for r in runs if r.status == status]
    times = [r.elapsed_ms for r in chosen if r.elapsed_ms is not None]
    median = statistics.median(times) if times else None
    if median is not None:
        rep = min((r for r in chosen if r.elapsed_ms is not None), key=lambda r: abs(r.elapsed_ms - median))
    else:
        rep = chosen[-1]
    reason = rep.reason
    others = [r for r in runs if r.status != status]
    if others:
        note = "；".join(f"另有1次为“{r.reason or r.status}”" for r in others)
        reason = f"{reason}（{len(runs)}次中{len(chosen)}次如此，{note}）" if reason else note
    return status, reason, median, rep
