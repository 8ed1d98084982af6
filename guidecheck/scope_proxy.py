"""A tiny forward proxy in front of Chromium: the socket-level scope check.

Chromium follows redirects without asking Playwright's route again, so the
route alone cannot stop a page (or a sub-resource) redirected to an intranet
address. Every connection Chromium opens goes through this proxy instead
(`--proxy-server`, loopback included with `--proxy-bypass-list=<-loopback>`):
each CONNECT (https) and each plain http request names its target; the proxy
resolves it (GUIDECHECK_RESOLVE first), refuses it when the scope refuses any
answer, and otherwise connects to the address it checked (no second lookup, so
no DNS rebinding) and pipes bytes both ways, streaming.

Plain http requests are forwarded one per connection (`Connection: close`), so
that a kept-alive proxy connection is never reused for another host.

Two users, one proxy each: the journeys' browser pool (guidecheck/journeys/pool.py,
refusals recorded as `browser`) and the crawler's rendering through
scrapy-playwright (guidecheck/crawler/render_scope.py, `render`). `bind()` opens
the listening socket synchronously, so the port can go into Chromium's launch
options before any event loop runs; `start()` then serves it on the running loop
(a connection arriving in between waits in the socket's backlog).
"""
from __future__ import annotations

import asyncio
import contextlib
import socket
from urllib.parse import urlsplit

from . import scope as scope_mod

HEAD_LIMIT = 65536


class ScopeProxy:
    def __init__(self, scope, *, where: str = "browser"):
        """`where`: the place each refusal is recorded under (Scope.refused)."""
        self.scope = scope
        self.where = where
        self.server = None
        self.port = 0
        self._sock: socket.socket | None = None

    def bind(self) -> ScopeProxy:
        """Listen on 127.0.0.1 (a free port, known from now on); served by start()."""
        if self._sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sock.listen(128)
            self._sock, self.port = sock, sock.getsockname()[1]
        return self

    async def start(self) -> ScopeProxy:
        self.bind()
        self.server = await asyncio.start_server(self._client, sock=self._sock)
        return self

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 2)
            self.server = None
        elif self._sock is not None:
            self._sock.close()  # bound, never served
        self._sock = None

    @property
    def args(self) -> list[str]:
        return [f"--proxy-server=http://127.0.0.1:{self.port}", "--proxy-bypass-list=<-loopback>"]

    async def _target(self, url: str) -> str | None:
        """The checked address to connect to, or None (refusal recorded)."""
        parts = urlsplit(url)
        why = self.scope.refuse_url(url)
        address = None
        if why is None:
            try:
                addresses = await asyncio.get_running_loop().run_in_executor(
                    None, scope_mod.resolve, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
            except (OSError, UnicodeError, ValueError):
                return None
            for candidate in addresses:
                why = self.scope.refuse_address(url, candidate)
                if why:
                    break
            address = addresses[0] if addresses and not why else None
        if why:
            self.scope.refused(url, why, self.where)
        return address

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = None
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if len(head) > HEAD_LIMIT:
                return
            line, _, rest = head.partition(b"\r\n")
            method, target, version = line.decode("latin-1").split(" ", 2)
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                url = f"https://{host.strip('[]')}:{port}/"
                address = await self._target(url)
                if address is None:
                    writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                    return
                up_reader, upstream = await asyncio.open_connection(address, int(port))
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            else:
                parts = urlsplit(target)
                if parts.scheme != "http" or not parts.hostname:
                    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    return
                address = await self._target(target)
                if address is None:
                    writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    return
                up_reader, upstream = await asyncio.open_connection(address, parts.port or 80)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                headers = [h for h in rest.split(b"\r\n") if h and not h.lower().startswith(
                    (b"proxy-connection:", b"connection:", b"keep-alive:"))]
                upstream.write(f"{method} {path} {version}\r\n".encode("latin-1") + b"\r\n".join(headers)
                               + b"\r\nConnection: close\r\n\r\n")
            await asyncio.gather(_pipe(reader, upstream), _pipe(up_reader, writer))
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            with contextlib.suppress(Exception):
                writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        finally:
            for w in (writer, upstream):
                if w is not None:
                    with contextlib.suppress(Exception):
                        w.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()
