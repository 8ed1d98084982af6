"""Pairing the portal's guides with another channel's: by code, else by
normalised name, and never a guess.

- A code found once on each side pairs the two guides (when their names are
  nowhere alike, every S001 of the pair is only `needs_review`).
- Among the guides left, a name (normalised: white space, punctuation, width,
  numerals, a 办事指南 suffix) found once on each side pairs them (when both
  give codes and they differ: S001 `needs_review` on the code, and every S001
  of the pair only `needs_review`).
- A code or name found more than once on a side pairs nothing: every guide
  involved gets an S001 `needs_review` saying why (a person picks the pair).
- A guide of the other channel still unpaired is on the portal only if no
  portal guide is close: its code is not there, its name is not there, and no
  portal name is loosely alike (bracketed qualifier dropped, one name inside
  the other, or difflib ratio >= `loose_name_ratio`). Then S002 `fail`; with a
  close portal name, or when a portal input could not be read, S002
  `needs_review` naming the candidates.
- A portal guide left unpaired gives no finding (the other channel may publish
  fewer items).
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from ..catalog import element_title
from ..checks.common import is_placeholder_text
from ..model import Finding, GuideRecord
from . import normalise as N
from .diff import FAIL, REVIEW, compare_records, evidence, make_finding


@dataclass
class Guide:
    """One side's guide: the path it was read from and its record."""

    source: str
    record: GuideRecord

    @cached_property
    def name(self) -> str:
        return N.collapse(self.record.elements.get("name"))

    @cached_property
    def code(self) -> str:
        code = N.collapse(self.record.elements.get("code"))
        return "" if not code or is_placeholder_text(code) else code

    @cached_property
    def name_key(self) -> str:
        return N.name_key(self.name)

    @cached_property
    def code_key(self) -> str:
        return N.code_key(self.code)

    @cached_property
    def loose_key(self) -> str:
        return N.loose_name_key(self.name)

    def label(self) -> str:
        return (self.name or N.wording("no_name")) + (f"（{self.code}）" if self.code else "")


@dataclass
class ItemResult:
    """One line of `compare`: an item and where each side has it (None: not there)."""

    item: str
    code: str
    portal: Guide | None
    other: Guide | None
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"item": self.item, "code": self.code or None,
                "portal": self.portal.source if self.portal else None,
                "other": self.other.source if self.other else None,
                "findings": [f.to_json() for f in self.findings]}


def _index(guides: list[Guide], key) -> dict[str, list[Guide]]:
    out: dict[str, list[Guide]] = defaultdict(list)
    for g in guides:
        k = key(g)
        if k:
            out[k].append(g)
    return out


def _code(g: Guide) -> str:
    return g.code_key


def _name(g: Guide) -> str:
    return g.name_key


def _ambiguous(guide: Guide, what: str, value: str, n_portal: int, n_other: int) -> Finding:
    unit = N.wording("guides")
    ev = f"{N.side_label('portal')}：{n_portal}{unit}；{N.side_label('other')}：{n_other}{unit}（{guide.source}）"
    return make_finding("S001", REVIEW, what, ev, template="ambiguous_message", what=element_title(what),
                        value=value, n_portal=n_portal, n_other=n_other)


def _alike(a: str, b: str, ratio: float) -> bool:
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= ratio and matcher.ratio() >= ratio


def _names_agree(a: Guide, b: Guide) -> bool:
    """The names are the same item's (equal, loosely equal or alike), or one side has none."""
    if not a.name_key or not b.name_key or a.name_key == b.name_key:
        return True
    ratio = float(N.config().get("loose_name_ratio", 0.85))
    return bool(a.loose_key and a.loose_key == b.loose_key) or a.name_key in b.name_key \
        or b.name_key in a.name_key or _alike(a.name_key, b.name_key, ratio)


def _loose_candidates(guide: Guide, portal: list[Guide]) -> list[Guide]:
    ratio = float(N.config().get("loose_name_ratio", 0.85))
    name, loose = guide.name_key, guide.loose_key
    if not name:
        return []
    # Lengths that could reach the ratio at all (2·min / (a + b) >= ratio).
    low, high = len(name) * ratio / (2 - ratio), len(name) * (2 - ratio) / ratio
    return [p for p in portal if p.name_key and (
        (loose and loose == p.loose_key) or name in p.name_key or p.name_key in name
        or (low <= len(p.name_key) <= high and _alike(name, p.name_key, ratio)))]


