"""`guidecheck compare PORTAL_PATH OTHER_PATH...`: the same-source check offline.

Exit status as for `check`: 0 no finding, 1 findings, 2 an input could not be
read (the rest are still compared; each unreadable input is one line on stderr)."""
from __future__ import annotations

import json
import sys

import click

from .reports.console import finding_line


def _item_block(result) -> str:
    from .compare.normalise import side_label

    head = result.item or "（无事项名称）"
    if result.code:
        head += f"（{result.code}）"
    where = [f"{side_label('portal')}：{result.portal.source if result.portal else '无'}",
             f"{side_label('other')}：{result.other.source if result.other else '无'}"]
    if result.portal is None or result.other is None:
        only = f"仅{side_label('portal') if result.other is None else side_label('other')}有"
        count = f"{only}，{len(result.findings)} 项问题" if result.findings else only
    else:
        count = f"{len(result.findings)} 项问题" if result.findings else "一致"
    lines = [f"{head}  {'  '.join(where)}  —  {count}"]
    lines += [finding_line(f) for f in result.findings]
    return "\n".join(lines)


# Chinese paragraphs as single lines: click rewraps a docstring's lines with spaces.
HELP = ("同源比对：把门户保存的办事指南（门户路径）与同一部门在其他渠道（部门网站、自建办理系统、移动端）"
        "保存的指南逐事项比对；每个其他渠道路径为一个渠道；路径可为文件或文件夹。\n\n"
        "事项先按编码、再按规范化后的名称配对；忽略空白、标点、全半角、数字写法、电话分隔符、材料顺序和同义写法"
        "（否/不收费/免费；即办/0个工作日）后，时限、电话、地点、材料、收费、依据条款等不一致的报 S001，"
        "其他渠道有而门户没有的事项报 S002；无法确定的列为待复核，不扣分。\n\n"
        "退出状态：0 无问题，1 有问题，2 有输入无法读取（其余照常比对）。")


@click.command(name="compare", help=HELP, short_help="同源比对：门户与其他渠道的办事指南逐事项比对（S001、S002）。")
@click.argument("portal_path", metavar="门户路径")
@click.argument("other_paths", metavar="其他渠道路径...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="输出格式：text 供人阅读，jsonl 每个事项一行 JSON。")
def compare(portal_path, other_paths, fmt):
    from .compare import ItemResult, compare_sides, read_side

    portal = read_side([portal_path])
    channels = [(path, read_side([path])) for path in other_paths]
    errors = list(portal.errors) + [e for _, side in channels for e in side.errors]
    for error in errors:
        click.echo(f"guidecheck: 错误：{error}", err=True)

    several = len(channels) > 1
    lines = []  # (channel, ItemResult)
    paired_anywhere: set[int] = set()
    for path, side in channels:
        for result in compare_sides(portal, side):
            if result.portal is not None and result.other is None and not result.findings:
                continue  # portal only on this channel: printed once below, if on no channel at all
            if result.portal is not None:
                paired_anywhere.add(id(result.portal))
            lines.append((path, result))
    for guide in portal.guides:
        if id(guide) not in paired_anywhere:
            lines.append((None, ItemResult(guide.name, guide.code, guide, None)))

    counts = {"both": 0, "portal": 0, "other": 0, "findings": 0, "review": 0}
    for channel, result in lines:
        counts["both" if result.portal and result.other else "portal" if result.portal else "other"] += 1
        counts["findings"] += len(result.findings)
        counts["review"] += sum(f.outcome == "needs_review" for f in result.findings)
        if fmt == "jsonl":
            data = result.to_json()
            if several:
                data["channel"] = channel
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            if several and channel:
                click.echo(f"[渠道 {channel}]")
            click.echo(_item_block(result))
    if fmt == "text":
        summary = (f"共比对 {len(lines)} 个事项：两侧都有 {counts['both']}，仅门户 {counts['portal']}，"
                   f"仅其他渠道 {counts['other']}；发现问题 {counts['findings']} 项（其中待复核 {counts['review']} 项）")
        if errors:
            summary += f"，{len(errors)} 个输入无法读取"
        click.echo(summary)
    sys.exit(2 if errors else 1 if counts["findings"] else 0)
