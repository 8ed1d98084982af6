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

memory: runs the whole campaign (crawl, extract, judge, no link checks) over
20,000 items and prints the child's peak RSS (ru_maxrss), and the extract and
judge phases' rates (items/s over the whole phase, read from their last
progress line).

throughput --repeat N: N pairs (ours, then the bare spider, on a fresh portal),
each pair's ratio and their median; with the CPU time the machine lost to
other guests (steal, from /proc/stat) during each pair. On a shared 2-core
machine one pair's ratio moves by ±0.15; the median of five is the figure to
quote, with the spread.

throughput --cpu: also the CPU time per page, steadier than rates on a shared
machine: of the crawl phase (a wrapper around guidecheck.crawler.campaign.crawl
reads process_time, and thread_time of the reactor's thread), and of the whole
bare spider process (getrusage of the child).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import statistics
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


# `guidecheck crawl`, with the CPU time of its crawl phase printed to stderr
CPU_WRAPPER = r'''
import json, sys, time
import guidecheck.crawler.campaign as campaign
crawl = campaign.crawl
def timed(*args, **kwargs):
    cpu, main = time.process_time(), time.thread_time()
    try:
        return crawl(*args, **kwargs)
    finally:
        print("CRAWL_CPU " + json.dumps({"process": time.process_time() - cpu, "reactor_thread": time.thread_time() - main}),
              file=sys.stderr)
campaign.crawl = timed
if __name__ == "__main__":  # the extract phase's worker processes import this file again
    from guidecheck.cli import main
    sys.argv[0] = "guidecheck"
    main()
'''


def run_campaign(portal, items_per_department: int, workdir: Path, cpu: bool = False) -> tuple[dict, int]:
    from guidecheck.demo import write_roster

    roster = write_roster(portal.manifest(), workdir / "roster.yaml")
    db = workdir / "campaign.db"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    command = [sys.executable, "-m", "guidecheck.cli"]
    if cpu:
        (workdir / "cpu_wrapper.py").write_text(CPU_WRAPPER)
        command = [sys.executable, str(workdir / "cpu_wrapper.py")]
    result = subprocess.run([*command, "crawl", str(roster), "--db", str(db), "--no-links"],
                            capture_output=True, text=True)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    match = re.search(r"抓取阶段 (\d+) 个页面，用时 ([\d.]+) 秒", result.stdout)
    if not match:
        raise SystemExit("crawl summary without its timing line:\n" + result.stdout)
    pages, seconds = int(match.group(1)), float(match.group(2))
    out = {"db": str(db), "pages": pages, "seconds": seconds, "rates": phase_rates(result.stderr)}
    if cpu:
        out["cpu"] = json.loads(re.search(r"CRAWL_CPU (.*)", result.stderr).group(1))
    return out, max(peak_kb, before)


def phase_rates(stderr: str) -> dict[str, float]:
    """label -> items/s of each phase, from its last progress line ("提取指南 5000/5000（286/秒）")."""
    rates = {}
    for label, done, total, rate in re.findall(r"^(\S+) (\d+)/(\d+)（([\d.]+)/秒", stderr, re.M):
        if done == total:
            rates[label] = float(rate)
    return rates


def throughput(items: int, cpu: bool = False) -> dict:
    from guidecheck.demo_portal.server import start_portal

    with tempfile.TemporaryDirectory() as tmp, start_portal(items_per_department=items, delays=False) as portal:
        workdir = Path(tmp)
        ours, _ = run_campaign(portal, items, workdir, cpu)
        urls = [row[0] for row in sqlite3.connect(ours["db"]).execute(
            "SELECT url FROM fetches WHERE sha256 IS NOT NULL AND kind IN ('listing', 'guide', 'extra')")]
        (workdir / "urls.json").write_text(json.dumps(urls))
        (workdir / "bare.py").write_text(BARE_SPIDER)
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        bare = json.loads(subprocess.run([sys.executable, str(workdir / "bare.py"), str(workdir / "urls.json")],
                                         capture_output=True, text=True, check=True).stdout.splitlines()[-1])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours_rate = ours["pages"] / ours["seconds"]
    bare_rate = bare["pages"] / bare["seconds"]
    out = {"items": items * 5, "guidecheck_pages": ours["pages"], "guidecheck_pages_per_s": round(ours_rate, 1),
           "bare_pages": bare["pages"], "bare_pages_per_s": round(bare_rate, 1),
           "ratio": round(ours_rate / bare_rate, 2)}
    if cpu:
        bare_cpu = after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime
        out.update({"guidecheck_cpu_ms_per_page": round(1000 * ours["cpu"]["process"] / ours["pages"], 2),
                    "guidecheck_reactor_thread_cpu_ms_per_page":
                        round(1000 * ours["cpu"]["reactor_thread"] / ours["pages"], 2),
                    "bare_cpu_ms_per_page": round(1000 * bare_cpu / bare["pages"], 2)})
    return out


def steal_seconds() -> float:
    """CPU time this machine lost to other guests since boot (all CPUs)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def repeated(items: int, repeat: int, cpu: bool = False) -> dict:
    runs = []
    for _ in range(repeat):
        stolen = steal_seconds()
        run = throughput(items, cpu)
        run["steal_s"] = round(steal_seconds() - stolen, 1)
        runs.append(run)
        print(json.dumps(run, ensure_ascii=False), file=sys.stderr, flush=True)
    ratios = sorted(r["ratio"] for r in runs)
    return {"items": items * 5, "ratios": [r["ratio"] for r in runs], "median_ratio": statistics.median(ratios),
            "guidecheck_pages_per_s": [r["guidecheck_pages_per_s"] for r in runs],
            "bare_pages_per_s": [r["bare_pages_per_s"] for r in runs], "steal_s": [r["steal_s"] for r in runs]}


def memory(items: int) -> dict:
    from guidecheck.demo_portal.server import start_portal

    with tempfile.TemporaryDirectory() as tmp, start_portal(items_per_department=items, delays=False) as portal:
        start = time.perf_counter()
        ours, peak_kb = run_campaign(portal, items, Path(tmp))
        total = time.perf_counter() - start
    return {"items": items * 5, "pages": ours["pages"], "crawl_seconds": round(ours["seconds"], 1),
            "campaign_seconds": round(total, 1), "peak_rss_mb": round(peak_kb / 1024, 1),
            "extract_items_per_s": ours["rates"].get("提取指南"), "judge_items_per_s": ours["rates"].get("判定问题")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["throughput", "memory"])
    parser.add_argument("--items", type=int, help="items per department (5 departments)")
    parser.add_argument("--repeat", type=int, default=1, help="throughput: pairs to run (median ratio)")
    parser.add_argument("--cpu", action="store_true", help="throughput: also CPU time per page (see above)")
    args = parser.parse_args()
    if args.what == "throughput":
        if args.repeat > 1:
            print(json.dumps(repeated(args.items or 400, args.repeat, args.cpu), ensure_ascii=False, indent=1))
        else:
            print(json.dumps(throughput(args.items or 400, args.cpu), ensure_ascii=False, indent=1))
    else:
        print(json.dumps(memory(args.items or 4000), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
