"""The one orchestrator: a campaign's phases in order, each resumable.

    run_phases(db_path, campaign_id, options, browser=True) -> crawl stats | None

Phases (store_pipeline.PHASES), each a task over the campaign's items whose
completion is kept per item by the phase itself (fetches and records, link
results, journeys, portal pages) and, once it has gone through every item,
as a row of `phase_state`:

    fetch      scrapy: listings, guides, extra pages kept as snapshots; an item whose
               pages are all kept is recorded by the item pipeline (no parsing here)
    extract    worker processes: records and offline findings from the snapshots
    links      aiohttp: every link target once (results saved one by one)
    judge      items whose links have a problem are judged again with the link results
    channels   aiohttp: the sampled items on the departments' other channels, compared
               with the portal (S001, S002; only when the roster lists channels)
    journeys   Chromium: click-to-reach per item (its J findings attached at once)
    homepages  Chromium: each department's homepage (H findings)

A phase already done is skipped; a phase cut short (kill -9, Ctrl-C) is run
again and skips what it finished. The campaign is `done` only when every
phase is. scoring and report read the store and write files: they are
recomputed by every run. `crawl` is this without sampling, journeys and
homepages (browser=False); `campaign run` is all of it.
"""
from __future__ import annotations

from pathlib import Path

from .stopping import install


def run_phases(db_path: Path, campaign_id: int, options, *, browser: bool = True) -> dict | None:
    from .crawler.campaign import check_campaign_links, crawl, extract_items, finish
    from .store import Store

    install()
    store = Store(db_path)
    stats = None
    if not store.phase_done(campaign_id, "fetch"):
        stats = crawl(db_path, campaign_id, options)
        store.set_phase(campaign_id, "fetch")
    if not store.phase_done(campaign_id, "extract"):
        extract_items(db_path, campaign_id)
        store.set_phase(campaign_id, "extract")
    if options.check_links and not store.phase_done(campaign_id, "links"):
        check_campaign_links(db_path, campaign_id, options)
        store.set_phase(campaign_id, "links")
    if not store.phase_done(campaign_id, "judge"):
        finish(db_path, campaign_id)
        store.set_phase(campaign_id, "judge")
    if not store.phase_done(campaign_id, "channels"):
        from .channels.phase import gather_channels

        gather_channels(db_path, campaign_id, options)  # resumable: a channel already compared is skipped
        store.set_phase(campaign_id, "channels")
    if browser and options.journeys:
        from .journeys.phases import (JourneyOptions, PortalPageOptions, attach_journey_findings,
                                      check_portal_pages, run_journeys)

        if not store.phase_done(campaign_id, "journeys"):
            attach_journey_findings(db_path, campaign_id)  # a judge pass replaced the items' findings
            run_journeys(db_path, campaign_id, JourneyOptions(chromium=options.chromium))
            store.set_phase(campaign_id, "journeys")
        if not store.phase_done(campaign_id, "homepages"):
            check_portal_pages(db_path, campaign_id, PortalPageOptions(chromium=options.chromium))
            store.set_phase(campaign_id, "homepages")
    store.set_campaign_status(campaign_id, "done")
    return stats
