"""Plain values handed from stage to stage: GuideRecord, Material, Link, Finding.

Every stage (extract, checks, scoring, reports) reads and returns these; none of
them knows about scrapy, the browser or the store.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Literal

Outcome = Literal["fail", "needs_review"]


class LinkStatus(str, Enum):
    """LinkResult.status (a str Enum: compares equal to its value, stores as it)."""

    OK = "ok"
    DEAD = "dead"
    SOFT_404 = "soft_404"
    NOT_A_FILE = "not_a_file"
    UNREADABLE = "unreadable"
    REVIEW = "review"
    SKIPPED = "skipped"


class ItemStatus(str, Enum):
    PENDING = "pending"
    FETCHED = "fetched"
    CHECKED = "checked"
    ERROR = "error"
    UNSAMPLED = "unsampled"


class OutcomeKind(str, Enum):
    FAIL = "fail"
    NEEDS_REVIEW = "needs_review"

# Roles a link can play in a guide (Link.role).
LINK_ROLES = ("form", "sample", "policy", "online", "result_sample", "other")

MATERIAL_FIELDS = ("name", "source", "copies", "medium", "required", "form_url", "sample_url", "notes")


@dataclass
class Material:
    """One row of the materials table. A field the page does not give stays None."""

    name: str | None = None
    source: str | None = None
    copies: str | None = None
    medium: str | None = None
    required: str | None = None
    form_url: str | None = None
    sample_url: str | None = None
    notes: str | None = None

    def to_json(self) -> dict:
        return {k: v for k in MATERIAL_FIELDS if (v := getattr(self, k)) is not None}


@dataclass
class ProcessStep:
    """One step of the process (办理流程): its name and, where given, its duration text."""

    name: str
    duration: str | None = None
    detail: str | None = None

    def to_json(self) -> dict:
        return {k: v for k in ("name", "duration", "detail") if (v := getattr(self, k)) is not None}


@dataclass
class FaqPair:
    question: str
    answer: str = ""

    def to_json(self) -> dict:
        return {"question": self.question, "answer": self.answer}


@dataclass
class Link:
    """A link offered by the guide. `role` is one of LINK_ROLES; `material` is the
    0-based index of the material the link belongs to, if any."""

    url: str
    text: str = ""
    role: str = "other"
    element: str | None = None
    material: int | None = None

    def to_json(self) -> dict:
        return {k: v for k in ("url", "text", "role", "element", "material") if (v := getattr(self, k)) is not None}


@dataclass
class LinkResult:
    """What checking one URL found (crawler work; rules K001-K004 read it).

    status: ok | dead | soft_404 | not_a_file | unreadable | review | skipped
    (`review` covers timeouts, 429, firewall answers and flapping 5xx: never a
    deduction). `reason` is a short Chinese sentence; `http_status` the last
    status seen; `attempts` how many requests were made."""

    url: str
    status: str
    reason: str = ""
    http_status: int | None = None
    content_type: str = ""
    final_url: str = ""
    attempts: int = 0
    size: int | None = None

    def to_json(self) -> dict:
        return {k: (v.value if isinstance(v, Enum) else v) for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def from_json(cls, data: dict) -> LinkResult:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["status"] = LinkStatus(known["status"]).value
        return cls(**known)


@dataclass
class FetchProblem:
    """Why the guide's page could not be read: what E010 judges. `confirmed`
    only when the guide is known to be missing (404/410, an empty page, a
    reply saying there is no such item); otherwise the tool could not tell
    (timeout, firewall, 5xx, a truncated or script-filled page)."""

    reason: str
    confirmed: bool = False

    def to_json(self) -> dict:
        return {"reason": self.reason, "confirmed": self.confirmed}

    @classmethod
    def from_json(cls, data: dict) -> FetchProblem:
        return cls(reason=str(data.get("reason") or ""), confirmed=bool(data.get("confirmed")))


@dataclass
class GuideRecord:
    """A service guide turned into canonical elements (spec/elements.md).

    `elements` maps element keys to their text with white space collapsed; an
    element absent from the page is absent from the dict. `materials`,
    `process_steps`, `faq` and `links` are the structured parts.
    `present` lists the structured elements whose section exists on the page even
    when it is empty (e.g. a 申请材料 heading with no rows), so that M108 can tell
    "empty" from "absent".
    """

    source: str
    url: str = ""
    elements: dict[str, str] = field(default_factory=dict)
    materials: list[Material] = field(default_factory=list)
    process_steps: list[ProcessStep] = field(default_factory=list)
    faq: list[FaqPair] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    family: str = "html"  # which extractor path produced it (html, audit_item, audit_item_lower, json_html)
    # Filled by the crawler's link checks, keyed by URL; empty offline (K rules then stay silent).
    link_results: dict[str, LinkResult] = field(default_factory=dict)
    # Filled by the journey runner (a guidecheck.journeys result); None offline (J rules then stay silent).
    journey: object | None = None
    # Filled by the homepage phase (a checks.portal.HomepageObservation); None otherwise (H rules stay silent).
    homepage: object | None = None
    # Elements whose value the extractor is unsure of (a value that reads as a
    # label, competing values): their findings are needs_review, never fail.
    uncertain: set[str] = field(default_factory=set)
    # Set when the guide's page could not be read at all (the record is then empty): E010 judges it.
    fetch_problem: FetchProblem | None = None

    def has(self, key: str) -> bool:
        """True when the element exists on the page (even if its value is empty)."""
        return key in self.elements or key in self.present

    def text(self, key: str) -> str:
        return self.elements.get(key, "") or ""

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "elements": dict(self.elements),
            "materials": [m.to_json() for m in self.materials],
            "process_steps": [s.to_json() for s in self.process_steps],
            "faq": [q.to_json() for q in self.faq],
            "links": [link.to_json() for link in self.links],
        }


@dataclass
class Finding:
    """One problem found in one guide. `rule` is a code of spec/rules.md."""

    rule: str
    element: str | None
    outcome: Outcome
    message: str
    evidence: str = ""
    material: int | None = None

    def to_json(self) -> dict:
        out = {"rule": self.rule, "element": self.element}
        if self.material is not None:
            out["material"] = self.material
        out.update(outcome=self.outcome, message=self.message, evidence=self.evidence)
        return out

    @classmethod
    def from_json(cls, data: dict) -> Finding:
        return cls(rule=data["rule"], element=data.get("element"), outcome=OutcomeKind(data["outcome"]).value,
                   message=data.get("message") or "", evidence=data.get("evidence") or "",
                   material=data.get("material"))


# ---------------------------------------------------------------- the store's JSON of a record

def record_to_store(record: GuideRecord) -> dict:
    """A record as the store keeps it: to_json() plus what a round trip needs
    (url, family, present, uncertain, fetch_problem). Link results, journeys and
    homepages are observations of their own, stored apart."""
    out = {**record.to_json(), "url": record.url, "family": record.family, "present": sorted(record.present)}
    if record.uncertain:
        out["uncertain"] = sorted(record.uncertain)
    if record.fetch_problem is not None:
        out["fetch_problem"] = record.fetch_problem.to_json()
    return out


def record_from_store(data: dict) -> GuideRecord:
    """The inverse of record_to_store (extra keys such as record_id are ignored)."""
    return GuideRecord(
        source=data.get("source", ""), url=data.get("url", ""),
        elements={str(k): "" if v is None else str(v) for k, v in (data.get("elements") or {}).items()},
        materials=[Material(**m) for m in data.get("materials") or []],
        process_steps=[ProcessStep(**st) for st in data.get("process_steps") or []],
        faq=[FaqPair(**q) for q in data.get("faq") or []],
        links=[Link(**link) for link in data.get("links") or []],
        present=set(data.get("present") or []), family=data.get("family", "html"),
        uncertain=set(data.get("uncertain") or []),
        fetch_problem=FetchProblem.from_json(data["fetch_problem"]) if data.get("fetch_problem") else None)
