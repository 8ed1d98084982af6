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
    cases = load_cases(code)
    failing = next((c for c in cases if c.expect), None)
    passing = next((c for c in cases if not c.expect), None)
    for label, case in (("不通过示例", failing), ("通过示例", passing)):
        if case:
            click.echo(f"{label}（{case.id}）：{case.describe()}")


def _crawl_options(fn):
    """Options shared by the commands that crawl."""
    options = [
        click.option("--chromium", envvar="GUIDECHECK_CHROMIUM", help="Chromium 可执行文件路径（默认 /usr/bin/chromium，"
                     "没有时用 Playwright 自带的浏览器）。"),
        click.option("--ignore-robots", is_flag=True, help="不遵守 robots.txt（仅限获得授权的检查）。"),
        click.option("--concurrency", type=int, default=16, show_default=True, help="同时进行的请求数。"),
        click.option("--per-host", type=int, default=8, show_default=True, help="每个主机同时进行的请求数。"),
        click.option("--delay", type=float, default=0.0, show_default=True, help="同一主机两次请求之间的间隔（秒）。"),
        click.option("--timeout", type=float, default=20.0, show_default=True, help="单个请求的超时（秒）。"),
        click.option("--link-timeout", type=float, default=10.0, show_default=True, help="检查链接时单个请求的超时（秒）。"),
        click.option("--no-links", is_flag=True, help="不检查下载和政策文件链接。"),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _options_from(kw, allow_private: bool, hosts=()):
    from .crawler.campaign import CrawlOptions

    return CrawlOptions(obey_robots=not kw["ignore_robots"], concurrency=kw["concurrency"], per_host=kw["per_host"],
                        delay=kw["delay"], timeout=kw["timeout"], link_timeout=kw["link_timeout"], chromium=kw["chromium"],
                        check_links=not kw["no_links"], allow_private=allow_private, extra_hosts=set(hosts))


@main.command()
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="SQLite 数据库文件；快照保存在它旁边的 *-snapshots 文件夹。")
@click.option("--scheme", help="评估方案名称（记录在抓取任务中，计分时使用）。")
@_crawl_options
def crawl(roster, db, scheme, **kw):
    """按部门名单抓取并检查办事指南；中断后再次运行即从断点继续。"""
    from .crawler import roster as roster_mod
    from .crawler.campaign import run_campaign

    try:
        entries = roster_mod.load(roster)
        if scheme:
            from .schemes import load as load_scheme

            load_scheme(scheme)
    except CatalogError as exc:
        raise click.UsageError(str(exc)) from exc
    summary = run_campaign(db, entries, _options_from(kw, entries.allow_private, entries.hosts), scheme=scheme)
    click.echo(summary.text())


@main.command()
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="抓取时使用的数据库文件。")
@click.option("--campaign", "campaign_id", type=int, help="抓取任务编号（默认最近一次）。")
def replay(db, campaign_id):
    """不联网，用保存的快照重新检查一次抓取任务，按 JSON 行输出结果。"""
    from .crawler.campaign import dumps, latest_campaign, replay as replay_campaign

    campaign_id = campaign_id or latest_campaign(db)
    if campaign_id is None:
        raise click.UsageError(f"{db} 中没有抓取任务")
    click.echo(dumps(replay_campaign(db, campaign_id)), nl=False)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True,
              help="结果写入的文件夹。")
@_crawl_options
def demo(out, **kw):
    """演示：启动随附的演示门户，完整抓取、检查链接并写出报告，打印其位置。"""
    from .demo import run_demo

    sys.exit(run_demo(out, _options_from(kw, allow_private=True)))


if __name__ == "__main__":
    main()
