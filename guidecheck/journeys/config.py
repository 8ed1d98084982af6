"""Journey settings: the package defaults (defaults.yaml) and the optional
`journey:` key of a portal profile (element_rules/profiles/*.yaml), read here so
that the crawler's profile loader stays as it is:

    journey:
      texts: [在线办理, 立即申报]        # the control's text, earlier entries first
      selectors: ["a.btn-online"]       # CSS selectors tried before the texts
      ready_selector: "#apply-form"     # the handling page is ready when this exists …
      ready_text: 申请人信息             # … or this text shows (else: the item's name or code)
      guide_ready_selector: "body[data-loaded]"   # the guide page is ready (default: the
                                                  # profile's guide.ready_selector)
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import CatalogError

DEFAULTS_PATH = Path(__file__).with_name("defaults.yaml")
JOURNEY_KEYS = {"texts", "selectors", "ready_selector", "ready_text", "guide_ready_selector"}


@functools.cache
def defaults() -> dict:
    return yaml.safe_load(DEFAULTS_PATH.read_text(encoding="utf-8"))


@dataclass
class JourneyProfile:
    texts: list[str] = field(default_factory=lambda: list(defaults()["control_texts"]))
    selectors: list[str] = field(default_factory=list)
    ready_selector: str | None = None
    ready_text: str | None = None
    guide_ready_selector: str | None = None


def journey_profile(name_or_path: str | None) -> JourneyProfile:
    """The journey settings of a portal profile (defaults when it has none)."""
    if not name_or_path:
        return JourneyProfile()
    from .. import portal_profiles as profiles

    profile = profiles.load(name_or_path)
    try:
        data = yaml.safe_load(profile.path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{profile.path}: 无法读取（{exc}）") from exc
    raw = data.get("journey") or {}
    if not isinstance(raw, dict):
        raise CatalogError(f"{profile.path}: journey 应为映射")
    unknown = set(raw) - JOURNEY_KEYS
    if unknown:
        raise CatalogError(f"{profile.path}: journey 中有未知的设置 {', '.join(sorted(unknown))}")
    out = JourneyProfile(guide_ready_selector=profile.guide.ready_selector)
    for key in ("texts", "selectors"):
        if key in raw:
            value = raw[key]
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise CatalogError(f"{profile.path}: journey.{key} 应为非空字符串的列表")
            setattr(out, key, list(value))
    for key in ("ready_selector", "ready_text", "guide_ready_selector"):
        if raw.get(key) is not None:
            setattr(out, key, str(raw[key]))
    return out
