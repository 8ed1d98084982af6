"""Rosters: which departments a campaign covers (YAML or CSV).

Columns / keys: department, region, profile, listing, homepage, level (city|county),
channel (the department's channel on the portal). A YAML roster may also set
allow_private, hosts, and the portal-page settings branch_link, gov_homepages,
government_departments (docs/journeys.md).
A roster with an unknown profile, a duplicate department or a missing listing
is refused before anything runs, naming the file, the line and the reason."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..catalog import LineLoader
from ..errors import CatalogError
from .. import portal_profiles as profiles
from ..channels.roster import parse_channels


PORTAL_SETTINGS = ("branch_link", "gov_homepages", "government_departments")


@dataclass
class RosterEntry:
    department: str
    listing: str
    profile: str = "generic-html"
    region: str = ""
    homepage: str = ""
    level: str = "city"
    channel: str = ""  # the department's channel on the portal (H002), when not derived from its listing
    line: int | None = None
    channels: list = field(default_factory=list)  # the department's other channels (channels/roster.py)


@dataclass
class Roster:
    path: Path
    entries: list[RosterEntry]
    name: str = ""
    allow_private: bool = False
    hosts: set[str] = field(default_factory=set)
    # Campaign settings for the portal-page checks (docs/journeys.md): branch_link,
    # gov_homepages, government_departments.
    portal_settings: dict = field(default_factory=dict)


def _rows(path: Path) -> tuple[dict, list[dict]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        return {}, [dict(row, __line__=reader.line_num) for row in reader]
    data = yaml.load(text, Loader=LineLoader)
    if isinstance(data, list):
        return {}, data
    if not isinstance(data, dict) or not isinstance(data.get("departments"), list):
        raise CatalogError(f"{path}: 名单应为部门列表，或含 departments 列表的映射")
    return data, data["departments"]


def load(path: str | Path) -> Roster:
    path = Path(path)
    try:
        head, rows = _rows(path)
    except OSError as exc:
        raise CatalogError(f"{path}: 无法读取（{exc.strerror or exc}）") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: YAML 格式错误（{exc}）") from exc
    entries, seen = [], {}
    for row in rows:
        line = row.get("__line__")
        where = f"{path}:{line}" if line else str(path)
        name = str(row.get("department") or "").strip()
        if not name:
            raise CatalogError(f"{where}: 缺少部门名称（department）")
        if name in seen:
            raise CatalogError(f"{where}: 部门“{name}”重复（第一次出现在第{seen[name]}行）")
        seen[name] = line
        listing = str(row.get("listing") or "").strip()
        if not listing.startswith(("http://", "https://")):
            raise CatalogError(f"{where}: 部门“{name}”缺少有效的列表地址（listing）")
        profile = str(row.get("profile") or "generic-html").strip()
        try:
            profiles.load(profile)
        except CatalogError as exc:
            raise CatalogError(f"{where}: {exc}") from exc
        level = str(row.get("level") or "city").strip()
        if level not in ("city", "county"):
            raise CatalogError(f"{where}: level 应为 city 或 county，实际是 {level}")
        entries.append(RosterEntry(department=name, listing=listing, profile=profile,
                                   region=str(row.get("region") or ""), homepage=str(row.get("homepage") or ""),
                                   level=level, channel=str(row.get("channel") or ""), line=line,
                                   channels=parse_channels(row.get("channels"), where, name)))
    if not entries:
        raise CatalogError(f"{path}: 名单中没有部门")
    portal_settings = {k: head[k] for k in PORTAL_SETTINGS if head.get(k)}
    return Roster(path=path, entries=entries, name=str(head.get("campaign") or path.stem),
                  allow_private=bool(head.get("allow_private", False)), hosts=set(head.get("hosts") or []),
                  portal_settings=_strip_lines(portal_settings))


def _strip_lines(value):
    """Settings as plain data: without the loader's '__line__' keys."""
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value
