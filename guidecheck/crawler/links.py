"""The link checker: each URL a guide offers, fetched once with aiohttp and
classified into a LinkResult (rules K001-K004 read these).

    results = check_links_sync(urls, expect_file={form_url, ...})

How a link is judged (statuses of LinkResult):
- scope first (guidecheck/scope.py): a URL whose address, as written or as
  answered by DNS, is private, loopback, link-local, reserved or a cloud
  metadata address is never requested (also at each redirect hop; the
  connector's resolver refuses such answers too): `dead`, since the public
  cannot reach it, and the refusal is recorded. `allow_private=True` or a
  campaign scope lifts this. Non-http schemes (mailto:) are `skipped`.
- GET, never HEAD (portals answer HEAD wrongly), body read up to `max_bytes`;
  redirects followed by hand (at most 10 hops; a URL seen a third time is a loop).
- a pass: retries with exponential backoff on connection errors, timeouts, 408,
  429 and 5xx (Retry-After honoured up to `retry_after_cap`); 404/410 and other
  answers end the pass at once.
- a pass that says `dead` (404/410, the same 5xx, DNS, refused or TLS failure on
  every try) is only a candidate: a second pass `recheck_pause` seconds later
  confirms it (same verdict), clears it (a good answer) or sends it to review
  (a different failure). Spaced retries, as GOV.UK's link checker does.
- never a deduction (`review`): a firewall or anti-bot page (signatures in
  element_rules/link_shields.yaml: Aliyun, Tencent Cloud, Cloudflare, 360,
  安全宝, Baidu 云加速 …, or firewall wording), a 403 and the like, 401/407,
  429, 503 (maintenance), resets, timeouts, failures that differ between tries.
- a 2xx document is validated (content.check_document) -> `ok` / `unreadable`;
  a body cut at `max_bytes` is not validated (`ok`, reason says so);
- a 2xx HTML page is `soft_404` when its title, h1 or short text carries error
  wording, or when it matches the answer to a random path on the same host and
  first path segment (probed once per host, segment and extension); a URL in
  `expect_file` answering a real HTML page is `not_a_file`.
"""
from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import aiohttp
from aiohttp.resolver import ThreadedResolver
from multidict import CIMultiDict

from .. import scope as scope_mod
from ..model import LinkResult
from ..scope import Scope
from . import content, shields
from .content import reason

USER_AGENT = "guidecheck/0.1 (+https://github.com/guidecheck; 政务服务指南检查)"
MAX_HOPS = 10
RETRY_AFTER_CAP = 30.0  # longest Retry-After honoured (seconds)
RECHECK_PAUSE = 15.0  # seconds between the first pass and the confirming one
_REDIRECTS = {301, 302, 303, 307, 308}
_RETRY_STATUS = {408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524}
# Failures that, the same on every try, make a link dead.
# (a reset is not: firewalls reset connections they dislike; a 503 is not: maintenance)
_DEAD_FAILURES = {"5xx", "dns", "refused", "tls"}
# Answers that refuse the checker rather than say the page is gone: review.
_REFUSED_STATUS = {403, 405, 406, 412, 418, 419, 444, 451, 493, 499}


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    with contextlib.suppress(TypeError, ValueError, IndexError):
        from email.utils import parsedate_to_datetime
        import time as _time

        return max(0.0, parsedate_to_datetime(value).timestamp() - _time.time())
    return None


def _verdict_key(result: LinkResult) -> tuple:
    return (result.http_status, result.reason.split("，", 1)[0])


class OutOfScope(OSError):
    """Raised by the resolver for a name whose answers are out of scope."""


class _ScopedResolver(ThreadedResolver):
    """Resolves through the scope (GUIDECHECK_RESOLVE first) and refuses a name
    with any answer out of scope, so that a connection can never reach one
    (redirects and DNS changes included)."""

    def __init__(self, scope: Scope):
        super().__init__()
        self.scope = scope

    async def resolve(self, host, port=0, family=socket.AF_INET):
        forced = scope_mod.overrides().get((host.lower(), port))
        if forced:
            hosts = [{"hostname": host, "host": forced, "port": port, "family": socket.AF_INET, "proto": 0,
                      "flags": socket.AI_NUMERICHOST}]
        else:
            hosts = await super().resolve(host, port, family)
        url = f"http://{host}:{port}/"
        for h in hosts:
            why = self.scope.refuse_address(url, h["host"])
            if why:
                raise OutOfScope(f"{host} resolves to {h['host']} ({why})")
        return hosts


