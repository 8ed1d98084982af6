"""Label matching by meaning: map the label text a portal printed to a canonical
element key (or a materials / process / FAQ column to its field).

All wording comes from element_rules/labels.yaml and vocab.yaml; this module only
normalises text and looks it up. Lookups are memoised: the same labels recur on
every page of a portal.
"""
from __future__ import annotations

import functools
import re

from .. import catalog

# Longest label (after normalisation) we accept; longer text is a sentence.
MAX_LABEL_LEN = 16
# A variant "<prefix><synonym>" or "<synonym><connector><suffix>" may add this much.
MAX_VARIANT_EXTRA = 4
# Synonyms shorter than this only match exactly (名称, 依据, 流程 …).
MIN_VARIANT_SYNONYM = 3

_SPACE_RE = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff]+")
_BRACKET_RE = re.compile(r"[（(【\[〔［][^（()）【】\[\]〔〕［］]*[）)】\]〕］]")
_NUM = "一二三四五六七八九十百零〇两"
_LEAD_RE = re.compile(
    r"^(?:[*＊※●◆◇■□▪▫•·○◎★☆►▶>＞»\-—–_]+"
    rf"|第[{_NUM}\d]+(?:部分|章|节|条|项|步|点)"
    rf"|[{_NUM}]{{1,3}}[、.．,，]"
    r"|\d{1,3}(?:[、.．,，)）](?!\d))"
    r"|[①-⑳⑴-⒇❶-❿➀-➉]"
    r"|[a-zA-Z][、.．)）](?![a-zA-Z])"
    r")+"
)
_TRAIL_RE = re.compile(r"[：:*＊※\s。．.、,，;；\-—]+$")
_SENTENCE_RE = re.compile(r"[，。；！？,;!?]")
_CONNECTORS = "/／、与及和或暨"


_NORM_CACHE: dict[str, str] = {}
_NORM_CACHE_MAX = 50000
_NORM_CACHE_LEN = 24  # only short text is cached: labels recur, values do not


def normalize_label(text: str | None) -> str:
    """Strip what portals add around a label: spaces (also letter-spacing),
    asterisks, numbering (一、 1. （一） (1) 第一部分), bracketed notes or units
    ("(工作日)", "（办事机构）") and trailing colons."""
    if not text:
        return ""
    if len(text) > _NORM_CACHE_LEN:
        return _normalize(text)
    out = _NORM_CACHE.get(text)
    if out is None:
        out = _normalize(text)
        if len(_NORM_CACHE) < _NORM_CACHE_MAX:
            _NORM_CACHE[text] = out
    return out


def _normalize(text: str) -> str:
    s = _SPACE_RE.sub("", text)
    if not s:
        return ""
    if "(" in s or "（" in s or "【" in s or "[" in s or "〔" in s or "［" in s:
        prev = None
        while prev != s:  # nested brackets
            prev = s
            s = _BRACKET_RE.sub("", s)
    s = _LEAD_RE.sub("", s)
    s = _TRAIL_RE.sub("", s)
    s = _LEAD_RE.sub("", s)
    return s


