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
from .cli_options import crawl_options as _crawl_options, options_from as _options_from
from .cli_zh import install as _chinese_click

_chinese_click()  # before the commands below are defined (their Path types name themselves in Chinese)
from .reports.console import jsonl_line, summary_line, text_block


def _split(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.split(",") if part.strip()]


def _selected_codes(scheme_name: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
                    licences: str | None = None):
    """The offline codes to run and the check context, from scheme and --select/--ignore
    (and --licences: a licence catalog file replacing the scheme's or the default one)."""
    context = CheckContext()
    codes = offline_codes()
    if scheme_name:
        from .schemes import load

        scheme = load(scheme_name)
        codes &= scheme.rule_codes
        context = CheckContext.for_scheme(scheme)
    if licences:
        from .checks.licences import load_catalog

        load_catalog(licences)  # refuse a missing or malformed file now, naming it
        context.licence_catalog = licences
    if select:
        codes &= expand_selection(_split(select))
    if ignore:
        codes -= expand_selection(_split(ignore))
    return codes, context


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guidecheck")
def main():
    """guidecheck：按考核方案检查政务服务网办事指南。"""


def interrupted():
    """Ctrl-C in a long command: what finished is kept, the rest stays pending; exit 130."""
    click.echo("已中断：已完成的部分已保存，未完成的工作仍待处理；再次运行同一命令即从断点继续。", err=True)
    sys.exit(130)


@main.command()
@click.argument("paths", metavar="路径...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="输出格式：text 供人阅读，jsonl 每份指南一行 JSON。")
@click.option("--scheme", help="评估方案名称或方案文件路径，只运行该方案计分的规则。")
@click.option("--select", multiple=True, help="只运行这些规则（代码或前缀，逗号分隔，如 M1,P）。")
@click.option("--ignore", multiple=True, help="不运行这些规则（代码或前缀，逗号分隔，如 E003）。")
@click.option("--licences", type=click.Path(dir_okay=False), help="证照目录文件（M110），替换默认或方案指定的目录。")
def check(paths, fmt, scheme, select, ignore, licences):
    """检查保存的办事指南页面或接口 JSON（路径可为文件或文件夹，可给多个）。"""
    try:
        codes, context = _selected_codes(scheme, select, ignore, licences)
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
@click.argument("code", metavar="[规则代码]", required=False)
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
    click.echo(f"严重程度：{meta.severity}    状态：{meta.status}    需要：{ {'offline': '离线即可', 'network': '联网检查链接', 'browser': '浏览器', 'department': '按部门汇总判断（score、campaign）', 'second_channel': '其他发布渠道'}.get(meta.needs, meta.needs)}")
    click.echo(f"整改建议：{meta.fix}")
    cases = load_cases(code)
    failing = next((c for c in cases if c.expect), None)
    passing = next((c for c in cases if not c.expect), None)
    for label, case in (("不通过示例", failing), ("通过示例", passing)):
        if case:
            click.echo(f"{label}（{case.id}）：{case.describe()}")


@main.command()
@click.argument("roster", metavar="名单文件", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
    try:
        summary = run_campaign(db, entries, _options_from(kw, entries.allow_private, entries.hosts), scheme=scheme)
    except KeyboardInterrupt:
        interrupted()
    click.echo(summary.text())


@main.command()
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="抓取时使用的数据库文件。")
@click.option("--campaign", "campaign_id", type=int, help="抓取任务编号（默认最近一次）。")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="text：中文摘要（与抓取时的结果是否一致）；jsonl：每份指南一行 JSON。")
def replay(db, campaign_id, fmt):
    """不联网，用保存的快照重新检查一次抓取任务，并与抓取时的结果比较。"""
    from .crawler.campaign import dumps, latest_campaign, open_stores, replay as replay_campaign
    from .reports.console import replay_summary

    campaign_id = campaign_id or latest_campaign(db)
    if campaign_id is None:
        raise click.UsageError(f"{db} 中没有抓取任务")
    rows = replay_campaign(db, campaign_id)
    if fmt == "jsonl":
        click.echo(dumps(rows), nl=False)
    else:
        click.echo(replay_summary(rows, open_stores(db)[0].findings(campaign_id), campaign_id))


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("out/demo"), show_default=True,
              help="结果写入的文件夹。")
