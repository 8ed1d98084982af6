"""Campaign phases that need a browser, callable by the campaign runner:

    run_journeys(db_path, campaign_id, JourneyOptions(...)) -> journeys run
    check_portal_pages(db_path, campaign_id, PortalPageOptions(...)) -> pages checked

Both phases only observe, and are resumable: work already stored is skipped
unless `redo`. Journeys are run for every item with a stored record that has
an online link or an online depth; each result is stored (table `journeys`,
evidence under `<snapshot root>/journeys/<item_id>/`). Each homepage's
observation is stored with its snapshot (table `portal_pages`). The judge
(guidecheck/judge.py) turns both into J and H findings.

Portal pages: each department's homepage from the roster (H002 + H003, or
H001 + H003 for departments named in the setting `government_departments`)
and the `gov_homepages` of the campaign settings (H001 + H003). Settings (the
campaign's settings JSON, or the options, which win):

    branch_link: {hosts: [fz.zwfw.fujian.gov.cn], urls: [...], texts: [福州市政务服务网]}
    gov_homepages: [{url: http://www.fuzhou.gov.cn/, department: 市政府办公厅, name: 福州市人民政府}]
    government_departments: [演示区人民政府]          # roster entries that are governments
    channel_links: {市市场监督管理局: http://…/dept/scjg}   # else derived from the listing URL

Every H finding belongs to a department (findings.page_department_id, item_id NULL;
Store.findings() reports it as department_id):
a gov homepage must name a roster department, or the phase refuses to start.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..errors import CatalogError
from .config import JourneyProfile, journey_profile
from ..stopping import stopped
from .pool import use_scope
from .portal_pages import BranchSpec, fetch_page, site_marks
from .runner import JourneyOptions, JourneySpec, run_journeys_async


def _stores(db_path: Path):
    from ..snapshots import SnapshotStore, snapshot_root
    from ..store import Store

    db_path = Path(db_path)
    store = Store(db_path)
    return store, SnapshotStore(snapshot_root(db_path), store), snapshot_root(db_path)


def _scope(store, campaign_id: int):
    from ..scope import scope_for_campaign

    return scope_for_campaign(store, campaign_id)


# ---------------------------------------------------------------- journeys

def journey_specs(store, campaign_id: int, root: Path, options: JourneyOptions) -> list[tuple[int, JourneySpec]]:
    """(item id, spec) of every item to journey: its first stored record has an
    online link or an online depth."""
    records = {}
    for stored in store.guide_records(campaign_id):
        records.setdefault(stored.item_id, stored.record)
    profiles: dict[int, JourneyProfile] = {}
    for dept in store.departments(campaign_id):
        try:
            profiles[dept["id"]] = journey_profile(dept["profile"] or None)
        except CatalogError as exc:
            raise CatalogError(f"部门“{dept['name']}”：{exc}") from exc
    done = set() if options.redo else set(store.journeys(campaign_id))
    out = []
    for item in store.items(campaign_id):
        if item["id"] in done or (options.item_ids is not None and item["id"] not in options.item_ids):
            continue
        record = records.get(item["id"])
        if record is None or not item.get("guide_url"):
            continue
        online = [link for link in record.links if link.role == "online"]
        depth = record.text("online_depth")
        if not online and not depth:
            continue
        out.append((item["id"], JourneySpec(
            guide_url=item["guide_url"], name=record.text("name") or item.get("name") or "",
            code=record.text("code"), online_depth=depth, online_url=online[0].url if online else "",
            profile=profiles.get(item["department_id"], JourneyProfile()),
            evidence_dir=root / "journeys" / str(item["id"]), key=item["item_key"])))
    return out


def _relative(path: str | None, root: Path) -> str | None:
    if not path:
        return None
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def run_journeys(db_path: Path, campaign_id: int, options: JourneyOptions | None = None) -> int:
    """Run the journeys of the campaign's checked items; returns how many ran."""
    from ..progress import Progress

    options = options or JourneyOptions()
    store, _, root = _stores(db_path)
    todo = journey_specs(store, campaign_id, root, options)
    if not todo:
        return 0
    by_spec = {id(spec): item_id for item_id, spec in todo}
    progress = Progress("在线办理路径", total=len(todo))

    def keep(spec: JourneySpec, result) -> None:
        stopped()  # Ctrl-C (even one whose exception was swallowed): stop now; pending, never a J003
        item_id = by_spec[id(spec)]
        result.screenshot = _relative(result.screenshot, root)
        result.trace = _relative(result.trace, root)
        data = result.to_json()
        store.save_journey(campaign_id, item_id, data, screenshot_path=result.screenshot, trace_path=result.trace)
        progress.done()

    with use_scope(_scope(store, campaign_id)):
        asyncio.run(run_journeys_async([spec for _, spec in todo], options, on_result=keep))
    progress.close()
    return len(todo)


# ---------------------------------------------------------------- portal pages

@dataclass
class PortalPageOptions:
    """How homepages are checked. branch_link / gov_homepages / channels /
    government_departments override the campaign settings of the same names."""

    chromium: str | None = None
    contexts: int = 2
    timeout: float = 30.0
    quiet_ms: int = 800
    redo: bool = False
    branch_link: dict | None = None
    gov_homepages: list[dict] | None = None
    channels: dict[str, str | list[str]] | None = None
    government_departments: list[str] | None = None


@dataclass
class PageSpec:
    url: str
    role: str  # government | department
    name: str
    department_id: int
    channels: list[str] = field(default_factory=list)


