"""`guidecheck demo`: the main job on the bundled demo portal.

Checks the machine first (setup.py: a browser, a Chinese font; installs them
with apt where it may), starts the demo portal on 127.0.0.1 (a free port),
writes a roster of its departments, and runs a whole monthly campaign against
it under the fj-2020-dept scheme: list, draw 10 items per department, fetch and
snapshot, check, check links, click-to-reach journeys and homepages in
Chromium, score, report. Prints where everything is.

The draw includes, for every kind of defect the portal plants (offline, link,
journey), an item that carries it (planted_keys; campaign setting
`sample.include`), so that the demo shows each kind of problem the tool finds;
the rest are drawn as usual.

Without a browser the demo still runs everything else and says, in one line,
that the journey and homepage checks were not judged (their indicators show
未评 in the report). A rerun on the same folder resumes an unfinished demo (the
portal comes back on the same port) and leaves a finished one as it is; --fresh
starts over. A folder that holds something else is refused.
"""
from __future__ import annotations

import json
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
# Items per department: the planted kinds need about ten each (planted_keys);
# twenty would double the browser time and show nothing new.
DEMO_SAMPLE = 10
# The demo's links answer from this machine: a retry (up to three timeouts on
# the planted 30-second link) shows nothing the first answer did not.
DEMO_LINK_RETRIES = 0
DEMO_LINK_TIMEOUT = 5.0  # seconds: the portal answers at once, or (the planted slow link) after 30 s
STATE_FILE = "demo.json"
MESSAGES = {
    "started": "演示门户已启动：{url}（本机临时地址，演示结束即关闭）",
    "resume": "继续上次未完成的演示（{out}）；加 --fresh 从头开始。",
    "finished": "{out} 中的演示已经完成，以下是上次的结果；加 --fresh 重新运行，或换一个 --out 文件夹。",
    "port_busy": "无法在上次的端口 {port} 上重启演示门户（{reason}），不能继续上次的演示；请加 --fresh 从头开始。",
    "not_demo": "文件夹 {out} 不是空的，也不是 guidecheck demo 的结果；为免误删，请换一个 --out 文件夹。",
    "scheme": "评估方案：{scheme}；每个部门抽查 {size} 个事项（演示门户埋设的每类问题至少各抽到一例）",
    "report": "报告（{fmt}）：{path}",
}


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


def gov_homepages(manifest: dict) -> list[dict]:
    """The portal's government homepages (H001), attached to the first department:
    the demo's roster has no government office, to which a real roster attaches them."""
    first = manifest["departments"][0]["name"]
    return [{"url": p["url"], "name": p["name"], "department": first}
            for p in manifest["portal_pages"]["pages"] if p["role"] == "government"]


def planted_keys(manifest: dict) -> list[str]:
    """Items that together carry every planted kind at least once: for each
    offline or link kind, one of the items it is planted on (in the department
    with the fewest chosen so far), and every journey item (one per kind)."""
    chosen: list[dict] = []
    per_department: dict[str, int] = {}
    for item in manifest.get("journey_expected", []):
        per_department[item["department"]] = per_department.get(item["department"], 0) + 1
    kinds = sorted({k for item in manifest["items"] for k in item["defects"]})
    for kind in kinds:
        if any(kind in item["defects"] for item in chosen):
            continue
        options = [item for item in manifest["items"] if kind in item["defects"]]
        best = min(options, key=lambda item: (per_department.get(item["department"], 0), item["index"]))
        chosen.append(best)
        per_department[best["department"]] = per_department.get(best["department"], 0) + 1
    # a campaign keys an item by its code or by its guide page's URL, as its listing gives it
    keys = [item[field] for item in chosen + list(manifest.get("journey_expected", []))
            for field in ("key", "guide_url", "detail_url") if item.get(field)]
    return sorted(set(keys))


def _say(name: str, **fields) -> None:
    click.echo(MESSAGES[name].format(**fields), err=True)


