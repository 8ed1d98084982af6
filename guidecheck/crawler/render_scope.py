"""The scope at the socket level for the crawler's own rendering (scrapy-playwright).

Chromium follows redirect hops without asking Playwright's route again, so
PLAYWRIGHT_ABORT_REQUEST (crawler/middleware.py) alone cannot stop a rendered
guide page, or one of its images, styles, iframes or fetches, that an in-scope
URL redirects to an intranet address. This scrapy add-on puts the journeys'
forward proxy (guidecheck/scope_proxy.py) in front of scrapy-playwright's
Chromium, as guidecheck/journeys/pool.py does for the journeys:

- `update_settings` (scrapy's hook for changing settings before they freeze):
  binds the proxy's socket on 127.0.0.1 and adds `--proxy-server=...` and
  `--proxy-bypass-list=<-loopback>` to PLAYWRIGHT_LAUNCH_OPTIONS' args, so every
  connection Chromium opens, loopback included, goes through it (a browser
  relaunched after a crash gets the same arguments);
- `engine_started`: the proxy serves on the reactor's own asyncio loop (a
  rendering crawl runs on AsyncioSelectorReactor, see crawler/settings.py);
  a connection arriving before that waits in the socket's backlog;
- `spider_closed`: the proxy stops.

Configured from settings only: the scope from GUIDECHECK_SCOPE
(Scope.to_settings()), refusals recorded in the store of GUIDECHECK_CAMPAIGN
(table `refusals`, phase `render`, once per URL and reason), when given.
crawler/settings.py enables it (ADDONS) whenever it turns rendering on.
"""
from __future__ import annotations

from scrapy import signals

PROXY_ARGS = ("--proxy-server", "--proxy-bypass-list")


class RenderScope:
    def __init__(self, crawler):
        self.crawler = crawler
        self.proxy = None
        self.campaign: dict = {}
        self.store = None
        self._seen: set[tuple[str, str]] = set()
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def update_settings(self, settings) -> None:
        from ..scope import Scope
        from ..scope_proxy import ScopeProxy

        self.campaign = settings.getdict("GUIDECHECK_CAMPAIGN")
        scope = Scope.from_settings(settings.getdict("GUIDECHECK_SCOPE"), on_refusal=self._record)
        self.proxy = ScopeProxy(scope, where="render").bind()
        launch = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
        launch["args"] = [a for a in launch.get("args") or [] if not a.startswith(PROXY_ARGS)] + self.proxy.args
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch,
                     priority=settings.getpriority("PLAYWRIGHT_LAUNCH_OPTIONS") or "addon")

    def _record(self, url: str, why: str, where: str) -> None:
        self.crawler.stats.inc_value("guidecheck/refused")
        if (url, why) in self._seen:  # once per URL and reason, however often Chromium asks
            return
        self._seen.add((url, why))
        if self.campaign:
            if self.store is None:
                from ..store import Store

                self.store = Store(self.campaign["db"])
            self.store.add_refusal(int(self.campaign["campaign_id"]), url, why, where)

    async def engine_started(self) -> None:
        if self.proxy is not None:
            await self.proxy.start()

    async def spider_closed(self, spider=None) -> None:
        if self.proxy is not None:
            await self.proxy.close()