@dataclass
class _Answer:
    """One try at a URL: a response (status, body…) or a failure kind."""

    kind: str  # response | dns | refused | reset | tls | tls_chain | timeout | incomplete | error | private
    #            | bad_url | redirect_loop | too_many_redirects
    status: int | None = None
    url: str = ""
    headers: CIMultiDict = field(default_factory=CIMultiDict)
    body: bytes = b""
    cut: bool = False
    detail: str = ""
    waf: str | None = None
    _page: content.Page | None = None

    def page(self) -> content.Page:
        if self._page is None:
            self._page = content.parse_page(self.body, self.content_type)
        return self._page

    @property
    def failure(self) -> str | None:
        """The retryable failure this answer is, or None when it is final."""
        if self.kind == "response":
            if self.waf or self.status not in _RETRY_STATUS:
                return None
            return {429: "429", 408: "timeout"}.get(self.status, "5xx")
        if self.kind in ("private", "bad_url", "redirect_loop", "too_many_redirects"):
            return None
        return self.kind

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def _failure_kind(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return "timeout", ""
    if isinstance(exc, aiohttp.ClientConnectorError) and isinstance(exc.os_error, OutOfScope):
        return "private", ""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        verify = getattr(exc.certificate_error, "verify_message", "") or str(exc.certificate_error)
        return ("tls_chain" if "local issuer" in verify else "tls"), verify
    if isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError)):
        return "tls", type(exc).__name__
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns", ""
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, socket.gaierror):
            return "dns", ""
        return ("refused" if isinstance(exc.os_error, ConnectionRefusedError) else "reset"), str(exc.os_error)
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, ConnectionError)):
        return "reset", type(exc).__name__
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "incomplete", ""
    if isinstance(exc, (aiohttp.InvalidURL, ValueError, UnicodeError)):
        return "bad_url", ""
    return "error", type(exc).__name__


class _HostGate:
    """At most `per_host` requests at once to a host, starts spaced by `delay`."""

    def __init__(self, per_host: int, delay: float):
        self.sem = asyncio.Semaphore(per_host)
        self.delay = delay
        self.lock = asyncio.Lock()
        self.next_start = 0.0

    @contextlib.asynccontextmanager
    async def slot(self):
        async with self.sem:
            if self.delay > 0:
                async with self.lock:
                    loop = asyncio.get_running_loop()
                    wait = self.next_start - loop.time()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    self.next_start = loop.time() + self.delay
            yield


