"""The HTML extractor reads guides by meaning, not markup (issue 8): UI step
components, one block per material, running-text materials, window and basis
tables, read-only form fields, accordion FAQ, vertical label layouts, generic
page headings, and honest uncertainty.

The first tests hold the records of the layout-family fixtures written by hand
from reading each page (not copied from the extractor's output)."""
from __future__ import annotations

from pathlib import Path

import pytest

from guidecheck.checks import run_checks
from guidecheck.extract.decode import decode_html
from guidecheck.extract.html import extract_html
from guidecheck.offline import offline_codes

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "fixtures" / "pages"



def page(name: str):
    path = PAGES / name
    recs = extract_html(decode_html(path.read_bytes(), str(path)), str(path), "")
    assert len(recs) == 1
    return recs[0]


def html(body: str, url: str = ""):
    recs = extract_html(f"<html><head><title>t</title></head><body>{body}</body></html>", "t.html", url)
    return recs[0] if recs else None


def mats(rec) -> list[dict]:
    return [m.to_json() for m in rec.materials]


def steps(rec) -> list[tuple]:
    return [(s.name, s.duration) for s in rec.process_steps]


# ---------------------------------------------------------------- hand-written records

def test_elementui_steps_cards_descriptions():
    rec = page("elsteps_cards_km_minbanxuexiao.html")
    e = rec.elements
    assert e["name"] == "民办学校筹设审批"  # the h1 says only 办事指南
    assert e["code"] == "530100-000201003000" and e["category"] == "行政许可"
    assert e["agency"] == "昆明市教育体育局" and e["visits"] == "1次"
    assert e["legal_limit"] == "60个工作日" and e["promised_limit"] == "30个工作日" and e["fee"] == "不收费"
    assert e["location"] == "昆明市呈贡区锦绣大街6号昆明市政务服务中心2楼教育窗口"
    assert e["consult_phone"] == "0871-63138762" and e["complaint_phone"] == "0871-12345"
    assert mats(rec) == [
        {"name": "民办学校筹设申请书", "source": "申请人自备", "copies": "原件1份", "medium": "纸质",
         "form_url": "/kmzwfw/file/mbxx-sqs.docx", "sample_url": "/kmzwfw/file/mbxx-sqs-yb.docx"},
        {"name": "举办者资格证明文件", "source": "申请人自备", "copies": "1份", "medium": "复印件"},
        {"name": "资产来源、资金数额及有效证明文件", "source": "银行或会计师事务所出具", "copies": "1份",
         "medium": "原件", "notes": "资产须经依法验资"},
    ]
    assert steps(rec) == [("受理", None), ("审查", "20个工作日"), ("决定", None), ("送达", None)]
    assert [q.question for q in rec.faq] == ["民办学校筹设期是多久？", "筹设批准后可以招生吗？"]
    assert rec.faq[0].answer == "筹设期不得超过3年。"


def test_trs_running_text_window_and_law_tables():
    rec = page("trs_runtext_windows_hz_guihua.html")
    e = rec.elements
    assert e["name"] == "建设工程规划许可证核发"  # h1 办事指南, the h2 names the item
    assert e["basis"].startswith("《中华人民共和国城乡规划法》（主席令第七十四号）第四十条：在城市、镇规划区内")
    assert "；《浙江省城乡规划条例》（浙江省人大常委会公告第13号）第三十八条：" in e["basis"]
    assert e["location"] == "杭州市上城区解放东路18号市民中心F座2楼；杭州市余杭区临平街道南苑街道办事大厅3楼"
    assert e["hours"] == "工作日上午9:00-12:00，下午14:00-17:00"
    assert e["consult_phone"] == "0571-85253715；0571 86223310"
    assert mats(rec) == [
        {"name": "《建设工程规划许可证申请表》", "source": "申请人自备", "copies": "1份", "medium": "原件",
         "form_url": "/attach/ghxk-sqb.doc", "sample_url": "/attach/ghxk-sqb-yb.doc"},
        {"name": "建设用地使用权证明", "source": "不动产登记机构出具", "copies": "1份", "medium": "复印件"},
        {"name": "建设工程设计方案审查意见", "source": "规划部门出具", "copies": "1份", "medium": "复印件"},
        {"name": "1:500地形图", "source": "测绘单位出具", "copies": "1份", "medium": "电子版"},
        {"name": "建设工程施工图设计文件", "source": "设计单位出具", "copies": "2份", "medium": "纸质"},
    ]
    assert [s.name for s in rec.process_steps] == ["申请人提交申请材料", "窗口受理", "业务科室审查",
                                                  "分管领导审批决定", "办结并送达许可证"]


