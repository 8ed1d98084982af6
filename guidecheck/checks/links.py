"""K · links. The crawler checks each link a guide offers (crawler/links.py) and
puts the LinkResults in `record.link_results`, keyed by URL; these rules only
read them, so a replay with stored results gives the live findings. With no
result for a link (an offline check) they stay silent.

One finding per link of the guide (`element` and `material` from the Link,
`evidence` the URL):

- K001: the link is `dead` (404/410, a 4xx/5xx or DNS/connection/TLS failure on
  every try, a redirect loop, an intranet address): fail. A link the checker
  could not judge (`review`: timeouts, 429, a firewall page, answers that differ
  between tries) is needs_review, which is never deducted.
- K002: `soft_404`, a 200 answer that is an error page: fail.
- K003: `not_a_file`, a form or sample link (role form / sample) answering an
  HTML page instead of a document: fail.
- K004: `unreadable`, a downloaded document that is empty, truncated or corrupt: fail.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urldefrag

from ..catalog import rules
from ..model import Finding, GuideRecord, Link, LinkResult
from .registry import finding, rule

FILE_ROLES = {"form", "sample"}


def _results(record: GuideRecord, statuses: set[str], roles: set[str] | None = None
             ) -> Iterator[tuple[Link, LinkResult]]:
    """The record's links whose result has one of `statuses`, once per (url, element, material)."""
    if not record.link_results:
        return
    seen = set()
    for link in record.links:
        if roles is not None and link.role not in roles:
            continue
        result = record.link_results.get(link.url) or record.link_results.get(urldefrag(link.url).url)
        if result is None or result.status not in statuses:
            continue
        key = (link.url, link.element, link.material)
        if key not in seen:
            seen.add(key)
            yield link, result


def _fields(link: Link, result: LinkResult) -> dict:
    return {"reason": result.reason or result.status, "what": f"“{link.text}”" if link.text else "该"}


@rule("K001")
def dead_link(record, context):
    for link, result in _results(record, {"dead", "review"}):
        if result.status == "dead":
            yield finding("K001", link.element, link.url, material=link.material, **_fields(link, result))
            continue
        found = finding("K001", link.element, link.url, material=link.material, outcome="needs_review",
                        **_fields(link, result))
        template = rules()["K001"].extra.get("review_message")
        if template:
            found = Finding(found.rule, found.element, found.outcome,
                            template.format(evidence=link.url, **_fields(link, result)), found.evidence,
                            found.material)
        yield found


@rule("K002")
def soft_404(record, context):
    for link, result in _results(record, {"soft_404"}):
        yield finding("K002", link.element, link.url, material=link.material, **_fields(link, result))


@rule("K003")
def download_not_a_file(record, context):
    for link, result in _results(record, {"not_a_file"}, FILE_ROLES):
        yield finding("K003", link.element, link.url, material=link.material, **_fields(link, result))


@rule("K004")
def download_unreadable(record, context):
    for link, result in _results(record, {"unreadable"}):
        yield finding("K004", link.element, link.url, material=link.material, **_fields(link, result))
