"""The rule registry: each check is a small function of a GuideRecord that yields
Findings, registered under its code. Checks never touch the network."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..catalog import rules
from ..model import Finding, GuideRecord

Check = Callable[[GuideRecord, "CheckContext"], Iterable[Finding]]

REGISTRY: dict[str, Check] = {}


class CheckContext:
    """What a run knows beyond the record: the elements the scheme requires
    beyond the key ten (E002)."""

    def __init__(self, required_elements: list[str] | None = None):
        default = rules()["E002"].extra.get("elements", [])
        self.required_elements = list(required_elements if required_elements is not None else default)


def rule(code: str) -> Callable[[Check], Check]:
    """Register a check under a rule code of the catalog."""

    def wrap(fn: Check) -> Check:
        if code not in rules():
            raise KeyError(f"rule {code} is not in the catalog")
        if code in REGISTRY:
            raise KeyError(f"rule {code} registered twice")
        REGISTRY[code] = fn
        return fn

    return wrap


def finding(code: str, element: str | None, evidence: str, *, material: int | None = None,
            outcome: str = "fail", **fields) -> Finding:
    """Build a Finding whose message is the rule's Chinese template filled with `fields`."""
    meta = rules()[code]
    template = meta.message or meta.title
    try:
        message = template.format(evidence=evidence, **fields)
    except (KeyError, IndexError):
        message = meta.title
    return Finding(rule=code, element=element, outcome=outcome, message=message,
                   evidence=evidence, material=material)


def run_checks(record: GuideRecord, codes: Iterable[str] | None = None,
               context: CheckContext | None = None) -> list[Finding]:
    """Run the registered checks (all, or only `codes`) on one record."""
    from . import load_all  # noqa: F401  (registers every family)

    context = context or CheckContext()
    wanted = set(codes) if codes is not None else set(REGISTRY)
    out: list[Finding] = []
    for code in sorted(REGISTRY):
        if code in wanted:
            out.extend(REGISTRY[code](record, context))
    from .common import settle_uncertain

    return settle_uncertain(record, out)


def iter_registered() -> Iterator[str]:
    from . import load_all  # noqa: F401

    yield from sorted(REGISTRY)
