"""The rule registry: each check is a small function of a GuideRecord that yields
Findings, registered under its code. Checks never touch the network.

A department check (`department_rule`) reads all the guides of one department
at once and yields (index, Finding) pairs, the index naming the guide the
finding belongs to (C804: codes that break the department's coding rule). Such
rules have `needs: department` in the catalog: `check` (one guide at a time)
never runs them; scoring does, where the department is known."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..catalog import rules
from ..model import Finding, GuideRecord
from .common import settle_uncertain

Check = Callable[[GuideRecord, "CheckContext"], Iterable[Finding]]

REGISTRY: dict[str, Check] = {}
DepartmentCheck = Callable[[list[GuideRecord], "CheckContext"], Iterable[tuple[int, Finding]]]
DEPARTMENT_REGISTRY: dict[str, DepartmentCheck] = {}
_ORDER: dict = {}  # set of codes (None: all) -> the registered codes to run, in order; rule() clears it


class CheckContext:
    """What a run knows beyond the record: the elements the scheme requires
    beyond the key ten (E002), and the licence catalog file M110 reads (None:
    element_rules/licences.yaml; a scheme's `licence_catalog` or `--licences`
    names a province's own)."""

    def __init__(self, required_elements: list[str] | None = None, licence_catalog: str | None = None):
        default = rules()["E002"].extra.get("elements", [])
        self.required_elements = list(required_elements if required_elements is not None else default)
        self.licence_catalog = str(licence_catalog) if licence_catalog else None

    @classmethod
    def for_scheme(cls, scheme, licence_catalog: str | None = None) -> CheckContext:
        """The context a scheme asks for (its required elements and licence
        catalog); `licence_catalog` (--licences) overrides the scheme's."""
        return cls(scheme.required_elements, licence_catalog or scheme.licence_catalog)


def rule(code: str) -> Callable[[Check], Check]:
    """Register a check under a rule code of the catalog."""

    def wrap(fn: Check) -> Check:
        if code not in rules():
            raise KeyError(f"rule {code} is not in the catalog")
        if code in REGISTRY:
            raise KeyError(f"rule {code} registered twice")
        REGISTRY[code] = fn
        _ORDER.clear()
        return fn

    return wrap


def department_rule(code: str) -> Callable[[DepartmentCheck], DepartmentCheck]:
    """Register a check that reads a department's guides together."""

    def wrap(fn: DepartmentCheck) -> DepartmentCheck:
        if code not in rules():
            raise KeyError(f"rule {code} is not in the catalog")
        if code in REGISTRY or code in DEPARTMENT_REGISTRY:
            raise KeyError(f"rule {code} registered twice")
        DEPARTMENT_REGISTRY[code] = fn
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
    out: list[Finding] = []
    for code in _ordered(None if codes is None else frozenset(codes)):
        out.extend(REGISTRY[code](record, context))
    return settle_uncertain(record, out)


def _ordered(wanted: frozenset | None) -> list[str]:
    """The codes to run, in code order: computed once per set of codes (a run
    checks every guide with the same codes)."""
    hit = _ORDER.get(wanted)
    if hit is None:
        if len(_ORDER) > 64:
            _ORDER.clear()
        hit = _ORDER[wanted] = [c for c in sorted(REGISTRY) if wanted is None or c in wanted]
    return hit


def run_department_checks(records: list[GuideRecord], codes: Iterable[str] | None = None,
                          context: CheckContext | None = None) -> list[tuple[int, Finding]]:
    """Run the department checks (all, or only `codes`) on a department's records:
    (index of the record, finding) pairs."""
    from . import load_all  # noqa: F401

    context = context or CheckContext()
    wanted = set(codes) if codes is not None else set(DEPARTMENT_REGISTRY)
    out: list[tuple[int, Finding]] = []
    for code in sorted(DEPARTMENT_REGISTRY):
        if code in wanted:
            out.extend(DEPARTMENT_REGISTRY[code](records, context))
    return out


def department_codes() -> set[str]:
    from . import load_all  # noqa: F401

    return set(DEPARTMENT_REGISTRY)


def iter_registered() -> Iterator[str]:
    from . import load_all  # noqa: F401

    yield from sorted(set(REGISTRY) | set(DEPARTMENT_REGISTRY))
