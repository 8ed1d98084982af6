"""Scoring under the five seed schemes, with the expected points worked out by
hand in the comments from each seed's clause; then the counting rules:
needs_review, reviewers' decisions, caps and floors, not-judged indicators,
per-element-class counting, metric bands at their edges, the report model."""
import hashlib
import json
from pathlib import Path

import pytest

from guidecheck import schemes
from guidecheck.catalog import catalog_version, rules
from guidecheck.model import Finding, GuideRecord, LinkResult
from guidecheck.offline import CheckedGuide, offline_codes
from guidecheck.report_model import build_report_model
from guidecheck.scoring import (
    DepartmentInput,
    finding_key,
    points_value,
    score_campaign,
    score_department,
)

ROOT = Path(__file__).resolve().parents[1]
ELEMENT_CLASS_SCHEME = ROOT / "tests" / "data" / "schemes" / "national-2015-element-class.yaml"

OFFLINE = offline_codes()
WITH_LINKS = OFFLINE | {"K001", "K002", "K003", "K004"}
EVERYTHING = set(rules())
KEY = ["name", "basis", "conditions", "materials", "location", "agency", "fee", "hours", "consult_phone", "process"]


def f(rule, element=None, material=None, outcome="fail", evidence=""):
    return Finding(rule, element, outcome, rules()[rule].title, evidence, material)


def guide(source, *findings, **elements):
    return CheckedGuide(GuideRecord(source, elements=elements), list(findings))


def clean(n, prefix="g", **elements):
    return [guide(f"{prefix}{i}.html", **elements) for i in range(n)]


def missing(source, *elements):
    """A guide missing these key elements (one E001 each)."""
    return guide(source, *(f("E001", e) for e in elements))


def dept(name, guides, **kw):
    return DepartmentInput(name, guides, **kw)


def score(scheme, departments, judged=OFFLINE, decisions=None):
    return score_campaign(departments, schemes.load(scheme), judged, decisions)


def ind(campaign_or_dept, indicator_id, department=None):
    d = campaign_or_dept.departments[0] if department is None else campaign_or_dept.department(department)
    return d.indicator(indicator_id)


# ---------------------------------------------------------------- fj-2018-city (seed 000)

def test_fj_2018_city():
    # 1.1 "发布的各类办事服务信息规范、准确、完整，链接有效，…满分30分，检查发现一项信息不符合要求扣1分。"
    # 1.10 "未在当地政府…网站首页显著位置固定设立省网上办事大厅本地分厅链接的，抽查发现一次扣5分。"
    guides = [
        # guide a: M101 and M103 on the same element (materials) are one item; B501 on basis one more → 2 items
        guide("a.html", f("M101", "materials", 0), f("M103", "materials", 1), f("B501", "basis")),
        # guide b: fee and hours missing (2 items); a dead form link on materials (1 item, only when links
        # were checked); H001 (homepage lacks the branch link) is a browser rule
        guide("b.html", f("E001", "fee"), f("E001", "hours"), f("K001", "materials", 1, evidence="http://x/f.doc"),
              f("H001", None)),
        guide("c.html"),
    ]
    offline = score("fj-2018-city", [dept("市民政局", guides)])
    # offline: K001 cannot be judged → 4 items × 1 = 4 → 30 − 4 = 26; branch-link (H001) not judged.
    assert offline.departments[0].to_contract_json()["indicators"] == {
        "guide-info": {"points": 30, "deducted": 4, "score": 26},
        "branch-link": {"points": 5, "judged": False}}
    # a crawl with link checks and journeys: the K001 item too → 5 → 25; branch-link: one finding × 5 → 0.
    crawl = score("fj-2018-city", [dept("市民政局", guides)], judged=EVERYTHING)
    assert crawl.departments[0].to_contract_json()["indicators"] == {
        "guide-info": {"points": 30, "deducted": 5, "score": 25},
        "branch-link": {"points": 5, "deducted": 5, "score": 0}}


