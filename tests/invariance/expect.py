"""Expectations and comparison.

The expected record is built from the content model (what a reader sees),
never by running the extractor: `expected_record(guide, renderer)` keeps the
fields the renderer can express (`Renderer.material_fields`,
`Renderer.step_fields`), and `expected_findings` runs the same offline checks
`guidecheck check` runs on that record.

`diff(expected, got)` compares two records after normalising what legitimately
varies between layouts: white space, dash variants, trailing separators, numbering before an
FAQ question or a step name, phone separators (0591-…, 0591—…, （0591）…, 0591 …) and Chinese
numerals in time limits and step durations. Everything else must be equal.
"""
from __future__ import annotations

import re
import unicodedata

from guidecheck.checks import run_checks
from guidecheck.model import FaqPair, GuideRecord, Material, ProcessStep
from guidecheck.offline import offline_codes

from .content import STRUCTURED, TEXT_ORDER, Guide

PHONE_KEYS = ("consult_phone", "complaint_phone")
LIMIT_KEYS = ("legal_limit", "promised_limit")


def expected_record(guide: Guide, renderer) -> GuideRecord:
    rec = GuideRecord(source=f"model-{guide.seed}")
    rec.elements = {k: v for k, v in guide.elements.items() if k in renderer.elements}
    mfields = renderer.material_fields
    rec.materials = [Material(**{k: v for k, v in m.fields().items() if k in mfields}) for m in guide.materials]
    rec.elements["materials"] = "；".join(m.name for m in guide.materials)
    rec.present.add("materials")
    if guide.steps:
        with_duration = "duration" in renderer.step_fields
        rec.process_steps = [ProcessStep(s.name, s.duration if with_duration else None, f"办理人员：{s.handler}")
                             for s in guide.steps]  # every renderer prints each step's handler
        rec.elements["process"] = " → ".join(s.name for s in guide.steps)
        rec.present.add("process")
    if guide.faq:
        rec.faq = [FaqPair(q, a) for q, a in guide.faq]
        rec.elements["faq"] = " ".join(f"{q} {a}" for q, a in guide.faq)
        rec.present.add("faq")
    return rec


def finding_keys(findings) -> list[tuple]:
    return sorted((f.rule, f.element or "", -1 if f.material is None else f.material, f.outcome) for f in findings)


def expected_findings(record: GuideRecord) -> list[tuple]:
    return finding_keys(run_checks(record, offline_codes()))


# ------------------------------------------------------------ normalising

_WS = re.compile(r"\s+")
_TRAIL = re.compile(r"[；;。，,、|｜\s]+$")
_DASH = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_PAREN_AREA = re.compile(r"[（(](0\d{2,3})[）)]-?")
_GLUED_AREA = re.compile(r"(?<!\d)(0(?:10|2\d|[3-9]\d{2}))-?(\d{7,8})(?!\d)")
_PHONE_JOIN = re.compile(r"(?<=\d)(?:[；;/，,]|或)(?=[\d(（])")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+(?=个?(?:工作日|自然日|日|天|份))")
_Q_PREFIX = re.compile(r"^(?:\d+\s*[.、．:：)）]|[（(]\d+[）)]|问\s*[:：]|Q\d*\s*[.:：]?)\s*")
_STEP_PREFIX = re.compile(r"^(?:第[0-9一二三四五六七八九十]+步|步骤[0-9]+|[0-9]+)\s*[.、．:：]?\s*")
_A_PREFIX = re.compile(r"^(?:答\s*[:：]|A\d*\s*[.:：]?)\s*")


def cn_to_int(text: str) -> int:
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def text_norm(value) -> str:
    """White space removed, trailing separators dropped, dashes made one
    (GBK's A1AA decodes to U+2014 or U+2015 depending on the codec's table)."""
    if value is None:
        return ""
    value = _WS.sub("", str(value)).translate(_DASH)
    return _TRAIL.sub("", value)


def phone_norm(value) -> str:
    value = unicodedata.normalize("NFKC", text_norm(value)).translate(_DASH)
    value = _PAREN_AREA.sub(r"\1-", value)
    value = _PHONE_JOIN.sub("、", value)
    return _GLUED_AREA.sub(r"\1-\2", value)