def derived_channels(listing_url: str) -> list[str]:
    """A department's channel on the portal, guessed from its listing URL: the
    listing itself (query dropped) and its parent path when that still has two
    segments (…/dept/scjg/items -> …/dept/scjg)."""
    if not listing_url:
        return []
    parts = urlsplit(listing_url)
    out = [urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))]
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 3:
        out.append(urlunsplit((parts.scheme, parts.netloc, "/" + "/".join(segments[:-1]), "", "")))
    return out


def portal_page_specs(store, campaign_id: int, options: PortalPageOptions) -> tuple[list[PageSpec], BranchSpec | None]:
    """The homepages to check and the branch link expected, from the campaign's
    settings and roster (options win). Refuses (CatalogError) a gov homepage
    without a roster department, or gov homepages with no branch link setting."""
    settings = store.campaign(campaign_id)["settings"]

    def pick(name):
        value = getattr(options, name if name != "channel_links" else "channels")
        return value if value is not None else settings.get(name)

    branch = BranchSpec.from_settings(pick("branch_link"))
    channels = pick("channel_links") or {}
    governments = set(pick("government_departments") or [])
    departments = store.departments(campaign_id)
    by_name = {d["name"]: d for d in departments}
    unknown = governments - set(by_name)
    if unknown:
        raise CatalogError(f"活动设置 government_departments 中的部门不在名单中：{'、'.join(sorted(unknown))}")
    pages: list[PageSpec] = []
    for dept in departments:
        if not dept.get("homepage"):
            continue
        role = "government" if dept["name"] in governments else "department"
        explicit = channels.get(dept["name"])
        chans = [explicit] if isinstance(explicit, str) else list(explicit or []) or derived_channels(dept["listing_url"])
        pages.append(PageSpec(dept["homepage"], role, dept["name"], dept["id"], chans))
    for n, entry in enumerate(pick("gov_homepages") or []):
        where = f"活动设置 gov_homepages 第{n + 1}项"
        if not isinstance(entry, dict) or not entry.get("url"):
            raise CatalogError(f"{where} 须给出 url")
        dept = by_name.get(entry.get("department", ""))
        if dept is None:
            raise CatalogError(f"{where}（{entry['url']}）须用 department 指明名单中的所属部门（每个问题都要计入某个被考核单位）")
        pages.append(PageSpec(entry["url"], "government", entry.get("name") or dept["name"], dept["id"]))
    if any(p.role == "government" for p in pages) and branch is None:
        raise CatalogError("检查政府网站首页需要在活动设置 branch_link 中给出本地分厅的地址（hosts/urls）或链接文字（texts）")
    seen, out = set(), []
    for page in pages:  # one row per URL: the first role wins
        if page.url not in seen:
            seen.add(page.url)
            out.append(page)
    return out, branch


def check_portal_pages(db_path: Path, campaign_id: int, options: PortalPageOptions | None = None) -> int:
    """Check the campaign's homepages in the browser; returns how many were checked."""
    from ..checks.portal import observe_homepage, unreachable_homepage
    from ..progress import Progress
    from .pool import BrowserPool

    options = options or PortalPageOptions()
    store, snapshots, _ = _stores(db_path)
    pages, branch = portal_page_specs(store, campaign_id, options)
    if not options.redo:
        done = {row["url"] for row in store.portal_pages(campaign_id)}  # checked once, error or not
        pages = [p for p in pages if p.url not in done]
    if not pages:
        return 0
    progress = Progress("检查网站首页", total=len(pages))

    def keep(page: PageSpec, fetched: dict) -> None:
        stopped()  # Ctrl-C: stop now; the page stays unchecked, never a finding
        row = {"url": page.url, "role": page.role, "name": page.name, "department_id": page.department_id,
               "final_url": fetched["final_url"], "http_status": fetched["status"]}
        status = fetched["status"] or 0
        if fetched["error"] or status >= 400 or not fetched["html"]:
            reason = fetched["error"] or (f"HTTP {status}" if status >= 400 else "页面为空")
            row.update(status="error", reason=reason)
            observation = unreachable_homepage(page.url, reason, role=page.role, branch=branch, channels=page.channels)
        else:
            headers = {k: v for k, v in fetched["headers"].items() if k.lower() != "content-type"}
            headers.update({"Content-Type": "text/html; charset=utf-8", "X-Guidecheck-Rendered": "chromium"})
            body = fetched["html"].encode("utf-8")
            row["snapshot_sha"] = snapshots.put(body, url=page.url, final_url=fetched["final_url"], status=status,
                                                headers=headers, fetcher="browser")
            row["marks"] = site_marks(fetched["html"], fetched["final_url"])
            row["status"] = "ok"
            # the evidence names the page as listed (what the store keys on)
            observation = observe_homepage(fetched["html"], fetched["final_url"] or page.url, role=page.role,
                                           branch=branch, channels=page.channels, evidence=page.url)
        row["observation"] = observation.to_json()
        store.save_portal_page(campaign_id, row)
        progress.done()

    async def main():
        async with BrowserPool(options.chromium, options.contexts, scope=_scope(store, campaign_id)) as pool:
            lanes = asyncio.Semaphore(options.contexts)

            async def one(page):
                async with lanes:
                    try:
                        fetched = await fetch_page(pool, page.url, timeout=options.timeout, quiet_ms=options.quiet_ms)
                    except Exception as exc:  # noqa: BLE001 - a browser that died: review, the rest go on
                        fetched = {"url": page.url, "final_url": page.url, "status": None, "headers": {},
                                   "html": "", "error": f"浏览器出错：{str(exc).splitlines()[0][:160]}"}
                keep(page, fetched)

            await asyncio.gather(*(one(p) for p in pages))

    asyncio.run(main())
    progress.close()
    return len(pages)
