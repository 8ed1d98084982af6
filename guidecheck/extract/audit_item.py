"""The AUDIT_ITEM family of JSON payloads (Epoint and look-alikes), both spellings.

    extract_audit_item(obj, source, url="") -> list[GuideRecord]

`obj` is parsed JSON: a bare payload (top-level `AUDIT_ITEM` plus sibling
`AUDIT_*` tables) or one wrapped under `list` / `data` / `custom` / `result`.
Field names are read case-insensitively, so one code path serves the upper-case
spelling (with `*_TEXT` companions) and the lower-case one (codes only, mapped
by the tables below). Where each element comes from: docs/json-mappings.md and
shared/spec/audit-item.md.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from ..errors import InputError, NoGuideError
from ..model import FaqPair, GuideRecord, Link, Material, ProcessStep
from .text import collapse, unescape_all

NOT_FOUND_TEXT = "未找到匹配的信息"
WRAPPER_KEYS = ("list", "data", "custom", "result")
SEP = "；"

# --- code tables for payloads without *_TEXT companions ---------------------
# Assumed mappings, see docs/json-mappings.md.
TASK_TYPE = {  # national standard 事项类型 codes
    "01": "行政许可", "02": "行政处罚", "03": "行政强制", "04": "行政征收", "05": "行政给付",
    "06": "行政检查", "07": "行政确认", "08": "行政奖励", "09": "行政裁决", "10": "其他行政权力",
    "20": "公共服务",
}
PROJECT_TYPE = {"1": "即办件", "2": "承诺件"}  # assumed mapping, see docs/json-mappings.md
DAY_TYPE = {"1": "工作日", "2": "自然日"}  # assumed mapping, see docs/json-mappings.md
IS_FEE = {"0": "不收费", "1": "收费"}
SERVE_TYPE = {  # assumed mapping, see docs/json-mappings.md
    "1": "自然人", "2": "企业法人", "3": "事业法人", "4": "社会组织法人",
    "5": "非法人企业", "6": "行政机关", "9": "其他组织",
}
USE_LEVEL = {  # assumed mapping, see docs/json-mappings.md (行使层级)
    "1": "国家级", "2": "省级", "3": "市级", "4": "县级", "5": "镇（乡、街道）级", "6": "村（社区）级",
}
SOURCE_TYPE = {  # assumed mapping, see docs/json-mappings.md (材料来源渠道)
    "10": "申请人自备", "20": "政府部门核发", "30": "其他",
    "1": "申请人自备", "2": "政府部门核发", "3": "其他",
}
MATERIAL_FORM = {"1": "纸质", "2": "电子", "3": "纸质和电子"}  # assumed mapping, see docs/json-mappings.md
IS_NEED = {"1": "必要", "0": "非必要"}  # assumed mapping, see docs/json-mappings.md
YES = {"1", "是", "true", "True", "Y", "y"}
NO = {"0", "否", "false", "False", "N", "n"}

# Rich-text markup some builds store in text fields (only real tag names, so the
# title marks of "<中华人民共和国节约能源法>" are kept).
_TAG_RE = re.compile(r"<!--.*?-->|</?(?:p|br|div|span|strong|b|i|u|em|font|table|tbody|thead|tr|td|th|ul|ol|li|"
                     r"h[1-6]|a|img|sup|sub|section|label|center|pre|hr|o:p)\b[^>]*>", re.I | re.S)
_BLOCK_END_RE = re.compile(r"<br\s*/?>|</(?:p|div|li|tr|h[1-6])>", re.I)
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


# --- small helpers ------------------------------------------------------------

def _up(d) -> dict:
    """A dict's view with upper-cased keys (both spellings read alike)."""
    if not isinstance(d, dict):
        return {}
    return {str(k).upper(): v for k, v in d.items()}


def _s(v) -> str:
    """A scalar as collapsed text; None, bools, lists and dicts give ""."""
    if v is None or isinstance(v, bool):
        return ""
    if isinstance(v, float):
        v = int(v) if v.is_integer() else v
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        if "&" in v:
            v = unescape_all(v)
        if "<" in v and _TAG_RE.search(v):
            v = _TAG_RE.sub("", _BLOCK_END_RE.sub(" ", v))
        return collapse(v)
    return ""


def _get(d: dict, *names: str) -> str:
    """First non-empty text among the (upper-case) field names."""
    for n in names:
        t = _s(d.get(n))
        if t:
            return t
    return ""


