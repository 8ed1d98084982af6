"""Downloader middleware that keeps every response as a snapshot, and serves a
request the campaign already fetched from its snapshot instead of the network.

That one mechanism gives evidence (every response kept, content-addressed and
in WARC) and resumability (a crawl killed at any moment starts again without
refetching what it has)."""
from __future__ import annotations

import time
import weakref

from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.resolver import CachingThreadedResolver

SNAPSHOT_FLAG = "snapshot"


def _headers_dict(headers: Headers) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in headers.items()}


class SnapshotMiddleware:
    """Configured from the setting GUIDECHECK_CAMPAIGN = {"db": path, "campaign_id": n}:
    opens the campaign's store and snapshots itself (no reaching into the spider).

    Writes go through the crawl's CrawlWriter (crawl_writer): files and then
    each batch's rows (one transaction) in a background thread, batches queued
    once a second without waiting, and written out when the spider closes."""

    FLUSH_SECONDS = 1.0

    def __init__(self, crawler):
        self.crawler = crawler
        config = crawler.settings.getdict("GUIDECHECK_CAMPAIGN")
        self.campaign_id = int(config["campaign_id"])
        self.snapshots = crawl_writer(crawler)
        self.store = self.snapshots.store
        self.offline = bool(config.get("offline"))
        self.known = self.store.fetch_map(self.campaign_id)  # {(url, kind): sha}
        self._timer = None

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider=None):
        from twisted.internet import task

        self._timer = task.LoopingCall(self.snapshots.flush, wait=False)
        self._timer.start(self.FLUSH_SECONDS, now=False)

    def spider_closed(self, spider=None, reason=None):
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        close_crawl_writer(self.crawler)

    def process_request(self, request, spider=None):
        kind = request.meta.get("kind", "other")
        sha = self.known.get((request.url, kind))
        if not sha:
            if self.offline:
                from scrapy.exceptions import IgnoreRequest

                raise IgnoreRequest(f"replay: no snapshot of {request.url}")
            return None
        meta = self.snapshots.meta(sha)
        status = int(meta.get("status") or 200)
        if (status >= 500 or status == 429) and not self.offline:
            return None  # a passing failure: ask again rather than replay it
        body = self.snapshots.get(sha)
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
        sha = self.snapshots.put(
            response.body, url=request.url, final_url=response.url, status=response.status,
            headers=_headers_dict(response.headers), fetcher=fetcher, fetched_at=time.time(),
        )
        self.snapshots.record_fetch(self.campaign_id, request.url, sha, kind, item_id=request.meta.get("item_id"))
        self.snapshots.maybe_flush()
        self.known[(request.url, kind)] = sha
        request.meta["snapshot_sha"] = sha
        self.crawler.stats.inc_value("guidecheck/fetched")
        return response


_WRITERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def crawl_writer(crawler):
    """The crawl's CrawlWriter (guidecheck/snapshots.py), one per crawler, on the
    store of the setting GUIDECHECK_CAMPAIGN (None without it): the snapshot
    middleware, the item pipeline and the spider write through it, so an item is
    marked gathered in the same transaction as its pages' rows, or after them."""
    if crawler not in _WRITERS:
        config = crawler.settings.getdict("GUIDECHECK_CAMPAIGN")
        if not config:
            return None
        from ..snapshots import CrawlWriter, snapshot_root
        from ..store import Store

        _WRITERS[crawler] = CrawlWriter(snapshot_root(config["db"]), Store(config["db"]))
    return _WRITERS[crawler]


def close_crawl_writer(crawler) -> None:
    """Write what is pending and stop the writer's thread (the spider closes)."""
    writer = _WRITERS.pop(crawler, None)
    if writer is not None:
        writer.close()


# ---------------------------------------------------------------- scope

_ACTIVE: dict = {}  # the running crawl's Scope (one crawl per process)


class ScopeMiddleware:
    """Refuses every request outside the campaign's scope (guidecheck/scope.py),
    each redirect hop included (a redirect is a new request through here):
    configured from the setting GUIDECHECK_SCOPE (Scope.to_settings()), refusals
    recorded in the campaign's store (setting GUIDECHECK_CAMPAIGN), when given."""

    def __init__(self, crawler):
        from ..scope import Scope

        self.crawler = crawler
        self.scope = Scope.from_settings(crawler.settings.getdict("GUIDECHECK_SCOPE"), on_refusal=self._record)
        self.campaign = crawler.settings.getdict("GUIDECHECK_CAMPAIGN")
        self.store = None
        _ACTIVE["scope"] = self.scope

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _record(self, url: str, why: str, where: str) -> None:
        self.crawler.stats.inc_value("guidecheck/refused")
        if self.campaign:
            if self.store is None:
                from ..store import Store

                self.store = Store(self.campaign["db"])
            self.store.add_refusal(int(self.campaign["campaign_id"]), url, why, where)

    def process_request(self, request, spider=None):
        from scrapy.exceptions import IgnoreRequest

        if self.campaign.get("offline"):
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
    url = request.url
    why = await asyncio.get_running_loop().run_in_executor(
        None, lambda: scope.check(url, portal=portal, where="render", record=False))
    if why:
        scope.refused(url, why, "render")  # in the reactor's thread, where the store lives
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