class _Table:
    """Synonym -> key lookup with exact and close-variant matching."""

    def __init__(self, mapping: dict[str, list[str]], blockers: list[str]):
        self.exact: dict[str, str] = {}
        for key, words in mapping.items():
            for word in words or []:
                norm = normalize_label(str(word))
                if norm and norm not in self.exact:
                    self.exact[norm] = key
        self.variant = {w: k for w, k in self.exact.items() if len(w) >= MIN_VARIANT_SYNONYM}
        self.blockers = tuple(b for b in blockers if b)
        self.cache: dict[tuple[str, bool], str | None] = {}

    def match(self, text: str, loose: bool = True) -> str | None:
        ck = (text, loose)
        hit = self.cache.get(ck, 0)
        if hit != 0:
            return hit
        out = self._match(text, loose)
        if len(self.cache) < 50000:
            self.cache[ck] = out
        return out

    def _match(self, text: str, loose: bool) -> str | None:
        norm = normalize_label(text)
        if not norm or len(norm) > MAX_LABEL_LEN or _SENTENCE_RE.search(norm):
            return None
        key = self.exact.get(norm)
        if key is not None or not loose:
            return key
        best: tuple[int, str] | None = None
        n = len(norm)
        # "<prefix><synonym>": 本事项法定办结时限, 事项的设定依据, 共同实施部门
        for i in range(1, min(MAX_VARIANT_EXTRA, n - MIN_VARIANT_SYNONYM) + 1):
            k = self.variant.get(norm[i:])
            if k is not None:
                if not any(b in norm[:i] for b in self.blockers):
                    best = (n - i, k)
                break  # the longest suffix synonym wins
        # "<synonym><connector><suffix>": 办理地点/时间, 办理地点与时间
        for j in range(n - 1, MIN_VARIANT_SYNONYM - 1, -1):
            if norm[j] in _CONNECTORS and n - j - 1 <= MAX_VARIANT_EXTRA:
                k = self.variant.get(norm[:j])
                if k is not None and (best is None or j > best[0]):
                    best = (j, k)
                    break
        return best[1] if best else None


@functools.cache
def _elements() -> _Table:
    data = catalog.labels()["elements"]
    blockers = catalog.vocab().get("label_variant_blockers", [])
    return _Table({k: meta.get("labels", []) for k, meta in data.items()}, blockers)


@functools.cache
def _hint_re() -> re.Pattern:
    words = set()
    for meta in catalog.labels()["elements"].values():
        for w in meta.get("labels", []) or []:
            w = str(w)
            words.add(_SPACE_RE.sub("", w))
            words.add(normalize_label(w))
    words.discard("")
    return re.compile(_trie_pattern(sorted(words)))


def _trie_pattern(words: list[str]) -> str:
    """One regex for a word list, factored by common prefixes (much faster
    for Python's re than a flat alternation of hundreds of words)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return emit(trie)


def label_words_re() -> re.Pattern:
    """One pattern for every label synonym (white space removed): findall
    counts the labels a text holds."""
    return _hint_re()


def label_hint(text: str, span: int = 48) -> bool:
    """Cheap test: could a label start this text? (Some synonym occurs in its
    first `span` characters, white space ignored.)"""
    head = text[:span]
    if " " in head or "\u3000" in head or "\xa0" in head or "\n" in head or "\t" in head:
        head = "".join(head.split())
    return _hint_re().search(head) is not None


@functools.cache
def _materials() -> _Table:
    return _Table(catalog.labels()["material_fields"], [])


@functools.cache
def _process() -> _Table:
    return _Table(catalog.labels()["process_fields"], [])


@functools.cache
def _faq() -> _Table:
    return _Table(catalog.vocab().get("faq_headers", {}), [])


def match_label(text: str | None, loose: bool = True) -> str | None:
    """Element key for label-like text, or None. `loose` also accepts close
    variants ("本事项法定办结时限", "办理地点/时间"); exact synonyms (after
    normalisation) always match. Longest synonym wins."""
    if not text:
        return None
    return _elements().match(text, loose)


def match_material_header(text: str | None) -> str | None:
    """Material field (name, source, copies, …) for a materials-table column header."""
    if not text:
        return None
    return _materials().match(text, True)


def match_process_header(text: str | None) -> str | None:
    """Process-step field (name, duration, detail) for a process-table column header."""
    if not text:
        return None
    return _process().match(text, True)


def match_faq_header(text: str | None) -> str | None:
    """"question" or "answer" for a FAQ-table column header."""
    if not text:
        return None
    return _faq().match(text, True)


def is_label_like(text: str) -> bool:
    """Short text that could be a label (used to tell a label cell from a value)."""
    norm = normalize_label(text)
    return 0 < len(norm) <= MAX_LABEL_LEN and not _SENTENCE_RE.search(norm)
