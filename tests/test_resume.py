"""kill -9 and Ctrl-C (SIGINT) in every phase of a campaign run against a small
demo portal (fetch, extract, links, channels, journeys, homepages, judge,
scoring, report), then the same command again: the result (findings, link verdicts,
journeys, pages, the report's scores) equals an uninterrupted run, nothing
finished is done twice, no finding is invented for work cut short, Ctrl-C
exits 130 within 10 s, and no child process outlives the killed command.

Long phases are cut by their progress line (mid-phase); short ones are held
at their start by the drill pause (stopping.drill, GUIDECHECK_DRILL_PAUSE)."""
from __future__ import annotations

import collections
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from guidecheck.demo import write_roster
from guidecheck.demo_portal.server import start_portal
from guidecheck.store import Store

os.environ.setdefault("GUIDECHECK_LINK_RECHECK_PAUSE", "0.3")


def cli(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "guidecheck.cli", *map(str, args)], capture_output=True,
                            text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def portal():
    with start_portal(departments=1, items_per_department=8, seed=11, delays=False) as p:
        yield p


def create(portal, tmp_path, name):
    roster = write_roster(portal.manifest(), tmp_path / f"{name}.yaml")
    db = tmp_path / f"{name}.db"
    cli("campaign", "create", "--db", db, "--roster", roster, "--scheme", "city-ywtb", "--month", "2026-10",
        "--sample", "4", "--seed", "3")
    return db


def outcome(db) -> tuple:
    """What a run leaves: findings per item and rule, link verdicts, journeys, pages."""
    store = Store(db)
    keys = {i["id"]: i["item_key"] for i in store.items(1)}
    findings = collections.Counter((keys.get(f["item_id"]), f["rule"], f["element"], f["material"], f["outcome"])
                                   for f in store.findings(1))
    links = {url: r.status for url, r in store.link_results(1).items()}
    journeys = sorted(keys[i] for i in store.journeys(1))
    pages = sorted(p["url"] for p in store.portal_pages(1))
    return findings, links, journeys, pages, store.campaign(1)["status"]


def report_scores(out) -> list:
    """What the JSON report says of each department: its indicators' points and
    scores and every finding's deduction (times and paths aside)."""
    model = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return sorted(json.dumps({"name": d["name"], "total": d["total_score"],
                              "indicators": [(i.get("id"), i.get("points"), i.get("score"))
                                             for i in d.get("indicators", [])]}, ensure_ascii=False, sort_keys=True)
                  for d in model["departments"])