def test_fixed_is_floored_at_zero():
    # 1.10, two findings: 2 × 5 = 10 > 5 points → floored at 0, deducted 5.
    # 1.1, 31 items (31 guides each missing fee) → 31 > 30 → 0.
    guides = [guide("home.html", f("H001", None, evidence="首页1"), f("H001", None, evidence="首页2"))]
    guides += [missing(f"g{i}.html", "fee") for i in range(31)]
    c = score("fj-2018-city", [dept("市民政局", guides)], judged=EVERYTHING)
    branch, info = ind(c, "branch-link"), ind(c, "guide-info")
    assert (branch.deducted, branch.score) == (5, 0)
    assert (info.deducted, info.score, info.units) == (30, 0, 31)
    # every unit is listed behind the deduction; the amounts add up to what was deducted
    assert len(info.deductions) == 31 and sum(d.amount for d in info.deductions) == pytest.approx(30)
    assert [d.amount for d in info.deductions[-1:]] == [0]


# ---------------------------------------------------------------- fj-2020-dept (seed 001)

def test_fj_2020_dept_publishing_and_accuracy():
    # 办事服务信息发布 "2分 … 每发现1项信息不符合要求的，扣0.2分".
    # 办事指南准确度 6分, cases (1)–(7); the seed sets no value per case: the file's 0.5 each.
    guides = [
        # (5) 兜底材料 M101 and (3) 份数 M103 on materials: 1 item; 2 findings in cases (5) and (3)
        guide("a.html", f("M101", "materials", 0), f("M103", "materials", 1)),
        # (7) P203 on consult_phone: 1 item, case (7); T301 on legal_limit: 1 item, in no case
        guide("b.html", f("P203", "consult_phone"), f("T301", "legal_limit")),
        # (1) E010 no guide: 1 item (the guide itself), case (1)
        guide("c.html", f("E010", None, evidence="页面不存在")),
        # (6) B501 and (2) E001 fee: 2 items, cases (6) and (2)
        guide("d.html", f("B501", "basis"), f("E001", "fee")),
    ]
    c = score("fj-2020-dept", [dept("省市场监督管理局", guides)])
    out = c.departments[0].to_contract_json()
    # publishing: 6 items × 0.2 = 1.2 → 2 − 1.2 = 0.8
    assert out["indicators"]["guide-publishing"] == {"points": 2, "deducted": 1.2, "score": 0.8}
    # accuracy: M101, M103, P203, E010, B501, E001 = 6 findings × 0.5 = 3 → 6 − 3 = 3
    assert out["indicators"]["guide-accuracy"] == {"points": 6, "deducted": 3, "score": 3}
    # J and H need a browser: not judged offline, and no score
    assert out["indicators"]["self-built-link"] == {"points": 1, "judged": False}
    assert out["indicators"]["site-identity"] == {"points": 1, "judged": False}
    assert out["veto"] is False and out["checked"] == 4
    accuracy = ind(c, "guide-accuracy")
    assert {d.rule: d.clause.split("：")[-1] for d in accuracy.deductions}["M103"] == "(3) 材料份数、介质不明确"


def test_fj_2020_dept_floors():
    # publishing: 11 items × 0.2 = 2.2 > 2 → 0. accuracy: 13 findings × 0.5 = 6.5 > 6 → 0.
    guides = [missing("a.html", *KEY[:10]), missing("b.html", "fee"), guide("c.html", f("M101", "materials", 0),
                                                                           f("B501", "basis"))]
    c = score("fj-2020-dept", [dept("省卫生健康委员会", guides, items_total=30)])
    assert (ind(c, "guide-publishing").deducted, ind(c, "guide-publishing").score) == (2, 0)
    assert (ind(c, "guide-accuracy").deducted, ind(c, "guide-accuracy").score) == (6, 0)


