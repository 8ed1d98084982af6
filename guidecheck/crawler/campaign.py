"""The crawl side of a campaign: fetch (scrapy), extract the items' records
from the snapshots, check links (aiohttp). These phases only observe; the
judge (guidecheck/judge.py) writes the findings. `replay` extracts again from
the snapshots and runs the same judge over the stored observations, so it
gives the live findings by construction.

One process runs one crawl (Twisted's reactor cannot restart); a campaign
killed at any moment is resumed by running it again (guidecheck/pipeline.py)."""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from ..errors import CatalogError
from ..offline import CheckedGuide
from .. import portal_profiles as profiles
from .itemcheck import Fetched, read_item
from .links import RECHECK_PAUSE
from ..progress import Progress
from ..snapshots import snapshot_root  # noqa: F401  (re-exported: used by callers of campaign)
from .settings import scrapy_settings
from .spider import Department, GuideSpider

READ_CHUNK = 256  # items whose bodies are held in memory at once
CHECKED_LINK_ROLES = {"form", "sample", "policy", "result_sample", "other"}
FILE_ROLES = {"form", "sample"}
LINK_PAUSE_ENV = "GUIDECHECK_LINK_RECHECK_PAUSE"


@dataclass
class CrawlOptions:
    obey_robots: bool = True
    concurrency: int = 16
    per_host: int = 8
    delay: float = 0.0
    timeout: float = 20.0
    link_timeout: float = 10.0
    link_concurrency: int = 50
    link_retries: int = 2
    # seconds before a would-be dead link is checked again (GUIDECHECK_LINK_RECHECK_PAUSE)
    link_recheck_pause: float = field(default_factory=lambda: float(os.environ.get(LINK_PAUSE_ENV, RECHECK_PAUSE)))
    allow_private: bool = False
    chromium: str | None = None
    check_links: bool = True
    journeys: bool = True  # click-to-reach journeys and homepage checks in Chromium (assessment flow)
    extra_hosts: set[str] = field(default_factory=set)


def open_stores(db_path: Path):
    from ..snapshots import SnapshotStore
    from ..store import Store

    store = Store(db_path)
    return store, SnapshotStore(snapshot_root(db_path), store)


def campaign_departments(store, campaign_id: int) -> list[Department]:
    out = []
    for row in store.departments(campaign_id):
        try:
            profile = profiles.load(row["profile"] or "generic-html")
        except CatalogError as exc:
            raise CatalogError(f"部门“{row['name']}”：{exc}") from exc
        out.append(Department(id=row["id"], name=row["name"], profile=profile, listing_url=row["listing_url"]))
    return out


def campaign_scope(store, campaign_id: int, options: CrawlOptions | None = None):
    """The campaign's scope: its hosts (listings, homepages, extra hosts), private
    targets only when the campaign allows them; refusals recorded in the store."""
    from ..scope import scope_for_campaign

    return scope_for_campaign(store, campaign_id, extra_hosts=options.extra_hosts if options else ())


def crawl(db_path: Path, campaign_id: int, options: CrawlOptions | None = None) -> dict:
    """Fetch and check every item of the campaign that has no result yet."""
    from scrapy.crawler import CrawlerProcess

    options = options or CrawlOptions()
    store, snapshots = open_stores(db_path)
    departments = campaign_departments(store, campaign_id)
    hosts = {urlsplit(d.listing_url).netloc for d in departments} | set(options.extra_hosts)
    render = any(d.profile.guide.render for d in departments)
    settings = scrapy_settings(obey_robots=options.obey_robots, concurrency=options.concurrency,
                               per_host=options.per_host, delay=options.delay, timeout=options.timeout,
                               render=render, chromium=options.chromium,
                               scope=campaign_scope(store, campaign_id, options).to_settings())
    settings["GUIDECHECK_CAMPAIGN"] = {"db": str(db_path), "campaign_id": campaign_id}
    # Items whose every page is kept; one cut short is asked again (its pages already
    # kept are served from their snapshots).
    done = store.gathered_items(campaign_id)
    progress = Progress("抓取指南")
    progress.count = 0
    store.set_campaign_status(campaign_id, "crawling")
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(GuideSpider)
    process.crawl(crawler, campaign_id=campaign_id, store=store, snapshots=snapshots,
                  departments=departments, allowed_hosts=hosts, progress=progress,
                  skip_items=done, sampling=store.campaign(campaign_id)["settings"].get("sample"))
    from ..stopping import STOP, during_reactor

    started = time.perf_counter()
    with during_reactor(process.stop):
        # our handler, not scrapy's: scrapy's forgets a Ctrl-C that lands as the spider
        # finishes, before the reactor has stopped, and the run would go on
        process.start(install_signal_handlers=False)
    seconds = time.perf_counter() - started
    progress.close()
    stats = crawler.stats.get_stats()
    if stats.get("finish_reason") == "shutdown" or STOP.is_set():
        STOP.set()
        raise KeyboardInterrupt  # Ctrl-C during the crawl: what finished is kept, the rest stays pending
    return {"items": len(store.items(campaign_id)), "resumed_items": len(done), "seconds": seconds,
            "fetched": stats.get("guidecheck/fetched", 0), "from_snapshot": stats.get("guidecheck/from_snapshot", 0)}


