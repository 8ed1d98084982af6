"""Crawl throughput against a bare scrapy spider, and peak memory of a big crawl.

    python3 benchmarks/bench_crawl.py throughput [--items 400]   # per department, 5 departments
    python3 benchmarks/bench_crawl.py memory [--items 4000]      # 5 x 4,000 = 20,000 items

throughput: starts the demo portal (in this process), runs `guidecheck crawl
--no-links` on it in a child process and reads the crawl phase's pages/s from
its output (since issue 9 the crawl phase only fetches and keeps snapshots;
extraction and checks are the extract phase after it, not counted here); then
runs a bare scrapy spider (no processing, no middleware of
ours, the same concurrency settings) over exactly the URLs the crawl fetched,
and prints both rates and their ratio.

memory: runs the whole campaign (crawl, checks, no link checks) over 20,000
items and prints the child's peak RSS (ru_maxrss).
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_SPIDER = r'''
import json, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess

urls = json.load(open(sys.argv[1]))
count = {"n": 0}

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, dont_filter=True, callback=self.parse)
    def parse(self, response):
        count["n"] += 1

settings = {"REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "ERROR",
            "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "ROBOTSTXT_OBEY": True,
            "AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 0.05,
            "AUTOTHROTTLE_TARGET_CONCURRENCY": 8.0, "COOKIES_ENABLED": False, "HTTPERROR_ALLOW_ALL": True}
process = CrawlerProcess(settings)
start = time.perf_counter()
process.crawl(Bare)
process.start()
print(json.dumps({"pages": count["n"], "seconds": time.perf_counter() - start}))
'''


def run_campaign(portal, items_per_department: int, workdir: Path) -> tuple[dict, int]:
    from guidecheck.demo import write_roster

    roster = write_roster(portal.manifest(), workdir / "roster.yaml")
    db = workdir / "campaign.db"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run([sys.executable, "-m", "guidecheck.cli", "crawl", str(roster), "--db", str(db),
                             "--no-links"], capture_output=True, text=True)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    match = re.search(r"抓取阶段 (\d+) 个页面，用时 ([\d.]+) 秒", result.stdout)
    if not match:
        raise SystemExit("crawl summary without its timing line:\n" + result.stdout)
    pages, seconds = int(match.group(1)), float(match.group(2))
    return {"db": str(db), "pages": pages, "seconds": seconds}, max(peak_kb, before)


def throughput(items: int) -> dict:
    from guidecheck.demo_portal.server import start_portal

    with tempfile.TemporaryDirectory() as tmp, start_portal(items_per_department=items, delays=False) as portal:
        workdir = Path(tmp)
        ours, _ = run_campaign(portal, items, workdir)
        urls = [row[0] for row in sqlite3.connect(ours["db"]).execute(
            "SELECT url FROM fetches WHERE sha256 IS NOT NULL AND kind IN ('listing', 'guide', 'extra')")]
        (workdir / "urls.json").write_text(json.dumps(urls))
        (workdir / "bare.py").write_text(BARE_SPIDER)
        bare = json.loads(subprocess.run([sys.executable, str(workdir / "bare.py"), str(workdir / "urls.json")],
                                         capture_output=True, text=True, check=True).stdout.splitlines()[-1])
    ours_rate = ours["pages"] / ours["seconds"]
    bare_rate = bare["pages"] / bare["seconds"]
    return {"items": items * 5, "guidecheck_pages": ours["pages"], "guidecheck_pages_per_s": round(ours_rate, 1),
            "bare_pages": bare["pages"], "bare_pages_per_s": round(bare_rate, 1),
            "ratio": round(ours_rate / bare_rate, 2)}


def memory(items: int) -> dict:
    from guidecheck.demo_portal.server import start_portal

    with tempfile.TemporaryDirectory() as tmp, start_portal(items_per_department=items, delays=False) as portal:
        start = time.perf_counter()
        ours, peak_kb = run_campaign(portal, items, Path(tmp))
        total = time.perf_counter() - start
    return {"items": items * 5, "pages": ours["pages"], "crawl_seconds": round(ours["seconds"], 1),
            "campaign_seconds": round(total, 1), "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["throughput", "memory"])
    parser.add_argument("--items", type=int, help="items per department (5 departments)")
    args = parser.parse_args()
    if args.what == "throughput":
        print(json.dumps(throughput(args.items or 400), ensure_ascii=False, indent=1))
    else:
        print(json.dumps(memory(args.items or 4000), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