def test_antd_vertical_descriptions_material_tables_steps():
    rec = page("antd_vertical_mattables_nn_yaopin.html")
    e = rec.elements
    assert (e["name"], e["code"], e["category"]) == ("药品零售企业许可（新办）", "114501000079571589445013110000", "行政许可")
    assert (e["agency"], e["case_type"], e["target"]) == ("南宁市市场监督管理局", "承诺件", "企业法人")
    assert (e["fee"], e["online_depth"], e["delivery"]) == ("否", "四级", "窗口领取、邮寄送达")
    assert e["location"] == "南宁市青秀区怡宾路6号南宁市民中心2楼C区18号窗口"
    assert e["hours"] == "周一至周五 上午9:00-12:00 下午13:30-16:30" and e["consult_phone"] == "0771-5556183"
    assert mats(rec) == [
        {"name": "药品经营许可证申请表", "source": "申请人自备", "copies": "1份", "medium": "原件", "required": "必要",
         "form_url": "/gxzwfw/attach/ypjy-sqb.docx", "sample_url": "/gxzwfw/attach/ypjy-sqb-yl.pdf"},
        {"name": "营业执照", "source": "市场监管部门核发", "copies": "1份", "medium": "复印件"},
        {"name": "执业药师注册证", "source": "药品监督管理部门核发", "copies": "1份", "medium": "复印件",
         "notes": "复印件注明与原件一致并签字"},
    ]
    assert steps(rec) == [("申请受理", "即办"), ("材料审查", "5个工作日"), ("审批决定", "8个工作日"),
                          ("制证办结", "1个工作日"), ("证件送达", "1个工作日")]
    assert len(rec.faq) == 3 and rec.faq[2].answer == "需要，审查阶段将组织现场核查。"


def test_bootstrap_readonly_form_step_table_accordion():
    rec = page("bootstrap_readonly_accordion_fz_weisheng.html")
    e = rec.elements
    assert e["name"] == "公共场所卫生许可（新证）" and e["code"] == "350100-000201005000"
    assert e["visits"] == "1"  # a disabled field shows its value too
    assert e["basis"].startswith("《公共场所卫生管理条例》第八条") and e["conditions"].startswith("有固定的经营场所")
    assert e["consult_phone"] == "（0591）87111580" and e["fee"] == "不收费"  # not "不收费 备注说明"
    assert [m["name"] for m in mats(rec)] == ["公共场所卫生许可申请表", "营业执照", "从业人员健康证明"]
    assert steps(rec) == [("受理", "即办"), ("审核", "2个工作日"), ("决定", "2个工作日"), ("办结", "1个工作日"),
                          ("送达", "即办")]
    assert [q.question for q in rec.faq] == ["卫生许可证的有效期是多久？", "卫生许可证遗失了怎么办？", "办理进度在哪里查询？"]
    assert "在线办理" not in " ".join(e.values())  # an ordinary button stays chrome


def test_layui_vertical_layout_timeline_running_materials():
    rec = page("layui_vertical_timeline_jn_wenhua.html")
    e = rec.elements
    assert e["name"] == "营业性演出审批" and e["agency"] == "济南市文化和旅游局"
    assert e["legal_limit"] == "二十个工作日" and e["fee"] == "不收费"
    assert e["online_depth"] == "" and e["location"].startswith("济南市历下区")  # empty, not the next heading
    assert mats(rec)[0] == {"name": "营业性演出申请登记表", "source": "申请人自备", "copies": "1份", "medium": "原件",
                            "form_url": "/jnzwfw/down/yc-sqb.doc", "sample_url": "/jnzwfw/down/yc-sqb-yl.doc"}
    assert mats(rec)[2] == {"name": "演员名单及身份证明", "copies": "1份", "medium": "复印件"}
    assert steps(rec) == [("申请受理", "即办"), ("审查", "2个工作日"), ("决定", None), ("办结送达", None)]
    assert rec.process_steps[0].detail == "窗口收取申请材料（即办）"  # no icon-font glyph


# ---------------------------------------------------------------- general mechanisms

