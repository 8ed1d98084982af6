"""The one orchestrator: a campaign's phases in order, each resumable.

    run_phases(db_path, campaign_id, options, browser=True) -> crawl stats | None

Phases (store_pipeline.PHASES). The gather phases only record what they
observed, each keeping its completion per item (fetches and records, link
results, channel results, journeys, portal pages) and, once it has gone
through every item, as a row of `phase_state`:

    fetch      scrapy: listings, guides, extra pages kept as snapshots; an item whose
               pages are all kept is recorded by the item pipeline (no parsing here)
    extract    worker processes: each item's records read from its snapshots
    links      aiohttp: every link target once (results saved one by one)
    channels   aiohttp: the sampled items on the departments' other channels, compared
               with the portal (only when the roster lists channels)
    journeys   Chromium: click-to-reach per item
    homepages  Chromium: each department's homepage

Then one judge (judge.py) computes every item's findings from its records and
all its observations and writes them once, item by item (marked per item), then
the departments' own findings (H, S002).

A phase already done is skipped; a phase cut short (kill -9, Ctrl-C) is run
again and skips what it finished. The campaign is `done` only when every
phase is. scoring and report read the store and write files: they are
recomputed by every run. `crawl` is this without sampling, journeys and
homepages (browser=False); `campaign run` is all of it.
"""
from __future__ import annotations

from pathlib import Path

from .stopping import drill, install, stopped


def run_phases(db_path: Path, campaign_id: int, options, *, browser: bool = True) -> dict | None:
    from .crawler.campaign import check_campaign_links, crawl, extract_items
    from .judge import judge_campaign
    from .store import Store

    install()
    store = Store(db_path)
    judged = store.phase_done(campaign_id, "judge")
    before = {phase for phase, status in store.phases(campaign_id).items() if status == "done"}

    def phase(name: str, run):
        """Run a phase not done yet (held first if a drill asks), then record it done."""
        if store.phase_done(campaign_id, name):
            return None
        drill(name)
        out = run()
        stopped()  # a phase that saw Ctrl-C dropped what it was doing: never record it done
        store.set_phase(campaign_id, name)
        return out

    stats = phase("fetch", lambda: crawl(db_path, campaign_id, options))
    phase("extract", lambda: extract_items(db_path, campaign_id))
    if options.check_links:
        phase("links", lambda: check_campaign_links(db_path, campaign_id, options))
    from .channels.phase import gather_channels

    phase("channels", lambda: gather_channels(db_path, campaign_id, options))  # a channel compared is skipped
    if browser and options.journeys:
        from .journeys.phases import JourneyOptions, PortalPageOptions, check_portal_pages, run_journeys

        phase("journeys", lambda: run_journeys(db_path, campaign_id, JourneyOptions(chromium=options.chromium)))
        phase("homepages", lambda: check_portal_pages(db_path, campaign_id,
                                                      PortalPageOptions(chromium=options.chromium)))
    if judged and any(name != "judge" for name in set(store.phases(campaign_id)) - before):
        # judged before this run gathered more (a crawl later run with the browser): every
        # item is judged again; the reset is stored first, so a judge cut short resumes
        store.reset_phase(campaign_id, "judge")
    phase("judge", lambda: judge_campaign(store, campaign_id))
    stopped()
    store.set_campaign_status(campaign_id, "done")
    return stats
