"""The channel phase of a campaign (gather): for each department whose roster
entry lists other channels, and for each such channel,

1. read its listing (the channel's profile, as the portal's) -> channel_entries;
2. want the entries that are the campaign's sampled items (same code or
   normalised name as a sampled portal guide) and the entries that are no
   portal item at all (no portal item, sampled or not, has that code or name:
   candidates for S002); entries that are only unsampled portal items are left;
3. fetch and extract each wanted entry not fetched yet (saved one by one: a
   killed phase resumes with the rest);
4. once all are fetched, pair and compare (`compare.match_and_compare`) the
   department's portal guides (sampled: their stored records; unsampled: their
   listed name and code only, so they pair but are never compared) with the
   channel's guides, and store the results (S001 on sampled items, S002 on
   items only on the channel) -> channel_results, state `compared`.

A channel compared is never compared again; `gather_channels` on a campaign
whose channels are all compared requests nothing.

    gather_channels(db_path, campaign_id, options) -> {"channels", "fetched", "compared", "notes"}
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from ..compare import Guide, match_and_compare
from ..compare import normalise as N
from .. import portal_profiles as profiles
from ..crawler.progress import Progress
from ..crawler.itemcheck import merge_extra_pages
from ..errors import InputError
from ..extract import extract
from ..model import GuideRecord, record_from_store, record_to_store
from .fetch import ChannelFetcher, Page, guide_target, read_listing
from .roster import ChannelSpec
from .store import ChannelStore

_CODE_LIKE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-_.]{3,}$")


def code_like(key: str | None, url: str = "") -> str:
    """A listing key that is an item code (not a URL or a slug path): its match key, else ''."""
    key = (key or "").strip()
    if not key or key == url or not _CODE_LIKE.match(key) or not any(c.isdigit() for c in key):
        return ""
    return N.code_key(key)


def channel_specs(campaign: dict) -> dict[str, list[ChannelSpec]]:
    return {dept: [ChannelSpec.from_json(c) for c in specs]
            for dept, specs in (campaign["settings"].get("second_channels") or {}).items()}


class _Portal:
    """One department's portal side: sampled guides (records) and every listed item."""

    def __init__(self, store, campaign_id: int, department_id: int, records: dict[int, list[GuideRecord]]):
        self.sampled: list[tuple[dict, list[GuideRecord]]] = []
        self.stubs: list[dict] = []
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.sampled_names: set[str] = set()
        self.sampled_codes: set[str] = set()
        for item in store.items(campaign_id):
            if item["department_id"] != department_id:
                continue
            name, code = N.name_key(item.get("name")), code_like(item.get("item_key"), item.get("guide_url") or "")
            self.names.add(name)
            self.codes.add(code)
            recs = records.get(item["id"], [])
            if item["status"] != "unsampled" and recs:
                self.sampled.append((item, recs))
                self.sampled_names.add(name)
                self.sampled_codes.add(code)
                for rec in recs:
                    elements = rec.elements
                    self.sampled_names.add(N.name_key(elements.get("name")))
                    self.sampled_codes.add(N.code_key(elements.get("code")))
                    self.names.add(N.name_key(elements.get("name")))
                    self.codes.add(N.code_key(elements.get("code")))
            else:
                self.stubs.append(item)
        for s in (self.names, self.codes, self.sampled_names, self.sampled_codes):
            s.discard("")

    def wanted(self, entry: dict) -> bool:
        name, code = N.name_key(entry.get("name")), code_like(entry.get("item_key"), entry.get("url") or "")
        if (name and name in self.sampled_names) or (code and code in self.sampled_codes):
            return True
        return not ((name and name in self.names) or (code and code in self.codes))

    def guides(self) -> tuple[list[Guide], dict[int, dict]]:
        """The portal's Guides and, by id(guide), the sampled item each belongs to."""
        out, owner = [], {}
        for item, recs in self.sampled:
            for record in recs:
                if not record.elements.get("name") and item.get("name"):
                    record.elements["name"] = item["name"]
                g = Guide(record.source, record)
                owner[id(g)] = item
                out.append(g)
        for item in self.stubs:
            elements = {"name": item.get("name") or ""}
            code = code_like(item.get("item_key"), item.get("guide_url") or "")
            if code:
                elements["code"] = item["item_key"]
            out.append(Guide(item.get("guide_url") or item["item_key"],
                             GuideRecord(source=item.get("guide_url") or "", elements=elements)))
        return out, owner


