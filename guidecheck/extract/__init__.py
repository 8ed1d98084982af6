"""Extraction: bytes + URL -> GuideRecords. A pure function: no scrapy, no browser.

    extract(data, source, url="") -> list[GuideRecord]

Raises InputError (empty, binary, too large, unknown shape, no guide found) or
ScriptShellError (labels whose values arrive by script).
"""
from __future__ import annotations

from ..errors import InputError, NoGuideError
from ..model import GuideRecord

MAX_BYTES = 5 * 1024 * 1024  # a real guide page is well under 1 MB


def _looks_like_json(data: bytes) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"{", b"[")


def _truncated(text: str) -> bool:
    """A whole document (it opens <html>) that never closes it was cut off.
    Fragments without <html> are accepted as they are."""
    head = text[:2048]
    if "<html" not in head and "<html" not in head.lower():
        return False
    tail = text[-4096:]
    # lower() of a CJK tail is slow: only when the end tag is not in lower case
    return "</html>" not in tail and "</html>" not in tail.lower()


def extract(data: bytes, source: str, url: str = "", *, max_bytes: int = MAX_BYTES) -> list[GuideRecord]:
    """Turn one saved page or API response into guide records.

    The kind of input is decided by its content, not by its name: JSON goes to
    the platform-family adapters, everything else to the generic HTML extractor.
    """
    if not data or not data.strip():
        raise NoGuideError(source, "文件为空")
    if len(data) > max_bytes:
        raise InputError(source, f"文件过大（{len(data) / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB），不像一份办事指南")
    if _looks_like_json(data):
        from .json_pages import extract_json

        records = extract_json(data, source, url)
    else:
        from .decode import decode_html
        from .html import extract_html

        text = decode_html(data, source)
        if _truncated(text):
            raise InputError(source, "页面不完整（有<html>开头却没有</html>结尾，可能保存或下载中断）")
        records = extract_html(text, source, url)
    if not records:
        raise NoGuideError(source, "未识别到办事指南（页面中没有任何可识别的要素标签）")
    return records
