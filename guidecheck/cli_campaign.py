"""`guidecheck campaign …` and `guidecheck report`: the reviewer's monthly flow."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_options import crawl_options, options_from
from .errors import CatalogError

STATUS_TEXT = {"new": "未开始", "crawling": "抓取中", "links": "检查链接中", "done": "已完成"}
ITEM_STATUS_TEXT = {"pending": "待抓取", "fetched": "已抓取", "checked": "已检查", "unsampled": "本月未抽中", "error": "出错"}


def _must_exist(ctx, param, db: Path) -> Path:
    if db is not None and not db.exists():
        raise click.UsageError(f"数据库 {db} 不存在：请先运行 guidecheck campaign create --db {db} --roster 名单.yaml "
                               f"--scheme 方案 创建抓取任务。", ctx)
    return db


def _db_option(must_exist: bool):
    return click.option("--db", type=click.Path(dir_okay=False, path_type=Path), required=True,
                        callback=_must_exist if must_exist else None, help="抓取任务数据库文件（SQLite）。")


def _latest(db: Path, campaign_id: int | None) -> int:
    from .crawler.campaign import latest_campaign

    campaign_id = campaign_id or latest_campaign(db)
    if campaign_id is None:
        raise click.UsageError(f"{db} 中没有抓取任务")
    return campaign_id


@click.group()
def campaign():
    """创建、运行、查看抓取任务（按评估方案和部门名单，每月抽查）。"""


@campaign.command("create")
@_db_option(must_exist=False)
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="部门名单（YAML 或 CSV：department, region, profile, listing, homepage, level）。")
@click.option("--scheme", required=True, help="评估方案名称或方案文件路径。")
@click.option("--name", help="任务名称（默认：名单名称加月份）。")
@click.option("--sample", "sample_size", type=int, default=20, show_default=True,
              help="每个部门每月抽查的事项数；0 表示全部检查。")
@click.option("--month", help="抽查月份 YYYY-MM（默认本月）。")
@click.option("--seed", type=int, help="抽样随机种子（默认由月份得出；记录在任务中，可复现）。")
def create_cmd(db, roster, scheme, name, sample_size, month, seed):
    """按评估方案和部门名单创建抓取任务；名单或方案有误时不创建，并指出文件、行号和原因。"""
    from .assessment import create

    try:
        campaign_id = create(db, roster, scheme, name=name, sample_size=sample_size or None, month=month, seed=seed)
    except CatalogError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"已创建抓取任务 #{campaign_id}（数据库 {db}）。运行：guidecheck campaign run --db {db} "
               f"--campaign {campaign_id}")


@campaign.command("run")
@_db_option(must_exist=True)
@click.option("--campaign", "campaign_id", type=int, help="任务编号（默认最近一次）。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="报告写入的文件夹（默认数据库旁）。")
@crawl_options
def run_cmd(db, campaign_id, out, **kw):
    """运行抓取任务：抽样、抓取、检查链接、检查、计分并写出报告；中断后再次运行即继续。"""
    from .assessment import report, run
    from .crawler.campaign import summarize
    from .stopping import stopped

    from .cli import interrupted

    campaign_id = _latest(db, campaign_id)
    try:  # Ctrl-C in any phase, scoring and report included: exit 130, a rerun continues
        stats = run(db, campaign_id, options_from(kw, allow_private=False))
        summary = summarize(db, campaign_id)
        summary.crawl_stats = stats
        click.echo(summary.text())
        paths = report(db, campaign_id, out or db.with_name(f"{db.stem}-report-{campaign_id}"))
        stopped()
    except KeyboardInterrupt:
        interrupted()
    for fmt, path in paths.items():
        click.echo(f"报告（{fmt}）：{path.resolve()}")


@campaign.command("status")
@_db_option(must_exist=True)
@click.option("--campaign", "campaign_id", type=int, help="任务编号（默认最近一次）。")
def status_cmd(db, campaign_id):
    """查看抓取任务的进度：各部门事项数、已检查、出错、问题数。"""
    from .crawler.campaign import open_stores, summarize

    campaign_id = _latest(db, campaign_id)
    store, _ = open_stores(db)
    row = store.campaign(campaign_id)
    counts: dict[str, int] = {}
    for item in store.items(campaign_id):
        counts[item["status"]] = counts.get(item["status"], 0) + 1
    click.echo(f"抓取任务 #{campaign_id} {row['name']}：{STATUS_TEXT.get(row['status'], row['status'])}，"
               f"方案 {row['scheme'] or '（未定）'}")
    click.echo("  事项：" + "，".join(f"{ITEM_STATUS_TEXT.get(k, k)} {v}" for k, v in sorted(counts.items())))
    for line in summarize(db, campaign_id).text().splitlines()[1:-2]:
        click.echo(line)


@campaign.command("list")
@_db_option(must_exist=True)
def list_cmd(db):
    """列出数据库中的全部抓取任务。"""
    from .crawler.campaign import open_stores

    store, _ = open_stores(db)
    for row in store.campaigns():
        click.echo(f"#{row['id']}  {row['name']}  {STATUS_TEXT.get(row['status'], row['status'])}  "
                   f"方案 {row['scheme'] or '-'}  创建于 {row['created_at']}")


@click.command()
@_db_option(must_exist=True)
@click.option("--campaign", "campaign_id", type=int, help="任务编号（默认最近一次）。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="报告写入的文件夹。")
@click.option("--format", "formats", default="html,xlsx,csv,json", show_default=True,
              help="报告格式，逗号分隔：html, xlsx, csv, json。")
def report(db, campaign_id, out, formats):
    """按评估方案重新计分（含复核与申诉决定）并写出报告。"""
    from .assessment import report as write

    campaign_id = _latest(db, campaign_id)
    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = set(wanted) - {"html", "xlsx", "csv", "json"}
    if unknown:
        raise click.UsageError(f"未知的报告格式：{'、'.join(sorted(unknown))}")
    try:
        paths = write(db, campaign_id, out, wanted)
    except CatalogError as exc:
        click.echo(f"guidecheck: 错误：{exc}", err=True)
        sys.exit(2)
    for fmt, path in paths.items():
        click.echo(f"报告（{fmt}）：{path.resolve()}")