def _coded(d: dict, name: str, table: dict[str, str], *, multi: bool = False) -> str:
    """A coded field: its `_TEXT` companion, else the code mapped by `table`.
    An unknown code gives "" (never a bare number)."""
    text = _get(d, name + "_TEXT")
    if text:
        return text
    raw = _s(d.get(name))
    if not raw:
        return ""
    codes = [c.strip() for c in re.split(r"[,，;；、]", raw) if c.strip()] if multi else [raw]
    words = [table[c] for c in codes if c in table]
    return "、".join(dict.fromkeys(words))


def _rows(v) -> list[dict]:
    """A table: a list of objects (a lone object counts as one row)."""
    if isinstance(v, dict):
        return [_up(v)]
    if isinstance(v, list):
        return [_up(r) for r in v if isinstance(r, dict)]
    return []


def _join(parts, sep: str = SEP) -> str:
    return sep.join(dict.fromkeys(p for p in parts if p))


def _num(v) -> str:
    t = _s(v)
    if re.fullmatch(r"\d+\.0+", t):
        t = t.split(".")[0]
    return t


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _is_guid(s: str) -> bool:
    return bool(_GUID_RE.match(s))


# --- locating payloads -------------------------------------------------------

def _is_payload(obj) -> bool:
    return isinstance(obj, dict) and isinstance(_up(obj).get("AUDIT_ITEM"), (dict, list))


def find_audit_payloads(obj, depth: int = 0) -> list[dict]:
    """Every AUDIT_ITEM payload in `obj`: the object itself, or the entries of a
    `list` / `data` / `custom` / `result` wrapper (nested wrappers allowed)."""
    if depth > 4:
        return []
    if _is_payload(obj):
        return [obj]
    if isinstance(obj, list):
        return [p for item in obj for p in find_audit_payloads(item, depth + 1)]
    if isinstance(obj, dict):
        found: list[dict] = []
        for k, v in obj.items():
            if str(k).lower() in WRAPPER_KEYS:
                found.extend(find_audit_payloads(v, depth + 1))
        return found
    return []


def not_found_reply(obj) -> str | None:
    """The API's "no such item" answer (msg 未找到匹配的信息, top level or one
    wrapper down), when `obj` holds no payload; else None."""
    if not isinstance(obj, dict) or find_audit_payloads(obj):
        return None
    scopes = [obj] + [v for k, v in obj.items() if str(k).lower() in WRAPPER_KEYS + ("status",) and isinstance(v, dict)]
    for scope in scopes:
        for v in scope.values():
            if isinstance(v, str) and NOT_FOUND_TEXT in v:
                return collapse(v)
    return None


def is_lower_spelling(payload: dict) -> bool:
    """True when the AUDIT_ITEM object's own field names are mostly lower-case."""
    item = _up(payload).get("AUDIT_ITEM")
    if isinstance(item, list):
        item = next((i for i in item if isinstance(i, dict)), {})
    keys = [k for k in (item or {}) if any(c.isalpha() for c in str(k))]
    lower = sum(1 for k in keys if str(k) == str(k).lower())
    return bool(keys) and lower * 2 > len(keys)


# --- the extractor -----------------------------------------------------------

def extract_audit_item(obj, source: str, url: str = "") -> list[GuideRecord]:
    """One GuideRecord per AUDIT_ITEM payload found in `obj`.

    Raises InputError for the API's "未找到匹配的信息" reply or when `obj` holds
    no AUDIT_ITEM payload at all."""
    payloads = find_audit_payloads(obj)
    if not payloads:
        msg = not_found_reply(obj)
        if msg:
            raise NoGuideError(source, "接口答复“未找到匹配的信息”：没有办事指南")
        raise InputError(source, "不是AUDIT_ITEM系列的JSON（没有AUDIT_ITEM对象）")
    records: list[GuideRecord] = []
    for payload in payloads:
        family = "audit_item_lower" if is_lower_spelling(payload) else "audit_item"
        top = _up(payload)
        items = top["AUDIT_ITEM"] if isinstance(top["AUDIT_ITEM"], list) else [top["AUDIT_ITEM"]]
        items = [i for i in items if isinstance(i, dict)]
        for item in items:
            tables = _tables_for(top, _up(item), several=len(items) > 1)
            records.append(_record(_up(item), tables, source, url, family))
    return records


