"""Scrapy item pipelines: what the spider yields is persisted here.

GatheredPipeline: an item whose pages are all fetched (snapshots are kept by
SnapshotMiddleware as they arrive) is recorded as through the fetch phase, so a
resumed crawl skips it and the extract phase picks it up. The mark goes through
the crawl's writer (middleware.crawl_writer), in the transaction of its pages'
rows or a later one, never before them."""
from __future__ import annotations


class GatheredPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        from .middleware import crawl_writer

        writer = crawl_writer(self.crawler)
        if writer is not None:
            writer.mark_gathered(item["campaign_id"], item["item_id"])
        else:
            (spider or self.crawler.spider).store.mark_gathered(item["campaign_id"], item["item_id"])
        self.crawler.stats.inc_value("guidecheck/gathered")
        return item
