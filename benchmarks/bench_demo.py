"""The whole demo's wall time, as a user runs it: `guidecheck demo` in a fresh
folder (set-up check, portal, crawl, links, journeys, homepages, report).
Target: at most 120 s on the project's 2-core machine.

    python3 benchmarks/bench_demo.py            # one run, phase by phase
    python3 benchmarks/bench_demo.py --runs 3   # median of three

Phases are read from the progress lines the demo prints on stderr (each
phase's first and last line), so nothing in the demo is instrumented.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("抓取指南", "提取指南", "检查链接", "抓取其他渠道指南", "在线办理路径", "检查网站首页", "判定问题")


def one_run() -> tuple[float, dict[str, float], str]:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "guidecheck.cli", "demo", "--out", str(Path(tmp) / "demo")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        seen: dict[str, list[float]] = {}
        for line in proc.stderr:
            now = time.monotonic() - started
            for phase in PHASES:
                if line.startswith(phase):
                    seen.setdefault(phase, [now, now])[1] = now
        out = proc.stdout.read()
        proc.wait()
        total = time.monotonic() - started
        if proc.returncode != 0:
            raise SystemExit(f"demo failed ({proc.returncode}):\n{out}")
        return total, {p: round(b - a, 1) for p, (a, b) in seen.items()}, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    totals = []
    for n in range(args.runs):
        load = os.getloadavg()[0]
        total, phases, _ = one_run()
        totals.append(total)
        print(f"run {n + 1}: {total:.1f} s (load average at start {load:.1f}); phases (first to last progress "
              f"line): " + ", ".join(f"{k} {v} s" for k, v in phases.items()), flush=True)
    print(f"\nwhole demo: median {statistics.median(totals):.1f} s over {len(totals)} run(s) "
          f"on {os.cpu_count()} cores; target 120 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
