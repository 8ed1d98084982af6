"""Phone numbers as portals write them: find each number in a phone field and
say whether it is dialable.

    parse_phones(text) -> list[PhoneNumber]

`phonenumbers` (region CN) judges area codes, lengths, mobile prefixes and
400/800 numbers, and its short-number data knows 12345, 12333, 12315, 95588 …
What it cannot do is done here (stack-notes.md):

- several numbers in one field, split by / 、 ； ; ， 或 or by spaces
  ("0591-87654321 0591-87654322"; "0591 87654321" is one number: an area code
  is joined to what follows, and so are the pieces of a mobile written 3-4-4;
  an area code spaced from a 7-8 digit number is a separator, judged as
  certainly as "0591-87654321": "0626 88002158" has an unknown area code);
- notes in brackets are dropped ("(可接收短信)", "（工作日9:00-17:00）"),
  "（0591）" is an area code, "+86" is dropped, a number inside a URL is kept;
- extensions: 转 8001, 分机 8001, and "-8001" after a complete number;
- dashes — － – ‐ and full-width digits;
- a 7–8 digit landline with no area code is reported as `no_area_code` (P202),
  unless an earlier number of the same field gave the area code and this one
  has the same local length ("0591-87654321、87654322": shorthand, accepted);
- local parts starting with 0 or 1 are invalid (phonenumbers accepts them);
- an area code followed by a short number ("0591-12345") is that short number.

Digits followed by a unit (12号窗口, 3楼, 2019年) or preceded by 邮编/QQ are
not phone numbers and are skipped. Results are cached by text: portals repeat
the same phone field across a department's guides.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import phonenumbers
import regex
from phonenumbers import shortnumberinfo

from ..catalog import vocab
from .common import nfkc, words_pattern

REGION = "CN"

# Reasons (keys of vocab `phone_problem_text`).
NO_AREA_CODE = "no_area_code"
WRONG_LENGTH = "wrong_length"
UNKNOWN_AREA_CODE = "unknown_area_code"
LOCAL_PREFIX = "local_prefix"
MOBILE_PREFIX = "mobile_prefix"
MOBILE_LENGTH = "mobile_length"
SHORT_UNKNOWN = "short_unknown"
NO_LEADING_ZERO = "no_leading_zero"
MALFORMED = "malformed"


@dataclass(frozen=True)
class PhoneNumber:
    """One number found in a phone field.

    `raw` is the number as found (normalised: ASCII digits, '-' dashes);
    `digits` the dialable digits with the area code (0591 87654321 ->
    "059187654321"); `extension` the extension digits or "";
    `kind`: mobile | landline | short | toll_free | unknown;
    `problem`: None (valid), "no_area_code" (P202) or "invalid" (P203), with
    `reason` (a key of vocab `phone_problem_text`); `certain` is False when
    the reading is a guess (an unknown short number, pieces joined across
    spaces), so a finding about it needs review rather than failing."""

    raw: str
    digits: str
    extension: str = ""
    kind: str = "unknown"
    area_code: str = ""
    problem: str | None = None
    reason: str = ""
    certain: bool = True
    inherited_area_code: bool = False

    @property
    def valid(self) -> bool:
        return self.problem is None

    @property
    def key(self) -> str:
        """What identifies the line: digits and extension (for P204)."""
        return f"{self.digits}#{self.extension}" if self.extension else self.digits

    @property
    def display(self) -> str:
        ext_word = vocab()["phone_extension_words"][0]
        return self.raw.replace("#", ext_word)


# ---------------------------------------------------------------- patterns ---

def _compile():
    v = vocab()
    ext_words = words_pattern(v["phone_extension_words"])
    not_before = words_pattern(v["phone_not_before"])
    not_after = words_pattern(v["phone_not_after"])
    return {
        "url": regex.compile(r"(?i)(?:https?://|www\.)[^\s\u3000-\u303f\uff01-\uff0f\u4e00-\u9fff]+"),
        "url_number": regex.compile(r"[=/:](\+?\d[\d\-]{6,})(?=$|[&#/?;])"),
        "tel": regex.compile(r"(?i)\btel:\s*/*"),
        "email": regex.compile(r"[\w.\-]+@[\w.\-]+"),
        "clock": regex.compile(r"\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?"),
        "plus86": regex.compile(r"(?:\+\s*86|\(\s*\+?\s*86\s*\))\s*-?\s*(?=(\d))"),
        "area_bracket": regex.compile(r"[(\[]\s*(0\d{2,3})\s*[)\]]\s*-?\s*"),
        "ext": regex.compile(r"\s*" + ext_words + r"\s*[:.]?\s*(\d{1,6})(?![\d\-])"),
        "bracket": regex.compile(r"[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]"),
        "not_before": regex.compile(not_before + r"\s*[:]?\s*[\d\-]+"),
        "run": regex.compile(r"(?<![\d#])\d(?:[\d\- ]*\d)?(?:#\d{1,6})?"),
        "not_after": regex.compile(r"\s*" + not_after),
    }


_P = _compile()
_DIGIT = regex.compile(r"\d")


def _normalise(text: str) -> str:
    t = nfkc(text)
    t = _P["tel"].sub(" ", t)

    def url(m):  # keep numbers a URL carries as a parameter or path part
        return " " + " ".join(_P["url_number"].findall(m.group(0))) + " "

    t = _P["url"].sub(url, t)
    t = _P["email"].sub(" ", t)
    t = _P["clock"].sub(" ", t)
    # +86 591 …: the national form needs the trunk 0 back (not before a mobile or a written 0).
    t = _P["plus86"].sub(lambda m: "" if m.group(1) in "01" else "0", t)
    t = _P["area_bracket"].sub(r"\1-", t)
    t = _P["ext"].sub(r"#\1", t)

    def bracket(m):  # a note: dropped unless it holds digits (another number)
        inner = m.group(1).strip()
        if inner.startswith("#"):  # an extension written in brackets: keep it on its number
            return inner
        return f" {inner} " if _DIGIT.search(inner) else " "

    t = _P["bracket"].sub(bracket, t)
    t = _P["not_before"].sub(" ", t)
    return t


# ----------------------------------------------------------- number shapes ---

def _complete(digits: str) -> bool:
    """A digit string that is a whole number by its shape alone."""
    n = len(digits)
    if digits.startswith("0"):
        return 10 <= n <= 12
    if digits.startswith("1"):
        return n == 11
    if digits.startswith(("400", "800")):
        return n == 10
    return 7 <= n <= 8


def _spaced_area_code(first: str, rest: list[str]) -> bool:
    """An area code, then a space, then the local number ("0626 88002158",
    "0591 8765 4321"): a separator written as a space, not a guess. The first
    chunk is 0 and 2-3 digits (nothing else starts with 0), the rest 5-8 digits
    (a local number, or one too short: wrong either way)."""
    local = "".join(c.replace("-", "") for c in rest)
    return first.isdigit() and first.startswith("0") and 3 <= len(first) <= 4 and 5 <= len(local) <= 8


def _merge_chunks(chunks: list[str]) -> list[tuple[str, bool]]:
    """Join space-separated chunks that belong to one number.
    Returns (piece, joined) pairs; `joined` marks a guess across spaces (an
    area code written before the number with a space is no guess)."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(chunks):
        cur = chunks[i]
        start = i
        joined = False
        while i + 1 < len(chunks):
            d = cur.replace("-", "").split("#")[0]
            nxt = chunks[i + 1].replace("-", "").split("#")[0]
            merged = len(d) + len(nxt)
            if "#" in cur:
                break
            if d.startswith("0") and len(d) < 10 and merged <= 12:
                pass  # an area code, or area code and part of the number: joins what follows
            elif d.startswith("1") and len(d) < 11 and merged <= 11 and not _short_valid(d):
                pass  # a mobile written 3-4-4
            elif d.startswith(("400", "800")) and len(d) < 10 and merged <= 10:
                pass
            elif len(d) < 5 and not _complete(d) and merged <= 12 and not _short_valid(d):
                pass
            else:
                break
            cur = cur + "-" + chunks[i + 1]
            joined = True
            i += 1
        if joined and _spaced_area_code(chunks[start], chunks[start + 1:i + 1]):
            joined = False
        out.append((cur, joined))
        i += 1
    return out


