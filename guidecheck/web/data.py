"""Everything the workbench reads from or writes to the campaign store, in one
place: campaigns and their progress, findings with their keys and review
status, evidence (snapshots, link results, journeys, homepages), decisions,
scores and reports. The web handlers never touch the store directly.

Each server thread keeps its own Store connection. What is costly on a large
campaign (every finding's key, the score) is cached per campaign and rebuilt
when the findings or the decisions change (a cheap count/max query tells).
"""
from __future__ import annotations

import gzip
import tempfile
import threading
from pathlib import Path

from .. import review
from ..catalog import rules
from ..store import Store

_LOCAL = threading.local()


class NotFound(LookupError):
    pass


class CampaignData:
    def __init__(self, db_path: str | Path):
        self.db_path = Path(db_path)
        self.snapshot_root = self.db_path.with_name(self.db_path.stem + "-snapshots")
        self._lock = threading.Lock()
        self._findings: dict[int, tuple[tuple, list[dict], dict[str, dict]]] = {}
        self._statuses: dict[int, tuple[tuple, dict[str, str]]] = {}
        self._scores: dict[int, tuple[tuple, float, dict]] = {}
        self._inputs: dict[int, tuple[tuple, tuple]] = {}
        self._department_cache: dict[int, dict] = {}
        self._score_lock = threading.Lock()
        Store(self.db_path).close()  # create or upgrade the file once, up front

    # ---------------------------------------------------------------- connection
    def _per_thread(self, kind: str, open_store):
        """This thread's connection of `kind` to the file, opened once (SQLite
        connections stay in the thread that made them)."""
        stores = _LOCAL.__dict__.setdefault(kind, {})
        store = stores.get(self.db_path)
        if store is None:
            store = stores[self.db_path] = open_store(self.db_path)
        return store

    def store(self) -> Store:
        return self._per_thread("stores", Store)

    def users(self):
        """This thread's UserStore (users, sessions, appeal attachments) on the same file."""
        from ..store_users import UserStore

        return self._per_thread("users", UserStore)

    def _scalar_row(self, sql: str, args: list) -> tuple:
        return tuple(self.store().db.execute(sql, args).fetchone())

    def _findings_sig(self, campaign_id: int) -> tuple:
        """Changes whenever the campaign's findings do: their count and last id, and (as
        a re-checked item's rows may reuse the ids of the rows it replaced) the latest
        item update and the journeys and homepages checked (their findings replace others)."""
        return self._scalar_row(
            "SELECT count(*), max(id), (SELECT max(updated_at) FROM items WHERE campaign_id = ?1), "
            "(SELECT max(rowid) || '/' || max(checked_at) FROM journeys WHERE campaign_id = ?1), "
            "(SELECT max(rowid) || '/' || max(checked_at) FROM portal_pages WHERE campaign_id = ?1) "
            "FROM findings WHERE campaign_id = ?1", [campaign_id])

    def _decisions_sig(self, campaign_id: int) -> tuple:
        return self._scalar_row("SELECT count(*), max(id) FROM decisions WHERE campaign_id = ?", [campaign_id])

    # ---------------------------------------------------------------- campaigns
    def campaigns(self) -> list[dict]:
        return [{"id": c["id"], "name": c["name"], "scheme": c["scheme"], "status": c["status"],
                 "created_at": c["created_at"]} for c in self.store().campaigns()]

    def latest_campaign(self) -> int | None:
        row = self.store().db.execute("SELECT max(id) FROM campaigns").fetchone()
        return row[0] if row else None

    def campaign(self, campaign_id: int) -> dict:
        rows = list(self.store().db["campaigns"].rows_where("id = ?", [campaign_id]))
        if not rows:
            raise NotFound(campaign_id)
        return self.store().campaign(campaign_id)

    def progress(self, campaign_id: int) -> dict:
        """Phase and counts of a campaign, for the refreshing progress panel."""
        db = self.store().db
        campaign = self.campaign(campaign_id)
        items = dict(db.execute("SELECT status, count(*) FROM items WHERE campaign_id = ? GROUP BY status",
                                [campaign_id]).fetchall())
        outcomes = dict(db.execute("SELECT outcome, count(*) FROM findings WHERE campaign_id = ? GROUP BY outcome",
                                   [campaign_id]).fetchall())
        count = lambda table: db.execute(f"SELECT count(*) FROM {table} WHERE campaign_id = ?",  # noqa: E731
                                         [campaign_id]).fetchone()[0]
        return {"id": campaign_id, "name": campaign["name"], "status": campaign["status"],
                "scheme": campaign["scheme"], "month": campaign["settings"].get("month"),
                "items": items, "items_total": sum(items.values()),
                "departments": count("departments"), "links": count("link_results"), "journeys": count("journeys"),
                "pages": count("portal_pages"), "decisions": count("decisions"),
                "fail": outcomes.get("fail", 0), "needs_review": outcomes.get("needs_review", 0)}

    def departments(self, campaign_id: int) -> list[str]:
        return [d["name"] for d in self.store().departments(campaign_id)]

    def scope(self, campaign_id: int) -> dict:
        """The hosts a self-check may fetch (the roster's listing and homepage hosts plus
        its `hosts:`), whether private addresses are allowed, and the scheme."""
        from urllib.parse import urlsplit

        campaign = self.campaign(campaign_id)
        hosts = {h.lower() for h in campaign["settings"].get("hosts") or []}
        for d in self.store().departments(campaign_id):
            for url in (d.get("listing_url"), d.get("homepage")):
                if url and urlsplit(url).hostname:
                    hosts.add(urlsplit(url).hostname.lower())
        return {"hosts": sorted(hosts), "allow_private": bool(campaign["settings"].get("allow_private")),
                "scheme": campaign["scheme"], "scheme_path": campaign["settings"].get("scheme_path")}

    # ---------------------------------------------------------------- findings
    def _all_findings(self, campaign_id: int) -> tuple[list[dict], dict[str, dict]]:
        """One entry per finding key (first occurrence; a key shared by a fail and a
        needs_review is a fail), in item order, and key -> entry."""
        sig = self._findings_sig(campaign_id)
        cached = self._findings.get(campaign_id)
        if cached and cached[0] == sig:
            return cached[1], cached[2]
        with self._lock:
            cached = self._findings.get(campaign_id)
            if cached and cached[0] == sig:
                return cached[1], cached[2]
            entries: list[dict] = []
            by_key: dict[str, dict] = {}
            for f in review.campaign_findings(self.store(), campaign_id):
                known = by_key.get(f["key"])
                if known is not None:
                    if f["outcome"] == "fail":
                        known["outcome"] = "fail"
                    continue
                entry = {"key": f["key"], "campaign_id": campaign_id, "department": f.get("department"),
                         "item": f.get("item_name") or f.get("item_key") or f.get("source"),
                         "item_key": f.get("item_key"), "item_id": f.get("item_id"), "record_id": f.get("record_id"),
                         "page_department_id": f.get("page_department_id"), "rule": f["rule"],
                         "element": f.get("element"), "material": f.get("material"), "outcome": f["outcome"],
                         "message": f.get("message") or "", "evidence": f.get("evidence") or "",
                         "source": f.get("source")}
                by_key[f["key"]] = entry
                entries.append(entry)
            self._findings[campaign_id] = (sig, entries, by_key)
            return entries, by_key

    def statuses(self, campaign_id: int) -> dict[str, str]:
        """finding key -> review status (absent: open)."""
        sig = self._findings_sig(campaign_id) + self._decisions_sig(campaign_id)
        cached = self._statuses.get(campaign_id)
        if cached and cached[0] == sig:
            return cached[1]
        _, by_key = self._all_findings(campaign_id)
        histories: dict[str, list[str]] = {}
        for key, action in self.store().db.execute(
                "SELECT finding_key, action FROM decisions WHERE campaign_id = ? ORDER BY id", [campaign_id]):
            histories.setdefault(key, []).append(action)
        out = {}
        for key, actions in histories.items():
            outcome = by_key[key]["outcome"] if key in by_key else None
            status = review.derive_status(actions, outcome)
            if status is not None:
                out[key] = status
        self._statuses[campaign_id] = (sig, out)
        return out

    @staticmethod
    def effect(outcome: str, status: str | None) -> str:
        """What the finding does now: `fail` deducts, `needs_review` waits for a person, `none` neither."""
        if review.counts(outcome, status):
            return "fail"
        if status is None and outcome == "needs_review":
            return "needs_review"
        return "none"

    def _matches(self, campaign_id: int, department: str | None, effect: str, status: str | None,
                 rule: str | None, search: str | None):
        """(entry, review status, effect) of each finding the filters keep, in order."""
        entries, _ = self._all_findings(campaign_id)
        statuses = self.statuses(campaign_id)
        effect_of = self.effect
        for e in entries:
            if department is not None and e["department"] != department:
                continue
            st = statuses.get(e["key"])
            if status and (st or "open") != status:
                continue
            if rule and not e["rule"].startswith(rule):
                continue
            eff = effect_of(e["outcome"], st)
            if effect != "all" and eff != effect:
                continue
            if search and search not in (e["item"] or "") and search not in e["message"] \
                    and search not in e["evidence"]:
                continue
            yield e, st, eff

    def findings(self, campaign_id: int, *, department: str | None = None, effect: str = "all",
                 status: str | None = None, rule: str | None = None, search: str | None = None) -> list[dict]:
        """The campaign's findings (one per key) with `status` (open, confirmed, …) and
        `effect`, filtered: `department` (a department user's own), effect (fail,
        needs_review, all), review status, rule code prefix, text search."""
        return [{**e, "status": st or "open", "effect": eff}
                for e, st, eff in self._matches(campaign_id, department, effect, status, rule, search)]

    def findings_page(self, campaign_id: int, offset: int, limit: int, **filters) -> tuple[int, list[dict]]:
        """(how many findings the filters keep, those from `offset` to `offset + limit`)."""
        total, rows = 0, []
        for e, st, eff in self._matches(campaign_id, filters.get("department"), filters.get("effect", "all"),
                                        filters.get("status"), filters.get("rule"), filters.get("search")):
            if offset <= total < offset + limit:
                rows.append({**e, "status": st or "open", "effect": eff})
            total += 1
        return total, rows

    def finding(self, campaign_id: int, key: str) -> dict:
        """One finding by its full key (exactly), with status and effect; NotFound otherwise."""
        _, by_key = self._all_findings(campaign_id)
        entry = by_key.get(key)
        if entry is None:
            raise NotFound(key)
        st = self.statuses(campaign_id).get(key)
        return {**entry, "status": st or "open", "effect": self.effect(entry["outcome"], st)}

    def fix(self, rule: str) -> dict:
        meta = rules().get(rule)
        return {"title": meta.title, "fix": meta.fix, "clauses": list(meta.clauses)} if meta else \
            {"title": rule, "fix": "", "clauses": []}

    # ---------------------------------------------------------------- decisions
    def decide(self, campaign_id: int, key: str, action: str, *, who: str, why: str,
               attachment: str | None = None) -> dict:
        """Append a decision (review.record_decision checks the transition; ReviewError
        when not allowed). An appeal's attachment name is kept beside it."""
        rows = self._rows_of(campaign_id, key)
        done = review.record_decision(self.store(), key, rows, action, who=who, why=why)
        if attachment:
            self.users().add_attachment(done["id"], attachment)
        return done

    def _rows_of(self, campaign_id: int, key: str) -> list[dict]:
        entry = self.finding(campaign_id, key)
        return [{"campaign_id": campaign_id, "outcome": entry["outcome"], **{k: entry[k] for k in (
            "department", "item_key", "rule", "element", "material", "message", "evidence", "source")},
            "item_name": entry["item"], "key": key}]

    def history(self, campaign_id: int, key: str) -> list[dict]:
        """The finding's decisions in this campaign, oldest first, each with the status it
        led to, whether it took effect, and an appeal's attachment name."""
        entry = self.finding(campaign_id, key)
        rows = self.store().decisions(campaign_id=campaign_id, finding_key=key)
        attachments = self.users().attachments([r["id"] for r in rows])
        actions: list[str] = []
        out = []
        for r in rows:
            before = review.derive_status(actions, entry["outcome"])
            valid = review.transition_error(before, entry["outcome"], r["action"]) is None
            actions.append(r["action"])
            out.append({**r, "valid": valid, "status": review.derive_status(actions, entry["outcome"]) or "open",
                        "attachment": attachments.get(r["id"])})
        return out

    # ---------------------------------------------------------------- evidence
    def evidence(self, campaign_id: int, finding: dict) -> dict:
        """What lies behind a finding: the extracted guide text (elements), the
        guide's snapshot, the link check of a K finding, the item's journey, and the
        department's homepage check."""
        db = self.store().db
        out: dict = {"elements": {}, "materials": [], "snapshot": None, "link": None, "journey": None, "pages": []}
        if finding.get("record_id"):
            row = db.execute("SELECT record_json, snapshot_sha FROM records WHERE id = ?",
                             [finding["record_id"]]).fetchone()
            if row:
                import json

                record = json.loads(row[0])
                out["elements"] = record.get("elements") or {}
                out["materials"] = record.get("materials") or []
                if row[1]:
                    snap = self.store().snapshot(row[1])
                    if snap:
                        out["snapshot"] = {k: snap.get(k) for k in ("sha256", "url", "final_url", "status",
                                                                     "fetched_at", "fetcher", "size")}
        if finding["rule"].startswith("K") and finding.get("evidence"):
            row = db.execute("SELECT url, status, reason, http_status, content_type, final_url, attempts, checked_at "
                             "FROM link_results WHERE campaign_id = ? AND url = ?",
                             [campaign_id, finding["evidence"]]).fetchone()
            if row:
                out["link"] = dict(zip(("url", "status", "reason", "http_status", "content_type", "final_url",
                                        "attempts", "checked_at"), row))
        if finding.get("item_id"):
            row = db.execute("SELECT status, median_ms, clicks, reached_url, reason, screenshot_path, checked_at "
                             "FROM journeys WHERE campaign_id = ? AND item_id = ?",
                             [campaign_id, finding["item_id"]]).fetchone()
            if row:
                out["journey"] = dict(zip(("status", "median_ms", "clicks", "reached_url", "reason",
                                           "screenshot_path", "checked_at"), row))
        department_id = self._department_id(campaign_id, finding)
        if department_id is not None:
            import json

            for row in db.execute("SELECT role, name, url, final_url, http_status, status, reason, snapshot_sha, "
                                  "marks_json, checked_at FROM portal_pages "
                                  "WHERE campaign_id = ? AND department_id = ?",
                                  [campaign_id, department_id]):
                page = dict(zip(("role", "name", "url", "final_url", "http_status", "status", "reason", "snapshot_sha",
                                 "marks_json", "checked_at"), row))
                page["marks"] = json.loads(page.pop("marks_json") or "{}")
                out["pages"].append(page)
        return out

    def _department_id(self, campaign_id: int, finding: dict) -> int | None:
        if finding.get("page_department_id"):
            return finding["page_department_id"]
        row = self.store().db.execute("SELECT id FROM departments WHERE campaign_id = ? AND name = ?",
                                      [campaign_id, finding.get("department")]).fetchone()
        return row[0] if row else None

    def snapshot_body(self, sha: str) -> tuple[bytes, dict]:
        """A stored snapshot's body and metadata (NotFound when unknown)."""
        meta = self.store().snapshot(sha)
        if meta is None:
            raise NotFound(sha)
        path = self.snapshot_root / (meta.get("blob_path") or f"blobs/{sha[:2]}/{sha}.gz")
        try:
            with gzip.open(path, "rb") as fh:
                return fh.read(), meta
        except OSError as exc:
            raise NotFound(sha) from exc

    def snapshot_departments(self, campaign_id: int, sha: str) -> set[str]:
        """The departments whose guides or homepages this snapshot belongs to (for access checks)."""
        db = self.store().db
        names = {r[0] for r in db.execute(
            "SELECT d.name FROM records r JOIN items i ON i.id = r.item_id "
            "JOIN departments d ON d.id = i.department_id "
            "WHERE r.campaign_id = ? AND r.snapshot_sha = ?", [campaign_id, sha])}
        names |= {r[0] for r in db.execute(
            "SELECT d.name FROM portal_pages p JOIN departments d ON d.id = p.department_id "
            "WHERE p.campaign_id = ? AND p.snapshot_sha = ?", [campaign_id, sha])}
        return names

    def evidence_file(self, relative: str) -> Path:
        """A file under the snapshot root (journey screenshots), never outside it."""
        root = self.snapshot_root.resolve()
        path = (root / relative).resolve()
        if root not in path.parents or not path.is_file():
            raise NotFound(relative)
        return path

    # ---------------------------------------------------------------- scores and reports
    def _score_inputs(self, campaign_id: int) -> tuple:
        """What scoring reads besides the decisions (assessment.score's inputs), kept
        until the findings change: (scheme, department inputs, judged rules)."""
        from .. import assessment
        from ..scoring import DepartmentInput

        store = self.store()
        campaign = store.campaign(campaign_id)
        scheme = assessment.campaign_scheme(campaign)  # the campaign's own scheme, as score() loads it
        levels = campaign["settings"].get("levels") or {}
        guides = assessment.department_guides(store, campaign_id)
        pages = assessment.department_pages(store, campaign_id)
        totals: dict[int, int] = dict(store.db.execute(
            "SELECT department_id, count(*) FROM items WHERE campaign_id = ? GROUP BY department_id",
            [campaign_id]).fetchall())
        inputs = [DepartmentInput(name=d["name"], guides=guides[d["name"]], level=levels.get(d["name"], "city"),
                                  items_total=totals.get(d["id"]), pages=pages.get(d["name"], []))
                  for d in store.departments(campaign_id)]
        return scheme, inputs, assessment.judged_rules(store, campaign_id)

    def scoring_decisions(self, campaign_id: int) -> dict[str, str]:
        """review.scoring_decisions, from the cached keys."""
        _, by_key = self._all_findings(campaign_id)
        histories: dict[str, list[str]] = {}
        for key, action in self.store().db.execute(
                "SELECT finding_key, action FROM decisions WHERE campaign_id = ? ORDER BY id", [campaign_id]):
            histories.setdefault(key, []).append(action)
        out = {}
        for key, actions in histories.items():
            status = review.scoring_status(actions, by_key[key]["outcome"] if key in by_key else None)
            if status is not None:
                out[key] = status
        return out

    def scores(self, campaign_id: int) -> dict:
        """The `score` call's JSON for the campaign with every decision made before the
        call (what assessment.score gives; its inputs are cached while the findings
        stay). Calls that arrive while a re-scoring runs share the next one, which
        starts after they arrived: one re-scoring at a time, never a stale answer."""
        import time

        arrived = time.monotonic()
        findings_sig = self._findings_sig(campaign_id)
        sig = findings_sig + self._decisions_sig(campaign_id)
        cached = self._scores.get(campaign_id)
        if cached and cached[0] == sig:
            return cached[2]
        with self._score_lock:
            cached = self._scores.get(campaign_id)
            if cached and cached[1] >= arrived:  # computed from a state read after this call arrived
                return cached[2]
            from ..scoring import score_campaign

            started = time.monotonic()
            findings_sig = self._findings_sig(campaign_id)
            sig = findings_sig + self._decisions_sig(campaign_id)
            inputs = self._inputs.get(campaign_id)
            if not inputs or inputs[0] != findings_sig:
                inputs = self._inputs[campaign_id] = (findings_sig, self._score_inputs(campaign_id))
            scheme, departments, judged = inputs[1]
            # Decisions read after `sig`: at worst newer than sig says, so the next call re-scores.
            decisions = self.scoring_decisions(campaign_id)
            if any(i.form == "table" for i in scheme.indicators):
                # A table indicator lists the same elements for every department: score them together.
                data = score_campaign(departments, scheme, judged, decisions).to_contract_json()
            else:
                data = {"scheme": scheme.id, "departments": self._department_scores(
                    campaign_id, findings_sig, scheme, departments, judged, decisions)}
            self._scores[campaign_id] = (sig, started, data)
            return data

    def _department_scores(self, campaign_id: int, findings_sig: tuple, scheme, departments, judged,
                           decisions: dict[str, str]) -> list[dict]:
        """Each department scored on its own (as score_campaign does when no indicator is a
        table), re-scored only when a decision on one of its findings changed."""
        from ..scoring import score_department

        entries, _ = self._all_findings(campaign_id)
        keys: dict[str, list[str]] = {}
        for e in entries:
            keys.setdefault(e["department"], []).append(e["key"])
        cache = self._department_cache.setdefault(campaign_id, {})
        if cache.get("sig") != findings_sig:
            cache.clear()
            cache["sig"] = findings_sig
        out = []
        for department in departments:
            mine = tuple((k, decisions[k]) for k in keys.get(department.name, ()) if k in decisions)
            known = cache.get(department.name)
            if known is None or known[0] != mine:
                known = cache[department.name] = (mine, score_department(department, scheme, judged, dict(mine))
                                                  .to_contract_json())
            out.append(known[1])
        return out

    def report(self, campaign_id: int, fmt: str) -> Path:
        """Write one report format for the campaign into a fresh temporary folder; returns the file."""
        from ..assessment import report

        self.campaign(campaign_id)
        out = Path(tempfile.mkdtemp(prefix="guidecheck-web-report-"))
        return report(self.db_path, campaign_id, out, (fmt,))[fmt]
