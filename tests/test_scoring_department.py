"""Department-level scoring (issue 10): ah-2019 `same-source` and national-2019
`same-source` from second-channel results, with the points worked out by hand
from seed 003; C804 (codes that break the department's coding rule) judged
where a department's guides are scored together, never by `check`."""
import json
import subprocess
import sys
from pathlib import Path

from guidecheck import schemes
from guidecheck.catalog import rules
from guidecheck.model import Finding, GuideRecord
from guidecheck.offline import CheckedGuide, offline_codes
from guidecheck.scoring import DepartmentInput, SecondChannel, finding_key, score_campaign, score_department

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = offline_codes()


def s_finding(rule, element=None, outcome="fail", evidence="门户：5个工作日；其他渠道：10个工作日"):
    return Finding(rule, element, outcome, rules()[rule].title, evidence, None)


def guide(source, *findings, **elements):
    return CheckedGuide(GuideRecord(source, elements=elements), list(findings))


def only_there(name):
    """An item the other channel publishes and the portal does not (S002)."""
    return guide(f"other/{name}.html", s_finding("S002", evidence=name), name=name)


def same_source(department, scheme="ah-2019-dept", decisions=None):
    d = score_campaign([department], schemes.load(scheme), OFFLINE, decisions).departments[0]
    return d.to_contract_json()["indicators"]["same-source"], d.indicator("same-source")


def test_ah_2019_same_source_city():
    # 附件1 "事项同源发布 (1分)": each item differing between the portal and another channel, or
    # published on the other channel only, -0.5 (scheme default).
    # 2 S001 (a.html: limit and phone differ: 2 findings) + 1 S002 = 3 findings × 0.5 = 1.5 > 1 point:
    # floored at 0 → deducted 1, score 0.
    guides = [guide("a.html", s_finding("S001", "promised_limit"), s_finding("S001", "consult_phone")),
              guide("b.html"), guide("c.html")]
    d = DepartmentInput("市公安局", guides, second_channel=SecondChannel(compared=3, only_there=[only_there("户籍迁入")]))
    contract, full = same_source(d)
    assert contract == {"points": 1, "deducted": 1, "score": 0}
    assert [x.amount for x in full.deductions] == [0.5, 0.5, 0.0]  # the third finding is listed, the point is gone
    # one S001 only: 1 − 0.5 = 0.5.
    d = DepartmentInput("市公安局", [guide("a.html", s_finding("S001", "fee")), guide("b.html")],
                        second_channel=SecondChannel(compared=2))
    assert same_source(d)[0] == {"points": 1, "deducted": 0.5, "score": 0.5}


def test_ah_2019_same_source_county_and_review():
    # 附件2 "办事指南同源 (1分)": -0.1 per finding for a county's department.
    # S001 on a.html (limit), S001 on b.html (materials), S002 once; a needs_review S001 does not count:
    # 3 × 0.1 = 0.3 → 0.7.
    guides = [guide("a.html", s_finding("S001", "promised_limit")),
              guide("b.html", s_finding("S001", "materials"), s_finding("S001", "location", outcome="needs_review")),
              guide("c.html")]
    d = DepartmentInput("县民政局", guides, level="county",
                        second_channel=SecondChannel(compared=3, only_there=[only_there("低保申请")]))
    assert same_source(d)[0] == {"points": 1, "deducted": 0.3, "score": 0.7}
    # a reviewer dismisses the S002: 2 × 0.1 = 0.2 → 0.8.
    extra = d.second_channel.only_there[0]
    key = finding_key(extra.record.source, extra.findings[0])
    assert same_source(d, decisions={key: "dismissed"})[0] == {"points": 1, "deducted": 0.2, "score": 0.8}


def test_same_source_not_judged_without_another_channel():
    # "not judged when the roster names no other channel": even a stray S finding is not counted.
    d = DepartmentInput("市公安局", [guide("a.html", s_finding("S001", "fee")), guide("b.html")])
    contract, full = same_source(d)
    assert contract == {"points": 1, "judged": False}
    assert "其他发布渠道" in full.note
    # a channel listed, every item agrees: full marks.
    d = DepartmentInput("市公安局", [guide("a.html"), guide("b.html")], second_channel=SecondChannel(compared=2))
    assert same_source(d)[0] == {"points": 1, "deducted": 0, "score": 1}


