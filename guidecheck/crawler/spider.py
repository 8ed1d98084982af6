"""The guide spider: lists each department's items through its portal profile,
fetches every guide (server HTML, an AUDIT_ITEM JSON endpoint, or a page
rendered in Chromium) with the extra pages that hold part of it, and checks it.

Every response passes SnapshotMiddleware, so it is kept as evidence and a
resumed crawl is served from what it already has."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from w3lib.url import add_or_replace_parameter

from .itemcheck import Fetched
from ..portal_profiles import Profile

NEXT_PAGE_TEXTS = ("下一页", "下页", "后页", "›", "»", ">")
GUIDE_HREF_HINTS = ("guide", "bszn", "task", "matter", "detail", "item", "shixiang", "fwsx")

PRIORITY = {"listing": 0, "guide": 10, "extra": 20}


@dataclass
class Department:
    id: int
    name: str
    profile: Profile
    listing_url: str


@dataclass
class PendingItem:
    department: Department
    item_id: int
    item_key: str
    main: Fetched | None = None
    sha: str | None = None
    extras: list[Fetched] = field(default_factory=list)
    extra_queue: list[str] = field(default_factory=list)


def anchors(response):
    """(href, text stripped) of each <a href> of an HTML response: what `a[href]`
    and `::text` give, read from the parsed tree without a Selector per anchor
    (measured: the guide callback's main cost)."""
    root = response.selector.root
    if not hasattr(root, "iter"):
        return
    for el in root.iter("a"):
        href = el.get("href")
        if href is None:
            continue
        yield href, "".join(el.itertext()).strip()


_MARKUP = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def may_hold(page: str, texts) -> bool:
    """False only when no element of `page` can have one of `texts` as its text:
    none of them is in the page with its markup removed and entities decoded (an
    element's text is a run of that). Saves parsing pages that have none."""
    plain = html.unescape(_MARKUP.sub("", page))
    return any(text in plain for text in texts)


_CHROMIUM_ERROR = re.compile(r"net::(ERR_[A-Z_]+)")
# Chromium's net errors for a rendered page, as a reviewer reads them. A request
# the scope proxy refuses (guidecheck/scope_proxy.py, a redirect hop out of the
# campaign's scope) reaches Chromium as an empty 403 (http) or a failed tunnel
# (https): the refusal itself is recorded in the campaign's refusals.
CHROMIUM_ERRORS = {
    "ERR_HTTP_RESPONSE_CODE_FAILURE": "浏览器渲染时服务器返回错误状态且没有内容；若该地址重定向到抓取范围以外，"
                                      "已被拒绝（见拒绝的请求记录）",
    "ERR_TUNNEL_CONNECTION_FAILED": "浏览器渲染时连接未建立：地址或其重定向可能在抓取范围以外，已被拒绝（见拒绝的请求记录）",
    "ERR_PROXY_CONNECTION_FAILED": "浏览器渲染时连接未建立（范围检查代理不可用）",
    "ERR_BLOCKED_BY_CLIENT": "地址在本次抓取范围以外，浏览器未加载",
    "ERR_ABORTED": "浏览器渲染被中止（地址可能在抓取范围以外，或页面转为下载）",
    "ERR_CONNECTION_REFUSED": "连接被拒绝",
    "ERR_CONNECTION_RESET": "连接被重置或中断",
    "ERR_CONNECTION_CLOSED": "连接被重置或中断",
    "ERR_EMPTY_RESPONSE": "服务器没有返回内容",
    "ERR_NAME_NOT_RESOLVED": "域名解析失败",
    "ERR_TIMED_OUT": "请求超时",
    "ERR_CONNECTION_TIMED_OUT": "请求超时",
    "ERR_TOO_MANY_REDIRECTS": "重定向过多（可能是重定向循环）",
    "ERR_CERT_AUTHORITY_INVALID": "证书错误",
    "ERR_CERT_COMMON_NAME_INVALID": "证书错误",
    "ERR_CERT_DATE_INVALID": "证书错误",
}


def failure_reason(failure) -> str:
    """A short Chinese reason for a request that got no usable response."""
    text = str(failure.value)
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "请求超时"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "域名解析失败"
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return "连接被拒绝"
    if failure.check(DownloadCancelledError) or "maxsize" in text.lower() or "larger than" in text:
        return "响应过大或不结束（超过大小上限被截断）"
    if failure.check(ResponseDataLossError, ConnectionLost, DownloadFailedError):
        return "连接被重置或中断"
    if failure.check(IgnoreRequest) and text.startswith("out of scope: "):
        return f"地址或其重定向指向本次抓取范围以外（{text[len('out of scope: '):]}），未抓取"
    if failure.check(IgnoreRequest):
        if "robots" in text.lower() or "Forbidden by robots" in text:
            return "robots.txt 禁止抓取"
        if "redirect" in text.lower():
            return "重定向过多（可能是重定向循环）"
        return f"请求被跳过（{text}）"
    if "redirect" in text.lower():
        return "重定向过多（可能是重定向循环）"
    chromium = _CHROMIUM_ERROR.search(text)
    if chromium:  # a page rendered in Chromium (scrapy-playwright): its net error code
        return CHROMIUM_ERRORS.get(chromium.group(1), f"浏览器渲染失败（{chromium.group(1)}）")
    if "Timeout" in type(failure.value).__name__:
        return "请求超时"
    name = type(failure.value).__name__
    return f"请求失败（{name}）"


class GuideSpider(scrapy.Spider):
    name = "guidecheck"

    def __init__(self, *, campaign_id: int, store, snapshots, departments: list[Department],
                 allowed_hosts: set[str], codes=None, context=None, progress=None, offline: bool = False,
                 skip_items: set[int] = frozenset(), sampling: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.campaign_id = campaign_id
        self.store = store
        self.snapshots = snapshots
        self.departments = departments
        self.allowed_hosts = allowed_hosts
        self.allowed_domains = sorted({h.split(":")[0] for h in allowed_hosts})
        self.codes = codes
        self.context = context
        self.progress = progress
        self.offline = offline
        self.skip_items = set(skip_items)
        self.sampling = sampling  # {"month": "2026-11", "size": 20}: draw before fetching guides
        self.seen_listing: dict[int, set[str]] = {}
        self.notes: list[str] = []

    # --- used by SnapshotMiddleware
    def known_fetches(self) -> dict[tuple[str, str], str]:
        return self.store.fetch_map(self.campaign_id)

    def note(self, message: str) -> None:
        """Something the campaign should report (a loop, a broken listing); never fatal."""
        self.notes.append(message)
        self.store.add_note(self.campaign_id, message)

    def in_scope(self, url: str) -> bool:
        return urlsplit(url).netloc in self.allowed_hosts

    # --- listings
    async def start(self):
        from ..stopping import stopping

        for dept in self.departments:
            if stopping():
                return
            self.seen_listing[dept.id] = set()
            yield self.listing_request(dept, dept.listing_url, 1)

    def listing_request(self, dept: Department, url: str, page: int) -> scrapy.Request:
        if dept.profile.listing.kind == "json":
            listing = dept.profile.listing
            url = add_or_replace_parameter(url, listing.page_param, str(page))
            if listing.page_size_param:
                url = add_or_replace_parameter(url, listing.page_size_param, str(listing.page_size))
        self.seen_listing[dept.id].add(url)
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed, dont_filter=True,
                              priority=PRIORITY["listing"], meta={"kind": "listing", "dept": dept, "page": page})

    def listing_failed(self, failure):
        self.note(f"列表页 {failure.request.url} 无法获取：{failure_reason(failure)}")

    def parse_listing(self, response):
        dept: Department = response.meta["dept"]
        page: int = response.meta["page"]
        if response.status >= 400:
            self.note(f"列表页 {response.url} 返回 HTTP {response.status}")
            return
        if dept.profile.listing.kind == "json":
            entries, has_next = self._json_entries(response, dept, page)
            next_url = dept.listing_url if has_next else None
        else:
            entries, next_url = self._html_entries(response, dept)
        ids = self.store.upsert_items(self.campaign_id, [(dept.id, key, name, url) for key, name, url in entries])
        if not self.sampling:  # with sampling, items are drawn once every listing is read (spider_idle)
            for key, _name, url in entries:
                yield from self._guide_request(dept, ids[key], key, url)
        if not next_url:
            return
        if page >= dept.profile.listing.max_pages:
            self.note(f"{dept.name} 的列表超过 {dept.profile.listing.max_pages} 页，已停止翻页")
            return
        if dept.profile.listing.kind == "json":
            yield self.listing_request(dept, next_url, page + 1)
        elif next_url in self.seen_listing[dept.id]:
            self.note(f"{dept.name} 的列表翻页回到已访问的页面（{next_url}），已停止翻页")
        else:
            yield self.listing_request(dept, next_url, page + 1)

    def _html_entries(self, response, dept: Department):
        listing = dept.profile.listing
        if not hasattr(response, "css"):
            self.note(f"列表页 {response.url} 不是 HTML")
            return [], None
        links = response.css(listing.item_links) if listing.item_links else [
            a for a in response.css("a[href]")
            if any(h in (a.attrib.get("href") or "").lower() for h in GUIDE_HREF_HINTS)]
        entries = []
        listing_path = urlsplit(response.url).path
        for a in links:
            href = a.attrib.get("href")
            if not href or href.startswith(("javascript:", "#")):
                continue
            url = response.urljoin(href)
            if not listing.item_links and urlsplit(url).path == listing_path:
                continue  # another page of the same listing, not an item
            texts = a.root.itertext() if hasattr(a.root, "itertext") else a.css("::text").getall()
            name = " ".join(t.strip() for t in texts if t.strip())
            entries.append((url, name, url))
        next_url = None
        if listing.next_page:
            href = response.css(listing.next_page).attrib.get("href")
            next_url = response.urljoin(href) if href else None
        else:
            for href, text in anchors(response):
                if text in NEXT_PAGE_TEXTS:
                    next_url = response.urljoin(href)
                    break
        return entries, next_url

    def _json_entries(self, response, dept: Department, page: int):
        listing = dept.profile.listing
        try:
            data = json.loads(response.body)
        except ValueError as exc:
            self.note(f"列表接口 {response.url} 返回的不是合法 JSON（{exc}）")
            return [], False
        rows = data
        for part in listing.items_path.split(".") if listing.items_path else []:
            rows = rows.get(part) if isinstance(rows, dict) else None
        if not isinstance(rows, list):
            self.note(f"列表接口 {response.url} 中没有 {listing.items_path} 列表")
            return [], False
        entries = []
        for row in rows:
            if not isinstance(row, dict) or not row.get(listing.item_key_field):
                continue
            url = urljoin(response.url, str(row.get(listing.item_url_field) or ""))
            entries.append((str(row[listing.item_key_field]), str(row.get(listing.item_name_field) or ""), url))
        total = data.get(listing.total_field) if listing.total_field and isinstance(data, dict) else None
        if isinstance(total, int):
            has_next = page * listing.page_size < total
        else:
            has_next = len(rows) >= listing.page_size
        return entries, has_next and bool(entries)

    # --- guides
    def _draw_and_fetch(self):
        """Every listing is read: draw the month's sample and fetch the drawn guides."""
        from ..sampling import draw_campaign

        self.sampling, sampling = None, self.sampling
        drawn = draw_campaign(self.store, self.campaign_id, month=sampling["month"],
                              size=int(sampling.get("size", 20)))
        keep = {key for keys in drawn.values() for key in keys}
        departments = {d.id: d for d in self.departments}
        self.store.mark_unsampled(self.campaign_id, keep)
        for item in self.store.items(self.campaign_id):
            if item["item_key"] in keep and item["department_id"] in departments:
                for request in self._guide_request(departments[item["department_id"]], item["id"],
                                                   item["item_key"], item["guide_url"]):
                    self.crawler.engine.crawl(request)

    def spider_idle(self):
        from ..stopping import stopping

        if self.sampling and not stopping():  # Ctrl-C before the crawl was under way: draw nothing more
            self._draw_and_fetch()
            raise DontCloseSpider

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    def _guide_request(self, dept: Department, item_id: int, key: str, url: str):
        if item_id in self.skip_items:
            return
        self.skip_items.add(item_id)  # one request per item per run, however often it is listed
        if self.progress:
            self.progress.found()
        guide = dept.profile.guide
        target = url
        if guide.kind == "json_api":
            parts = urlsplit(url)
            slug = parts.path.rstrip("/").rsplit("/", 1)[-1]
            target = guide.api_url.format(origin=f"{parts.scheme}://{parts.netloc}", item_key=key, guide_url=url,
                                          slug=slug)
        state = PendingItem(dept, item_id, key)
        if not self.in_scope(target):
            self._fail(state, target, "指南链接指向本次抓取范围以外的主机，未抓取")
            return
        meta = {"kind": "guide", "item_id": item_id, "state": state}
        if guide.render:
            meta["playwright"] = True
            if guide.ready_selector:
                from scrapy_playwright.page import PageMethod

                meta["playwright_page_methods"] = [PageMethod("wait_for_selector", guide.ready_selector)]
        yield scrapy.Request(target, callback=self.parse_guide, errback=self.guide_failed, dont_filter=True,
                             priority=PRIORITY["guide"], meta=meta)

    def guide_failed(self, failure):
        state: PendingItem = failure.request.meta["state"]
        self._fail(state, failure.request.url, failure_reason(failure))

    def _fail(self, state: PendingItem, url: str, reason: str) -> None:
        """No usable response: kept as a fetch with its reason, so replay sees it too
        (through the crawl's writer, after any row of the item it still holds)."""
        from .middleware import crawl_writer

        writer = crawl_writer(self.crawler) if getattr(self, "crawler", None) else None
        target = writer or self.store
        target.record_fetch(self.campaign_id, url, None, "guide", item_id=state.item_id, error=reason)
        target.mark_gathered(self.campaign_id, state.item_id)
        if self.progress:
            self.progress.done()

    def parse_guide(self, response):
        state: PendingItem = response.meta["state"]
        state.main = Fetched(url=response.url, status=response.status)  # the body is in its snapshot
        state.sha = response.meta.get("snapshot_sha")
        texts = state.department.profile.guide.extra_links
        if texts and hasattr(response, "css") and response.status < 400 and may_hold(response.text, texts):
            for href, text in anchors(response):
                if text in texts and not href.startswith(("javascript:", "#")):
                    url = response.urljoin(href)
                    if self.in_scope(url) and url != response.url and url not in state.extra_queue:
                        state.extra_queue.append(url)
        if state.extra_queue:
            yield self._extra_request(state)
        else:
            yield self._gathered(state)

    def _extra_request(self, state: PendingItem) -> scrapy.Request:
        url = state.extra_queue.pop(0)
        return scrapy.Request(url, callback=self.parse_extra, errback=self.extra_failed, dont_filter=True,
                              priority=PRIORITY["extra"], meta={"kind": "extra", "item_id": state.item_id,
                                                                "state": state})

    def parse_extra(self, response):
        state: PendingItem = response.meta["state"]
        state.extras.append(Fetched(url=response.url, status=response.status, role="extra"))
        if state.extra_queue:
            yield self._extra_request(state)
        else:
            yield self._gathered(state)

    def extra_failed(self, failure):
        state: PendingItem = failure.request.meta["state"]
        self.note(f"{failure.request.url}（指南附属页面）无法获取：{failure_reason(failure)}")
        if state.extra_queue:
            yield self._extra_request(state)
        else:
            yield self._gathered(state)

    def _gathered(self, state: PendingItem) -> dict:
        """Every page of the item is fetched (and kept by SnapshotMiddleware): the
        item goes to the item pipeline, which records it as gathered. Extraction
        and checks are later phases (guidecheck/pipeline.py), not the crawl's."""
        if self.progress:
            self.progress.done()
        return {"campaign_id": self.campaign_id, "item_id": state.item_id}