@functools.lru_cache(maxsize=8192)
def _short_valid(digits: str) -> bool:
    if not 3 <= len(digits) <= 6:
        return False
    try:
        num = phonenumbers.parse(digits, REGION)
    except phonenumbers.NumberParseException:
        return False
    return shortnumberinfo.is_valid_short_number_for_region(num, REGION)


@functools.lru_cache(maxsize=512)
def _area_known(area: str) -> bool:
    """An area code (without the 0) that phonenumbers knows."""
    for local in ("2345678", "23456789"):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse("0" + area + local, REGION)):
                return True
        except phonenumbers.NumberParseException:
            pass
    return False


@functools.lru_cache(maxsize=8192)
def _classify(digits: str) -> tuple[str, str, str | None, str, bool]:
    """(kind, area_code, problem, reason, certain) for a digit string."""
    n = len(digits)
    if digits.startswith("0"):
        if digits.startswith("00"):
            return "unknown", "", "invalid", MALFORMED, False
        try:
            num = phonenumbers.parse(digits, REGION)
        except phonenumbers.NumberParseException:
            return "unknown", "", "invalid", MALFORMED, True
        nsn = str(num.national_number)
        if phonenumbers.is_valid_number(num):
            kind = "mobile" if phonenumbers.number_type(num) == phonenumbers.PhoneNumberType.MOBILE else "landline"
            ac_len = phonenumbers.length_of_geographical_area_code(num)
            if kind == "landline" and ac_len:
                local = nsn[ac_len:]
                if local[:1] in ("0", "1"):
                    return kind, "0" + nsn[:ac_len], "invalid", LOCAL_PREFIX, True
                return kind, "0" + nsn[:ac_len], None, "", True
            return kind, "", None, "", True
        # Chinese area codes: 010 and 02x have two digits after the 0, all others three.
        ac_len = 2 if nsn[:1] in ("1", "2") else 3
        area, rest = nsn[:ac_len], nsn[ac_len:]
        if _area_known(area):
            if _short_valid(rest):  # 0591-12345: an area code before a service number
                return "short", "0" + area, None, "", True
            return "landline", "0" + area, "invalid", WRONG_LENGTH, True
        return "landline", "", "invalid", UNKNOWN_AREA_CODE, True
    if digits.startswith("1"):
        if n == 11:
            try:
                num = phonenumbers.parse(digits, REGION)
                if phonenumbers.is_valid_number(num):
                    return "mobile", "", None, "", True
            except phonenumbers.NumberParseException:
                pass
            return "mobile", "", "invalid", MOBILE_PREFIX, True
        if _short_valid(digits):
            return "short", "", None, "", True
        if n <= 6:
            return "short", "", "invalid", SHORT_UNKNOWN, False
        return "mobile", "", "invalid", MOBILE_LENGTH, True
    if digits.startswith(("400", "800")) and n == 10:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(digits, REGION)):
                return "toll_free", "", None, "", True
        except phonenumbers.NumberParseException:
            pass
        return "toll_free", "", "invalid", MALFORMED, True
    if n <= 6:
        if _short_valid(digits):
            return "short", "", None, "", True
        return "short", "", "invalid", SHORT_UNKNOWN, False
    if 7 <= n <= 8:
        if digits.startswith(("95", "96")):  # national service numbers of 7-8 digits (95105588)
            return "short", "", "invalid", SHORT_UNKNOWN, False
        return "landline", "", NO_AREA_CODE, NO_AREA_CODE, True
    if 9 <= n <= 11:
        kind, area, problem, _reason, _certain = _classify("0" + digits)
        if problem is None:
            return kind, area, "invalid", NO_LEADING_ZERO, True
    return "unknown", "", "invalid", MALFORMED, True


