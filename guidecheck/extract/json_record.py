"""A gathered JSON guide (json_guide.Guide) turned into a GuideRecord.

    build_record(guide, source, url) -> GuideRecord

Which key feeds which element is data (json_keys.yaml); this module only knows
how values compose: a day count and its unit, a flag and its words, the rows of
a law table into one basis text, materials with their fields. The conventions
are in docs/json-mappings.md.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from ..model import FaqPair, GuideRecord, Link, Material, ProcessStep
from . import json_keys as jk
from .json_guide import Guide, View, make_view
from .text import collapse, unescape_all

SEP = "；"

# Rich-text markup some builds store in text fields (only real tag names, so the
# title marks of "<中华人民共和国节约能源法>" are kept).
_TAG_RE = re.compile(r"<!--.*?-->|</?(?:p|br|div|span|strong|b|i|u|em|font|table|tbody|thead|tr|td|th|ul|ol|li|"
                     r"h[1-6]|a|img|sup|sub|section|label|center|pre|hr|o:p)\b[^>]*>", re.I | re.S)
_BLOCK_END_RE = re.compile(r"<br\s*/?>|</(?:p|div|li|tr|h[1-6])>", re.I)
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_NUMBER_RE = re.compile(r"\d+(\.\d+)?")
_WHOLE_FLOAT_RE = re.compile(r"\d+\.0+")
_CODE_LIKE_RE = re.compile(r"[\dA-Za-z,，;；、\s.\-]*")


# --- values --------------------------------------------------------------------

def text_of(v) -> str:
    """A scalar as collapsed text (markup dropped); a list of scalars joined
    with ；; None, bools and objects give ""."""
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
    if isinstance(v, list):
        return join(text_of(x) for x in v if not isinstance(x, (dict, list)))
    return ""


def raw_code(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return text_of(v)


def num(v) -> str:
    t = text_of(v)
    if "." in t and _WHOLE_FLOAT_RE.fullmatch(t):
        t = t.split(".")[0]
    return t


def join(parts, sep: str = SEP) -> str:
    return sep.join(dict.fromkeys(p for p in parts if p))


def is_guid(s: str) -> bool:
    return bool(_GUID_RE.match(s))


def _empty_word(t: str) -> bool:
    return t in jk.word_set("empty_words")


def first(views: list[View], refs, *, label: str | None = None) -> str:
    """First non-empty text among the keys (own fields before nested ones)."""
    for view in views:
        fields = view.fields
        for ref in refs:
            v = fields.get(ref.key)
            if v is None or v == "":
                continue
            t = text_of(v)
            if t and (ref.shape is None or ref.shape.match(t)) and not is_guid(t):
                return t
        if label and label in view.labels:
            t = text_of(view.labels[label])
            if t:
                return t
    return ""


def coded(views: list[View], refs, table: str | None, *, multi: bool = False, label: str | None = None) -> str:
    """A coded value: its companion (`<key>_TEXT` …), else the code mapped by
    its table; unknown numeric codes give "", words are kept."""
    codes = jk.code_table(table) if table else {}
    for view in views:
        fields = view.fields
        for ref in refs:
            if ref.key not in fields and not any(c in fields for c in ref.companions):
                continue
            for c in ref.companions:
                t = text_of(fields.get(c))
                if t and not _CODE_LIKE_RE.fullmatch(t):
                    return t
            raw = raw_code(fields.get(ref.key))
            if not raw:
                continue
            words = _decode(raw, codes, multi)
            if words:
                return words
        if label and label in view.labels:
            raw = raw_code(view.labels[label])
            words = _decode(raw, codes, multi) if raw else ""
            if words:
                return words
    return ""


def _decode(raw: str, codes: dict[str, str], multi: bool) -> str:
    if raw in codes:
        return codes[raw]
    if multi:
        parts = [c.strip() for c in re.split(r"[,，;；、]", raw) if c.strip()]
        if parts and all(p in codes for p in parts):
            return "、".join(dict.fromkeys(codes[p] for p in parts))
    if _CODE_LIKE_RE.fullmatch(raw) and not re.search(r"[A-Za-z]{2,}", raw):
        return ""  # an unknown code: never a bare number
    return raw


def _flag(t: str) -> bool | None:
    if t in jk.word_set("yes_values"):
        return True
    if t in jk.word_set("no_values"):
        return False
    return None


# --- elements ----------------------------------------------------------------

def build_record(guide: Guide, source: str, url: str = "") -> GuideRecord:
    rec = GuideRecord(source=source, url=url, family=guide.family)
    specs = jk.element_specs(guide.platform)
    views = guide.views
    tables = {kind: rows for kind, rows in guide.tables.items()}
    el = rec.elements

    def put(key: str, value: str) -> None:
        if value:
            el[key] = value

    windows = [{f: text_of(v) for f, v in _row(r, "windows").items() if f != "__view__"}
               for r in tables.get("windows", [])]
    for key, spec in specs.items():
        lab = None if guide.platform else key  # Chinese keys read as labels (generic reading only)
        if spec.kind == "limit":
            put(key, _limit(views, spec, lab))
        elif spec.kind == "phone":
            put(key, _phones(views, spec, lab))
        elif spec.kind == "count":
            n = num(first(views, spec.keys, label=lab))
            put(key, f"{n}次" if n.isdigit() else n)
        elif spec.kind == "flag_or_text":
            put(key, _flag_or_text(views, spec, lab))
        elif spec.codes:
            put(key, coded(views, spec.keys, spec.codes, multi=spec.multi, label=lab))
        elif spec.join:
            put(key, join(text_of(v.fields.get(r.key)) for v in views for r in spec.keys)
                or (first(views, (), label=lab)))
        else:
            put(key, first(views, spec.keys, label=lab))
    # tables, and the fallbacks that come after them
    if not el.get("location"):
        put("location", join(w.get("address") or w.get("name") for w in windows)
            or first(views, specs["location"].fallback))
    if not el.get("hours"):
        put("hours", join(w.get("hours") for w in windows))
    if not el.get("consult_phone"):
        put("consult_phone", join(w.get("phone") for w in windows))
    laws = _basis(tables.get("laws", []))
    if laws:
        el["basis"] = laws
    _fees(tables.get("charges", []), el)
    names = join(text_of(_row(r, "intermediaries").get("name")) for r in tables.get("intermediaries", []))
    if names:
        el["intermediary"] = names
    _process(tables.get("steps", []), rec)
    _results(tables.get("results", []), rec, url)
    _faq(tables.get("faq", []), rec)
    _materials(tables, rec, url)
    _online_links(views, rec, url)
    order = {k: i for i, k in enumerate(specs)}
    rec.elements = dict(sorted(el.items(), key=lambda kv: order.get(kv[0], len(order))))
    return rec


def _limit(views: list[View], spec: jk.ElementSpec, label) -> str:
    """"5个工作日" from a day count and its unit; a count of 0 with an
    explanation (即办) reads as the explanation; words are kept as given."""
    day = num(first(views, spec.keys, label=label))
    explain = first(views, spec.explain)
    if _empty_word(explain):
        explain = ""
    if not day:
        return explain
    if not _NUMBER_RE.fullmatch(day):
        return day
    if float(day) == 0 and explain:
        return explain
    unit = coded(views, spec.unit, "day_type")
    return f"{day}个{unit}" if unit else day


def _phones(views: list[View], spec: jk.ElementSpec, label) -> str:
    """The main phone; an alternate is appended only when it holds other digits
    (the Guangxi payload repeats the same number with another dash)."""
    main = first(views, spec.keys, label=label)
    out = [main] if main else []
    seen = {re.sub(r"\D", "", main)} if main else set()
    for ref in spec.alternates:
        alt = first(views, (ref,))
        digits = re.sub(r"\D", "", alt)
        if alt and not _empty_word(alt) and digits not in seen:
            out.append(alt)
            seen.add(digits)
    return SEP.join(out)


def _flag_or_text(views: list[View], spec: jk.ElementSpec, label) -> str:
    """A yes/no flag (is_express 1, 是, true) read as the spec's words, or a
    text given as it is."""
    for view in views:
        values = [view.fields.get(ref.key + suffix) for ref in spec.keys for suffix in ("text", "")]
        if label and label in view.labels:
            values.append(view.labels[label])
        for v in values:
            t = raw_code(v)
            if not t:
                continue
            flag = _flag(t)
            if flag is True:
                return spec.yes_text or ""
            if flag is False:
                return spec.no_text or ""
            if not _CODE_LIKE_RE.fullmatch(t):
                return t
    return ""


# --- tables ------------------------------------------------------------------

def _row(row, kind: str) -> dict:
    """A table row as field -> raw value, by the table's field synonyms (a plain
    string row is its name / text)."""
    if not isinstance(row, dict):
        return {"name": row, "__text__": row}
    view = make_view(row)
    spec = jk.table_specs()[kind]
    out: dict = {}
    used = set()
    for f, keys in spec.fields.items():
        for k in keys:
            v = view.fields.get(k)
            if v not in (None, "", []):
                out.setdefault(f, v)
                used.add(k)
                if f != "notes":
                    break
                out.setdefault("__notes__", []).append(v)
    cjk = [k for k in row if not str(k).isascii()]
    for k in sorted(cjk, key=str):  # key order never matters
        v = row[k]
        if jk.has_cjk(str(k)) and jk.nk(k) not in used and v not in (None, "", []):
            f = jk.field_for_cjk(kind, k)
            if f == "notes":
                out.setdefault("__notes__", []).append(v)
            if f and f not in out:
                out[f] = v
    out["__view__"] = view
    return out


def _rowcoded(r: dict, kind: str, f: str) -> str:
    """A row field through its companion or its code table."""
    view = r.get("__view__")
    table = jk.table_specs()[kind].codes.get(f)
    if view is not None:
        t = coded([view], jk.field_refs(kind, f), table)
        if t:
            return t
    raw = raw_code(r.get(f))
    return _decode(raw, jk.code_table(table), False) if raw and table else text_of(r.get(f))


def _basis(rows: list) -> str:
    parts = []
    for row in rows:
        r = _row(row, "laws")
        if "__text__" in r:
            parts.append(text_of(r["__text__"]))
            continue
        name = text_of(r.get("name"))
        if name and not name.startswith("《"):
            name = f"《{name}》"
        number = text_of(r.get("number"))
        if number and number[0] not in "（(〔[":
            number = f"（{number}）"
        clause, content = text_of(r.get("clause")), text_of(r.get("content"))
        head = f"{name}{number}{clause}"
        parts.append(f"{head}：{content}" if head and content else head or content)
    return join(parts)


def _fees(rows: list, el: dict) -> None:
    items, bases = [], []
    for row in rows:
        r = _row(row, "charges")
        name, stand = text_of(r.get("name")), text_of(r.get("standard"))
        items.append(f"{name}：{stand}" if name and stand else name or stand)
        bases.append(text_of(r.get("basis")))
    fee = join([el.get("fee", ""), join(items)])
    if fee:
        el["fee"] = fee
    if join(bases):
        el["fee_basis"] = join(bases)


def _process(rows: list, rec: GuideRecord) -> None:
    texts = []
    for row in rows:
        r = _row(row, "steps")
        name = text_of(r.get("name"))
        if not name:
            continue
        duration = text_of(r.get("duration")) or None
        details = [f"{lab}：{v}" for lab, v in (("办理人", text_of(r.get("transactor"))),
                                               ("审查标准", text_of(r.get("standard"))),
                                               ("办理结果", text_of(r.get("outcome")))) if v]
        detail = "，".join(details) or None
        rec.process_steps.append(ProcessStep(name=name, duration=duration, detail=detail))
        texts.append(name + (f"（{duration}）" if duration else "") + (f"：{detail}" if detail else ""))
    if texts:
        rec.elements["process"] = join(texts)


def attachments(v, url: str) -> list[tuple[str, str, bool]]:
    """(reference, name, is_real_url) for a form / sample / result sample: a list
    of {name, url} objects, or a bare URL, or an attachment GUID (turned into the
    pseudo reference `attach:<guid>`: the file exists but has no URL)."""
    out = []
    if isinstance(v, str):
        for part in re.split(r"[,;，；]", v):
            part = part.strip()
            if not part or part in ("无", "null"):
                continue
            if is_guid(part):
                out.append((f"attach:{part}", "", False))
            else:
                out.append((urljoin(url, part) if url else part, "", True))
        return out
    fields = jk.attachment_fields()
    for row in (v if isinstance(v, list) else [v] if isinstance(v, dict) else []):
        if isinstance(row, (str, list)):
            out.extend(attachments(row, url))
            continue
        if not isinstance(row, dict):
            continue
        view = make_view(row)
        name, path, guid = (_first_text(view, fields[f]) for f in ("name", "url", "guid"))
        if path:
            out.append((urljoin(url, path) if url else path, name, True))
        elif guid:
            out.append((f"attach:{guid}", name, False))
    return out


def _first_text(view: View, keys: tuple[str, ...]) -> str:
    for k in keys:
        v = view.fields.get(k)
        if v is not None and v != "":
            t = text_of(v)
            if t:
                return t
    return ""


def _results(rows: list, rec: GuideRecord, url: str) -> None:
    parsed = [_row(r, "results") for r in rows]
    name = join(text_of(r.get("name")) for r in parsed)
    if name:
        rec.elements["result"] = name
    samples = []
    for r in parsed:
        for ref, label, real in attachments(r.get("sample"), url):
            samples.append(label or ref)
            if real:
                rec.links.append(Link(url=ref, text=label, role="result_sample", element="result_sample"))
    if samples:
        rec.elements["result_sample"] = join(samples)


def _faq(rows: list, rec: GuideRecord) -> None:
    texts = []
    for row in rows:
        r = _row(row, "faq")
        q, a = text_of(r.get("question")), text_of(r.get("answer"))
        if not q and not a:
            continue
        rec.faq.append(FaqPair(question=q, answer=a))
        texts.append(f"问：{q} 答：{a}" if a else f"问：{q}")
    if texts:
        rec.elements["faq"] = SEP.join(texts)


def _copies(r: dict) -> str:
    orig, copy = num(r.get("originals")), num(r.get("photocopies"))
    if not orig and not copy:
        return text_of(r.get("copies"))
    parts = [f"{lab}{n}份" for lab, n in (("原件", orig), ("复印件", copy)) if n and n != "0"]
    return "，".join(parts) or "，".join(f"{lab}{n}份" for lab, n in (("原件", orig), ("复印件", copy)) if n)


def _source(r: dict) -> str:
    explain = text_of(r.get("source_explain"))
    if explain and not _empty_word(explain):
        return explain
    return _rowcoded(r, "materials", "source") or explain


def _materials(tables: dict, rec: GuideRecord, url: str) -> None:
    if "materials" not in tables:
        return
    rec.present.add("materials")
    for row in tables["materials"]:
        r = _row(row, "materials")
        name = text_of(r.get("name"))
        if not name:
            continue
        index = len(rec.materials)
        notes = join(text_of(v) for v in r.get("__notes__", []))
        mat = Material(name=name, source=_source(r) or None, copies=_copies(r) or None,
                       medium=_rowcoded(r, "materials", "medium") or None,
                       required=_rowcoded(r, "materials", "required") or None, notes=notes or None)
        for fld, key, role in (("form_url", "form", "form"), ("sample_url", "sample", "sample")):
            refs = attachments(r.get(key), url)
            if refs:
                setattr(mat, fld, refs[0][0])
            for ref, label, real in refs:
                if real:
                    rec.links.append(Link(url=ref, text=label, role=role, element="materials", material=index))
        rec.materials.append(mat)
    if rec.materials:
        rec.elements["materials"] = SEP.join(m.name for m in rec.materials if m.name)


def _online_links(views: list[View], rec: GuideRecord, url: str) -> None:
    seen = {link.url for link in rec.links}
    for view in reversed(views):
        for key in jk.online_keys():
            v = text_of(view.fields.get(key))
            if not v or _empty_word(v):
                continue
            target = urljoin(url, v) if url else v
            if target not in seen:
                seen.add(target)
                rec.links.append(Link(url=target, text="在线办理", role="online"))
