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
