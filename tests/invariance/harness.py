"""Run one rendering through `guidecheck check`'s path and compare it with the
content model's expectation. Shared by the test and the tally script."""
from __future__ import annotations

import functools
import random
import re
from collections import Counter

from guidecheck.errors import InputError
from guidecheck.offline import check_bytes

from .content import generate
from .expect import expected_findings, expected_record, finding_keys, findings_diff, record_diff

DEFAULT_SEEDS = 200


def rendering_rng(renderer, seed: int) -> random.Random:
    return random.Random(f"{renderer.name}-{seed}")


def render(renderer, seed: int) -> bytes:
    return renderer.render(generate(seed), rendering_rng(renderer, seed))


def expected_for(seed: int, renderer):
    """(expected record, expected finding keys) of a seed as a renderer can show it."""
    return _expected(seed, renderer.elements, renderer.material_fields, renderer.step_fields)


@functools.lru_cache(maxsize=4096)
def _expected(seed, elements, material_fields, step_fields):
    # Renderers that express the same fields share one expectation.
    view = type("View", (), {"elements": elements, "material_fields": material_fields, "step_fields": step_fields})
    record = expected_record(generate(seed), view)
    return record, expected_findings(record)


def run(renderer, seed: int) -> list[str]:
    """The differences between what the extractor and checks give for this
    rendering and what the content model expects ([] when invariant)."""
    guide = generate(seed)
    expected, want_findings = expected_for(seed, renderer)
    data = renderer.render(guide, rendering_rng(renderer, seed))
    try:
        checked = check_bytes(data, f"{renderer.name}-{seed}.html")
    except InputError as exc:
        return [f"unreadable: {exc.reason}"]
    if len(checked) != 1:
        return [f"guides count: want 1 got {len(checked)}"]
    got = checked[0]
    return record_diff(expected, got.record) + findings_diff(want_findings, finding_keys(got.findings))


_INDEX = re.compile(r"\[\d+\]")


def kind(line: str) -> str:
    """A difference without its values and indices: 'element value hours', 'material missing [].source'."""
    return _INDEX.sub("[]", line.split(":")[0]).strip()


def summarise(renderer, failures: dict[int, list[str]], total: int, limit: int = 30) -> str:
    kinds = Counter(k for diff in failures.values() for k in {kind(line) for line in diff})
    smallest = min(failures, key=lambda s: (len(failures[s]), s))
    lines = [f"{renderer.name}: {len(failures)} of {total} renderings differ from the content model "
             f"({renderer.family})",
             "kinds (renderings affected): " + "; ".join(f"{k} ×{n}" for k, n in kinds.most_common(12)),
             "failing seeds: " + ", ".join(map(str, sorted(failures)[:20])) + (" …" if len(failures) > 20 else ""),
             f"smallest diff, seed {smallest} (rerun alone: GUIDECHECK_INVARIANCE_SEED={smallest} "
             f"python3 -m pytest tests/test_layout_invariance.py -k {renderer.name}; "
             f"page: python3 tests/invariance/tally.py --dump DIR):"]
    lines += ["  " + line for line in failures[smallest][:limit]]
    return "\n".join(lines)
