"""The store's tables for the monthly assessment: sampling rotation, review
decisions, journeys and homepages. Mixed into `guidecheck.store.Store`, which
owns the connection (`self.db`) and the migrations that create these tables."""
from __future__ import annotations

import json
from datetime import datetime, timezone



def now_iso(ts: float | None = None) -> str:
    when = datetime.fromtimestamp(ts, timezone.utc) if ts is not None else datetime.now(timezone.utc)
    return when.isoformat(timespec="seconds")


class AssessmentTables:
    # sampling rotation (the logic is in guidecheck/sampling.py)
    @staticmethod
    def _sample_row(row: dict) -> dict:
        row = dict(row)
        row["items"] = json.loads(row.pop("items_json") or "[]")
        row["cycles"] = json.loads(row.pop("cycles_json") or "[]")
        return row

    def sample(self, department_key: str, month: str) -> dict | None:
        """The stored draw of a department for a month (items and cycles as lists)."""
        rows = list(self.db["samples"].rows_where("department_key = ? AND month = ?", [department_key, month]))
        return self._sample_row(rows[0]) if rows else None

    def samples(self, *, month: str | None = None, campaign_id: int | None = None,
                department_key: str | None = None) -> list[dict]:
        where, args = [], []
        for column, value in (("month", month), ("campaign_id", campaign_id), ("department_key", department_key)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        return [self._sample_row(r) for r in self.db["samples"].rows_where(
            " AND ".join(where) or None, args or None, order_by="month, department_key")]

    def latest_sample_month(self, department_key: str) -> str | None:
        return self.db.execute("SELECT max(month) FROM samples WHERE department_key = ?",
                               [department_key]).fetchone()[0]

    def rotation_state(self, department_key: str) -> tuple[int, dict[str, dict]]:
        """(the department's current cycle, 1 when new; item_key -> its rotation row)."""
        found = self.db.execute("SELECT cycle FROM rotations WHERE department_key = ?", [department_key]).fetchone()
        items = {r["item_key"]: r for r in self.db["rotation_items"].rows_where("department_key = ?",
                                                                                [department_key])}
        return (found[0] if found else 1), items

    def save_draw(self, department_key: str, *, month: str, seed: int, size: int, listed: list[str],
                  drawn: list[str], cycles: list[int], cycle: int, campaign_id: int | None = None) -> None:
        """Store a draw in one transaction: the department's cycle, the listed items
        (new ones added, unlisted ones marked withdrawn), the drawn items as checked
        in their cycle, and the sample itself."""
        stamp = now_iso()
        with self.db.atomic():
            conn = self.db.conn
            conn.execute("INSERT INTO rotations (department_key, cycle, updated_at) VALUES (?, ?, ?) "
                         "ON CONFLICT(department_key) DO UPDATE SET cycle = excluded.cycle, "
                         "updated_at = excluded.updated_at", [department_key, cycle, stamp])
            conn.execute("UPDATE rotation_items SET listed = 0 WHERE department_key = ?", [department_key])
            conn.executemany("INSERT INTO rotation_items (department_key, item_key, checked_cycle, listed, "
                             "first_month) VALUES (?, ?, 0, 1, ?) ON CONFLICT(department_key, item_key) "
                             "DO UPDATE SET listed = 1", [(department_key, key, month) for key in listed])
            conn.executemany("UPDATE rotation_items SET checked_cycle = ?, checked_month = ? "
                             "WHERE department_key = ? AND item_key = ?",
                             [(c, month, department_key, key) for key, c in zip(drawn, cycles)])
            conn.execute("INSERT INTO samples (department_key, month, seed, size, items_json, cycles_json, "
                         "campaign_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [department_key, month, seed, size, json.dumps(drawn, ensure_ascii=False),
                          json.dumps(cycles), campaign_id, stamp])

    # review decisions (the logic is in guidecheck/review.py)
    def review_findings(self, campaign_id: int | None = None) -> list[dict]:
        """Findings with their record's source, item and department (all campaigns
        when campaign_id is None), in campaign and item order."""
        where, args = ("WHERE f.campaign_id = ?", [campaign_id]) if campaign_id is not None else ("", [])
        return list(self.db.query(
            # A homepage finding (H rules) has no record or item: its page URL is its source
            # (as the scorer names it) and its department is page_department_id.
            "SELECT f.*, coalesce(json_extract(r.record_json, '$.source'), "
            "CASE WHEN f.item_id IS NULL THEN f.evidence END) AS source, i.item_key, i.name AS item_name, "
            "d.name AS department, d.region AS region FROM findings f "
            "LEFT JOIN records r ON r.id = f.record_id LEFT JOIN items i ON i.id = f.item_id "
            f"LEFT JOIN departments d ON d.id = coalesce(i.department_id, f.page_department_id) {where} "
            "ORDER BY f.campaign_id, f.item_id, f.id", args))

    def add_decision(self, campaign_id: int, finding_key: str, action: str, *, who: str,
                     why: str | None = None) -> int:
        """Append a decision (the table refuses updates and deletes); returns its id."""
        with self.db.atomic():
            return self.db.conn.execute(
                "INSERT INTO decisions (campaign_id, finding_key, action, who, why, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", [campaign_id, finding_key, action, who, why, now_iso()]).lastrowid

    def decision(self, decision_id: int) -> dict:
        return self.db["decisions"].get(decision_id)

    def decisions(self, *, campaign_id: int | None = None, finding_key: str | None = None) -> list[dict]:
        """Decisions in the order they were made."""
        where, args = [], []
        for column, value in (("campaign_id", campaign_id), ("finding_key", finding_key)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        return list(self.db["decisions"].rows_where(" AND ".join(where) or None, args or None, order_by="id"))

    # journeys and portal pages (the logic is in guidecheck/journeys)
    def save_journey(self, campaign_id: int, item_id: int, result: dict, *, screenshot_path: str | None = None,
                     trace_path: str | None = None) -> None:
        """Store (replace) an item's journey: `result` is JourneyResult.to_json()."""
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO journeys (campaign_id, item_id, guide_url, status, median_ms, clicks, reached_url, "
                "reason, result_json, screenshot_path, trace_path, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(campaign_id, item_id) DO UPDATE SET guide_url = excluded.guide_url, "
                "status = excluded.status, median_ms = excluded.median_ms, clicks = excluded.clicks, "
                "reached_url = excluded.reached_url, reason = excluded.reason, result_json = excluded.result_json, "
                "screenshot_path = excluded.screenshot_path, trace_path = excluded.trace_path, "
                "checked_at = excluded.checked_at",
                [campaign_id, item_id, result.get("guide_url", ""), result["status"], result.get("median_ms"),
                 result.get("clicks", 0), result.get("reached_url", ""), result.get("reason", ""),
                 json.dumps(result, ensure_ascii=False), screenshot_path, trace_path, now_iso()])

    def journeys(self, campaign_id: int) -> dict[int, dict]:
        """item_id -> the stored journey row, with `result` (the JourneyResult JSON)."""
        out = {}
        for row in self.db["journeys"].rows_where("campaign_id = ?", [campaign_id], order_by="item_id"):
            row["result"] = json.loads(row.pop("result_json") or "{}")
            out[row["item_id"]] = row
        return out

    def save_portal_page(self, campaign_id: int, page: dict) -> None:
        """Store (replace) one checked homepage: url, role, name, department_id,
        final_url, http_status, status (ok | error), reason, snapshot_sha, marks
        (dict) and observation (HomepageObservation.to_json(): what the judge reads;
        this writes no finding)."""
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO portal_pages (campaign_id, department_id, role, name, url, final_url, http_status, "
                "status, reason, snapshot_sha, marks_json, observation_json, checked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(campaign_id, url) DO UPDATE SET department_id = excluded.department_id, "
                "role = excluded.role, name = excluded.name, final_url = excluded.final_url, "
                "http_status = excluded.http_status, status = excluded.status, reason = excluded.reason, "
                "snapshot_sha = excluded.snapshot_sha, marks_json = excluded.marks_json, "
                "observation_json = excluded.observation_json, checked_at = excluded.checked_at",
                [campaign_id, page.get("department_id"), page["role"], page.get("name", ""), page["url"],
                 page.get("final_url", ""), page.get("http_status"), page["status"], page.get("reason", ""),
                 page.get("snapshot_sha"), json.dumps(page.get("marks") or {}, ensure_ascii=False),
                 json.dumps(page["observation"], ensure_ascii=False), now_iso()])

    def portal_pages(self, campaign_id: int) -> list[dict]:
        out = []
        for row in self.db["portal_pages"].rows_where("campaign_id = ?", [campaign_id], order_by="rowid"):
            row["marks"] = json.loads(row.pop("marks_json") or "{}")
            row["observation"] = json.loads(row.pop("observation_json", None) or "null")
            out.append(row)
        return out

    def page_findings(self, campaign_id: int) -> list[dict]:
        """The findings that belong to a department's site rather than a guide (H rules)."""
        return list(self.db.query(
            "SELECT f.*, f.page_department_id AS department_id, d.name AS department FROM findings f "
            "LEFT JOIN departments d ON d.id = f.page_department_id "
            "WHERE f.campaign_id = ? AND f.item_id IS NULL ORDER BY f.page_department_id, f.id", [campaign_id]))

    def update_campaign_settings(self, campaign_id: int, settings: dict) -> dict:
        """Merge `settings` into the campaign's settings (top-level keys replaced); returns them."""
        merged = {**self.campaign(campaign_id)["settings"], **settings}
        self.db["campaigns"].update(campaign_id, {"settings_json": json.dumps(merged, ensure_ascii=False)})
        return merged