def _tables_for(top: dict, item: dict, several: bool) -> dict:
    """The sibling tables; when one payload carries several items, keep only the
    rows whose TASK_GUID names this item (rows without one are shared)."""
    if not several:
        return top
    guid = _get(item, "ROWGUID", "TASK_GUID", "TASKGUID")
    out = {}
    for k, v in top.items():
        if isinstance(v, list) and guid:
            v = [r for r in v if not isinstance(r, dict) or _get(_up(r), "TASK_GUID", "TASKGUID") in ("", guid)]
        out[k] = v
    return out


def _record(item: dict, top: dict, source: str, url: str, family: str) -> GuideRecord:
    rec = GuideRecord(source=source, url=url, family=family)
    ext = _up(top.get("AUDIT_ITEM_EXTEND"))
    el = rec.elements

    def put(key: str, value: str) -> None:
        if value:
            el[key] = value

    put("name", _get(item, "CATANAME", "TASK_NAME", "ITEM_NAME"))
    put("code", next((c for c in (_get(item, n) for n in ("ITEM_ID", "TASK_CODE", "CATALOG_CODE"))
                      if c and not _is_guid(c)), ""))
    put("category", _coded(item, "TASK_TYPE", TASK_TYPE))
    put("target", _coded(item, "SERVE_TYPE", SERVE_TYPE, multi=True))
    put("agency", _get(item, "DEPT_NAME", "DEPTNAME", "OUNAME"))
    put("power_source", _coded(item, "USE_LEVEL", USE_LEVEL))
    put("online_depth", _get(item, "WBSD_LEVEL_TEXT") or _get(ext, "WBSD_LEVEL_TEXT"))
    put("case_type", _coded(item, "PROJECT_TYPE", PROJECT_TYPE))
    put("promised_limit", _limit(item, "PROMISE_DAY", "PROMISE_TYPE", ("CRBJSXSM", "PROMISE_DAY_EXPLAIN")))
    put("legal_limit", _limit(item, "ANTICIPATE_DAY", "ANTICIPATE_TYPE", ("FDBLSXSM", "ANTICIPATE_DAY_EXPLAIN")))
    _fees(item, _rows(top.get("AUDIT_CHARGE")), put)
    _places(item, top, put)
    put("consult_phone", _phones(item, ("LINK_TEL", "LINK_WAY"), ("OTHER_LINK",)) or _window_tel(top))
    put("complaint_phone", _phones(item, ("TSTEL", "SUPERVISE_TEL", "SUPERVISE_WAY"), ("OTHER_SUPERVISE",)))
    put("conditions", _get(item, "ACCEPT_CONDITION", "ACCEPT_NAME", "ACCEPT_STD"))
    put("basis", _basis(item, top))
    put("visits", _visits(item, ext))
    if _get(ext, "IS_EXPRESS_TEXT", "IS_EXPRESS") in YES:
        put("delivery", "支持物流快递送达")
    put("quantity_limit", _get(ext, "AMOUNT_LIMIT_DESC") or _get(item, "AMOUNT_LIMIT_DESC"))
    put("intermediary", _intermediary(top, ext))
    _process(item, top, rec)
    _result(top, ext, rec, url)
    _faq(top, rec)
    _materials(top, rec, url)
    _online_links(item, ext, rec, url)
    return rec


def _limit(item: dict, day_field: str, type_field: str, explain_fields: tuple[str, ...]) -> str:
    """"5个工作日" from the day count and its unit; the explanation only when
    the count is missing."""
    day = _num(item.get(day_field))
    if not day:
        return _get(item, *explain_fields)
    unit = _coded(item, type_field, DAY_TYPE)
    if not re.fullmatch(r"\d+(\.\d+)?", day):
        return day  # already words, e.g. "即办"
    return f"{day}个{unit}" if unit else day


def _fees(item: dict, charges: list[dict], put) -> None:
    flag = _coded(item, "IS_FEE", IS_FEE)
    items = []
    bases = []
    for c in charges:
        name, stand = _get(c, "FEE_NAME", "CHARGE_NAME"), _get(c, "FEE_STAND", "CHARGE_STANDARD")
        items.append(f"{name}：{stand}" if name and stand else name or stand)
        bases.append(_get(c, "FEE_BASIS", "CHARGE_BASIS", "BY_LAW", "LAW_BASIS"))
    put("fee", _join([flag, _join(items)]))
    put("fee_basis", _join(bases))