# ------------------------------------------------------------------- parse ---

def _numbers_in(text: str) -> list[PhoneNumber]:
    t = _normalise(text)
    found: list[PhoneNumber] = []
    for m in _P["run"].finditer(t):
        if _P["not_after"].match(t, m.end()):
            continue
        run = m.group(0)
        chunks = [c for c in run.split(" ") if c.strip("-")]
        for piece, joined in _merge_chunks(chunks):
            piece = piece.strip("-")
            body, _, ext = piece.partition("#")
            groups = [g for g in body.split("-") if g]
            if not groups:
                continue
            if len(groups) >= 2 and len(groups[-1]) <= 5 and not ext:
                head = "".join(groups[:-1])
                if _complete(head):
                    ext = groups[-1]
                    groups = groups[:-1]
            digits = "".join(groups)
            if len(digits) < 3:
                continue
            kind, area, problem, reason, certain = _classify(digits)
            if joined and problem is not None:
                certain = False
            raw = "-".join(groups) + (f"#{ext}" if ext else "")
            found.append(PhoneNumber(raw=raw, digits=digits, extension=ext, kind=kind, area_code=area,
                                     problem=problem, reason=reason, certain=certain))
    return _inherit_area_codes(found)


def _inherit_area_codes(numbers: list[PhoneNumber]) -> list[PhoneNumber]:
    """"0591-87654321、87654322": the second number shares the first one's area code."""
    out: list[PhoneNumber] = []
    last_area, last_local_len = "", 0
    for num in numbers:
        if num.kind == "landline" and num.valid and num.area_code:
            last_area, last_local_len = num.area_code, len(num.digits) - len(num.area_code)
        elif num.problem == NO_AREA_CODE and last_area and len(num.digits) == last_local_len:
            num = PhoneNumber(raw=num.raw, digits=last_area + num.digits, extension=num.extension,
                              kind="landline", area_code=last_area, inherited_area_code=True)
        out.append(num)
    return out


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> tuple[PhoneNumber, ...]:
    return tuple(_numbers_in(text))


def parse_phones(text: str | None) -> list[PhoneNumber]:
    """Every phone number in a phone field's text, in order (see module doc).
    An empty list means the text holds no recognisable number (P201)."""
    if not text:
        return []
    return list(_parse_cached(text))


def problem_text(reason: str) -> str:
    """The Chinese wording of a reason, for messages."""
    return vocab()["phone_problem_text"].get(reason, reason)
