"""Which URLs, hosts and addresses the tool may request: one decision, used by
every client (scrapy, aiohttp, Chromium page loads and sub-resources).

    scope = Scope(hosts={"portal.gov.cn", "127.0.0.1:8080"}, allow_private=False)
    scope.refuse_url(url, portal=True)   -> None | reason key   (before any DNS)
    scope.refuse_address(url, ip)        -> None | reason key   (each DNS answer)
    scope.check(url, portal=...)         -> None | reason key   (both, resolving the name)

Rules:
- only http(s) goes on the network (data:, blob:, about: stay in the browser);
- `portal=True` (the crawl of guides and listings): the host must be one of the
  campaign's hosts (host[:port], as listed);
- private, loopback, link-local, reserved and cloud metadata addresses
  (169.254.169.254, fd00:ec2::254) are refused, whether written in the URL or
  answered by DNS, unless the campaign allows private targets; even then only
  for its listed hosts, port included (a test portal on 127.0.0.1:8123 does
  not open 127.0.0.1:other or 127.0.0.2);
- every refusal is passed to `on_refusal(url, reason, where)` (the campaign
  records them in the store, table `refusals`).

GUIDECHECK_RESOLVE (like curl's --resolve, for tests and intranet audits):
"host:port:address,..." makes `resolve` answer that address for that name.
"""
from __future__ import annotations

import functools
import ipaddress
import os
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

RESOLVE_ENV = "GUIDECHECK_RESOLVE"
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
            ipaddress.ip_address("100.100.100.200")}  # AWS/GCP/Azure, AWS IPv6, Alibaba Cloud
NETWORK_SCHEMES = ("http", "https", "ws", "wss", "ftp")
LOCAL_SCHEMES = ("data", "blob", "about", "chrome-error", "javascript")

REASONS = {
    "scheme": "不支持的地址协议",
    "host": "主机不在本次抓取范围内",
    "metadata": "云服务器元数据地址",
    "loopback": "本机回环地址",
    "link_local": "链路本地地址",
    "private": "内网地址",
    "reserved": "保留或非公网地址",
    "bad_url": "地址格式错误",
}


def address_class(ip) -> str | None:
    """None for a public address, else the reason key of its class."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip.strip("[]").split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return "metadata"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_private:
        return "private"
    if ip.is_reserved or ip.is_multicast or ip.is_unspecified or not ip.is_global:
        return "reserved"
    return None


def is_private_address(ip) -> bool:
    return address_class(ip) is not None


def _default_port(scheme: str) -> int:
    return 443 if scheme in ("https", "wss") else 80


def netloc_key(url: str) -> str:
    """host:port of a URL, lowercased, the default port written out."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or _default_port(parts.scheme.lower())
    except ValueError:
        port = 0
    return f"{host}:{port}"


def _host_key(entry: str) -> set[str]:
    """The keys a listed host stands for: with a port as given, without one both
    default ports."""
    entry = entry.strip().lower()
    if "://" in entry:
        return {netloc_key(entry)}
    parts = urlsplit("//" + entry)
    if parts.port:
        return {f"{parts.hostname}:{parts.port}"}
    return {f"{parts.hostname}:80", f"{parts.hostname}:443"}


@functools.cache
def _resolve_overrides(raw: str) -> dict[tuple[str, int], str]:
    out = {}
    for entry in filter(None, (e.strip() for e in raw.split(","))):
        host, port, address = entry.split(":", 2)
        out[(host.lower(), int(port))] = address.strip("[]")
    return out


def overrides() -> dict[tuple[str, int], str]:
    return _resolve_overrides(os.environ.get(RESOLVE_ENV, ""))


def resolve(host: str, port: int) -> list[str]:
    """The addresses a name resolves to (GUIDECHECK_RESOLVE first)."""
    forced = overrides().get((host.lower(), port))
    if forced:
        return [forced]
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0].split("%")[0] for info in infos))


