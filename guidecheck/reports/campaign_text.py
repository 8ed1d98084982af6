"""A crawl campaign's results as files: JSON lines (one guide a line) and a
Chinese text report grouped by department, with the evidence of every finding."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from ..model import Finding
from .console import finding_line


def write_campaign_reports(db_path: Path, campaign_id: int, out: Path, results: list[dict]) -> dict[str, Path]:
    from ..store import Store

    store = Store(db_path)
    items = {i["item_key"]: i for i in store.items(campaign_id)}
    departments = {d["id"]: d["name"] for d in store.departments(campaign_id)}
    jsonl = out / "findings.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), encoding="utf-8")

    by_dept: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        item = items.get(r["item_key"], {})
        by_dept[departments.get(item.get("department_id"), "（未知部门）")].append(r)
    lines = [f"抓取任务 #{campaign_id} 检查报告", ""]
    for name, rows in by_dept.items():
        fails = sum(f["outcome"] == "fail" for r in rows for f in r["findings"])
        reviews = sum(f["outcome"] == "needs_review" for r in rows for f in r["findings"])
        lines.append(f"== {name}：指南 {len(rows)} 份，确认问题 {fails} 项，待复核 {reviews} 项 ==")
        for r in rows:
            if not r["findings"]:
                continue
            title = r["elements"].get("name") or items.get(r["item_key"], {}).get("name") or r["item_key"]
            lines.append(f"{title}  {r['source']}")
            lines.extend(finding_line(Finding(**{k: f.get(k) for k in ("rule", "element", "outcome", "message")},
                                              evidence=f.get("evidence", ""), material=f.get("material")))
                         for f in r["findings"])
        lines.append("")
    notes = store.notes(campaign_id)
    if notes:
        lines.append("== 抓取过程中记录的情况 ==")
        lines.extend(f"  {n}" for n in notes)
    report = out / "report.txt"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"报告": report, "明细（JSON 行）": jsonl}
