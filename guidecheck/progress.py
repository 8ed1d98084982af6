"""A progress line on stderr for long work: redrawn in place on a terminal,
a line every tenth of the way otherwise (logs, CI)."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int = 0, stream=None):
        self.label = label
        self.total = total
        self.count = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._last_step = -1

    def found(self, n: int = 1) -> None:
        self.total += n
        self._draw()

    def done(self, n: int = 1) -> None:
        self.count += n
        self._draw()

    def _draw(self) -> None:
        rate = self.count / max(time.monotonic() - self.started, 1e-6)
        total = max(self.total, self.count)
        line = f"{self.label} {self.count}/{total}（{rate:.0f}/秒）"
        if self.tty:
            width = 30
            filled = int(width * self.count / total) if total else 0
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {line[len(self.label) + 1:]}")
            self.stream.flush()
        else:
            step = int(10 * self.count / total) if total else 0
            if step != self._last_step and self.count:
                self._last_step = step
                self.stream.write(line + "\n")

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
