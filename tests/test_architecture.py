"""The pipeline's structure, as docs/architecture.md states it, checked on the
source: the browser phases do not reach into the crawler, and findings are
written only by the judge's side of the store (the workbench's sample
builder, which makes a finished campaign for its tests, aside)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "guidecheck"


def imported_modules(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            out.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def test_journeys_import_nothing_from_the_crawler():
    offenders = {path.name: sorted(m for m in imported_modules(path) if "crawler" in m)
                 for path in (PACKAGE / "journeys").glob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_findings_are_written_in_one_place():
    allowed = {"store_pipeline.py", "sample_db.py"}
    writers = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name not in allowed and any(w in text for w in ("INTO findings", "DELETE FROM findings",
                                                                 '["findings"].insert', '["findings"].upsert')):
            writers.append(str(path.relative_to(PACKAGE)))
    assert writers == []
    # and the gather phases call no finding writer of the store
    for phase in ("crawler/campaign.py", "journeys/phases.py", "channels/phase.py", "crawler/links.py"):
        text = (PACKAGE / phase).read_text(encoding="utf-8")
        assert "save_item_findings" not in text and "save_department_findings" not in text, phase