@click.option("--fresh", is_flag=True, help="清空 --out 中上次的演示结果，从头开始（默认：继续未完成的，已完成的不重跑）。")
@_crawl_options
def demo(out, fresh, **kw):
    """演示：检查运行环境，启动随附的演示门户，抓取、检查、在浏览器中检查在线办理和网站首页，评分并写出报告。"""
    from .demo import run_demo

    try:
        code = run_demo(out, _options_from(kw, allow_private=True), fresh=fresh)
    except KeyboardInterrupt:
        interrupted()
    sys.exit(code)


@main.command()
@click.option("--chromium", help="Chromium 可执行文件路径（默认：环境变量 GUIDECHECK_CHROMIUM，再是 PATH 中的 chromium）。")
@click.option("--no-install", is_flag=True, help="只检查，不用 apt-get 安装缺少的浏览器和中文字体。")
def setup(chromium, no_install):
    """检查（Debian 上以 root 运行时并安装）浏览器检查所需的 Chromium 和中文字体；缺少时说明如何安装。

    退出码：0 都已就绪，1 缺少浏览器或中文字体。"""
    from .setup import ensure, say

    state = ensure(chromium, install=not no_install)
    for line in state.messages:
        click.echo(line)
    if state.has_browser and state.font:
        click.echo(say("ready"))
    sys.exit(0 if state.has_browser and state.font else 1)



# ---------------------------------------------------------------- review

def _review_store(db: Path):
    from .store import Store

    return Store(db)


def _review_fail(exc: Exception) -> None:
    click.echo(f"guidecheck: 错误：{exc}", err=True)
    sys.exit(1)


def _finding_line(f: dict) -> str:
    where = " / ".join(x for x in (f.get("department") or "", f.get("item_name") or f.get("item_key") or "") if x)
    evidence = f"  证据：{f['evidence']}" if f.get("evidence") else ""
    return f"{f['key'][:12]}  {where}  {f['rule']}  {f['message']}{evidence}"


@main.group()
def review():
    """复核与申诉：确认或撤销检查发现的问题、部门申诉及其裁决；每项决定连同决定人、时间和理由留档，不可修改。"""


_DB_OPTION = click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
                          help="抓取任务的数据库文件。")


@review.command(name="queue")
@_DB_OPTION
@click.option("--campaign", "campaign_id", type=int, help="抓取任务编号（默认最近一次）。")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="输出格式。")
def review_queue_cmd(db, campaign_id, fmt):
    """列出尚无决定的待人工复核问题（部门、事项、规则、说明、证据）。"""
    import json

    from .review import review_queue

    store = _review_store(db)
    if campaign_id is None:
        campaign_id = max((c["id"] for c in store.campaigns()), default=None)
        if campaign_id is None:
            raise click.UsageError(f"{db} 中没有抓取任务")
    queue = review_queue(store, campaign_id)
    for f in queue:
        click.echo(json.dumps(f, ensure_ascii=False) if fmt == "jsonl" else _finding_line(f))
    if fmt == "text":
        click.echo(f"任务 {campaign_id}：待复核 {len(queue)} 条")


def _decision_command(action: str, doc: str, who_help: str):
    @review.command(name=action, help=doc)
    @click.argument("key", metavar="问题编号")
    @_DB_OPTION
    @click.option("--who", required=True, help=who_help)
    @click.option("--why", help="理由（必填：每项决定都连同理由留档）。")
    @click.option("--campaign", "campaign_id", type=int, help="抓取任务编号（默认含该问题的最近一次任务）。")
    def command(key, db, who, why, campaign_id):
        from .review import ACTION_LABELS, STATUS_LABELS, ReviewError, decide

        if not (why or "").strip():
            _review_fail(ReviewError(f"{ACTION_LABELS[action]}必须说明理由（--why）：每项决定都连同理由留档"))
        try:
            done = decide(_review_store(db), key, action, who=who, why=why, campaign_id=campaign_id)
        except ReviewError as exc:
            _review_fail(exc)
        finding = {**done["finding"], "key": done["finding_key"]}
        click.echo(f"已记录：{ACTION_LABELS[action]}（任务 {done['campaign_id']}，{done['who']}，"
                   f"{done['decided_at']}）→ {STATUS_LABELS[done['status']]}")
        click.echo(_finding_line(finding))

    return command


