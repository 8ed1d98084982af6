"""Docs that cannot drift: every rule documented and traced to a clause, docs/rules.md
current, every command with help."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidecheck.catalog import labels, rules
from guidecheck.cli import main
from guidecheck.reports import rules_doc

ROOT = Path(__file__).resolve().parents[1]
SPEC_RULES = ROOT.parent / "shared" / "spec" / "rules.md"
SEEDS = {"000", "001", "002", "003", "004"}


def test_rules_doc_is_current():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_doc.render(), \
        "docs/rules.md is stale: python -m guidecheck.reports.rules_doc > docs/rules.md"


@pytest.mark.parametrize("code", sorted(rules()))
def test_rule_is_documented_and_traced(code):
    meta = rules()[code]
    assert meta.title and meta.fix and meta.slug
    assert meta.clauses and all(c.split()[0] in SEEDS for c in meta.clauses), meta.clauses
    assert meta.needs in {"offline", "network", "browser", "department", "second_channel"}


@pytest.mark.skipif(not SPEC_RULES.exists(), reason="shared/spec not beside the repo")
def test_catalog_holds_every_spec_code():
    spec_codes = set(re.findall(r"^\| ([A-Z]\d{3}) \|", SPEC_RULES.read_text(encoding="utf-8"), re.M))
    assert spec_codes and spec_codes == set(rules())


def test_ten_key_elements():
    keys = [k for k, v in labels()["elements"].items() if v.get("key")]
    assert sorted(keys) == sorted(["name", "basis", "conditions", "materials", "location", "agency", "fee",
                                   "hours", "consult_phone", "process"])


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert main.commands[command].help and len(main.commands[command].help) > 4