def test_readonly_fields_are_page_text_and_editable_ones_are_not():
    rec = html("""<div><label>事项名称</label><input readonly value="某事项"></div>
      <div><label>办理地点</label><textarea readonly>湖东路88号</textarea></div>
      <div><label>办理时间</label><input type="text" value="请输入" placeholder="x"></div>
      <div><label>收费标准</label><input disabled value="不收费"></div>""")
    assert rec.elements["name"] == "某事项" and rec.elements["location"] == "湖东路88号"
    assert rec.elements["fee"] == "不收费" and not rec.elements.get("hours")


@pytest.mark.parametrize("markup", [
    # Element-UI
    '<div class="el-steps"><div class="el-step"><div class="el-step__head"><div class="el-step__icon">1</div></div>'
    '<div class="el-step__main"><div class="el-step__title">{a}</div><div class="el-step__description">{d}</div></div></div>'
    '<div class="el-step"><div class="el-step__head"><div class="el-step__icon">2</div></div>'
    '<div class="el-step__main"><div class="el-step__title">{b}</div></div></div></div>',
    # iView
    '<div class="ivu-steps"><div class="ivu-steps-item"><div class="ivu-steps-head"><span>1</span></div>'
    '<div class="ivu-steps-main"><div class="ivu-steps-title">{a}</div><div class="ivu-steps-content">{d}</div></div></div>'
    '<div class="ivu-steps-item"><div class="ivu-steps-main"><div class="ivu-steps-title">{b}</div></div></div></div>',
    # Ant Design timeline (no title part: "name：detail")
    '<ul class="ant-timeline"><li class="ant-timeline-item"><div class="ant-timeline-item-head"></div>'
    '<div class="ant-timeline-item-content">{a}：{d}</div></li><li class="ant-timeline-item">'
    '<div class="ant-timeline-item-content">{b}</div></li></ul>',
    # a plain list under the heading
    '<ul><li>{a}：{d}</li><li>{b}</li></ul>',
])
def test_step_components_are_the_process(markup):
    body = "<h3>办理流程</h3>" + markup.format(a="受理", b="决定", d="窗口核对材料，时限：2个工作日") + "<h3>办理地点</h3><p>湖东路88号</p>"
    rec = html("<p>事项名称：某事项</p>" + body)
    assert [s.name for s in rec.process_steps] == ["受理", "决定"]
    assert rec.process_steps[0].duration == "2个工作日"
    assert rec.elements["location"] == "湖东路88号"


def test_step_title_class_is_not_a_label():
    rec = html('<p>事项名称：某事项</p><h3>办理流程</h3><div class="el-steps">'
               + "".join(f'<div class="el-step"><div class="el-step__title">{n}</div></div>' for n in ("受理", "办理时间", "办结"))
               + "</div>")
    assert [s.name for s in rec.process_steps] == ["受理", "办理时间", "办结"]
    assert "hours" not in rec.elements


def test_step_blocks_with_inline_field_labels():
    rec = html('<p>事项名称：某事项</p><h3>办理流程</h3>'
               + "".join(f'<div class="lc"><div class="lc-name">{n}</div><div class="row"><span class="k">办理时限</span>'
                         f'<span class="v">{d}</span></div></div>' for n, d in (("受理", "即办"), ("审查", "3个工作日"))))
    assert steps(rec) == [("受理", "即办"), ("审查", "3个工作日")]


def test_step_table_with_unlisted_headers():
    rec = html("<p>事项名称：某事项</p><h3>办理流程</h3><table><tr><th>环节名称</th><th>办理人员</th><th>办理内容</th>"
               "<th>办理时限</th></tr><tr><td>受理</td><td>窗口</td><td>查验</td><td>即办</td></tr>"
               "<tr><td>审查</td><td>科室</td><td>审查</td><td>3个工作日</td></tr></table>")
    assert steps(rec) == [("受理", "即办"), ("审查", "3个工作日")]


