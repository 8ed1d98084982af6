"""Store tables of the pipeline: what scope refused, and each phase's
completion state per item (a campaign is complete only when every phase is).

Mixed into Store (store.py); the migration that creates the tables is
`m007_pipeline` there."""
from __future__ import annotations

from sqlite_utils import Database

from .store_assessment import now_iso

PHASES = ("fetch", "links", "judge", "journeys", "homepages", "scoring", "report")


def m007_pipeline(db: Database) -> None:
    db["refusals"].create({"id": int, "campaign_id": int, "url": str, "reason": str, "phase": str, "at": str},
                          pk="id", foreign_keys=[("campaign_id", "campaigns", "id")],
                          not_null={"campaign_id", "url", "reason"})
    db["refusals"].create_index(["campaign_id"])
    db["phase_state"].create({"campaign_id": int, "phase": str, "status": str, "at": str},
                             foreign_keys=[("campaign_id", "campaigns", "id")],
                             not_null={"campaign_id", "phase", "status"})
    db["phase_state"].create_index(["campaign_id", "phase"], unique=True)


class PipelineTables:
    db: Database

    # refusals (scope.py)
    def add_refusal(self, campaign_id: int, url: str, reason: str, phase: str = "") -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT INTO refusals (campaign_id, url, reason, phase, at) VALUES (?, ?, ?, ?, ?)",
                                 [campaign_id, url, reason, phase, now_iso()])

    def refusals(self, campaign_id: int) -> list[dict]:
        return list(self.db["refusals"].rows_where("campaign_id = ?", [campaign_id], order_by="id"))

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