def test_fj_2020_case_values_come_from_the_file(tmp_path):
    # A reviewer sets case (5) 兜底材料 to 1 point: M101 then deducts 1, M103 still 0.5 → 6 − 1.5 = 4.5.
    text = schemes.resolve("fj-2020-dept").read_text(encoding="utf-8")
    edited = text.replace('rules: [M101], deduction: 0.5', 'rules: [M101], deduction: 1')
    assert edited != text
    path = tmp_path / "fj-2020-custom.yaml"
    path.write_text(edited, encoding="utf-8")
    scheme = schemes.load(str(path))
    c = score_campaign([dept("d", [guide("a.html", f("M101", "materials", 0), f("M103", "materials", 1))])],
                       scheme, OFFLINE)
    assert (ind(c, "guide-accuracy").deducted, ind(c, "guide-accuracy").score) == (1.5, 4.5)
    assert c.departments[0].scheme_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_fj_2020_veto():
    # "办事指南重点要素类别缺失4类及以上的事项数量超过（含）5个；或事项总数不足5个的，每个事项办事指南
    #  重点要素类别均缺失4类及以上，单项否决。"
    four = KEY[6:10]  # fee, hours, consult_phone, process
    vetoed = [missing(f"v{i}.html", *four) for i in range(5)] + [guide("ok.html")]
    # 5 guides each missing 4 → vetoed, whatever the points
    just_under = [missing(f"u{i}.html", *four) for i in range(4)] + [missing("three.html", *four[:3])]
    # 4 guides missing 4 and one missing 3 → not vetoed
    few_all = [missing("f1.html", *four), missing("f2.html", *KEY[1:6])]
    # 2 items in all (< 5), each missing ≥ 4 → vetoed
    few_not_all = [missing("n1.html", *four), missing("n2.html", *four[:3])]
    # 2 items, one missing only 3 → not vetoed
    sampled = [missing(f"s{i}.html", *four) for i in range(3)]
    # 3 sampled of 40 items, all missing 4: the department has 40 items (≥ 5) and only 3 hit → not vetoed
    c = score("fj-2020-dept", [dept("甲", vetoed), dept("乙", just_under), dept("丙", few_all),
                               dept("丁", few_not_all), dept("戊", sampled, items_total=40)])
    assert [d.veto for d in c.departments] == [True, False, True, False, False]
    jia = c.department("甲")
    assert jia.veto_guides == [f"v{i}.html" for i in range(5)] and "5 份" in jia.veto_reason
    assert c.department("丙").veto_guides == ["f1.html", "f2.html"]
    # the veto does not hide the points: publishing 5 × 4 items × 0.2 = 4 → floored, 2 deducted
    assert ind(c, "guide-publishing", "甲").score == 0
    assert c.to_contract_json()["departments"][0]["indicators"]["service-veto"] == {"points": 0, "score": 0, "value": True}
    # the veto is judged from E001 alone: with E001 not judged, no veto and the indicator is not judged
    c2 = score("fj-2020-dept", [dept("甲", vetoed)], judged=OFFLINE - {"E001"})
    assert c2.departments[0].veto is False and ind(c2, "service-veto").judged is False


def test_fj_2020_self_built_link_all_or_nothing():
    # "6.自建系统与省网上办事大厅实现规范对接情况，1分。…一次点击、不超5秒…未实现规范对接的，不得分。"
    slow = [guide("a.html", f("J001", "online", evidence="7.2秒")), guide("b.html", f("J001", "online", evidence="8秒"))]
    c = score("fj-2020-dept", [dept("慢", slow), dept("快", clean(2))], judged=EVERYTHING)
    assert c.department("慢").to_contract_json()["indicators"]["self-built-link"] == {
        "points": 1, "deducted": 1, "score": 0}
    assert c.department("快").to_contract_json()["indicators"]["self-built-link"] == {
        "points": 1, "deducted": 0, "score": 1}
    behind = ind(c, "self-built-link", "慢").deductions
    assert [d.amount for d in behind] == [1, 0]


# ---------------------------------------------------------------- city-ywtb (seed 002)

def test_city_ywtb_guide_accuracy_sampling_scale_and_cap():
    # #14 指南发布准确性 10分: "部门事项大于20个的，每月抽取20个，逐步全覆盖；部分事项不足20个，全量检查，
    #     按比例扣分" · "扣分制：每个错误扣0.5分" (scheme: cap 10, scale_to_sample 20).
    twenty = clean(17) + [guide("x1.html", f("M101", "materials", 0)), guide("x2.html", f("L402", "location")),
                          guide("x3.html", f("P202", "consult_phone"))]
    # 20 checked: 3 errors × 0.5 = 1.5 → 8.5
    eight = clean(5) + [guide("y1.html", f("M101", "materials", 0)), guide("y2.html", f("L402", "location")),
                        guide("y3.html", f("P202", "consult_phone"))]
    # 8 checked (< 20): each error × 20/8 → 0.5 × 2.5 = 1.25; 3 × 1.25 = 3.75 → 6.25
    five = [guide(f"z{i}.html", f("M101", "materials", 0), f("B501", "basis")) for i in range(3)] + clean(2)
    # 5 checked: 0.5 × 20/5 = 2 per error; 6 errors = 12 > cap 10 → 10 deducted → 0
    seven = clean(6) + [guide("w.html", f("M101", "materials", 0))]
    # 7 checked: 0.5 × 20/7 = 1.428571… → deducted 1.43, score 8.57
    c = score("city-ywtb", [dept("二十", twenty), dept("八", eight), dept("五", five), dept("七", seven)])
    got = {d.name: d.to_contract_json()["indicators"]["guide-accuracy"] for d in c.departments}
    assert got == {"二十": {"points": 10, "deducted": 1.5, "score": 8.5},
                   "八": {"points": 10, "deducted": 3.75, "score": 6.25},
                   "五": {"points": 10, "deducted": 10, "score": 0},
                   "七": {"points": 10, "deducted": 1.43, "score": 8.57}}
    assert "20/8" in ind(c, "guide-accuracy", "八").note


