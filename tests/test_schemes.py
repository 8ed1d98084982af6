"""Scheme files load, select rules by code and prefix, and a typo is refused
with the file, the line and the reason."""
import pytest

from guidecheck import schemes
from guidecheck.catalog import rules
from guidecheck.errors import CatalogError


@pytest.mark.parametrize("name", ["fj-2018-city", "fj-2020-dept", "city-ywtb", "ah-2019-dept", "national-2019"])
def test_seed_scheme_loads(name):
    scheme = schemes.load(name)
    assert scheme.id == name
    assert scheme.indicators
    assert scheme.rule_codes <= set(rules())


def test_prefixes_expand_to_codes():
    scheme = schemes.load("fj-2020-dept")
    accuracy = next(i for i in scheme.indicators if i.id == "guide-accuracy")
    assert accuracy.rules == {"E010", "E001", "M103", "M104", "M105", "K001", "K002", "K003", "M101", "B501",
                              "P201", "P202", "P203", "P204"}
    publishing = next(i for i in scheme.indicators if i.id == "guide-publishing")
    assert {"M101", "K004", "Q902"} <= publishing.rules and not publishing.rules & {"J001", "H001"}


def test_unknown_rule_code_names_file_and_line(tmp_path):
    bad = tmp_path / "typo.yaml"
    bad.write_text("id: typo\ntitle: t\nindicators:\n  - id: a\n    title: b\n    form: fixed\n"
                   "    points: 2\n    deduction: 0.2\n    rules: [M101]\n  - id: c\n    title: d\n"
                   "    form: fixed\n    points: 1\n    deduction: 1\n    rules: [M1O1]\n", encoding="utf-8")
    with pytest.raises(CatalogError) as exc:
        schemes.load(str(bad))
    assert f"{bad}:10" in str(exc.value) and "M1O1" in str(exc.value)


def test_missing_number_is_refused(tmp_path):
    bad = tmp_path / "nopoints.yaml"
    bad.write_text("id: x\ntitle: t\nindicators:\n  - id: a\n    title: b\n    form: fixed\n"
                   "    deduction: 0.2\n    rules: [M]\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="points"):
        schemes.load(str(bad))


def test_number_of_wrong_type_is_refused(tmp_path):
    bad = tmp_path / "word.yaml"
    bad.write_text("id: x\ntitle: t\nindicators:\n  - id: a\n    title: b\n    form: fixed\n"
                   "    points: 两分\n    deduction: 0.2\n    rules: [M]\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"word.yaml:4.*points"):
        schemes.load(str(bad))
