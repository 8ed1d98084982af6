"""P · phone numbers in consult_phone and complaint_phone (parsing: phone_parse.py).

- P201: the field has text but no recognisable number ("请拨打本单位咨询电话").
- P202: a 7–8 digit landline with no area code ("87524298"); one finding per
  distinct number. A number after one with an area code in the same field and
  of the same local length inherits it ("0591-87654321、87654322" passes).
- P203: a malformed number (wrong length for its area code, unknown area
  code, local part starting with 0/1, impossible mobile prefix, unknown short
  number); `needs_review` when the reading is a guess (an unknown short
  number, pieces joined across spaces). 12345 and other short service numbers,
  400/800 numbers and "0591-12345" are valid.
- P204: consult and complaint share the same primary number (the first number
  of each field, extension included: 0591-87654321转8001 and
  0591-87654321转8002 are different lines). Element complaint_phone.

Absent, empty or placeholder fields ("无", "详见窗口公示") are E001/E002/E003's
and get no P finding. `evidence` is the field's text; `number` in the message
names the number at fault.
"""
from __future__ import annotations

from .common import report, usable
from .phone_parse import NO_AREA_CODE, parse_phones, problem_text
from .registry import rule

PHONE_ELEMENTS = ("consult_phone", "complaint_phone")


def _fields(record):
    for key in PHONE_ELEMENTS:
        text = usable(record, key)
        if text is not None:
            yield key, text


@rule("P201")
def phone_unparseable(record, context):
    for key, text in _fields(record):
        if not parse_phones(text):
            yield report("P201", key, text)


@rule("P202")
def phone_no_area_code(record, context):
    for key, text in _fields(record):
        seen = set()
        for number in parse_phones(text):
            if number.problem == NO_AREA_CODE and number.raw not in seen:
                seen.add(number.raw)
                yield report("P202", key, text, number=number.display)


@rule("P203")
def phone_invalid(record, context):
    for key, text in _fields(record):
        seen = set()
        for number in parse_phones(text):
            if number.problem == "invalid" and number.raw not in seen:
                seen.add(number.raw)
                yield report("P203", key, text, outcome="fail" if number.certain else "needs_review",
                             number=number.display, reason=problem_text(number.reason))


@rule("P204")
def phone_same_consult_complaint(record, context):
    consult = usable(record, "consult_phone")
    complaint = usable(record, "complaint_phone")
    if consult is None or complaint is None:
        return
    consult_numbers = parse_phones(consult)
    complaint_numbers = parse_phones(complaint)
    if not consult_numbers or not complaint_numbers:
        return
    if consult_numbers[0].key == complaint_numbers[0].key:
        yield report("P204", "complaint_phone", complaint, number=complaint_numbers[0].display,
                     consult=consult)