def test_city_ywtb_online_depth():
    # #1 事项办理深度 5分: "Y=(N1*5%+N2*15%+N3*45%+N4*100%)/M", M = 事项总数 (issue 10: every item,
    # one that states no depth counts in M with weight 0).
    # N1=1 (一级), N2=1 (二级), N3=1 (三级), N4=1 (全程网办), M=5 (e.html states no depth):
    # Y = (0.05 + 0.15 + 0.45 + 1.00) / 5 = 1.65 / 5 = 0.33; score = 5 × 0.33 = 1.65; value = Y = 0.33.
    guides = [guide("a.html", online_depth="一级"), guide("b.html", online_depth="二级"),
              guide("c.html", online_depth="三级"), guide("d.html", online_depth="全程网办"), guide("e.html")]
    c = score("city-ywtb", [dept("网办", guides), dept("无深度", clean(3))])
    assert c.department("网办").to_contract_json()["indicators"]["online-depth"] == {
        "points": 5, "score": 1.65, "value": 0.33}
    assert "M=5" in ind(c, "online-depth", "网办").note
    # no guide names a depth: not judged
    assert c.department("无深度").to_contract_json()["indicators"]["online-depth"] == {"points": 5, "judged": False}


def test_city_ywtb_online_depth_unstated_items_weigh_zero():
    # 2 guides 全程网办 (Ⅳ级, weight 1.00), 1 guide 三级 (0.45), 4 guides with no depth stated: M = 7.
    # Y = (2 × 1.00 + 0.45) / 7 = 2.45 / 7 = 0.35 → value 0.35; score = 5 × 0.35 = 1.75.
    guides = [guide("a.html", online_depth="Ⅳ级"), guide("b.html", online_depth="全程网办"),
              guide("c.html", online_depth="Ⅲ级")] + clean(4, prefix="n")
    c = score("city-ywtb", [dept("部分标注", guides)])
    assert c.departments[0].to_contract_json()["indicators"]["online-depth"] == {
        "points": 5, "score": 1.75, "value": 0.35}
    # every guide at 全程网办: Y = 1, score = 5.
    full = score("city-ywtb", [dept("全程", clean(4, online_depth="全程网办"))])
    assert full.departments[0].to_contract_json()["indicators"]["online-depth"] == {
        "points": 5, "score": 5, "value": 1.0}


def instant(n_instant, n_total, by="case_type"):
    field = {"case_type": "即办件"} if by == "case_type" else {"promised_limit": "即办"}
    return [guide(f"i{i}.html", **field) for i in range(n_instant)] + \
        [guide(f"p{i}.html", case_type="承诺件") for i in range(n_total - n_instant)]


@pytest.mark.parametrize("n_instant,n_total,points", [
    # #2 即办程度 5分: "即办件率未达到5%不得分，5%（含）-7%（不含）得2分，7%（含）-10%（不含）得4分，
    #     大于等于10%得5分"
    (1, 21, 0),    # 4.76 %  → under 5 %            → 0
    (1, 20, 2),    # 5 %     → 5 % included         → 2
    (6, 86, 2),    # 6.98 %  → under 7 %            → 2
    (7, 100, 4),   # 7 %     → 7 % included         → 4
    (9, 91, 4),    # 9.89 %  → under 10 %           → 4
    (1, 10, 5),    # 10 %    → 10 % and above       → 5
    (0, 5, 0),     # 0 %                            → 0
])
def test_city_ywtb_instant_rate_bands(n_instant, n_total, points):
    c = score("city-ywtb", [dept("d", instant(n_instant, n_total))])
    out = c.departments[0].to_contract_json()["indicators"]["instant-rate"]
    assert out == {"points": 5, "score": points, "value": round(n_instant / n_total, 4)}


