"""H · portal pages, judged from an observation the crawler or browser made.

The homepage phase looks at a government or department homepage (links and
identity marks: journeys/portal_pages.py finds them) and records what it saw
as a `HomepageObservation` on the record (`record.homepage`); these rules only
read it, as the J rules read `record.journey`, so a stored observation gives
the same findings again. Offline (no observation) they stay silent.

- H001 (government homepage, a branch link expected): no link to the
  provincial portal's local branch: fail.
- H002 (department homepage, channel URLs expected): no link to the
  department's channel on the portal: fail.
- H003 (every homepage): one finding per identity mark not found: fail.
A homepage that could not be fetched (`status` other than "ok") gives one
needs_review finding per rule that would have judged it, never a deduction.
`evidence` is the homepage URL.

The observation as a dict (case files, the store):

    homepage: {url: …, role: government | department, status: ok | unreachable,
               reason: …, branch_expected: "“福州分厅”", branch_link: URL or null,
               channels: [URL…], channel_link: URL or null,
               marks: {网站标识码: "3501000001", ICP备案: null, …}}

`branch_expected` is None when the campaign names no branch (H001 not
judged); `channels` empty when it names no channel (H002 not judged).

The seam for the homepage phase: `observe_homepage(html, url, role=…,
branch=…, channels=…)` builds the observation from a rendered page with the
finders of journeys/portal_pages.py (links, branch link, channel link, identity
marks); `unreachable_homepage(url, reason, …)` records a page that could not be
fetched. Put either on the record (`record.homepage = obs`, or store
`obs.to_json()`), then `run_checks(record, {"H001", "H002", "H003"})` gives the
same findings as portal_pages.check_homepage / review_findings.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..catalog import rules
from ..model import Finding
from .registry import finding, rule

ROLES = ("government", "department")


@dataclass
class HomepageObservation:
    url: str
    role: str
    status: str = "ok"
    reason: str = ""
    branch_expected: str | None = None
    branch_link: str | None = None
    channels: list[str] = field(default_factory=list)
    channel_link: str | None = None
    marks: dict[str, str | None] = field(default_factory=dict)  # mark title -> what was found, None: missing

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown page role {self.role!r}")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> HomepageObservation:
        return cls(**data)


def _observation(record) -> HomepageObservation | None:
    obs = getattr(record, "homepage", None)
    if obs is None:
        return None
    return HomepageObservation.from_json(obs) if isinstance(obs, dict) else obs


def _review(code: str, obs: HomepageObservation, **fields) -> Finding:
    fields = {"reason": obs.reason or "页面无法打开", "expected": "", "mark": "标识信息", **fields}
    found = finding(code, None, obs.url, outcome="needs_review", **fields)
    template = rules()[code].extra.get("review_message")
    if template:
        found.message = template.format(evidence=obs.url, **fields)
    return found


@rule("H001")
def branch_link_missing(record, context):
    obs = _observation(record)
    if obs is None or obs.role != "government" or not obs.branch_expected:
        return
    if obs.status != "ok":
        yield _review("H001", obs)
    elif not obs.branch_link:
        yield finding("H001", None, obs.url, expected=obs.branch_expected)


@rule("H002")
def channel_link_missing(record, context):
    obs = _observation(record)
    if obs is None or obs.role != "department" or not obs.channels:
        return
    if obs.status != "ok":
        yield _review("H002", obs)
    elif not obs.channel_link:
        yield finding("H002", None, obs.url, expected="、".join(obs.channels[:2]))


@rule("H003")
def site_identity_missing(record, context):
    obs = _observation(record)
    if obs is None:
        return
    if obs.status != "ok":
        yield _review("H003", obs)
        return
    for mark, found in obs.marks.items():
        if not found:
            yield finding("H003", None, obs.url, mark=mark)


def observe_homepage(html: str, url: str, *, role: str, branch=None, channels: list[str] | None = None,
                     evidence: str | None = None) -> HomepageObservation:
    """What a rendered homepage shows (links resolved against `url`, the final
    URL; `evidence` the URL to name, default `url`). `branch` is a
    journeys.portal_pages.BranchSpec or None."""
    from ..journeys import portal_pages as pp

    links = pp.page_links(html, url)
    obs = HomepageObservation(url=evidence or url, role=role, channels=list(channels or []))
    if role == "government" and branch is not None:
        obs.branch_expected = branch.describe()
        hit = pp.branch_link(links, branch)
        obs.branch_link = hit.url if hit else None
    if role == "department" and obs.channels:
        hit = pp.channel_link(links, obs.channels)
        obs.channel_link = hit.url if hit else None
    obs.marks = {pp.mark_title(key): found for key, found in pp.site_marks(html, url).items()}
    return obs


def unreachable_homepage(url: str, reason: str, *, role: str, branch=None,
                         channels: list[str] | None = None) -> HomepageObservation:
    """A homepage that could not be fetched: each rule that would judge it gives needs_review."""
    return HomepageObservation(url=url, role=role, status="unreachable", reason=reason,
                               branch_expected=branch.describe() if role == "government" and branch else None,
                               channels=list(channels or []))
