"""report.html: one self-contained page (inline CSS, inline script, inline SVG
chart) rendered with Jinja2, autoescape on for everything.

Everything in the model that came from a crawled page (item names, messages,
evidence, URLs) is only ever inserted as escaped text; a URL becomes an href
only when it is plain http(s) (tables.safe_href) and a screenshot an <img src>
only when it is a relative path (tables.safe_src). The page's Content Security
Policy allows no script but its own (by hash), as a second wall."""
from __future__ import annotations

import base64
import functools
import hashlib
from collections import Counter
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..catalog import element_title
from .tables import (TEMPLATE_DIR, http_note, indicator_titles, label, labels, material_text, points, ranking,
                     safe_href, safe_src, word)

STATUS_ORDER = ("counted", "confirmed", "upheld", "needs_review", "dismissed", "overturned", "not_counted")

# The ranking chart's geometry (SVG user units).
CHART = {"width": 820, "label": 200, "bar_x": 212, "bar": 440, "row": 34, "top": 26, "bottom": 10}
NAME_MAX = 14  # characters of a department name before the chart shortens it


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _asset(name: str) -> str:
    return (TEMPLATE_DIR / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _share_text(value) -> str:
    return f"{float(value):.1%}"


def _value_text(value) -> str:
    """A metric's value: a rate in [0, 1] as a percentage, anything else to two decimals."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return _share_text(value) if 0 <= value <= 1 else f"{value:.2f}"


def _deducts_in(f: dict, indicator: str) -> float:
    return sum(float(d.get("amount") or 0) for d in f.get("deductions") or [] if d.get("indicator") == indicator)


def _indicator_view(ind: dict, mine: list[dict]) -> dict:
    judged = ind.get("judged", True)
    value = ind.get("value")
    behind = [f for f in mine if f.get("indicator") == ind["id"] or _deducts_in(f, ind["id"])]
    shares = []
    if isinstance(value, dict):
        shares = [{"element": element_title(k), "text": _share_text(v), "width": max(0.0, min(1.0, float(v))) * 100}
                  for k, v in value.items() if isinstance(v, (int, float))]
    return {
        "id": ind["id"], "title": ind.get("title") or ind["id"], "clause": ind.get("clause") or "",
        "judged": judged,
        "points": points(ind.get("points")) if ind.get("points") else word("none"),  # 0: carries no points
        "deducted": points(ind.get("deducted")) if judged and ind.get("deducted") is not None else word("none"),
        "score": (points(ind.get("score")) if ind.get("score") is not None else word("none")) if judged
        else word("not_judged"),
        "value": _value_text(value) if judged else "",
        "verdict": value if judged and isinstance(value, bool) else None,
        "shares": shares,
        "findings": len(behind),
        "deducting": sum(_deducts_in(f, ind["id"]) > 0 for f in behind),
        "findings_sum": points(sum(_deducts_in(f, ind["id"]) for f in behind)),
    }


def _clauses(f: dict) -> list[dict]:
    texts = {c.get("code"): c for c in f.get("clause_texts") or []}
    out = []
    for code in f.get("clauses") or []:
        c = texts.get(code) or {}
        out.append({"code": code, "document": c.get("document") or "",
                    "text": c.get("text") or (f"{c['document']}（{code}）" if c.get("document") else code)})
    return out


def _finding_view(f: dict, anchors: dict[str, str], titles: dict[str, str], forms: dict[str, str]) -> dict:
    link = f.get("link") or None
    status = f.get("status") or ""
    deductions = [{"indicator": d.get("indicator"), "raw": d.get("amount"), "amount": points(d.get("amount") or 0),
                   "title": d.get("indicator_title") or titles.get(d.get("indicator"), d.get("indicator") or "")}
                  for d in f.get("deductions") or [] if d.get("amount")]
    if not deductions and f.get("deducts"):  # a model without per-indicator deductions
        deductions = [{"indicator": f.get("indicator"), "raw": f.get("amount"), "amount": points(f.get("amount")),
                       "title": titles.get(f.get("indicator"), f.get("indicator") or "")}]
    return {
        "key": f.get("key") or "",
        "department": f.get("department") or "",
        "anchor": anchors.get(f.get("department"), ""),
        "item_name": f.get("item_name") or "",
        "url": f.get("url") or "",
        "href": safe_href(f.get("url")),
        "source": f.get("source") or "",
        "rule": f.get("rule") or "",
        "rule_title": f.get("rule_title") or "",
        "clauses": _clauses(f),
        "deductions": deductions,
        "shared": any(forms.get(d["indicator"]) == "all_or_nothing" for d in deductions),
        "element": f.get("element_title") or f.get("element") or "",
        "material": material_text(f.get("material")),
        "outcome": label("outcome", f.get("outcome")),
        "status": status,
        "status_label": label("status", status),
        "status_class": labels()["status_class"].get(status, "cleared"),
        "deducts": bool(f.get("deducts")),
        "amount": points(f.get("amount") or 0),
        "indicator": titles.get(f.get("indicator"), f.get("indicator") or ""),
        "message": f.get("message") or "",
        # a link finding's evidence is its URL: shown once, in the link result
        "evidence": "" if link and f.get("evidence") == link.get("url") else f.get("evidence") or "",
        "link": None if not link else {
            "url": link.get("url") or "", "href": safe_href(link.get("url")),
            "status": label("link_status", link.get("status")), "reason": link.get("reason") or "",
            "http": http_note(link),
            "tone": {"ok": "", "skipped": "", "review": "review"}.get(link.get("status"), "bad"),
        },
        "screenshot": f.get("screenshot") or "",
        "screenshot_src": safe_src(f.get("screenshot")),
        "trace_src": safe_src(f.get("trace")),
        "page_src": safe_src(f.get("page_snapshot")),
        "fix": f.get("fix") or "",
    }


def _chart(ranked: list[tuple[int | None, dict]]) -> dict | None:
    """Bars of the ranking chart, drawn here so the page needs no chart library.
    Each department's full points are a pale bar behind its score."""
    top = max([float(d.get("total_points") or 0) for _, d in ranked]
              + [float(d.get("total_score") or 0) for _, d in ranked] + [0.0])
    if top <= 0:
        return None
    c = CHART
    bars = []
    for i, (rank, dept) in enumerate(ranked):
        score = dept.get("total_score")
        full = float(dept.get("total_points") or 0)
        width = c["bar"] * max(0.0, float(score or 0)) / top
        back = c["bar"] * full / top
        name = dept["name"]
        bars.append({
            "y": c["top"] + i * c["row"], "name": name,
            "short": name if len(name) <= NAME_MAX else name[:NAME_MAX - 1] + "…",
            "width": round(width, 1), "back": round(back, 1), "veto": bool(dept.get("veto")),
            "rank": rank, "text_x": round(c["bar_x"] + max(width, back) + 6, 1),
            "value": f"{points(score) if score is not None else word('none')} / {points(full)}",
        })
    ticks = [{"x": round(c["bar_x"] + c["bar"] * k / 4, 1), "label": f"{top * k / 4:g}"} for k in range(5)]
    height = c["top"] + len(bars) * c["row"] + c["bottom"]
    return {**c, "bars": bars, "ticks": ticks, "height": height, "axis_bottom": height - c["bottom"]}


def render_html(model: dict) -> str:
    departments = model.get("departments") or []
    findings = model.get("findings") or []
    titles = indicator_titles(model)
    anchors = {d["name"]: f"dept-{i}" for i, d in enumerate(departments, 1)}
    ranked = ranking(departments)
    rank_of = {id(d): r for r, d in ranked}

    cards = []
    for dept in departments:
        mine = [f for f in findings if f.get("department") == dept["name"]]
        total = dept.get("total_score")
        cards.append({
            "name": dept["name"], "anchor": anchors[dept["name"]], "level": label("level", dept.get("level")),
            "checked": dept.get("checked"), "veto": bool(dept.get("veto")),
            "veto_reason": dept.get("veto_reason") or "",
            "rank": rank_of.get(id(dept)),
            "scored": total is not None or bool(dept.get("total_points")),
            "total_score": points(total) if total is not None else word("none"),
            "total_points": points(dept.get("total_points") or 0),
            "indicators": [_indicator_view(ind, mine) for ind in dept.get("indicators") or []],
            "findings": len(mine), "deducting": sum(bool(f.get("deducts")) for f in mine),
            "review": sum(f.get("status") == "needs_review" for f in mine),
        })

    forms = {ind["id"]: ind.get("form") or "" for d in departments for ind in d.get("indicators") or []}
    rows = [_finding_view(f, anchors, titles, forms) for f in findings]
    rules = sorted({(r["rule"], r["rule_title"]) for r in rows})
    present = Counter(r["status"] for r in rows)
    statuses = [(s, label("status", s)) for s in STATUS_ORDER if s in present]
    statuses += [(s, label("status", s)) for s in sorted(present) if s not in STATUS_ORDER]
    script = _asset("report.js")
    campaign = {k: (model.get("campaign") or {}).get(k) for k in ("id", "name", "created_at")}
    scheme = {k: (model.get("scheme") or {}).get(k) for k in ("id", "title", "source", "sha256")}
    card_of = {id(d): card for d, card in zip(departments, cards)}
    return _environment().get_template("report.html.j2").render(
        page_title=f"{campaign['name'] or ''} {word('report_title')}".strip(),
        generated_at=model.get("generated_at") or "", catalog_version=model.get("catalog_version") or "",
        zone_label=labels()["timezones"].get(model.get("timezone") or "Asia/Shanghai", model.get("timezone") or ""),
        local_portal=bool(model.get("local_portal")),
        campaign=campaign, scheme=scheme,
        cards=cards, ranked=[card_of[id(d)] for _, d in ranked], chart=_chart(ranked), rows=rows,
        departments=[d["name"] for d in departments], rules=rules, statuses=statuses,
        totals={"departments": len(departments), "checked": sum(int(d.get("checked") or 0) for d in departments),
                "findings": len(rows), "deducting": sum(r["deducts"] for r in rows),
                "review": present.get("needs_review", 0),
                "cleared": sum(r["status_class"] == "cleared" for r in rows)},
        words=labels()["words"], columns=labels()["finding_columns"], summary_columns=labels()["summary_columns"],
        css=Markup(_asset("report.css")), script=Markup(script), script_hash=_csp_hash(script))


def write_html(model: dict, path: Path) -> Path:
    path.write_text(render_html(model), encoding="utf-8")
    return path
