"""B · basis (设定依据; the fee basis is F603's).

B501 reads the basis document by document: each 《…》 and the text up to the
next 《. A document cites its article when that text holds 第…条/款/项
(Chinese or Arabic numerals: 第二十五条第一款, 第193项, 第一、二项), quoted
content (“…”), or a sentence of content (text ending in 。 beyond the
document's number in brackets). A 《…》 met inside another document's text
("…依照《行政诉讼法》向人民法院起诉") is a mention, not a document of the list:
a later document starts only after a separator, a label (【法律】) or
numbering (2、).

- no document cites an article: one finding, `fail`, evidence the basis text;
- some do and some do not: one finding per document without, `needs_review`
  (an article after a list of documents may cover them all), evidence the
  document's part of the text;
- a basis naming no document in 《》 is not judged.
"""
from __future__ import annotations

import regex

from ..catalog import vocab
from .common import clip, pattern, report, usable, words_pattern
from .registry import rule

_DOC = regex.compile(r"《[^《》]*》")
_BRACKETS = regex.compile(r"[（(〔\[][^（）()〔〕\[\]]*[）)〕\]]")
_CONTENT_MIN = 20
# A later 《…》 starts a new document of the list only after a separator, a
# label (【法律】) or numbering (2、); "依照《行政诉讼法》向法院起诉" inside an
# article's content is a mention, not another basis document.
_LIST_START = regex.compile(r"(?:[\s；;，,、。:：】\]）)]|[0-9一二三四五六七八九十]+\s*[、.．])\s*$")


def _cites(segment: str, name: str) -> bool:
    if pattern("article_pattern").search(segment) or pattern("quoted_content_pattern").search(segment):
        return True
    rest = _BRACKETS.sub("", segment.replace(name, "", 1)).strip()
    ends = regex.compile(words_pattern(vocab()["sentence_end"]))
    return len(rest) >= _CONTENT_MIN and bool(ends.search(rest))


@rule("B501")
def basis_without_article(record, context):
    text = usable(record, "basis")
    if text is None:
        return
    docs = [m for i, m in enumerate(_DOC.finditer(text)) if i == 0 or _LIST_START.search(text, 0, m.start())]
    if not docs:
        return
    missing = []
    for i, m in enumerate(docs):
        end = docs[i + 1].start() if i + 1 < len(docs) else len(text)
        segment = text[m.start():end]
        if not _cites(segment, m.group(0)):
            missing.append((m.group(0), segment.strip()))
    if not missing:
        return
    if len(missing) == len(docs):
        names = "、".join(dict.fromkeys(name for name, _ in missing))
        yield report("B501", "basis", text, documents=clip(names))
    else:
        for name, segment in missing:
            yield report("B501", "basis", segment, outcome="needs_review", documents=name)
