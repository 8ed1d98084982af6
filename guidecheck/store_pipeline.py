"""Store tables of the pipeline: what scope refused, and each phase's
completion state per item (a campaign is complete only when every phase is).

Mixed into Store (store.py); the migration that creates the tables is
`m007_pipeline` there."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from .model import Finding, GuideRecord, record_from_store
from .store_assessment import now_iso

PHASES = ("fetch", "extract", "links", "judge", "channels", "journeys", "homepages", "scoring", "report")


def m007_pipeline(db: Database) -> None:
    db["refusals"].create({"id": int, "campaign_id": int, "url": str, "reason": str, "phase": str, "at": str},
                          pk="id", foreign_keys=[("campaign_id", "campaigns", "id")],
                          not_null={"campaign_id", "url", "reason"})
    db["refusals"].create_index(["campaign_id"])
    db["phase_state"].create({"campaign_id": int, "phase": str, "status": str, "at": str},
                             foreign_keys=[("campaign_id", "campaigns", "id")],
                             not_null={"campaign_id", "phase", "status"})
    db["phase_state"].create_index(["campaign_id", "phase"], unique=True)
    # per item: the phases it has been through (fetch: every page of it kept)
    db["item_phases"].create({"campaign_id": int, "item_id": int, "phase": str, "at": str},
                             foreign_keys=[("campaign_id", "campaigns", "id"), ("item_id", "items", "id")],
                             not_null={"campaign_id", "item_id", "phase"})
    db["item_phases"].create_index(["campaign_id", "phase", "item_id"], unique=True)


@dataclass
class StoredRecord:
    """A record as stored: its ids and the typed GuideRecord."""

    record_id: int
    item_id: int
    snapshot_sha: str | None
    record: GuideRecord


class PipelineTables:
    """Typed reads (model.py does the JSON, in one place) and the pipeline's tables."""

    db: Database

    def guide_records(self, campaign_id: int, item_id: int | None = None) -> list[StoredRecord]:
        where, args = "campaign_id = ?", [campaign_id]
        if item_id is not None:
            where, args = where + " AND item_id = ?", args + [item_id]
        return [StoredRecord(row["id"], row["item_id"], row["snapshot_sha"], record_from_store(json.loads(row["record_json"])))
                for row in self.db["records"].rows_where(where, args, order_by="id")]

    def findings_by_record(self, campaign_id: int) -> dict[int | None, list[Finding]]:
        """Each record's findings, typed (H findings, with no record, under None)."""
        out: dict[int | None, list[Finding]] = {}
        for row in self.db["findings"].rows_where("campaign_id = ?", [campaign_id], order_by="id"):
            out.setdefault(row["record_id"], []).append(Finding.from_json(row))
        return out

    # refusals (scope.py)
    def add_refusal(self, campaign_id: int, url: str, reason: str, phase: str = "") -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT INTO refusals (campaign_id, url, reason, phase, at) VALUES (?, ?, ?, ?, ?)",
                                 [campaign_id, url, reason, phase, now_iso()])

    def refusals(self, campaign_id: int) -> list[dict]:
        return list(self.db["refusals"].rows_where("campaign_id = ?", [campaign_id], order_by="id"))

    # per item phases
    def mark_gathered(self, campaign_id: int, item_id: int, phase: str = "fetch") -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT OR IGNORE INTO item_phases (campaign_id, item_id, phase, at) "
                                 "VALUES (?, ?, ?, ?)", [campaign_id, item_id, phase, now_iso()])

    def gathered_items(self, campaign_id: int, phase: str = "fetch") -> set[int]:
        """Items through `phase` (for fetch: items whose results are saved count too,
        as in files written before phases were recorded per item)."""
        done = {row[0] for row in self.db.execute(
            "SELECT item_id FROM item_phases WHERE campaign_id = ? AND phase = ?", [campaign_id, phase])}
        if phase == "fetch":
            done |= self.items_with_results(campaign_id)
        return done

    # phase completion
    def phase_done(self, campaign_id: int, phase: str) -> bool:
        row = self.db.execute("SELECT status FROM phase_state WHERE campaign_id = ? AND phase = ?",
                              [campaign_id, phase]).fetchone()
        return bool(row) and row[0] == "done"

    def set_phase(self, campaign_id: int, phase: str, status: str = "done") -> None:
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO phase_state (campaign_id, phase, status, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(campaign_id, phase) DO UPDATE SET status = excluded.status, at = excluded.at",
                [campaign_id, phase, status, now_iso()])

    def phases(self, campaign_id: int) -> dict[str, str]:
        return {phase: status for phase, status in self.db.execute(
            "SELECT phase, status FROM phase_state WHERE campaign_id = ?", [campaign_id])}