def check_campaign_links(db_path: Path, campaign_id: int, options: CrawlOptions | None = None) -> int:
    """Check every link the campaign's guides offer, once per URL; resumable."""
    from .links import check_links_sync

    options = options or CrawlOptions()
    store, snapshots = open_stores(db_path)
    known = set(store.link_results(campaign_id))
    # Pages the crawl itself fetched fine (a guide's FAQ tab, its sibling tabs) are not asked again.
    known |= {url for (url, kind), sha in store.fetch_map(campaign_id).items()
              if kind in ("guide", "extra") and int(snapshots.meta(sha).get("status") or 0) < 400}
    links = [link for stored in store.guide_records(campaign_id) for link in stored.record.links]
    todo = sorted({link.url for link in links if link.role in CHECKED_LINK_ROLES
                   and link.url not in known and urldefrag(link.url).url not in known
                   and urlsplit(link.url).scheme in ("http", "https")})
    expect_file = {link.url for link in links if link.role in FILE_ROLES}
    if not todo:
        return 0
    store.set_campaign_status(campaign_id, "links")
    progress = Progress("检查链接", total=len(todo))

    def keep(result) -> None:
        """Save each result as it comes: a killed run keeps every check it finished."""
        store.save_link_results(campaign_id, [result])
        progress.done()

    check_links_sync(todo, concurrency=options.link_concurrency, per_host=options.per_host,
                     timeout=options.link_timeout, retries=options.link_retries,
                     scope=campaign_scope(store, campaign_id, options), recheck_pause=options.link_recheck_pause,
                     expect_file=expect_file, on_result=keep)
    progress.close()
    return len(todo)


def extract_items(db_path: Path, campaign_id: int) -> int:
    """The extract phase: every gathered item without records yet is read from
    its snapshots (worker processes) and its records saved as it is done, so a
    killed run keeps what it finished. No finding is written here."""
    store, snapshots = open_stores(db_path)
    todo = store.gathered_items(campaign_id) - store.items_with_results(campaign_id)
    if not todo:
        return 0
    progress = Progress("提取指南", total=len(todo))
    done = 0
    for item, outcome in read_items(store, snapshots, campaign_id, only_items=todo):
        store.save_item_records(campaign_id, item["id"], item.get("main_sha"), outcome.records,
                                status="error" if outcome.error else "fetched", error=outcome.error or None)
        progress.done()
        done += 1
    progress.close()
    return done


def read_items(store, snapshots, campaign_id: int, *, only_items: set[int] | None = None):
    """(item, ItemOutcome) for the campaign's items read again from their
    snapshots: no network. Extraction runs in worker processes, a chunk of
    items at a time; workers die with this process."""
    from ..stopping import worker_pool

    items = [item for item in store.items(campaign_id) if only_items is None or item["id"] in only_items]
    pool = worker_pool()
    try:
        for start in range(0, len(items), READ_CHUNK):
            jobs = []
            for item in items[start:start + READ_CHUNK]:
                main, extras = item_fetches(store, snapshots, campaign_id, item)
                if main is not None:
                    jobs.append((item, main, extras))
            outcomes = pool.map(read_item, [j[1] for j in jobs], [j[2] for j in jobs], chunksize=8)
            for (item, *_), outcome in zip(jobs, outcomes):
                yield item, outcome
    except BaseException:
        # Ctrl-C or a crash: stop now, unfinished items stay pending (workers die with us)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def item_fetches(store, snapshots, campaign_id: int, item: dict) -> tuple[Fetched | None, list[Fetched]]:
    """The guide response and extra pages the crawl kept for one item."""
    main = None
    extras = []
    for fetch in store.item_fetches(campaign_id, item["id"]):
        if fetch["kind"] not in ("guide", "extra"):
            continue
        if fetch["sha256"]:
            meta = snapshots.meta(fetch["sha256"])
            status = int(meta.get("status") or 0)
            if 300 <= status < 400:
                continue  # a hop of a redirect chain; its end is kept as its own fetch
            fetched = Fetched(url=meta.get("final_url") or fetch["url"], body=snapshots.get(fetch["sha256"]),
                              status=status, role=fetch["kind"])
        else:
            fetched = Fetched(url=fetch["url"], error=fetch["error"] or "未取得页面", role=fetch["kind"])
        if fetch["kind"] == "guide":
            main = fetched
            item["main_sha"] = fetch["sha256"]
        else:
            extras.append(fetched)
    return main, extras


