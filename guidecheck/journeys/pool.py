"""A pool of browser contexts over one Chromium, restarted when it dies.

    async with BrowserPool(chromium=None, contexts=2) as pool:
        async with pool.context() as ctx:    # a FRESH context, at most `contexts` at once
            page = await ctx.new_page()

Chromium is launched with `executable_path=chromium_path(explicit)` (the
`--chromium` option, $GUIDECHECK_CHROMIUM, Debian's /usr/bin/chromium; None:
Playwright's own browser) and the crawler's CHROMIUM_ARGS. Playwright turns
Chromium's popup blocker off by default; the pool turns it back on, so a page
that opens the handling page with window.open outside a click is blocked as it
would be in a user's browser.

Scope: every request of every context (page loads, images, styles, iframes,
fetches) passes `context.route('**/*')` and is aborted when the scope
(guidecheck/scope.py) refuses it; and every connection Chromium opens goes
through a local proxy (guidecheck/scope_proxy.py) that checks its target again at the
socket level, which also covers redirect hops (Chromium follows those without
asking the route). The scope is the pool's `scope` argument or,
when none is given, the one set with `use_scope(scope)` around the run (the
journey runner creates its own pool). Service workers are blocked, so that no
request escapes the route.

When Chromium dies (crash, killed, closed), the work running in it fails with
Playwright errors; `BrowserGone` is what the journey runner turns them into.
The next `context()` call relaunches Chromium (under a lock, once), so the
other journeys go on.
"""
from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os

from ..browser import CHROMIUM_ARGS, chromium_path

LAUNCH_TIMEOUT_MS = 60_000
# Playwright's own default switch that a user's browser does not have.
IGNORED_DEFAULT_ARGS = ["--disable-popup-blocking"]


SCOPE: contextvars.ContextVar = contextvars.ContextVar("guidecheck_scope", default=None)


@contextlib.contextmanager
def use_scope(scope):
    """Pools created inside (in this context, tasks included) guard with `scope`."""
    token = SCOPE.set(scope)
    try:
        yield scope
    finally:
        SCOPE.reset(token)


class BrowserGone(Exception):
    """Chromium disconnected (crashed, killed or closed) under a running task."""


class BrowserPool:
    def __init__(self, chromium: str | None = None, contexts: int = 2, *, headless: bool = True,
                 args: list[str] | None = None, scope=None):
        if contexts < 1:
            raise ValueError("contexts must be at least 1")
        self.executable = chromium_path(chromium)
        self.contexts = contexts
        self.headless = headless
        self.args = list(CHROMIUM_ARGS if args is None else args)
        self.launches = 0  # 1 after start; each restart adds one
        self.browser = None
        self._pw = None
        self._sem = asyncio.Semaphore(contexts)
        self._lock = asyncio.Lock()
        self._gone = False
        self._driver: list[int] = []
        self.scope = scope if scope is not None else SCOPE.get()
        self._proxy = None

    async def __aenter__(self) -> BrowserPool:
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def start(self) -> None:
        from playwright.async_api import async_playwright

        if self.scope is not None and self._proxy is None:
            from ..scope_proxy import ScopeProxy

            self._proxy = await ScopeProxy(self.scope).start()
            self.args = self.args + self._proxy.args
        before = _children(os.getpid())
        self._pw = await async_playwright().start()
        self._driver = sorted(_children(os.getpid()) - before)  # Playwright's node driver, ours
        await self._ensure()

    async def close(self) -> None:
        if self.browser is not None:
            with contextlib.suppress(Exception):
                await self.browser.close()
        self.browser = None
        if self._pw is not None:
            with contextlib.suppress(Exception):
                await self._pw.stop()
        self._pw = None
        if self._proxy is not None:
            await self._proxy.close()
            self._proxy = None

    @property
    def restarts(self) -> int:
        return max(0, self.launches - 1)

    def alive(self) -> bool:
        return self.browser is not None and not self._gone and self.browser.is_connected()

    async def _launch(self):
        options = {"headless": self.headless, "args": self.args, "ignore_default_args": IGNORED_DEFAULT_ARGS,
                   "timeout": LAUNCH_TIMEOUT_MS}
        if self.executable:
            options["executable_path"] = self.executable
        browser = await self._pw.chromium.launch(**options)
        self._gone = False
        browser.on("disconnected", lambda _: self._mark_gone(browser))
        self.launches += 1
        return browser

    def _mark_gone(self, browser) -> None:
        if browser is self.browser:
            self._gone = True

    async def _ensure(self):
        async with self._lock:
            if not self.alive():
                if self.browser is not None:
                    with contextlib.suppress(Exception):
                        await self.browser.close()
                self.browser = await self._launch()
            return self.browser

    @contextlib.asynccontextmanager
    async def context(self, **options):
        """A fresh browser context (closed on exit). Raises BrowserGone when
        Chromium dies while it is in use."""
        async with self._sem:
            for attempt in (1, 2):
                browser = await self._ensure()
                try:
                    if self.scope is not None:
                        options.setdefault("service_workers", "block")
                    ctx = await browser.new_context(**options)
                    if self.scope is not None:
                        await ctx.route("**/*", self._guard)
                    break
                except Exception as exc:
                    closed = not browser.is_connected() or "closed" in str(exc).lower()
                    if attempt == 1 and closed:
                        # died before the disconnect event arrived: nothing ran in it yet, relaunch
                        if browser is self.browser:
                            self._gone = True
                        continue
                    if closed:
                        raise BrowserGone(str(exc)) from exc
                    raise
            try:
                yield ctx
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ctx.close(), 10)

    async def _refusal(self, url: str) -> str | None:
        """The scope's answer (DNS in a worker thread), recorded in this thread."""
        why = await asyncio.get_running_loop().run_in_executor(
            None, lambda: self.scope.check(url, where="browser", record=False))
        if why:
            self.scope.refused(url, why, "browser")
        return why

    async def _guard(self, route, request) -> None:
        """Abort a request the scope refuses (recorded with its URL); the proxy
        (scope_proxy.py) checks every connection again, redirect hops included."""
        why = await self._refusal(request.url)
        with contextlib.suppress(Exception):  # the page may be gone meanwhile
            if why:
                await route.abort("blockedbyclient")
            else:
                await route.continue_()

    def browser_pids(self) -> list[int]:
        """Process ids of the running Chromium's main process: the children of the
        Playwright driver this pool started (for tests that kill it)."""
        return sorted(pid for driver in self._driver for pid in _children(driver))


def _children(parent: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode("utf-8", "replace")
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                out.add(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return out
