"""Shared text helpers for the extractors: white-space collapsing and entity repair."""
from __future__ import annotations

import html as _html
import re

# NBSP, full-width space, narrow/other unicode spaces -> plain space
_SPACE_CHARS = "\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\t\r\n\f\v"
# zero-width chars and BOM -> removed
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_TRANS = {ord(c): " " for c in _SPACE_CHARS}
_TRANS.update({ord(c): None for c in _ZERO_WIDTH})
# C0/C1 control characters other than the white space handled above
for _c in list(range(0x20)) + [0x7F] + list(range(0x80, 0xA0)):
    _TRANS.setdefault(_c, None)
# private-use characters: icon-font glyphs (&#xe63f;), never text a reader reads
for _c in range(0xE000, 0xF900):
    _TRANS[_c] = None

_WS_RE = re.compile(r" {2,}")
_ENTITY_RE = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_all(s: str) -> str:
    """html.unescape repeatedly until stable (handles &amp;amp;nbsp; and the like)."""
    for _ in range(5):
        if "&" not in s or not _ENTITY_RE.search(s):
            break
        t = _html.unescape(s)
        if t == s:
            break
        s = t
    return s


def collapse(s: str | None) -> str:
    """Normalise one value: entities unescaped, odd spaces/controls removed, runs of
    white space collapsed to a single space, ends stripped. None -> ""."""
    if not s:
        return ""
    if "&" in s:
        s = unescape_all(s)
    if not s.isprintable():  # every character _TRANS maps is a control, format or space separator
        s = s.translate(_TRANS)
    if "  " in s:
        s = _WS_RE.sub(" ", s)
    return s.strip()


def squeeze(s: str) -> str:
    """Remove all white space (used for label comparison)."""
    return "".join(s.translate(_TRANS).split())