class Scope:
    def __init__(self, hosts: Iterable[str] = (), *, allow_private: bool = False, any_private: bool = False,
                 on_refusal: Callable[[str, str, str], None] | None = None):
        """`hosts`: the campaign's hosts; `allow_private`: private addresses are
        allowed for those hosts; `any_private`: for every host (library use and
        the link checker's own tests, never a campaign)."""
        self.hosts: set[str] = set()
        for h in hosts:
            self.hosts |= _host_key(h)
        self.allow_private = allow_private
        self.any_private = any_private
        self.on_refusal = on_refusal
        self.refusals: list[tuple[str, str, str]] = []
        self._answers: dict[tuple[str, int], list[str]] = {}

    def to_settings(self) -> dict:
        return {"hosts": sorted(self.hosts), "allow_private": self.allow_private, "any_private": self.any_private}

    @classmethod
    def from_settings(cls, data: dict | None, on_refusal=None) -> Scope:
        data = data or {}
        return cls(data.get("hosts") or (), allow_private=bool(data.get("allow_private")),
                   any_private=bool(data.get("any_private")), on_refusal=on_refusal)

    def private_ok(self, key: str) -> bool:
        return self.any_private or (self.allow_private and key in self.hosts)

    def refuse_url(self, url: str, *, portal: bool = False) -> str | None:
        """A reason to refuse the URL as written (scheme, host, literal address)."""
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme in LOCAL_SCHEMES:
                return None
            if scheme not in NETWORK_SCHEMES or not parts.hostname:
                return "scheme" if scheme not in NETWORK_SCHEMES else "bad_url"
            key = netloc_key(url)
        except ValueError:
            return "bad_url"
        if portal and key not in self.hosts:
            return "host"
        try:
            kind = address_class(parts.hostname)
        except ValueError:
            return None  # a name: judged by its DNS answers
        return None if kind is None or self.private_ok(key) else kind

    def refuse_address(self, url: str, address: str) -> str | None:
        """A reason to refuse connecting to `address` for `url`."""
        try:
            kind = address_class(address)
        except ValueError:
            return "bad_url"
        return None if kind is None or self.private_ok(netloc_key(url)) else kind

    def check(self, url: str, *, portal: bool = False, where: str = "", record: bool = True) -> str | None:
        """refuse_url, then every DNS answer (a name answering any private address
        is refused: a rebinding name cannot pick the private one later).
        A refusal is recorded (unless `record=False`: a caller in a worker thread
        records it with `refused` in its own); a name that does not resolve is
        not refused here (the request reports it)."""
        why = self.refuse_url(url, portal=portal)
        if why is None and urlsplit(url).scheme.lower() not in LOCAL_SCHEMES:
            parts = urlsplit(url)
            key = (parts.hostname, parts.port or _default_port(parts.scheme.lower()))
            if key not in self._answers:
                try:
                    self._answers[key] = resolve(*key)
                except (OSError, UnicodeError, ValueError):
                    return None  # the request reports a name that does not resolve
            addresses = self._answers[key]
            for address in addresses:
                why = self.refuse_address(url, address)
                if why:
                    break
        if why and record:
            self.refused(url, why, where)
        return why

    def refused(self, url: str, why: str, where: str) -> None:
        self.refusals.append((url, why, where))
        if self.on_refusal:
            self.on_refusal(url, why, where)


def reason_text(key: str) -> str:
    return REASONS.get(key, key)


def campaign_hosts(store, campaign_id: int, extra_hosts: Iterable[str] = ()) -> set[str]:
    """Every host a campaign names: its listings, homepages, gov homepages and
    the roster's `hosts`."""
    settings = store.campaign(campaign_id)["settings"]
    hosts = set(extra_hosts) | set(settings.get("hosts") or [])
    for dept in store.departments(campaign_id):
        for url in (dept.get("listing_url"), dept.get("homepage")):
            if url:
                hosts.add(netloc_key(url))
    for entry in settings.get("gov_homepages") or []:
        if isinstance(entry, dict) and entry.get("url"):
            hosts.add(netloc_key(entry["url"]))
    return hosts


def scope_for_campaign(store, campaign_id: int, *, extra_hosts: Iterable[str] = ()) -> Scope:
    """The campaign's Scope; each refusal is recorded in the store (`refusals`)."""
    settings = store.campaign(campaign_id)["settings"]
    seen: set[tuple[str, str, str]] = set()

    def record(url: str, why: str, where: str) -> None:
        if (url, why, where) not in seen:  # once per URL and place, however often asked
            seen.add((url, why, where))
            store.add_refusal(campaign_id, url, why, where)

    return Scope(campaign_hosts(store, campaign_id, extra_hosts), allow_private=bool(settings.get("allow_private")),
                 on_refusal=record)
