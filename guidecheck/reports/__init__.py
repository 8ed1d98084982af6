"""Reports: console text and JSON lines (`console`), the generated rule docs
(`rules_doc`), and the campaign reports a department acts on, written from
the report model (guidecheck/report_model.py) by `write_reports`:

    report.html   one self-contained page: ranking chart, scorecards, findings with filters
    report.xlsx   汇总 sheet and one 扣分明细 sheet per department
    findings.csv  every finding, UTF-8 with BOM
    report.json   the model itself
    evidence/     the screenshots, traces and homepage snapshots the findings cite
"""
from __future__ import annotations

import os
from pathlib import Path

FILE_NAMES = {"html": "report.html", "xlsx": "report.xlsx", "csv": "findings.csv", "json": "report.json"}


def write_reports(model: dict, out_dir, formats=("html", "xlsx", "csv", "json")) -> dict[str, Path]:
    """Write the campaign reports named by `formats` into `out_dir` (made if
    missing) and return {format: path}. Formats: html, xlsx, csv, json."""
    unknown = [f for f in formats if f not in FILE_NAMES]
    if unknown:
        raise ValueError(f"未知的报告格式：{', '.join(map(str, unknown))}（可用：{', '.join(FILE_NAMES)}）")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from .evidence import place_evidence

    model = place_evidence(model, out)  # evidence files beside the report, named relative to it
    written: dict[str, Path] = {}
    for fmt in formats:
        path = out / FILE_NAMES[fmt]
        # Written beside, then renamed over the old one: a report cut short (kill -9,
        # Ctrl-C) never leaves a half file under the report's name.
        part = path.with_name(path.name + ".part")
        if fmt == "html":
            from .html import write_html
            write_html(model, part)
        elif fmt == "xlsx":
            from .excel import write_xlsx
            write_xlsx(model, part)
        elif fmt == "csv":
            from .tables import write_csv
            write_csv(model, part)
        else:
            from .tables import write_json
            write_json(model, part)
        os.replace(part, path)
        written[fmt] = path
    return written
