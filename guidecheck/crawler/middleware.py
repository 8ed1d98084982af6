"""Downloader middleware that keeps every response as a snapshot, and serves a
request the campaign already fetched from its snapshot instead of the network.

That one mechanism gives evidence (every response kept, content-addressed and
in WARC) and resumability (a crawl killed at any moment starts again without
refetching what it has)."""
from __future__ import annotations

import time

from scrapy import signals
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.resolver import CachingThreadedResolver

SNAPSHOT_FLAG = "snapshot"


def _headers_dict(headers: Headers) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in headers.items()}


class SnapshotMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider):
        self.spider = spider
        self.known = spider.known_fetches()  # {(url, kind): sha}

    def process_request(self, request, spider=None):
        kind = request.meta.get("kind", "other")
        sha = self.known.get((request.url, kind))
        if not sha:
            if getattr(self.spider, "offline", False):
                from scrapy.exceptions import IgnoreRequest

                raise IgnoreRequest(f"replay: no snapshot of {request.url}")
            return None
        meta = self.spider.snapshots.meta(sha)
        status = int(meta.get("status") or 200)
        if (status >= 500 or status == 429) and not getattr(self.spider, "offline", False):
            return None  # a passing failure: ask again rather than replay it
        body = self.spider.snapshots.get(sha)
        headers = Headers(meta.get("headers") or {})
        cls = Response
        ctype = headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if "html" in ctype:
            cls = HtmlResponse
        elif "json" in ctype or "text" in ctype:
            cls = TextResponse
        self.crawler.stats.inc_value("guidecheck/from_snapshot")
        request.meta["snapshot_sha"] = sha
        return cls(url=meta.get("final_url") or request.url, status=status, headers=headers,
                   body=body, request=request, flags=[SNAPSHOT_FLAG])

    def process_response(self, request, response, spider=None):
        if SNAPSHOT_FLAG in response.flags:
            return response
        kind = request.meta.get("kind", "other")
        fetcher = "chromium" if request.meta.get("playwright") else "scrapy"
        sha = self.spider.snapshots.put(
            response.body, url=request.url, final_url=response.url, status=response.status,
            headers=_headers_dict(response.headers), fetcher=fetcher, fetched_at=time.time(),
        )
        self.spider.store.record_fetch(self.spider.campaign_id, request.url, sha, kind,
                                       item_id=request.meta.get("item_id"))
        self.known[(request.url, kind)] = sha
        request.meta["snapshot_sha"] = sha
        self.crawler.stats.inc_value("guidecheck/fetched")
        return response


# ---------------------------------------------------------------- scope

_ACTIVE: dict = {}  # the running crawl's Scope (one crawl per process)


class ScopeMiddleware:
    """Refuses every request outside the campaign's scope (guidecheck/scope.py),
    each redirect hop included (a redirect is a new request through here):
    configured from the setting GUIDECHECK_SCOPE (Scope.to_settings()), refusals
    recorded in the store of the spider."""

    def __init__(self, crawler):
        from ..scope import Scope

        self.crawler = crawler
        self.scope = Scope.from_settings(crawler.settings.getdict("GUIDECHECK_SCOPE"), on_refusal=self._record)
        self.spider = None
        _ACTIVE["scope"] = self.scope

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider):
        self.spider = spider

    def _record(self, url: str, why: str, where: str) -> None:
        self.crawler.stats.inc_value("guidecheck/refused")
        store = getattr(self.spider, "store", None)
        if store is not None:
            store.add_refusal(self.spider.campaign_id, url, why, where)

    def process_request(self, request, spider=None):
        from scrapy.exceptions import IgnoreRequest

        if getattr(self.spider, "offline", False):
            return None
        why = self.scope.check(request.url, portal=True, where="crawl")
        if why:
            from ..scope import reason_text

            raise IgnoreRequest(f"out of scope: {reason_text(why)}")
        return None


async def abort_out_of_scope(request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: a page rendered for the crawl loads nothing out of
    scope (sub-resources may come from public hosts, never private ones)."""
    scope = _ACTIVE.get("scope")
    if scope is None:
        return False
    import asyncio

    portal = request.is_navigation_request() and request.frame.parent_frame is None
    why = await asyncio.get_running_loop().run_in_executor(
        None, lambda: scope.check(request.url, portal=portal, where="render"))
    return bool(why)


class ScopedResolver(CachingThreadedResolver):
    """DNS_RESOLVER for scrapy: GUIDECHECK_RESOLVE first, and a name whose answer
    is a private address is refused unless the scope allows it for that name."""

    def getHostByName(self, name, timeout=None):
        from twisted.internet import defer
        from twisted.internet.error import DNSLookupError

        from .. import scope as scope_mod

        forced = next((a for (h, _p), a in scope_mod.overrides().items() if h == name.lower()), None)
        d = defer.succeed(forced) if forced else super().getHostByName(name, timeout)

        def check(address):
            scope = _ACTIVE.get("scope")
            kind = scope_mod.address_class(address) if scope is not None else None
            if kind and not scope.any_private and not any(
                    scope.private_ok(key) for key in scope.hosts if key.rsplit(":", 1)[0] == name.lower()):
                scope.refused(f"http://{name}/", kind, "dns")
                raise DNSLookupError(f"{name} resolves to an address out of scope")
            return address

        return d.addCallback(check)
