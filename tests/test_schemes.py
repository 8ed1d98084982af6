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


def test_new_rules_in_the_seed_schemes():
    """schemes.md (issue 10): I in the rule lists; S in fj-2020 guide-publishing; same-source indicators."""
    new = {"M109", "M110", "R702", "R703", "C803", "C804", "Q903", "I101"}
    for name, indicator in [("fj-2018-city", "guide-info"), ("fj-2020-dept", "guide-publishing"),
                            ("city-ywtb", "guide-accuracy"), ("ah-2019-dept", "list-accuracy"),
                            ("national-2019", "element-accuracy")]:
        rules_of = next(i for i in schemes.load(name).indicators if i.id == indicator).rules
        assert new <= rules_of, (name, new - rules_of)
    publishing = next(i for i in schemes.load("fj-2020-dept").indicators if i.id == "guide-publishing")
    assert {"S001", "S002"} <= publishing.rules
    same = next(i for i in schemes.load("ah-2019-dept").indicators if i.id == "same-source")
    assert (same.rules, same.form, same.points, same.deduction, same.raw["county_deduction"]) == \
        ({"S001", "S002"}, "fixed", 1, 0.5, 0.1)
    national = next(i for i in schemes.load("national-2019").indicators if i.id == "same-source")
    assert (national.rules, national.form) == ({"S001", "S002"}, "share")


def test_scheme_names_a_licence_catalog(tmp_path):
    (tmp_path / "lic.yaml").write_text("licences:\n  - {standard: 身份证, variants: []}\n", encoding="utf-8")
    text = ("id: p\ntitle: 省方案\nlicence_catalog: lic.yaml\nindicators:\n  - id: a\n    title: b\n"
            "    form: fixed\n    points: 2\n    deduction: 0.2\n    rules: [M110]\n")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    assert schemes.load(str(tmp_path / "p.yaml")).licence_catalog == str(tmp_path / "lic.yaml")
    (tmp_path / "q.yaml").write_text(text.replace("lic.yaml", "missing.yaml"), encoding="utf-8")
    with pytest.raises(CatalogError, match="missing.yaml"):
        schemes.load(str(tmp_path / "q.yaml"))


def test_licence_catalog_from_scheme_and_option(tmp_path):
    """M110 reads the default catalog, the scheme's, or --licences, in that order of precedence."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    page = tmp_path / "g.html"
    page.write_text("<html><body><table><tr><td>事项名称</td><td>户籍迁移</td></tr>"
                    "<tr><td>结果名称</td><td>户口本</td></tr></table></body></html>", encoding="utf-8")
    (tmp_path / "lic.yaml").write_text("licences:\n  - {standard: 户口本, variants: [户口薄]}\n", encoding="utf-8")
    (tmp_path / "p.yaml").write_text(
        "id: p\ntitle: 省方案\nlicence_catalog: lic.yaml\nindicators:\n  - id: a\n    title: b\n"
        "    form: fixed\n    points: 2\n    deduction: 0.2\n    rules: [M110]\n", encoding="utf-8")

    def m110(*extra):
        out = subprocess.run([sys.executable, "-m", "guidecheck.cli", "check", str(page), "--format", "jsonl",
                              "--select", "M110", *extra], capture_output=True, text=True, cwd=root, timeout=60,
                             check=False)
        return out.returncode, out.stdout.count('"M110"'), out.stderr

    assert m110()[:2] == (1, 1)  # default catalog: 户口本 is not 居民户口簿
    assert m110("--scheme", str(tmp_path / "p.yaml"))[:2] == (0, 0)  # the province names 户口本 standard
    assert m110("--licences", str(tmp_path / "lic.yaml"))[:2] == (0, 0)
    code, _, err = m110("--licences", str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml" in err


def test_malformed_licence_catalog_is_refused(tmp_path):
    from guidecheck.checks.licences import load_catalog, nonstandard_names

    bad = tmp_path / "bad.yaml"
    bad.write_text("licences:\n  - {variants: [身份证]}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="standard"):
        load_catalog(str(bad))
    (tmp_path / "notalist.yaml").write_text("licence: []\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="licences"):
        load_catalog(str(tmp_path / "notalist.yaml"))
    default = load_catalog()
    assert len(default.standards) >= 30
    assert [(v, lic.standard) for v, lic in nonstandard_names("驾驶执照、执照副本", default)] == [
        ("驾驶执照", "机动车驾驶证"), ("执照", "营业执照")]
