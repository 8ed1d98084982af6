"""Fetching another channel's pages with aiohttp: its listing (the portal
profile's rules: HTML links or a paged JSON endpoint, as the guide spider reads
them) and the guides of the items the phase wants.

Scope as for the crawl (guidecheck/scope.py): a private, loopback, link-local
or metadata address is refused unless the campaign allows private targets
(tests, intranet), for the URL as written, every DNS answer and every
redirect hop."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from parsel import Selector
from w3lib.url import add_or_replace_parameter

from ..crawler.links import USER_AGENT, OutOfScope, _ScopedResolver
from ..portal_profiles import Profile
from ..crawler.spider import GUIDE_HREF_HINTS, NEXT_PAGE_TEXTS
from ..errors import InputError
from ..extract.decode import decode_html
from ..scope import Scope, reason_text

MAX_BYTES = 8 * 1024 * 1024
RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 10


@dataclass
class Page:
    url: str
    status: int | None = None
    body: bytes = b""
    headers: dict | None = None
    error: str = ""


class ChannelFetcher:
    """One aiohttp session for a channel phase; `get(url)` never raises."""

    def __init__(self, scope: Scope, *, timeout: float = 20.0, concurrency: int = 4, retries: int = 1):
        """`scope`: the campaign's (scope.scope_for_campaign, with the channels' hosts):
        each refusal is recorded, phase `channels`."""
        self.scope = scope
        self.timeout = timeout
        self.retries = retries
        self.sem = asyncio.Semaphore(concurrency)
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ChannelFetcher:
        connector = aiohttp.TCPConnector(limit=0, resolver=_ScopedResolver(self.scope))
        self.session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": USER_AGENT},
                                             timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self

    async def __aexit__(self, *exc) -> None:
        await self.session.close()

    async def _fetch(self, url: str) -> Page:
        """One try, following redirects by hand so that each hop is checked."""
        for _hop in range(MAX_REDIRECTS + 1):
            why = self.scope.refuse_url(url)
            if why:
                self.scope.refused(url, why, "channels")
                return Page(url, error=f"地址不在抓取范围内（{reason_text(why)}），未抓取")
            async with self.session.get(url, allow_redirects=False) as resp:
                if resp.status in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                    url = urljoin(str(resp.url), resp.headers["Location"])
                    continue
                body = await resp.content.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    return Page(str(resp.url), error="响应过大，超过大小上限")
                return Page(str(resp.url), resp.status, body, dict(resp.headers))
        return Page(url, error="重定向过多（可能是重定向循环）")

    async def get(self, url: str) -> Page:
        last = Page(url, error="未取得页面")
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(0.5 * attempt)
            async with self.sem:
                try:
                    last = await self._fetch(url)
                except TimeoutError:
                    last = Page(url, error="请求超时")
                except (aiohttp.ClientConnectorError, OSError) as exc:
                    if isinstance(getattr(exc, "os_error", exc), OutOfScope):
                        self.scope.refused(url, "private", "channels")
                        return Page(url, error="地址解析为内网或本机地址，未抓取")
                    last = Page(url, error=f"连接失败（{type(exc).__name__}）")
                except aiohttp.ClientError as exc:
                    last = Page(url, error=f"连接失败（{type(exc).__name__}）")
            if last.error.startswith(("地址不在", "重定向过多", "响应过大")):
                return last
            if not last.error and last.status not in RETRY_STATUS:
                return last
        return last


def html_entries(page: Page, profile: Profile) -> tuple[list[tuple[str, str, str]], str | None]:
    """(key, name, url) of every item an HTML listing page links to, and the next page's URL."""
    listing = profile.listing
    try:
        sel = Selector(text=decode_html(page.body, page.url))
    except InputError:
        return [], None
    anchors = sel.css(listing.item_links) if listing.item_links else [
        a for a in sel.css("a[href]") if any(h in (a.attrib.get("href") or "").lower() for h in GUIDE_HREF_HINTS)]
    listing_path = urlsplit(page.url).path
    entries = []
    for a in anchors:
        href = a.attrib.get("href")
        if not href or href.startswith(("javascript:", "#")):
            continue
        url = urljoin(page.url, href)
        if not listing.item_links and urlsplit(url).path == listing_path:
            continue
        name = " ".join(t.strip() for t in a.css("::text").getall() if t.strip())
        entries.append((url, name, url))
    next_url = None
    if listing.next_page:
        href = sel.css(listing.next_page).attrib.get("href")
        next_url = urljoin(page.url, href) if href else None
    else:
        for a in sel.css("a[href]"):
            if "".join(a.css("::text").getall()).strip() in NEXT_PAGE_TEXTS:
                next_url = urljoin(page.url, a.attrib["href"])
                break
    return entries, next_url


