"""The generic HTML extractor, label matching by meaning, charset decoding and
the layout-family fixtures under fixtures/pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from guidecheck import catalog
from guidecheck.errors import InputError, ScriptShellError
from guidecheck.extract.decode import decode_html
from guidecheck.extract.html import SHELL_MESSAGE, extract_html
from guidecheck.extract.labels import (
    match_label,
    match_material_header,
    match_process_header,
    normalize_label,
)
from guidecheck.extract.text import collapse

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "fixtures" / "pages"
CORPUS = ROOT.parent / "shared" / "corpus"  # ../shared beside the repo, as CI has it
BASE = "https://zwfw.example.gov.cn/guide/item/1.html"


def page(name: str, url: str = BASE):
    path = PAGES / name
    text = decode_html(path.read_bytes(), str(path))
    recs = extract_html(text, str(path), url)
    assert len(recs) == 1, name
    return recs[0]


def html(body: str, url: str = BASE):
    recs = extract_html(f"<html><head><title>t</title></head><body>{body}</body></html>", "t.html", url)
    return recs[0] if recs else None


def roles(rec, role):
    return [link for link in rec.links if link.role == role]


# ---------------------------------------------------------------- text helpers

@pytest.mark.parametrize("raw, want", [
    ("  办理\u00a0地点\u3000 ", "办理 地点"),
    ("a\r\nb\tc", "a b c"),
    ("零\u200b宽\ufeff字符", "零宽字符"),
    ("&amp;amp;lt;条例&amp;gt;", "<条例>"),
    ("x&amp;nbsp;y", "x y"),
    ("控制\x01字符\x7f", "控制字符"),
    (None, ""),
])
def test_collapse(raw, want):
    assert collapse(raw) == want


# ---------------------------------------------------------------- labels

@pytest.mark.parametrize("text, key", [
    ("办理地点", "location"),
    ("办 理 地 点", "location"),                 # letter-spacing
    ("办\u00a0理\u00a0地\u00a0点：", "location"),  # &nbsp; spacing
    ("*办理地点：", "location"),                  # asterisk, full-width colon
    ("＊ 办理地点:", "location"),
    ("一、事项名称：", "name"),                    # numbering
    ("（一）设定依据", "basis"),
    ("(1)受理条件", "conditions"),
    ("1.办理时间", "hours"),
    ("１．咨询电话", "consult_phone"),
    ("第一部分 办理流程", "process"),
    ("二十一、收费标准", "fee"),
    ("法定办结时限(工作日)", "legal_limit"),       # bracketed unit
    ("承诺办结时限（工作日）", "promised_limit"),
    ("实施机构（办事机构）", "agency"),
    ("申请（办理）条件", "conditions"),
    ("本事项法定办结时限", "legal_limit"),          # close variants
    ("事项的设定依据", "basis"),
    ("办理地点/时间", "location"),
    ("办理地点与时间", "location"),
    ("收费依据", "fee_basis"),                      # longest synonym wins
    ("依据", "basis"),
    ("承诺办结时限", "promised_limit"),
    ("办结时限", "promised_limit"),
    ("法定办结时限", "legal_limit"),
    ("结果名称", "result"),
    ("监督投诉电话", "complaint_phone"),
])
def test_match_label(text, key):
    assert match_label(text) == key


@pytest.mark.parametrize("text", [
    "请提交申请材料",                       # a sentence around a synonym
    "申请人应当提交下列申请材料",
    "无数量限制",                            # a value, not a label
    "是否收费？",                            # a question
    "材料名称",                              # a column header, not an element
    "办理进程查询",
    "本事项由福州市鼓楼区市场监督管理局负责办理，办理地点在湖东路",
    "",
])
def test_not_a_label(text):
    assert match_label(text) is None


def test_exact_only_mode():
    assert match_label("本事项法定办结时限", loose=False) is None
    assert match_label("法定办结时限（工作日）", loose=False) == "legal_limit"


def test_normalize_label():
    assert normalize_label(" 一、 * 办 理 地 点 ： ") == "办理地点"
    assert normalize_label("法定办结时限(工作日)") == "法定办结时限"


def test_column_headers():
    assert match_material_header("材料名称") == "name"
    assert match_material_header("来源渠道") == "source"
    assert match_material_header("纸质材料份数") == "copies"
    assert match_material_header("材料必要性") == "required"
    assert match_material_header("空表下载") == "form_url"
    assert match_material_header("样表下载") == "sample_url"
    assert match_material_header("序号") is None
    assert match_process_header("环节名称") == "name"
    assert match_process_header("所需时限") == "duration"


def test_every_catalog_synonym_matches_its_key():
    for key, meta in catalog.labels()["elements"].items():
        for word in meta["labels"]:
            assert match_label(word) == key, word


# ---------------------------------------------------------------- charsets

_CHARSET_PAGE = ("<html><head>{meta}<title>t</title></head><body><table>"
                 "<tr><th>事项名称</th><td>食品经营许可（新办）</td></tr>"
                 "<tr><th>办理地点</th><td>福州市鼓楼区湖东路88号市行政服务中心2楼A区12号窗口</td></tr>"
                 "<tr><th>咨询电话</th><td>（0591）87654321</td></tr></table></body></html>")


@pytest.mark.parametrize("meta, encoding", [
    ("", "gbk"),                                                          # GBK, undeclared
    ('<meta charset="gb2312">', "gb2312"),                                # GB2312 declared
    ('<meta http-equiv="Content-Type" content="text/html; charset=GBK">', "gbk"),
    ('<meta charset="gb18030">', "gb18030"),
    ('<meta charset="utf-8">', "gbk"),                                    # declared UTF-8, bytes GBK
    ('<meta charset="gbk">', "utf-8"),                                    # declared GBK, bytes UTF-8
    ("", "utf-8"),
    ("", "utf-8-sig"),                                                    # UTF-8 with BOM
    ("", "utf-16"),                                                       # UTF-16 with BOM
    ('<meta charset="iso-8859-1">', "gbk"),                               # Western label, Chinese bytes
])
def test_decode_charsets(meta, encoding):
    data = _CHARSET_PAGE.format(meta=meta).encode(encoding)
    text = decode_html(data, "p.html")
    assert "福州市鼓楼区湖东路88号" in text
    assert not text.startswith("\ufeff")
    rec = extract_html(text, "p.html")[0]
    assert rec.elements["location"] == "福州市鼓楼区湖东路88号市行政服务中心2楼A区12号窗口"


def test_decode_gb18030_only_characters():
    # 䶮 (CJK Ext. A) and € exist in GB18030 but not in GBK
    data = "<p>办理地点：龑䶮路€1号</p>".encode("gb18030")
    assert "龑䶮路€1号" in decode_html(data, "p.html")


def test_decode_normalises_line_ends():
    assert decode_html(b"<p>a\r\nb\rc</p>", "p.html") == "<p>a\nb\nc</p>"


@pytest.mark.parametrize("data, reason", [
    (b"", "文件为空"),
    (b"  \r\n\t ", "文件为空"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是文本文件（含二进制数据）"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "不是文本文件（含二进制数据）"),
    (b"<html>\x00\x01\x02\x03\x04\x05</html>", "不是文本文件（含二进制数据）"),
    (bytes(range(1, 9)) * 200, "不是文本文件（含二进制数据）"),
])
def test_decode_rejects(data, reason):
    with pytest.raises(InputError) as exc:
        decode_html(data, "bad.html")
    assert exc.value.reason == reason
    assert exc.value.source == "bad.html"


def test_encoded_fixtures_are_what_they_claim():
    raw = (PAGES / "zjold_divgrid_gbk_nodecl_huanping.html").read_bytes()
    assert b"charset" not in raw.lower()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    raw = (PAGES / "table4col_gbk_metautf8_sjz_weisheng.html").read_bytes()
    assert b'charset="utf-8"' in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    raw = (PAGES / "runtext_gb2312_jn_yanglao.html").read_bytes()
    assert b"charset=gb2312" in raw
    raw.decode("gb2312")


# ---------------------------------------------------------------- layout families

def test_table2col_beijing():
    rec = page("table2col_bj_laodong.html", "https://banshi.beijing.gov.cn/pubtask/task/1/110105000000/75d01c1c.html")
    e = rec.elements
    assert rec.family == "html" and rec.source.endswith("table2col_bj_laodong.html")
    assert rec.url.startswith("https://banshi.beijing.gov.cn/")
    assert e["name"] == "劳动人事争议仲裁申请"
    assert e["agency"] == "北京市朝阳区人力资源和社会保障局"       # 实施机构（办事机构）
    assert e["code"] == "11110105000133090H300013310100X"
    assert e["visits"] == "1次"
    assert e["location"] == "北京市朝阳区将台路5号院15号楼B座1层仲裁立案大厅3号窗口"
    assert e["hours"] == "法定工作日: 上午: 09:00 - 12:00; 下午: 13:00 - 17:00;"
    assert e["consult_phone"] == "010-65099233"                   # not the footer's number
    assert e["complaint_phone"] == "12345"
    assert e["conditions"].startswith("1.仲裁委员会对符合下列条件")
    assert e["conditions"].endswith("第二十一条）")
    assert e["basis"].startswith("《中华人民共和国劳动争议调解仲裁法》（中华人民共和国主席令第80号）第二十八条")
    # materials table: 序号 ignored, 数量要求 → copies, 受理标准 → notes, links split by text
    assert [m.name for m in rec.materials] == ["仲裁申请书", "授权委托书", "居民身份证"]
    m0 = rec.materials[0]
    assert (m0.copies, m0.medium, m0.source, m0.required) == ("原件3份", "纸质", "申请人自备", "必需")
    assert m0.form_url == "https://banshi.beijing.gov.cn/pubtask/download/cd9f9b5c-6fcb-4040-b116-cdf752a4e7ef.docx"
    assert m0.sample_url.endswith("0b7d13e2-9a71-4c1f-b0a4-1f4a6a0d2c11.docx")
    assert rec.materials[1].form_url and rec.materials[1].sample_url is None
    assert rec.materials[2].form_url is None and rec.materials[2].notes == "现场核验，留存复印件。"
    assert e["materials"] == "仲裁申请书；授权委托书；居民身份证"
    # process table → steps with durations
    assert [(s.name, s.duration) for s in rec.process_steps] == [
        ("受理", "1个工作日"), ("审查", "2个工作日"), ("决定", "1个工作日"), ("送达", "1个工作日")]
    assert e["process"].startswith("流程概要：受理 → 审查 → 决定 → 送达")
    assert rec.faq == [] and "faq" not in e
    # links
    forms = roles(rec, "form")
    assert [(link.material, link.element) for link in forms] == [(0, "materials"), (1, "materials")]
    assert [link.material for link in roles(rec, "sample")] == [0]
    policy = roles(rec, "policy")
    assert len(policy) == 1 and policy[0].element == "basis" and policy[0].url.startswith("https://www.gov.cn/flfg/")
    assert roles(rec, "result_sample")[0].url.endswith(".pdf")
    assert roles(rec, "online")[0].text == "在线办理"
    faq_tab = [link for link in rec.links if link.url.endswith("_cjwt.html")]
    assert faq_tab and faq_tab[0].element == "faq"
    assert all(link.url.startswith("http") for link in rec.links)
    assert not any("javascript" in link.url or link.url.endswith("#sqcl") for link in rec.links)


def test_script_style_and_comments_are_not_text():
    rec = page("table2col_bj_laodong.html")
    blob = " ".join(rec.elements.values())
    for junk in ("脚本中的文字", "样式表中的文字", "注释里的文字", "taskId", "font-size"):
        assert junk not in blob


def test_gdv1_sections_four_columns():
    rec = page("gdv1_sections_gz_shipin.html")
    e = rec.elements
    assert e["name"] == "食品经营许可（新办）"
    assert e["category"] == "行政许可" and e["case_type"] == "承诺件"
    assert e["agency"] == "广州市市场监督管理局" and e["power_source"] == "市级"
    assert e["legal_limit"] == "20日" and e["promised_limit"] == "10个工作日"
    assert e["quantity_limit"] == "无数量限制"
    assert e["fee"] == "否" and e["intermediary"] == "无"
    assert e["online_depth"] == "Ⅳ级（全程网办）" and e["visits"] == "0次"
    assert e["location"] == "广州市越秀区东风中路445号广州市政务服务中心3楼C区21号窗口"
    assert e["consult_phone"] == e["complaint_phone"] == "020-83129999"
    assert e["conditions"].startswith("（一）申请人应当取得营业执照")
    assert "申请材料" not in e["conditions"] and "基本信息" not in e["result"]
    assert len(rec.materials) == 3
    m0 = rec.materials[0]
    assert (m0.medium, m0.copies, m0.required, m0.source, m0.notes) == ("原件", "1", "必要", "申请人自备", "申请人签字或盖章")
    assert m0.form_url.endswith("fileId=7f3b2a10") and m0.sample_url.endswith("fileId=7f3b2a11")
    assert rec.materials[1].form_url is None                    # "无" is not a link
    assert [s.name for s in rec.process_steps] == ["申请", "受理", "审查", "决定", "送达"]
    assert [s.duration for s in rec.process_steps] == [None, "1个工作日", "5个工作日", "3个工作日", "1个工作日"]
    assert len(rec.faq) == 3
    assert rec.faq[0].question == "食品经营许可证有效期是多久？" and rec.faq[0].answer == "食品经营许可证有效期为5年。"
    assert roles(rec, "online")[0].url.startswith("https://www.gdzwfw.gov.cn/portal/v2/apply/")


def test_hanweb_dl():
    rec = page("hanweb_dl_js_shigong.html")
    e = rec.elements
    assert e["name"] == "建筑工程施工许可证核发"
    assert e["code"] == "000117002000" and e["category"] == "行政许可"
    assert e["legal_limit"] == "15个工作日" and e["promised_limit"] == "3个工作日"
    assert e["hours"] == "工作日"
    assert e["complaint_phone"] == "025-58390800；12345"
    assert e["basis"] == "《中华人民共和国建筑法》 《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）"
    assert e["conditions"].count("；") == 4
    assert e["fee"] == "不收费" and e["fee_basis"] == "无"
    assert rec.materials[0].name == "建筑工程施工许可申请表"
    assert rec.materials[0].form_url is None                    # a form with no download
    assert rec.materials[3].form_url.endswith("fileid=2019061201")
    assert rec.materials[3].sample_url.endswith("fileid=2019061202")
    assert rec.materials[1].medium == "复印件" and rec.materials[1].notes is None
    assert [s.name for s in rec.process_steps] == ["受理", "审核", "决定", "制证", "送达"]
    assert [q.question for q in rec.faq] == [
        "施工许可证办理完成后多久可以开工？", "因故不能按期开工的怎么办？", "工程投资额在30万元以下的需要办理吗？"]
    assert rec.faq[1].answer.startswith("应当在期满前向发证机关申请延期")
    assert roles(rec, "online")[0].url.startswith("http://www.jszwfw.gov.cn/jszwfw/bszn/sbxx.do?webId=31&")


def test_div_span_pairs_and_split_labels():
    rec = page("divspan_fj_getihu.html")
    e = rec.elements
    assert e["name"] == "个体工商户设立登记"
    # <span>办理</span><span>地点</span> and 办/理/时/间 in four spans
    assert e["location"] == "福州市鼓楼区湖东路88号市行政服务中心2楼A区12号窗口"
    assert e["hours"] == "周一至周五 上午8:30-12:00，下午14:30-17:30（法定节假日除外）"
    assert e["case_type"] == "即办件" and e["promised_limit"] == "即办"
    assert e["consult_phone"] == "87654321"                      # <li><label>…</label><p>…</p></li>
    assert e["complaint_phone"] == "（0591）12345"
    assert [m.name for m in rec.materials] == [
        "个体工商户登记（备案）申请书", "经营者身份证原件及复印件", "经营场所使用证明", "其他相关材料"]
    assert rec.materials[0].form_url.endswith("/download/form/gtgsh_sqs.doc") and rec.materials[0].sample_url is None
    assert [s.name for s in rec.process_steps] == ["受理", "审核", "决定", "发证"]
    assert [q.question for q in rec.faq] == ["个体工商户可以起字号吗？", "个体工商户需要刻章吗？", "个体工商户需要刻章吗？"]
    assert rec.faq[1].answer == "不强制要求，可根据经营需要自愿刻制。"
    assert roles(rec, "online")[0].text == "我要办理"


def test_running_text_gb2312():
    rec = page("runtext_gb2312_jn_yanglao.html")
    e = rec.elements
    assert e["name"] == "城乡居民基本养老保险参保登记"
    assert e["category"] == "公共服务"
    assert e["basis"] == "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）"
    assert e["agency"] == "济南市历下区姚家街道办事处"              # not the 共同实施部门
    assert e["legal_limit"] == "15日" and e["promised_limit"] == "10个工作日"
    assert e["conditions"] == "1.具有本区户籍； 2.年满16周岁，未参加职工基本养老保险。"
    assert [m.name for m in rec.materials] == ["城乡居民基本养老保险参保登记表", "居民身份证复印件", "户口簿复印件"]
    assert all(m.source is None and m.copies is None for m in rec.materials)
    assert [s.name for s in rec.process_steps] == ["受理", "审核", "办结"]
    assert e["hours"] == "法定工作时间"
    assert e["consult_phone"] == "88921234" and e["complaint_phone"] == "0531-12345"
    assert "发布时间" not in " ".join(e.values())


def test_tabs_hidden_panes_count():
    rec = page("tabs_gx_jieneng.html")
    e = rec.elements
    assert e["consult_phone"] == "0777—6428820"
    assert e["basis"].startswith("《固定资产投资项目节能审查办法》")
    # panes hidden with display:none / hidden still count
    assert [m.name for m in rec.materials] == ["固定资产投资项目节能审查申请表", "项目节能报告"]
    assert rec.materials[0].form_url is None and rec.materials[1].medium == "纸质、电子"
    # the process pane has no heading of its own: the tab's title names it
    assert [(s.name, s.duration) for s in rec.process_steps] == [
        ("受理", "1个工作日"), ("审查", "2个工作日"), ("决定", "1个工作日"), ("办结", "1个工作日"), ("送达", "即办")]
    assert e["process"].startswith("1、受理（1个工作日）")
    # FAQ table with 问题 / 解答 columns
    assert len(rec.faq) == 2 and rec.faq[1].question == "哪些项目不单独进行节能审查？"
    assert "{{addr}}" not in " ".join(e.values())                 # <script type="text/template">
    assert roles(rec, "online")[0].text == "网上办理"


def test_element_ui_split_tables():
    rec = page("elementui_yn_minban.html")
    e = rec.elements
    assert e["name"] == "民办非企业单位成立登记" and e["agency"] == "昆明市民政局"
    assert e["case_type"] == "即办件" and e["promised_limit"] == "20个工作日"
    assert [m.name for m in rec.materials] == ["民办非企业单位成立登记申请书", "业务主管单位的批准文件", "场所使用权证明", "验资报告"]
    assert [m.source for m in rec.materials][3] == "会计师事务所出具"
    assert all(m.copies is None and m.medium is None for m in rec.materials)
    assert rec.materials[0].form_url.endswith("mfqy-sqs.docx")
    assert rec.materials[0].sample_url.endswith("mfqy-sqs-yb.docx")
    assert [s.name for s in rec.process_steps] == ["受理", "审查", "决定", "办结", "送达"]
    # el-collapse items collapsed with display:none
    assert [q.question for q in rec.faq] == ["民办非企业单位的名称有什么要求？", "开办资金最低需要多少？", "登记后多久可以领取证书？"]
    assert rec.faq[2].answer == "准予登记的，窗口当场发放登记证书。"


def test_old_zhejiang_div_grid_gbk_undeclared():
    rec = page("zjold_divgrid_gbk_nodecl_huanping.html")
    e = rec.elements
    assert e["name"] == "建设项目环境影响报告表审批"
    assert e["code"] == "330106CF0A1" and e["power_source"] == "区级"
    assert e["case_type"] == "承诺件"                          # 行使内容 (unknown label) not appended
    assert e["location"] == "杭州市西湖区文三路90号"
    assert e["fee"] == "不收费" and e["visits"] == "0次"
    assert len(rec.materials) == 3
    m0, m1, m2 = rec.materials
    assert (m0.source, m0.medium, m0.copies, m0.required, m0.notes) == ("申请人自备", "纸质", "1", "必要", "加盖单位公章")
    assert m0.form_url.endswith("fileId=88231") and m0.sample_url.endswith("fileId=88232")
    # row without a download cell: the class hints keep the columns aligned
    assert (m1.medium, m1.copies, m1.notes, m1.form_url) == ("纸质、电子", "2", "全本公开版", None)
    assert m2.name == "法律法规规定的其他材料"
    assert [s.name for s in rec.process_steps] == ["受理", "审查", "决定", "送达"]
    assert "序号" not in e["materials"] and "材料名称" not in e["materials"]


def test_four_columns_horizontal_table_gbk_declared_utf8():
    rec = page("table4col_gbk_metautf8_sjz_weisheng.html")
    e = rec.elements
    assert e["name"] == "公共场所卫生许可（新办）"
    assert e["location"] == "石家庄市长安区中山东路39号勒泰中心写字楼A座12层1208室"
    # labels in the first row, values in the second
    assert (e["legal_limit"], e["promised_limit"], e["visits"], e["online_depth"]) == (
        "15个工作日", "20个工作日", "2次", "Ⅲ级")
    assert [m.name for m in rec.materials] == ["公共场所卫生许可申请表", "营业执照复印件", "卫生管理制度", "其他材料"]
    assert (rec.process_steps[0].name, rec.process_steps[0].detail) == ("受理", "窗口接收申请材料")
    assert len(rec.process_steps) == 4
    assert e["basis"].startswith("《公共场所卫生管理条例》第八条")


ALL_PAGES = sorted(p.name for p in PAGES.glob("*.html") if not p.name.startswith("shell_"))


def test_enough_layout_families():
    assert len(ALL_PAGES) >= 9


@pytest.mark.parametrize("name", ALL_PAGES)
def test_value_never_holds_the_next_label(name):
    rec = page(name)
    labels = {key: [w for w in meta["labels"] if len(w) >= 4]
              for key, meta in catalog.labels()["elements"].items()}
    for key, value in rec.elements.items():
        for other, words in labels.items():
            if other == key:
                continue
            for w in words:
                assert not value.endswith(w), (key, value, w)
                assert f"{w}：" not in value and f"{w}:" not in value, (key, value, w)
    for key in ("name", "location", "consult_phone", "fee"):
        assert rec.elements.get(key), (name, key)


# ---------------------------------------------------------------- generic cases

def test_hidden_and_positional_tab_panes():
    rec = html("""
      <ul class="tabs"><li>基本信息</li><li>申请材料</li><li>办理流程</li><li>常见问题</li></ul>
      <div class="panes">
        <div style="display:block"><table><tr><th>事项名称</th><td>测试事项</td></tr>
          <tr><th>办理地点</th><td>福州市鼓楼区湖东路88号1号窗口</td></tr></table></div>
        <div style="display:none"><p>1.申请书；2.身份证复印件</p></div>
        <div style="display:none"><p>受理→审查→决定→送达</p></div>
        <div style="display:none" hidden><p>问：要收费吗？</p><p>答：不收费。</p></div>
      </div>""")
    assert [m.name for m in rec.materials] == ["申请书", "身份证复印件"]
    assert [s.name for s in rec.process_steps] == ["受理", "审查", "决定", "送达"]
    assert [(q.question, q.answer) for q in rec.faq] == [("要收费吗？", "不收费。")]
    assert rec.elements["location"] == "福州市鼓楼区湖东路88号1号窗口"


def test_materials_table_edge_cases():
    rec = html("""
      <h3>申请材料</h3>
      <table>
        <tr><td>序号</td><td>材料名称</td><td>原件份数</td><td>复印件份数</td><td>来源</td><td>空表</td><td>样表</td></tr>
        <tr><td colspan="7">情形一：企业申请</td></tr>
        <tr><td>1</td><td>申请书</td><td>1</td><td>0</td><td rowspan="2">申请人自备</td>
            <td><a href="/f/sqs.doc">下载</a></td><td><a href="javascript:void(0)">下载</a></td></tr>
        <tr><td>2</td><td>营业执照</td><td>1</td><td>1</td><td></td><td></td></tr>
        <tr><td colspan="7">情形二：个人申请</td></tr>
        <tr><td>3</td><td>居民身份证</td><td>1</td><td>1</td><td>公安机关</td><td>无</td><td>无</td></tr>
      </table>""", url="http://a.gov.cn/x/y.html")
    assert [m.name for m in rec.materials] == ["申请书", "营业执照", "居民身份证"]
    assert rec.materials[0].copies == "原件份数：1；复印件份数：0"
    assert rec.materials[1].source == "申请人自备"                 # rowspan
    assert rec.materials[0].form_url == "http://a.gov.cn/f/sqs.doc"
    assert rec.materials[0].sample_url is None                     # javascript: ignored
    assert rec.elements["materials"] == "申请书；营业执照；居民身份证"


def test_materials_section_without_rows():
    rec = html("""<table><tr><th>事项名称</th><td>某事项</td></tr></table>
      <h3>申请材料</h3>
      <table><tr><th>序号</th><th>材料名称</th><th>来源渠道</th></tr></table>
      <h3>办理地点</h3><p>福州市鼓楼区湖东路88号</p>""")
    assert rec.materials == []
    assert "materials" in rec.present and rec.has("materials")
    assert rec.elements.get("materials", "") == ""
    assert rec.elements["location"] == "福州市鼓楼区湖东路88号"


def test_running_text_label_then_paragraphs_and_split_strong():
    rec = html("""
      <p><strong>一、</strong><strong>事项名称</strong><strong>：</strong><span>企业退休人员档案关系接收</span></p>
      <p><strong>二、实施依据：</strong></p>
      <p>《社会保险法》第八条</p><p>《劳动法》第七十条</p>
      <p><strong>三、申请材料：</strong></p>
      <p>1、身份证原件、复印件（核对原件）</p><p>2、户口本原件、复印件</p>
      <p><strong>四、办理流程：</strong></p><p><img src="/flow.png"></p>
      <p><strong>五、通办范围：</strong>本辖区范围内</p>
      <p><strong>六、咨询电话：</strong>87524298</p>""")
    e = rec.elements
    assert e["name"] == "企业退休人员档案关系接收"
    assert e["basis"] == "《社会保险法》第八条 《劳动法》第七十条"
    assert [m.name for m in rec.materials] == ["身份证原件、复印件（核对原件）", "户口本原件、复印件"]
    assert e["process"] == "" and rec.has("process")           # present, empty
    assert e["consult_phone"] == "87524298"
    assert "通办范围" not in e["process"]


def test_jinan_corpus_content():
    import json
    data = json.loads((CORPUS / "sd_jinan_huaiyin_zhangzhuanglu_workguidelist.json").read_text(encoding="utf-8"))
    rec = extract_html(data["content"][0]["content"], "jinan.json", "")[0]
    e = rec.elements
    assert e["name"] == "企业退休人员档案关系接收"
    assert e["agency"] == "济南市槐荫区张庄路街道办事处"
    assert e["consult_phone"] == "87524298"
    assert e["fee"] == "不收费" and e["process"] == ""
    assert len(rec.materials) == 2
    assert e["basis"].startswith("《中共中央办公厅 国务院办公厅关于转发")


def test_dl_and_inline_pairs_and_colon_runs():
    rec = html("""
      <dl><dt>事项名称</dt><dd>食品生产许可</dd><dt>办理地点：</dt><dd>xx路1号2楼3号窗口</dd></dl>
      <div class="row"><span class="label">办理时间</span><span class="value">周一至周五9:00-17:00</span>
           <span class="label">咨询电话</span><span class="value">0591-87654321</span></div>
      <p>收费标准：不收费 收费依据：无</p>""")
    e = rec.elements
    assert e["name"] == "食品生产许可" and e["location"] == "xx路1号2楼3号窗口"
    assert e["hours"] == "周一至周五9:00-17:00" and e["consult_phone"] == "0591-87654321"
    assert e["fee"] == "不收费" and e["fee_basis"] == "无"


def test_faq_styles():
    rec = html("""
      <h3>事项名称</h3><p>某事项</p>
      <h3>常见问题</h3>
      <p>1. 办理需要多长时间？ 答：5个工作日。</p>
      <p>Q: 可以网上办理吗?</p><p>A: 可以。</p>
      <p>问：需要本人到场吗？答：不需要。</p>
      <p>3、材料可以邮寄吗？</p><p>可以邮寄，以邮戳日期为准。</p>""")
    assert [(q.question, q.answer) for q in rec.faq] == [
        ("办理需要多长时间？", "5个工作日。"),
        ("可以网上办理吗?", "可以。"),
        ("需要本人到场吗？", "不需要。"),
        ("材料可以邮寄吗？", "可以邮寄，以邮戳日期为准。"),
    ]


def test_process_inline_numbering():
    rec = html("<p>事项名称：某事项</p><p>办理流程：1.受理：窗口收件2.审查：审核材料（3个工作日）3.决定：作出决定4.送达：邮寄送达</p>")
    assert [(s.name, s.duration) for s in rec.process_steps] == [
        ("受理", None), ("审查", "3个工作日"), ("决定", None), ("送达", None)]


def test_link_roles():
    rec = html("""
      <a href="https://zwfw.example.gov.cn/apply?id=1">立即办理</a>
      <table><tr><th>事项名称</th><td>某事项</td></tr>
      <tr><th>设定依据</th><td><a href="/flfg/1.html">《行政许可法》</a>第十二条</td></tr>
      <tr><th>结果样本</th><td><a href="/yb/zz.pdf">营业执照</a></td></tr>
      <tr><th>办理地点</th><td><a href="#map">查看地图</a><a href="javascript:;">导航</a>
          <a href="../dt/1.html">服务大厅介绍</a></td></tr>
      <tr><th>表格下载</th><td><a href="/f/a.doc">下载表格</a> <a href="/f/b.doc">填写样本</a></td></tr>
      </table>""", url="https://zwfw.example.gov.cn/guide/item/1.html")
    got = {(link.text, link.role, link.element, link.url) for link in rec.links}
    assert ("立即办理", "online", None, "https://zwfw.example.gov.cn/apply?id=1") in got
    assert ("《行政许可法》", "policy", "basis", "https://zwfw.example.gov.cn/flfg/1.html") in got
    assert ("营业执照", "result_sample", "result_sample", "https://zwfw.example.gov.cn/yb/zz.pdf") in got
    assert ("服务大厅介绍", "other", "location", "https://zwfw.example.gov.cn/guide/dt/1.html") in got
    assert {link.role for link in rec.links if link.text in ("下载表格", "填写样本")} == {"form", "sample"}
    assert not any(link.text in ("查看地图", "导航") for link in rec.links)


def test_no_labels_no_record():
    assert extract_html("<html><body><h1>欢迎访问</h1><p>页面正在建设中。</p></body></html>", "x.html") == []
    assert extract_html("", "x.html") == []
    assert extract_html("<?xml version='1.0' encoding='utf-8'?><html><body><p>事项名称：某事项</p></body></html>",
                        "x.html")[0].elements["name"] == "某事项"


def test_name_falls_back_to_title_heading():
    rec = html("<h1>某某证明办事指南</h1><p>办理地点：湖东路88号</p><p>咨询电话：0591-87654321</p>")
    assert rec.elements["name"] == "某某证明"


# ---------------------------------------------------------------- script shells

def _shell_from_excerpt() -> str:
    """The Yulin Epoint page as served before its scripts run, rebuilt from the
    corpus excerpt: tab titles, panel headings, a process-table header and
    labels whose values are empty."""
    lines = [ln.strip() for ln in (CORPUS / "sn_yulin_epoint_personaleventdetail_shell_excerpt.txt")
             .read_text(encoding="utf-8").splitlines()]
    tabs, rest = lines[:9], lines[9:]
    out = ["<ul class='event-tab'>" + "".join(f"<li>{t}</li>" for t in tabs) + "</ul>"]
    for ln in rest:
        if not ln:
            continue
        if " " in ln:
            out.append("<table><thead><tr>" + "".join(f"<th>{c}</th>" for c in ln.split()) +
                       "</tr></thead><tbody></tbody></table>")
        elif ln.endswith((":", "：")):
            out.append(f"<div class='item'><span class='label'>{ln}</span><span class='value'></span></div>")
        else:
            out.append(f"<div class='panel-title'>{ln}</div>")
    return "<html><body>" + "\n".join(out) + "</body></html>"


def test_yulin_shell_raises():
    with pytest.raises(ScriptShellError) as exc:
        extract_html(_shell_from_excerpt(), "yulin.html", "http://zwfw.yl.gov.cn/")
    assert exc.value.reason == SHELL_MESSAGE
    assert exc.value.source == "yulin.html"
    assert isinstance(exc.value, InputError)


def test_shell_fixture_raises():
    path = PAGES / "shell_epoint_yl_personaleventdetail.html"
    with pytest.raises(ScriptShellError):
        extract_html(decode_html(path.read_bytes(), str(path)), str(path))


def test_template_placeholders_count_as_empty():
    body = "".join(f"<tr><th>{k}</th><td>{{{{ detail.f{i} }}}}</td></tr>"
                   for i, k in enumerate(["事项名称", "办理地点", "办理时间", "咨询电话", "监督投诉电话", "收费标准"]))
    with pytest.raises(ScriptShellError):
        extract_html(f"<html><body><table>{body}</table></body></html>", "vue.html")


def test_one_empty_value_is_not_a_shell():
    rec = html("""<table>
      <tr><th>事项名称</th><td>某事项</td></tr><tr><th>办理地点</th><td>湖东路88号</td></tr>
      <tr><th>办理时间</th><td>周一至周五</td></tr><tr><th>咨询电话</th><td></td></tr>
      <tr><th>监督投诉电话</th><td>12345</td></tr><tr><th>收费标准</th><td>不收费</td></tr></table>""")
    assert rec.elements["consult_phone"] == "" and rec.has("consult_phone")
    assert rec.elements["complaint_phone"] == "12345"


def test_header_only_materials_table_does_not_swallow_next_table():
    rec = html("""<div><h3>申请材料</h3>
      <table><tr><th>序号</th><th>材料名称</th><th>来源渠道</th></tr></table></div>
      <table><tr><th>办理地点</th><td>福州市鼓楼区湖东路88号</td></tr><tr><th>事项名称</th><td>某事项</td></tr></table>""")
    assert rec.materials == [] and rec.has("materials")
    assert rec.elements["location"] == "福州市鼓楼区湖东路88号" and rec.elements["name"] == "某事项"


def test_label_inside_a_value_line_starts_its_own_element():
    rec = html("<p>事项名称：某事项</p><p>办理地点：</p><p>福州市湖东路88号 联系电话：0591-87654321</p>"
               "<p>办理时间：周一至周五 上午9:00-12:00</p>")
    assert rec.elements["location"] == "福州市湖东路88号"
    assert rec.elements["consult_phone"] == "0591-87654321"
    assert rec.elements["hours"] == "周一至周五 上午9:00-12:00"


def test_unknown_labels_end_the_previous_value():
    rec = html("""<table>
      <tr><td class="td_title">事项名称</td><td>某事项</td><td class="td_title">办件类型</td><td>承诺件</td></tr>
      <tr><td class="td_title">行使内容</td><td colspan="3">对某事项进行审批</td></tr>
      <tr><td>收费标准</td><td>不收费</td><td>权限划分</td><td>市级</td></tr></table>
      <h4>办理地点</h4><p>湖东路88号</p><h4>其他说明</h4><p>无</p>""")
    assert rec.elements["case_type"] == "承诺件"
    assert rec.elements["fee"] == "不收费"
    assert rec.elements["location"] == "湖东路88号"


def test_inline_tab_bar_with_hidden_panes():
    rec = html("""
      <div class="tab-hd"><a href="#p1">基本信息</a><a href="#p2">申请材料</a><a href="#p3">办理流程</a>
        <a href="cjwt.html">常见问题</a></div>
      <div id="p1"><p>事项名称：某事项</p><p>办理地点：湖东路88号</p></div>
      <div id="p2" style="display:none"><p>1.申请书；2.营业执照</p></div>
      <div id="p3" style="display:none"><p>受理→审核→决定→办结→送达</p></div>""")
    assert [m.name for m in rec.materials] == ["申请书", "营业执照"]
    assert len(rec.process_steps) == 5
    faq_tab = [link for link in rec.links if link.url.endswith("cjwt.html")]
    assert faq_tab and faq_tab[0].element == "faq"


# ---------------------------------------------------------------- a value that looks like a label

VAGUE_HOURS = "法定工作时间"  # L403's failing example: it contains the synonym 工作时间


@pytest.mark.parametrize("layout", [
    "<table><tr><th>办理时间</th><td>{v}</td></tr><tr><th>办理地点</th><td>湖东路88号</td></tr></table>",
    "<table><tr><td>办理时间</td><td>{v}</td></tr><tr><td>办理地点</td><td>湖东路88号</td></tr></table>",
    "<table><tr><th>办理时间</th><td>{v}</td><th>办理地点</th><td>湖东路88号</td></tr></table>",
    "<table><tr><th>办理时间</th><td><div>{v}</div></td></tr><tr><th>办理地点</th><td>湖东路88号</td></tr></table>",
    "<dl><dt>办理时间：</dt><dd>{v}</dd><dt>办理地点：</dt><dd>湖东路88号</dd></dl>",
    "<dl><dt>办理时间</dt><dd>{v}</dd><dt>办理地点</dt><dd>湖东路88号</dd></dl>",
    ('<div><span class="label">办理时间</span><span class="value">{v}</span></div>'
     '<div><span class="label">办理地点</span><span class="value">湖东路88号</span></div>'),
    ('<div class="item"><div class="item-label">办理时间</div><div class="item-value">{v}</div></div>'
     '<div class="item"><div class="item-label">办理地点</div><div class="item-value">湖东路88号</div></div>'),
    "<p><b>办理时间：</b><span>{v}</span></p><p>办理地点：湖东路88号</p>",
    "<p>办理时间：{v}</p><p>办理地点：湖东路88号</p>",
    "<h3>办理时间</h3><p>{v}</p><h3>办理地点</h3><p>湖东路88号</p>",
    "<table><tr><td>办理时间<br>{v}</td></tr><tr><td>办理地点：湖东路88号</td></tr></table>",
])
def test_value_position_is_a_value_whatever_it_says(layout):
    rec = html(layout.format(v=VAGUE_HOURS))
    assert rec.elements["hours"] == VAGUE_HOURS
    assert rec.elements["location"] == "湖东路88号"


def test_strict_value_cell_holding_an_exact_synonym_is_a_value():
    # td after th, dd after dt: a value even when it is word for word another label
    rec = html("<table><tr><th>办理时间</th><td>工作时间</td></tr><tr><th>办理地点</th><td>湖东路88号</td></tr></table>"
               "<dl><dt>联系电话</dt><dd>咨询电话</dd></dl>")
    assert rec.elements["hours"] == "工作时间"
    assert rec.elements["consult_phone"] == "咨询电话"
    assert rec.elements["location"] == "湖东路88号"


def test_value_position_still_splits_explicit_labels():
    # "label：value" inside a value cell, an empty value cell, a label after a bare label
    rec = html("""<table>
      <tr><th>咨询方式</th><td>咨询电话：0591-87654321；监督电话：0591-12345678</td></tr>
      <tr><th>办理地点</th><td></td></tr>
      <tr><th>办理时间</th><td>周一至周五 9:00-17:00</td></tr></table>
      <div><span class="label">收费标准</span><span class="value"></span><span class="label">办理流程</span>
      <span class="value">受理→审核→办结</span></div>""")
    e = rec.elements
    assert e["consult_phone"].rstrip("；") == "0591-87654321" and e["complaint_phone"] == "0591-12345678"
    assert e["location"] == "" and e["hours"] == "周一至周五 9:00-17:00"
    assert e["fee"] == "" and e["process"] == "受理→审核→办结"


def test_loose_label_in_label_position_still_matches():
    rec = html("<table><tr><th>本事项法定办结时限</th><td>20个工作日</td></tr>"
               "<tr><th>事项名称</th><td>某事项</td></tr></table><p>办理地点/时间：湖东路88号</p>")
    assert rec.elements["legal_limit"] == "20个工作日"
    assert rec.elements["location"] == "湖东路88号"


def test_faq_answer_starting_with_a_label_stays_in_the_faq():
    rec = html("""<p>事项名称：某事项</p><p>办理地点：湖东路88号</p>
      <h3>常见问题</h3>
      <p>问：周末能办理吗？</p><p>办理时间：周一至周五，周末不办理。</p>
      <p>问：要带什么材料？</p><p>答：身份证。</p>
      <dl><dt>可以代办吗？</dt><dd>办理地点：各区服务中心均可代办。</dd></dl>""")
    assert "hours" not in rec.elements
    assert rec.elements["location"] == "湖东路88号"
    assert [(q.question, q.answer) for q in rec.faq] == [
        ("周末能办理吗？", "办理时间：周一至周五，周末不办理。"),
        ("要带什么材料？", "身份证。"),
        ("可以代办吗？", "办理地点：各区服务中心均可代办。"),
    ]


def test_label_after_a_faq_answer_opens_its_element():
    rec = html("""<p>事项名称：某事项</p><h3>常见问题</h3><p>问：周末能办理吗？</p><p>答：不能。</p>
      <p>办理时间：周一至周五 9:00-17:00</p>""")
    assert rec.elements["hours"] == "周一至周五 9:00-17:00"
    assert [(q.question, q.answer) for q in rec.faq] == [("周末能办理吗？", "不能。")]


# ---------------------------------------------------------------- page chrome

def _menu(n: int, words=("个人办事", "法人办事", "部门服务", "证照服务", "社保服务", "公积金")) -> str:
    return "".join(f'<li><a href="/m/{i}.html">{words[i % len(words)]}{i}</a></li>' for i in range(n))


GUIDE = "<h1>某事项</h1><p>事项名称：某事项</p><p>办理地点：湖东路88号</p><p>办理时间：周一至周五 9:00-17:00</p>"


@pytest.mark.parametrize("links", [10, 60])  # pruned from the tree / cut from the bytes before parsing
def test_link_lists_are_chrome_whatever_their_class(links):
    page = (f'<div class="x1"><ul class="y1">{_menu(links)}</ul></div>{GUIDE}'
            f'<div class="x2"><ul>{_menu(links)}</ul></div>')
    rec = html(page)
    assert rec.elements["location"] == "湖东路88号"
    assert rec.elements["hours"] == "周一至周五 9:00-17:00"
    assert not [link for link in rec.links if "/m/" in link.url]


@pytest.mark.parametrize("links", [10, 60])
def test_guide_link_lists_are_kept(links):
    laws = "".join(f'<li><a href="/law/{i}.html">《某某条例第{i}号》</a></li>' for i in range(links))
    forms = "".join(f'<li><a href="/f/{i}.doc">表{i}</a></li>' for i in range(links))
    halls = "".join(f'<li><a href="/h/{i}.html">第{i}服务厅</a></li>' for i in range(links))
    faq = "".join(f'<li><a href="/q/{i}.html">问题{i}怎么办？</a></li>' for i in range(links))
    rec = html(f"""<p>事项名称：某事项</p>
      <h3>设定依据</h3><ul>{laws}</ul>
      <h3>申请材料</h3><ul>{forms}</ul>
      <p>办理地点：</p><ul>{halls}</ul>
      <h3>常见问题</h3><ul>{faq}</ul>""")
    assert rec.elements["basis"].startswith("《某某条例第0号》")
    assert rec.elements["location"].startswith("第0服务厅")
    assert len(rec.materials) == links
    assert len(rec.faq) == links


@pytest.mark.parametrize("href, text", [("/f/{i}.doc", "表{i}"), ("/dl.do?id={i}", "表{i}下载")])
def test_big_list_of_forms_without_a_label_before_it_is_kept(href, text):
    forms = "".join(f'<li><a href="{href.format(i=i)}">{text.format(i=i)}</a></li>' for i in range(40))
    rec = html(f"<p>事项名称：某事项</p><h3>申请材料</h3><div>请按需要选用</div><ul>{forms}</ul>")
    assert sum(1 for m in rec.materials if m.name.startswith("表")) == 40


def test_tab_bar_of_labels_is_not_chrome():
    tabs = "".join(f'<li><a href="#t{i}">{w}</a></li>' for i, w in enumerate(
        ["基本信息", "申请条件", "申请材料", "办理流程", "收费标准", "设定依据", "办理地点", "常见问题"]))
    rec = html(f'<ul class="tabs">{tabs}</ul><div id="t0"><p>事项名称：某事项</p></div>'
               '<div id="t1"><p>年满18周岁</p></div><div id="t6"><p>湖东路88号</p></div>')
    assert rec.elements["conditions"] == "年满18周岁"
    assert rec.elements["location"] == "湖东路88号"


def test_byte_cut_keeps_comments_and_scripts_intact():
    from guidecheck.extract.html_chrome import cut_link_lists

    menu = f"<ul>{_menu(40)}</ul>".encode()
    page = b"<html><body>" + menu + b"<p>x</p></body></html>"
    assert cut_link_lists(page) == b"<html><body><p>x</p></body></html>"
    # a list opened in a comment or a script and closed outside is never cut across
    for wrap in (b"<!-- <ul> -->", b"<script>var s='<ul>';</script>"):
        tricky = b"<html><body>" + wrap + b"<p>guide</p>" + menu + b"</body></html>"
        assert b"<p>guide</p>" in cut_link_lists(tricky)
    # an unclosed list is left to the parser
    assert cut_link_lists(b"<ul>" + _menu(40).encode()) == b"<ul>" + _menu(40).encode()
    # prose inside: not a menu
    prose = f"<ul>{_menu(40)}<li>说明：以上链接，仅供参考。</li></ul>".encode()
    assert cut_link_lists(prose) == prose


def test_div_grid_precheck():
    from guidecheck.extract.html_tables import may_have_div_grid

    assert may_have_div_grid('<div><div class="h"><span>材料名称</span></div></div>'.encode())
    assert not may_have_div_grid('<table><tr><th><div class="cell">材料名称</div></th></tr></table>'.encode())
    assert not may_have_div_grid('<p>事项名称：某事项</p><td>材料名称</td>'.encode())
    assert may_have_div_grid(b"<div>&#26448;&#26009;&#21517;&#31216;</div>")  # written as references


def test_gbk_and_utf8_bytes_give_the_same_record():
    from guidecheck.extract import extract

    body = f"<html><head><meta charset='{{cs}}'></head><body>{GUIDE}<ul>{_menu(50)}</ul></body></html>"
    utf8 = extract(body.format(cs="utf-8").encode("utf-8"), "u.html")[0]
    gbk = extract(body.format(cs="gbk").encode("gbk"), "g.html")[0]
    assert utf8.elements == gbk.elements and utf8.elements["hours"] == "周一至周五 9:00-17:00"


def test_both_line_walks_agree():
    from lxml import etree

    from guidecheck.extract.html import _parse
    from guidecheck.extract.html_lines import _linearise_rec, _linearise_walk

    for path in sorted(PAGES.glob("*.html")):
        root = _parse(decode_html(path.read_bytes(), str(path)))[0]
        etree.strip_elements(root, "script", "style", "head", with_tail=False)
        body = root.find("body")
        a, b = _linearise_rec(body, {}, set()), _linearise_walk(body, {}, set())
        assert [(x.text, x.bounds, x.tag, x.block) for x in a[0]] == [(x.text, x.bounds, x.tag, x.block) for x in b[0]]
        assert a[1] == b[1], path.name


def test_deeply_nested_markup_is_read():
    deep = "<div>" * 1500 + "办理地点：湖东路88号" + "</div>" * 1500
    rec = html(deep + "<p>办理时间：周一至周五</p><p>事项名称：某事项</p>")
    assert rec.elements["location"] == "湖东路88号" and rec.elements["hours"] == "周一至周五"


def test_benchmark_pages_keep_their_records():
    """benchmarks/bench_extract.py wraps each fixture page in ~40 KB of portal
    chrome (menus, footers, scripts) in three markup styles: the chrome must not
    change what is read."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "benchmarks" / "bench_extract.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for seed, path in enumerate(sorted(PAGES.glob("*.html"))):
        raw = path.read_bytes()
        text = decode_html(raw, str(path))
        for style in ("semantic", "classes", "plain"):
            assert bench._summary(bench.wrap(text, style, seed)) == bench._summary(raw), (path.name, style)
