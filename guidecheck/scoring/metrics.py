"""Metric indicators of seed 002: formulas over fields of all a department's
guides, mapped to points (online depth: proportionally; instant rate and time
compression: by bands). Each returns (judged, value, score, note)."""
from __future__ import annotations

from fractions import Fraction

from ..catalog import vocab
from ..checks.common import words_regex
from ..checks.consistency import depth_level
from ..checks.limits_parse import Limit, parse_limit
from ..offline import CheckedGuide
from ..schemes import Indicator

Result = tuple[bool, float | None, float | None, str]


def band_points(bands: list[dict], value: Fraction) -> float:
    """Points of the first band whose `below` the value is under (`below: null`
    is the last band). Exact: 5 % falls in the band that starts at 5 %."""
    for band in bands:
        below = band.get("below")
        if below is None or value < Fraction(str(below)):
            return float(band["points"])
    return 0.0


def _weights(indicator: Indicator) -> dict[int, Fraction]:
    raw = indicator.raw.get("weights") or {}
    return {int(k): Fraction(str(v)) for k, v in raw.items() if str(k).isdigit()}


def online_depth(indicator: Indicator, guides: list[CheckedGuide]) -> Result:
    """Y = (N1·w1 + N2·w2 + N3·w3 + N4·w4) / M, M every guide checked (seed 002:
    "M: 依申请政务服务和公共服务事项总数"; a guide that names no level counts in M
    with weight 0); score = points × Y, value = Y. Not judged when no guide
    names a level at all (nothing to weigh: no data is not a zero)."""
    weights = _weights(indicator)
    levels = [depth_level(g.record.elements.get("online_depth")) for g in guides]
    stated = [lv for lv in levels if lv is not None]
    if not stated:
        return False, None, None, "没有指南标注网办深度"
    m = len(levels)
    y = sum((weights.get(lv, Fraction(0)) for lv in stated), Fraction(0)) / m
    counts = {lv: stated.count(lv) for lv in sorted(set(stated))}
    note = "、".join(f"N{lv}={n}" for lv, n in counts.items()) + f"，M={m}"
    if m > len(stated):
        note += f"（其中 {m - len(stated)} 个事项未标注网办深度，按 0 计）"
    return True, round(float(y), 4), float(Fraction(str(indicator.points)) * y), note


def _is_instant(guide: CheckedGuide) -> bool:
    case_type = guide.record.elements.get("case_type") or ""
    if case_type and words_regex("case_type_immediate").search(case_type):
        return True
    return parse_limit(guide.record.elements.get("promised_limit")).immediate


def instant_rate(indicator: Indicator, guides: list[CheckedGuide]) -> Result:
    """N / M: N the guides marked 即办件 (case_type, or a promised limit that says
    即办), M every guide checked. Judged when any guide gives either field."""
    if not any(g.record.elements.get("case_type") or g.record.elements.get("promised_limit") for g in guides):
        return False, None, None, "没有指南标注办件类型或承诺时限"
    n = sum(_is_instant(g) for g in guides)
    rate = Fraction(n, len(guides))
    return True, round(float(rate), 4), band_points(indicator.raw.get("bands") or [], rate), \
        f"即办件 {n} 个，事项 {len(guides)} 个"


def _unit(limit: Limit) -> str | None:
    """The unit two limits must share to be added: 工作日, 自然日, another clear
    unit, or 日 for 日/天 written without saying which."""
    if limit.count is None or limit.none or limit.prose:
        return None
    unit = limit.comparable_unit
    if unit:
        return unit
    if limit.unit_word in vocab()["ambiguous_day_units"]:
        return "日"
    return None


def time_compression(indicator: Indicator, guides: list[CheckedGuide]) -> Result:
    """1 − Σpromised / Σlegal over guides whose two limits are both counts in the
    same unit (即办, 无法定时限 and sentences are left out)."""
    promised_sum = legal_sum = 0.0  # counts are whole numbers or halves: float sums are exact
    used = 0
    for g in guides:
        legal = parse_limit(g.record.elements.get("legal_limit"))
        promised = parse_limit(g.record.elements.get("promised_limit"))
        unit = _unit(legal)
        if unit is None or unit != _unit(promised) or not legal.count:
            continue
        legal_sum += legal.count
        promised_sum += promised.count
        used += 1
    if not used:
        return False, None, None, "没有指南同时给出同一单位的法定时限和承诺时限"
    ratio = (Fraction(legal_sum) - Fraction(promised_sum)) / Fraction(legal_sum)
    return True, round(float(ratio), 4), band_points(indicator.raw.get("bands") or [], ratio), \
        f"{used} 个事项：承诺时限合计 {promised_sum:g}，法定时限合计 {legal_sum:g}"


METRICS = {"online_depth": online_depth, "instant_rate": instant_rate, "time_compression": time_compression}
