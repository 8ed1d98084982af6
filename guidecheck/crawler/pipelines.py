"""Scrapy item pipelines: what the spider yields is persisted here.

GatheredPipeline: an item whose pages are all fetched (snapshots are kept by
SnapshotMiddleware as they arrive) is recorded as through the fetch phase, so a
resumed crawl skips it and the extract phase picks it up."""
from __future__ import annotations


class GatheredPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        spider.store.mark_gathered(item["campaign_id"], item["item_id"])
        self.crawler.stats.inc_value("guidecheck/gathered")
        return item
