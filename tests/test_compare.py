"""`guidecheck compare` and the same-source rules S001/S002.

- the S rules' pair cases (element_rules/cases/S001.yaml, S002.yaml);
- pairs of saved guides in two of the project's layout families
  (tests/compare_pairs.py), compared as saved, with planted differences that
  must fail, and with normalisations that must not count;
- bad input: an unreadable side, duplicated names, an item with no code and
  an ambiguous name; exit status 0/1/2.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidecheck.catalog import rules
from guidecheck.checks.limits_parse import parse_limit
from guidecheck.checks.cases import compare as compare_expectation
from guidecheck.cli import main
from guidecheck.compare.cases import load_pair_cases
from guidecheck.offline import offline_codes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "compare"
_spec = importlib.util.spec_from_file_location("make_pairs", FIXTURES / "_make_pairs.py")
pairs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pairs)
html_pair, json_pair, plant, PAGES = pairs.html_pair, pairs.json_pair, pairs.plant, pairs.PAGES
# Every saved guide of a layout family the project reads (not the script shell, not the error replies).
FAMILY_PAGES = sorted(p for p in PAGES.glob("*.html") if not p.name.startswith("shell_")) + \
    [pairs.JSONS / "audit_lower_gonggongchangsuo.json", pairs.JSONS / "audit_upper_defects.json"]

S_CASES = [case for code in ("S001", "S002") for case in load_pair_cases(code)]


# ------------------------------------------------------------ rule cases ---

@pytest.mark.parametrize("case", S_CASES, ids=lambda c: c.test_id)
def test_pair_case(case):
    findings = case.run()
    problems = compare_expectation(case, findings)
    assert not problems, "\n".join(problems + [f"  found: {f.to_json()}" for f in findings])
    assert all("{" not in f.message and f.message != rules()[case.code].title for f in findings)


@pytest.mark.parametrize("code", ["S001", "S002"])
def test_s_rules_catalogued_with_passing_and_failing_cases(code):
    meta = rules()[code]
    assert meta.title and meta.clauses and meta.fix and meta.message
    assert meta.needs == "second_channel"
    cases = load_pair_cases(code)
    assert any(c.passing for c in cases) and any(not c.passing for c in cases)
    assert any(f.outcome == "fail" for c in cases for f in c.run())


def test_offline_check_never_runs_s_rules():
    assert not {"S001", "S002"} & offline_codes()


# ------------------------------------------------------------------ CLI ---

def run(*args):
    result = CliRunner().invoke(main, ["compare", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def findings_of(out: list[dict]) -> list[dict]:
    return [f for line in out for f in line["findings"]]


PAIRS = {"html": (html_pair, "sjz.html", "fj.html"), "json": (json_pair, "audit.json", "gz.html")}


@pytest.mark.parametrize("family", PAIRS)
def test_same_item_in_two_families_agrees(tmp_path, family):
    build, portal_name, other_name = PAIRS[family]
    portal, other = build()
    p = write(tmp_path / "portal", portal_name, portal)
    o = write(tmp_path / "other", other_name, other)
    code, stdout, stderr = run(p, o, "--format", "jsonl")
    out = lines(stdout)
    assert code == 0, stdout + stderr
    assert out == [{"item": out[0]["item"], "code": out[0]["code"], "portal": str(p), "other": str(o), "findings": []}]


# Planted differences: (pair, old text on the other channel's page, new text, element,
# the values evidence shows: portal, other; None where the value is long).
PLANTED = [
    ("html", "20个工作日", "30个工作日", "promised_limit", "20个工作日", "30个工作日"),
    ("html", "0311-66632541", "0311-66632542", "consult_phone", "0311-66632541", "0311-66632542"),
    ("html", "1208室", "1210室", "location", "石家庄市长安区中山东路39号勒泰中心写字楼A座12层1208室",
     "石家庄市长安区中山东路39号勒泰中心写字楼A座12层1210室"),
    ("html", "卫生管理制度", "从业人员健康证明", "materials", "公共场所卫生许可申请表、营业执照复印件、卫生管理制度、其他材料",
     "公共场所卫生许可申请表、营业执照复印件、从业人员健康证明、其他材料"),
    ("html", "不收费", "收费，每证20元", "fee", "不收费", "收费，每证20元"),
    ("html", "第八条", "第九条", "basis", None, None),
    ("json", "二十个工作日", "三十个工作日", "legal_limit", "20个工作日", "三十个工作日"),
    ("json", "<td>020-83129999</td></tr>", "<td>020-83129998</td></tr>", "complaint_phone", "020-83129999",
     "020-83129998"),
    ("json", "第三十五条第一款", "第三十七条第一款", "basis", None, None),
    ("json", "13:00-17:00", "14:00-18:00", "hours", None, None),
]


@pytest.mark.parametrize("family,old,new,element,portal_value,other_value", PLANTED,
                         ids=[f"{p[0]}-{p[3]}" for p in PLANTED])
def test_planted_difference_is_one_s001(tmp_path, family, old, new, element, portal_value, other_value):
    build, portal_name, other_name = PAIRS[family]
    portal, other = build()
    p = write(tmp_path / "portal", portal_name, portal)
    o = write(tmp_path / "other", other_name, plant(other, old, new))
    code, stdout, _ = run(p, o, "--format", "jsonl")
    out = lines(stdout)
    assert code == 1
    assert len(out) == 1 and out[0]["portal"] == str(p) and out[0]["other"] == str(o)
    found = out[0]["findings"]
    assert [(f["rule"], f["element"], f["outcome"]) for f in found] == [("S001", element, "fail")], found
    evidence = found[0]["evidence"]
    assert evidence.startswith("门户：") and "；其他渠道：" in evidence
    if portal_value:
        assert evidence == f"门户：{portal_value}；其他渠道：{other_value}"
    else:
        assert new in evidence.split("；其他渠道：")[1] and old in evidence.split("；其他渠道：")[0]


# Rewritings that must not count: (pair, old, new) on the other channel's page.
SAME = [
    ("html", "20个工作日", "二十个工作日"),
    ("html", "0311-66632541", "（0311）6663 2541"),
    ("html", "1208室", "１２０８室"),
    ("html", "12层", "十二层"),
    ("html", "中山东路39号", "中山东路 39 号，"),
    ("html", "不收费", "免费"),
    ("html", "《公共场所卫生管理条例》第八条", "《公共场所卫生管理条例》（国务院令第24号）第8条"),
    ("html", "公共场所卫生许可（新办）", "公共场所卫生许可(新办)"),
    ("json", "020-83129999", "020 8312 9999"),
    ("json", "《中华人民共和国食品安全法》", "《食品安全法》"),
]


@pytest.mark.parametrize("family,old,new", SAME, ids=[f"{s[0]}-{s[2]}" for s in SAME])
def test_normalised_rewriting_does_not_count(tmp_path, family, old, new):
    build, portal_name, other_name = PAIRS[family]
    portal, other = build()
    p = write(tmp_path / "portal", portal_name, portal)
    o = write(tmp_path / "other", other_name, plant(other, old, new))
    code, stdout, _ = run(p, o, "--format", "jsonl")
    out = lines(stdout)
    assert len(out) == 1 and out[0]["other"] == str(o), out  # still paired (the html pair by name)
    assert out[0]["findings"] == [] and code == 0


@pytest.mark.parametrize("page", FAMILY_PAGES, ids=lambda p: p.stem)
def test_every_layout_family_agrees_with_its_portal_json(tmp_path, page):
    """Each family's item, rendered as the portal's AUDIT_ITEM reply (limits
    as counts and units, a free fee as 否, materials reversed): nothing differs."""
    record = pairs.record(page)
    p = write(tmp_path / "portal", "item.json", pairs.audit_json_like(record))
    code, stdout, _ = run(p, page, "--format", "jsonl")
    out = lines(stdout)
    assert len(out) == 1 and out[0]["portal"] == str(p) and out[0]["other"] == str(page)
    assert out[0]["findings"] == [] and code == 0


def _plant_limit(record):
    count = parse_limit(record.elements["promised_limit"]).count
    record.elements["promised_limit"] = f"{int(count) + 7}个工作日" if count else "5个工作日"
    return "promised_limit"


def _plant_phone(record):
    text = record.elements["consult_phone"]
    last = max(i for i, c in enumerate(text) if c.isdigit())
    record.elements["consult_phone"] = text[:last] + str((int(text[last]) + 1) % 10) + text[last + 1:]
    return "consult_phone"


def _plant_material(record):
    record.materials[0].name = "申请人健康体检证明"
    return "materials"


@pytest.mark.parametrize("plant_on", [_plant_limit, _plant_phone, _plant_material], ids=lambda f: f.__name__[7:])
@pytest.mark.parametrize("page", FAMILY_PAGES, ids=lambda p: p.stem)
def test_every_layout_family_reports_a_planted_difference(tmp_path, page, plant_on):
    record = pairs.record(page)
    element = plant_on(record)
    p = write(tmp_path / "portal", "item.json", pairs.audit_json_like(record))
    code, stdout, _ = run(p, page, "--format", "jsonl")
    [line] = lines(stdout)
    assert code == 1 and [(f["rule"], f["element"], f["outcome"]) for f in line["findings"]] == [
        ("S001", element, "fail")], line["findings"]


def test_materials_in_another_order_do_not_count(tmp_path):
    portal, other = html_pair()
    swapped = plant(plant(plant(other, "公共场所卫生许可申请表", "@@"), "卫生管理制度", "公共场所卫生许可申请表"),
                    "@@", "卫生管理制度")
    p = write(tmp_path / "portal", "sjz.html", portal)
    o = write(tmp_path / "other", "fj.html", swapped)
    code, stdout, _ = run(p, o, "--format", "jsonl")
    assert code == 0 and lines(stdout)[0]["findings"] == []


def test_immediate_and_zero_days_do_not_count(tmp_path):
    portal, other = html_pair()
    p = write(tmp_path / "portal", "sjz.html", plant(portal, "20个工作日", "即办"))
    o = write(tmp_path / "other", "fj.html", plant(other, "20个工作日", "0个工作日"))
    code, stdout, _ = run(p, o, "--format", "jsonl")
    assert code == 0 and lines(stdout)[0]["findings"] == []


def test_folders_pair_by_code_and_name_and_report_each_side(tmp_path):
    """Portal: the sjz and gz items and one more; other channel: sjz (no code),
    gz (by code), and an item the portal lacks."""
    html_portal, html_other = html_pair()
    json_portal, json_other = json_pair()
    portal = tmp_path / "portal"
    write(portal, "a_sjz.html", html_portal)
    write(portal, "b_audit.json", json_portal)
    write(portal, "c_bj.html", (PAGES / "table2col_bj_laodong.html").read_bytes())
    other = tmp_path / "other"
    write(other, "a_fj.html", plant(html_other, "20个工作日", "25个工作日"))
    write(other, "b_gz.html", json_other)
    write(other, "c_jn.html", (PAGES / "runtext_gb2312_jn_yanglao.html").read_bytes())
    code, stdout, stderr = run(portal, other, "--format", "jsonl")
    assert code == 1, stderr
    by_item = {line["item"]: line for line in lines(stdout)}
    assert set(by_item) == {"公共场所卫生许可（新办）", "食品经营许可（新办）", "劳动人事争议仲裁申请", "城乡居民基本养老保险参保登记"}
    sjz = by_item["公共场所卫生许可（新办）"]
    assert sjz["other"].endswith("a_fj.html")
    assert [(f["rule"], f["element"], f["outcome"], f["evidence"]) for f in sjz["findings"]] == [
        ("S001", "promised_limit", "fail", "门户：20个工作日；其他渠道：25个工作日")]
    assert by_item["食品经营许可（新办）"]["findings"] == []
    bj = by_item["劳动人事争议仲裁申请"]
    assert bj["other"] is None and bj["findings"] == []
    jn = by_item["城乡居民基本养老保险参保登记"]
    assert jn["portal"] is None and [(f["rule"], f["outcome"]) for f in jn["findings"]] == [("S002", "fail")]


def test_saved_channels_are_current():
    for rel, data in pairs.folders().items():
        assert (FIXTURES / rel).read_bytes() == data, f"stale: python fixtures/compare/_make_pairs.py ({rel})"


def test_saved_channels_give_the_expected_findings():
    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    code, stdout, stderr = run(FIXTURES / "portal", FIXTURES / "website", "--format", "jsonl")
    assert code == 1, stderr
    got = {line["item"]: line for line in lines(stdout)}
    assert set(got) == set(expected)
    for item, want in expected.items():
        line = got[item]
        for side in ("portal", "other"):
            assert (Path(line[side]).name if line[side] else None) == want[side], (item, side)
        other = line["other"] or ""
        assert [[f["rule"], f["element"], f["outcome"], f["evidence"]] for f in line["findings"]] == [
            [r, e, o, ev.replace("{other}", other)] for r, e, o, ev in want["findings"]], item


# ------------------------------------------------------------ bad input ---

def test_unreadable_input_is_named_and_the_rest_compared(tmp_path):
    portal, other = html_pair()
    write(tmp_path / "portal", "sjz.html", portal)
    broken = write(tmp_path / "portal", "broken.html", b"<html><body><table><tr><td>\xe4\xba")
    write(tmp_path / "other", "fj.html", other)
    write(tmp_path / "other", "jn.html", (PAGES / "runtext_gb2312_jn_yanglao.html").read_bytes())
    missing = tmp_path / "nowhere"
    code, stdout, stderr = run(tmp_path / "portal", tmp_path / "other", missing, "--format", "jsonl")
    assert code == 2
    errors = stderr.strip().splitlines()
    assert len(errors) == 2 and any(str(broken) in e for e in errors) and any(str(missing) in e for e in errors)
    by_item = {line["item"]: line for line in lines(stdout)}
    assert by_item["公共场所卫生许可（新办）"]["findings"] == []
    # A portal file could not be read: the item may be in it, so no S002 is certain.
    assert [(f["rule"], f["outcome"]) for f in by_item["城乡居民基本养老保险参保登记"]["findings"]] == [
        ("S002", "needs_review")]


def test_duplicated_names_never_pair(tmp_path):
    portal, other = html_pair()
    write(tmp_path / "portal", "sjz.html", portal)
    write(tmp_path / "other", "fj1.html", other)
    write(tmp_path / "other", "fj2.html", plant(other, "20个工作日", "30个工作日"))
    code, stdout, _ = run(tmp_path / "portal", tmp_path / "other", "--format", "jsonl")
    out = lines(stdout)
    assert code == 1
    assert len(out) == 3 and all(line["portal"] is None or line["other"] is None for line in out)
    found = findings_of(out)
    assert len(found) == 3 and {(f["rule"], f["outcome"]) for f in found} == {("S001", "needs_review")}


def test_no_code_and_ambiguous_name_is_reviewed_not_paired(tmp_path):
    portal, other = html_pair()
    write(tmp_path / "portal", "new.html", portal)
    write(tmp_path / "portal", "renew.html", plant(plant(portal, "公共场所卫生许可（新办）", "公共场所卫生许可（延续）"),
                                                   "130100-000201013000", "130100-000201013001"))
    write(tmp_path / "other", "fj.html", plant(other, "公共场所卫生许可（新办）", "公共场所卫生许可"))
    code, stdout, _ = run(tmp_path / "portal", tmp_path / "other", "--format", "jsonl")
    out = lines(stdout)
    assert code == 1
    other_line = next(line for line in out if line["other"])
    assert other_line["portal"] is None
    [finding] = other_line["findings"]
    assert finding["rule"] == "S002" and finding["outcome"] == "needs_review"
    assert "公共场所卫生许可（新办）" in finding["evidence"] and "公共场所卫生许可（延续）" in finding["evidence"]
    assert all(line["findings"] == [] for line in out if line["portal"])


def test_several_channels_and_text_output(tmp_path):
    portal, other = html_pair()
    p = write(tmp_path / "portal", "sjz.html", portal)
    site = write(tmp_path / "site", "fj.html", other)
    mobile = write(tmp_path / "mobile", "fj.html", plant(other, "0311-66632541", "0311-66632549"))
    code, stdout, _ = run(p, site, mobile, "--format", "jsonl")
    out = lines(stdout)
    assert code == 1 and [line["channel"] for line in out] == [str(site), str(mobile)]
    assert out[0]["findings"] == [] and [f["element"] for f in out[1]["findings"]] == ["consult_phone"]
    code, stdout, _ = run(p, mobile)
    assert code == 1 and "S001" in stdout and "门户：0311-66632541；其他渠道：0311-66632549" in stdout
    assert "共比对 1 个事项" in stdout


def test_exit_status_through_the_real_command(tmp_path):
    portal, other = json_pair()
    p = write(tmp_path / "portal", "audit.json", portal)
    o = write(tmp_path / "other", "gz.html", other)

    def status(*args):
        return subprocess.run([sys.executable, "-m", "guidecheck.cli", "compare", *map(str, args)],
                              capture_output=True, text=True, timeout=60).returncode

    assert status(p, o) == 0
    assert status(p, write(tmp_path / "other2", "gz.html", plant(other, "<td>否</td>", "<td>收费</td>"))) == 1
    assert status(p, PAGES / "table2col_bj_laodong.html") == 1  # on the other channel only: S002
    assert status(p, tmp_path / "missing.html") == 2


def test_help_is_chinese():
    result = CliRunner().invoke(main, ["compare", "--help"])
    assert result.exit_code == 0 and "同源" in result.stdout and "其他渠道路径..." in result.stdout
