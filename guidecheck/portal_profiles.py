"""Portal profiles: data files a reviewer can write, saying how to list a
department's items and how to reach each guide (element_rules/profiles/*.yaml)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import CatalogError

PROFILE_DIR = Path(__file__).parent / "element_rules" / "profiles"

LISTING_KEYS = {"kind", "item_links", "next_page", "max_pages", "page_param", "page_size_param", "page_size",
                "items_path", "item_key_field", "item_name_field", "item_url_field", "total_field"}
GUIDE_KEYS = {"kind", "api_url", "render", "ready_selector", "extra_links", "wait_ms"}


@dataclass
class Listing:
    kind: str = "html"  # html | json
    item_links: str | None = None
    next_page: str | None = None
    max_pages: int = 500
    page_param: str = "page"
    page_size_param: str | None = None
    page_size: int = 20
    items_path: str = "data"
    item_key_field: str = "itemCode"
    item_name_field: str = "itemName"
    item_url_field: str = "guideUrl"
    total_field: str | None = "total"


@dataclass
class Guide:
    kind: str = "html"  # html | json_api
    api_url: str | None = None
    render: bool = False
    ready_selector: str | None = None
    wait_ms: int = 0
    extra_links: list[str] = field(default_factory=list)


@dataclass
class Profile:
    id: str
    title: str
    listing: Listing
    guide: Guide
    path: Path | None = None


def available() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def _section(path: Path, data: dict, name: str, allowed: set[str], cls):
    raw = data.get(name) or {}
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: {name} 应为映射")
    unknown = set(raw) - allowed
    if unknown:
        raise CatalogError(f"{path}: {name} 中有未知的设置 {', '.join(sorted(unknown))}")
    return cls(**{k: v for k, v in raw.items() if v is not None})


def load(name_or_path: str) -> Profile:
    path = Path(name_or_path)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        path = PROFILE_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise CatalogError(f"未知的门户配置：{name_or_path}（可用：{'、'.join(available())}，或给出配置文件路径）")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: YAML 格式错误（{exc}）") from exc
    listing = _section(path, data, "listing", LISTING_KEYS, Listing)
    guide = _section(path, data, "guide", GUIDE_KEYS, Guide)
    if listing.kind not in ("html", "json"):
        raise CatalogError(f"{path}: listing.kind 应为 html 或 json，实际是 {listing.kind}")
    if guide.kind not in ("html", "json_api"):
        raise CatalogError(f"{path}: guide.kind 应为 html 或 json_api，实际是 {guide.kind}")
    if guide.kind == "json_api" and not guide.api_url:
        raise CatalogError(f"{path}: guide.kind 为 json_api 时必须给出 api_url")
    return Profile(id=str(data.get("id", path.stem)), title=str(data.get("title", path.stem)),
                   listing=listing, guide=guide, path=path)
