"""Element by element: does the other channel's guide say something different
from the portal's? Each comparator returns None (the same, once what does not
matter is normalised away), "fail" (certainly different: S001 deducts) or
"needs_review" (different text whose meaning we cannot judge).

Precision first: a false S001 is a wrongful deduction, so every comparator
fails only on a difference it can read (a count, a unit, a number, an amount,
an article, a material name) and asks for review otherwise. An element one
side does not show is not compared (a channel may publish fewer elements).
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import regex

from ..catalog import element_title, rules, vocab
from ..checks.common import clip, nfkc, pattern
from ..checks.fees import CHARGED, FREE, fee_state
from ..checks.limits_parse import WORKING_DAY, NATURAL_DAY, parse_limit
from ..checks.phone_parse import NO_AREA_CODE, parse_phones
from ..model import Finding, GuideRecord
from . import normalise as N

FAIL, REVIEW = "fail", "needs_review"


@dataclass
class Values:
    """What one side shows for an element: its text for evidence, and the
    record (comparators may read structured parts)."""

    text: str
    record: GuideRecord


def _long(*texts: str) -> bool:
    limit = int(N.config().get("long_text", 120))
    return any(len(N.squash(t)) > limit for t in texts)


def _lopsided(a: str, b: str) -> bool:
    la, lb = len(N.squash(a)), len(N.squash(b))
    ratio = float(N.config().get("length_ratio", 2.0))
    return min(la, lb) == 0 or max(la, lb) / min(la, lb) > ratio


# ------------------------------------------------------------------ limits ---

def _limit_meaning(text: str):
    group = N.same_meaning_group("limit", text)
    if group is not None:
        return ("immediate",) if group == N.squash(N.config()["same_meaning"]["limit"][0][0]) else ("none",)
    lim = parse_limit(text)
    if lim.prose:
        return None
    if lim.count == 0:
        return ("zero",)
    if lim.count is not None:
        return ("count", lim.count, lim.comparable_unit)
    if lim.immediate:
        return ("immediate",)
    if lim.none:
        return ("none",)
    return None


def compare_limit(p: Values, o: Values) -> str | None:
    if N.canonical("limit", p.text) == N.canonical("limit", o.text):
        return None
    a, b = _limit_meaning(p.text), _limit_meaning(o.text)
    if a is None or b is None:
        return REVIEW
    if a == b:
        return None
    kinds = {a[0], b[0]}
    if kinds in ({"zero", "immediate"}, {"zero", "none"}):
        return None  # 0个工作日: read as 即办 or as no limit, never as a different value
    if "count" not in kinds:
        return REVIEW  # 即办 against 无: different words, not a count we can weigh
    if kinds != {"count"}:
        count = a if a[0] == "count" else b
        if count[2] in vocab()["subday_limit_units"] or count[2] is None:
            return REVIEW  # 即办 against 2小时 (an immediate case may take hours), or a unit unclear
        return FAIL  # 即办 / 无 against a count of days
    (_, ca, ua), (_, cb, ub) = a, b
    if ua is None or ub is None:
        return REVIEW  # "20日": working or natural days cannot be told
    if ua == ub:
        return FAIL if ca != cb else None
    days = {WORKING_DAY, NATURAL_DAY}
    if ua in days and ub in days:
        return FAIL  # 20个工作日 against 20个自然日
    return REVIEW  # 1个月 against 30个自然日


# ------------------------------------------------------------------ phones ---

def _lines(text: str):
    numbers = parse_phones(text)
    certain = all(n.certain and (n.valid or n.problem == NO_AREA_CODE) for n in numbers)
    return numbers, certain


def _same_line(n, others) -> bool:
    for m in others:
        if n.extension != m.extension:
            continue
        if n.digits == m.digits:
            return True
        # 87654321 against 0591-87654321: the same line with its area code left out.
        for short, full in ((n, m), (m, n)):
            if short.problem == NO_AREA_CODE and full.area_code and full.digits == full.area_code + short.digits:
                return True
    return False


def compare_phone(p: Values, o: Values) -> str | None:
    if N.squash(p.text) == N.squash(o.text):
        return None
    a, certain_a = _lines(p.text)
    b, certain_b = _lines(o.text)
    if not a or not b:
        return REVIEW
    missing_b = [n for n in a if not _same_line(n, b)]  # portal numbers the other side lacks
    missing_a = [n for n in b if not _same_line(n, a)]
    if not missing_a and not missing_b:
        return None
    if {n.digits for n in a} == {n.digits for n in b}:
        return REVIEW  # only an extension is given on one side and not the other
    if not missing_a or not missing_b:
        return REVIEW  # one side lists more numbers; every number it shares is the same
    return FAIL if certain_a and certain_b else REVIEW


# --------------------------------------------------------------------- fee ---

def _amounts(text: str) -> set[str]:
    return {N.squash(m.group(0)) for m in pattern("fee_amount_pattern").finditer(nfkc(text))}


def compare_fee(p: Values, o: Values) -> str | None:
    if N.canonical("fee", p.text) == N.canonical("fee", o.text):
        return None
    free = N.squash(N.config()["same_meaning"]["fee"][0][0])
    sa = FREE if N.canonical("fee", p.text) == free else fee_state(p.text)
    sb = FREE if N.canonical("fee", o.text) == free else fee_state(o.text)
    if sa == sb == FREE:
        return None
    if _long(p.text, o.text):
        return REVIEW
    if {sa, sb} == {FREE, CHARGED}:
        return FAIL
    if sa == sb == CHARGED:
        am_a, am_b = _amounts(p.text), _amounts(o.text)
        if am_a and am_b and am_a != am_b:
            return FAIL
    return REVIEW


# ------------------------------------------------------------------- basis ---

_DOC = regex.compile(r"《([^《》]*)》")
_BRACKETS = regex.compile(r"[（(〔\[][^（）()〔〕\[\]]*[）)〕\]]")
_HEAD_END = regex.compile(r"[:：“\"「。；;]")
_ARTICLE = regex.compile(r"第([0-9.]+)条((?:第[0-9.]+[款项])*)")


def _articles(text: str) -> tuple[set, set, set]:
    """(documents, (document, 条) pairs, (document, 条, 款/项) triples) cited in a
    basis. Only the citation right after a document's name counts (up to its
    first colon or quote): article numbers inside quoted content are not citations."""
    docs, tiao, full = set(), set(), set()
    matches = list(_DOC.finditer(text))
    for i, m in enumerate(matches):
        doc = N.law_key(m.group(1))
        docs.add(doc)
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segment = _BRACKETS.sub("", text[m.end():end])
        head = _HEAD_END.split(segment, maxsplit=1)[0]
        for a in _ARTICLE.finditer(N.squash(head)):
            tiao.add((doc, a.group(1)))
            full.add((doc, a.group(1), a.group(2)))
    return docs, tiao, full


def compare_basis(p: Values, o: Values) -> str | None:
    if N.squash(p.text) == N.squash(o.text):
        return None
    docs_a, tiao_a, full_a = _articles(p.text)
    docs_b, tiao_b, full_b = _articles(o.text)
    if not tiao_a or not tiao_b:
        return REVIEW if (docs_a != docs_b or tiao_a or tiao_b or not docs_a) else None
    if tiao_a == tiao_b:
        if full_a != full_b:
            return REVIEW  # same articles, a 款/项 given on one side only or differing
        return None if docs_a == docs_b else REVIEW
    for doc in docs_a & docs_b:
        arts_a = {t for d, t in tiao_a if d == doc}
        arts_b = {t for d, t in tiao_b if d == doc}
        if arts_a and arts_b and not (arts_a <= arts_b or arts_b <= arts_a):
            return FAIL  # the same document, a different article
    return REVIEW  # more articles or documents on one side: perhaps abridged


# ---------------------------------------------------------------- location ---

_DIGITS = regex.compile(r"\d+")


def compare_location(p: Values, o: Values) -> str | None:
    """Fails only when each address has a number the other lacks (door, floor,
    room, window: 12号窗口 against 15号窗口); other differences (more detail,
    another wording, several places) are reviewed."""
    a, b = N.squash(p.text), N.squash(o.text)
    if a == b:
        return None
    if a in b or b in a or _lopsided(p.text, o.text) or _long(p.text, o.text):
        return REVIEW
    nums_a, nums_b = Counter(_DIGITS.findall(a)), Counter(_DIGITS.findall(b))
    if nums_a - nums_b and nums_b - nums_a:
        return FAIL
    return REVIEW


# ------------------------------------------------------------------- hours ---

def _clock_times(text: str) -> set[str]:
    out = set()
    for m in pattern("clock_pattern").finditer(nfkc(text)):
        digits = regex.findall(r"\d+", m.group(0))
        hour = int(digits[0])
        minute = int(digits[1]) if len(digits) > 1 else (30 if m.group(0).endswith("半") else 0)
        out.add(f"{hour:02d}:{minute:02d}")
    return out


def compare_hours(p: Values, o: Values) -> str | None:
    if N.squash(p.text) == N.squash(o.text):
        return None
    a, b = _clock_times(p.text), _clock_times(o.text)
    if a and b and not (a <= b or b <= a) and not _long(p.text, o.text):
        return FAIL
    return REVIEW


# --------------------------------------------------------------- materials ---

@functools.cache
def _note_row():
    words = sorted(vocab()["material_note_prefixes"], key=len, reverse=True)
    return regex.compile(r"^\s*(?:" + "|".join(regex.escape(w) for w in words) + r")\s*[:：]")


def material_names(record: GuideRecord) -> list[str]:
    """The material names, without rows that are a note (注：…, 温馨提示：…): a
    layout may print its notes as one more row of the table."""
    note = _note_row()
    return [N.collapse(m.name) for m in record.materials
            if m.name and m.name.strip() and not note.match(nfkc(m.name))]


def compare_materials(p: Values, o: Values) -> str | None:
    names_a, names_b = material_names(p.record), material_names(o.record)
    if not names_a or not names_b:
        return compare_text(p, o)  # a list on one side only: its text, if any, is all we have
    keys_a = Counter(N.material_key(n) for n in names_a)
    keys_b = Counter(N.material_key(n) for n in names_b)
    if keys_a == keys_b:
        return None
    only_a = list((keys_a - keys_b).elements())
    only_b = list((keys_b - keys_a).elements())
    if _long(*only_a, *only_b):
        return REVIEW
    # 营业执照 / 营业执照复印件, 身份证 / 居民身份证: perhaps the same material written
    # otherwise. Pair such names off; a name left with no counterpart is a difference.
    loose_b = [N.loose_material_key(k) for k in only_b]
    for key in (N.loose_material_key(k) for k in only_a):
        hit = next((i for i, other in enumerate(loose_b) if other and key and (key in other or other in key)), None)
        if hit is None:
            return FAIL
        loose_b.pop(hit)
    return FAIL if loose_b else REVIEW


# ----------------------------------------------------------------- process ---

def compare_steps(p: Values, o: Values) -> str | None:
    steps_a = [N.squash(s.name) for s in p.record.process_steps]
    steps_b = [N.squash(s.name) for s in o.record.process_steps]
    if steps_a and steps_b:
        return None if steps_a == steps_b else REVIEW
    return compare_text(p, o)


def compare_text(p: Values, o: Values) -> str | None:
    if N.canonical("text", p.text) == N.canonical("text", o.text):
        return None
    return REVIEW


COMPARATORS: dict[str, Callable[[Values, Values], str | None]] = {
    "limit": compare_limit, "phone": compare_phone, "fee": compare_fee, "basis": compare_basis,
    "location": compare_location, "hours": compare_hours, "materials": compare_materials,
    "steps": compare_steps, "text": compare_text,
}


# ------------------------------------------------------------------ record ---

def _shown(record: GuideRecord, key: str, kind: str) -> str:
    """The element as evidence shows it; "" when the side does not show it."""
    if kind == "materials":
        names = material_names(record)
        if names:
            return "、".join(names)
    if kind == "steps" and record.process_steps and not record.elements.get(key, "").strip():
        return "→".join(N.collapse(s.name) for s in record.process_steps)
    return N.collapse(record.elements.get(key))


def evidence(portal_value: str, other_value: str) -> str:
    return f"{N.side_label('portal')}：{portal_value}；{N.side_label('other')}：{other_value}"


def make_finding(code: str, outcome: str, element: str | None, evidence_text: str,
                 template: str | None = None, **fields) -> Finding:
    """A Finding whose message is the catalog's template for the outcome (or the
    template named), filled with `fields` (values clipped for reading)."""
    meta = rules()[code]
    key = template or ("review_message" if outcome == REVIEW else "message")
    text = meta.message if key == "message" else meta.extra.get(key, meta.message)
    filled = {k: clip(str(v), 60) if isinstance(v, str) else v for k, v in fields.items()}
    filled.setdefault("portal_label", N.side_label("portal"))
    filled.setdefault("other_label", N.side_label("other"))
    try:
        message = text.format(**filled)
    except (KeyError, IndexError):
        message = meta.title
    return Finding(rule=code, element=element, outcome=outcome, message=message, evidence=evidence_text)


def compare_records(portal: GuideRecord, other: GuideRecord, pairing_certain: bool = True) -> list[Finding]:
    """S001 findings for one item: one per element whose values differ (fail
    when the difference is certain, needs_review when it cannot be judged, or
    when the two guides may not be the same item: `pairing_certain` False)."""
    out: list[Finding] = []
    for key, kind in N.config()["elements"].items():
        shown_p, shown_o = _shown(portal, key, kind), _shown(other, key, kind)
        if not shown_p or not shown_o:
            continue
        outcome = COMPARATORS[kind](Values(shown_p, portal), Values(shown_o, other))
        if outcome is None:
            continue
        if not pairing_certain:
            outcome = REVIEW
        out.append(make_finding("S001", outcome, key, evidence(shown_p, shown_o),
                                element_title=element_title(key), portal=shown_p, other=shown_o))
    return out
