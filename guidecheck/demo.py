"""`guidecheck demo`: the main job on the bundled demo portal.

Starts the demo portal on 127.0.0.1 (a free port), writes a roster of its
departments, runs a whole campaign against it (list, fetch, snapshot, check,
check links, recheck), writes the findings and a Chinese report, and prints
where they are."""
from __future__ import annotations

import shutil
from pathlib import Path

import click
import yaml

from .crawler import roster as roster_mod
from .crawler.campaign import CrawlOptions, run_campaign, stored_results
from .reports.campaign_text import write_campaign_reports

# The demo portal's layout families and the profile that reads each.
FAMILY_PROFILES = {"table-utf8": "demo-table", "hanweb-gbk": "demo-gbk", "script-json": "demo-api"}


def write_roster(manifest: dict, path: Path) -> Path:
    rows = [{"department": d["name"], "region": "演示市", "profile": FAMILY_PROFILES[d["family_name"]],
             "listing": d["listing_url"], "homepage": manifest["portal"] + f"/dept/{d['code']}"}
            for d in manifest["departments"]]
    data = {"campaign": "演示门户抓取", "allow_private": True, "departments": rows}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_demo(out: Path, options: CrawlOptions | None = None) -> int:
    from .demo_portal.server import start_portal

    options = options or CrawlOptions(allow_private=True)
    options.allow_private = True  # the demo portal lives on loopback
    if out.exists():
        shutil.rmtree(out)  # the portal's port changes every run: start afresh
    out.mkdir(parents=True)
    db = out / "campaign.db"
    with start_portal() as portal:
        click.echo(f"演示门户已启动：{portal.url}", err=True)
        roster = roster_mod.load(write_roster(portal.manifest(), out / "roster.yaml"))
        summary = run_campaign(db, roster, options)
    paths = write_campaign_reports(db, summary.campaign_id, out, stored_results(db, summary.campaign_id))
    click.echo(summary.text())
    for label, path in paths.items():
        click.echo(f"{label}：{path.resolve()}")
    return 0