def test_instant_rate_reads_a_promised_limit_that_says_immediate():
    c = score("city-ywtb", [dept("d", instant(1, 10, by="promised_limit"))])
    assert ind(c, "instant-rate").score == 5


def limits(legal, promised, i=0):
    return guide(f"t{i}.html", legal_limit=legal, promised_limit=promised)


@pytest.mark.parametrize("promised,points", [
    # #5 减时限成效 10分: "时限压缩比Y=（1-N/M）*100%；时限压缩50%（含）-55%（不含）的得3分，压缩55%（含）
    #     -60%（不含）的得6分，压缩60%及以上的得10分" (else 0). Legal 20 个工作日:
    (11, 0),   # 1 − 11/20 = 45 %  → 0
    (10, 3),   # 1 − 10/20 = 50 %  → 50 % included → 3
    (9.5, 3),  # 52.5 %            → 3
    (9, 6),    # 55 %              → 55 % included → 6
    (8, 10),   # 60 %              → 60 % included → 10
    (2, 10),   # 90 %              → 10
])
def test_city_ywtb_time_compression_bands(promised, points):
    c = score("city-ywtb", [dept("d", [limits("20个工作日", f"{promised:g}个工作日")])])
    out = c.departments[0].to_contract_json()["indicators"]["time-compression"]
    assert out == {"points": 10, "score": points, "value": round(1 - promised / 20, 4)}


def test_time_compression_sums_over_guides_with_both_limits_in_one_unit():
    guides = [
        limits("20个工作日", "10个工作日", 1),   # counted: 20 / 10
        limits("10个工作日", "2个工作日", 2),    # counted: 10 / 2
        limits("20个工作日", "10个自然日", 3),   # units differ: left out
        limits("无", "5个工作日", 4),            # no legal limit: left out
        limits("20个工作日", "即办", 5),         # no count: left out
        guide("t6.html"),                       # neither
    ]
    # 1 − (10 + 2) / (20 + 10) = 1 − 12/30 = 60 % → 10 points
    c = score("city-ywtb", [dept("d", guides), dept("none", [limits("无", "即办")])])
    assert c.department("d").to_contract_json()["indicators"]["time-compression"] == {
        "points": 10, "score": 10, "value": 0.6}
    assert ind(c, "time-compression", "none").judged is False


# ---------------------------------------------------------------- ah-2019-dept (seed 003)

def test_ah_2019_list_accuracy_city_and_county():
    # 附件1 #11 "实施清单准确度 (14分) … 本部门实施清单要素符合编制标准的,得14分;抽查不符合的按比例扣减。"
    # 附件2 #14 "实施清单准确度 (8分) … 实施清单要素符合编制标准的,得8分,不符合的按抽查出错率扣减。"
    city = [guide("a.html", f("M101", "materials", 0), f("L402", "location")), guide("b.html"), guide("c.html"),
            guide("d.html", f("K001", "materials", 0, evidence="http://x/a.doc"))]
    # city, offline: 1 of 4 guides does not conform (K001 not judged) → 14 × 3/4 = 10.5
    county = [guide("e.html", f("E002", "target")), guide("f.html"),
              guide("g.html", f("Q901", "faq", outcome="needs_review"))]
    # county: 1 of 3 does not conform (the needs_review finding does not count) → 8 × 2/3 = 5.333… → 5.33
    c = score("ah-2019-dept", [dept("市公安局", city), dept("县公安局", county, level="county")])
    assert c.department("市公安局").to_contract_json()["indicators"] == {
        "list-accuracy": {"points": 14, "deducted": 3.5, "score": 10.5},
        "same-source": {"points": 1, "judged": False},  # no other channel listed
        "unified-entry": {"points": 1, "judged": False}}
    assert c.department("县公安局").to_contract_json()["indicators"]["list-accuracy"] == {
        "points": 8, "deducted": 2.67, "score": 5.33}
    # with link checks and journeys: K is not among the rules schemes.md gives list-accuracy, so it stays
    # 10.5; unified-entry "部门网站首页的重点区域…引导至安徽政务服务网本部门频道的得1分,未链接的不得分":
    # judged now (H002 can fire), no finding → 1; with an H002 finding → 0
    c2 = score("ah-2019-dept", [dept("市公安局", city), dept("市教育局", [guide("h.html", f("H002", None))])],
               judged=EVERYTHING)
    assert c2.department("市公安局").to_contract_json()["indicators"] == {
        "list-accuracy": {"points": 14, "deducted": 3.5, "score": 10.5},
        # S rules are judged per department, only when another channel was compared
        "same-source": {"points": 1, "judged": False},
        "unified-entry": {"points": 1, "deducted": 0, "score": 1}}
    assert c2.department("市教育局").to_contract_json()["indicators"]["unified-entry"] == {
        "points": 1, "deducted": 1, "score": 0}


