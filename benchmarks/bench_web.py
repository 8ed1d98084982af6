"""Load on the reviewers' workbench: concurrent reviewers work the queue of a
large campaign through `guidecheck serve` on loopback.

    python3 benchmarks/bench_web.py [--users 20] [--rounds 15] [--departments 50 --items 20 --per-item 10]

Builds a synthetic finished campaign (departments × items guides, per-item
findings each: 10,000 by default, half `needs_review`) under benchmarks/_data/,
adds one reviewer per simulated user, starts the server in its own process,
and lets every user (a process with its own keep-alive connection) log in and
then, each round: open a page of the queue, open one finding's page, record a
decision on it through the API (confirm or dismiss, with a reason); every 5th
round also fetch /api/findings?status=needs_review (the whole waiting list) and
every 3rd round /api/scores (re-scored after the decisions made meanwhile).
Between requests a user waits --think seconds (±50 %, random), as a person
reading evidence and typing a reason would; --think 0 saturates the server.
Prints p50 / p95 / max per request kind and p95 over pages and over API calls.
Figures go in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "_data"
GUIDE = ROOT / "fixtures" / "score" / "市市场监督管理局" / "guide2.html"
PAGES = ("queue page", "finding page")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its direct children (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class User:
    """One reviewer, run in its own process (so the clients' own work does not queue
    behind one interpreter lock and count as server time)."""

    def __init__(self, port: int, name: str, password: str, keys: list[str], rounds: int, think: float = 0.0):
        self.port, self.name, self.password, self.keys, self.rounds = port, name, password, keys, rounds
        self.timings: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.think = think

    def call(self, kind: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
             expect=(200,)):
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
        response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        time.sleep(self.think * (0.5 + random.random()))
        self.timings.setdefault(kind, []).append(elapsed)
        if response.status not in expect:
            self.errors.append(f"{kind} {path}: {response.status} {data[:200]!r}")
        return response, data

    def run(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        self.headers = {}
        response, data = self.call("login (API)", "POST", "/api/login",
                                   json.dumps({"name": self.name, "password": self.password}).encode(),
                                   {"Content-Type": "application/json"})
        self.headers = {"Cookie": response.getheader("Set-Cookie").split(";")[0]}
        csrf = json.loads(data)["csrf"]
        for n in range(self.rounds):
            key = self.keys[n % len(self.keys)]
            self.call("queue page", "GET", f"/campaigns/1/findings?effect=needs_review&page={n % 20 + 1}")
            self.call("finding page", "GET", f"/campaigns/1/findings/{key}")
            action = "confirm" if n % 2 else "dismiss"
            self.call("decision (API)", "POST", f"/api/findings/{key}/decisions",
                      json.dumps({"action": action, "why": f"压力测试第{n}轮"}).encode(),
                      {"Content-Type": "application/json", "X-CSRF-Token": csrf}, expect=(201,))
            if n % 5 == 0:
                self.call("findings list (API)", "GET", "/api/findings?status=needs_review")
            if n % 3 == 0:
                self.call("scores (API)", "GET", "/api/scores")
        self.conn.close()
        return self.timings, self.errors


def run_user(args: tuple) -> tuple[dict, list]:
    return User(*args).run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--per-item", type=int, default=10)
    parser.add_argument("--think", type=float, default=0.5,
                        help="seconds a user waits between requests (reading, typing a reason); 0 saturates")
    parser.add_argument("--workers", type=int, default=1, help="guidecheck serve --workers")
    parser.add_argument("--warm", type=float, default=5.0, help="seconds to let the server warm up before the users")
    args = parser.parse_args()

    from guidecheck.store_users import UserStore
    from guidecheck.web.data import CampaignData
    from guidecheck.web.sample_db import synthetic

    DATA.mkdir(parents=True, exist_ok=True)
    db = DATA / "bench_web.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.stem + "-snapshots"), ignore_errors=True)
    started = time.perf_counter()
    synthetic(db, GUIDE, "fj-2020-dept", departments=args.departments, items=args.items,
              findings_per_item=args.per_item)
    users = UserStore(db)
    for u in range(args.users):
        users.add_user(f"reviewer{u}", "reviewer", f"pw-{u}")
    users.close()
    waiting = [f["key"] for f in CampaignData(db).findings(1, effect="needs_review")]
    total = len(CampaignData(db).findings(1))
    print(f"campaign: {total} findings ({len(waiting)} waiting), built in {time.perf_counter() - started:.1f} s")

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen([sys.executable, "-m", "guidecheck.cli", "serve", "--db", str(db), "--port", str(port),
                               "--workers", str(args.workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(args.warm)  # the server builds the campaign's keys and score in the background at start
        users_args = [(port, f"reviewer{u}", f"pw-{u}", waiting[u::args.users], args.rounds, args.think)
                      for u in range(args.users)]
        with multiprocessing.get_context("fork").Pool(args.users) as pool:
            started, cpu_before = time.perf_counter(), cpu_seconds(server.pid)
            results = pool.map(run_user, users_args)
            wall, cpu = time.perf_counter() - started, cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=15)
    timings: dict[str, list[float]] = {}
    for user_timings, _ in results:
        for kind, values in user_timings.items():
            timings.setdefault(kind, []).extend(values)
    errors = [e for _, user_errors in results for e in user_errors]
    requests = sum(len(v) for v in timings.values())
    print(f"{args.users} users × {args.rounds} rounds, think {args.think} s, {args.workers} worker(s): "
          f"{requests} requests in {wall:.1f} s ({requests / wall:.0f}/s), {len(errors)} errors")
    logins = len(timings.get("login (API)", []))
    print(f"server CPU: {cpu:.1f} s in all, {cpu * 1000 / max(requests, 1):.1f} ms a request on average "
          f"(logins included: {logins}, each an Argon2 verification); load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for e in errors[:5]:
        print("  error:", e)
    print(f"{'kind':24} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in timings.items():
        print(f"{kind:24} {len(values):5d} {statistics.median(values):8.0f} {pct(values, 95):8.0f} {max(values):8.0f}")
    pages = [v for k in PAGES for v in timings.get(k, [])]
    api = [v for k, vs in timings.items() if "(API)" in k and not k.startswith("login") for v in vs]
    print(f"p95 pages: {pct(pages, 95):.0f} ms; p95 API (without login): {pct(api, 95):.0f} ms")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