@pytest.fixture(scope="module")
def baseline(portal, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("baseline")
    db = create(portal, tmp, "base")
    cli("campaign", "run", "--db", db, "--campaign", "1", "--out", tmp / "r", "--link-timeout", "2")
    return outcome(db), report_scores(tmp / "r")


def children(pid: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read().decode("utf-8", "replace")
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.add(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return out


def interrupt_in(phase_marker: str, db, tmp_path, sig: int, hold: str = "") -> subprocess.CompletedProcess | None:
    """Start `campaign run` (holding phase `hold` at its start, if given), wait
    until its stderr shows `phase_marker`, send `sig`; returns the finished process."""
    env = {**os.environ, "GUIDECHECK_DRILL_PAUSE": f"{hold}:30" if hold else ""}
    proc = subprocess.Popen([sys.executable, "-m", "guidecheck.cli", "campaign", "run", "--db", str(db), "--campaign",
                             "1", "--out", str(tmp_path / "r"), "--link-timeout", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, "")), daemon=True).start()
    deadline = time.monotonic() + 240
    while not any(phase_marker in line for line in list(lines)) and time.monotonic() < deadline \
            and proc.poll() is None:
        time.sleep(0.05)
    seen = "".join(lines)
    assert phase_marker in seen, f"never reached {phase_marker}: {seen[-2000:]}"
    assert proc.poll() is None, "the run finished before it could be interrupted"
    kids = {k for c in children(proc.pid) for k in children(c)} | children(proc.pid)
    masks = _signal_masks(proc.pid)  # blocked, ignored, caught: why a Ctrl-C was not seen, if it was not
    sent = time.monotonic()
    os.kill(proc.pid, sig)
    proc.wait(timeout=60)
    stopped = time.monotonic() - sent
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and stopped < 10, (proc.returncode, stopped, masks, "".join(lines)[-1500:])
    # A worker still starting when its parent died (importing, before it could
    # ask to die with it) notices at the end of its start-up: give it that time.
    deadline = time.monotonic() + 20
    while True:
        alive = {k for k in kids if os.path.exists(f"/proc/{k}") and "zombie" not in _state(k)}
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not alive, f"children outlived the command: {[_cmdline(k) for k in alive]}"
    return proc


def _signal_masks(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return " ".join(line.strip() for line in fh if line.startswith(("SigBlk", "SigIgn", "SigCgt")))
    except OSError:
        return ""


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")[:200]
    except OSError:
        return str(pid)


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return fh.read().lower()
    except OSError:
        return "zombie"


# One campaign cut again and again, a phase further each time, both signals in
# every phase, then run to the end: one chain instead of a run per case keeps
# the test small. (marker on stderr, signal, phase held at its start or "").
CHAIN = [("演练：fetch", signal.SIGKILL, "fetch"), ("抓取指南", signal.SIGINT, ""),
         ("演练：extract", signal.SIGINT, "extract"), ("演练：extract", signal.SIGKILL, "extract"),
         ("演练：links", signal.SIGINT, "links"), ("检查链接", signal.SIGKILL, ""),
         ("演练：channels", signal.SIGINT, "channels"), ("演练：channels", signal.SIGKILL, "channels"),
         ("在线办理路径", signal.SIGINT, ""), ("在线办理路径", signal.SIGKILL, ""),
         ("演练：homepages", signal.SIGINT, "homepages"), ("演练：homepages", signal.SIGKILL, "homepages"),
         ("演练：judge", signal.SIGINT, "judge"), ("演练：judge", signal.SIGKILL, "judge"),
         ("演练：scoring", signal.SIGINT, "scoring"), ("演练：scoring", signal.SIGKILL, "scoring"),
         ("演练：report", signal.SIGINT, "report"), ("演练：report", signal.SIGKILL, "report")]


def test_interrupted_runs_resume_to_the_uninterrupted_result(portal, baseline, tmp_path):
    db = create(portal, tmp_path, "cut")
    for phase_marker, sig, hold in CHAIN:
        checked_at = dict(sqlite3.connect(db).execute("SELECT url, checked_at FROM link_results"))
        journeys_before = set(Store(db).journeys(1))
        interrupt_in(phase_marker, db, tmp_path, sig, hold)
        cut = outcome(db)
        if hold not in ("scoring", "report"):
            assert cut[-1] != "done", phase_marker  # never complete before every phase is
        journeyed = {k for k in cut[2]}
        # nothing recorded for work cut short: a J003 only for an item whose journey is stored
        assert all(key in journeyed for (key, rule, *_rest) in cut[0] if rule == "J003"), phase_marker
        after = dict(sqlite3.connect(db).execute("SELECT url, checked_at FROM link_results"))
        assert all(after[url] == stamp for url, stamp in checked_at.items()), "a finished link check was redone"
        assert journeys_before <= set(Store(db).journeys(1))
        # a report cut short leaves no half file under a report's name
        assert not (tmp_path / "r" / "report.json").exists() or report_scores(tmp_path / "r")
    checked_at = dict(sqlite3.connect(db).execute("SELECT url, checked_at FROM link_results"))
    cli("campaign", "run", "--db", db, "--campaign", "1", "--out", tmp_path / "r2", "--link-timeout", "2")
    assert (outcome(db), report_scores(tmp_path / "r2")) == baseline
    after = dict(sqlite3.connect(db).execute("SELECT url, checked_at FROM link_results"))
    assert all(after[url] == stamp for url, stamp in checked_at.items()), "a finished link check was redone"