class _Checker:
    def __init__(self, session: aiohttp.ClientSession, *, concurrency: int, per_host: int, delay: float,
                 retries: int, backoff: float, timeout: float, max_bytes: int, scope: Scope,
                 expect_file: set[str], recheck_pause: float, retry_after_cap: float):
        self.session = session
        self.global_sem = asyncio.Semaphore(concurrency)
        self.per_host, self.delay = per_host, delay
        self.retries, self.backoff, self.timeout = retries, backoff, timeout
        self.max_bytes, self.scope = max_bytes, scope
        self.expect_file = expect_file
        self.recheck_pause, self.retry_after_cap = recheck_pause, retry_after_cap
        self.gates: dict[str, _HostGate] = {}
        self.scope_cache: dict[str, str | None] = {}
        self.probes: dict[tuple, asyncio.Task] = {}
        self.stats = {"requests": 0, "probes": 0, "second_pass": 0}

    # scope: the URL as written, then the name's DNS answers (cached per host:port)
    async def _refusal(self, url: str) -> str | None:
        why = self.scope.refuse_url(url)
        if why is None:
            key = scope_mod.netloc_key(url)
            if key not in self.scope_cache:
                parts = urlsplit(url)
                loop = asyncio.get_running_loop()
                try:
                    async with asyncio.timeout(self.timeout):
                        addresses = await loop.run_in_executor(None, scope_mod.resolve, parts.hostname,
                                                               int(key.rsplit(":", 1)[1]))
                except (OSError, TimeoutError, ValueError, UnicodeError):
                    addresses = []  # let the requests report the DNS failure, try by try
                self.scope_cache[key] = next(filter(None, (self.scope.refuse_address(url, a) for a in addresses)),
                                             None)
            why = self.scope_cache[key]
        if why:
            self.scope.refused(url, why, "links")
        return why

    # one try: follow redirects by hand, each hop scope-checked and host-gated
    async def _fetch(self, url: str) -> _Answer:
        seen: dict[str, int] = {}
        current = url
        for _hop in range(MAX_HOPS + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return _Answer("bad_url", url=current)
            if await self._refusal(current):
                return _Answer("private", url=current)
            seen[current] = seen.get(current, 0) + 1
            if seen[current] > 2:
                return _Answer("redirect_loop", url=current)
            gate = self.gates.setdefault(parts.hostname, _HostGate(self.per_host, self.delay))
            async with gate.slot():
                answer = await self._request(current)
            if answer.kind == "response" and answer.status in _REDIRECTS:
                location = answer.headers.get("Location")
                if not location:
                    return answer
                current = urljoin(current, location.strip())
                continue
            return answer
        return _Answer("too_many_redirects", url=current)

    async def _request(self, url: str) -> _Answer:
        self.stats["requests"] += 1
        chunks: list[bytes] = []
        try:
            async with asyncio.timeout(self.timeout):
                async with self.session.get(url, allow_redirects=False) as resp:
                    answer = _Answer("response", status=resp.status, url=url, headers=CIMultiDict(resp.headers))
                    if resp.status in _REDIRECTS:
                        return answer
                    limit = self.max_bytes if resp.status < 300 else min(self.max_bytes, 65536)
                    size = 0
                    async for chunk in resp.content.iter_chunked(65536):
                        chunks.append(chunk)
                        size += len(chunk)
                        if size > limit:  # one byte past the limit: the body is longer than we keep
                            answer.cut = True
                            break
                    answer.body = b"".join(chunks)[:limit]
        except Exception as exc:  # noqa: BLE001 - every failure becomes a kind
            kind, detail = _failure_kind(exc)
            return _Answer(kind, url=url, detail=detail, body=b"".join(chunks))
        answer.waf = self._waf(answer)
        return answer

    def _waf(self, answer: _Answer) -> str | None:
        """The shield (data: link_shields.yaml) or firewall wording that answered."""
        name = shields.shield(answer.status, answer.headers, answer.body)
        if name:
            return name
        if answer.status not in (200, 403, 405, 412, 418, 503) or not answer.body:
            return None
        if not content.looks_like_html(answer.body, answer.content_type):
            return None
        return content.waf_words(answer.page(), whole=answer.status != 200)

    # all tries of one URL: a first pass, and for a would-be dead link a second
    # pass after `recheck_pause` (a dead link is confirmed only by both)
    async def check(self, url: str) -> LinkResult:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            if parts.scheme and not parts.netloc:
                return LinkResult(url, "skipped", reason("scheme", detail=parts.scheme))
            return LinkResult(url, "dead", reason("bad_url"))
        first = await self._pass(url)
        result = await self._judge(url, first)
        if result.status != "dead" or first[-1].kind in ("private", "bad_url"):
            return result
        self.stats["second_pass"] += 1
        await asyncio.sleep(self.recheck_pause)
        second = await self._pass(url)
        again = await self._judge(url, second, before=len(first))
        if again.status == "dead":
            if _verdict_key(result) != _verdict_key(again):
                again.status, again.reason = "review", reason("flapping", detail="、".join(dict.fromkeys(
                    content.failure_word(a.status, a.kind) for a in (first[-1], second[-1]))))
            else:
                again.reason += reason("confirmed", detail=f"{self.recheck_pause:g}")
        elif again.status == "ok" and not again.reason:
            again.reason = reason("recovered", detail=content.failure_word(first[-1].status, first[-1].kind))
        return again

    async def _pass(self, url: str) -> list[_Answer]:
        answers: list[_Answer] = []
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self._pause(attempt, answers[-1]))
            async with self.global_sem:
                answers.append(await self._fetch(url))
            if answers[-1].failure is None:
                break
        return answers

    def _pause(self, attempt: int, last: _Answer) -> float:
        pause = self.backoff * 2 ** (attempt - 1)
        if last.status in (429, 503):
            wait = _retry_after(last.headers.get("Retry-After"))
            if wait is not None:
                pause = max(pause, min(wait, self.retry_after_cap))
        return pause

    async def _judge(self, url: str, answers: list[_Answer], before: int = 0) -> LinkResult:
        """The verdict of one pass; `before`: tries of the passes before it."""
        last = answers[-1]
        n = before + len(answers)
        result = LinkResult(url, "ok", http_status=last.status, content_type=last.content_type,
                            final_url=last.url, attempts=n,
                            size=len(last.body) if last.kind == "response" else None)
        failures = [a.failure for a in answers]
        if last.failure is None:
            status, why = await self._final(url, last)
            if status == "ok" and len(answers) > 1 and not why:
                why = reason("recovered", detail=content.failure_word(answers[0].status, answers[0].kind))
        elif "429" in failures:
            status, why = "review", reason("rate_limited")
        elif len(set(failures)) > 1:
            status, why = "review", reason("flapping", detail="、".join(dict.fromkeys(
                content.failure_word(a.status, a.kind) for a in answers)))
        elif last.status == 503:
            status, why = "review", reason("maintenance" if shields.maintenance(last.body) else "unavailable",
                                           attempts=n)
        elif last.failure in _DEAD_FAILURES:
            status, why = "dead", reason("http_5xx" if last.failure == "5xx" else last.failure,
                                         status=last.status, attempts=n, detail=last.detail)
        elif last.failure == "reset":
            status, why = "review", reason("reset", attempts=n)
        elif last.failure == "timeout":
            status, why = "review", reason("timeout", detail=f"{self.timeout:g}", attempts=n)
        elif last.failure == "tls_chain":
            status, why = "review", reason("tls_chain")
        elif last.failure == "incomplete":
            doc = url in self.expect_file or content.url_ext(url) in content.DOC_EXTS
            status, why = ("unreadable", reason("truncated")) if doc else ("review", reason("incomplete", attempts=n))
        else:
            status, why = "review", reason("error", detail=last.detail or last.kind)
        result.status, result.reason = status, why
        return result

    async def _final(self, url: str, a: _Answer) -> tuple[str, str]:
        """Judge a final answer (no retry pending)."""
        if a.kind != "response":
            if a.kind == "private":
                return "dead", reason("private")
            return "dead", reason(a.kind)
        if a.waf:
            return "review", reason("waf", status=a.status, detail=a.waf)
        if a.status in (404, 410):
            return "dead", reason("gone", status=a.status)
        if a.status in (401, 407):
            return "review", reason("auth", status=a.status)
        if a.status in _REFUSED_STATUS:
            return "review", reason("forbidden", status=a.status)
        if a.status >= 400:
            return "dead", reason("http_4xx", status=a.status)
        if a.status >= 300:
            return "dead", reason("redirect_bad", status=a.status)
        return await self._content(url, a)

    async def _content(self, url: str, a: _Answer) -> tuple[str, str]:
        big = reason("big", detail=self.max_bytes) if a.cut else ""
        html = content.looks_like_html(a.body, a.content_type)
        ext = content.declared_ext(url, a.url, a.headers)
        wants_file = url in self.expect_file
        if content.sniff(a.body) or (not html and (wants_file or ext in content.DOC_EXTS
                                                     or content.is_document_type(a.content_type))):
            if a.cut:
                return "ok", big
            readable, key = content.check_document(a.body, ext)
            name, _, detail = key.partition(":")
            return ("ok", "") if readable else ("unreadable", reason(name, detail=detail))
        if not a.body.strip():
            return ("unreadable", reason("empty_file")) if wants_file else ("soft_404", reason("soft_empty"))
        if html:
            soft = await self._soft_404(url, a)
            if soft:
                return "soft_404", soft
            if wants_file:
                return "not_a_file", reason("not_a_file")
        return "ok", big

    async def _soft_404(self, url: str, a: _Answer) -> str | None:
        page = a.page()
        word = content.error_words(page)
        if word:
            return reason("soft_words", detail=word)
        if urlsplit(a.url).path in ("", "/") or urlsplit(url).path in ("", "/"):
            return None  # a homepage is what many sites answer for unknown paths
        probe = await self._probe(url)
        if probe is None:
            return None
        if a.url != url and probe.url == a.url:
            return reason("soft_redirect")
        if probe.status == 200 and probe.body and content.looks_like_html(probe.body, probe.content_type):
            if content.same_page(page, probe.page()):
                return reason("soft_probe")
        return None

    def _probe(self, url: str) -> asyncio.Task:
        """The answer to a random path beside `url` (same host, first path segment,
        extension), fetched once per such key."""
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        prefix = segments[0] + "/" if len(segments) > 1 else ""
        ext = content.url_ext(url)
        key = (parts.scheme, parts.netloc, prefix, ext)
        if key not in self.probes:
            probe_url = f"{parts.scheme}://{parts.netloc}/{prefix}{secrets.token_hex(12)}{'.' + ext if ext else ''}"
            self.stats["probes"] += 1
            self.probes[key] = asyncio.ensure_future(self._fetch_probe(probe_url))
        return self.probes[key]

    async def _fetch_probe(self, probe_url: str) -> _Answer | None:
        answer = await self._fetch(probe_url)
        return answer if answer.kind == "response" else None


