"""`guidecheck score --format text`: a Chinese table per department, for people."""
from __future__ import annotations

import unicodedata

from .model import CampaignScore, DepartmentScore, IndicatorScore, points_value

LEVEL_LABEL = {"city": "市级", "county": "县级"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _num(x) -> str:
    return "—" if x is None else str(points_value(x))


def _value(ind: IndicatorScore) -> str:
    if ind.form == "veto":
        return "否决" if ind.value else "未否决"
    if ind.form == "table":
        worst = sorted(ind.value.items(), key=lambda kv: kv[1])[:3]
        from ..catalog import element_title

        return "准确率最低：" + "、".join(f"{element_title(k)} {v:.0%}" for k, v in worst)
    if isinstance(ind.value, float):
        return f"{ind.value:.2%}"
    return ""


def _rows(dept: DepartmentScore) -> list[list[str]]:
    rows = [["指标", "编号", "分值", "扣分", "得分", "说明"]]
    for ind in dept.indicators:
        points = "—" if ind.form in ("veto", "table", "share") else _num(ind.points)
        if not ind.judged:
            rows.append([ind.title, ind.id, points, "—", "—", f"未判定：{ind.note}"])
            continue
        note = "；".join(part for part in (_value(ind), ind.note) if part)
        rows.append([ind.title, ind.id, points, _num(ind.deducted), _num(ind.score), note])
    rows.append(["合计（已判定指标）", "", _num(dept.total_points), "", _num(dept.total_score), ""])
    return rows


def render_text(campaign: CampaignScore, scheme_title: str = "") -> str:
    lines = [f"评估方案：{scheme_title or campaign.scheme_id}（{campaign.scheme_id}）", ""]
    for dept in campaign.departments:
        head = f"== {dept.name}（{LEVEL_LABEL.get(dept.level, dept.level)}，检查指南 {dept.checked} 份）"
        head += f"  单项否决：{dept.veto_reason}" if dept.veto else ""
        lines.append(head)
        rows = _rows(dept)
        widths = [max(_width(r[i]) for r in rows) for i in range(5)]
        for r in rows:
            lines.append(("  " + "  ".join(_pad(c, widths[i]) for i, c in enumerate(r[:5])) + "  " + r[5]).rstrip())
        if dept.veto_guides:
            lines.append("  导致否决的指南：" + "、".join(dept.veto_guides))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
