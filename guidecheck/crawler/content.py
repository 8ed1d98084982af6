"""What a link's answer holds, judged from its bytes: the page's title and text
(for soft-404 and firewall pages) and whether a downloaded document opens.

Pure functions of bytes, headers and URL; the network side is crawler/links.py.
"""
from __future__ import annotations

import difflib
import functools
import html
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from ..catalog import vocab

# Reasons given in LinkResult.reason (short Chinese sentences, named fields).
REASONS = {
    "private": "指向内网或本机地址，公众无法访问",
    "bad_url": "链接地址格式错误，无法访问",
    "scheme": "非网页链接（{detail}），不检查",
    "gone": "页面不存在（HTTP {status}）",
    "http_4xx": "请求被拒绝（HTTP {status}）",
    "http_5xx": "服务器错误（HTTP {status}），{attempts}次请求均失败",
    "auth": "需要登录认证（HTTP {status}），无法自动判断",
    "redirect_bad": "重定向缺少目标地址（HTTP {status}）",
    "dns": "域名无法解析，{attempts}次请求均失败",
    "refused": "连接被拒绝，{attempts}次请求均失败",
    "reset": "连接被服务器中断，{attempts}次请求均失败",
    "tls": "证书或加密连接错误（{detail}）",
    "tls_chain": "证书链不完整（浏览器通常仍可访问），需人工复核",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多",
    "timeout": "请求超时（{detail}秒内未完成），{attempts}次均超时",
    "rate_limited": "请求过于频繁被限流（HTTP 429）",
    "waf": "疑似被网站防火墙或人机验证拦截（{detail}，HTTP {status}），需人工复核",
    "forbidden": "服务器拒绝了检查程序的请求（HTTP {status}），公众可能仍可访问，需人工复核",
    "maintenance": "网站维护中（HTTP 503），{attempts}次请求均未恢复，需人工复核",
    "unavailable": "服务暂时不可用（HTTP 503），{attempts}次请求均未恢复，需人工复核",
    "confirmed": "；间隔{detail}秒后再次检查仍失败",
    "flapping": "多次请求结果不一致（{detail}）",
    "incomplete": "响应传输不完整，{attempts}次请求均未完整接收",
    "error": "请求失败（{detail}）",
    "recovered": "首次请求失败（{detail}），重试后恢复",
    "soft_words": "页面显示错误提示“{detail}”",
    "soft_probe": "页面与该站点不存在页面的返回内容相同",
    "soft_redirect": "跳转到与不存在页面相同的地址",
    "soft_empty": "页面内容为空",
    "not_a_file": "下载链接返回的是网页，不是文件",
    "empty_file": "文件为空（0字节）",
    "pdf_bad": "PDF 文件不完整或已损坏",
    "zip_bad": "文件已损坏，无法解压（{detail}）",
    "zip_part": "文件缺少必要部件 {detail}，无法打开",
    "ole_bad": "Office 文件不完整或已损坏",
    "unknown_format": "文件内容与类型（{detail}）不符，无法打开",
    "truncated": "文件下载不完整",
    "big": "内容超过读取上限（{detail}字节），只检查了开头部分",
}


# How a failed try is named inside a reason ("多次请求结果不一致（HTTP 502、超时）").
FAILURE_WORDS = {"timeout": "超时", "dns": "域名解析失败", "refused": "连接被拒绝", "reset": "连接中断",
                 "tls": "证书错误", "tls_chain": "证书链不完整", "incomplete": "传输不完整", "error": "请求失败"}


def failure_word(status: int | None, kind: str) -> str:
    return f"HTTP {status}" if status else FAILURE_WORDS.get(kind, kind)


def reason(key: str, **fields) -> str:
    return REASONS[key].format(**fields)


# ------------------------------------------------------------------ pages

@dataclass
class Page:
    title: str
    h1: str
    text: str  # visible text, white space collapsed


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.S | re.I)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1", re.S | re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_DROP = re.compile(rb"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(rb"<[^>]*>")
_SPACE = re.compile(r"\s+")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.S | re.I)


def mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def looks_like_html(body: bytes, content_type: str) -> bool:
    kind = mime(content_type)
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    return kind in ("", "text/plain", "application/octet-stream", "application/force-download") \
        and bool(_HTML_START.match(body[:2048]))


def _charset(body: bytes, content_type: str) -> str | None:
    msg = Message()
    msg["content-type"] = content_type or "text/html"
    declared = msg.get_param("charset")
    if declared:
        return str(declared)
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii", "ignore") if found else None