def replay(db_path: Path, campaign_id: int) -> list[dict]:
    """The campaign's findings recomputed with no network: records read again
    from the snapshots, judged with the stored observations by the live judge
    (department rules over each department's records, as live)."""
    from ..judge import campaign_context, department_rule_findings, judge_records, observations

    store, snapshots = open_stores(db_path)
    obs = observations(store, campaign_id)
    context = campaign_context(store.campaign(campaign_id))
    read = [(item, outcome.records) for item, outcome in read_items(store, snapshots, campaign_id)
            if item["status"] != "unsampled"]
    groups: dict[int, list] = {}
    for item, records in read:
        groups.setdefault(item["department_id"], []).extend((id(r), r) for r in records)
    by_department = department_rule_findings(groups.values(), context)
    out = []
    for item, records in read:
        judged = judge_records(records, obs.for_item(item["id"], records), context)
        out.extend(dict(item_key=item["item_key"],
                        **CheckedGuide(record, findings + by_department.get(id(record), [])).to_json())
                   for record, findings in zip(records, judged))
    return out


def dumps(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def latest_campaign(db_path: Path) -> int | None:
    store, _ = open_stores(db_path)
    rows = store.campaigns()
    return max((r["id"] for r in rows), default=None)


@dataclass
class CampaignSummary:
    db_path: Path
    campaign_id: int
    departments: list[dict]
    notes: list[str]
    crawl_stats: dict | None = None

    def text(self) -> str:
        lines = [f"抓取任务 #{self.campaign_id} 完成。"]
        if self.crawl_stats:
            lines.append(f"  本次联网抓取 {self.crawl_stats['fetched']} 个页面，从已有快照读取 "
                         f"{self.crawl_stats['from_snapshot']} 个，续抓时跳过已完成的指南 {self.crawl_stats['resumed_items']} 份")
            pages = self.crawl_stats["fetched"] + self.crawl_stats["from_snapshot"]
            lines.append(f"  抓取阶段 {pages} 个页面，用时 {self.crawl_stats['seconds']:.2f} 秒")
        for d in self.departments:
            lines.append(f"  {d['name']}：指南 {d['items']} 份，确认问题 {d['fail']} 项，待复核 {d['review']} 项，"
                         f"无法获取 {d['errors']} 份")
        if self.notes:
            lines.append(f"  抓取中记录的情况 {len(self.notes)} 条（见数据库 notes 表），例如：{self.notes[0]}")
        lines.append(f"数据库：{self.db_path.resolve()}")
        lines.append(f"快照与 WARC：{snapshot_root(self.db_path).resolve()}")
        return "\n".join(lines)


def summarize(db_path: Path, campaign_id: int) -> CampaignSummary:
    store, _ = open_stores(db_path)
    by_dept = {d["id"]: {"name": d["name"], "items": 0, "fail": 0, "review": 0, "errors": 0}
               for d in store.departments(campaign_id)}
    for item in store.items(campaign_id):
        if item["status"] == "unsampled":
            continue
        entry = by_dept[item["department_id"]]
        entry["items"] += 1
        entry["errors"] += item["status"] == "error" or bool(item.get("error"))
    for f in store.findings(campaign_id):
        entry = by_dept[f["department_id"]] if "department_id" in f else None
        if entry is None:
            continue
        entry["fail" if f["outcome"] == "fail" else "review"] += 1
    return CampaignSummary(db_path, campaign_id, list(by_dept.values()), store.notes(campaign_id))


def run_campaign(db_path: Path, roster, options: CrawlOptions, scheme: str | None = None) -> CampaignSummary:
    """Create the roster's campaign (or resume the one of that name) and run every phase."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    store, _ = open_stores(db_path)
    existing = [c for c in store.campaigns() if c["name"] == roster.name]
    if existing:
        campaign_id = existing[-1]["id"]
    else:
        campaign_id = store.create_campaign(roster.name, scheme=scheme,
                                            settings={"allow_private": options.allow_private,
                                                      "hosts": sorted(options.extra_hosts)})
        for entry in roster.entries:
            store.add_department(campaign_id, entry.department, region=entry.region, profile=entry.profile,
                                 listing_url=entry.listing, homepage=entry.homepage)
    stats = None
    if store.campaign(campaign_id)["status"] != "done":
        from ..pipeline import run_phases

        stats = run_phases(db_path, campaign_id, options, browser=False)
    summary = summarize(db_path, campaign_id)
    summary.crawl_stats = stats
    return summary
