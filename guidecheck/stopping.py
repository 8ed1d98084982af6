"""Ctrl-C and process lifetime for the long commands (crawl, campaign run).

- `install()`: the first SIGINT (or SIGTERM) sets STOP and raises
  KeyboardInterrupt in the main thread. Phases check `stopping()` before they
  record anything, so work cut short stays pending and is never stored as a
  finding (a journey whose browser died under Ctrl-C is not a J003); the
  command exits with status 130 and a rerun continues.
- `die_with_parent()`: in a child process (process-pool workers), ask Linux to
  kill it when its parent dies (PR_SET_PDEATHSIG), so that kill -9 of the
  command leaves no worker behind. Playwright's driver exits when its pipe
  closes and takes Chromium with it.
- `drill(phase)`: for kill and Ctrl-C drills (tests/test_resume.py, and anyone
  checking a deployment), GUIDECHECK_DRILL_PAUSE=scoring:5,report:5 holds the
  named phases that many seconds once they have started, so a signal can be
  sent while they run. Unset, it does nothing.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading

STOP = threading.Event()
DRILL_ENV = "GUIDECHECK_DRILL_PAUSE"
PR_SET_PDEATHSIG = 1


def _handler(signum, frame):
    STOP.set()
    raise KeyboardInterrupt


def install() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _handler)
        signal.signal(signal.SIGTERM, _handler)


def stopping() -> bool:
    return STOP.is_set()


def die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: workers end when their pipe closes
        pass
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the parent died while this worker was starting
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops


def worker_pool(workers: int = 2):
    """Worker processes for the CPU-bound phases (extract, judge): spawned, so
    they share nothing with the reactor or the browser, and dying with us."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent)


def drill(phase: str) -> None:
    """Hold `phase` as GUIDECHECK_DRILL_PAUSE asks (see module doc)."""
    import sys
    import time

    for part in os.environ.get(DRILL_ENV, "").split(","):
        name, _, seconds = part.partition(":")
        if name.strip() == phase:
            try:
                pause = float(seconds)
            except ValueError:
                return
            print(f"演练：{phase} 阶段暂停 {pause:g} 秒（{DRILL_ENV}）", file=sys.stderr, flush=True)
            time.sleep(pause)
