"""The campaign store: one SQLite file per run, written through sqlite-utils.

Tables: campaigns, departments, items, snapshots, fetches, records, findings,
link_results, notes (see MIGRATIONS). The schema grows by migrations: `_migrations`
holds the versions applied, each migration runs in its own transaction, and
opening a file written by an older version upgrades it in place.

Durability: WAL mode; `save_item_results` writes an item's records, findings and
status in ONE transaction, so a crash between items never leaves half an item
and a re-run replaces instead of duplicating.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlite_utils import Database, Migrations

from .model import Finding, GuideRecord, LinkResult
from .store_assessment import AssessmentTables, now_iso  # noqa: F401  (now_iso: used by others too)
from .store_pipeline import PipelineTables, m007_pipeline, m008_homepage_observations

ITEM_STATUSES = ("pending", "fetched", "checked", "error", "unsampled")
FETCH_KINDS = ("listing", "guide", "extra", "link")  # the usual kinds; others are stored as given




# ---------------------------------------------------------------- migrations
# Append only: never edit or rename a migration that has shipped (its name is
# what `_migrations` records); add the next one at the end of MIGRATIONS.

def _m001_initial(db: Database) -> None:
    db["campaigns"].create({"id": int, "name": str, "scheme": str, "created_at": str, "status": str,
                            "settings_json": str, "seed": int}, pk="id", not_null={"name"},
                           defaults={"status": "new", "settings_json": "{}", "seed": 0})
    db["departments"].create({"id": int, "campaign_id": int, "name": str, "region": str, "profile": str,
                              "listing_url": str, "homepage": str}, pk="id",
                             foreign_keys=[("campaign_id", "campaigns", "id")], not_null={"campaign_id", "name"})
    db["departments"].create_index(["campaign_id", "name"], unique=True)
    db["items"].create({"id": int, "campaign_id": int, "department_id": int, "item_key": str, "name": str,
                        "guide_url": str, "status": str, "error": str, "updated_at": str}, pk="id",
                       foreign_keys=[("campaign_id", "campaigns", "id"), ("department_id", "departments", "id")],
                       not_null={"campaign_id", "item_key", "status"}, defaults={"status": "pending"})
    db["items"].create_index(["campaign_id", "item_key"], unique=True)
    db["snapshots"].create({"sha256": str, "url": str, "final_url": str, "status": int, "headers_json": str,
                            "fetched_at": str, "fetcher": str, "size": int, "blob_path": str}, pk="sha256")
    db["fetches"].create({"campaign_id": int, "url": str, "sha256": str, "item_id": int, "kind": str,
                          "fetched_at": str, "error": str},
                         foreign_keys=[("campaign_id", "campaigns", "id")], not_null={"campaign_id", "url", "kind"})
    db["fetches"].create_index(["campaign_id", "url", "kind"], unique=True)
    db["records"].create({"id": int, "campaign_id": int, "item_id": int, "snapshot_sha": str, "record_json": str},
                         pk="id", foreign_keys=[("campaign_id", "campaigns", "id"), ("item_id", "items", "id")])
    db["findings"].create({"id": int, "campaign_id": int, "item_id": int, "record_id": int, "rule": str,
                           "element": str, "material": int, "outcome": str, "message": str, "evidence": str},
                          pk="id", foreign_keys=[("campaign_id", "campaigns", "id"), ("item_id", "items", "id"),
                                                 ("record_id", "records", "id")])
    db["link_results"].create({"campaign_id": int, "url": str, "status": str, "reason": str, "http_status": int,
                               "content_type": str, "final_url": str, "attempts": int, "size": int,
                               "checked_at": str},
                              foreign_keys=[("campaign_id", "campaigns", "id")], not_null={"campaign_id", "url"})
    db["link_results"].create_index(["campaign_id", "url"], unique=True)


def _m002_lookup_indexes(db: Database) -> None:
    # The per-item replace in save_item_results and the report queries filter on these.
    db["items"].create_index(["campaign_id", "status"], if_not_exists=True)
    db["records"].create_index(["item_id"], if_not_exists=True)
    db["findings"].create_index(["item_id"], if_not_exists=True)
    db["findings"].create_index(["campaign_id", "rule"], if_not_exists=True)


def _m003_notes(db: Database) -> None:
    # Things a crawl wants reported (a listing loop, an unreachable extra page); never fatal.
    db["notes"].create({"id": int, "campaign_id": int, "message": str, "created_at": str}, pk="id",
                       foreign_keys=[("campaign_id", "campaigns", "id")], not_null={"campaign_id", "message"})
    db["notes"].create_index(["campaign_id"])


def _m004_sampling_rotation(db: Database) -> None:
    # Monthly sampling (seed 002 #14): the rotation per department (name + region, so it
    # spans campaigns) and per item, and every draw made (guidecheck/sampling.py).
    db["rotations"].create({"department_key": str, "cycle": int, "updated_at": str}, pk="department_key",
                           not_null={"cycle"}, defaults={"cycle": 1})
    db["rotation_items"].create({"department_key": str, "item_key": str, "checked_cycle": int, "listed": int,
                                 "first_month": str, "checked_month": str}, pk=("department_key", "item_key"),
                                not_null={"checked_cycle", "listed"}, defaults={"checked_cycle": 0, "listed": 1})
    db["samples"].create({"id": int, "department_key": str, "month": str, "seed": int, "size": int,
                          "items_json": str, "cycles_json": str, "campaign_id": int, "created_at": str}, pk="id",
                         not_null={"department_key", "month", "items_json"})
    db["samples"].create_index(["department_key", "month"], unique=True)
    db["samples"].create_index(["campaign_id"])


def _m005_review_decisions(db: Database) -> None:
    # Review and appeal decisions on findings (guidecheck/review.py): append-only, which
    # the triggers enforce; a finding's status is derived from its history.
    db["decisions"].create({"id": int, "campaign_id": int, "finding_key": str, "action": str, "who": str,
                            "why": str, "decided_at": str}, pk="id",
                           foreign_keys=[("campaign_id", "campaigns", "id")],
                           not_null={"campaign_id", "finding_key", "action", "who", "decided_at"})
    db["decisions"].create_index(["campaign_id", "finding_key"])
    db["decisions"].create_index(["finding_key"])
    db.execute("CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions "
               "BEGIN SELECT RAISE(ABORT, '复核决定只能追加，不能修改'); END")
    db.execute("CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions "
               "BEGIN SELECT RAISE(ABORT, '复核决定只能追加，不能删除'); END")


def _m006_journeys_portal_pages(db: Database) -> None:
    # Journeys (guidecheck/journeys): one row per item, the JourneyResult as JSON and
    # its evidence files (paths relative to the snapshot root). Portal pages: one row
    # per homepage checked, its rendered snapshot. H findings belong to a department,
    # not a guide: item_id NULL and the department in findings.page_department_id
    # (not "department_id": Store.findings() already names the item's department so).
    db["journeys"].create({"campaign_id": int, "item_id": int, "guide_url": str, "status": str,
                           "median_ms": float, "clicks": int, "reached_url": str, "reason": str,
                           "result_json": str, "screenshot_path": str, "trace_path": str, "checked_at": str},
                          foreign_keys=[("campaign_id", "campaigns", "id"), ("item_id", "items", "id")],
                          not_null={"campaign_id", "item_id", "status"})
    db["journeys"].create_index(["campaign_id", "item_id"], unique=True)
    db["portal_pages"].create({"campaign_id": int, "department_id": int, "role": str, "name": str, "url": str,
                               "final_url": str, "http_status": int, "status": str, "reason": str,
                               "snapshot_sha": str, "marks_json": str, "checked_at": str},
                              foreign_keys=[("campaign_id", "campaigns", "id"), ("department_id", "departments", "id")],
                              not_null={"campaign_id", "role", "url", "status"})
    db["portal_pages"].create_index(["campaign_id", "url"], unique=True)
    db["findings"].add_column("page_department_id", int)


def _m009_fetch_item_index(db: Database) -> None:
    # The extract phase and replay read each item's fetches: without this index every
    # read scanned the campaign's fetches (59 items/s at 20,000 items, measured).
    db["fetches"].create_index(["item_id"], if_not_exists=True)


MIGRATIONS: list[Callable[[Database], None]] = [_m001_initial, _m002_lookup_indexes, _m003_notes,
                                                 _m004_sampling_rotation, _m005_review_decisions,
                                                 _m006_journeys_portal_pages, m007_pipeline,
                                                 m008_homepage_observations, _m009_fetch_item_index]
SCHEMA_VERSION = len(MIGRATIONS)
MIGRATION_SET = "guidecheck"


class _StoreMigrations(Migrations):
    migrations_table = "_migrations"


def migrate(db: Database, upto: int | None = None) -> list[str]:
    """Apply the migrations of MIGRATIONS not yet recorded in `_migrations`, in
    order, each in its own transaction together with its record (sqlite-utils'
    Migrations); `upto` stops after that many (to build old files in tests).
    Returns the names applied."""
    steps = MIGRATIONS[:upto] if upto is not None else MIGRATIONS
    migrations = _StoreMigrations(MIGRATION_SET)
    for step in steps:
        migrations(name=step.__name__.lstrip("_"))(step)
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


# ---------------------------------------------------------------- the store

SNAPSHOT_COLUMNS = ("sha256", "url", "final_url", "status", "headers_json", "fetched_at", "fetcher", "size",
                    "blob_path")


def snapshot_row(meta: dict) -> list:
    """A snapshot's metadata (headers as a dict, fetched_at as a timestamp or ISO
    text) as the values of SNAPSHOT_COLUMNS."""
    row = dict(meta)
    if "headers" in row:
        row["headers_json"] = json.dumps(row.pop("headers"), ensure_ascii=False)
    if isinstance(row.get("fetched_at"), (int, float)):
        row["fetched_at"] = now_iso(row["fetched_at"])
    return [row.get(c) for c in SNAPSHOT_COLUMNS]


class Store(AssessmentTables, PipelineTables):
    """A campaign database. `Store(path)` opens (creating or upgrading) the file."""

    def __init__(self, path: str | Path, *, upto: int | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 10000")
        self.db.enable_wal()
        # WAL with synchronous=NORMAL survives a killed process (not a power cut) and
        # saves an fsync per transaction.
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        migrate(self.db, upto)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def schema_version(self) -> int:
        """How many migrations the file has had."""
        return self.db["_migrations"].count_where("migration_set = ?", [MIGRATION_SET])

    def migrations_applied(self) -> list[str]:
        return [r["name"] for r in self.db["_migrations"].rows_where("migration_set = ?", [MIGRATION_SET],
                                                                    order_by="id")]

    # campaigns
    def create_campaign(self, name: str, scheme: str | None = None, settings: dict | None = None,
                        seed: int = 0) -> int:
        table = self.db["campaigns"].insert({"name": name, "scheme": scheme, "created_at": now_iso(),
                                             "status": "new", "seed": seed,
                                             "settings_json": json.dumps(settings or {}, ensure_ascii=False)})
        return table.last_pk

    def campaign(self, campaign_id: int) -> dict:
        row = self.db["campaigns"].get(campaign_id)
        row["settings"] = json.loads(row.get("settings_json") or "{}")
        return row

    def campaigns(self) -> list[dict]:
        return [self.campaign(r["id"]) for r in self.db["campaigns"].rows_where(order_by="id")]

    def set_campaign_status(self, campaign_id: int, status: str) -> None:
        self.db["campaigns"].update(campaign_id, {"status": status})

    # departments and items
    def add_department(self, campaign_id: int, name: str, *, region: str = "", profile: str = "",
                       listing_url: str = "", homepage: str = "") -> int:
        """Idempotent by (campaign_id, name); a later call fills fields left empty."""
        self.db.execute(
            "INSERT INTO departments (campaign_id, name, region, profile, listing_url, homepage) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(campaign_id, name) DO UPDATE SET "
            "region = coalesce(nullif(excluded.region, ''), region), "
            "profile = coalesce(nullif(excluded.profile, ''), profile), "
            "listing_url = coalesce(nullif(excluded.listing_url, ''), listing_url), "
            "homepage = coalesce(nullif(excluded.homepage, ''), homepage)",
            [campaign_id, name, region, profile, listing_url, homepage])
        return self.db.execute("SELECT id FROM departments WHERE campaign_id = ? AND name = ?",
                               [campaign_id, name]).fetchone()[0]

    def departments(self, campaign_id: int) -> list[dict]:
        return list(self.db["departments"].rows_where("campaign_id = ?", [campaign_id], order_by="id"))

    _UPSERT_ITEM = (
        "INSERT INTO items (campaign_id, department_id, item_key, name, guide_url, status, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT(campaign_id, item_key) DO UPDATE SET "
        "department_id = coalesce(excluded.department_id, department_id), "
        "name = coalesce(excluded.name, name), guide_url = coalesce(excluded.guide_url, guide_url)")

    def upsert_item(self, campaign_id: int, department_id: int | None, item_key: str, name: str | None,
                    guide_url: str | None) -> int:
        """Insert or update an item by (campaign_id, item_key); the status is never reset."""
        return self.upsert_items(campaign_id, [(department_id, item_key, name, guide_url)])[item_key]

    def upsert_items(self, campaign_id: int, rows: Iterable[tuple[int | None, str, str | None, str | None]]
                     ) -> dict[str, int]:
        """Batch form of upsert_item: rows of (department_id, item_key, name, guide_url),
        one transaction; returns item_key -> id."""
        stamp = now_iso()
        params = [(campaign_id, dep, key, name, url, stamp) for dep, key, name, url in rows]
        with self.db.atomic():
            self.db.conn.executemany(self._UPSERT_ITEM, params)
            keys = [p[2] for p in params]
            out: dict[str, int] = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for item_id, key in self.db.execute(
                        f"SELECT id, item_key FROM items WHERE campaign_id = ? AND item_key IN ({marks})",
                        [campaign_id, *chunk]):
                    out[key] = item_id
        return out

    def items(self, campaign_id: int, status: str | None = None) -> list[dict]:
        where, args = "campaign_id = ?", [campaign_id]
        if status is not None:
            where, args = where + " AND status = ?", args + [status]
        return list(self.db["items"].rows_where(where, args, order_by="id"))

    def items_with_results(self, campaign_id: int) -> set[int]:
        """The items whose records (and findings) are saved."""
        return {row[0] for row in self.db.conn.execute(
            "SELECT DISTINCT item_id FROM records WHERE campaign_id = ?", [campaign_id])}

    def mark_unsampled(self, campaign_id: int, drawn_keys: set[str]) -> None:
        """Items listed but not drawn this month: kept, marked, never fetched."""
        with self.db.conn:
            for item in self.items(campaign_id):
                if item["item_key"] not in drawn_keys and item["status"] == "pending":
                    self.db.conn.execute("UPDATE items SET status = 'unsampled' WHERE id = ?", [item["id"]])

    def mark_items_checked(self, campaign_id: int) -> None:
        """Every fetched item of the campaign has its final results."""
        with self.db.conn:
            self.db.conn.execute("UPDATE items SET status = 'checked', updated_at = ? "
                                 "WHERE campaign_id = ? AND status = 'fetched'", [now_iso(), campaign_id])

    def set_item_status(self, item_id: int, status: str, error: str | None = None) -> None:
        if status not in ITEM_STATUSES:
            raise ValueError(f"unknown item status {status!r}")
        self.db["items"].update(item_id, {"status": status, "error": error, "updated_at": now_iso()})

    # snapshots and fetches
    def add_snapshot(self, meta: dict) -> None:
        """Record a snapshot's metadata; a sha already present is left as it is."""
        with self.db.conn:
            self.db.conn.execute(self._INSERT_SNAPSHOT, snapshot_row(meta))

    # Plain SQL on the per-page paths: sqlite-utils' insert introspects the table each call.
    _INSERT_SNAPSHOT = (f"INSERT OR IGNORE INTO snapshots ({', '.join(SNAPSHOT_COLUMNS)}) "
                        f"VALUES ({', '.join('?' for _ in SNAPSHOT_COLUMNS)})")

    def snapshot(self, sha: str) -> dict | None:
        cursor = self.db.conn.execute("SELECT * FROM snapshots WHERE sha256 = ?", [sha])
        found = cursor.fetchone()
        if found is None:
            return None
        row = dict(zip([d[0] for d in cursor.description], found))
        row["headers"] = json.loads(row.get("headers_json") or "{}")
        return row

    def record_fetch(self, campaign_id: int, url: str, sha: str | None, kind: str, item_id: int | None = None,
                     error: str | None = None) -> None:
        """Note that `url` was fetched as `kind` (one row per campaign, url, kind; a
        re-fetch replaces it). A guide fetched for an item moves it from pending to
        fetched (or to error)."""
        with self.db.atomic():
            self._record_fetches([(campaign_id, url, sha, kind, item_id, error)])

    def save_fetches(self, snapshots: Iterable[dict], fetches: Iterable[tuple], gathered: Iterable[tuple[int, int]]
                     ) -> None:
        """What the crawl kept since its last write, in ONE transaction: snapshot rows
        (as add_snapshot takes them), fetches (record_fetch's arguments: campaign_id,
        url, sha, kind, item_id, error; in the order they were made) and the items
        (campaign_id, item_id) through the fetch phase. An item is thus never recorded
        as gathered without the fetches of its pages."""
        with self.db.atomic():
            self.db.conn.executemany(self._INSERT_SNAPSHOT, [snapshot_row(meta) for meta in snapshots])
            self._record_fetches(fetches)
            self._insert_item_phases(list(gathered), "fetch")

    def _record_fetches(self, fetches: Iterable[tuple]) -> None:
        stamp = now_iso()
        rows = list(fetches)
        self.db.conn.executemany(
            "INSERT INTO fetches (campaign_id, url, sha256, item_id, kind, fetched_at, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(campaign_id, url, kind) DO UPDATE SET "
            "sha256 = excluded.sha256, item_id = coalesce(excluded.item_id, item_id), "
            "fetched_at = excluded.fetched_at, error = excluded.error",
            [(campaign_id, url, sha, item_id, kind, stamp, error)
             for campaign_id, url, sha, kind, item_id, error in rows])
        self.db.conn.executemany(  # in the order the fetches were made: the last one decides
            "UPDATE items SET status = ?, error = ?, updated_at = ? "
            "WHERE id = ? AND status IN ('pending', 'error', 'fetched')",
            [("error" if error else "fetched", error, stamp, item_id)
             for _c, _url, _sha, kind, item_id, error in rows if kind == "guide" and item_id is not None])

    def item_fetches(self, campaign_id: int, item_id: int) -> list[dict]:
        """The fetches made for one item, in the order they were first made."""
        return list(self.db["fetches"].rows_where("campaign_id = ? AND item_id = ?", [campaign_id, item_id],
                                                  order_by="rowid"))

    def fetch_map(self, campaign_id: int) -> dict[tuple[str, str], str]:
        """(url, kind) -> sha256 of every fetch that kept a body (to serve a re-run from snapshots)."""
        return {(url, kind): sha for url, kind, sha in self.db.execute(
            "SELECT url, kind, sha256 FROM fetches WHERE campaign_id = ? AND sha256 IS NOT NULL", [campaign_id])}

    def fetched_urls(self, campaign_id: int, kind: str | None = None) -> set[str]:
        """URLs fetched without error (for resuming a crawl)."""
        sql, args = "SELECT url FROM fetches WHERE campaign_id = ? AND error IS NULL", [campaign_id]
        if kind is not None:
            sql, args = sql + " AND kind = ?", args + [kind]
        return {row[0] for row in self.db.execute(sql, args)}

    # results
    def save_item_results(self, campaign_id: int, item_id: int, snapshot_sha: str | None,
                          checked: list[tuple[GuideRecord, list[Finding]]], status: str = "checked",
                          error: str | None = None) -> None:
        """Records and their findings at once (a campaign built outside the pipeline:
        the workbench's sample, tests): the gather side's save_item_records then the
        judge side's save_item_findings, in one transaction."""
        if status not in ITEM_STATUSES:
            raise ValueError(f"unknown item status {status!r}")
        with self.db.atomic():
            self.save_item_records(campaign_id, item_id, snapshot_sha, [r for r, _ in checked], status, error)
            ids = [row[0] for row in self.db.execute("SELECT id FROM records WHERE item_id = ? ORDER BY id", [item_id])]
            self.save_item_findings(campaign_id, item_id, [(i, f) for i, (_, f) in zip(ids, checked)],
                                    status=status)

    def records(self, campaign_id: int, item_id: int | None = None) -> list[dict]:
        """The stored records as GuideRecord.to_json() dicts (plus url and family),
        each with its record_id, item_id and snapshot_sha."""
        where, args = "campaign_id = ?", [campaign_id]
        if item_id is not None:
            where, args = where + " AND item_id = ?", args + [item_id]
        return [{**json.loads(row["record_json"]), "record_id": row["id"], "item_id": row["item_id"],
                 "snapshot_sha": row["snapshot_sha"]}
                for row in self.db["records"].rows_where(where, args, order_by="id")]

    def findings(self, campaign_id: int) -> list[dict]:
        """Findings with their item's key, name and department, in item order."""
        return list(self.db.query(
            "SELECT f.*, i.item_key, i.name AS item_name, coalesce(i.department_id, f.page_department_id) AS department_id "
            "FROM findings f "
            "LEFT JOIN items i ON i.id = f.item_id WHERE f.campaign_id = ? ORDER BY f.item_id, f.id",
            [campaign_id]))

    def results(self, campaign_id: int) -> list[dict]:
        """One dict per stored record, shaped like a replay's output: item_key,
        source, elements, materials and the record's findings (Finding.to_json())."""
        by_record: dict[int, list[dict]] = {}
        for f in self.db["findings"].rows_where("campaign_id = ?", [campaign_id], order_by="id"):
            finding = Finding(rule=f["rule"], element=f["element"], outcome=f["outcome"], message=f["message"],
                              evidence=f["evidence"] or "", material=f["material"])
            by_record.setdefault(f["record_id"], []).append(finding.to_json())
        keys = {row["id"]: row["item_key"] for row in self.db["items"].rows_where("campaign_id = ?", [campaign_id])}
        out = []
        for record in self.records(campaign_id):
            out.append({"item_key": keys.get(record["item_id"]), "source": record.get("source"),
                        "elements": record.get("elements", {}), "materials": record.get("materials", []),
                        "findings": by_record.get(record["record_id"], [])})
        return out

    # notes
    def add_note(self, campaign_id: int, message: str) -> None:
        self.db["notes"].insert({"campaign_id": campaign_id, "message": message, "created_at": now_iso()})

    def notes(self, campaign_id: int) -> list[str]:
        return [r["message"] for r in self.db["notes"].rows_where("campaign_id = ?", [campaign_id], order_by="id")]

    # link results
    def save_link_result(self, campaign_id: int, result: LinkResult) -> None:
        self.save_link_results(campaign_id, [result])

    def save_link_results(self, campaign_id: int, results: Iterable[LinkResult]) -> None:
        """Upsert link results by (campaign_id, url), batched in one transaction."""
        stamp = now_iso()
        params = [(campaign_id, r.url, r.status, r.reason, r.http_status, r.content_type, r.final_url,
                   r.attempts, r.size, stamp) for r in results]
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT INTO link_results (campaign_id, url, status, reason, http_status, content_type, "
                "final_url, attempts, size, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(campaign_id, url) DO UPDATE SET status = excluded.status, reason = excluded.reason, "
                "http_status = excluded.http_status, content_type = excluded.content_type, "
                "final_url = excluded.final_url, attempts = excluded.attempts, size = excluded.size, "
                "checked_at = excluded.checked_at", params)

    def link_results(self, campaign_id: int) -> dict[str, LinkResult]:
        out = {}
        for row in self.db["link_results"].rows_where("campaign_id = ?", [campaign_id]):
            out[row["url"]] = LinkResult(
                url=row["url"], status=row["status"], reason=row["reason"] or "", http_status=row["http_status"],
                content_type=row["content_type"] or "", final_url=row["final_url"] or "",
                attempts=row["attempts"] or 0, size=row["size"])
        return out

    # transactions
    def write_transaction(self):
        """A context manager: a transaction that takes the write lock at once (BEGIN
        IMMEDIATE), for a read-then-write that must not interleave with another
        process; nested, a savepoint."""
        from contextlib import contextmanager

        @contextmanager
        def transaction():
            if self.db.conn.in_transaction:
                with self.db.atomic():
                    yield self
                return
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise
            self.db.conn.execute("COMMIT")

        return transaction()
