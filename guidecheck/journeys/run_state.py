"""The state of one journey run and the options and spec it runs from (the
browser side is in runner.py)."""
from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import JourneyProfile, defaults
from .pagescript import init_script

TICK = 0.025  # seconds between looks at the run's state


@dataclass
class JourneyOptions:
    """How journeys run. `limit`: seconds from the click to a ready handling page
    before the run ends (a page still loading then is J003, a loaded page that
    never shows the item J002); the J001 threshold itself is the rule's (5 s)."""

    chromium: str | None = None
    contexts: int = 2
    runs: int = 3
    limit: float = 30.0
    guide_timeout: float = 30.0
    control_timeout: float = 10.0
    quiet_ms: int = 500
    max_clicks: int = 2
    trace: bool = True
    keep_evidence: str = "findings"  # findings | all | none
    redo: bool = False
    item_ids: set[int] | None = None
    viewport: dict = field(default_factory=lambda: {"width": 1280, "height": 900})


@dataclass
class JourneySpec:
    """One journey to run: the guide page and what identifies the item."""

    guide_url: str
    name: str = ""
    code: str = ""
    online_depth: str = ""
    online_url: str = ""  # the record's online link, if the extractor found one
    profile: JourneyProfile = field(default_factory=JourneyProfile)
    evidence_dir: Path | None = None
    key: str = ""


def threshold_ms() -> float:
    from ..catalog import rules

    return float(rules()["J001"].extra.get("threshold_seconds", 5)) * 1000


def depth_of(text: str | None) -> int | None:
    from ..checks.consistency import depth_level

    return depth_level(text)


# ---------------------------------------------------------------- one run

class ToolError(Exception):
    """The tool, not the site, failed (a needs_review, never a deduction)."""


