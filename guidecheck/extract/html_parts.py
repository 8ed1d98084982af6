"""Structured parts read from running text: numbered material lists, process
steps (numbered or arrow chains) and FAQ pairs (问/答, Q/A, dt/dd, questions
ending in ？)."""
from __future__ import annotations

import functools
import re

from .. import catalog
from ..model import FaqPair, Material, ProcessStep
from .text import collapse

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_NUM_RE = re.compile(
    r"(?P<par>[（(]\s*(?P<pv>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）])"
    r"|(?P<cir>[①-⑳])"
    r"|(?P<step>第(?P<sv>\d{1,2}|[一二三四五六七八九十]{1,3})步)"
    r"|(?<![\d.．])(?P<ara>\d{1,2})\s*[、.．)）](?![\d])"
    r"|(?P<chn>[一二三四五六七八九十]{1,3})\s*[、.．]"
)
_ARROW_RE = re.compile(r"\s*(?:→|->|—>|－>|=>|⇒|➔|➜|➡|⟶|＞|>)\s*")
_TRAIL_PUNCT = "；;。，,、 "
_DUR = r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百]+)\s*个?\s*(?:工作日|自然日|日|天|小时|个月)"
_DUR_RE = re.compile(rf"(?:时限[：:为]?\s*({_DUR}(?:内)?|即办)|[（(]\s*({_DUR}(?:内)?|即办)\s*[)）])")


_DUR_TAIL_RE = re.compile(rf"(?:^|[\s\u3000])({_DUR}(?:内)?|即办)\s*$")
_STEP_NO_RE = re.compile(r"^\s*(?:第\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:步|环节|阶段)"
                         r"|(?:步骤|环节|Step|STEP|step)\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3}))\s*[：:、.．]?\s*")
_DUR_ONLY_RE = re.compile(rf"^\s*(?:(?:办理)?时限[：:为]?\s*)?({_DUR}(?:内)?|即办(?:件)?|当场办结|立即办理)\s*$")


def duration_of(text: str) -> str | None:
    """The duration a step's text states: all of it ("5个工作日", "即办"), or
    "时限：…" / a bracketed "（3个工作日）" inside it."""
    m = _DUR_ONLY_RE.match(text)
    if m:
        return m.group(1)
    d = _DUR_RE.search(text)
    if d:
        return d.group(1) or d.group(2)
    d = _DUR_TAIL_RE.search(text)  # "窗口工作人员　即办": the last word
    return d.group(1) if d else None


