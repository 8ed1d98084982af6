"""The judge: every finding of a campaign, computed once from what the gather
phases stored, and written once.

Gather phases only observe: the extract phase stores each item's records
(GuideRecord, with `fetch_problem` when its page could not be read), the
link phase stores link results, the channel phase its comparisons, the
journey phase journey results, the homepage phase homepage observations.
None of them writes a finding. The judge runs after all of them:

    judge_records(records, observations) -> [[Finding] per record]   (pure)
    observations(store, campaign_id) -> CampaignObservations           (reads the store)
    judge_campaign(store, campaign_id) -> items judged                 (the `judge` phase)

Per item, the catalog's checks run over each record with the item's
observations attached (link results on every record, the journey on the first;
each rule reads the observation its `needs:` names and stays silent without
it); the channel comparison's S findings are added to the record they concern,
and so are the department rules' (C804, run over each department's sampled
records together before the items are written).
The item's findings replace whatever it had in one transaction, its status
becomes `checked`, and the item is marked judged: a judge cut short resumes
with the rest. The department's own findings (H from its homepages, S002 from
its channels) are written the same way after the items.

`replay` is judge_records over records extracted again from the snapshots and
the same stored observations: the live path by construction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urldefrag

from .checks import CheckContext, run_checks
from .model import Finding, GuideRecord, LinkResult
from .progress import Progress

PHASE = "judge"
JUDGE_CHUNK = 256  # items whose records are held in memory at once
POOL_FROM = 400  # items: below this, judging here is quicker than starting worker processes


@dataclass
class ItemObservations:
    """What the gather phases saw for one item, beyond its records."""

    link_results: dict[str, LinkResult] = field(default_factory=dict)
    journey: object | None = None  # a journeys.result.JourneyResult
    channel: dict[str, list[Finding]] = field(default_factory=dict)  # record source -> S findings


@dataclass
class CampaignObservations:
    link_results: dict[str, LinkResult]
    journeys: dict[int, object]  # item id -> JourneyResult
    channel: dict[int, dict[str, list[Finding]]]  # item id -> record source -> S findings
    department_findings: list[tuple[int | None, Finding]]  # (department id, finding): S002, unpaired S001
    homepages: list[tuple[int | None, str, object]]  # (department id, page URL, HomepageObservation)

    def for_item(self, item_id: int, records: list[GuideRecord] = ()) -> ItemObservations:
        """The item's observations; with its records, only the link results its links need."""
        links = self.link_results
        if records:
            wanted = {u for r in records for link in r.links for u in (link.url, urldefrag(link.url).url)}
            links = {u: links[u] for u in wanted if u in links}
        return ItemObservations(links, self.journeys.get(item_id), self.channel.get(item_id, {}))


def judge_records(records: list[GuideRecord], obs: ItemObservations,
                  context: CheckContext | None = None) -> list[list[Finding]]:
    """Every finding of one item's records, from the records and the item's observations."""
    out = []
    for n, record in enumerate(records):
        results = {}
        for link in record.links:
            for url in (link.url, urldefrag(link.url).url):
                if url in obs.link_results:
                    results[url] = obs.link_results[url]
        record.link_results = results
        record.journey = obs.journey if n == 0 else None
        findings = run_checks(record, None, context)
        findings.extend(obs.channel.get(record.source, []))
        out.append(findings)
    return out


def observations(store, campaign_id: int) -> CampaignObservations:
    """Everything the gather phases stored for the campaign, typed."""
    journeys = store.journey_results(campaign_id)
    channel: dict[int, dict[str, list[Finding]]] = {}
    department: list[tuple[int | None, Finding]] = []
    if "channel_results" in set(store.db.table_names()):
        from .channels.store import ChannelStore

        for row in ChannelStore(store).results(campaign_id):
            if row["item_id"] is not None:
                channel.setdefault(row["item_id"], {}).setdefault(row["portal_source"] or "", []).extend(row["findings"])
            else:
                department.extend((row["department_id"], f) for f in row["findings"])
    return CampaignObservations(store.link_results(campaign_id), journeys, channel, department,
                                store.homepage_observations(campaign_id))


def judge_campaign(store, campaign_id: int, *, redo: bool = False) -> int:
    """The judge phase: every item with records and not judged yet (all with
    `redo`), a chunk at a time (worker processes for a big campaign), then the
    department findings. Returns how many items were judged."""
    from .stopping import worker_pool

    obs = observations(store, campaign_id)
    context = campaign_context(store.campaign(campaign_id))
    by_department = department_rule_findings(stored_department_groups(store, campaign_id), context)
    done = set() if redo else store.gathered_items(campaign_id, PHASE)
    with_records = store.items_with_results(campaign_id)
    todo = [item["id"] for item in store.items(campaign_id) if item["id"] in with_records and item["id"] not in done]
    progress = Progress("判定问题", total=len(todo)) if todo else None
    pool = worker_pool() if len(todo) >= POOL_FROM else None
    try:
        for start in range(0, len(todo), JUDGE_CHUNK):
            chunk = todo[start:start + JUDGE_CHUNK]
            stored = [store.guide_records(campaign_id, item_id) for item_id in chunk]
            records = [[s.record for s in item] for item in stored]
            item_obs = [obs.for_item(item_id, recs) for item_id, recs in zip(chunk, records)]
            contexts = [context] * len(chunk)
            judged = (pool.map(judge_records, records, item_obs, contexts, chunksize=16) if pool
                      else map(judge_records, records, item_obs, contexts))
            for item_id, item, findings in zip(chunk, stored, judged):
                store.save_item_findings(campaign_id, item_id, [(s.record_id, f + by_department.get(s.record_id, []))
                                                                for s, f in zip(item, findings)])
                progress.done()
    except BaseException:
        if pool:  # Ctrl-C or a crash: stop now, unjudged items stay pending (workers die with us)
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    if pool:
        pool.shutdown(wait=True)
    if progress:
        progress.close()
    judge_departments(store, campaign_id, obs)
    return len(todo)


def campaign_context(campaign: dict) -> CheckContext:
    """What the campaign's scheme asks of the checks (its required elements for
    E002, its licence catalog for M110), as `check --scheme` uses it; the
    defaults for a campaign without a scheme."""
    from .schemes import of_campaign

    scheme = of_campaign(campaign)
    return CheckContext.for_scheme(scheme) if scheme is not None else CheckContext()


def department_rule_findings(groups, context: CheckContext | None = None) -> dict:
    """key -> its findings of the department rules (`needs: department`, C804),
    for `groups`: each department's sampled (key, record) pairs in item order."""
    from .checks.registry import department_codes, run_department_checks

    codes = department_codes()
    out: dict = {}
    for group in groups:
        for index, found in run_department_checks([record for _, record in group], codes, context) if codes else ():
            out.setdefault(group[index][0], []).append(found)
    return out


def stored_department_groups(store, campaign_id: int):
    """Each department's sampled stored records as (record id, record), in item order."""
    for department in store.departments(campaign_id):
        yield [(s.record_id, s.record) for s in store.guide_records(campaign_id, department_id=department["id"])]


def judge_departments(store, campaign_id: int, obs: CampaignObservations) -> int:
    """The findings that belong to a department rather than a guide: H from its
    homepages' observations, S from its channels; replaced in one transaction."""
    from .journeys.portal_pages import judge_homepage

    rows = list(obs.department_findings)
    for department_id, _url, observation in obs.homepages:
        rows.extend((department_id, f) for f in judge_homepage(observation))
    store.save_department_findings(campaign_id, rows)
    return len(rows)
