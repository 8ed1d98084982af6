"""Ctrl-C while a crawl's reactor runs (stopping.during_reactor): a signal at
any moment of the crawl, even one landing as the spider finishes and the
reactor stops, is seen by the command, and a second one stops at once. Each
case runs in its own process, as a reactor runs once per process."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from twisted.internet import reactor
    from guidecheck.stopping import STOP, during_reactor

    when = sys.argv[1]
    asked = []

    def graceful():
        asked.append("graceful")
        if when == "twice":
            os.kill(os.getpid(), signal.SIGINT)  # the second Ctrl-C, while stopping gracefully
        else:
            reactor.callLater(0.05, reactor.stop)

    with during_reactor(graceful):
        if when == "running":
            reactor.callLater(0.2, os.kill, os.getpid(), signal.SIGINT)
        elif when == "twice":
            reactor.callLater(0.2, os.kill, os.getpid(), signal.SIGTERM)
        else:
            reactor.callLater(0.1, reactor.stop)
        reactor.run(installSignalHandlers=False)
        if when == "after-stop":
            os.kill(os.getpid(), signal.SIGINT)  # the reactor has stopped; the signal must not be lost
    restored = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    print(STOP.is_set(), ",".join(asked), restored)
""")


@pytest.mark.parametrize("when, expected", [
    ("running", "True graceful True"),
    ("twice", "True graceful True"),
    ("after-stop", "True  True"),
    ("never", "False  True"),
])
def test_a_signal_during_the_crawl_is_never_lost(when, expected):
    out = subprocess.run([sys.executable, "-c", SCRIPT, when], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == expected


def test_a_swallowed_interrupt_still_stops_the_campaign(tmp_path, monkeypatch):
    """A Ctrl-C whose exception some library swallowed leaves only STOP set: the
    orchestrator raises before recording the phase (or the campaign) done."""
    import guidecheck.crawler.campaign as campaign_mod
    from guidecheck import stopping
    from guidecheck.crawler.campaign import CrawlOptions
    from guidecheck.pipeline import run_phases
    from guidecheck.store import Store

    store = Store(tmp_path / "c.db")
    cid = store.create_campaign("stop")

    def crawl_that_saw_ctrl_c(*args, **kwargs):
        stopping.STOP.set()  # as the handler does; its KeyboardInterrupt lost in a finalizer
        return {}

    monkeypatch.setattr(campaign_mod, "crawl", crawl_that_saw_ctrl_c)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_phases(tmp_path / "c.db", cid, CrawlOptions(check_links=False), browser=False)
    finally:
        stopping.STOP.clear()
        import signal
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert not store.phase_done(cid, "fetch") and store.campaign(cid)["status"] != "done"
