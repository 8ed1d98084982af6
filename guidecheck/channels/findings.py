"""The channel phase's S findings in the campaign's `findings` table, where
reviewers see, confirm, dismiss and appeal them (review.py) and summaries count
them: S001 on the portal record it concerns, S002 (and an S001 about a
channel's guide that pairs with no portal guide) as a department's finding
(item_id NULL, page_department_id), named by its evidence as homepage findings
are. Rewritten from `channel_results` on every call (idempotent): a recheck
that replaced an item's findings loses nothing.
"""
from __future__ import annotations

from collections import Counter

from .store import ChannelStore

S_CODES = ("S001", "S002")


def sync_findings(store, campaign_id: int) -> int:
    """Replace the campaign's stored S findings with the channel results; how many were written."""
    if "channel_results" not in set(store.db.table_names()):
        return 0
    results = ChannelStore(store).results(campaign_id)
    record_ids: dict[tuple[int, str], int] = {}
    if any(r["item_id"] is not None and r["findings"] for r in results):
        for rec in store.records(campaign_id):
            record_ids.setdefault((rec["item_id"], rec.get("source") or ""), rec["record_id"])
    rows = []
    for r in results:
        for f in r["findings"]:
            if r["item_id"] is not None:
                record_id = record_ids.get((r["item_id"], r["portal_source"] or ""))
                if record_id is None:
                    continue  # no stored record of that source (the item was fetched again): not attached
                rows.append((campaign_id, r["item_id"], record_id, None, f.rule, f.element, f.material, f.outcome,
                             f.message, f.evidence))
            else:
                rows.append((campaign_id, None, None, r["department_id"], f.rule, f.element, f.material, f.outcome,
                             f.message, f.evidence))
    placeholders = ", ".join("?" * len(S_CODES))
    existing = {}
    for row in store.db.conn.execute(
            "SELECT id, campaign_id, item_id, record_id, page_department_id, rule, element, material, outcome, "
            f"message, evidence FROM findings WHERE campaign_id = ? AND rule IN ({placeholders}) ORDER BY id",
            [campaign_id, *S_CODES]):
        existing.setdefault(tuple(row[1:]), []).append(row[0])
    # Only what changed is written: a campaign scored again keeps its rows (and their ids).
    wanted = Counter(rows)
    stale = [i for key, ids in existing.items() for i in ids[wanted.get(key, 0):]]
    missing = [key for key, n in wanted.items() for _ in range(max(0, n - len(existing.get(key, []))))]
    if stale or missing:
        with store.db.conn:
            store.db.conn.executemany("DELETE FROM findings WHERE id = ?", [(i,) for i in stale])
            store.db.conn.executemany(
                "INSERT INTO findings (campaign_id, item_id, record_id, page_department_id, rule, element, material, "
                "outcome, message, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", missing)
    return len(rows)