def limit_norm(value) -> str:
    return _CN_NUMBER.sub(lambda m: str(cn_to_int(m.group(0))), text_norm(value))


def norm(key: str, value) -> str:
    if key in PHONE_KEYS:
        return phone_norm(value)
    if key in LIMIT_KEYS or key == "duration":
        return limit_norm(value)
    return text_norm(value)


# ------------------------------------------------------------ comparing

def _short(v) -> str:
    s = "∅" if v is None else repr(v)
    return s if len(s) <= 70 else s[:67] + "…'"


def record_diff(exp: GuideRecord, got: GuideRecord) -> list[str]:
    """Differences as short lines, each starting with a kind ("element", "material", …)."""
    out: list[str] = []
    for key in TEXT_ORDER:
        # An element with no text is as good as absent (E001/E002 judge both alike).
        e, g = exp.elements.get(key) or None, got.elements.get(key) or None
        g = g if g is None or g.strip() else None
        if e is None and g is None:
            continue
        if e is None:
            out.append(f"element extra {key}: got {_short(g)}")
        elif g is None:
            out.append(f"element missing {key}: want {_short(e)}")
        elif norm(key, e) != norm(key, g):
            out.append(f"element value {key}: want {_short(e)} got {_short(g)}")
    for key in STRUCTURED:
        if exp.has(key) and not got.has(key):
            out.append(f"element missing {key}")
    em, gm = exp.materials, got.materials
    if len(em) != len(gm):
        out.append(f"materials count: want {len(em)} got {len(gm)}: got names {[m.name for m in gm]}")
    for i, (a, b) in enumerate(zip(em, gm)):
        ja, jb = a.to_json(), b.to_json()
        for f in dict.fromkeys([*ja, *jb]):
            if text_norm(ja.get(f)) != text_norm(jb.get(f)):
                kind = "missing" if f not in jb else "extra" if f not in ja else "value"
                out.append(f"material {kind} [{i}].{f}: want {_short(ja.get(f))} got {_short(jb.get(f))}")
    es, gs = exp.process_steps, got.process_steps
    if len(es) != len(gs):
        out.append(f"steps count: want {len(es)} got {len(gs)}: got {[s.name for s in gs]}")
    else:
        for i, (a, b) in enumerate(zip(es, gs)):
            if _STEP_PREFIX.sub("", text_norm(a.name)) != _STEP_PREFIX.sub("", text_norm(b.name)):
                out.append(f"step name [{i}]: want {_short(a.name)} got {_short(b.name)}")
            if a.duration is not None and norm("duration", a.duration) != norm("duration", b.duration):
                out.append(f"step duration [{i}]: want {_short(a.duration)} got {_short(b.duration)}")
    ef, gf = exp.faq, got.faq
    if len(ef) != len(gf):
        out.append(f"faq count: want {len(ef)} got {len(gf)}")
    else:
        for i, (a, b) in enumerate(zip(ef, gf)):
            if _Q_PREFIX.sub("", text_norm(a.question)) != _Q_PREFIX.sub("", text_norm(b.question)):
                out.append(f"faq question [{i}]: want {_short(a.question)} got {_short(b.question)}")
            if _A_PREFIX.sub("", text_norm(a.answer)) != _A_PREFIX.sub("", text_norm(b.answer)):
                out.append(f"faq answer [{i}]: want {_short(a.answer)} got {_short(b.answer)}")
    return out


def findings_diff(exp: list[tuple], got: list[tuple]) -> list[str]:
    out = []
    rest = list(got)
    for f in exp:
        if f in rest:
            rest.remove(f)
        else:
            out.append(f"finding missing {_fmt(f)}")
    out.extend(f"finding extra {_fmt(f)}" for f in rest)
    return out


def _fmt(f: tuple) -> str:
    rule, element, material, outcome = f
    return f"{rule} {element}" + (f"[{material}]" if material >= 0 else "") + f" {outcome}"
