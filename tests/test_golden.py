"""Golden fixtures: every saved page and payload under fixtures/pages and
fixtures/json gives exactly the record and findings stored beside it in
fixtures/expected/ (the same JSON `guidecheck check --format jsonl` prints).

To refresh after a deliberate change, then read the diff before committing:
    GUIDECHECK_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py
"""
import json
import os
from pathlib import Path

import pytest

from guidecheck.errors import InputError
from guidecheck.offline import check_path, expand_paths

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
EXPECTED = FIXTURES / "expected"
UPDATE = os.environ.get("GUIDECHECK_UPDATE_GOLDEN") == "1"

INPUTS = [path for folder in ("pages", "json") if (FIXTURES / folder).is_dir()
          for _, path, _ in expand_paths([str(FIXTURES / folder)]) if path]


def actual_for(path: Path) -> dict:
    source = str(path.relative_to(ROOT))
    try:
        guides = check_path(source, path)
    except InputError as exc:
        return {"error": exc.reason}
    return {"guides": [g.to_json() for g in guides]}


def test_enough_layout_families():
    assert len([p for p in INPUTS if p.parent.name == "pages"]) >= 8
    assert len([p for p in INPUTS if p.parent.name == "json"]) >= 3


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(path):
    expected_file = EXPECTED / path.parent.name / (path.name + ".expected.json")
    actual = actual_for(path)
    if UPDATE:
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert expected_file.exists(), f"no golden file for {path.name}: run with GUIDECHECK_UPDATE_GOLDEN=1 and review"
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert actual == expected
