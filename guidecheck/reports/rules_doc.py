"""docs/rules.md, rendered from the catalog so it cannot drift (a test compares).

    python -m guidecheck.reports.rules_doc > docs/rules.md
"""
from __future__ import annotations

from ..catalog import catalog_version, rules

NEEDS = {"offline": "离线", "network": "联网（链接检查）", "browser": "浏览器"}


def render() -> str:
    lines = [
        "# 规则目录 (rule catalog)",
        "",
        f"Generated from `guidecheck/element_rules/rules.yaml` (version {catalog_version()}); "
        "do not edit by hand: `python -m guidecheck.reports.rules_doc > docs/rules.md`.",
        "Each offline rule has its passing and failing cases in `guidecheck/element_rules/cases/<CODE>.yaml`;",
        "`guidecheck rules CODE` prints them.",
        "",
        "| code | slug | 标题 | 依据条款 | 运行条件 | 整改建议 |",
        "|---|---|---|---|---|---|",
    ]
    for meta in rules().values():
        lines.append(f"| {meta.code} | {meta.slug} | {meta.title} | {'；'.join(meta.clauses)} | "
                     f"{NEEDS.get(meta.needs, meta.needs)} | {meta.fix} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
