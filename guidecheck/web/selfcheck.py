"""A department's self-check: saved guide files, or one guide URL fetched within
the campaign's scope, checked at once as `guidecheck check --format jsonl` would
(all offline rules). Nothing is written to the store: no score can change.

A URL is fetched only when its host is one the campaign's roster allows (its
listing and homepage hosts and `hosts:`), over http or https, following at most
MAX_REDIRECTS redirects that each stay in scope, and never to a private,
loopback, link-local or reserved address unless the roster allows private
addresses (`allow_private: true`). The body is cut at MAX_BYTES.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
from pathlib import PurePath
from urllib.parse import urljoin, urlsplit

from ..scope import is_private_address
from ..errors import InputError
from ..offline import check_bytes

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 15.0
USER_AGENT = "guidecheck-selfcheck (government service guide self-check)"


class ScopeError(ValueError):
    """A URL the self-check may not fetch; the message is Chinese."""


def safe_name(name: str | None) -> str:
    """The uploaded file's own name, without any folder part."""
    base = PurePath((name or "").replace("\\", "/")).name
    return base[:200] or "upload.html"


def check_files(files: list[tuple[str, bytes]], messages: dict) -> list[dict]:
    """One object per guide (check --format jsonl), or {"source", "error"} for an
    input that cannot be read."""
    out = []
    for name, data in files:
        source = safe_name(name)
        if len(data) > MAX_BYTES:
            out.append({"source": source, "error": messages["too_large"]})
            continue
        try:
            out.extend(g.to_json() for g in check_bytes(data, source, ""))
        except InputError as exc:
            out.append({"source": source, "error": exc.reason if hasattr(exc, "reason") else str(exc)})
    return out


def _check_target(url: str, scope: dict, messages: dict) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ScopeError(messages["bad_url"])
    host = parts.hostname.lower()
    if host not in scope["hosts"]:
        raise ScopeError(messages["host_not_allowed"].format(host=host, hosts="、".join(scope["hosts"]) or "-"))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except OSError as exc:
        raise ScopeError(messages["unresolved"].format(host=host)) from exc
    if not scope["allow_private"] and any(
            is_private_address(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
        raise ScopeError(messages["private"].format(host=host))
    address = sorted(addresses)[0]
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, address, port, path


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to the address already checked, with SNI and certificate checks against the name."""

    def __init__(self, host: str, address: str, port: int):
        import ssl

        super().__init__(host, port, timeout=TIMEOUT, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_guide(url: str, scope: dict, messages: dict) -> tuple[str, bytes]:
    """(final URL, body) of a guide URL in scope; ScopeError otherwise. The
    connection goes to the address that was checked (no second lookup)."""
    for _ in range(MAX_REDIRECTS + 1):
        scheme, address, port, path = _check_target(url, scope, messages)
        host = urlsplit(url).hostname
        if scheme == "https":
            conn = _PinnedHTTPS(host, address, port)
        else:
            conn = http.client.HTTPConnection(address, port, timeout=TIMEOUT)
        try:
            conn.request("GET", path, headers={"Host": urlsplit(url).netloc, "User-Agent": USER_AGENT,
                                               "Accept": "text/html,application/json;q=0.9,*/*;q=0.5"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status >= 400:
                raise ScopeError(messages["http_error"].format(status=response.status))
            body = response.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise ScopeError(messages["too_large"])
            return url, body
        except OSError as exc:
            raise ScopeError(messages["fetch_failed"].format(reason=exc.__class__.__name__)) from exc
        finally:
            conn.close()
    raise ScopeError(messages["too_many_redirects"])


def check_url(url: str, scope: dict, messages: dict) -> list[dict]:
    final_url, body = fetch_guide(url.strip(), scope, messages)
    try:
        return [g.to_json() for g in check_bytes(body, final_url, final_url)]
    except InputError as exc:
        return [{"source": final_url, "error": str(exc)}]