def test_department_level_is_checked():
    with pytest.raises(ValueError):
        DepartmentInput("x", [], level="province")


# ---------------------------------------------------------------- national-2019 (seed 004)

def test_national_2019_element_table():
    # 办事指南准确度: "逐事项逐要素检查" — no points; per element the share of checked guides that pass.
    guides = [
        guide("a.html", f("M102", "materials", 0), f("M104", "materials", 1)),   # materials fails
        guide("b.html", f("E002", "case_type"), f("B501", "basis", outcome="needs_review")),  # case_type fails
        guide("c.html", f("E010", None, evidence="页面不存在")),                  # no guide: fails every element
        guide("d.html"),
    ]
    c = score("national-2019", [dept("省政务服务数据管理局", guides)])
    out = c.departments[0].to_contract_json()["indicators"]["element-accuracy"]
    assert out["points"] == 0 and out["score"] == 0 and "deducted" not in out
    table = out["value"]
    # materials: a and c fail → 2/4 = 0.5; case_type: b and c → 0.5; basis: only c (b's is needs_review) → 0.75;
    # name: only c → 0.75. Key and required elements are all listed.
    assert (table["materials"], table["case_type"], table["basis"], table["name"]) == (0.5, 0.5, 0.75, 0.75)
    assert set(KEY) | {"case_type", "code", "legal_limit", "promised_limit", "complaint_phone", "visits"} <= set(table)
    # every department of a campaign lists the same elements
    c2 = score("national-2019", [dept("甲", guides), dept("乙", [guide("q.html", f("Q902", "faq"))])])
    assert list(ind(c2, "element-accuracy", "甲").value) == list(ind(c2, "element-accuracy", "乙").value)


# ---------------------------------------------------------------- counting rules

def test_needs_review_never_deducts():
    guides = [guide("a.html", f("M101", "materials", 0, outcome="needs_review"),
                    f("K001", "materials", 0, outcome="needs_review", evidence="http://x/a.doc"))]
    c = score("fj-2020-dept", [dept("d", guides)], judged=WITH_LINKS)
    assert ind(c, "guide-publishing").deducted == 0 and ind(c, "guide-accuracy").deducted == 0


def test_decisions_change_the_score():
    a = guide("a.html", f("M101", "materials", 0), f("B501", "basis"), f("P203", "consult_phone"),
              f("L402", "location", outcome="needs_review"))
    m101, b501, p203, l402 = (finding_key("a.html", x) for x in a.findings)
    base = score("fj-2020-dept", [dept("d", [a])])
    # no decisions: M101, B501, P203 count → publishing 3 × 0.2 = 0.6 → 1.4; accuracy 3 × 0.5 = 1.5 → 4.5
    assert (ind(base, "guide-publishing").score, ind(base, "guide-accuracy").score) == (1.4, 4.5)
    decisions = {m101: "dismissed",   # never counts
                 b501: "overturned",  # appealed, the finding overturned: no longer counts
                 p203: "upheld",      # appealed, the finding upheld: counts
                 l402: "confirmed"}   # a needs_review confirmed: counts (publishing only: L402 is in no case)
    after = score("fj-2020-dept", [dept("d", [a])], decisions=decisions)
    # publishing: P203 + L402 = 2 items → 1.6; accuracy: P203 → 0.5 → 5.5
    assert (ind(after, "guide-publishing").score, ind(after, "guide-accuracy").score) == (1.6, 5.5)
    states = after.departments[0].finding_states
    assert {k: (states[k].status, states[k].counts) for k in (m101, b501, p203, l402)} == {
        m101: ("dismissed", False), b501: ("overturned", False), p203: ("upheld", True), l402: ("confirmed", True)}
    with pytest.raises(ValueError):
        score("fj-2020-dept", [dept("d", [a])], decisions={m101: "maybe"})