def _places(item: dict, top: dict, put) -> None:
    lobby = _rows(top.get("AUDIT_CATALOG_LOBBY")) + _rows(top.get("AUDIT_ITEM_WINDOW"))
    put("location", _get(item, "XHTSDZ", "TRANSACT_ADDR")
        or _join(_get(r, "ADDRESS", "TRANSACT_ADDR") or _get(r, "NAME", "WINDOW_NAME") for r in lobby))
    put("hours", _get(item, "TRANSACT_TIME") or _join(_get(r, "TIME", "TRANSACT_TIME") for r in lobby))


def _window_tel(top: dict) -> str:
    lobby = _rows(top.get("AUDIT_CATALOG_LOBBY")) + _rows(top.get("AUDIT_ITEM_WINDOW"))
    return _join(_get(r, "TEL", "WINDOW_TEL") for r in lobby)


def _phones(item: dict, main: tuple[str, ...], alternates: tuple[str, ...]) -> str:
    """The main phone field; an alternate is appended only when it holds other
    digits (the Guangxi payload repeats the same number with another dash)."""
    first = _get(item, *main)
    out = [first] if first else []
    seen = {_digits(first)} if first else set()
    for name in alternates:
        alt = _get(item, name)
        if alt and alt not in ("无", "暂无") and _digits(alt) not in seen:
            out.append(alt)
            seen.add(_digits(alt))
    return SEP.join(out)


def _basis(item: dict, top: dict) -> str:
    laws = _rows(item.get("LAW")) + _rows(top.get("AUDIT_ITEM_BYLAW")) + _rows(top.get("AUDIT_ITEM_LAW"))
    parts = []
    for law in laws:
        name = _get(law, "LAWNAME", "LAW_NAME")
        if name and not name.startswith("《"):
            name = f"《{name}》"
        number = _get(law, "ACCORDINGNUMBER", "LAW_NUMBER")
        if number and number[0] not in "（(〔[":
            number = f"（{number}）"
        clause = _get(law, "TERMSNUMBER", "CLAUSE_NUMBER")
        content = _get(law, "TERMSCONTENT", "CLAUSE_CONTENT")
        head = f"{name}{number}{clause}"
        parts.append(f"{head}：{content}" if head and content else head or content)
    return _join(parts) or _get(item, "BY_LAW", "LAW_BASIS", "SDYJ")


def _visits(item: dict, ext: dict) -> str:
    n = _num(item.get("LIMIT_SCENE_NUM")) or _num(ext.get("LIMIT_SCENE_NUM"))
    if not n:
        return ""
    return f"{n}次" if n.isdigit() else n


def _intermediary(top: dict, ext: dict) -> str:
    names = _join(_get(r, "SERVICE_NAME", "ZJFWMC", "NAME") for r in _rows(top.get("ZHONGJIE_SERVICE")))
    if names:
        return names
    return "无" if _get(ext, "IS_INTERMEDIARY") in NO else ""


def _process(item: dict, top: dict, rec: GuideRecord) -> None:
    texts = []
    for row in _rows(top.get("AUDIT_ITEM_FLOWSHEET")):
        name = _get(row, "STEP_TEXT", "STEP_NAME", "LINK_NAME")
        if not name:
            continue
        duration = _get(row, "TRANSACT_TIME_LIMIT") or None
        details = [f"{label}：{v}" for label, v in (("办理人", _get(row, "TRANSACTOR")),
                                                   ("审查标准", _get(row, "CHECK_STANDARD")),
                                                   ("办理结果", _get(row, "TRANSACT_RESULT"))) if v]
        detail = "，".join(details) or None
        rec.process_steps.append(ProcessStep(name=name, duration=duration, detail=detail))
        texts.append(name + (f"（{duration}）" if duration else "") + (f"：{detail}" if detail else ""))
    text = _join(texts) or _join([_get(item, "CKBLLC"), _get(item, "WSBLLC")])
    if text:
        rec.elements["process"] = text


