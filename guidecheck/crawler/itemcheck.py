"""From fetched bytes to an item's records: the one function the extract phase
and `replay` both call (the judge, guidecheck/judge.py, then gives both the
same findings by construction).

A fetch that failed becomes a record carrying its `fetch_problem`, which E010
judges: `fail` only when the guide is confirmed missing (404/410, an empty
page, a page with no guide at all, a portal reply saying there is no such
item); `needs_review` when the tool could not tell (timeout, 403 from a
firewall, 429, 5xx, a truncated or malformed answer, a page whose values
arrive by script)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError, NoGuideError
from ..extract import extract
from ..model import FetchProblem, GuideRecord

CONFIRMED_MISSING = {404, 410}


@dataclass
class Fetched:
    """One response as the crawler kept it (or an error where there was none)."""

    url: str
    body: bytes = b""
    status: int | None = None
    error: str = ""  # a Chinese reason when no usable response came back
    role: str = "guide"  # guide | extra


@dataclass
class ItemOutcome:
    records: list[GuideRecord] = field(default_factory=list)
    error: str = ""


def _missing(url: str, reason: str, confirmed: bool) -> ItemOutcome:
    record = GuideRecord(source=url, url=url, fetch_problem=FetchProblem(reason, confirmed))
    return ItemOutcome([record], error=reason)


def _merge(main: GuideRecord, extra: GuideRecord) -> None:
    """Fill what the main page lacks from a page that holds part of the guide."""
    for key, value in extra.elements.items():
        if key != "name" and key not in main.elements:
            main.elements[key] = value
            if key in extra.uncertain:  # the extra page's doubt comes with its value
                main.uncertain.add(key)
    if not main.faq and extra.faq:
        main.faq = extra.faq
    if not main.materials and extra.materials:
        main.materials = extra.materials
    if not main.process_steps and extra.process_steps:
        main.process_steps = extra.process_steps
    main.present |= extra.present
    known = {link.url for link in main.links}
    main.links.extend(link for link in extra.links if link.url not in known)


def merge_extra_pages(records: list[GuideRecord], extras) -> None:
    """Fill the guide's records from its extra pages (tabs served as pages):
    each extra has url, body, status and error; an unusable one is skipped."""
    for extra in extras:
        if extra.error or not extra.body or (extra.status or 0) >= 400:
            continue
        try:
            extra_records = extract(extra.body, extra.url, extra.url)
        except InputError:
            continue
        for record in records:
            for other in extra_records:
                _merge(record, other)


def read_item(main: Fetched, extras: list[Fetched] = ()) -> ItemOutcome:
    """One item's records from its guide response and extra pages (no checks)."""
    if main.error or main.status is None:
        return _missing(main.url, main.error or "未取得页面", confirmed=False)
    if main.status in CONFIRMED_MISSING:
        return _missing(main.url, f"指南页面返回 HTTP {main.status}", confirmed=True)
    if main.status >= 400:
        return _missing(main.url, f"指南页面返回 HTTP {main.status}，可能是临时故障或访问被拦截", confirmed=False)
    try:
        records = extract(main.body, main.url, main.url)
    except NoGuideError as exc:
        return _missing(main.url, exc.reason, confirmed=True)
    except InputError as exc:  # truncated, malformed, binary, script-filled: the tool cannot tell
        return _missing(main.url, exc.reason, confirmed=False)
    merge_extra_pages(records, extras)
    return ItemOutcome(records)