@pytest.mark.parametrize("block", [
    # a nested dl per material
    '<li><span class="no">{i}</span><dl><dt>材料名称</dt><dd>{n}</dd><dt>来源渠道</dt><dd>申请人自备</dd>'
    '<dt>份数</dt><dd>1份</dd><dt>空表下载</dt><dd><a href="/f{i}.doc">空表下载</a></dd></dl></li>',
    # a card per material, title then "field：value" lines
    '<div class="card"><div class="card-title">{i}. {n}</div><p>来源渠道：申请人自备</p><p>份数：1份</p>'
    '<p>空白表格：<a href="/f{i}.doc">下载</a></p></div>',
    # label and value as inline elements of one line, no colon
    '<div class="mat"><div class="mat-name">{i}、{n}</div><div class="row"><span class="k">来源渠道</span>'
    '<span class="v">申请人自备</span></div><div class="row"><span class="k">份数</span><span class="v">1份</span></div>'
    '<div class="row"><span class="k">空表下载</span><span class="v"><a href="/f{i}.doc">下载</a></span></div></div>',
    # a small table per material
    '<table><caption>材料{i}</caption><tr><th>材料名称</th><td>{n}</td></tr><tr><th>来源渠道</th><td>申请人自备</td></tr>'
    '<tr><th>份数</th><td>1份</td></tr><tr><th>空表下载</th><td><a href="/f{i}.doc">下载</a></td></tr></table>',
])
def test_one_block_per_material_is_a_materials_list(block):
    names = ["申请书", "营业执照"]
    body = "".join(block.format(i=i + 1, n=n) for i, n in enumerate(names))
    rec = html(f"<p>事项名称：某事项</p><h3>申请材料</h3><div>{body}</div><h3>办理地点</h3><p>湖东路88号</p>")
    assert mats(rec) == [{"name": n, "source": "申请人自备", "copies": "1份", "form_url": f"/f{i + 1}.doc"}
                         for i, n in enumerate(names)]
    assert rec.elements["location"] == "湖东路88号"
    findings = run_checks(rec, offline_codes())
    assert not [f for f in findings if f.rule in ("M108", "M102", "M103", "M105")]


def test_running_text_materials_split_into_fields():
    rec = html('<p>事项名称：某事项</p><p>申请材料：</p>'
               '<p>1.《开办申请表》（原件1份，申请人自备） <a href="/a.doc">空白表格下载</a> <a href="/b.doc">样表下载</a></p>'
               '<p>2.2寸近期免冠彩色照片（纸质，2份）</p><p>3.1:500地形图（电子版1份，测绘单位出具）</p>'
               '<p>4.授权委托书（须载明委托事项和权限）</p>')
    assert mats(rec) == [
        {"name": "《开办申请表》", "source": "申请人自备", "copies": "1份", "medium": "原件", "form_url": "/a.doc",
         "sample_url": "/b.doc"},
        {"name": "2寸近期免冠彩色照片", "copies": "2份", "medium": "纸质"},
        {"name": "1:500地形图", "source": "测绘单位出具", "copies": "1份", "medium": "电子版"},
        {"name": "授权委托书（须载明委托事项和权限）"},  # an explanation stays in the name
    ]
    links = [(lk.role, lk.material) for lk in rec.links if lk.element == "materials"]
    assert ("form", 0) in links and ("sample", 0) in links


def test_window_and_basis_tables():
    rec = html("<p>事项名称：某事项</p><h3>办理窗口</h3><table><tr><th>窗口名称</th><th>地址</th><th>办公时间</th>"
               "<th>联系电话</th></tr><tr><td>1号窗口</td><td>湖东路88号</td><td>9:00-17:00</td><td>0591-87654321</td></tr>"
               "<tr><td>2号窗口</td><td>湖西路2号</td><td>9:00-17:00</td><td>0591-87654322</td></tr></table>"
               "<h3>设定依据</h3><table><tr><td>名称</td><td>文号</td><td>条款</td><td>内容</td></tr>"
               "<tr><td>某条例</td><td>令第1号</td><td>第三条</td><td>应当申请。</td></tr></table>")
    assert rec.elements["location"] == "湖东路88号；湖西路2号"
    assert rec.elements["hours"] == "9:00-17:00"
    assert rec.elements["consult_phone"] == "0591-87654321；0591-87654322"
    assert rec.elements["basis"] == "《某条例》（令第1号）第三条：应当申请"


def test_one_block_per_window_under_a_windows_heading():
    win = "<dl><dt>窗口名称</dt><dd>{n}号窗口</dd><dt>地址</dt><dd>{a}</dd><dt>电话</dt><dd>0591-8765432{n}</dd></dl>"
    rec = html("<p>事项名称：某事项</p><h3>受理窗口</h3>" + win.format(n=1, a="湖东路88号")
               + win.format(n=2, a="湖西路2号") + "<h3>收费标准</h3><p>不收费</p>")
    assert rec.elements["location"] == "湖东路88号；湖西路2号"
    assert rec.elements["consult_phone"] == "0591-87654321；0591-87654322" and rec.elements["fee"] == "不收费"