def _decode(raw: bytes, charset: str | None) -> str:
    for enc in filter(None, (charset, "utf-8")):
        try:
            return raw.decode("gb18030" if enc.lower() in ("gbk", "gb2312") else enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("gb18030", "replace")


def _clean(raw: bytes, charset: str | None) -> str:
    return _SPACE.sub(" ", html.unescape(_decode(_TAG.sub(b" ", raw), charset))).strip()


def parse_page(body: bytes, content_type: str) -> Page:
    charset = _charset(body, content_type)
    title = _TITLE.search(body)
    h1 = _H1.search(body)
    return Page(title=_clean(title.group(1), charset) if title else "",
                h1=_clean(h1.group(1), charset) if h1 else "",
                text=_clean(_DROP.sub(b" ", body), charset))


@functools.cache
def _words_re(key: str) -> re.Pattern:
    parts = []
    for word in sorted(map(str, vocab()[key]), key=len, reverse=True):
        esc = re.escape(word)
        parts.append(rf"(?<!\d){esc}(?!\d)" if word.isdigit() else esc)
    return re.compile("|".join(parts), re.I)


SHORT_PAGE = 600  # characters of visible text under which the whole text is searched for words


def error_words(page: Page) -> str | None:
    """The error wording (vocab error_page_words) in the title, the h1, or a short page."""
    pattern = _words_re("error_page_words")
    for text in (page.title, page.h1, page.text if len(page.text) <= SHORT_PAGE else ""):
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


def waf_words(page: Page, *, whole: bool) -> str | None:
    """Firewall or challenge wording (vocab waf_page_words): in the title and h1
    only for a 200 answer (`whole=False`: a login page with a 验证码 field is no
    firewall), also in a short page's text for a 403/503."""
    pattern = _words_re("waf_page_words")
    for text in (page.title, page.h1, page.text if whole and len(page.text) <= SHORT_PAGE * 3 else ""):
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


MIN_TEXT = 30  # a page with less visible text (a script shell) is not compared


def same_page(page: Page, probe: Page) -> bool:
    """True when `page` is the site's answer for a page that does not exist:
    near-identical text (ratio > 0.9), or the same title with largely the same text
    (ratio > 0.6: portals put one title on every page, so a title alone is no proof)."""
    if len(page.text) < MIN_TEXT or len(probe.text) < MIN_TEXT:
        return False
    matcher = difflib.SequenceMatcher(None, page.text[:2000], probe.text[:2000], autojunk=False)
    threshold = 0.6 if page.title and page.title == probe.title else 0.9
    if matcher.real_quick_ratio() <= threshold or matcher.quick_ratio() <= threshold:
        return False
    return matcher.ratio() > threshold


# ------------------------------------------------------------------ documents

DOC_EXTS = {"doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "pdf", "ofd", "zip", "rar", "7z"}
_REQUIRED_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml",
                  "ofd": "OFD.xml"}
_MIME_EXT = {"application/pdf": "pdf", "application/msword": "doc", "application/vnd.ms-excel": "xls",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
             "application/zip": "zip", "application/x-zip-compressed": "zip", "application/ofd": "ofd",
             "application/x-rar-compressed": "rar", "application/vnd.rar": "rar", "application/kswps": "wps",
             "application/wps-office.doc": "wps", "application/wps-office.docx": "docx"}
_MAGIC = ((b"%PDF-", "pdf"), (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"), (b"Rar!\x1a\x07", "rar"), (b"7z\xbc\xaf\x27\x1c", "7z"))


def sniff(body: bytes) -> str | None:
    """The container a body's magic bytes announce: pdf, zip, ole, rar, 7z, or None."""
    for magic, kind in _MAGIC:
        if body.startswith(magic):
            return kind
    return None


def url_ext(url: str) -> str:
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix
    return suffix[1:].lower() if suffix else ""


def declared_ext(url: str, final_url: str, headers) -> str:
    """The document type a link announces: Content-Disposition filename, then the
    URL's extension, then the final URL's, then the content type."""
    disposition = headers.get("Content-Disposition", "") if headers else ""
    if disposition:
        msg = Message()
        msg["content-disposition"] = disposition
        name = msg.get_filename() or ""
        if "." in name:
            return name.rsplit(".", 1)[1].lower().strip('"')
    for candidate in (url_ext(url), url_ext(final_url)):
        if candidate in DOC_EXTS:
            return candidate
    return _MIME_EXT.get(mime(headers.get("Content-Type", "") if headers else ""), "")


def is_document_type(content_type: str) -> bool:
    return mime(content_type) in _MIME_EXT


def check_document(body: bytes, ext: str) -> tuple[bool, str]:
    """(readable, reason key + detail) for a downloaded document: empty, truncated or
    corrupt files are unreadable. Validates the container the magic bytes announce:
    PDF header and %%EOF trailer, zip CRCs (testzip) plus the part a docx/xlsx/pptx/ofd
    cannot open without, the OLE header of doc/xls/wps (sector size, whole sectors)."""
    if not body:
        return False, "empty_file"
    kind = sniff(body)
    if kind == "pdf":
        return (b"%%EOF" in body[-2048:]), "pdf_bad"
    if kind == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                broken = archive.testzip()
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            return False, f"zip_bad:{type(exc).__name__}"
        if broken is not None:
            return False, f"zip_bad:{broken}"
        part = _REQUIRED_PART.get(ext)
        if part and part not in names:
            return False, f"zip_part:{part}"
        return True, ""
    if kind == "ole":
        shift = int.from_bytes(body[30:32], "little")
        if len(body) < 1536 or shift not in (9, 12) or len(body) % 512:
            return False, "ole_bad"
        return True, ""
    if kind in ("rar", "7z"):
        return len(body) > 32, "truncated"
    if ext in DOC_EXTS:
        return False, f"unknown_format:{ext}"
    return True, ""
