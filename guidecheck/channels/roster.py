"""The optional `channels:` list of a roster entry: the department's other
channels, each with a listing location and a profile, like the portal.

    departments:
      - department: 市市场监督管理局
        listing: https://zwfw.example.gov.cn/dept/scjg/items
        profile: generic-html
        channels:
          - name: 部门网站                     # optional, default 其他渠道1, 其他渠道2 …
            listing: https://scjg.example.gov.cn/bszn/list.html
            profile: generic-html            # optional, default generic-html

Only YAML rosters can list channels (a CSV cell cannot hold a list). A
channel's profile must not need Chromium (`guide.render`): the channel phase
fetches with aiohttp. Errors name the file, the line and the reason.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .. import portal_profiles as profiles
from ..errors import CatalogError

CHANNEL_KEYS = {"name", "listing", "profile", "__line__"}


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    listing: str
    profile: str = "generic-html"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ChannelSpec:
        return cls(str(data["name"]), str(data["listing"]), str(data.get("profile") or "generic-html"))


def parse_channels(raw, where: str, department: str) -> list[ChannelSpec]:
    """The entry's channels, validated; [] when it lists none."""
    if raw is None or raw == "" or raw == []:
        return []
    if isinstance(raw, str):
        raise CatalogError(f"{where}: 部门“{department}”的 channels 应为列表（CSV 名单不能列出其他渠道，请改用 YAML 名单）")
    if not isinstance(raw, list):
        raise CatalogError(f"{where}: 部门“{department}”的 channels 应为列表")
    out: list[ChannelSpec] = []
    for n, item in enumerate(raw, 1):
        here = f"{where}: 部门“{department}”的第{n}个其他渠道"
        if isinstance(item, dict) and item.get("__line__"):
            here = f"{where.rsplit(':', 1)[0]}:{item['__line__']}: 部门“{department}”的第{n}个其他渠道"
        if not isinstance(item, dict):
            raise CatalogError(f"{here}应为映射（name、listing、profile）")
        unknown = set(item) - CHANNEL_KEYS
        if unknown:
            raise CatalogError(f"{here}有未知的设置 {', '.join(sorted(map(str, unknown)))}")
        listing = str(item.get("listing") or "").strip()
        if not listing.startswith(("http://", "https://")):
            raise CatalogError(f"{here}缺少有效的列表地址（listing）")
        profile = str(item.get("profile") or "generic-html").strip()
        try:
            loaded = profiles.load(profile)
        except CatalogError as exc:
            raise CatalogError(f"{here}：{exc}") from exc
        if loaded.guide.render:
            raise CatalogError(f"{here}：配置 {profile} 需要浏览器渲染，其他渠道暂不支持，请改用服务端页面或接口配置")
        name = str(item.get("name") or f"其他渠道{n}").strip()
        if any(c.name == name for c in out):
            raise CatalogError(f"{here}：渠道名称“{name}”重复")
        out.append(ChannelSpec(name, listing, profile))
    return out


def channel_settings(entries) -> dict:
    """The campaign settings that carry the roster's channels: {"second_channels": {department: [spec]}}."""
    channels = {e.department: [c.to_json() for c in e.channels] for e in entries if getattr(e, "channels", None)}
    return {"second_channels": channels} if channels else {}
