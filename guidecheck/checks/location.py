"""L · location and hours.

- L401: the location has no road or street with its door number: a road word
  (vocab `road_words`: 路, 街, 大道, 段, 环 …), optionally a position word
  (东/西/南/北/中: 江南大道中42号), then a number and 号 — not followed by
  窗口/室 (that is a window: 市民服务中心12号窗口 fails).
- L402: the location has no room, floor or zone, or window number (vocab
  `room_pattern`: 307室, 12号窗口, 2楼A区, 一楼). A floor alone passes.
- L403: the hours give no clock times (fail: "工作日", "法定工作时间"); clock
  times with a weekday range (周一至周五) or with 工作日 pass (the 003
  appendix's own example is 【工作日:上午09:00-12:00,下午13:00-17:00】, and
  Guangxi writes "工作日：上午9:00-12:00、下午14：00-17:00"); clock times with
  no day at all ("9:00-17:00") need review.

Absent or placeholder values are E001/E003's.
"""
from __future__ import annotations

import functools

import regex

from ..catalog import vocab
from .common import nfkc, pattern, report, usable, words_pattern, words_regex
from .registry import rule


@functools.cache
def _door_number() -> regex.Pattern:
    v = vocab()
    road = words_pattern(v["road_words"])
    position = words_pattern(v["road_position_words"])
    number = rf"(?:[0-9]+(?:\s*-\s*[0-9]+)?|[{regex.escape(v['cn_digits'])}]+)"
    door = words_pattern(v["road_number_words"])
    not_after = words_pattern(v["not_door_number_after"])
    return regex.compile(rf"{road}\s*{position}{{0,2}}\s*{number}\s*{door}(?!\s*{not_after})")


@rule("L401")
def location_no_street(record, context):
    text = usable(record, "location")
    if text is not None and not _door_number().search(nfkc(text)):
        yield report("L401", "location", text)


@rule("L402")
def location_no_room(record, context):
    text = usable(record, "location")
    if text is not None and not pattern("room_pattern").search(nfkc(text)):
        yield report("L402", "location", text)


@rule("L403")
def hours_vague(record, context):
    text = usable(record, "hours")
    if text is None:
        return
    t = nfkc(text)
    if not pattern("clock_pattern").search(t):
        yield report("L403", "hours", text)
    elif not pattern("weekday_pattern").search(t) and not words_regex("workday_words").search(t):
        yield report("L403", "hours", text, outcome="needs_review")
