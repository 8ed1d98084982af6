"""The evidence files behind a campaign's findings, and their copies next to
the report:

    evidence = campaign_evidence(db_path, campaign_id)   # finding key -> {"screenshot", "trace", "page_snapshot"}
    model = place_evidence(model, out_dir)               # copies into out_dir/evidence/, paths made relative

J findings: the journey's screenshot and Playwright trace (kept for journeys
with a finding). H findings: the homepage as the browser rendered it (the
stored snapshot), saved as an HTML page whose scripts cannot run (a Content
Security Policy is put first in it).
"""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

from ..model import Finding
from ..scoring import finding_key

EVIDENCE_DIR = "evidence"
KINDS = ("screenshot", "trace", "page_snapshot")
NO_SCRIPT = b'<meta http-equiv="Content-Security-Policy" content="script-src \'none\'; object-src \'none\'">\n'


def _finding(row: dict) -> Finding:
    return Finding(rule=row["rule"], element=row["element"], outcome=row["outcome"], message=row["message"],
                   evidence=row["evidence"] or "", material=row["material"])


def campaign_evidence(db_path: Path, campaign_id: int) -> dict[str, dict]:
    """finding key -> evidence files (absolute paths) of the campaign's J and H findings."""
    from ..crawler.campaign import open_stores, snapshot_root

    store, snapshots = open_stores(Path(db_path))
    root = snapshot_root(Path(db_path))
    out: dict[str, dict] = {}
    journeys = store.journeys(campaign_id)
    if journeys:
        sources = {s.record_id: s.record.source for s in store.guide_records(campaign_id)}
        for row in store.findings(campaign_id):
            journey = journeys.get(row.get("item_id"))
            if journey is None or not row["rule"].startswith("J"):
                continue
            files = {kind: root / journey[f"{kind}_path"] for kind in ("screenshot", "trace")
                     if journey.get(f"{kind}_path") and (root / journey[f"{kind}_path"]).exists()}
            if files:
                out[finding_key(sources.get(row.get("record_id"), ""), _finding(row))] = files
    pages = {p["url"]: p for p in store.portal_pages(campaign_id)}
    folder = root / "homepages"
    for row in store.page_findings(campaign_id):
        page = pages.get(row["evidence"])
        sha = (page or {}).get("snapshot_sha")
        if not sha or not snapshots.has(sha):
            continue
        path = folder / f"{sha[:16]}.html"
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(NO_SCRIPT + snapshots.get(sha))
        out[finding_key(row["evidence"], _finding(row))] = {"page_snapshot": path}
    return out


def place_evidence(model: dict, out_dir: Path) -> dict:
    """A copy of the model whose evidence files (absolute paths) are copied into
    out_dir/evidence/ and named relative to out_dir; relative paths are left."""
    model = copy.deepcopy(model)
    target = Path(out_dir) / EVIDENCE_DIR
    copied: dict[str, str] = {}
    for n, finding in enumerate(model.get("findings") or [], 1):
        for kind in KINDS:
            value = finding.get(kind)
            if not value or not Path(value).is_absolute():
                continue
            source = Path(value)
            if str(source) not in copied:
                if not source.exists():
                    finding[kind] = None
                    continue
                target.mkdir(parents=True, exist_ok=True)
                name = f"{(finding.get('key') or str(n))[:12]}-{kind}{source.suffix}"
                shutil.copyfile(source, target / name)
                copied[str(source)] = f"{EVIDENCE_DIR}/{name}"
            finding[kind] = copied[str(source)]
    return model