def _attachments(v, url: str) -> list[tuple[str, str, bool]]:
    """(reference, name, is_real_url) for FORM_GUID / EXAMPLE_GUID / RESULT_SAMPLE:
    a list of {ATTACHNAME, FILEPATH}, or a bare attachment GUID (the lower-case
    spelling) turned into the pseudo reference `attach:<guid>`."""
    out = []
    if isinstance(v, str):
        for part in re.split(r"[,;，；]", v):
            part = part.strip()
            if not part or part in ("无", "null"):
                continue
            if _is_guid(part):
                out.append((f"attach:{part}", "", False))
            else:
                out.append((urljoin(url, part) if url else part, "", True))
        return out
    for row in _rows(v):
        name = _get(row, "ATTACHNAME", "ATTACH_NAME", "NAME")
        path = _get(row, "FILEPATH", "FILE_PATH", "URL", "DOWNLOADURL")
        guid = _get(row, "ATTACHGUID", "ATTACH_GUID")
        if path:
            out.append((urljoin(url, path) if url else path, name, True))
        elif guid:
            out.append((f"attach:{guid}", name, False))
    return out


def _result(top: dict, ext: dict, rec: GuideRecord, url: str) -> None:
    rows = _rows(top.get("AUDIT_ITEM_RESULT"))
    name = _join(_get(r, "NAME", "RESULT_NAME") for r in rows) or _get(ext, "RESULT_NAME")
    if name:
        rec.elements["result"] = name
    samples = []
    for r in rows:
        for ref, label, real in _attachments(r.get("RESULT_SAMPLE"), url):
            samples.append(label or ref)
            if real:
                rec.links.append(Link(url=ref, text=label, role="result_sample", element="result_sample"))
    if samples:
        rec.elements["result_sample"] = _join(samples)


def _faq(top: dict, rec: GuideRecord) -> None:
    texts = []
    for row in _rows(top.get("AUDIT_QA")):
        q, a = _get(row, "QUESTION"), _get(row, "ANSWER")
        if not q and not a:
            continue
        rec.faq.append(FaqPair(question=q, answer=a))
        texts.append(f"问：{q} 答：{a}" if a else f"问：{q}")
    if texts:
        rec.elements["faq"] = SEP.join(texts)


def _copies(row: dict) -> str:
    orig = _num(row.get("ORIGINAL_AMOUNT")) or _num(row.get("PAGE_NUM"))
    copy = _num(row.get("COPY_AMOUNT")) or _num(row.get("PAGE_COPYNUM"))
    if not orig and not copy:
        return ""
    parts = [f"{label}{n}份" for label, n in (("原件", orig), ("复印件", copy)) if n and n != "0"]
    return "，".join(parts) or "，".join(f"{label}{n}份" for label, n in (("原件", orig), ("复印件", copy)) if n)


def _source(row: dict) -> str:
    explain = _get(row, "SOURCE_EXPLAIN")
    if explain and explain not in ("无", "暂无"):
        return explain
    return _coded(row, "SOURCE_TYPE", SOURCE_TYPE) or explain


def _materials(top: dict, rec: GuideRecord, url: str) -> None:
    table = top.get("AUDIT_MATERIAL")
    if table is None:
        return
    rec.present.add("materials")
    for row in _rows(table):
        name = _get(row, "MATERIAL_NAME", "MATERIALNAME", "NAME")
        if not name:
            continue
        index = len(rec.materials)
        mat = Material(
            name=name,
            source=_source(row) or None,
            copies=_copies(row) or None,
            medium=(_get(row, "ZZHDZB_TEXT") or _coded(row, "MATERIAL_FORM", MATERIAL_FORM)) or None,
            required=_coded(row, "IS_NEED", IS_NEED) or None,
            notes=_get(row, "FILL_EXPLIAN", "FILL_EXPLAIN", "REMARK", "MEMO") or None,
        )
        for field, key, role in (("form_url", "FORM_GUID", "form"), ("sample_url", "EXAMPLE_GUID", "sample")):
            refs = _attachments(row.get(key), url)
            if refs:
                setattr(mat, field, refs[0][0])
            for ref, label, real in refs:
                if real:
                    rec.links.append(Link(url=ref, text=label, role=role, element="materials", material=index))
        rec.materials.append(mat)
    if rec.materials:
        rec.elements["materials"] = SEP.join(m.name for m in rec.materials if m.name)


def _online_links(item: dict, ext: dict, rec: GuideRecord, url: str) -> None:
    seen = {link.url for link in rec.links}
    for d in (ext, item):
        for key in ("HANDLE_ONLINE_ADDRESS", "LOGIN_URL", "ONLINE_URL", "WSBL_URL", "TRANSACT_URL"):
            v = _get(d, key)
            if not v or v in ("无", "暂无"):
                continue
            target = urljoin(url, v) if url else v
            if target not in seen:
                seen.add(target)
                rec.links.append(Link(url=target, text="在线办理", role="online"))