async def check_links(urls: Iterable[str], *, concurrency: int = 50, per_host: int = 8, delay: float = 0.0,
                      retries: int = 2, backoff: float = 0.5, timeout: float = 10.0, max_bytes: int = 2_000_000,
                      allow_private: bool = False, scope: Scope | None = None, user_agent: str = USER_AGENT,
                      expect_file: Iterable[str] = (), recheck_pause: float = RECHECK_PAUSE,
                      retry_after_cap: float = RETRY_AFTER_CAP,
                      on_result: Callable[[LinkResult], None] | None = None,
                      stats: dict | None = None) -> dict[str, LinkResult]:
    """Check each URL once (duplicates, and URLs differing only in #fragment, share
    one check); returns a LinkResult for every URL given. `expect_file` holds the
    URLs that should answer a document (form and sample downloads). `on_result` is
    called as each result is ready (e.g. to save it); `stats`, if given, receives
    the number of requests and probes made. `timeout` bounds each request (hop),
    connection and body read included. `scope` decides which targets may be
    requested (default: public addresses only; `allow_private=True`: any).
    A would-be dead link is checked again `recheck_pause` seconds later."""
    given = list(dict.fromkeys(urls))
    expect = {urldefrag(u).url for u in expect_file}
    scope = scope or Scope(any_private=allow_private)
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0, ttl_dns_cache=300,
                                     resolver=_ScopedResolver(scope))
    headers = {"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
               "Accept-Language": "zh-CN,zh;q=0.9"}
    client_timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)
    async with aiohttp.ClientSession(connector=connector, headers=headers, timeout=client_timeout,
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        checker = _Checker(session, concurrency=concurrency, per_host=per_host, delay=delay, retries=retries,
                           backoff=backoff, timeout=timeout, max_bytes=max_bytes, scope=scope,
                           expect_file=expect, recheck_pause=recheck_pause, retry_after_cap=retry_after_cap)
        by_target: dict[str, asyncio.Task] = {}
        for url in given:
            target = urldefrag(url.strip()).url
            if target not in by_target:
                by_target[target] = asyncio.ensure_future(checker.check(target))
        out: dict[str, LinkResult] = {}

        async def finish(url: str) -> None:
            result = await by_target[urldefrag(url.strip()).url]
            out[url] = LinkResult(**{**result.__dict__, "url": url})
            if on_result:
                on_result(out[url])

        try:
            await asyncio.gather(*(finish(u) for u in given))
        finally:
            for task in [*by_target.values(), *checker.probes.values()]:
                task.cancel()
            await asyncio.gather(*checker.probes.values(), return_exceptions=True)
        if stats is not None:
            stats.update(checker.stats)
    return {url: out[url] for url in given}


def check_links_sync(urls: Iterable[str], **options) -> dict[str, LinkResult]:
    """check_links for callers without an event loop."""
    return asyncio.run(check_links(urls, **options))