class _Run:
    """The state of one run inside its browser context."""

    def __init__(self, ctx, spec: JourneySpec, options: JourneyOptions):
        self.ctx, self.spec, self.options = ctx, spec, options
        self.docs: dict[str, dict] = {}  # doc id -> page, url, marks seen (mono and page clocks)
        self.doc_order: list[str] = []
        self.pages: list = []  # every page of the context, in creation order
        self.page_born: dict = {}  # page -> monotonic time it appeared
        self.nav_status: dict = {}  # page -> (status, url, mono) of its last main-frame response
        self.nav_failed: dict = {}  # page -> (error text, url, mono)
        self.frameless_status: list = []  # (mono, url, status) of navigations with no frame yet (popups)
        self.frameless_failed: list = []  # (mono, url, error)
        self.inflight: dict = {}  # page -> open requests
        self.net_mono: dict = {}  # page -> last request start or end
        self.visited: list[tuple[float, str]] = []  # main-frame navigations (mono, url)
        self.downloads: list[tuple[float, str, str]] = []
        self.dialogs: list[tuple[float, str]] = []
        self.blocked: list[tuple[float, str]] = []
        self.crashed: list = []

    # -- wiring
    async def setup(self) -> None:
        cfg = defaults()
        prof = self.spec.profile
        await self.ctx.expose_binding("__gcMark", self._on_mark)
        await self.ctx.add_init_script(init_script(
            name=self.spec.name, code=self.spec.code, selector=prof.ready_selector, text=prof.ready_text,
            list_words=cfg["list_words"], list_url=cfg["list_url_pattern"], error_words=cfg["error_words"]))
        self.ctx.on("page", self._on_page)
        self.ctx.on("request", self._on_request)
        self.ctx.on("requestfinished", lambda r: self._on_request_end(r, None))
        self.ctx.on("requestfailed", lambda r: self._on_request_end(r, r.failure))
        self.ctx.on("response", self._on_response)

    def _page_of(self, request):
        """(page, is the main frame) of a request; (None, True) for a navigation
        issued before its frame existed (a popup's first navigation)."""
        try:
            frame = request.frame
            return frame.page, frame.parent_frame is None
        except Exception:  # noqa: BLE001 - popups' first requests, service workers
            try:
                return None, request.is_navigation_request()
            except Exception:  # noqa: BLE001
                return None, False

    def _on_page(self, page) -> None:
        if page in self.page_born:
            return
        self.pages.append(page)
        self.page_born[page] = time.monotonic()
        page.on("download", lambda d: self.downloads.append((time.monotonic(), d.suggested_filename, d.url)))
        page.on("dialog", self._on_dialog)
        page.on("crash", lambda _: self.crashed.append(page))
        page.on("framenavigated", lambda f: self._on_navigated(page, f))

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append((time.monotonic(), dialog.message))
        asyncio.ensure_future(_quietly(dialog.dismiss()))

    def _on_navigated(self, page, frame) -> None:
        if frame == page.main_frame and frame.url not in ("", "about:blank") and \
                (not self.visited or self.visited[-1][1] != frame.url):
            self.visited.append((time.monotonic(), frame.url))

    def _on_request(self, request) -> None:
        page, _ = self._page_of(request)
        if page is not None:
            self.inflight[page] = self.inflight.get(page, 0) + 1
            self.net_mono[page] = time.monotonic()

    def _on_request_end(self, request, failure) -> None:
        page, main = self._page_of(request)
        if page is None:
            if failure and main:
                self.frameless_failed.append((time.monotonic(), request.url, failure))
            return
        self.inflight[page] = max(0, self.inflight.get(page, 0) - 1)
        self.net_mono[page] = time.monotonic()
        if failure and main and request.is_navigation_request():
            self.nav_failed[page] = (failure, request.url, time.monotonic())

    def _on_response(self, response) -> None:
        page, main = self._page_of(response.request)
        if not main or 300 <= response.status < 400:
            return
        if page is None:
            self.frameless_status.append((time.monotonic(), response.url, response.status))
        elif response.request.is_navigation_request():
            self.nav_status[page] = (response.status, response.url, time.monotonic())

    def status_of(self, page, after: float):
        """(status, url, mono) of the page's last main-frame answer after `after`."""
        found = self.nav_status.get(page)
        if found and found[2] >= after:
            return found
        url = _url(page)
        for mono, u, status in reversed(self.frameless_status):
            if mono >= after and u == url:
                return status, u, mono
        return None

    def failure_of(self, page, after: float):
        """(error, url, mono) of the page's failed main-frame navigation after `after`."""
        found = self.nav_failed.get(page)
        if found and found[2] >= after:
            return found
        if self.frameless_failed and self.frameless_failed[-1][0] >= after and (
                _url(page).startswith("chrome-error://") or page not in self.nav_status):
            mono, url, error = self.frameless_failed[-1]
            return error, url, mono
        return None

    def _on_mark(self, source, data) -> None:
        page = source.get("page")
        doc = self.docs.setdefault(data["doc"], {"page": page, "url": data.get("url", ""), "mono": {}, "at": {}})
        if data["doc"] not in self.doc_order:
            self.doc_order.append(data["doc"])
        kind = data["kind"]
        doc["url"] = data.get("url", doc["url"])
        if kind in ("click",):
            doc.setdefault("clicks", []).append(data["at"])
        elif kind == "open":
            if data.get("blocked"):
                self.blocked.append((time.monotonic(), data.get("target", "")))
        else:
            doc["mono"].setdefault(kind, time.monotonic())
            doc["at"].setdefault(kind, data["at"])
            if kind == "ready":
                doc["ready_by"] = data.get("by", "")

    # -- helpers
    def quiet_for(self, page) -> float:
        if self.inflight.get(page, 0):
            return 0.0
        return time.monotonic() - self.net_mono.get(page, 0.0)

    def latest_doc(self, page, after: float) -> tuple[str, dict] | None:
        for doc_id in reversed(self.doc_order):
            doc = self.docs[doc_id]
            if doc["page"] == page and doc["mono"].get("doc", 0) >= after and not doc["url"].startswith("about:"):
                return doc_id, doc
        return None

    def target_page(self, click_mono: float, guide_page, guide_doc: str | None):
        """The page the click led to: the newest page opened after it, else the
        guide's tab when it navigated away from the guide document."""
        fresh = [p for p in self.pages if self.page_born[p] >= click_mono - 0.001 and p is not guide_page]
        if fresh:
            return fresh[-1]
        if any(t >= click_mono for t, _ in self.visited):
            return guide_page
        latest = self.latest_doc(guide_page, click_mono)
        if latest and latest[0] != guide_doc:
            return guide_page
        failed = self.nav_failed.get(guide_page)
        if failed and failed[2] >= click_mono:
            return guide_page
        return None

    async def evaluate(self, page, script: str, arg=None):
        try:
            return await asyncio.wait_for(page.evaluate(script, arg), 5)
        except TimeoutError:
            return None
        except Exception as exc:
            if _gone(exc, page):
                raise
            return None  # navigating: the context was destroyed


def _gone(exc: BaseException, page=None) -> bool:
    """True when the error means the browser itself went away (not the page)."""
    text = str(exc)
    if "Target page, context or browser has been closed" in text or "Browser has been closed" in text \
            or "browser has disconnected" in text.lower() or "Connection closed" in text:
        if page is None:
            return True
        try:
            return not page.context.browser.is_connected()
        except Exception:  # noqa: BLE001
            return True
    return False


def _connected(ctx) -> bool:
    """Is the browser this context lives in still there? (Not the pool's current
    one: another task may have relaunched it already.)"""
    try:
        return ctx.browser is not None and ctx.browser.is_connected()
    except Exception:  # noqa: BLE001
        return False


async def _quietly(awaitable) -> None:
    with contextlib.suppress(Exception):
        await awaitable


def _net_reason(failure: str) -> str:
    words = defaults()["net_errors"]
    for code, text in words.items():
        if code in (failure or ""):
            return f"{text}（{failure.strip()}）"
    return f"网络错误（{failure.strip()}）" if failure else "网络错误"


def _list_like(info: dict) -> bool:
    """A search or list page: the item appears only as one link among several, or
    the page says it lists results, or its URL and search box say so."""
    if not info:
        return False
    if info.get("listWord") and info.get("itemLinks", 0) >= 2 and info.get("siblings", 0) >= 3:
        return True
    if info.get("outside"):
        return False
    return bool((info.get("itemLinks", 0) >= 1 and info.get("siblings", 0) >= 3) or info.get("listWord")
                or (info.get("urlHint") and (info.get("searchInput") or info.get("siblings", 0) >= 3)))

def _url(page) -> str:
    try:
        return page.url
    except Exception:  # noqa: BLE001
        return ""
