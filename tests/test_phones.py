"""parse_phones on numbers as portals write them (rules.md P examples, portal-notes.md)."""
import pytest

from guidecheck.checks.phone_parse import NO_AREA_CODE, parse_phones


def one(text):
    numbers = parse_phones(text)
    assert len(numbers) == 1, [n.raw for n in numbers]
    return numbers[0]


@pytest.mark.parametrize("text, digits", [
    ("0591-87654321", "059187654321"),
    ("（0591）87654321", "059187654321"),
    ("059187654321", "059187654321"),
    ("０５９１－８７６５４３２１", "059187654321"),
    ("0777—6428820", "07776428820"),          # Qinzhou, 7 digits, em dash
    ("0777－6428820", "07776428820"),
    ("0777–6428820", "07776428820"),
    ("02087684899", "02087684899"),
    ("0591 87654321", "059187654321"),
    ("+86 591 8765 4321", "059187654321"),
    ("tel:+86-591-87654321", "059187654321"),
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("400-800-1234", "4008001234"),
    ("12345", "12345"),
    ("12345热线", "12345"),
    ("95588", "95588"),
    ("0591-12345", "059112345"),
])
def test_valid(text, digits):
    number = one(text)
    assert number.valid, (number.reason, number.raw)
    assert number.digits == digits


@pytest.mark.parametrize("text, ext", [
    ("0591-87654321转8001", "8001"),
    ("0591-87654321 转 8001", "8001"),
    ("0591-87654321分机8001", "8001"),
    ("0591-87654321-8001", "8001"),
    ("0591—87654321–8001", "8001"),
    ("0591-87654321（转8001）", "8001"),
])
def test_extensions(text, ext):
    number = one(text)
    assert number.valid and number.digits == "059187654321" and number.extension == ext


def test_several_numbers_in_one_field():
    for text in ("0591-87654321/0591-87654322", "0591-87654321、0591-87654322", "0591-87654321；0591-87654322",
                 "0591-87654321;0591-87654322", "0591-87654321，0591-87654322", "0591-87654321或0591-87654322",
                 "0591-87654321 0591-87654322"):
        assert [n.digits for n in parse_phones(text)] == ["059187654321", "059187654322"], text
    assert [n.digits for n in parse_phones("12333或12345、95588")] == ["12333", "12345", "95588"]


def test_notes_urls_and_non_numbers_are_skipped():
    assert [n.digits for n in parse_phones("0591-87654321(可接收短信)")] == ["059187654321"]
    assert [n.digits for n in parse_phones("0591-87654321（工作日9:00-17:00）")] == ["059187654321"]
    assert [n.digits for n in parse_phones("现场咨询：市民服务中心3楼12号窗口，邮编350001；电话0591-87654321")] \
        == ["059187654321"]
    assert [n.digits for n in parse_phones("http://www.fj.gov.cn/contact?tel=059187654321")] == ["059187654321"]
    assert [n.digits for n in parse_phones("咨询邮箱 zwfw@fj.gov.cn，电话0591-87654321")] == ["059187654321"]


@pytest.mark.parametrize("text", ["请拨打本单位咨询电话", "", None, "窗口咨询", "市民服务中心12号窗口"])
def test_no_number(text):
    assert parse_phones(text) == []


@pytest.mark.parametrize("text", ["87654321", "87524298", "6428820"])
def test_no_area_code(text):
    number = one(text)
    assert number.problem == NO_AREA_CODE and number.certain


def test_shorthand_inherits_area_code():
    first, second = parse_phones("0591-87654321、87654322")
    assert second.valid and second.digits == "059187654322" and second.inherited_area_code


@pytest.mark.parametrize("text, reason", [
    ("0591-876543", "wrong_length"),        # too short for Fuzhou
    ("0300-1234567", "unknown_area_code"),  # no such area code
    ("12174171881", "mobile_prefix"),       # no such mobile prefix
    ("1380013800", "mobile_length"),
    ("0591-07654321", "local_prefix"),      # phonenumbers accepts a local part starting with 0
    ("010-12345678", "local_prefix"),
    ("0626 88002158", "unknown_area_code"),  # a space as the separator: no guess (issue 8)
    ("0591 876543", "wrong_length"),
])
def test_invalid(text, reason):
    number = one(text)
    assert number.problem == "invalid" and number.reason == reason and number.certain


def test_unknown_short_number_is_uncertain():
    numbers = parse_phones("0591-87654321 8001")
    assert numbers[0].valid
    assert numbers[1].problem == "invalid" and not numbers[1].certain


def test_same_line_key_ignores_writing():
    a, b = one("0777—6428820"), one("（0777）6428820")
    assert a.key == b.key
    assert one("0591-87654321转8001").key != one("0591-87654321转8002").key


def test_space_after_area_code_is_a_separator():
    """An area code spaced from its number reads as surely as one with a dash."""
    for text in ("0591 87654321", "0591 8765 4321", "（0591） 87654321"):
        number = one(text)
        assert number.valid and number.certain and number.digits == "059187654321", text
    assert one("0626 88002158").raw == one("0626-88002158").raw