def json_entries(page: Page, profile: Profile, page_no: int) -> tuple[list[tuple[str, str, str]], bool, str]:
    """(key, name, url) of a JSON listing page's items, whether there is a next page, and an error."""
    listing = profile.listing
    try:
        data = json.loads(page.body)
    except ValueError as exc:
        return [], False, f"列表接口 {page.url} 返回的不是合法 JSON（{exc}）"
    rows = data
    for part in listing.items_path.split(".") if listing.items_path else []:
        rows = rows.get(part) if isinstance(rows, dict) else None
    if not isinstance(rows, list):
        return [], False, f"列表接口 {page.url} 中没有 {listing.items_path} 列表"
    entries = [(str(r[listing.item_key_field]), str(r.get(listing.item_name_field) or ""),
                urljoin(page.url, str(r.get(listing.item_url_field) or "")))
               for r in rows if isinstance(r, dict) and r.get(listing.item_key_field)]
    total = data.get(listing.total_field) if listing.total_field and isinstance(data, dict) else None
    has_next = page_no * listing.page_size < total if isinstance(total, int) else len(rows) >= listing.page_size
    return entries, has_next and bool(entries), ""


async def read_listing(fetcher: ChannelFetcher, listing_url: str, profile: Profile
                       ) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Every item the channel lists, page after page; and the problems met (never fatal)."""
    listing = profile.listing
    entries: list[tuple[str, str, str]] = []
    notes: list[str] = []
    seen: set[str] = set()
    url, page_no = listing_url, 1
    host = urlsplit(listing_url).netloc
    while url and page_no <= listing.max_pages:
        target = url
        if listing.kind == "json":
            target = add_or_replace_parameter(listing_url, listing.page_param, str(page_no))
            if listing.page_size_param:
                target = add_or_replace_parameter(target, listing.page_size_param, str(listing.page_size))
        if target in seen or urlsplit(target).netloc != host:
            break
        seen.add(target)
        page = await fetcher.get(target)
        if page.error or (page.status or 0) >= 400:
            notes.append(f"其他渠道列表页 {target} 无法获取：{page.error or f'HTTP {page.status}'}")
            break
        if listing.kind == "json":
            found, has_next, error = json_entries(page, profile, page_no)
            if error:
                notes.append(error)
            url = listing_url if has_next else None
        else:
            found, url = html_entries(page, profile)
        entries.extend(found)
        page_no += 1
    by_url: dict[str, tuple[str, str, str]] = {}
    for key, name, url in entries:  # one entry per URL; a named link wins over a bare "查看"
        if url not in by_url or (name and not by_url[url][1]):
            by_url[url] = (key, name, url)
    return list(by_url.values()), notes


def guide_target(profile: Profile, key: str, url: str) -> str:
    """The URL that answers the guide (the page, or the profile's JSON endpoint)."""
    guide = profile.guide
    if guide.kind != "json_api":
        return url
    parts = urlsplit(url)
    slug = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return guide.api_url.format(origin=f"{parts.scheme}://{parts.netloc}", item_key=key, guide_url=url, slug=slug)
