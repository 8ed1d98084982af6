"""Ctrl-C and process lifetime for the long commands (crawl, campaign run).

- `install()`: the first SIGINT (or SIGTERM) sets STOP and raises
  KeyboardInterrupt in the main thread. Phases check `stopping()` before they
  record anything, so work cut short stays pending and is never stored as a
  finding (a journey whose browser died under Ctrl-C is not a J003); the
  command exits with status 130 and a rerun continues.
- `stopped()`: raises KeyboardInterrupt once STOP is set; the orchestrator
  calls it before recording anything done, so a Ctrl-C whose exception was
  swallowed still ends the command with 130 and leaves the phase pending.
- `during_reactor(stop)`: the same for a scrapy crawl, whose reactor must be
  asked to stop rather than interrupted.
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

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
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


@contextlib.contextmanager
def during_reactor(stop_gracefully):
    """While a Twisted reactor runs in this thread (a scrapy crawl): the first
    SIGINT/SIGTERM sets STOP and asks `stop_gracefully` from the reactor (what
    is in flight finishes and is kept), a second stops the reactor at once.
    Our handlers are back afterwards. A signal landing after the reactor has
    stopped still sets STOP, so the caller sees it."""
    def handler(signum, frame):
        first = not STOP.is_set()
        STOP.set()
        # the reactor scrapy installed; never import one here (that would install the default)
        reactor = sys.modules.get("twisted.internet.reactor")
        if reactor is not None:
            reactor.callFromThread(stop_gracefully if first else _stop_reactor)

    previous = [signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)]
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


def _stop_reactor() -> None:
    from twisted.internet import reactor

    with contextlib.suppress(RuntimeError):  # already stopping
        reactor.stop()


def stopping() -> bool:
    return STOP.is_set()


def stopped() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was seen, even where its exception was
    swallowed (a signal landing in a finalizer or a library callback only sets
    STOP): the orchestrator asks before recording a phase or a campaign done."""
    if STOP.is_set():
        raise KeyboardInterrupt


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
