"""Scrapy settings for a campaign: politeness, robots, retries, rendering.

Components are wired here, not in spider code (style.md): robots.txt obeyed by
default, a user agent that names the tool and a contact, per-host limits and
AutoThrottle, the RemoteControl extension off, Chromium opt-in per request."""
from __future__ import annotations

from ..browser import CHROMIUM_ARGS, CHROMIUM_ENV, chromium_path  # noqa: F401  (re-exported)

USER_AGENT = "guidecheck/0.1 (+https://github.com/guidecheck; 政务服务指南检查)"


def scrapy_settings(*, obey_robots: bool = True, concurrency: int = 16, per_host: int = 8,
                    delay: float = 0.0, autothrottle: bool = True, timeout: float = 20.0,
                    render: bool = False, chromium: str | None = None, max_bytes: int = 8 * 1024 * 1024,
                    log_level: str = "WARNING", scope: dict | None = None) -> dict:
    """`scope`: Scope.to_settings() of the campaign; every request (redirect hops,
    DNS answers, a rendered page's sub-resources) is checked against it."""
    settings = {
        "BOT_NAME": "guidecheck",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": obey_robots,
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_ENABLED": autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.05),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(per_host),
        "DOWNLOAD_TIMEOUT": timeout,
        # A page that never ends is cut here and recorded, not waited for.
        "DOWNLOAD_MAXSIZE": max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "REDIRECT_MAX_TIMES": 10,
        "COOKIES_ENABLED": False,
        "LOG_LEVEL": log_level,
        "HTTPERROR_ALLOW_ALL": True,  # the spider records every status itself
        "DEPTH_LIMIT": 0,
        # A callback yields at most a page of listing links: scrapy's default of 100
        # output workers per response costs more than it brings (measured).
        "CONCURRENT_ITEMS": 4,
        # Two diagnostic spider middlewares the crawl does not use (DEPTH_LIMIT is 0, no
        # meta is copied from responses) each wrap every request and item a callback
        # yields in one more async generator: off (measured, docs/benchmarks.md).
        "SPIDER_MIDDLEWARES": {"scrapy.spidermiddlewares.depth.DepthMiddleware": None,
                               "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None},
        # Scrapy's check that a generator callback returns no value reads and parses the
        # callback's source for every response (its cache is keyed by a bound method
        # that dies with the request): the crawl's callbacks return none.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # Scope and snapshots are wired here, from settings (not from the spider).
        "GUIDECHECK_SCOPE": scope or {},
        "DNS_RESOLVER": "guidecheck.crawler.middleware.ScopedResolver",
        "ITEM_PIPELINES": {"guidecheck.crawler.pipelines.GatheredPipeline": 100},
        "DOWNLOADER_MIDDLEWARES": {"guidecheck.crawler.middleware.ScopeMiddleware": 50,
                                   "guidecheck.crawler.middleware.SnapshotMiddleware": 950},
    }
    if render:
        launch = {"headless": True, "args": CHROMIUM_ARGS}
        path = chromium_path(chromium)
        if path:
            launch["executable_path"] = path
        settings.update({
            "DOWNLOAD_HANDLERS": {
                "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
                "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
            },
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
            "PLAYWRIGHT_MAX_CONTEXTS": 2,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout * 1000,
            "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": True,
            "PLAYWRIGHT_ABORT_REQUEST": "guidecheck.crawler.middleware.abort_out_of_scope",
            # ...and every connection Chromium opens (redirect hops included) goes
            # through a scope proxy: the add-on adds it to PLAYWRIGHT_LAUNCH_OPTIONS.
            "ADDONS": {**settings.get("ADDONS", {}), "guidecheck.crawler.render_scope.RenderScope": 0},
        })
    return settings
