"""The JSON entry point: decode, parse, and dispatch by shape (never by file name).

    extract_json(data, source, url="") -> list[GuideRecord]

Shapes understood:
- the AUDIT_ITEM family, either spelling, bare or under list/data/custom/result
  wrappers (audit_item.py);
- a "JSON list + HTML body" page: a list of objects, each with a long string
  field holding the guide as HTML markup (e.g. a Spring page
  `{"content": [{id, name, content: "<p>…</p>"}, …]}`); each body goes to the
  generic HTML extractor and becomes one record (family "json_html");
- any other payload whose keys name enough elements, read by meaning with the
  key synonyms of element_rules/json_keys.yaml (json_guide.py, json_record.py;
  family "json"): another platform's self-describing keys, camelCase, pinyin
  initials, Chinese keys.
A catalog without guides, too few recognised keys or anything else raises
InputError with a Chinese reason. See docs/json-mappings.md.
"""
from __future__ import annotations

import json
import re

from ..errors import InputError, NoGuideError
from ..model import GuideRecord, Material
from .audit_item import extract_audit_item, find_audit_payloads, not_found_reply
from .json_guide import find_guides, named_elements
from .json_keys import element_specs, nk, table_kind
from .json_record import build_record
from .text import collapse

# Object fields that carry the guide's title in list pages.
NAME_FIELDS = ("name", "title", "itemname", "item_name", "taskname", "task_name", "guidename",
               "guide_name", "servicename", "service_name", "catename", "cataname", "事项名称")
# A string "contains HTML" when it has one of these tags.
_HTML_TAG_RE = re.compile(r"<\s*(p|div|table|tr|td|th|span|br|strong|b|ul|ol|li|h[1-6]|dl|dt|dd|font|img|a)\b[^>]*>",
                          re.I)
MIN_BODY_CHARS = 40
MAX_DEPTH = 4

_JSON_MESSAGES = (
    ("Expecting value", "此处缺少值"),
    ("Expecting ',' delimiter", "缺少逗号"),
    ("Expecting ':' delimiter", "缺少冒号"),
    ("Expecting property name enclosed in double quotes", "属性名应以双引号括起"),
    ("Unterminated string starting at", "字符串没有结束引号"),
    ("Invalid control character at", "字符串中含有控制字符"),
    ("Invalid \\escape", "无效的转义符"),
    ("Extra data", "JSON 结束后还有多余内容"),
)


def decode_json_text(data: bytes, source: str) -> str:
    """UTF-8 (BOM allowed), else GB18030."""
    if not data or not data.strip():
        raise InputError(source, "文件为空")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(source, "无法解码：既不是UTF-8也不是GB18030编码的文本")


def parse_json(text: str, source: str):
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        m = re.search(r"<title[^>]*>(.*?)</title>", head, re.I | re.S)
        title = collapse(re.sub(r"<[^>]+>", "", m.group(1))) if m else ""
        raise InputError(source, "应为JSON，实际是HTML页面" + (f"（标题：{title}）" if title else ""))
    try:
        return json.loads(head)
    except json.JSONDecodeError as e:
        reason = next((zh for en, zh in _JSON_MESSAGES if e.msg.startswith(en)), e.msg)
        raise InputError(source, f"JSON 格式错误：{reason}（第{e.lineno}行第{e.colno}列）") from None


def extract_json(data: bytes, source: str, url: str = "") -> list[GuideRecord]:
    """Turn one saved API response into guide records (see the module doc)."""
    obj = parse_json(decode_json_text(data, source), source)
    if find_audit_payloads(obj):
        return extract_audit_item(obj, source, url)
    if not_found_reply(obj):
        raise NoGuideError(source, "接口答复“未找到匹配的信息”：没有办事指南")
    entries = _html_entries(obj)
    if entries is not None:
        return _extract_html_entries(entries, source, url)
    guides, catalogs = find_guides(obj)
    if guides:
        records = [build_record(g, source if len(guides) == 1 else f"{source}#{i}", url)
                   for i, g in enumerate(guides)]
        return [r for r in records if r.elements or r.materials]
    if catalogs:
        raise InputError(source, _catalog_reason(catalogs))
    _raise_reply_or_unknown(obj, source)
    return []  # unreachable


def _catalog_reason(catalogs) -> str:
    from ..catalog import element_title

    named = sorted({e for g in catalogs for e in named_elements(g)},
                   key=lambda e: list(element_specs()).index(e) if e in element_specs() else 99)
    titles = "、".join(element_title(e) for e in named)
    return (f"是事项目录，不是办事指南（{len(catalogs)}个事项，只有{titles}，"
            "没有办理机构、地点、材料等办事要素），无法检查")


# --- JSON list + HTML body ---------------------------------------------------

def _has_html(v) -> bool:
    return isinstance(v, str) and len(v) >= MIN_BODY_CHARS and bool(_HTML_TAG_RE.search(v))


def _body_key(entry: dict) -> str | None:
    """The entry's longest string field that holds HTML markup (a field whose
    key names an element, such as `basis` with rich text, is no body)."""
    keys = [k for k, v in entry.items() if _has_html(v) and not _element_key(k)]
    return max(keys, key=lambda k: len(entry[k])) if keys else None


