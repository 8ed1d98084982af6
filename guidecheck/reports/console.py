"""Console output of `guidecheck check`: readable Chinese text, or JSON lines."""
from __future__ import annotations

import json

from ..catalog import element_title, rules
from ..model import Finding

OUTCOME_LABEL = {"fail": "确认", "needs_review": "待复核"}


def jsonl_line(guide) -> str:
    return json.dumps(guide.to_json(), ensure_ascii=False)


def finding_line(f: Finding) -> str:
    where = element_title(f.element) if f.element else ""
    if f.material is not None:
        where += f"·第{f.material + 1}项材料"
    title = rules()[f.rule].title if f.rule in rules() else f.rule
    evidence = f.evidence if len(f.evidence) <= 80 else f.evidence[:77] + "…"
    parts = [f"  {f.rule} [{OUTCOME_LABEL.get(f.outcome, f.outcome)}] {title}"]
    if where:
        parts.append(f"（{where}）")
    if f.message and f.message != title:
        parts.append(f"：{f.message}")
    if evidence:
        parts.append(f"  证据：{evidence}")
    return "".join(parts)


def text_block(guide) -> str:
    record = guide.record
    name = record.elements.get("name", "（无事项名称）")
    header = f"{record.source}  {name}  —  "
    header += f"{len(guide.findings)} 项问题" if guide.findings else "未发现问题"
    return "\n".join([header, *(finding_line(f) for f in guide.findings)])


def summary_line(guides: int, findings: int, review: int, errors: int) -> str:
    text = f"共检查 {guides} 份指南，发现问题 {findings} 项（其中待复核 {review} 项）"
    if errors:
        text += f"，{errors} 个输入无法读取"
    return text
