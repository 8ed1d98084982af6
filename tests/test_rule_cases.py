"""Rule cases as data (guidecheck/element_rules/cases/<CODE>.yaml): each case runs
only its rule on its record and must give exactly the expected findings.
Also: every offline rule has a case file with a passing and a failing case and
its title, clauses, fix and message; every registered check is in the catalog."""
import pytest

from guidecheck.catalog import rules
from guidecheck.checks.cases import case_codes, compare, load_cases
from guidecheck.checks.registry import iter_registered

OFFLINE = sorted(code for code, meta in rules().items() if meta.needs == "offline")
# Rules that read a record (offline, link results the crawler attached, what the
# browser observed: journeys, homepages) or a department's records have case files.
RECORD_RULES = sorted(code for code, meta in rules().items()
                      if meta.needs in ("offline", "network", "department") or code[0] in "JH")
CASES = [case for code in case_codes() for case in load_cases(code)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.test_id)
def test_rule_case(case):
    findings = case.run()
    if case.records is not None:  # a department rule: each finding names its record
        assert all(0 <= f.record < len(case.records) for f in findings)
    assert all(f.rule == case.code for f in findings)
    problems = compare(case, findings)
    assert not problems, "\n".join(problems + [f"  found: {f.to_json()}" for f in findings])


@pytest.mark.parametrize("code", RECORD_RULES)
def test_record_rule_has_cases_and_docs(code):
    meta = rules()[code]
    assert meta.title and meta.clauses and meta.fix, f"{code}: title, clauses and fix are required"
    assert meta.message, f"{code}: rules.yaml needs a message template"
    cases = load_cases(code)
    assert cases, f"{code}: no case file element_rules/cases/{code}.yaml"
    assert any(c.passing for c in cases), f"{code}: no passing case"
    assert any(not c.passing for c in cases), f"{code}: no failing case"


def test_case_files_name_catalog_rules():
    assert set(case_codes()) <= set(rules()), set(case_codes()) - set(rules())


def test_every_registered_code_is_in_the_catalog():
    registered = set(iter_registered())
    assert registered <= set(rules())
    assert set(RECORD_RULES) <= registered, f"rules without a check: {sorted(set(RECORD_RULES) - registered)}"


@pytest.mark.parametrize("code", RECORD_RULES)
def test_messages_fill_without_falling_back(code):
    """A failing case's message is the filled template, not the bare title."""
    for case in load_cases(code):
        for f in case.run():
            assert f.message != rules()[code].title and "{" not in f.message, (case.test_id, f.message)


def test_department_rules_never_run_on_one_guide():
    """C804 is judged across a department's items: `check` (offline codes) never runs it."""
    from guidecheck.checks.registry import department_codes
    from guidecheck.offline import offline_codes

    assert "C804" in department_codes()
    assert not department_codes() & offline_codes()
    assert all(rules()[code].needs == "department" for code in department_codes())
