"""A progress line on stderr for long work: redrawn in place on a terminal,
a line every tenth of the way otherwise (logs, CI). The line gives the rate
and, once something is done, the time left. A background tick redraws it every
second on a terminal (every `quiet` seconds otherwise) so that a phase waiting
on slow work never looks hung."""
from __future__ import annotations

import sys
import threading
import time


def _rate(rate: float) -> str:
    return f"{rate:.0f}/秒" if rate >= 10 else f"{rate:.1f}/秒" if rate >= 0.1 else f"{rate * 60:.1f}/分"


def _left(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"剩余约 {seconds} 秒" if seconds < 90 else f"剩余约 {seconds // 60} 分 {seconds % 60} 秒"


def announce(label: str, stream=None) -> None:
    """One line on stderr for a short step with no count (计分, 写出报告)."""
    print(f"{label}……", file=stream or sys.stderr, flush=True)


class Progress:
    def __init__(self, label: str, total: int = 0, stream=None, quiet: float = 5.0):
        self.label = label
        self.total = total
        self.count = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last_step = -1
        self._last_line = self.started
        self._quiet = quiet
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def found(self, n: int = 1) -> None:
        self.total += n
        self._draw()

    def done(self, n: int = 1) -> None:
        self.count += n
        self._draw()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        total = max(self.total, self.count)
        text = f"{self.label} {self.count}/{total}（{_rate(self.count / elapsed)}"
        if self.count and total > self.count:
            text += "，" + _left(elapsed / self.count * (total - self.count))
        elif not self.count:
            text += f"，已用 {elapsed:.0f} 秒"
        return text + "）"

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self._draw(tick=True)

    def _draw(self, tick: bool = False) -> None:
        with self._lock:
            if self._stop.is_set() and tick:
                return
            line = self.line()
            total = max(self.total, self.count)
            if self.tty:
                width = 30
                filled = int(width * self.count / total) if total else 0
                self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                                  f"{line[len(self.label) + 1:]}\033[K")
                self.stream.flush()
                return
            step = int(10 * self.count / total) if total else 0
            now = time.monotonic()
            if (step != self._last_step and self.count and not tick) or now - self._last_line >= self._quiet:
                self._last_step = step
                self._last_line = now
                self.stream.write(line + "\n")
                self.stream.flush()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()
