"""K001-K004 read link results, never the network. Their case files run with the
other rules' in test_rule_cases.py; here the statuses map onto the rules."""
from __future__ import annotations

from guidecheck.checks.registry import run_checks
from guidecheck.model import GuideRecord, Link, LinkResult

CODES = ["K001", "K002", "K003", "K004"]


def test_link_results_feed_the_rules_end_to_end():
    """Statuses from the checker map onto the rules one to one."""
    urls = {s: f"http://x.example/{s}" for s in ("ok", "dead", "review", "soft_404", "not_a_file", "unreadable")}
    record = GuideRecord(source="t", links=[Link(url=u, role="form", material=0) for u in urls.values()],
                         link_results={u: LinkResult(u, s, reason="原因") for s, u in urls.items()})
    found = {(f.rule, f.outcome, f.evidence) for f in run_checks(record, CODES)}
    assert found == {("K001", "fail", urls["dead"]), ("K001", "needs_review", urls["review"]),
                     ("K002", "fail", urls["soft_404"]), ("K003", "fail", urls["not_a_file"]),
                     ("K004", "fail", urls["unreadable"])}