def _cn_value(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 1:
        return _CN.get(s, 0)
    if s.startswith("十"):
        return 10 + _CN.get(s[1:], 0)
    if len(s) == 2 and s.endswith("十"):
        return _CN.get(s[0], 0) * 10
    if len(s) == 3 and s[1] == "十":
        return _CN.get(s[0], 0) * 10 + _CN.get(s[2], 0)
    return 0


def _num_of(m: re.Match) -> tuple[str, int]:
    if m.group("par"):
        return "par", _cn_value(m.group("pv"))
    if m.group("cir"):
        return "cir", _CIRCLED.index(m.group("cir")) + 1
    if m.group("step"):
        return "step", _cn_value(m.group("sv"))
    if m.group("ara"):
        return "ara", int(m.group("ara"))
    return "chn", _cn_value(m.group("chn"))


def numbered_items(text: str, keep_lines: bool = False) -> list[str]:
    """Items of a list numbered 1, 2, 3 … (or 一、二、, （1）, ①, 第1步), split where
    the numbers run in sequence; [] when the text does not start such a list."""
    style = None
    expect = 1
    cuts: list[tuple[int, int]] = []
    for m in _NUM_RE.finditer(text):
        st, v = _num_of(m)
        if style is None:
            if v != 1 or text[: m.start()].strip(" \n\t:：") != "":
                continue
            style = st
        elif st != style or v != expect:
            continue
        cuts.append((m.start(), m.end()))
        expect += 1
    if not cuts:
        return []
    items = []
    for k, (a, b) in enumerate(cuts):
        end = cuts[k + 1][0] if k + 1 < len(cuts) else len(text)
        b = b + len(text[b:end]) - len(text[b:end].lstrip("：: "))  # "第一步：受理"
        if keep_lines:  # the item's first line stays apart (a step's name above its detail)
            item = "\n".join(x for x in (collapse(p) for p in text[b:end].split("\n")) if x).strip(_TRAIL_PUNCT)
        else:
            item = collapse(text[b:end]).strip(_TRAIL_PUNCT)
        if item:
            items.append(item)
    return items


@functools.cache
def _vocab_words(key: str) -> tuple[str, ...]:
    return tuple(catalog.vocab().get(key, []) or ())


@functools.cache
def _placeholders() -> frozenset[str]:
    return frozenset(catalog.vocab().get("placeholders", {}).get("exact", []))


def materials_from_lines(lines: list[str]) -> list[Material]:
    text = "\n".join(lines).strip()
    if not text or text.strip(_TRAIL_PUNCT) in _placeholders():
        return []
    items = numbered_items(text)
    if not items:
        notes = _vocab_words("material_note_prefixes")
        for ln in lines:
            ln = collapse(ln).strip(_TRAIL_PUNCT)
            if not ln or ln.endswith(("：", ":")) or any(ln.startswith(p) for p in notes):
                continue
            items.extend(p.strip(_TRAIL_PUNCT) for p in re.split(r"[；;]", ln) if p.strip(_TRAIL_PUNCT))
    from .html_materials import material_from_text

    out = []
    for i in items:
        if i in _placeholders():
            continue
        m = material_from_text(i)  # brackets saying source / copies / medium become fields
        out.append(m if m is not None else Material(name=i))
    return out


def step_from_text(item: str) -> ProcessStep:
    """One step from its text: "受理：窗口核对材料（1个工作日）" -> name, detail, duration.
    "第一步：受理" is the step 受理; a first line of its own names the step."""
    item = _STEP_NO_RE.sub("", item, count=1) or item
    if "\n" in item:
        head, _, rest = item.partition("\n")
        head, rest = head.strip(_TRAIL_PUNCT), collapse(rest)
        if head and len(head) <= 20 and rest:
            d = _DUR_RE.search(rest) or _DUR_RE.search(head)
            dur = (d.group(1) or d.group(2)) if d else duration_of(rest)
            return ProcessStep(name=head, duration=dur, detail=rest)
        item = collapse(item)
    name, detail = item, None
    m = re.match(r"^([^：:，,。；;]{1,12})[：:]\s*(.*)$", item)
    if m:
        name, detail = m.group(1).strip(), (m.group(2).strip() or None)
    elif len(item) > 12:
        head = re.split(r"[，,。；;（(]", item, maxsplit=1)[0].strip()
        name, detail = (head[:20] or item[:20]), item
    dur = None
    d = _DUR_RE.search(item)
    if d:
        dur = d.group(1) or d.group(2)
        if name.endswith(d.group(0)):
            name = name[: -len(d.group(0))].strip() or name
    return ProcessStep(name=name, duration=dur, detail=detail)


_ARROW_CHARS_RE = re.compile(r"[→>⇒➔➜➡⟶＞]")  # cheap test before _ARROW_RE.split


_LIST_TAGS = frozenset(("li", "dd", "p", "div", "td"))
_SHORT_STEP = 40


def steps_from_lines(lines: list[str], tags: list[str] | None = None, srcs: list | None = None) -> list[ProcessStep]:
    """Steps of a process section: an arrow chain, a numbered list, or a list
    (li items; or three or more short lines of one kind) under the heading."""
    for ln in lines:
        if not _ARROW_CHARS_RE.search(ln):
            continue
        parts = [p for p in _ARROW_RE.split(collapse(ln)) if p.strip()]
        if len(parts) >= 3 or (len(parts) == 2 and all(len(p) <= 12 for p in parts)):
            first = re.split(r"[：:]", parts[0])[-1].strip()
            names = [first] + [p.strip(_TRAIL_PUNCT) for p in parts[1:]]
            return [ProcessStep(name=n) for n in names if n]
    items = numbered_items("\n".join(lines), keep_lines=True)
    if len(items) >= 2 or not tags:
        return [step_from_text(i) for i in items]
    from .html_materials import has_field
    from .html_steps import step_of_line

    srcs = srcs or [None] * len(lines)
    rows = [(collapse(t), g) for t, g in zip(lines, tags) if collapse(t)]
    li = [(t, ln) for t, g, ln in zip(lines, tags, srcs) if g == "li" and collapse(t)]
    if len(li) >= 2 and len(li) >= len(rows) - 1:
        return [step_of_line(t, ln) for t, ln in li]
    if len(rows) >= 3 and len({g for _, g in rows}) == 1 and rows[0][1] in _LIST_TAGS \
            and all(len(t) <= _SHORT_STEP for t, _ in rows) \
            and not any(has_field(collapse(t), "process", ln) for t, ln in zip(lines, srcs) if collapse(t)):
        return [step_from_text(t) for t, _ in rows]  # short lines, none a step's field (时限：…)
    return [step_from_text(i) for i in items]


@functools.cache
def _faq_res() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    marks = catalog.vocab().get("faq_markers", {})
    q = "|".join(re.escape(w) for w in sorted(marks.get("question", []), key=len, reverse=True))
    a = "|".join(re.escape(w) for w in sorted(marks.get("answer", []), key=len, reverse=True))
    qre = re.compile(rf"^(?:{q})\s*\d*\s*[：:．.、]\s*")
    are = re.compile(rf"^(?:{a})\s*\d*\s*[：:．.、]\s*")
    inline_a = re.compile(rf"\s(?:{a})\s*[：:]\s*|(?<=[？?。])\s*(?:{a})\s*[：:]\s*")
    return qre, are, inline_a


_LEAD_NUM_RE = re.compile(r"^\s*[-•●◆■□▪·*＊>»]*\s*(?:[（(]?\d{1,2}[)）]|\d{1,2}\s*[、.．](?!\d)|[一二三四五六七八九十]{1,3}\s*[、.．]|[①-⑳]|Q?\d{1,2}[:：])\s*")


def faq_from_lines(lines: list[tuple[str, str]]) -> list[FaqPair]:
    """lines: (text, block tag)."""
    qre, are, inline_a = _faq_res()
    pairs: list[FaqPair] = []
    answer: list[str] = []

    def close():
        if pairs and answer:
            pairs[-1].answer = collapse(" ".join(answer))
        answer.clear()

    for raw, tag in lines:
        text = collapse(raw)
        if not text:
            continue
        body = _LEAD_NUM_RE.sub("", text, count=1)
        numbered = body != text
        if tag == "dt":
            close()
            pairs.append(FaqPair(question=body))
            continue
        if tag == "dd" and pairs:
            answer.append(are.sub("", body, count=1))
            continue
        mq = qre.match(body)
        if mq:
            close()
            rest = body[mq.end():]
            ma = inline_a.search(rest)
            if ma:
                pairs.append(FaqPair(question=rest[: ma.start()].strip()))
                answer.append(rest[ma.end():])
            else:
                pairs.append(FaqPair(question=rest))
            continue
        ma = are.match(body)
        if ma and pairs:
            answer.append(body[ma.end():])
            continue
        qs = [i for i in (body.find("？"), body.find("?")) if i >= 0]
        qpos = min(qs) if qs else -1
        if qpos >= 0 and (numbered or qpos == len(body) - 1 or ((not pairs or answer) and qpos < 80)):
            close()
            pairs.append(FaqPair(question=body[: qpos + 1].strip()))
            rest = body[qpos + 1:].strip()
            ma = are.match(rest)
            if ma:
                rest = rest[ma.end():]
            if rest:
                answer.append(rest)
            continue
        if pairs:
            answer.append(body)
    close()
    return [p for p in pairs if p.question]
