"""Campaign databases for trying the workbench without a crawl: saved guides
laid out as for `guidecheck score` (one folder per department) are checked and
written into a campaign as a crawl would write them (snapshot, item, record,
findings), plus, optionally, stored link results with the K001 findings they
give and journeys with a screenshot. Used by the workbench's tests and the
load benchmark (`synthetic`: many departments and findings from one guide)."""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ..model import Finding, LinkResult
from ..offline import check_path, expand_paths
from ..schemes import load as load_scheme


def _codes(scheme_name: str) -> tuple[set[str], object]:
    from ..checks import CheckContext
    from ..offline import offline_codes

    scheme = load_scheme(scheme_name)
    context = CheckContext.for_scheme(scheme)
    return offline_codes() & scheme.rule_codes, context, scheme


def build_campaign(db_path: Path, guides_dir: Path, scheme_name: str, *, name: str = "样例考核",
                   link_checks: Iterable[tuple[str, str, LinkResult]] = (),
                   journeys: Iterable[tuple[str, str, dict, bytes | None]] = ()) -> int:
    """A finished campaign from `guides_dir` (DEPARTMENT/guide files). `link_checks`:
    (department, file name, LinkResult) a link of that guide was checked with; a
    `review` or `dead` result adds its K001 finding. `journeys`: (department, file
    name, JourneyResult-shaped dict, PNG screenshot or None). Returns the campaign id."""
    from ..crawler.campaign import open_stores

    codes, context, scheme = _codes(scheme_name)
    store, snapshots = open_stores(Path(db_path))
    campaign_id = store.create_campaign(name, scheme=scheme.id, settings={
        "scheme_path": str(scheme.path), "hosts": ["127.0.0.1"], "allow_private": True, "month": "2026-12"})
    # a `review` or `dead` link check adds its K001 to the guide's first record
    link_findings: dict[tuple[str, str], list[Finding]] = {}
    for department, file_name, result in link_checks:
        store.save_link_result(campaign_id, result)
        if result.status in ("review", "dead"):
            outcome = "needs_review" if result.status == "review" else "fail"
            link_findings.setdefault((department, file_name), []).append(
                Finding("K001", "materials", outcome, f"链接无法打开：{result.reason}", evidence=result.url))
    items: dict[tuple[str, str], int] = {}
    for folder in sorted(p for p in Path(guides_dir).iterdir() if p.is_dir()):
        dept_id = store.add_department(campaign_id, folder.name, listing_url="http://127.0.0.1/list",
                                       homepage="http://127.0.0.1/")
        for source, path, error in expand_paths([str(folder)]):
            if error:
                continue
            url = f"http://127.0.0.1/guides/{folder.name}/{path.name}"
            body = path.read_bytes()
            sha = snapshots.put(body, url=url, final_url=url, status=200,
                                headers={"Content-Type": "text/html; charset=utf-8"}, fetcher="sample")
            checked = [(g.record, g.findings) for g in check_path(url, path, codes, context)]
            if checked:
                checked[0][1].extend(link_findings.get((folder.name, path.name), []))
            name = checked[0][0].elements.get("name") if checked else None
            item_id = store.upsert_item(campaign_id, dept_id, f"{folder.name}/{path.stem}", name or None, url)
            store.save_item_results(campaign_id, item_id, sha, checked)
            items[(folder.name, path.name)] = item_id
    root = snapshots.root
    for department, file_name, journey, png in journeys:
        item_id = items[(department, file_name)]
        shot = None
        if png:
            folder = root / "journeys" / str(item_id)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "screenshot.png").write_bytes(png)
            shot = f"journeys/{item_id}/screenshot.png"
        store.save_journey(campaign_id, item_id, journey, screenshot_path=shot)
    store.mark_items_checked(campaign_id)
    store.set_campaign_status(campaign_id, "done")
    return campaign_id


def synthetic(db_path: Path, guide: Path, scheme_name: str, *, departments: int = 50, items: int = 20,
              findings_per_item: int = 10) -> int:
    """A large finished campaign for load tests: `departments` × `items` copies of one
    saved guide, each with `findings_per_item` findings (half fail, half needs_review,
    distinct evidence so every key differs). Written in batches."""
    from ..crawler.campaign import open_stores

    codes, context, scheme = _codes(scheme_name)
    store, _ = open_stores(Path(db_path))
    campaign_id = store.create_campaign(f"压力测试 {departments}×{items}", scheme=scheme.id, settings={
        "scheme_path": str(scheme.path), "hosts": ["127.0.0.1"], "allow_private": True, "month": "2026-12"})
    record = check_path(str(guide), guide, codes, context)[0].record
    base = {**record.to_json(), "family": record.family}
    db = store.db
    with db.atomic():
        for d in range(departments):
            dept_id = store.add_department(campaign_id, f"测试部门{d + 1:03d}")
            for i in range(items):
                key = f"d{d:03d}-i{i:03d}"
                url = f"http://127.0.0.1/guides/{key}.html"
                item_id = db.conn.execute(
                    "INSERT INTO items (campaign_id, department_id, item_key, name, guide_url, status) "
                    "VALUES (?, ?, ?, ?, ?, 'checked')", [campaign_id, dept_id, key, f"测试事项{key}", url]).lastrowid
                data = {**base, "source": url, "url": url}
                record_id = db.conn.execute(
                    "INSERT INTO records (campaign_id, item_id, snapshot_sha, record_json) VALUES (?, ?, NULL, ?)",
                    [campaign_id, item_id, json.dumps(data, ensure_ascii=False)]).lastrowid
                db.conn.executemany(
                    "INSERT INTO findings (campaign_id, item_id, record_id, rule, element, material, outcome, message, "
                    "evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(campaign_id, item_id, record_id, "M103" if n % 2 else "L402",
                      "materials" if n % 2 else "location",
                      n if n % 2 else None, "fail" if n % 2 else "needs_review",
                      "材料未写明份数" if n % 2 else "办理地点未写明窗口", f"证据 {key} #{n}")
                     for n in range(findings_per_item)])
    store.set_campaign_status(campaign_id, "done")
    return campaign_id