_ANY_TAG_RE = re.compile(r"<[^>]*>")
MIN_BODY_LABELS = 3  # a guide written as HTML names at least this many elements


def _guide_body(html: str) -> bool:
    """Does an HTML string read like a guide (several element labels), rather
    than a stray rich-text note beside structured fields?"""
    from .labels import label_words_re

    text = "".join(_ANY_TAG_RE.sub("", html).split())
    return len(set(label_words_re().findall(text))) >= MIN_BODY_LABELS


def _element_key(key) -> bool:
    n = nk(key)
    return table_kind(key) is not None or any(ref.key == n for spec in element_specs().values() for ref in spec.keys)


def _html_entries(obj, depth: int = 0) -> list[tuple[dict, str]] | None:
    """The first list of objects (depth first) in which some object has an
    HTML body; returns (entry, body_key) pairs, or None when there is none. A
    top-level object that itself has an HTML body counts as a list of one."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(obj, list):
        dicts = [e for e in obj if isinstance(e, dict)]
        keys = [_body_key(e) for e in dicts]
        named = [k for k in keys if k]
        if named and any(_guide_body(e[k]) for e, k in zip(dicts, keys) if k):
            common = max(set(named), key=named.count)
            return [(e, k or common) for e, k in zip(dicts, keys)]
        children = [e for e in dicts]
    elif isinstance(obj, dict):
        if depth == 0 and _body_key(obj) and _guide_body(obj[_body_key(obj)]):
            return [(obj, _body_key(obj))]
        children = list(obj.values())
    else:
        return None
    for child in children:
        if isinstance(child, (list, dict)):
            found = _html_entries(child, depth + 1)
            if found is not None:
                return found
    return None


def _entry_name(entry: dict) -> str:
    lowered = {str(k).lower(): v for k, v in entry.items()}
    for key in NAME_FIELDS:
        v = lowered.get(key)
        if isinstance(v, str) and collapse(v):
            return collapse(v)
    return ""


def _entry_materials(entry: dict) -> list[Material]:
    """A structured materials list beside the body (e.g. `auditMaterials`:
    [{name, required, memo, sort}]), in its display order."""
    for k, v in entry.items():
        if "material" not in str(k).lower() or not isinstance(v, list):
            continue
        rows = [r for r in v if isinstance(r, dict) and collapse(str(r.get("name") or ""))]
        if not rows:
            continue
        if all(isinstance(r.get("sort"), (int, float)) for r in rows):
            rows = sorted(rows, key=lambda r: r["sort"])
        out = []
        for r in rows:
            req = r.get("required")
            out.append(Material(name=collapse(str(r["name"])),
                                required={True: "必要", False: "非必要"}.get(req) if isinstance(req, bool) else None,
                                notes=collapse(str(r.get("memo") or r.get("remark") or "")) or None))
        return out
    return []


def _extract_html_entries(entries: list[tuple[dict, str]], source: str, url: str) -> list[GuideRecord]:
    from .html import extract_html

    records: list[GuideRecord] = []
    first_error: InputError | None = None
    for index, (entry, key) in enumerate(entries):
        sub = f"{source}#{index}"
        body = entry.get(key)
        name = _entry_name(entry)
        found: list[GuideRecord] = []
        if isinstance(body, str) and body.strip():
            try:
                found = extract_html(body, sub, url)
            except InputError as e:
                first_error = first_error or e
                found = []
        if not found:
            if not name:
                continue
            found = [GuideRecord(source=sub, url=url)]  # an entry whose body yields nothing
        for rec in found:
            rec.family = "json_html"
            rec.source = sub
            if name and not rec.elements.get("name"):
                rec.elements["name"] = name
            if not rec.materials and "materials" not in rec.elements:
                mats = _entry_materials(entry)
                if mats:
                    rec.materials = mats
                    rec.elements["materials"] = "；".join(m.name for m in mats if m.name)
            records.append(rec)
    if not records and first_error is not None:
        raise first_error
    return records


# --- errors ------------------------------------------------------------------

def _raise_reply_or_unknown(obj, source: str) -> None:
    """An API error reply (a msg/message beside an error code and no data) says
    why; anything else is an unknown shape."""
    if isinstance(obj, dict):
        low = {str(k).lower(): v for k, v in obj.items()}
        msg = next((low[k] for k in ("msg", "message", "errmsg", "error") if isinstance(low.get(k), str)), "")
        has_code = any(k in low for k in ("errcode", "code", "status", "errno"))
        payload = [low.get(k) for k in ("data", "list", "result", "rows", "content")]
        if collapse(msg) and has_code and not any(payload):
            raise NoGuideError(source, f"接口答复“{collapse(msg)}”：没有办事指南")
        for k in WRAPPERS_EMPTY:
            if k in low and low[k] == [] and len(low) <= 4:
                raise NoGuideError(source, f"接口答复的 {k} 列表为空：没有办事指南")
    if isinstance(obj, list) and not obj:
        raise NoGuideError(source, "接口答复是空列表：没有办事指南")
    raise InputError(source, "无法识别的JSON结构（不是AUDIT_ITEM系列，不含HTML正文，可识别的办事指南字段也太少）")


WRAPPERS_EMPTY = ("list", "data", "content", "rows", "result")
