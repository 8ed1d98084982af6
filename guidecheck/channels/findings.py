"""The channel phase's S findings: S001 on the portal record it concerns,
S002 (and an S001 about a channel's guide that pairs with no portal guide) as
a department's finding (item_id NULL, page_department_id), named by its
evidence as homepage findings are. The comparisons are stored in
`channel_results`; the judge (guidecheck/judge.py) writes their findings to the
campaign's `findings` table with the item's others, where reviewers see,
confirm, dismiss and appeal them.
"""
from __future__ import annotations

S_CODES = ("S001", "S002")
