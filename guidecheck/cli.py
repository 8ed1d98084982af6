"""The command line: `guidecheck check`, `guidecheck rules`, `guidecheck demo`.

Exit status of `check`: 0 no finding, 1 findings, 2 an input could not be read
(the other inputs are still checked and printed)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .catalog import expand_selection, rules
from .checks import CheckContext
from .errors import CatalogError, InputError
from .offline import check_path, expand_paths, offline_codes
from .reports.console import jsonl_line, summary_line, text_block


def _split(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.split(",") if part.strip()]


def _selected_codes(scheme_name: str | None, select: tuple[str, ...], ignore: tuple[str, ...]):
    """The offline codes to run and the check context, from scheme and --select/--ignore."""
    context = CheckContext()
    codes = offline_codes()
    if scheme_name:
        from .schemes import load

        scheme = load(scheme_name)
        codes &= scheme.rule_codes
        if scheme.required_elements is not None:
            context = CheckContext(scheme.required_elements)
    if select:
        codes &= expand_selection(_split(select))
    if ignore:
        codes -= expand_selection(_split(ignore))
    return codes, context


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guidecheck")
def main():
    """guidecheck：按考核方案检查政务服务网办事指南。"""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="输出格式：text 供人阅读，jsonl 每份指南一行 JSON。")
@click.option("--scheme", help="评估方案名称或方案文件路径，只运行该方案计分的规则。")
@click.option("--select", multiple=True, help="只运行这些规则（代码或前缀，逗号分隔，如 M1,P）。")
@click.option("--ignore", multiple=True, help="不运行这些规则（代码或前缀，逗号分隔，如 E003）。")
def check(paths, fmt, scheme, select, ignore):
    """检查保存的办事指南页面或接口 JSON（PATH 可为文件或文件夹）。"""
    try:
        codes, context = _selected_codes(scheme, select, ignore)
    except CatalogError as exc:
        raise click.UsageError(str(exc)) from exc
    inputs = list(expand_paths(paths))
    counts = {"guides": 0, "findings": 0, "review": 0, "errors": 0}
    show_progress = fmt == "text" and sys.stderr.isatty() and len(inputs) > 20
    with click.progressbar(inputs, label="检查中", file=sys.stderr, show_pos=True) if show_progress else \
            _nullbar(inputs) as bar:
        for source, path, error in bar:
            try:
                if error:
                    raise error
                guides = check_path(source, path, codes, context)
            except InputError as exc:
                counts["errors"] += 1
                click.echo(f"guidecheck: 错误：{exc}", err=True)
                continue
            for guide in guides:
                counts["guides"] += 1
                counts["findings"] += len(guide.findings)
                counts["review"] += sum(f.outcome == "needs_review" for f in guide.findings)
                click.echo(jsonl_line(guide) if fmt == "jsonl" else text_block(guide))
    if fmt == "text":
        click.echo(summary_line(counts["guides"], counts["findings"], counts["review"], counts["errors"]))
    sys.exit(2 if counts["errors"] else 1 if counts["findings"] else 0)


class _nullbar:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


@main.command(name="rules")
@click.argument("code", required=False)
def rules_cmd(code):
    """列出规则，或说明一条规则（标题、条款、不通过与通过的示例）。"""
    catalog = rules()
    if not code:
        for meta in catalog.values():
            click.echo(f"{meta.code}  {meta.title}  [{meta.slug}]  依据：{'；'.join(meta.clauses)}")
        return
    code = code.upper()
    if code not in catalog:
        raise click.UsageError(f"未知的规则代码：{code}")
    from .checks.cases import load_cases

    meta = catalog[code]
    click.echo(f"{meta.code} {meta.title}（{meta.slug}）")
    click.echo(f"依据条款：{'；'.join(meta.clauses)}")
    click.echo(f"严重程度：{meta.severity}    状态：{meta.status}    需要：{ {'offline': '离线即可', 'network': '联网检查链接', 'browser': '浏览器'}.get(meta.needs, meta.needs)}")
    click.echo(f"整改建议：{meta.fix}")
    cases = load_cases(code) if meta.needs == "offline" else []
    failing = next((c for c in cases if c.expect), None)
    passing = next((c for c in cases if not c.expect), None)
    for label, case in (("不通过示例", failing), ("通过示例", passing)):
        if case:
            click.echo(f"{label}（{case.id}）：{case.describe()}")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True,
              help="结果写入的文件夹。")
def demo(out):
    """演示：检查随附的示例指南，写出结果并打印其位置。"""
    from .demo import run_demo

    sys.exit(run_demo(out))


if __name__ == "__main__":
    main()