def test_finding_key_is_sha1_of_source_rule_element_material_evidence():
    finding = f("M101", "materials", 2, evidence="其他材料")
    assert finding_key("dir/a.html", finding) == hashlib.sha1("dir/a.html|M101|materials|2|其他材料".encode()).hexdigest()
    assert finding_key("a.html", f("E010", None)) == hashlib.sha1(b"a.html|E010|||").hexdigest()


def test_rules_not_judged_deduct_nothing():
    # K001 in guide-info offline: listed in the guide, but the run could not judge it
    guides = [guide("a.html", f("K001", "materials", 0, evidence="http://x/a.doc"))]
    c = score("fj-2018-city", [dept("d", guides)])
    assert ind(c, "guide-info").deducted == 0 and ind(c, "guide-info").judged is True


def test_nothing_checked_is_not_judged():
    c = score("fj-2020-dept", [dept("空", [])])
    d = c.departments[0]
    assert d.checked == 0 and d.veto is False and all(not i.judged for i in d.indicators)
    assert d.total_score is None


def test_per_element_class_counting_2015_way():
    # "each key element missing anywhere counts once for the department … 2 points each, at most 16"
    scheme = schemes.load(str(ELEMENT_CLASS_SCHEME))
    three = [missing("a.html", "fee", "hours"), missing("b.html", "fee"), missing("c.html", "fee", "process")]
    # fee (3 guides), hours, process → 3 classes × 2 = 6 → 20 − 6 = 14
    every = [missing("d.html", *KEY[:5]), missing("e.html", *KEY[5:]), missing("f.html", *KEY)]
    # all 10 key elements → 10 × 2 = 20, capped at 16 → 20 − 16 = 4
    c = score_campaign([dept("三类", three), dept("十类", every)], scheme, OFFLINE)
    assert c.department("三类").to_contract_json()["indicators"]["element-classes"] == {
        "points": 20, "deducted": 6, "score": 14}
    assert c.department("十类").to_contract_json()["indicators"]["element-classes"] == {
        "points": 20, "deducted": 16, "score": 4}
    fee = next(d for d in ind(c, "element-classes", "三类").deductions if d.element == "fee")
    assert fee.amount == 2 and len(fee.also) == 2  # one class, three findings behind it


def test_score_records_what_it_was_computed_with():
    c = score("fj-2020-dept", [dept("d", [guide("a.html", f("M101", "materials", 0))])])
    d = c.departments[0]
    assert d.scheme_id == "fj-2020-dept" and d.catalog_version == catalog_version()
    assert d.scheme_sha256 == hashlib.sha256(schemes.resolve("fj-2020-dept").read_bytes()).hexdigest()
    deduction = ind(c, "guide-accuracy").deductions[0]
    assert (deduction.rule, deduction.source, deduction.element, deduction.material, deduction.amount) == \
        ("M101", "a.html", "materials", 0, 0.5)
    assert "(5)" in deduction.clause
    # the same input scores the same, and the full record is JSON
    again = score("fj-2020-dept", [dept("d", [guide("a.html", f("M101", "materials", 0))])])
    assert json.dumps(c.to_json(), ensure_ascii=False) == json.dumps(again.to_json(), ensure_ascii=False)


def test_single_department_matches_campaign():
    guides = [guide("a.html", f("M101", "materials", 0)), missing("b.html", "fee")]
    one = score_department(dept("d", guides), schemes.load("fj-2020-dept"), OFFLINE)
    assert one.to_contract_json() == score("fj-2020-dept", [dept("d", guides)]).departments[0].to_contract_json()


def test_points_are_reported_to_two_decimals():
    assert points_value(2.0) == 2 and isinstance(points_value(2.0), int)
    assert points_value(1.4000000000000001) == 1.4 and points_value(16 / 3) == 5.33
    assert points_value(-0.0) == 0 and points_value(None) is None


# ---------------------------------------------------------------- report model

