"""A reviewer's monthly assessment: a campaign created from a scheme and a
roster, run (draw the sample, crawl, check links, check), scored under the
scheme with the reviewers' decisions, and reported.

    create(db, roster_path, scheme, ...) -> campaign id   (validates before anything runs)
    run(db, campaign_id, options)                           (resumable; a finished one is left as it is)
    score(db, campaign_id) -> CampaignScore
    report(db, campaign_id, out_dir, formats) -> {format: path}
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .channels.attach import attach_second_channels
from .channels.roster import channel_settings
from .crawler import roster as roster_mod
from .crawler.campaign import CrawlOptions, open_stores
from .errors import CatalogError
from .catalog import codes_needing
from .model import Finding
from .offline import CheckedGuide, offline_codes
from .schemes import load as load_scheme

LINK_CODES = codes_needing("network")
JOURNEY_CODES = codes_needing("browser", "J")
PAGE_CODES = codes_needing("browser", "H")


def create(db_path: Path, roster_path: Path, scheme_name: str, *, name: str | None = None,
           sample_size: int | None = 20, month: str | None = None, seed: int | None = None) -> int:
    """A new campaign; the roster and scheme are validated first (file, line, reason)."""
    roster = roster_mod.load(roster_path)
    scheme = load_scheme(scheme_name)
    month = month or date.today().strftime("%Y-%m")
    if seed is None:
        seed = int(month.replace("-", ""))
    settings = {"allow_private": roster.allow_private, "hosts": sorted(roster.hosts), "scheme_path": str(scheme.path),
                "levels": {e.department: e.level for e in roster.entries}, "month": month,
                **roster.portal_settings}
    channels = {e.department: e.channel for e in roster.entries if e.channel}
    if channels:
        settings["channel_links"] = channels
    settings.update(channel_settings(roster.entries))  # channels hook: the roster's other channels
    if sample_size:
        settings["sample"] = {"size": sample_size, "month": month}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    store, _ = open_stores(db_path)
    campaign_id = store.create_campaign(name or f"{roster.name} {month}", scheme=scheme.id, settings=settings,
                                        seed=seed)
    for entry in roster.entries:
        store.add_department(campaign_id, entry.department, region=entry.region, profile=entry.profile,
                             listing_url=entry.listing, homepage=entry.homepage)
    return campaign_id


def run(db_path: Path, campaign_id: int, options: CrawlOptions) -> dict | None:
    """Run every phase not yet done. A finished campaign changes nothing."""
    store, _ = open_stores(db_path)
    campaign = store.campaign(campaign_id)
    if campaign["status"] == "done":
        return None
    options.allow_private = bool(campaign["settings"].get("allow_private"))
    options.extra_hosts = set(campaign["settings"].get("hosts") or [])
    from .pipeline import run_phases

    return run_phases(db_path, campaign_id, options, browser=True)


def judged_rules(store, campaign_id: int) -> set[str]:
    """The rules that could fire in this campaign: the offline ones, the link rules
    when links were checked, the journey and homepage rules when those ran."""
    codes = offline_codes()
    if store.link_results(campaign_id):
        codes |= LINK_CODES
    if store.journeys(campaign_id):
        codes |= JOURNEY_CODES
    if store.portal_pages(campaign_id):
        codes |= PAGE_CODES
    return codes


def department_guides(store, campaign_id: int) -> dict[str, list[CheckedGuide]]:
    """The checked guides of each department, typed from the store."""
    departments = {d["id"]: d["name"] for d in store.departments(campaign_id)}
    items = {i["id"]: i for i in store.items(campaign_id)}
    by_record = store.findings_by_record(campaign_id)
    out: dict[str, list[CheckedGuide]] = {name: [] for name in departments.values()}
    for stored in store.guide_records(campaign_id):
        item = items.get(stored.item_id)
        if item is None or item["status"] == "unsampled":
            continue
        record = stored.record
        if not record.elements.get("name") and item.get("name"):
            record.elements.setdefault("name", item["name"])
        out[departments[item["department_id"]]].append(CheckedGuide(record, by_record.get(stored.record_id, [])))
    return out


def department_pages(store, campaign_id: int) -> dict[str, list[CheckedGuide]]:
    """Each department's checked homepages with their findings (H rules)."""
    from .model import GuideRecord

    out: dict[str, dict[str, CheckedGuide]] = {}
    for f in store.page_findings(campaign_id):
        page = out.setdefault(f["department"], {}).setdefault(
            f["evidence"], CheckedGuide(GuideRecord(source=f["evidence"], url=f["evidence"]), []))
        page.findings.append(Finding(rule=f["rule"], element=f["element"], outcome=f["outcome"],
                                     message=f["message"], evidence=f["evidence"] or "", material=f["material"]))
    return {name: list(pages.values()) for name, pages in out.items()}


def score(db_path: Path, campaign_id: int):
    from .review import scoring_decisions
    from .scoring import DepartmentInput, score_campaign

    store, _ = open_stores(db_path)
    campaign = store.campaign(campaign_id)
    scheme = campaign_scheme(campaign)
    levels = campaign["settings"].get("levels") or {}
    guides = department_guides(store, campaign_id)
    totals = {}
    for item in store.items(campaign_id):
        totals[item["department_id"]] = totals.get(item["department_id"], 0) + 1
    names = {d["id"]: d["name"] for d in store.departments(campaign_id)}
    pages = department_pages(store, campaign_id)
    inputs = [DepartmentInput(name=name, guides=guides[name], level=levels.get(name, "city"),
                              items_total=totals.get(dept_id), pages=pages.get(name, []))
              for dept_id, name in names.items()]
    only_there = attach_second_channels(store, campaign_id, inputs)  # channels hook: S findings, second_channel
    everything = {name: guides[name] + pages.get(name, []) + only_there.get(name, []) for name in guides}
    return score_campaign(inputs, scheme, judged_rules(store, campaign_id), scoring_decisions(store, campaign_id)), \
        everything, scheme


def report(db_path: Path, campaign_id: int, out_dir: Path, formats=("html", "xlsx", "csv", "json")) -> dict:
    from .report_model import build_report_model
    from .reports import write_reports
    from .reports.evidence import campaign_evidence

    from .progress import announce
    from .stopping import drill

    store, _ = open_stores(db_path)
    announce("计分")
    drill("scoring")
    campaign_score, guides, scheme = score(db_path, campaign_id)
    announce("写出报告")
    drill("report")
    campaign = store.campaign(campaign_id)
    model = build_report_model(campaign_score, guides, scheme,
                               campaign={"id": campaign_id, "name": campaign["name"],
                                         "created_at": campaign["created_at"]},
                               link_results=store.link_results(campaign_id),
                               evidence=campaign_evidence(db_path, campaign_id))
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_reports(model, out_dir, formats)


def campaign_scheme(campaign: dict):
    from .schemes import of_campaign

    scheme = of_campaign(campaign)
    if scheme is None:
        raise CatalogError(f"抓取任务 #{campaign['id']} 没有评估方案，无法评分（请用 guidecheck campaign create --scheme 建立考核）")
    return scheme
