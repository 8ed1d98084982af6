"""parse_limit on time limits as portals write them (rules.md T examples, portal-notes.md)."""
import pytest

from guidecheck.checks.limits_parse import parse_limit


@pytest.mark.parametrize("text, count, unit", [
    ("20个工作日", 20, "工作日"),
    ("二十个工作日", 20, "工作日"),
    ("20个自然日", 20, "自然日"),
    ("4工作日", 4, "工作日"),
    ("1个工作日内", 1, "工作日"),
    ("两个工作日", 2, "工作日"),
    ("１０个工作日", 10, "工作日"),
    ("20 个工作日", 20, "工作日"),
    ("半个工作日", 0.5, "工作日"),
    ("5个工作日（委托评估、专家评审时间除外）", 5, "工作日"),
    ("30个日历日", 30, "自然日"),
    ("20（工作日）", 20, "工作日"),
])
def test_count_and_unit(text, count, unit):
    limit = parse_limit(text)
    assert (limit.count, limit.unit) == (count, unit)
    assert not limit.unit_unclear and not limit.none and not limit.prose


@pytest.mark.parametrize("text, count, word", [("20日", 20, "日"), ("15天", 15, "天"), ("十五日", 15, "日"),
                                               ("20", 20, "")])
def test_unit_unclear(text, count, word):
    limit = parse_limit(text)
    assert limit.count == count and limit.unit is None and limit.unit_word == word and limit.unit_unclear


@pytest.mark.parametrize("text", ["即办", "即时办结", "立即办结", "当场办结", "当场办理", "即办件"])
def test_immediate(text):
    limit = parse_limit(text)
    assert limit.immediate and limit.count is None and not limit.unit_unclear


@pytest.mark.parametrize("text", ["无", "无法定时限", "无法定办结时限", "0个工作日", "法定期限：0个工作日"])
def test_none(text):
    assert parse_limit(text).none


def test_other_clear_units():
    assert parse_limit("2小时").unit_word == "小时" and not parse_limit("2小时").unit_unclear
    assert parse_limit("3个月").comparable_unit == "月"


def test_no_count():
    limit = parse_limit("按规定时限办结")
    assert limit.count is None and not limit.immediate and not limit.none
    assert parse_limit("") == parse_limit(None)


def test_statute_in_prose():
    limit = parse_limit("除可以当场作出行政许可决定的外，行政机关应当自受理行政许可申请之日起二十日内做出行政许可决定。"
                        "二十日内不能做出决定的，经本行政机关负责人批准，可以延长十日")
    assert limit.prose and limit.count == 20 and limit.unit_unclear


def test_cn2an_only_on_the_number():
    # cn2an.transform would turn 统一 into 统1; only the numeral is converted here.
    limit = parse_limit("统一受理后十个工作日")
    assert limit.count == 10 and limit.unit == "工作日"
