"""Scoring reads the channel phase: S findings onto the department inputs.

    extra = attach_second_channels(store, campaign_id, inputs)

For each department whose every listed channel was compared: S001 findings are
appended to the portal guide they belong to (matched by the record's source),
`input.second_channel` is set (`scoring.SecondChannel`: items compared and the
items only on another channel, each a CheckedGuide carrying its S002), and
`extra[department]` lists those only-there guides for the report. A department
with no channel listed, or whose channels were not all compared, keeps
`second_channel = None`: same-source is not judged for it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import GuideRecord
from ..offline import CheckedGuide
from .phase import channel_specs
from .findings import S_CODES
from .store import ChannelStore

try:  # the scorer's own type once the rules branch is merged
    from ..scoring import SecondChannel
except ImportError:  # pragma: no cover - until then, the same shape
    @dataclass
    class SecondChannel:  # type: ignore[no-redef]
        compared: int = 0
        only_there: list[CheckedGuide] = field(default_factory=list)

        @property
        def items(self) -> int:
            return self.compared + len(self.only_there)


def second_channels(store, campaign_id: int) -> dict[str, tuple[SecondChannel, dict[str, list]]]:
    """{department: (SecondChannel, {portal record source: [S001 findings]})} for every
    department whose listed channels were all compared."""
    specs = channel_specs(store.campaign(campaign_id))
    if not specs:
        return {}
    cstore = ChannelStore(store)
    ids = {d["name"]: d["id"] for d in store.departments(campaign_id)}
    compared = {(s["department_id"], s["channel"]) for s in cstore.states(campaign_id) if s.get("compared")}
    results = cstore.results(campaign_id)
    out = {}
    for name, channels in specs.items():
        dept_id = ids.get(name)
        if dept_id is None or not all((dept_id, c.name) in compared for c in channels):
            continue
        channel = SecondChannel()
        on_portal: dict[str, list] = {}
        compared_items: set[int] = set()
        for row in results:
            if row["department_id"] != dept_id:
                continue
            if row["item_id"] is not None:
                if row["other_fetched"]:
                    compared_items.add(row["item_id"])
                if row["findings"]:
                    on_portal.setdefault(row["portal_source"], []).extend(row["findings"])
            else:
                # One guide per finding, named by its evidence as the stored findings row is
                # (store.review_findings), so reviewers' decisions reach the scorer.
                for f in row["findings"]:
                    record = GuideRecord(source=f.evidence, url=row["other_url"] or "",
                                         elements={"name": row["item"] or ""})
                    if row["code"]:
                        record.elements["code"] = row["code"]
                    channel.only_there.append(CheckedGuide(record, [f]))
        channel.compared = len(compared_items)
        out[name] = (channel, on_portal)
    return out


def attach_second_channels(store, campaign_id: int, inputs) -> dict[str, list[CheckedGuide]]:
    """Put the channel phase's findings on the department inputs (see module doc)."""
    found = second_channels(store, campaign_id)
    extra: dict[str, list[CheckedGuide]] = {}
    for department in inputs:
        # S findings stored for items only on a channel come back as "pages": they are counted below.
        pages = getattr(department, "pages", None)
        if pages:
            for page in pages:
                page.findings[:] = [f for f in page.findings if f.rule not in S_CODES]
            pages[:] = [p for p in pages if p.findings]
        if department.name not in found:
            continue
        channel, on_portal = found[department.name]
        for guide in department.guides:
            findings = on_portal.pop(guide.record.source, None)
            if findings:
                guide.findings[:] = [f for f in guide.findings if f.rule not in S_CODES] + findings
        department.second_channel = channel
        extra[department.name] = list(channel.only_there)
    return extra
