"""How journeys are sampled and scheduled (runner.py; defaults.yaml `sampling`).

    more_runs(runs, options) -> bool   run the journey again?
    Lanes(active, waiting)             who drives Chromium now

A journey runs once when its first run reached the handling page far from the
J001 threshold, and up to `options.runs` times (median kept) when any run came
near it (`repeat_within` × the threshold). `active` runs drive Chromium at once;
a run waiting for a slow handling page steps aside (Slot.step_aside) and lets
another take its lane, up to `waiting` such runs at once.
"""
from __future__ import annotations

import asyncio
import contextlib

from .config import defaults
from .result import REPEATED, JourneyRun
from .run_state import JourneyOptions, threshold_ms


def sampling() -> dict:
    return defaults()["sampling"]


class Lanes:
    """Who drives Chromium now: `active` runs at once, plus up to `waiting` runs
    that stepped aside to wait for a slow handling page (see module doc)."""

    def __init__(self, active: int, waiting: int | None = None):
        waiting = sampling()["waiting"] if waiting is None else waiting
        self.active = asyncio.Semaphore(max(1, active))
        self.open = asyncio.Semaphore(max(1, active) + max(0, waiting))

    @contextlib.asynccontextmanager
    async def lane(self):
        async with self.open:
            await self.active.acquire()
            slot = Slot(self.active)
            try:
                yield slot
            finally:
                slot.step_aside()


class Slot:
    def __init__(self, semaphore: asyncio.Semaphore):
        self.semaphore, self.held = semaphore, True

    def step_aside(self) -> None:
        if self.held:
            self.held = False
            self.semaphore.release()


def more_runs(runs: list[JourneyRun], options: JourneyOptions) -> bool:
    """Run the journey again? Not past `options.runs`, not after a status that
    repeating would not change (result.REPEATED) or a run the time limit ended;
    a reached page only when some run came near the J001 threshold."""
    last = runs[-1]
    if len(runs) >= max(1, options.runs) or last.status not in REPEATED or last.timed_out:
        return False
    if last.status != "reached":
        return True
    near = float(sampling()["repeat_within"]) * threshold_ms()
    return any(r.status == "reached" and r.elapsed_ms is not None and abs(r.elapsed_ms - threshold_ms()) <= near
               for r in runs)
