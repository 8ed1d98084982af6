"""report.xlsx: a 汇总 sheet (one row per department, one column per indicator)
and one 扣分明细 sheet per department with its findings; a 逐要素通过率 sheet
when an indicator reports a share per element (national-2019).

Every text taken from the model is made inert (tables.inert) and stripped of
the control characters a workbook cannot hold."""
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from ..catalog import element_title
from .tables import FINDING_COLUMNS, finding_row, indicator_titles, inert, label, labels, ranking, safe_href, word

SHEET_NAME_MAX = 31
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
RESERVED_SHEETS = ("History",)  # Excel keeps this name for itself

HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(bold=True, size=13)
VETO_FILL = PatternFill("solid", fgColor="F8CBAD")
MUTED_FONT = Font(color="808080")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

FINDING_WIDTHS = {"item_name": 28, "rule": 8, "rule_title": 20, "clauses": 22, "element": 12, "material": 10,
                  "status": 14, "amount": 7, "message": 44, "evidence": 40, "fix": 30, "indicator": 16, "url": 36}
WRAPPED = {"item_name", "rule_title", "clauses", "message", "evidence", "fix", "indicator"}


def clean(value):
    """A value a cell can hold and a spreadsheet will not run."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return inert(value)


def sheet_names(departments: list[str], reserved: tuple[str, ...]) -> list[str]:
    """A sheet name per department: at most 31 characters, none of []:*?/\\, no
    apostrophe at either end, unique ignoring case (as Excel compares them)."""
    taken = {name.casefold() for name in (*reserved, *RESERVED_SHEETS)}
    names = []
    for department in departments:
        base = SHEET_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", department or "")).strip().strip("'")
        base = base.replace("'", "’") or "部门"
        name, n = base[:SHEET_NAME_MAX], 1
        while name.casefold() in taken:
            n += 1
            suffix = f"({n})"
            name = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _head(ws, row: int, titles: list[str]) -> None:
    for col, title in enumerate(titles, 1):
        cell = ws.cell(row=row, column=col, value=clean(title))
        cell.font, cell.fill, cell.alignment = HEAD_FONT, HEAD_FILL, Alignment(wrap_text=True, vertical="center")


def _finish(ws, head_row: int, ncols: int, freeze: str) -> None:
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A{head_row}:{get_column_letter(ncols)}{max(ws.max_row, head_row)}"


def _indicator_columns(departments: list[dict]) -> list[tuple[str, str]]:
    """(id, header) of every indicator, in the order the departments give them;
    the header names the points when every department has the same."""
    order: dict[str, dict] = {}
    for dept in departments:
        for ind in dept.get("indicators") or []:
            entry = order.setdefault(ind["id"], {"title": ind.get("title") or ind["id"], "points": set()})
            entry["points"].add(ind.get("points"))
    columns = []
    for ind_id, entry in order.items():
        pts = entry["points"]
        head = entry["title"]
        if len(pts) == 1 and (only := next(iter(pts))):
            head += f"（{float(only):g}分）"
        columns.append((ind_id, head))
    return columns


def _indicator_cell(ind: dict | None):
    if ind is None:
        return word("none"), MUTED_FONT
    if not ind.get("judged", True):
        return word("not_judged"), MUTED_FONT
    if isinstance(ind.get("value"), bool):  # a veto's verdict
        return word("verdict_true") if ind["value"] else word("verdict_false"), None
    if isinstance(ind.get("value"), dict):
        return word("see_element_shares"), MUTED_FONT
    if ind.get("score") is None:
        return word("none"), MUTED_FONT
    return round(float(ind["score"]), 2), None


def write_xlsx(model: dict, path: Path) -> Path:
    departments = model.get("departments") or []
    findings = model.get("findings") or []
    heads = labels()["summary_columns"]
    fheads = labels()["finding_columns"]
    shares = [(d, ind) for d in departments for ind in d.get("indicators") or [] if isinstance(ind.get("value"), dict)]
    reserved = (word("summary"),) + ((word("element_shares"),) if shares else ())
    names = {id(d): n for d, n in zip(departments, sheet_names([d["name"] for d in departments], reserved))}
    titles = indicator_titles(model)

    wb = Workbook()
    ws = wb.active
    ws.title = word("summary")
    scheme = model.get("scheme") or {}
    campaign = model.get("campaign") or {}
    title = f"{campaign.get('name') or ''} {word('report_title')}——{scheme.get('title') or ''}".strip()
    ws.cell(row=1, column=1, value=clean(title)).font = TITLE_FONT
    indicator_columns = _indicator_columns(departments)
    summary_heads = [heads["rank"], heads["department"], heads["level"], heads["checked"],
                     *(h for _, h in indicator_columns),
                     heads["total_score"], heads["total_points"], heads["veto"], heads["veto_reason"],
                     heads["deducting"], heads["needs_review"]]
    _head(ws, 2, summary_heads)
    for row, (rank, dept) in enumerate(ranking(departments), 3):
        mine = [f for f in findings if f.get("department") == dept["name"]]
        by_id = {ind["id"]: ind for ind in dept.get("indicators") or []}
        values: list = [rank if rank is not None else word("none"), dept["name"], label("level", dept.get("level")),
                        dept.get("checked")]
        fonts: list = [None] * len(values)
        for ind_id, _ in indicator_columns:
            value, font = _indicator_cell(by_id.get(ind_id))
            values.append(value)
            fonts.append(font)
        total = dept.get("total_score")
        values += [round(float(total), 2) if total is not None else word("none"),
                   round(float(dept.get("total_points") or 0), 2),
                   word("yes_word") if dept.get("veto") else word("no_word"), dept.get("veto_reason") or "",
                   sum(bool(f.get("deducts")) for f in mine), sum(f.get("status") == "needs_review" for f in mine)]
        fonts += [None] * 6
        for col, (value, font) in enumerate(zip(values, fonts), 1):
            cell = ws.cell(row=row, column=col, value=clean(value))
            cell.alignment = TOP
            if font:
                cell.font = font
            if isinstance(value, float):
                cell.number_format = "0.00"
            if dept.get("veto"):
                cell.fill = VETO_FILL
        link = ws.cell(row=row, column=2)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{names[id(dept)]}'!A1")
        link.font = Font(color="0563C1", underline="single")
    widths = [6, 28, 6, 10, *([14] * len(indicator_columns)), 8, 8, 9, 40, 10, 9]
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[2].height = 32
    _finish(ws, 2, len(summary_heads), "C3")

    for dept in departments:
        ds = wb.create_sheet(names[id(dept)])
        total = dept.get("total_score")
        headline = f"{dept['name']} {word('findings')}　{heads['total_score']} " + (
            f"{float(total):.2f} / {float(dept.get('total_points') or 0):.2f}" if total is not None else word("none"))
        if dept.get("veto"):
            headline += f"　{word('veto')}：{dept.get('veto_reason') or ''}"
        ds.cell(row=1, column=1, value=clean(headline)).font = TITLE_FONT
        _head(ds, 2, [fheads[c] for c in FINDING_COLUMNS])
        rows = [finding_row(f, titles) for f in findings if f.get("department") == dept["name"]]
        for r, row in enumerate(rows, 3):
            for col, column in enumerate(FINDING_COLUMNS, 1):
                cell = ds.cell(row=r, column=col, value=clean(row[column]))
                cell.alignment = WRAP if column in WRAPPED else TOP
                if column == "amount" and row[column] is not None:
                    cell.number_format = "0.00"
                if column == "url" and safe_href(row[column]):
                    cell.hyperlink = row[column]
        for col, column in enumerate(FINDING_COLUMNS, 1):
            ds.column_dimensions[get_column_letter(col)].width = FINDING_WIDTHS[column]
        ds.row_dimensions[2].height = 20
        _finish(ds, 2, len(FINDING_COLUMNS), "B3")

    if shares:
        _write_shares(wb.create_sheet(word("element_shares")), shares)
    wb.save(path)
    return path


def _write_shares(ws, shares: list[tuple[dict, dict]]) -> None:
    """Rows: elements; columns: department (indicator); cells: the share of
    checked guides that pass, as a percentage."""
    elements: list[str] = []
    for _, ind in shares:
        elements += [e for e in ind["value"] if e not in elements]
    heads = [labels()["finding_columns"]["element"]]
    many_indicators = len({ind["id"] for _, ind in shares}) > 1
    heads += [f"{d['name']}·{ind.get('title')}" if many_indicators else d["name"] for d, ind in shares]
    _head(ws, 1, heads)
    for r, element in enumerate(elements, 2):
        ws.cell(row=r, column=1, value=clean(element_title(element)))
        for c, (_, ind) in enumerate(shares, 2):
            share = ind["value"].get(element)
            cell = ws.cell(row=r, column=c, value=float(share) if share is not None else word("none"))
            if share is not None:
                cell.number_format = "0.0%"
    ws.column_dimensions["A"].width = 18
    for c in range(2, len(heads) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 16
    _finish(ws, 1, len(heads), "B2")
