"""`guidecheck demo`: the main job on bundled material.

Until the demo portal exists (crawl campaigns), the demo checks the bundled
golden fixtures offline and writes the findings as JSON lines and a Chinese
text report."""
from __future__ import annotations

from pathlib import Path

import click

from .errors import InputError
from .offline import check_path, expand_paths
from .reports.console import jsonl_line, summary_line, text_block

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def run_demo(out: Path) -> int:
    sources = [FIXTURES / "pages", FIXTURES / "json"]
    if not all(p.is_dir() for p in sources):
        click.echo(f"guidecheck: 错误：找不到随附的示例指南（{FIXTURES}），请从源码仓库以 pip install -e . 安装", err=True)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    inputs = list(expand_paths(str(p) for p in sources))
    guides, errors = [], []
    with click.progressbar(inputs, label="检查示例指南", file=click.get_text_stream("stderr")) as bar:
        for source, path, error in bar:
            try:
                if error:
                    raise error
                guides.extend(check_path(source, path))
            except InputError as exc:
                errors.append(str(exc))
    findings = sum(len(g.findings) for g in guides)
    review = sum(f.outcome == "needs_review" for g in guides for f in g.findings)
    summary = summary_line(len(guides), findings, review, len(errors))
    (out / "findings.jsonl").write_text("".join(jsonl_line(g) + "\n" for g in guides), encoding="utf-8")
    report = [text_block(g) for g in guides] + [f"无法读取：{e}" for e in errors] + [summary]
    (out / "report.txt").write_text("\n\n".join(report) + "\n", encoding="utf-8")
    click.echo(summary)
    click.echo(f"结果：{(out / 'report.txt').resolve()}")
    click.echo(f"明细（JSON 行）：{(out / 'findings.jsonl').resolve()}")
    return 0