def test_label_value_rows_are_not_windows_nor_materials():
    rec = html("<table><tr><th>名称</th><td>某事项</td><th>受理标准</th><td>符合条件</td></tr>"
               "<tr><th>办公地址</th><td>湖东路88号</td><th>受理时间</th><td>工作日</td></tr></table>")
    assert rec.elements["name"] == "某事项" and rec.elements["conditions"] == "符合条件"
    assert rec.elements["location"] == "湖东路88号" and rec.materials == []


def test_vertical_descriptions_with_a_last_single_label_row():
    rec = html("<table><tr><th>事项名称</th><th>办件类型</th></tr><tr><td>某事项</td><td>即办件</td></tr>"
               "<tr><th>办理地点</th><th>办理时间</th></tr><tr><td>湖东路88号</td><td>工作日</td></tr>"
               "<tr><th>中介服务</th></tr><tr><td>无</td></tr></table>")
    assert rec.elements == {"name": "某事项", "case_type": "即办件", "location": "湖东路88号", "hours": "工作日",
                            "intermediary": "无"}


def test_faq_questions_in_accordion_buttons_and_headings():
    rec = html('<p>事项名称：某事项</p><h3>常见问题</h3><div class="accordion">'
               '<h2 class="accordion-header"><button class="accordion-button" data-bs-toggle="collapse">能邮寄吗？</button></h2>'
               '<div class="accordion-collapse collapse"><div class="accordion-body">可以。</div></div>'
               '<h2 class="accordion-header"><button class="accordion-button" data-bs-toggle="collapse">要多久？</button></h2>'
               '<div class="accordion-collapse collapse"><div class="accordion-body">五个工作日。</div></div></div>')
    assert [(q.question, q.answer) for q in rec.faq] == [("能邮寄吗？", "可以。"), ("要多久？", "五个工作日。")]


def test_label_rows_are_not_tab_bars():
    rec = html('<div class="row"><div class="lbl">受理时间：</div><div>法定工作时间</div>'
               '<div class="lbl">咨询电话：</div><div>0591-87654321</div></div>'
               '<div class="row"><div class="lbl">监督电话：</div><div>12345</div>'
               '<div class="lbl">事项名称：</div><div>某事项</div></div>')
    assert rec.elements["hours"] == "法定工作时间" and rec.elements["consult_phone"] == "0591-87654321"
    assert rec.elements["complaint_phone"] == "12345"


@pytest.mark.parametrize("heading", ["办事指南", "服务指南", "事项详情"])
def test_generic_heading_never_names_the_item(heading):
    rec = html(f"<h1>{heading}</h1><p>办理地点：湖东路88号</p><p>办理时间：工作日</p>")
    assert "name" not in rec.elements
    rec = html(f"<h1>{heading}</h1><h2>食品经营许可</h2><p>办理地点：湖东路88号</p>")
    assert rec.elements["name"] == "食品经营许可"


def test_page_title_names_the_item_when_nothing_else_does():
    page_html = ("<html><head><title>营业性演出审批_服务指南_济南市政务服务网</title></head><body><h1>办事指南</h1>"
                 "<p>办理地点：湖东路88号</p></body></html>")
    rec = extract_html(page_html, "t.html", "")[0]
    assert rec.elements["name"] == "营业性演出审批"
    only_site = page_html.replace("营业性演出审批_", "")
    assert "name" not in extract_html(only_site, "t.html", "")[0].elements


def test_competing_values_make_findings_needs_review():
    body = ("<p>事项名称：某事项</p><p>办理时间：每周一上午</p><p>办理地点：湖东路88号</p>"
            "<h3>窗口信息</h3><p>办理时间：周一至周五9:00-17:00</p>")
    rec = html(body)
    assert rec.elements["hours"] == "每周一上午" and "hours" in rec.uncertain
    hours = [f for f in run_checks(rec, offline_codes()) if f.element == "hours"]
    assert hours and all(f.outcome == "needs_review" for f in hours)
    same = html(body.replace("周一至周五9:00-17:00", "每周一上午"))
    assert not same.uncertain  # the same text twice (a tab repeating the summary) is no doubt
