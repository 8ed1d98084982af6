"""The channel phase's tables, in the campaign's own database file (created
here with sqlite-utils when first needed, so the campaign store's migrations
are untouched):

- `channel_state`    one row per (campaign, department, channel): `listed`
                     once its listing was read, `compared` once its results are stored;
- `channel_entries`  every item the channel lists (url, key, name); `wanted`
                     when the phase fetches it; `status` listed | fetched | error;
                     the extracted records (`records_json`) and the snapshot sha;
- `channel_results`  one row per compared item: the portal item (NULL when the
                     item is on the other channel only), the portal record's
                     source, the other guide's url, and the S findings (JSON).

Every write is its own transaction, so a killed phase resumes where it stopped:
entries fetched are not fetched again, channels compared are not compared again.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from ..model import Finding


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ChannelStore:
    def __init__(self, store):
        self.db = store.db
        self._ensure()

    def _ensure(self) -> None:
        names = set(self.db.table_names())
        if "channel_state" not in names:
            self.db["channel_state"].create(
                {"campaign_id": int, "department_id": int, "channel": str, "listing_url": str, "listed": int,
                 "compared": int, "error": str, "updated_at": str},
                pk=("campaign_id", "department_id", "channel"), if_not_exists=True)
        if "channel_entries" not in names:
            self.db["channel_entries"].create(
                {"id": int, "campaign_id": int, "department_id": int, "channel": str, "url": str, "item_key": str,
                 "name": str, "wanted": int, "status": str, "sha256": str, "records_json": str, "error": str,
                 "updated_at": str}, pk="id", if_not_exists=True)
            self.db["channel_entries"].create_index(["campaign_id", "department_id", "channel", "url"], unique=True,
                                                    if_not_exists=True)
        if "channel_results" not in names:
            self.db["channel_results"].create(
                {"id": int, "campaign_id": int, "department_id": int, "channel": str, "item_id": int,
                 "portal_source": str, "other_url": str, "other_fetched": int, "item": str, "code": str, "findings_json": str,
                 "created_at": str}, pk="id", if_not_exists=True)
            self.db["channel_results"].create_index(["campaign_id", "department_id"], if_not_exists=True)

    # state
    def state(self, campaign_id: int, department_id: int, channel: str) -> dict:
        rows = list(self.db["channel_state"].rows_where(
            "campaign_id = ? AND department_id = ? AND channel = ?", [campaign_id, department_id, channel]))
        return rows[0] if rows else {"listed": 0, "compared": 0}

    def set_state(self, campaign_id: int, department_id: int, channel: str, **values) -> None:
        with self.db.conn:
            self.db["channel_state"].upsert({"campaign_id": campaign_id, "department_id": department_id,
                                             "channel": channel, **values, "updated_at": _now()},
                                            pk=("campaign_id", "department_id", "channel"))

    def states(self, campaign_id: int) -> list[dict]:
        return list(self.db["channel_state"].rows_where("campaign_id = ?", [campaign_id]))

    # entries
    def save_listing(self, campaign_id: int, department_id: int, channel: str, listing_url: str,
                     entries: list[tuple[str, str, str]], error: str = "") -> None:
        """The channel's listed items (key, name, url), and its state `listed`, in one transaction."""
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO channel_entries (campaign_id, department_id, channel, url, item_key, name, "
                "wanted, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 'listed', ?)",
                [(campaign_id, department_id, channel, url, key, name, _now()) for key, name, url in entries])
            self.db["channel_state"].upsert({"campaign_id": campaign_id, "department_id": department_id,
                                             "channel": channel, "listing_url": listing_url, "listed": 1,
                                             "compared": 0, "error": error or None, "updated_at": _now()},
                                            pk=("campaign_id", "department_id", "channel"))

    def entries(self, campaign_id: int, department_id: int, channel: str) -> list[dict]:
        return list(self.db["channel_entries"].rows_where(
            "campaign_id = ? AND department_id = ? AND channel = ?", [campaign_id, department_id, channel],
            order_by="id"))

    def want(self, entry_ids: list[int]) -> None:
        with self.db.conn:
            self.db.conn.executemany("UPDATE channel_entries SET wanted = 1 WHERE id = ?", [(i,) for i in entry_ids])

    def save_fetch(self, entry_id: int, *, sha: str | None, records: list[dict] | None, error: str = "") -> None:
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE channel_entries SET status = ?, sha256 = ?, records_json = ?, error = ?, updated_at = ? "
                "WHERE id = ?", ["error" if error else "fetched", sha,
                                 json.dumps(records or [], ensure_ascii=False), error or None, _now(), entry_id])

    # results
    def save_results(self, campaign_id: int, department_id: int, channel: str, rows: list[dict]) -> None:
        """The channel's comparison results, replacing any earlier ones, and its state `compared`."""
        with self.db.conn:
            self.db.conn.execute("DELETE FROM channel_results WHERE campaign_id = ? AND department_id = ? "
                                 "AND channel = ?", [campaign_id, department_id, channel])
            self.db.conn.executemany(
                "INSERT INTO channel_results (campaign_id, department_id, channel, item_id, portal_source, other_url, "
                "other_fetched, item, code, findings_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(campaign_id, department_id, channel, r.get("item_id"), r.get("portal_source"), r.get("other_url"),
                  int(bool(r.get("other_fetched"))), r.get("item"), r.get("code"),
                  json.dumps([f.to_json() for f in r["findings"]], ensure_ascii=False), _now()) for r in rows])
            self.db["channel_state"].update((campaign_id, department_id, channel),
                                            {"compared": 1, "updated_at": _now()})

    def results(self, campaign_id: int) -> list[dict]:
        out = []
        for row in self.db["channel_results"].rows_where("campaign_id = ?", [campaign_id], order_by="id"):
            row = dict(row)
            row["findings"] = [Finding(rule=f["rule"], element=f.get("element"), outcome=f["outcome"],
                                       message=f.get("message", ""), evidence=f.get("evidence", ""),
                                       material=f.get("material"))
                               for f in json.loads(row.pop("findings_json") or "[]")]
            out.append(row)
        return out
