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


def replay_summary(rows: list[dict], stored: list[dict], campaign_id: int) -> str:
    """`guidecheck replay` in words: guides rechecked from the snapshots, findings,
    and whether each guide's findings equal those stored by the crawl (the rules
    a replay runs: the offline ones; link, journey and homepage results are not
    rechecked)."""
    def mark(f: dict) -> tuple:
        return f["rule"], f.get("element"), f.get("material"), f["outcome"]

    replayed: dict[str, list] = {}
    for row in rows:
        replayed.setdefault(row["item_key"], []).extend(mark(f) for f in row.get("findings") or [])
    codes = {m[0] for marks in replayed.values() for m in marks}
    before: dict[str, list] = {}
    for f in stored:
        if f.get("item_key") in replayed and f["rule"] in codes | _offline():
            before.setdefault(f["item_key"], []).append(mark(f))
    same = sum(sorted(marks, key=str) == sorted(before.get(key, []), key=str) for key, marks in replayed.items())
    findings = sum(len(m) for m in replayed.values())
    review = sum(m[3] == "needs_review" for marks in replayed.values() for m in marks)
    lines = [f"抓取任务 #{campaign_id}：不联网，用保存的快照重新检查 {len(replayed)} 份指南，"
             f"发现问题 {findings} 项（其中待复核 {review} 项）。",
             f"与抓取时的检查结果一致 {same} 份，不一致 {len(replayed) - same} 份（只比较离线规则；"
             "链接、在线办理和网站首页的结果不重放）。",
             "逐份指南的结果：加 --format jsonl 按 JSON 行输出。"]
    return "\n".join(lines)


def _offline() -> set[str]:
    from ..offline import offline_codes

    return set(offline_codes())