def match_and_compare(portal: list[Guide], other: list[Guide], portal_complete: bool = True) -> list[ItemResult]:
    """Pair the two sides and compare each pair (see module doc). Results: the
    portal's guides in order (paired or not), then the other channel's guides
    not paired, in order. `portal_complete` is False when a portal input could
    not be read: then no S002 is certain."""
    paired: dict[int, Guide] = {}  # id(portal guide) -> other guide
    settled: set[int] = set()  # ids of guides already paired or reported ambiguous
    findings: dict[int, list[Finding]] = defaultdict(list)

    for what, key in (("code", _code), ("name", _name)):
        by_p = _index([g for g in portal if id(g) not in settled], key)
        by_o = _index([g for g in other if id(g) not in settled], key)
        for value in by_p.keys() & by_o.keys():
            ps, os_ = by_p[value], by_o[value]
            if len(ps) == 1 and len(os_) == 1:
                p, o = ps[0], os_[0]
                paired[id(p)] = o
                settled.update((id(p), id(o)))
                continue
            shown = (ps[0].code if what == "code" else ps[0].name)
            for g in ps + os_:
                findings[id(g)].append(_ambiguous(g, what, shown, len(ps), len(os_)))
                settled.add(id(g))

    results: list[ItemResult] = []
    for p in portal:
        o = paired.get(id(p))
        item_findings = list(findings[id(p)])
        if o is not None:
            # Paired by name against differing codes: the pairing itself needs a person.
            codes_differ = bool(p.code and o.code and _code(p) != _code(o))
            if codes_differ:
                item_findings.append(make_finding(
                    "S001", REVIEW, "code", evidence(p.code, o.code), template="code_message",
                    portal=p.code, other=o.code))
            # Paired by code against names nowhere alike (a code copied from another item?): the same.
            certain = not codes_differ and _names_agree(p, o)
            item_findings.extend(compare_records(p.record, o.record, pairing_certain=certain))
        results.append(ItemResult(p.name or (o.name if o else ""), p.code or (o.code if o else ""), p, o,
                                  item_findings))

    portal_codes = {_code(g) for g in portal if _code(g)}
    portal_names = {_name(g) for g in portal if _name(g)}
    paired_other = {id(o) for o in paired.values()}
    for o in other:
        if id(o) in settled:
            if id(o) in findings and id(o) not in paired_other:
                results.append(ItemResult(o.name, o.code, None, o, findings[id(o)]))
            continue
        results.append(ItemResult(o.name, o.code, None, o, [_missing(o, portal, portal_codes, portal_names,
                                                                      portal_complete)]))
    return results


def _missing(o: Guide, portal: list[Guide], portal_codes: set[str], portal_names: set[str],
             portal_complete: bool) -> Finding:
    """S002 for a guide of the other channel that no portal guide pairs with."""
    ev = evidence(N.wording("not_found"), f"{o.label()}（{o.source}）")
    if not o.name and not o.code:
        return make_finding("S002", REVIEW, None, ev, template="unnamed_message", source=o.source)
    if (_code(o) and _code(o) in portal_codes) or (_name(o) and _name(o) in portal_names):
        # Its code or name is on the portal, but that guide is paired with another one.
        candidates = [p for p in portal if (_code(o) and _code(p) == _code(o)) or (_name(o) and _name(p) == _name(o))]
    else:
        candidates = _loose_candidates(o, portal)
    if candidates:
        names = "、".join(dict.fromkeys(c.label() for c in candidates))
        return make_finding("S002", REVIEW, None, ev + f"；{N.wording('candidates')}：{names}", template="review_message",
                            item=o.label(), candidates=names)
    if not portal_complete:
        return make_finding("S002", REVIEW, None, ev, template="incomplete_message", item=o.label())
    return make_finding("S002", FAIL, None, ev, item=o.label())
