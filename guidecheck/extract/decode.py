"""Turn the bytes of a saved page into text, whatever its charset.

Order: byte-order mark; then a strict UTF-8 decode (cheap, and a GBK page almost
never passes it by accident); then the charset the page declares, verified by a
strict decode; then GB18030 (superset of GB2312/GBK); then charset-normalizer.
A GB2312 or GBK declaration is read as GB18030. Binary and empty inputs raise
InputError.
"""
from __future__ import annotations

import codecs
import re

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-.:]+)""", re.IGNORECASE
)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.:]+)""", re.IGNORECASE)
_GB_ALIASES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312-80",
               "euc-cn", "hz-gb-2312", "csgb2312", "chinese", "gb_2312", "x-euc-cn"}
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "ascii", "us-ascii",
                "iso8859-1", "l1"}
_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"Rar!", b"\x1f\x8b",
          b"\xd0\xcf\x11\xe0", b"7z\xbc\xaf")
_CTRL = bytes(range(9)) + bytes(range(14, 32))
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")

REASON_EMPTY = "文件为空"
REASON_BINARY = "不是文本文件（含二进制数据）"
REASON_UNDECODABLE = "无法识别文件的字符编码"


def _norm_charset(name: str) -> str | None:
    name = name.strip().lower().replace("_", "-")
    if name in _GB_ALIASES or name.replace("-", "") in {"gb2312", "gbk", "gb18030"}:
        return "gb18030"
    if name in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    if name in ("big5", "big5-hkscs", "cp950"):
        return "big5hkscs"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset named by <meta charset>, http-equiv Content-Type or an XML
    declaration in the first 4 KB, normalised (GB2312/GBK -> gb18030)."""
    head = data[:4096]
    m = _XML_DECL_RE.match(head) or _META_RE.search(head)
    return _norm_charset(m.group(1).decode("ascii", "ignore")) if m else None


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith(_MAGIC):
        return True
    if b"\x00" in head:
        return True
    ctrl = len(head) - len(head.translate(None, _CTRL))
    return ctrl > max(8, len(head) // 50)


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


class DecodedText(str):
    """The decoded text of a page that also keeps the page's bytes when they
    are plain UTF-8 (no byte-order mark, no NUL): the HTML parser can then read
    those bytes directly, which is cheaper than reading the str. Behaves as a
    str everywhere else."""

    raw: bytes | None = None


def _utf8_text(text: str, data: bytes) -> str:
    # The byte checks are cheaper than _finish's scans of the text.
    clean = b"\x00" not in data
    if clean and b"\r" not in data and not text.startswith("\ufeff"):
        out = DecodedText(text)
    else:
        out = DecodedText(_finish(text))
    if clean:
        out.raw = data
    return out


def _finish(text: str) -> str:
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text


def decode_html(data: bytes, source: str) -> str:
    """Decode a saved page. Raises InputError(source, reason) for empty or
    binary input; never returns mojibake for GBK pages declared as UTF-8 or not
    declared at all."""
    if not data or not data.strip():
        raise InputError(source, REASON_EMPTY)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], enc)
            if text is None:
                text = data[len(bom):].decode(enc, "replace")
            if not text.strip():
                raise InputError(source, REASON_EMPTY)
            return _finish(text)
    if _looks_binary(data):
        raise InputError(source, REASON_BINARY)

    text = _strict(data, "utf-8")
    if text is not None:
        return _utf8_text(text, data)

    declared = declared_charset(data)
    if declared and declared != "utf-8":
        text = _strict(data, declared)
        if text is not None:
            if declared not in _SINGLE_BYTE and not declared.startswith(("iso8859", "cp125")):
                return _finish(text)
            # A Western single-byte declaration decodes anything: prefer GB18030
            # when the page reads as Chinese that way.
            gb = _strict(data, "gb18030")
            if gb is not None and len(_CJK_RE.findall(gb[:20000])) >= 10:
                return _finish(gb)
            return _finish(text)

    # UTF-8 with a few broken bytes (a truncated save, one stray byte).
    loose = data.decode("utf-8", "replace")
    bad = loose.count("\ufffd")
    if bad and bad * 100 <= len(_CJK_RE.findall(loose)):
        return _finish(loose)

    text = _strict(data, "gb18030")
    if text is not None:
        return _finish(text)

    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # noqa: BLE001 - a detector failure falls through to GB18030
        best = None
    if best is not None and best.encoding:
        return _finish(str(best))
    # Mostly GB18030 with a few broken bytes: keep the readable part.
    text = data.decode("gb18030", "replace")
    if text.count("\ufffd") > len(text) // 10:
        raise InputError(source, REASON_UNDECODABLE)
    return _finish(text)
