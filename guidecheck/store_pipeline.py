"""Store tables of the pipeline: what scope refused, each phase's completion
state per item (a campaign is complete only when every phase is), and the
writes of the two sides of the pipeline: gather phases save observations
(`save_item_records`), the judge saves findings (`save_item_findings`,
`save_department_findings`), the only place findings of a campaign are written.

Mixed into Store (store.py); the migrations that create the tables are
`m007_pipeline` and `m008_homepage_observations`."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlite_utils import Database

from .model import Finding, GuideRecord, record_from_store, record_to_store
from .store_assessment import now_iso

PHASES = ("fetch", "extract", "links", "channels", "journeys", "homepages", "judge", "scoring", "report")
_FINDING_COLUMNS = ("item_id", "record_id", "page_department_id", "rule", "element", "material", "outcome",
                    "message", "evidence")


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


def m008_homepage_observations(db: Database) -> None:
    """A checked homepage keeps what was observed on it (checks.portal.HomepageObservation):
    the judge reads it, the homepage phase writes no finding."""
    db["portal_pages"].add_column("observation_json", str)


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

    def guide_records(self, campaign_id: int, item_id: int | None = None, *,
                      department_id: int | None = None) -> list[StoredRecord]:
        """The stored records, typed: all, one item's, or one department's sampled items'."""
        where, args = "campaign_id = ?", [campaign_id]
        if item_id is not None:
            where, args = where + " AND item_id = ?", args + [item_id]
        if department_id is not None:
            where += " AND item_id IN (SELECT id FROM items WHERE department_id = ? AND status != 'unsampled')"
            args.append(department_id)
        order = "item_id, id" if department_id is not None else "id"
        return [StoredRecord(row["id"], row["item_id"], row["snapshot_sha"], record_from_store(json.loads(row["record_json"])))
                for row in self.db["records"].rows_where(where, args, order_by=order)]

    def findings_by_record(self, campaign_id: int) -> dict[int | None, list[Finding]]:
        """Each record's findings, typed (H findings, with no record, under None)."""
        out: dict[int | None, list[Finding]] = {}
        for row in self.db["findings"].rows_where("campaign_id = ?", [campaign_id], order_by="id"):
            out.setdefault(row["record_id"], []).append(Finding.from_json(row))
        return out

    # the two sides of the pipeline
    def save_item_records(self, campaign_id: int, item_id: int, snapshot_sha: str | None,
                          records: list[GuideRecord], status: str = "fetched", error: str | None = None) -> None:
        """Gather side: replace the item's records (what the extract phase read) and set
        its status, in one transaction. Its findings go with the old records: the judge
        writes them again."""
        with self.db.atomic():
            self.db.execute("DELETE FROM findings WHERE item_id = ?", [item_id])
            self.db.execute("DELETE FROM records WHERE item_id = ?", [item_id])
            if self._phases_table():
                self.db.execute("DELETE FROM item_phases WHERE campaign_id = ? AND phase = 'judge' AND item_id = ?",
                                [campaign_id, item_id])  # the index's order
            self.db.conn.executemany(
                "INSERT INTO records (campaign_id, item_id, snapshot_sha, record_json) VALUES (?, ?, ?, ?)",
                [(campaign_id, item_id, snapshot_sha, json.dumps(record_to_store(r), ensure_ascii=False))
                 for r in records])
            self.db.execute("UPDATE items SET status = ?, error = ?, updated_at = ? WHERE id = ?",
                            [status, error, now_iso(), item_id])

    def save_item_findings(self, campaign_id: int, item_id: int, judged: list[tuple[int, list[Finding]]],
                           status: str = "checked") -> None:
        """Judge side: the item's findings ((record id, findings) per record) replace
        its old ones, its status becomes `status` (an item whose page could not be
        read stays `error`), and it is marked judged: one transaction."""
        rows = [(item_id, record_id, None, f.rule, f.element, f.material, f.outcome, f.message, f.evidence)
                for record_id, findings in judged for f in findings]
        with self.db.atomic():
            self._replace_findings(campaign_id, "item_id = ?", [item_id], rows)
            self.db.execute("UPDATE items SET status = ?, updated_at = ? WHERE id = ? AND status != 'error'",
                            [status, now_iso(), item_id])
            if self._phases_table():
                self._insert_item_phases([(campaign_id, item_id)], "judge")

    def _phases_table(self) -> bool:
        """A store opened below m007 (tests of old files) has no per-item phases.
        Asked once per Store: its migrations run when it is opened."""
        known = self.__dict__.get("_has_item_phases")
        if known is None:
            known = self.__dict__["_has_item_phases"] = self.schema_version() >= 7
        return known

    def save_department_findings(self, campaign_id: int, found: list[tuple[int | None, Finding]]) -> None:
        """Judge side: the findings that belong to a department rather than a guide
        (H, S002), (department id, finding) each, replace the old ones."""
        rows = [(None, None, department_id, f.rule, f.element, f.material, f.outcome, f.message, f.evidence)
                for department_id, f in found]
        with self.db.atomic():
            self._replace_findings(campaign_id, "item_id IS NULL", [], rows)

    def _replace_findings(self, campaign_id: int, where: str, args: list, rows: list[tuple]) -> None:
        """Make the findings matching `where` equal `rows`, writing only what changed:
        a finding judged the same again keeps its row (and its id)."""
        existing: dict[tuple, list[int]] = {}
        for row in self.db.conn.execute(f"SELECT id, {', '.join(_FINDING_COLUMNS)} FROM findings "
                                        f"WHERE campaign_id = ? AND {where} ORDER BY id", [campaign_id, *args]):
            existing.setdefault(tuple(row[1:]), []).append(row[0])
        wanted = Counter(rows)
        stale = [i for key, ids in existing.items() for i in ids[wanted.get(key, 0):]]
        missing = [key for key, n in wanted.items() for _ in range(max(0, n - len(existing.get(key, []))))]
        self.db.conn.executemany("DELETE FROM findings WHERE id = ?", [(i,) for i in stale])
        self.db.conn.executemany(
            f"INSERT INTO findings (campaign_id, {', '.join(_FINDING_COLUMNS)}) VALUES (?, {', '.join('?' * 9)})",
            [(campaign_id, *row) for row in missing])

    def journey_results(self, campaign_id: int) -> dict[int, object]:
        """item id -> its stored JourneyResult, typed."""
        from .journeys.result import journey_from_dict

        return {item_id: journey_from_dict(row["result"]) for item_id, row in self.journeys(campaign_id).items()}

    def homepage_observations(self, campaign_id: int) -> list[tuple[int | None, str, object]]:
        """(department id, URL, HomepageObservation) of every checked homepage."""
        from .checks.portal import HomepageObservation

        return [(row["department_id"], row["url"], HomepageObservation.from_json(row["observation"]))
                for row in self.portal_pages(campaign_id) if row["observation"]]

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
            self._insert_item_phases([(campaign_id, item_id)], phase)

    def _insert_item_phases(self, items: list[tuple[int, int]], phase: str) -> None:
        """(campaign_id, item_id) pairs through `phase`, in the caller's transaction."""
        stamp = now_iso()
        self.db.conn.executemany("INSERT OR IGNORE INTO item_phases (campaign_id, item_id, phase, at) "
                                 "VALUES (?, ?, ?, ?)", [(c, i, phase, stamp) for c, i in items])

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

    def reset_phase(self, campaign_id: int, phase: str) -> None:
        """The phase is to be run again for every item: its per-item marks and its
        completion go, in one transaction."""
        with self.db.atomic():
            self.db.execute("DELETE FROM item_phases WHERE campaign_id = ? AND phase = ?", [campaign_id, phase])
            self.db.execute("UPDATE phase_state SET status = 'pending', at = ? WHERE campaign_id = ? AND phase = ?",
                            [now_iso(), campaign_id, phase])

    def phases(self, campaign_id: int) -> dict[str, str]:
        return {phase: status for phase, status in self.db.execute(
            "SELECT phase, status FROM phase_state WHERE campaign_id = ?", [campaign_id])}