def _records(page: Page, extras: list[Page]) -> list[GuideRecord]:
    records = extract(page.body, page.url, page.url)
    merge_extra_pages(records, extras)
    return records


async def _fetch_entry(fetcher: ChannelFetcher, snapshots, cstore: ChannelStore, profile, entry: dict,
                       host: str) -> None:
    target = guide_target(profile, entry["item_key"], entry["url"])
    if urlsplit(target).netloc != host:
        cstore.save_fetch(entry["id"], sha=None, records=None, error="指南链接指向该渠道以外的主机，未抓取")
        return
    page = await fetcher.get(target)
    if page.error or (page.status or 0) >= 400:
        cstore.save_fetch(entry["id"], sha=None, records=None, error=page.error or f"指南页面返回 HTTP {page.status}")
        return
    sha = snapshots.put(page.body, url=target, final_url=page.url, status=page.status, headers=page.headers or {},
                        fetcher="channel")
    extras = []
    texts = profile.guide.extra_links
    if texts:
        from parsel import Selector

        from ..extract.decode import decode_html

        try:
            sel = Selector(text=decode_html(page.body, page.url))
            hrefs = [a.attrib["href"] for a in sel.css("a[href]")
                     if "".join(a.css("::text").getall()).strip() in texts
                     and not a.attrib["href"].startswith(("javascript:", "#"))]
        except (InputError, ValueError):
            hrefs = []
        from urllib.parse import urljoin

        for href in dict.fromkeys(urljoin(page.url, h) for h in hrefs):
            if urlsplit(href).netloc == host and href != page.url:
                extra = await fetcher.get(href)
                if extra.body and not extra.error:
                    snapshots.put(extra.body, url=href, final_url=extra.url, status=extra.status,
                                  headers=extra.headers or {}, fetcher="channel")
                extras.append(extra)
    try:
        records = _records(page, extras)
    except InputError as exc:
        cstore.save_fetch(entry["id"], sha=sha, records=None, error=exc.reason)
        return
    cstore.save_fetch(entry["id"], sha=sha, records=[record_to_store(r) for r in records])


def _other_guides(entries: list[dict]) -> list[tuple[Guide, bool]]:
    """The channel's guides: each fetched entry's records; a wanted entry whose guide
    could not be read is its listed name and code (enough for S002, never compared)."""
    import json

    out = []
    for entry in entries:
        if not entry["wanted"]:
            continue
        records = json.loads(entry["records_json"] or "[]") if entry["status"] == "fetched" else []
        if records:
            for data in records:
                record = record_from_store({"source": entry["url"], **data})
                if not record.elements.get("name") and entry.get("name"):
                    record.elements["name"] = entry["name"]
                out.append((Guide(entry["url"], record), True))
        else:
            elements = {"name": entry.get("name") or ""}
            if code_like(entry.get("item_key"), entry["url"]):
                elements["code"] = entry["item_key"]
            out.append((Guide(entry["url"], GuideRecord(source=entry["url"], url=entry["url"], elements=elements)),
                        False))
    return out


def _listed_only(finding):
    """A finding on a guide only listed, never read (its link text may not even be its
    name): never more than needs_review."""
    if finding.outcome != "fail":
        return finding
    return replace(finding, outcome="needs_review", message=f"{finding.message}{N.wording('listed_only')}")


def compare_channel(portal: _Portal, entries: list[dict], portal_complete: bool = True) -> list[dict]:
    """Result rows for one channel: sampled portal items (compared, or not found on
    the channel) and the channel's items the portal lacks (S002)."""
    portal_guides, owner = portal.guides()
    others = _other_guides(entries)
    fetched = {id(g): ok for g, ok in others}
    results = match_and_compare(portal_guides, [g for g, _ in others], portal_complete=portal_complete)
    rows = []
    for r in results:
        if r.portal is not None:
            item = owner.get(id(r.portal))
            if item is None:
                continue  # an unsampled item: listed only so that it is not taken for a missing one
            ok = bool(r.other is not None and fetched.get(id(r.other)))
            findings = r.findings if ok or r.other is None else [f for f in r.findings if f.rule != "S001" or
                                                                 f.element in ("code", "name")]
            rows.append({"item_id": item["id"], "portal_source": r.portal.source,
                         "other_url": r.other.source if r.other else None, "other_fetched": ok,
                         "item": r.item, "code": r.code, "findings": findings})
        elif r.findings:
            ok = bool(r.other is not None and fetched.get(id(r.other)))
            findings = r.findings if ok else [_listed_only(f) for f in r.findings]
            rows.append({"item_id": None, "portal_source": None, "other_url": r.other.source if r.other else None,
                         "other_fetched": ok, "item": r.item, "code": r.code, "findings": findings})
    return rows


