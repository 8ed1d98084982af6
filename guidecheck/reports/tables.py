"""The campaign report as tables: finding rows shared by findings.csv and the
Excel workbook, the Chinese labels they use, the rule that makes a spreadsheet
cell inert, and the CSV and JSON writers.

A spreadsheet cell is inert when its text cannot be read as a formula. We follow
OWASP's CSV-injection advice: a text starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return gets a leading apostrophe ``'``. The full-width
forms (``＝＋－＠``) are treated the same, since Chinese input methods type them
and spreadsheet programs in a Chinese locale may take them for a formula.
"""
from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from urllib.parse import urlsplit

import yaml

TEMPLATE_DIR = Path(__file__).parent / "templates"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# The order of the finding columns in the Excel detail sheets (findings.csv adds
# the department first and the finding's key last).
FINDING_COLUMNS = ("item_name", "rule", "rule_title", "clauses", "element", "material", "status", "amount",
                   "message", "evidence", "fix", "indicator", "url")


@functools.cache
def labels() -> dict:
    return yaml.safe_load((TEMPLATE_DIR / "labels.yaml").read_text(encoding="utf-8"))


def label(group: str, code) -> str:
    """The Chinese word for a code (a status, outcome, level…), or the code itself."""
    if code is None:
        return ""
    return labels()[group].get(code, str(code))


def word(name: str, **fields) -> str:
    text = labels()["words"][name]
    return text.format(**fields) if fields else text


def inert(value):
    """A cell value that a spreadsheet will not run as a formula (OWASP: prefix ')."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def points(value) -> str:
    """Points as the reports print them: two decimals (schemes.md)."""
    return "" if value is None else f"{float(value):.2f}"


def material_text(material) -> str:
    # `material` is the 0-based index of the material row (as in model.Finding).
    return word("material", n=material + 1) if isinstance(material, int) else ""


def http_note(link: dict) -> str:
    """"HTTP 429" for a link result, unless its reason already says it."""
    code = link.get("http_status")
    if not code:
        return ""
    text = word("http", code=code)
    return "" if text in (link.get("reason") or "") else text


def link_text(link: dict | None) -> str:
    if not link:
        return ""
    parts = [label("link_status", link.get("status"))]
    if link.get("reason"):
        parts.append(link["reason"])
    parts.append(http_note(link))
    return f"{word('link')}：{link.get('url', '')}（{'，'.join(p for p in parts if p)}）"


def evidence_text(finding: dict) -> str:
    """The evidence of a finding as one text: the quoted page text, the link
    result, the screenshot's path."""
    link = finding.get("link") or {}
    # a link finding's evidence is its URL: given once, with the link result
    evidence = finding.get("evidence") or ""
    lines = [evidence if evidence != link.get("url") else ""]
    if link:
        lines.append(link_text(finding["link"]))
    if finding.get("screenshot"):
        lines.append(f"{word('screenshot')}：{finding['screenshot']}")
    if finding.get("trace"):
        lines.append(f"{word('trace')}：{finding['trace']}")
    if finding.get("page_snapshot"):
        lines.append(f"{word('page_snapshot')}：{finding['page_snapshot']}")
    return "\n".join(line for line in lines if line)


def _clause_words(finding: dict) -> list[str]:
    """Each clause in words (the seed's sentence), the code in brackets."""
    texts = {c.get("code"): c.get("text") for c in finding.get("clause_texts") or []}
    return [f"{texts[c]}（{c}）" if texts.get(c) else c for c in finding.get("clauses") or []]


def indicator_titles(model: dict) -> dict[str, str]:
    titles: dict[str, str] = {}
    for dept in model.get("departments") or []:
        for ind in dept.get("indicators") or []:
            titles.setdefault(ind["id"], ind.get("title") or ind["id"])
    return titles


def finding_row(finding: dict, indicator_title: dict[str, str]) -> dict:
    """One finding as the values of the finding columns (not yet made inert)."""
    indicator = finding.get("indicator")
    return {
        "department": finding.get("department") or "",
        "item_name": finding.get("item_name") or "",
        "rule": finding.get("rule") or "",
        "rule_title": finding.get("rule_title") or "",
        "clauses": "；".join(_clause_words(finding)),
        "element": finding.get("element_title") or finding.get("element") or "",
        "material": material_text(finding.get("material")),
        "status": label("status", finding.get("status")),
        "amount": round(float(finding.get("amount") or 0), 2) if finding.get("deducts") else None,
        "message": finding.get("message") or "",
        "evidence": evidence_text(finding),
        "fix": finding.get("fix") or "",
        "indicator": "；".join(f"{d.get('indicator_title') or indicator_title.get(d.get('indicator'), '')} "
                              f"{float(d.get('amount') or 0):.2f}" for d in finding.get("deductions") or [])
        or indicator_title.get(indicator, indicator or ""),
        "url": finding.get("url") or finding.get("source") or "",
        "key": finding.get("key") or "",
    }


def write_csv(model: dict, path: Path) -> Path:
    """findings.csv: every finding, one a row, UTF-8 with a BOM so that Excel
    opens the Chinese correctly; every text cell inert."""
    columns = ("department", *FINDING_COLUMNS, "key")
    heads = labels()["finding_columns"]
    titles = indicator_titles(model)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([heads[c] for c in columns])
        for finding in model.get("findings") or []:
            row = finding_row(finding, titles)
            writer.writerow([inert("" if row[c] is None else row[c]) for c in columns])
    return path


def write_json(model: dict, path: Path) -> Path:
    """report.json: the report model itself."""
    path.write_text(json.dumps(model, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def ranking(departments: list[dict]) -> list[tuple[int | None, dict]]:
    """Departments best first, each with its rank. A department without a total
    score comes after the scored ones and a vetoed one (单项否决) last, whatever
    its points; neither has a rank. Equal scores (to two decimals) share a rank
    (1, 2, 2, 4)."""
    def score(d):
        return round(float(d["total_score"]), 2) if d.get("total_score") is not None else None

    ordered = sorted(departments, key=lambda d: (bool(d.get("veto")), score(d) is None, -(score(d) or 0)))
    out, rank, last = [], 0, None
    for position, dept in enumerate(ordered, 1):
        if dept.get("veto") or score(dept) is None:
            out.append((None, dept))
            continue
        if score(dept) != last:
            rank, last = position, score(dept)
        out.append((rank, dept))
    return out


def safe_href(url) -> str | None:
    """The URL when it may stand in an href: an absolute http(s) URL with a host
    and no white space or control character (so no ``javascript:`` and no
    ``java\tscript:``); else None and the URL is shown as text only."""
    if not isinstance(url, str) or not url or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    if not url[:8].lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def safe_src(path) -> str | None:
    """A screenshot path for an <img src>: a path relative to the report folder
    (or an absolute local path); no scheme (no ``javascript:``, ``data:``), not
    protocol-relative, no control character. Else None: shown as text only."""
    if not isinstance(path, str) or not path or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        return None
    if path.startswith(("//", "\\\\", "/\\", "\\/")):
        return None
    if ":" in path.split("/", 1)[0]:
        return None
    return path
