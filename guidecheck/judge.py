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
it); the channel comparison's S findings are added to the record they concern.
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

    def for_item(self, item_id: int) -> ItemObservations:
        return ItemObservations(self.link_results, self.journeys.get(item_id), self.channel.get(item_id, {}))


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
    from .journeys.result import journey_from_dict

    journeys = {item_id: journey_from_dict(row["result"]) for item_id, row in store.journeys(campaign_id).items()}
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
    `redo`), then the department findings. Returns how many items were judged."""
    obs = observations(store, campaign_id)
    done = set() if redo else store.gathered_items(campaign_id, PHASE)
    by_item: dict[int, list] = {}
    for stored in store.guide_records(campaign_id):
        by_item.setdefault(stored.item_id, []).append(stored)
    todo = [item for item in store.items(campaign_id) if item["id"] in by_item and item["id"] not in done]
    progress = Progress("判定问题", total=len(todo)) if todo else None
    for item in todo:
        stored = by_item[item["id"]]
        judged = judge_records([s.record for s in stored], obs.for_item(item["id"]))
        store.save_item_findings(campaign_id, item["id"], [(s.record_id, f) for s, f in zip(stored, judged)])
        progress.done()
    if progress:
        progress.close()
    judge_departments(store, campaign_id, obs)
    return len(todo)


def judge_departments(store, campaign_id: int, obs: CampaignObservations) -> int:
    """The findings that belong to a department rather than a guide: H from its
    homepages' observations, S from its channels; replaced in one transaction."""
    from .journeys.portal_pages import judge_homepage

    rows = list(obs.department_findings)
    for department_id, _url, observation in obs.homepages:
        rows.extend((department_id, f) for f in judge_homepage(observation))
    store.save_department_findings(campaign_id, rows)
    return len(rows)
