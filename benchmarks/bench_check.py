"""Throughput of `check` against a bare lxml parse of the same bytes.

    python3 benchmarks/bench_check.py [--pages 2000] [--size 8,40]

For each size (~8 KB and ~40 KB pages, bench_extract.SIZES) builds N saved
guide pages: each HTML fixture's
guide body wrapped in generated portal chrome by bench_extract.wrap, in its
three markup styles, with a different seed (so different menus) for every
page; writes them under benchmarks/_data/, then times in one process:
  - parse: lxml.html.document_fromstring on each page's bytes;
  - check: extract + every offline rule (what `guidecheck check` does per file,
    without printing).
Prints guides/s for both and the ratio (CPU time of the process, best of
--repeat runs, parse and check alternating). Figures go in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

import lxml.html

from guidecheck.errors import InputError
from guidecheck.offline import check_bytes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "_data"


def build_pages(count: int, kb: int = 40) -> list[tuple[str, bytes]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_extract import wrap

    from guidecheck.extract.decode import decode_html

    templates = sorted(p for p in (ROOT / "fixtures" / "pages").glob("*.htm*")
                       if not p.name.startswith(("_", "shell_")))
    if not templates:
        raise SystemExit("no fixtures/pages/*.html to build from")
    bodies = [(t.name, decode_html(t.read_bytes(), t.name)) for t in templates]
    DATA.mkdir(parents=True, exist_ok=True)
    pages = []
    for i in range(count):
        name, text = bodies[i % len(bodies)]
        data = wrap(text, ("semantic", "classes", "plain")[i % 3], seed=i, kb=kb)
        path = DATA / f"{kb}kb_{i:05d}_{name}"
        path.write_bytes(data)
        pages.append((str(path), data))
    return pages


def timed(fn, pages) -> float:
    """CPU seconds of this process (time.process_time): on a machine shared
    with other jobs, wall time mostly measures the scheduler."""
    gc.collect()
    start = time.process_time()
    for source, data in pages:
        fn(source, data)
    return time.process_time() - start


def parse_only(source: str, data: bytes) -> None:
    lxml.html.document_fromstring(data)


def check_one(source: str, data: bytes) -> None:
    try:
        check_bytes(data, source)
    except InputError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--size", default="8,40", help="page sizes in KB (8, 40 or both)")
    args = parser.parse_args()
    results = []
    for kb in (int(x) for x in args.size.split(",") if x.strip()):
        pages = build_pages(args.pages, kb)
        size = sum(len(d) for _, d in pages) / len(pages)
        check_one(*pages[0])  # warm caches (label tables, compiled patterns)
        parse_s = check_s = float("inf")
        for _ in range(args.repeat):  # alternate, so a busy machine slows both alike
            parse_s = min(parse_s, timed(parse_only, pages))
            check_s = min(check_s, timed(check_one, pages))
        results.append({
            "size": f"~{kb} KB",
            "pages": len(pages),
            "mean_page_kb": round(size / 1024, 1),
            "parse_guides_per_s": round(len(pages) / parse_s, 1),
            "check_guides_per_s": round(len(pages) / check_s, 1),
            "check_over_parse": round(check_s / parse_s, 2),
            "check_ms_per_guide": round(1000 * check_s / len(pages), 3),
        })
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
