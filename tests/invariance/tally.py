"""Tally the harness: per renderer, how many renderings pass, and which kinds
of difference remain.

    python3 tests/invariance/tally.py [--seeds 200] [--renderer NAME] [--dump DIR]

--dump writes each failing rendering's page and diff to DIR (for reading).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "invariance"  # noqa: A001

from . import RENDERERS  # noqa: E402
from .harness import DEFAULT_SEEDS, kind, render, run  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=DEFAULT_SEEDS)
    ap.add_argument("--renderer", action="append")
    ap.add_argument("--dump", type=Path)
    args = ap.parse_args(argv)
    total_pass = total = 0
    all_kinds: Counter = Counter()
    print(f"{'renderer':<15} {'pass':>5} {'fail':>5}  most common differences (renderings affected)")
    for r in RENDERERS:
        if args.renderer and r.name not in args.renderer:
            continue
        kinds: Counter = Counter()
        failed = 0
        for seed in range(args.seeds):
            diff = run(r, seed)
            if diff:
                failed += 1
                kinds.update({kind(line) for line in diff})
                if args.dump:
                    args.dump.mkdir(parents=True, exist_ok=True)
                    (args.dump / f"{r.name}-{seed}.html").write_bytes(render(r, seed))
                    (args.dump / f"{r.name}-{seed}.diff.txt").write_text("\n".join(diff) + "\n", encoding="utf-8")
        all_kinds.update(kinds)
        total += args.seeds
        total_pass += args.seeds - failed
        top = "; ".join(f"{k} ×{n}" for k, n in kinds.most_common(5))
        print(f"{r.name:<15} {args.seeds - failed:>5} {failed:>5}  {top}")
    print(f"{'all':<15} {total_pass:>5} {total - total_pass:>5}  of {total} renderings")
    print("kinds overall: " + "; ".join(f"{k} ×{n}" for k, n in all_kinds.most_common(20)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