async def _gather(store, snapshots, cstore: ChannelStore, campaign_id: int, options) -> dict:
    campaign = store.campaign(campaign_id)
    specs = channel_specs(campaign)
    stats = {"channels": 0, "fetched": 0, "compared": 0, "notes": []}
    if not specs:
        return stats
    departments = {d["name"]: d for d in store.departments(campaign_id)}
    records: dict[int, list[GuideRecord]] = {}
    for stored in store.guide_records(campaign_id):
        records.setdefault(stored.item_id, []).append(stored.record)
    progress = Progress("抓取其他渠道指南")
    from ..scope import netloc_key, scope_for_campaign

    # the campaign's scope, the channels' listing hosts added: private targets only
    # when the campaign allows them, and then only for those hosts; refusals recorded
    hosts = {netloc_key(spec.listing) for channels in specs.values() for spec in channels}
    scope = scope_for_campaign(store, campaign_id, extra_hosts=hosts)
    async with ChannelFetcher(scope, timeout=float(getattr(options, "timeout", 20.0)),
                              concurrency=max(1, min(int(getattr(options, "per_host", 4)), 8))) as fetcher:
        for dept_name, channels in specs.items():
            dept = departments.get(dept_name)
            if dept is None:
                continue
            portal = None
            for spec in channels:
                stats["channels"] += 1
                state = cstore.state(campaign_id, dept["id"], spec.name)
                if state.get("compared"):
                    continue
                profile = profiles.load(spec.profile)
                if not state.get("listed"):
                    entries, notes = await read_listing(fetcher, spec.listing, profile)
                    for note in notes:
                        store.add_note(campaign_id, f"{dept_name}（{spec.name}）：{note}")
                    stats["notes"].extend(notes)
                    if not entries:
                        # Nothing read: not compared (same-source stays not judged); a rerun tries again.
                        store.add_note(campaign_id, f"{dept_name}（{spec.name}）：列表中没有读到任何事项，未比对")
                        continue
                    cstore.save_listing(campaign_id, dept["id"], spec.name, spec.listing, entries,
                                        error="；".join(notes))
                portal = portal or _Portal(store, campaign_id, dept["id"], records)
                entries = cstore.entries(campaign_id, dept["id"], spec.name)
                cstore.want([e["id"] for e in entries if not e["wanted"] and portal.wanted(e)])
                entries = cstore.entries(campaign_id, dept["id"], spec.name)
                todo = [e for e in entries if e["wanted"] and e["status"] == "listed"]
                host = urlsplit(spec.listing).netloc
                progress.found(len(todo))

                async def fetch_one(entry):
                    await _fetch_entry(fetcher, snapshots, cstore, profile, entry, host)
                    progress.done()

                await asyncio.gather(*(fetch_one(e) for e in todo))
                stats["fetched"] += len(todo)
                rows = compare_channel(portal, cstore.entries(campaign_id, dept["id"], spec.name))
                if len(channels) > 1:  # the evidence names the channel (findings of two channels stay apart)
                    for row in rows:
                        for f in row["findings"]:
                            f.evidence = f"{f.evidence}（{spec.name}）"
                cstore.save_results(campaign_id, dept["id"], spec.name, rows)
                stats["compared"] += 1
    progress.close()
    return stats


def gather_channels(db_path: Path, campaign_id: int, options=None) -> dict:
    """Run the channel phase of a campaign (see module doc); resumable."""
    from ..crawler.campaign import open_stores

    store, snapshots = open_stores(Path(db_path))
    cstore = ChannelStore(store)
    if not channel_specs(store.campaign(campaign_id)):
        return {"channels": 0, "fetched": 0, "compared": 0, "notes": []}
    return asyncio.run(_gather(store, snapshots, cstore, campaign_id, options))
