"""Time limits as portals write them (法定/承诺办结时限, process step durations).

    parse_limit(text) -> Limit(count, unit, immediate, none, …)

- counts in Arabic or Chinese numerals: "20个工作日", "二十个工作日", "4工作日",
  "1个工作日内", "十五日", "半个工作日"; only the number is converted (cn2an on
  the numeral alone, never cn2an.transform on the whole text);
- `unit` is "工作日" or "自然日" when the text says so, else None; `unit_word`
  keeps what was written ("日", "天", "小时", "月" …, or "" for a bare "20");
- "即办", "即时办结", "当场办结" … set `immediate`; "无", "无法定时限" … set
  `none`; a count of 0 ("法定期限：0个工作日") also means none;
- `prose` marks a sentence rather than a value (the statute quoted:
  "二十日内…可以延长十日"): rules that read it ask for review instead of failing.

The first count in the text is the limit; exclusions in brackets
("（专家评审时间除外）") do not matter. Results are cached by text.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import cn2an
import regex

from ..catalog import vocab
from .common import nfkc, words_pattern

WORKING_DAY = "工作日"
NATURAL_DAY = "自然日"
PROSE_LENGTH = 30  # longer values are sentences, not limits


@dataclass(frozen=True)
class Limit:
    """A parsed time limit. `count` is None when the text gives no number."""

    count: float | None
    unit: str | None  # "工作日" | "自然日" | None
    immediate: bool = False
    none: bool = False
    unit_word: str = ""  # the unit as written ("日", "天", "小时", "" for a bare number)
    prose: bool = False
    text: str = ""

    @property
    def unit_unclear(self) -> bool:
        """A count whose unit does not say working or natural days (T301)."""
        if self.count is None or self.none or self.unit:
            return False
        return self.unit_word == "" or self.unit_word in vocab()["ambiguous_day_units"]

    @property
    def comparable_unit(self) -> str | None:
        """The unit to compare counts in: 工作日 / 自然日, or another clear unit
        (小时, 月); None when the unit is unclear."""
        if self.unit:
            return self.unit
        if self.unit_word and self.unit_word not in vocab()["ambiguous_day_units"]:
            return self.unit_word
        return None


def _compile():
    v = vocab()
    working = v["working_day_units"]
    natural = v["natural_day_units"]
    ambiguous = v["ambiguous_day_units"]
    other = v["other_limit_units"]
    counter = words_pattern(v["limit_counter"])
    cn = regex.escape(v["cn_digits"])
    half = words_pattern(v["half_words"])
    number = rf"(?P<num>[0-9]+(?:\.[0-9]+)?|[{cn}]+|{half})"
    units = words_pattern(working + natural + other + ambiguous)
    unit_of = {w: WORKING_DAY for w in working}
    unit_of.update({w: NATURAL_DAY for w in natural})
    return {
        # "20（工作日）": some builds print the unit in brackets after the count
        "count": regex.compile(number + rf"\s*[(\[]?\s*(?:{counter})?\s*(?P<unit>{units})"),
        "bare": regex.compile(rf"^\s*(?P<num>[0-9]+(?:\.[0-9]+)?|[{cn}]+)\s*$"),
        "immediate": regex.compile(words_pattern(v["limit_immediate"])),
        "none_exact": frozenset(v["limit_none"]),
        "none_phrase": regex.compile(words_pattern([w for w in v["limit_none"] if len(w) >= 3])),
        "half": frozenset(v["half_words"]),
        "unit_of": unit_of,
        "strip": regex.compile(r"[\s\p{P}]+"),
    }


_P = _compile()


def _patterns():
    return _P


@functools.lru_cache(maxsize=2048)
def to_number(token: str) -> float | None:
    """An Arabic or Chinese numeral (二十, 两, 半) as a number, or None."""
    if token in _patterns()["half"]:
        return 0.5
    try:
        return float(token)
    except ValueError:
        pass
    try:
        return float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@functools.lru_cache(maxsize=4096)
def parse_limit(text: str | None) -> Limit:
    """Read one time-limit value (see module doc)."""
    raw = (text or "").strip()
    if not raw:
        return Limit(None, None, text="")
    p = _patterns()
    t = nfkc(raw)
    bare = p["strip"].sub("", t)
    none = bare in p["none_exact"] or bool(p["none_phrase"].search(t))
    immediate = bool(p["immediate"].search(t))
    counts = list(p["count"].finditer(t))
    count = unit = None
    unit_word = ""
    if counts:
        m = counts[0]
        count = to_number(m.group("num"))
        unit_word = m.group("unit")
        unit = p["unit_of"].get(unit_word)
    else:
        m = p["bare"].match(t)
        if m:
            count = to_number(m.group("num"))
    if count is not None and count == 0:
        none = True
    distinct = {(to_number(c.group("num")), c.group("unit")) for c in counts}
    prose = len(bare) > PROSE_LENGTH or len(distinct) > 1
    return Limit(count=count, unit=unit, immediate=immediate, none=none, unit_word=unit_word,
                 prose=prose, text=raw)
