"""Checking saved pages: paths -> (record, findings) results, or an error per input.

One unreadable input never stops the others: each input yields either results
or an InputError naming it and the reason.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import rules
from .checks import CheckContext, run_checks
from .errors import InputError
from .extract import extract
from .model import Finding, GuideRecord

GUIDE_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".json"}


@dataclass
class CheckedGuide:
    record: GuideRecord
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict:
        data = self.record.to_json()
        return {
            "source": data["source"],
            "elements": data["elements"],
            "materials": data["materials"],
            "findings": [f.to_json() for f in self.findings],
        }


def offline_codes(selected: set[str] | None = None) -> set[str]:
    """Rules that can fire on a saved page: those that need neither network nor browser."""
    codes = {code for code, meta in rules().items() if meta.needs == "offline"}
    return codes if selected is None else codes & selected


def expand_paths(paths: Iterable[str]) -> Iterator[tuple[str, Path | None, InputError | None]]:
    """Each path as given; a folder becomes the guide files under it, sorted.
    A path that does not exist yields an error instead."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in GUIDE_SUFFIXES
                           and not p.name.startswith(("_", ".")))
            if not found:
                yield given, None, InputError(given, "文件夹中没有 .html/.htm/.json 指南文件")
            for p in found:
                yield str(p), p, None
        elif path.exists():
            yield given, path, None
        else:
            yield given, None, InputError(given, "文件不存在")


def check_bytes(data: bytes, source: str, url: str = "", codes: set[str] | None = None,
                context: CheckContext | None = None) -> list[CheckedGuide]:
    """Extract and check one input. Raises InputError when it cannot be read."""
    codes = offline_codes() if codes is None else codes
    try:
        records = extract(data, source, url)
    except RecursionError as exc:  # JSON or markup nested beyond what a parser follows
        raise InputError(source, "内容嵌套层次过深，无法解析") from exc
    return [CheckedGuide(record, run_checks(record, codes, context)) for record in records]


def check_path(source: str, path: Path, codes: set[str] | None = None,
               context: CheckContext | None = None) -> list[CheckedGuide]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(source, f"无法读取（{exc.strerror or exc}）") from exc
    # No URL: relative links in a saved page stay as written.
    return check_bytes(data, source, "", codes, context)