def test_report_model_shape_and_statuses():
    a = guide("a.html", f("M101", "materials", 0), f("M103", "materials", 1), f("Q901", "faq"),
              f("K001", "materials", 0, evidence="http://x/form.doc"),
              f("L402", "location", outcome="needs_review"))
    a.record.elements["name"] = "食品经营许可"
    a.record.url = "http://portal/item/1"
    b = missing("b.html", "fee")
    m101, m103, q901, k001, l402 = (finding_key("a.html", x) for x in a.findings)
    scheme = schemes.load("fj-2020-dept")
    links = {"http://x/form.doc": LinkResult("http://x/form.doc", "dead", "服务器返回404", 404)}
    campaign_score = score_campaign([dept("省市场监管局", [a, b])], scheme, WITH_LINKS, {m103: "dismissed"})
    model = build_report_model(campaign_score, {"省市场监管局": [a, b]}, scheme,
                               campaign={"id": 3, "name": "十月抽查", "created_at": "2026-10-01T09:00:00+08:00"},
                               link_results=links, evidence={k001: "shots/k001.png"})
    json.dumps(model, ensure_ascii=False)
    assert set(model) == {"generated_at", "timezone", "catalog_version", "local_portal", "campaign", "scheme",
                          "departments", "findings"}
    # times in the report's zone (Asia/Shanghai by default)
    assert model["campaign"] == {"id": 3, "name": "十月抽查", "created_at": "2026-10-01 09:00:00"}
    assert model["scheme"]["id"] == "fj-2020-dept" and model["scheme"]["sha256"] == campaign_score.scheme_sha256
    dept_model = model["departments"][0]
    assert set(dept_model) == {"name", "level", "checked", "veto", "veto_reason", "total_points", "total_score",
                               "indicators"}
    assert set(dept_model["indicators"][0]) == {"id", "title", "clause", "form", "points", "deducted", "score",
                                                "judged", "value"}
    # publishing: a/materials (M101; M103 dismissed), a/faq (Q901), b/fee = 3 items × 0.2 → 1.4
    # (the K001 on materials is the same item as M101); accuracy: M101, K001 (case 4), E001 = 1.5 → 4.5
    # judged: publishing 2 + accuracy 6 = 8 points; 1.4 + 4.5 = 5.9 (J and H not judged)
    assert (dept_model["total_points"], dept_model["total_score"]) == (8.0, 5.9)
    rows = {r["key"]: r for r in model["findings"]}
    assert set(rows[m101]) == {"key", "department", "item_name", "source", "url", "rule", "rule_title", "clauses",
                               "clause_texts", "element", "element_title", "material", "outcome", "status",
                               "deducts", "amount", "indicator", "indicator_title", "deductions", "message",
                               "evidence", "fix", "link", "screenshot", "trace", "page_snapshot"}
    # M101 takes 0.2 (publishing item) + 0.5 (accuracy case 5)
    assert (rows[m101]["status"], rows[m101]["deducts"], rows[m101]["amount"], rows[m101]["indicator"]) == \
        ("counted", True, 0.7, "guide-publishing")
    assert rows[m101]["item_name"] == "食品经营许可" and rows[m101]["url"] == "http://portal/item/1"
    assert rows[m103]["status"] == "dismissed" and rows[m103]["deducts"] is False
    # K001: same materials item as M101 (no more publishing), case (4) in accuracy: 0.5
    assert (rows[k001]["status"], rows[k001]["amount"], rows[k001]["indicator"]) == ("counted", 0.5, "guide-accuracy")
    assert rows[k001]["link"] == {"url": "http://x/form.doc", "status": "dead", "reason": "服务器返回404",
                                  "http_status": 404}
    assert rows[k001]["screenshot"] == "shots/k001.png"
    assert (rows[l402]["status"], rows[l402]["deducts"]) == ("needs_review", False)
    assert rows[q901]["status"] == "counted" and rows[q901]["amount"] == 0.2
    assert rows[m101]["rule_title"] == rules()["M101"].title and rows[m101]["clauses"]
    assert rows[m101]["element_title"] == "申请材料" and rows[m101]["fix"]


def test_report_model_marks_failures_no_judged_indicator_counts():
    # ah-2019: unified-entry (H002) is not judged offline; an H002 failure there is not counted
    a = guide("a.html", f("H002", None, evidence="首页"))
    scheme = schemes.load("ah-2019-dept")
    model = build_report_model(score_campaign([dept("d", [a])], scheme, OFFLINE), {"d": [a]}, scheme)
    row = model["findings"][0]
    assert (row["status"], row["deducts"], row["indicator"]) == ("not_counted", False, "unified-entry")
    assert model["campaign"] == {"id": None, "name": "", "created_at": None}
