"""`guidecheck demo`: the main job on the bundled demo portal.

Starts the demo portal on 127.0.0.1 (a free port), writes a roster of its
departments, and runs a whole monthly campaign against it under the
fj-2020-dept scheme: list, draw 20 items per department, fetch and snapshot,
check, check links, score, report. Prints where everything is."""
from __future__ import annotations

import shutil
from pathlib import Path

import click
import yaml

from . import assessment
from .crawler.campaign import CrawlOptions, summarize
from .demo_portal.channel_site import roster_channels

# The demo portal's layout families and the profile that reads each.
FAMILY_PROFILES = {"table-utf8": "demo-table", "hanweb-gbk": "demo-gbk", "script-json": "demo-api"}
DEMO_SCHEME = "fj-2020-dept"


def write_roster(manifest: dict, path: Path) -> Path:
    pages = {p.get("department"): p for p in manifest["portal_pages"]["pages"] if p["role"] == "department"}
    rows = [{"department": d["name"], "region": "演示市", "profile": FAMILY_PROFILES[d["family_name"]],
             "listing": d["listing_url"], "homepage": pages[d["name"]]["url"], "channel": pages[d["name"]]["channel"],
             "channels": roster_channels(manifest, d["name"])}
            for d in manifest["departments"]]
    data = {"campaign": "演示门户抓取", "allow_private": True, "branch_link": manifest["portal_pages"]["branch_link"],
            "departments": rows}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_demo(out: Path, options: CrawlOptions | None = None, sample_size: int = 20) -> int:
    from .demo_portal.server import start_portal

    options = options or CrawlOptions()
    if out.exists():
        shutil.rmtree(out)  # the portal's port changes every run: start afresh
    out.mkdir(parents=True)
    db = out / "campaign.db"
    with start_portal() as portal:
        click.echo(f"演示门户已启动：{portal.url}", err=True)
        roster = write_roster(portal.manifest(), out / "roster.yaml")
        campaign_id = assessment.create(db, roster, DEMO_SCHEME, name="演示门户月度抽查", sample_size=sample_size)
        stats = assessment.run(db, campaign_id, options)
    paths = assessment.report(db, campaign_id, out / "report")
    summary = summarize(db, campaign_id)
    summary.crawl_stats = stats
    click.echo(summary.text())
    click.echo(f"评估方案：{DEMO_SCHEME}；每个部门抽查 {sample_size} 个事项")
    for fmt, path in paths.items():
        click.echo(f"报告（{fmt}）：{path.resolve()}")
    return 0
