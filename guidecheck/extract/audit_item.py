"""The AUDIT_ITEM family of JSON payloads (Epoint and look-alikes), both spellings.

    extract_audit_item(obj, source, url="") -> list[GuideRecord]

The family is one entry (`platforms: audit_item`) of element_rules/json_keys.yaml:
its marker key, its table names and which field feeds each element. The
payload is found at any depth (bare, or under list / data / custom / result
wrappers, its tables possibly in one-element lists or in a CUSTOM object) and
read by the same code as every other JSON shape (json_guide, json_record).
Where each element comes from: docs/json-mappings.md and shared/spec/audit-item.md.
"""
from __future__ import annotations

from ..errors import InputError, NoGuideError
from ..model import GuideRecord
from . import json_keys as jk
from .json_guide import _platform_guides, find_platform_payloads, platform_of
from .json_record import build_record
from .text import collapse

PLATFORM = "audit_item"


def find_audit_payloads(obj) -> list[dict]:
    """Every AUDIT_ITEM payload in `obj`, at any depth."""
    return [p for p in find_platform_payloads(obj) if platform_of(p) == PLATFORM]


def not_found_reply(obj) -> str | None:
    """The API's "no such item" answer (msg 未找到匹配的信息, top level or one
    wrapper down), when `obj` holds no payload; else None."""
    if not isinstance(obj, dict) or find_audit_payloads(obj):
        return None
    platform = jk.platforms()[PLATFORM]
    text = platform.get("not_found", "未找到匹配的信息")
    wrappers = {jk.nk(w) for w in platform.get("wrappers", [])} | {"status"}
    scopes = [obj] + [v for k, v in obj.items() if jk.nk(k) in wrappers and isinstance(v, dict)]
    for scope in scopes:
        for v in scope.values():
            if isinstance(v, str) and text in v:
                return collapse(v)
    return None


def extract_audit_item(obj, source: str, url: str = "") -> list[GuideRecord]:
    """One GuideRecord per AUDIT_ITEM item found in `obj`.

    Raises InputError for the API's "未找到匹配的信息" reply or when `obj` holds
    no AUDIT_ITEM payload at all."""
    payloads = find_audit_payloads(obj)
    if not payloads:
        if not_found_reply(obj):
            raise NoGuideError(source, "接口答复“未找到匹配的信息”：没有办事指南")
        raise InputError(source, "不是AUDIT_ITEM系列的JSON（没有AUDIT_ITEM对象）")
    return [build_record(g, source, url) for p in payloads for g in _platform_guides(p, PLATFORM)]