def test_national_same_source_share():
    # national-2019 多渠道数据同源: no points; the share of items checked on a second channel that agree.
    # compared 4 portal items (a.html has two S001: one item), 1 item on the other channel only (S002):
    # 5 items checked, 2 disagree → 3/5 = 0.6.
    guides = [guide("a.html", s_finding("S001", "fee"), s_finding("S001", "consult_phone")),
              guide("b.html"), guide("c.html"), guide("d.html"), guide("e.html")]
    d = DepartmentInput("省人社厅", guides, second_channel=SecondChannel(compared=4, only_there=[only_there("社保卡申领")]))
    contract, _ = same_source(d, scheme="national-2019")
    assert contract == {"points": 0, "score": 0, "value": 0.6}
    no_channel = DepartmentInput("省人社厅", guides[1:])
    assert same_source(no_channel, scheme="national-2019")[0] == {"points": 0, "judged": False}


def test_fj_2020_counts_s_findings_in_guide_publishing():
    # 办事服务信息发布 2分, -0.2 per item of information; "数据同源发布" is part of the clause.
    # a.html: S001 on fee = 1 item; the S002 item = 1 item → 2 × 0.2 = 0.4 → 1.6.
    d = DepartmentInput("省卫健委", [guide("a.html", s_finding("S001", "fee")), guide("b.html")],
                        second_channel=SecondChannel(compared=2, only_there=[only_there("母婴保健")]))
    c = score_campaign([d], schemes.load("fj-2020-dept"), OFFLINE)
    assert c.departments[0].to_contract_json()["indicators"]["guide-publishing"] == {
        "points": 2, "deducted": 0.4, "score": 1.6}
    assert c.departments[0].checked == 2  # the item only on the other channel is not a guide checked


CODES = ["113501000035910604400011700000X", "113501000035910604400011800000X",
         "113501000035910604400011900000X", "11350100003591060440"]


def test_c804_judged_when_scoring_a_department():
    # city-ywtb guide-accuracy: -0.5 per finding, 20 / checked scaling with fewer than 20 checked.
    # 4 guides: the fourth code is 20 characters where the others have 31: one C804 → 0.5 × 20/4 = 2.5.
    guides = [guide(f"g{i}.html", code=code) for i, code in enumerate(CODES)]
    d = DepartmentInput("市生态环境局", guides)
    result = score_department(d, schemes.load("city-ywtb"), OFFLINE)
    assert result.to_contract_json()["indicators"]["guide-accuracy"] == {"points": 10, "deducted": 2.5, "score": 7.5}
    assert [f.rule for f in guides[3].findings] == ["C804"] and not any(g.findings for g in guides[:3])
    # scoring again gives the same findings, not a second copy
    score_department(d, schemes.load("city-ywtb"), OFFLINE)
    assert [f.rule for f in guides[3].findings] == ["C804"]


CODING_SCHEME = """id: coding-only
title: 编码规则（测试）
indicators:
  - id: coding
    title: 事项编码
    rules: [C804]
    unit: finding
    form: fixed
    points: 5
    deduction: 1
"""


def test_c804_not_run_by_check_but_by_score(tmp_path):
    dept = tmp_path / "depts" / "市生态环境局"
    dept.mkdir(parents=True)
    scheme = tmp_path / "coding-only.yaml"
    scheme.write_text(CODING_SCHEME, encoding="utf-8")

    def write(codes):
        for i, code in enumerate(codes):
            (dept / f"g{i}.html").write_text(
                f"<html><body><table><tr><td>事项名称</td><td>排污许可{i}</td></tr>"
                f"<tr><td>事项编码</td><td>{code}</td></tr></table></body></html>", encoding="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "guidecheck.cli", *args], capture_output=True, text=True,
                              cwd=ROOT, timeout=120, check=False)

    write(CODES)
    checked = run("check", str(dept), "--format", "jsonl")
    assert checked.returncode == 1 and "C804" not in checked.stdout  # one guide at a time: never judged
    scored = run("score", str(tmp_path / "depts"), "--scheme", str(scheme), "--format", "json")
    assert scored.returncode == 0, scored.stderr
    # g3's code has 20 characters where the other three have 31: one C804 → 5 − 1 = 4.
    assert json.loads(scored.stdout)["departments"][0]["indicators"]["coding"] == {
        "points": 5, "deducted": 1, "score": 4}
    write(CODES[:3] + [CODES[2]])  # the same rule everywhere: full points
    scored = run("score", str(tmp_path / "depts"), "--scheme", str(scheme), "--format", "json")
    assert json.loads(scored.stdout)["departments"][0]["indicators"]["coding"] == {
        "points": 5, "deducted": 0, "score": 5}
