"""The same-source check (S001, S002): the portal's guides against the same
department's guides on another channel (its website, a self-built handling
system, a mobile channel).

    read_side(paths)                          -> SideRead (guides, errors)
    compare_sides(portal, other)              -> list[ItemResult]
    compare_records(portal_record, other_record) -> list[Finding]   (one pair)

Pure functions of GuideRecords: the CLI (`guidecheck compare`) reads saved
files; a campaign can call `compare_records` / `match_and_compare` on records
it fetched. See docs/compare.md.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InputError
from ..extract import extract
from ..offline import expand_paths
from .diff import compare_records
from .match import Guide, ItemResult, match_and_compare

__all__ = ["SideRead", "read_side", "compare_sides", "compare_records", "match_and_compare", "Guide", "ItemResult"]


@dataclass
class SideRead:
    guides: list[Guide] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def read_side(paths: Iterable[str]) -> SideRead:
    """Every guide under the paths (files or folders, as for `check`); an input
    that cannot be read is an error naming it, and the rest are still read."""
    out = SideRead()
    for source, path, error in expand_paths(paths):
        try:
            if error:
                raise error
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InputError(source, f"无法读取（{exc.strerror or exc}）") from exc
            out.guides.extend(Guide(source, record) for record in extract(data, source, ""))
        except InputError as exc:
            out.errors.append(exc)
    return out


def compare_sides(portal: SideRead, other: SideRead) -> list[ItemResult]:
    """Pair and compare one channel's guides with the portal's."""
    return match_and_compare(portal.guides, other.guides, portal_complete=not portal.errors)
