"""I · intermediary services (中介服务, 003 appendix: "要有明确的法律依据；需提供
中介服务机构查询网站链接，或提供3家以上中介服务机构名称、办公地址、联系方式").

I101 (element `intermediary`, evidence its text): the guide names an
intermediary service the applicant needs, but
- gives no legal basis for it: no 《…》, no 第…条, no 依据/根据 … 法/条例/办法
  (vocab `intermediary_basis_pattern`); or
- gives neither a way to the intermediary-service query site (a link the
  extractor tied to the element, a URL in the text, or the site named: 中介服务
  超市 …, vocab `intermediary_query_words`) nor at least 3 agencies each with an
  address and a contact (counted as the phone numbers in the text: one per
  agency, and an address word 路/街/号 somewhere in it).
One finding listing what is missing; fail.

Not judged when the element is absent, empty, says none is needed (vocab
`intermediary_none`: 无, 不涉及, 无需 …), or names no service at all (no word
of `intermediary_service_words`: some portals put special steps such as 专家
评审 under a label 特殊环节 that maps here; those are R702's).
"""
from __future__ import annotations

import regex

from ..catalog import vocab
from .common import nfkc, pattern, report, strip_value, usable, words_regex
from .phone_parse import parse_phones
from .registry import rule

_URL = regex.compile(r"https?://|www\.", regex.I)
_ADDRESS = regex.compile(r"[路街道巷弄]\s*[0-9一二三四五六七八九十]+\s*号|地址")


def needs_intermediary(text: str) -> bool:
    """The element names an intermediary service the applicant needs."""
    v = vocab()
    value = strip_value(nfkc(text))
    if not value or value in v["intermediary_none"] or value.startswith(tuple(v["intermediary_none_prefixes"])):
        return False
    return bool(words_regex("intermediary_service_words").search(value))


def _query_site(record, text: str) -> bool:
    if any(link.element == "intermediary" for link in record.links):
        return True
    return bool(_URL.search(text) or words_regex("intermediary_query_words").search(text))


def _agencies_listed(text: str) -> bool:
    numbers = {n.key for n in parse_phones(text)}
    return len(numbers) >= int(vocab()["intermediary_agency_min"]) and bool(_ADDRESS.search(text))


@rule("I101")
def intermediary_incomplete(record, context):
    text = usable(record, "intermediary")
    if not text or not needs_intermediary(text):
        return
    t = nfkc(text)
    problems = vocab()["i101_problems"]
    missing = []
    if not pattern("intermediary_basis_pattern").search(t):
        missing.append(problems["basis"])
    if not _query_site(record, t) and not _agencies_listed(t):
        missing.append(problems["agencies"])
    if missing:
        yield report("I101", "intermediary", text, missing="；".join(missing))