def _prepare(out: Path, fresh: bool) -> dict | None:
    """The previous demo's state in `out` (None: start afresh). Exits on a folder
    that is not a demo's."""
    state_path = out / STATE_FILE
    is_demo = state_path.exists()
    if out.exists() and any(out.iterdir()) and not is_demo:
        _say("not_demo", out=out)
        raise SystemExit(2)
    if fresh and out.exists():
        shutil.rmtree(out)
    if not out.exists() or fresh:
        out.mkdir(parents=True, exist_ok=True)
        return None
    try:
        return json.loads(state_path.read_text(encoding="utf-8")) if is_demo else None
    except (OSError, ValueError):
        return None


def _browser_failure(exc: Exception) -> bool:
    """Did Chromium fail to start or die (the set-up check passed, the launch did not)?"""
    from playwright.async_api import Error as PlaywrightError

    from .journeys.pool import BrowserGone

    return isinstance(exc, (PlaywrightError, BrowserGone))


def _print_result(db: Path, campaign_id: int, paths: dict, stats, sample_size: int) -> None:
    summary = summarize(db, campaign_id)
    summary.crawl_stats = stats
    click.echo(summary.text())
    click.echo(MESSAGES["scheme"].format(scheme=DEMO_SCHEME, size=sample_size))
    for fmt, path in paths.items():
        click.echo(MESSAGES["report"].format(fmt=fmt, path=path.resolve()))


def run_demo(out: Path, options: CrawlOptions | None = None, sample_size: int = DEMO_SAMPLE, *, fresh: bool = False,
             install: bool = True) -> int:
    from . import setup
    from .demo_portal.server import start_portal
    from .reports import FILE_NAMES
    from .store import Store

    options = options or CrawlOptions()
    options.link_retries = min(options.link_retries, DEMO_LINK_RETRIES)
    options.link_timeout = min(options.link_timeout, DEMO_LINK_TIMEOUT)
    previous = _prepare(out, fresh)
    db = out / "campaign.db"
    if previous and previous.get("done"):
        _say("finished", out=out)
        paths = {fmt: out / "report" / name for fmt, name in FILE_NAMES.items() if (out / "report" / name).exists()}
        _print_result(db, previous["campaign_id"], paths, None, previous.get("sample_size", sample_size))
        return 0

    if options.journeys:
        machine = setup.ensure(options.chromium, install=install)
        for line in machine.installs:
            click.echo(line, err=True)
        if not machine.has_browser:
            click.echo(setup.say("not_judged"), err=True)
            options.journeys = False
        else:
            options.chromium = machine.browser or None
            if not machine.font:
                click.echo(setup.say("no_font"), err=True)

    port = previous.get("port", 0) if previous else 0
    if previous:
        _say("resume", out=out)
    try:
        portal = start_portal(port=port)
    except OSError as exc:
        _say("port_busy", port=port, reason=str(exc).splitlines()[0][:80])
        return 2
    with portal:
        _say("started", url=portal.url)
        manifest = portal.manifest()
        if previous:
            campaign_id = previous["campaign_id"]
        else:
            roster = write_roster(manifest, out / "roster.yaml")
            campaign_id = assessment.create(db, roster, DEMO_SCHEME, name="演示门户月度抽查", sample_size=sample_size)
            store = Store(db)
            sample = {**store.campaign(campaign_id)["settings"]["sample"], "include": planted_keys(manifest)}
            store.update_campaign_settings(campaign_id, {"sample": sample, "gov_homepages": gov_homepages(manifest)})
        state = {"campaign_id": campaign_id, "port": portal.port, "sample_size": sample_size, "done": False}
        (out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
        try:
            stats = assessment.run(db, campaign_id, options)
        except Exception as exc:  # noqa: BLE001 - only a browser that would not start is caught here
            if not options.journeys or not _browser_failure(exc):
                raise
            click.echo(setup.say("browser_failed", reason=str(exc).strip().splitlines()[0][:160]), err=True)
            stats = None
    paths = assessment.report(db, campaign_id, out / "report")
    state["done"] = True
    (out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    _print_result(db, campaign_id, paths, stats, sample_size)
    return 0