_decision_command("confirm", "复核人确认问题成立（计分）。问题编号可写其唯一前缀（至少 6 位）。", "复核人。")
_decision_command("dismiss", "复核人撤销问题（不计分），须说明理由。", "复核人。")
_decision_command("appeal", "部门对计分的问题提出申诉，须说明理由；裁决前仍按原结果计分。", "提出申诉的部门。")
_decision_command("uphold", "复核人驳回申诉、维持该问题：继续计分，须说明理由。", "复核人。")
_decision_command("overturn", "复核人认定申诉成立、撤销该问题：不再计分，须说明理由。", "复核人。")


@review.command(name="history")
@click.argument("key", metavar="问题编号")
@_DB_OPTION
def review_history_cmd(key, db):
    """显示一个问题在各次任务中的记录及其全部复核决定（谁、何时、为何）。"""
    from .review import ACTION_LABELS, STATUS_LABELS, ReviewError, history

    try:
        key, findings, decisions = history(_review_store(db), key)
    except ReviewError as exc:
        _review_fail(exc)
    click.echo(f"问题 {key}")
    for f in findings:
        click.echo(f"  任务 {f['campaign_id']}  {f['outcome']}  {_finding_line({**f, 'key': key})}")
    if not decisions:
        click.echo("  尚无复核决定")
    for d in decisions:
        why = f"  理由：{d['why']}" if d.get("why") else ""
        note = "" if d["valid"] else "（当时不允许，未生效）"
        click.echo(f"  {d['decided_at']}  任务 {d['campaign_id']}  {ACTION_LABELS.get(d['action'], d['action'])}  "
                   f"{d['who']}{why}  → {STATUS_LABELS.get(d['status'], d['status'])}{note}")


@main.command()
@click.argument("directory", metavar="文件夹", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--scheme", "scheme_name", required=True, help="评估方案名称或方案文件路径（如 fj-2020-dept）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式：text 为中文计分表，json 为一个 JSON 对象。")
@click.option("--licences", type=click.Path(dir_okay=False), help="证照目录文件（M110），替换默认或方案指定的目录。")
def score(directory, scheme_name, fmt, licences):
    """按评估方案给各部门计分：给定文件夹下的每个子文件夹是一个部门（文件夹名即部门名），
    其中保存该部门的办事指南；逐份检查后整体计分（不抽样，按市级部门计）。"""
    import json

    from .offline import GUIDE_SUFFIXES
    from .schemes import load as load_scheme
    from .scoring import DepartmentInput, score_campaign
    from .scoring.text import render_text

    try:
        codes, context = _selected_codes(scheme_name, (), (), licences)
        scheme_obj = load_scheme(scheme_name)
    except CatalogError as exc:
        raise click.UsageError(str(exc)) from exc
    errors = 0
    folders = sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    for stray in sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in GUIDE_SUFFIXES
                        and not p.name.startswith((".", "_"))):
        click.echo(f"guidecheck: 提示：{stray} 不在部门文件夹中，未计分", err=True)
    if not folders:
        errors += 1
        click.echo(f"guidecheck: 错误：{directory}: 没有部门文件夹（每个部门一个文件夹，文件夹名即部门名）", err=True)
    departments = []
    for folder in folders:
        guides = []
        for source, path, error in expand_paths([str(folder)]):
            try:
                if error:
                    raise error
                guides.extend(check_path(source, path, codes, context))
            except InputError as exc:
                errors += 1
                click.echo(f"guidecheck: 错误：{exc}", err=True)
        departments.append(DepartmentInput(folder.name, guides))
    campaign = score_campaign(departments, scheme_obj, codes)
    if fmt == "json":
        click.echo(json.dumps(campaign.to_contract_json(), ensure_ascii=False))
    else:
        click.echo(render_text(campaign, scheme_obj.title), nl=False)
    sys.exit(2 if errors else 0)


from .cli_campaign import campaign, report  # noqa: E402
from .cli_web import serve, users; main.add_command(users); main.add_command(serve)  # noqa: E402,E702

main.add_command(campaign)
main.add_command(report)
from .cli_compare import compare as _compare; main.add_command(_compare)  # noqa: E402,E702
_chinese_click(main)

if __name__ == "__main__":
    main()
