"""The JSON extractors: the AUDIT_ITEM family (both spellings), the JSON list +
HTML body shape, and the inputs that must be refused with a reason."""
import json
from pathlib import Path

import pytest

from guidecheck.errors import InputError
from guidecheck.extract.audit_item import extract_audit_item
from guidecheck.extract.json_pages import extract_json

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIX = ROOT / "fixtures" / "json"
GX = CORPUS / "gx_qinzhou_lingshan_epoint_audititem_jienengshencha.json"
JINAN = CORPUS / "sd_jinan_huaiyin_zhangzhuanglu_workguidelist.json"

needs_corpus = pytest.mark.skipif(not GX.exists(), reason="shared/corpus not beside the repo")


def load(path: Path, url: str = "https://zwfw.example.gov.cn/guide/detail"):
    return extract_json(path.read_bytes(), str(path), url)


def html_ready() -> bool:
    try:
        from guidecheck.extract.html import extract_html  # noqa: F401
    except ImportError:
        return False
    return True


# --- Guangxi corpus payload (lower-case spelling) ----------------------------

@needs_corpus
def test_guangxi_payload():
    records = load(GX)
    assert len(records) == 1
    r = records[0]
    e = r.elements
    assert r.family == "audit_item_lower"
    assert e["name"] == "固定资产投资项目节能审查"
    assert e["agency"] == "灵山县行政审批局"
    assert "0777—6428820" in e["consult_phone"]
    assert "0777—6428880" in e["complaint_phone"]
    assert e["promised_limit"] == "5个工作日"
    assert e["legal_limit"] == "20个工作日"
    assert e["case_type"] == "承诺件"
    assert e["category"] == "行政许可"
    assert e["fee"] == "不收费"
    assert e["visits"] == "1次"
    assert e["code"] == "11450721MB155808114000104002000"
    assert "第三条" in e["basis"] and "《国务院关于加强节能工作的决定》" in e["basis"]
    assert "江南路5号" in e["location"]
    assert "9:00" in e["hours"]
    assert e["conditions"]
    assert [m.name for m in r.materials] == ["申请书", "节能报告"]
    assert e["materials"] == "申请书；节能报告"
    first, second = r.materials
    assert first.source == "申请人自备" and first.copies == "原件1份，复印件1份"
    assert first.medium == "纸质" and first.required == "必要"
    assert first.form_url == "attach:5fba5b12-72de-46d0-9824-92bd6453209d"
    assert first.sample_url.startswith("attach:")
    assert second.form_url is None and second.sample_url is None
    assert len(r.faq) == 2 and r.faq[0].question.startswith("是不是所有")
    assert "faq" in e
    assert "delivery" not in e  # is_express 0: left out
    assert not any(link.url.startswith("attach:") for link in r.links)
    assert any(link.role == "online" for link in r.links)
    assert all(v == v.strip() and "\n" not in v for v in e.values())


@needs_corpus
def test_guangxi_payload_bare_and_wrapped_alike():
    payload = json.loads(GX.read_text(encoding="utf-8"))["list"][0]
    bare = extract_audit_item(payload, "bare")
    wrapped = extract_audit_item({"data": {"result": [payload]}}, "wrapped")
    assert bare[0].elements == wrapped[0].elements


# --- Jinan corpus page (JSON list + HTML body) -------------------------------

@needs_corpus
@pytest.mark.skipif(not html_ready(), reason="guidecheck.extract.html not written yet")
def test_jinan_list_page():
    records = load(JINAN)
    assert len(records) == 3
    assert [r.source.rsplit("#", 1)[1] for r in records] == ["0", "1", "2"]
    for r in records:
        e = r.elements
        assert r.family == "json_html"
        assert e["name"] == "企业退休人员档案关系接收"
        assert "张庄路街道办事处" in e["agency"]
        assert "中办发〔2003〕16号" in e["basis"]
        assert e["conditions"] == "本辖区内退休人员"
        assert e["legal_limit"] == "1个工作日"
        assert "1个工作日" in e["promised_limit"]
        assert e["case_type"] == "即办件"
        assert e["fee"] == "不收费"
        assert "87524298" in e["consult_phone"]
        names = [m.name for m in r.materials]
        assert len(names) == 2 and any("身份证" in n for n in names) and any("户口本" in n for n in names)
        assert not any("sssss" in n for n in names)  # record 1's test garbage stays out
        # 办理流程 is empty (record 0 holds only an image): the next label must not leak in
        assert r.text("process") == ""
        assert e["target"] == "企业退休人员" and e["category"] == "社会保障类"
        # the numbering gap (二十 missing) does not glue 二十一、办理进程查询 onto another value
        assert not any("办理进程查询" in v or "二十一" in v for v in e.values())


# --- hand-written fixtures ---------------------------------------------------

def test_upper_clean_fixture():
    (r,) = load(FIX / "audit_upper_clean.json")
    e = r.elements
    assert r.family == "audit_item"
    assert e["name"] == "食品经营许可（新办）"  # CATANAME, not TASK_NAME
    assert e["code"] == "11350102003591021X3000117008001"
    assert e["target"] == "企业法人,非法人企业"
    assert e["online_depth"] == "Ⅲ级"
    assert e["promised_limit"] == "7个工作日" and e["legal_limit"] == "20个工作日"
    assert e["consult_phone"] == "0591-87530123" and e["complaint_phone"] == "12345"
    assert "湖东路88号" in e["location"] and "8:30" in e["hours"]
    assert e["basis"].startswith("《中华人民共和国食品安全法》（主席令第二十一号）第三十五条：")
    assert e["visits"] == "0次"
    assert e["delivery"] == "支持物流快递送达"
    assert [s.name for s in r.process_steps] == ["受理", "审查", "决定", "制证", "送达"]
    assert r.process_steps[1].duration == "3个工作日" and r.process_steps[4].duration is None
    assert e["process"].startswith("受理（1个工作日）")
    assert e["result"] == "食品经营许可证"
    assert len(r.faq) == 3
    m0 = r.materials[0]
    assert m0.form_url == "https://zwfw.example.gov.cn/fjzwdt/attach/download?guid=0c5a91e4-6d2b-4b7e-8f31-2a9e5d4c7b10"
    assert m0.sample_url.endswith("7e2b4d18-3f6a-4c9e-b105-8d7a1c2e9f33")
    assert m0.copies == "原件1份" and m0.medium == "纸质" and m0.source == "申请人自备"
    assert r.materials[1].copies == "原件1份，复印件1份" and r.materials[1].medium == "电子化"
    roles = sorted(link.role for link in r.links)
    assert roles == ["form", "online", "result_sample", "sample"]
    assert [link.material for link in r.links if link.role in ("form", "sample")] == [0, 0]


def test_upper_defects_fixture():
    (r,) = load(FIX / "audit_upper_defects.json")  # wrapped under "custom"
    e = r.elements
    assert e["promised_limit"] == "30个工作日" and e["legal_limit"] == "20个工作日"
    assert e["consult_phone"] == e["complaint_phone"] == "83301234"
    assert len(r.faq) == 1
    names = [m.name for m in r.materials]
    assert "其他相关材料" in names
    form = r.materials[names.index("建筑工程施工许可申请表")]
    assert form.form_url is None and form.sample_url is None
    assert "delivery" not in e and "result_sample" not in e


def test_lower_fixture():
    (r,) = load(FIX / "audit_lower_gonggongchangsuo.json")
    e = r.elements
    assert r.family == "audit_item_lower"
    assert e["name"] == "公共场所卫生许可（新证）"
    assert e["code"] == "11450102MB1524731X400011700800101"  # item_id is a GUID: skipped
    assert e["target"] == "自然人、企业法人"
    assert e["legal_limit"] == "20个自然日" and e["promised_limit"] == "10个工作日"
    assert e["consult_phone"] == "0771-5712345；0771-5712346"  # other_link differs: joined
    assert e["complaint_phone"] == "0771-5718888；12345"
    assert e["location"].count("；") == 1  # two windows
    assert "；" not in e["hours"]  # same hours twice: once
    assert e["conditions"].startswith("1.有符合卫生要求的经营场所")  # accept_name
    assert e["basis"].count("《") == 2 and "《公共场所卫生管理条例实施细则》（卫生部令第80号）第二十二条" in e["basis"]
    assert e["delivery"] == "支持物流快递送达" and e["result"] == "公共场所卫生许可证"
    m = r.materials
    assert m[0].form_url.startswith("attach:") and m[0].sample_url is None and m[0].copies == "原件1份"
    assert m[1].source == "政府部门核发" and m[1].medium == "纸质和电子" and m[1].copies == "复印件1份"
    assert m[2].source == "疾病预防控制机构出具" and m[2].required == "非必要" and m[2].notes is None
    assert len(r.faq) == 3
    assert "process" not in e


def test_absent_elements_are_left_out():
    payload = {"AUDIT_ITEM": {"CATANAME": "示例事项", "DEPT_NAME": "", "LINK_TEL": None, "PROMISE_DAY": "",
                              "CRBJSXSM": "即办"}}
    (r,) = extract_audit_item(payload, "inline")
    assert r.elements == {"name": "示例事项", "promised_limit": "即办"}
    assert r.materials == [] and "materials" not in r.present


def test_markup_in_values_is_dropped():
    payload = {"AUDIT_ITEM": {"CATANAME": "示例事项",
                              "ACCEPT_CONDITION": "<p>1.具有营业执照；</p>&lt;p&gt;2.有固定场所&lt;/p&gt;",
                              "LAW": [{"LAWNAME": "关于修改<中华人民共和国节约能源法>等六部法律的决定"}]}}
    (r,) = extract_audit_item(payload, "inline")
    assert r.elements["conditions"] == "1.具有营业执照； 2.有固定场所"
    assert r.elements["basis"] == "《关于修改<中华人民共和国节约能源法>等六部法律的决定》"


def test_empty_material_table_is_present():
    (r,) = extract_audit_item({"AUDIT_ITEM": {"CATANAME": "示例事项"}, "AUDIT_MATERIAL": []}, "inline")
    assert "materials" in r.present and "materials" not in r.elements


# --- refusals ----------------------------------------------------------------

def reason_of(data: bytes) -> str:
    with pytest.raises(InputError) as exc:
        extract_json(data, "bad.json")
    assert exc.value.source == "bad.json" and exc.value.reason
    return exc.value.reason


def test_not_found_reply():
    assert "未找到匹配的信息" in reason_of((FIX / "audit_not_found.json").read_bytes())
    with pytest.raises(InputError, match="未找到匹配的信息"):
        extract_audit_item({"msg": "未找到匹配的信息", "errCode": "1"}, "x")


def test_unknown_shape():
    assert "无法识别的JSON结构" in reason_of((FIX / "unknown_shape.json").read_bytes())
    assert "无法识别的JSON结构" in reason_of(b'[1, 2, 3]')


def test_other_api_error_reply():
    assert "系统繁忙" in reason_of('{"errCode": "500", "msg": "系统繁忙"}'.encode())
    assert "为空" in reason_of(b'{"list": [], "LASTTIMESTAMP": 1572880572947}')


def test_malformed_json():
    reason = reason_of('{\n  "AUDIT_ITEM": {\n    "CATANAME": "x"\n    "DEPT_NAME": "y"\n  }\n}'.encode())
    assert reason.startswith("JSON 格式错误") and "第4行" in reason


def test_html_instead_of_json():
    reason = reason_of("<!DOCTYPE html><html><head><title>404 页面不存在</title></head></html>".encode())
    assert "应为JSON，实际是HTML页面" in reason and "404" in reason


def test_empty_input():
    assert reason_of(b"  \n") == "文件为空"


def test_encodings():
    text = json.dumps({"AUDIT_ITEM": {"CATANAME": "户籍证明", "DEPT_NAME": "某某派出所"}}, ensure_ascii=False)
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gb18030")):
        (r,) = extract_json(data, "enc.json")
        assert r.elements["name"] == "户籍证明" and r.elements["agency"] == "某某派出所"


# --- JSON read by meaning (issue 8) ------------------------------------------

LN = CORPUS / "ln_lnzwfw_catalog_shejiyiju_30items.json"


def test_other_platform_snake_by_hand():
    """Expected record written by hand from reading the payload."""
    (r,) = load(FIX / "other_platform_snake_shebao.json")
    assert r.family == "json"
    assert r.elements == {
        "name": "城乡居民基本养老保险参保登记",
        "code": "114508020075693416345000100300101",
        "category": "公共服务",
        "agency": "桂平市社会保险事业管理中心",
        "case_type": "即办件",
        "promised_limit": "即办",
        "legal_limit": "5个工作日",
        "fee": "不收费",  # "is_fee": false
        "consult_phone": "0775-3382617",
        "complaint_phone": "0775-3382600",
        "location": "桂平市西山镇人民东路98号市民服务中心一楼社保窗口",
        "hours": "周一至周五 上午8:00-12:00，下午15:00-18:00（法定节假日除外）",
        "conditions": "年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的城乡居民。",
        "basis": "《中华人民共和国社会保险法》（主席令第35号）第二十条：国家建立和完善新型农村社会养老保险制度。"
                 "；《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        "visits": "1次",
        "process": "受理（即办）：办理人：窗口工作人员；办结：办理人：窗口工作人员",
        "result": "参保登记信息",
        "faq": "问：可以在网上参保吗？ 答：可以通过广西人社APP办理。",
        "materials": "居民身份证或户口簿；城乡居民基本养老保险参保登记表",
    }
    assert [m.to_json() for m in r.materials] == [
        {"name": "居民身份证或户口簿", "source": "申请人自备", "copies": "原件1份", "medium": "纸质",
         "required": "必要", "notes": "核验原件后退回"},
        {"name": "城乡居民基本养老保险参保登记表", "source": "经办机构提供", "copies": "原件1份", "medium": "纸质",
         "required": "必要", "form_url": "https://zwfw.example.gov.cn/files/cbdjb.doc", "notes": "本人签字"},
    ]
    assert [s.to_json() for s in r.process_steps] == [
        {"name": "受理", "duration": "即办", "detail": "办理人：窗口工作人员"},
        {"name": "办结", "detail": "办理人：窗口工作人员"}]
    assert [(q.question, q.answer) for q in r.faq] == [("可以在网上参保吗？", "可以通过广西人社APP办理。")]
    assert [link.to_json() for link in r.links] == [
        {"url": "https://zwfw.example.gov.cn/files/cbdjb.doc", "text": "参保登记表.doc", "role": "form",
         "element": "materials", "material": 1}]
    assert "materials" in r.present


def test_issue_shape_of_another_platform_is_read():
    payload = {"name": "残疾人证核发", "dept_name": "某某县残疾人联合会", "address": "某某县人民路8号",
               "telphone": "0771-6201234", "time_limit": "15个工作日", "basis": "《中华人民共和国残疾人保障法》第二条"}
    (r,) = extract_json(json.dumps(payload, ensure_ascii=False).encode(), "other.json")
    assert r.elements == {"name": "残疾人证核发", "agency": "某某县残疾人联合会", "location": "某某县人民路8号",
                          "consult_phone": "0771-6201234", "promised_limit": "15个工作日",
                          "basis": "《中华人民共和国残疾人保障法》第二条"}
    assert "materials" not in r.present  # no materials key: absent, not empty


def test_camel_pinyin_chinese_fixtures():
    (camel,) = load(FIX / "other_platform_camel_wrapped.json")
    assert camel.elements["category"] == "行政许可" and camel.elements["promised_limit"] == "15个工作日"
    assert camel.elements["legal_limit"] == "30个工作日" and camel.elements["fee"] == "不收费"
    assert "code" in camel.elements and camel.elements["code"] != "200"  # the envelope's code is no item code
    assert [m.required for m in camel.materials] == ["必要", "必要", "非必要"]
    (py,) = load(FIX / "other_platform_pinyin.json")
    assert py.elements["agency"] == "桂林市交通运输局" and py.elements["complaint_phone"] == "0773 2823199"
    assert [m.copies for m in py.materials] == ["原件1份", "复印件1份", "原件1份"]
    assert py.materials[1].notes == "复印件加盖公章" and py.materials[2].required == "非必要"
    zh = load(FIX / "other_platform_chinese_keys.json")
    assert [r.source.rsplit("#", 1)[1] for r in zh] == ["0", "1"]
    assert zh[0].elements["agency"] == "某某市民政局" and zh[0].elements["location"].startswith("某某市民主路2号")
    assert zh[0].materials[0].notes == "负责人签字；加盖发起单位公章"  # 填报须知 then 备注
    assert zh[0].process_steps[0].detail == "办理人：窗口人员"
    assert zh[1].elements["basis"] == "《社会团体登记管理条例》（国务院令第250号）第十九条"


def test_audit_tables_in_one_element_lists_and_custom():
    clean = json.loads((FIX / "audit_upper_clean.json").read_text(encoding="utf-8"))
    (base,) = extract_audit_item(clean, "clean")
    boxed = {k: ([v] if isinstance(v, (dict, list)) else v) for k, v in clean.items()}
    (r1,) = extract_audit_item(boxed, "boxed")
    custom = {"AUDIT_ITEM": [clean["AUDIT_ITEM"]], "CUSTOM": {k: v for k, v in clean.items() if k != "AUDIT_ITEM"}}
    (r2,) = extract_audit_item({"data": custom}, "custom")
    for r in (r1, r2):
        assert r.to_json() | {"source": ""} == base.to_json() | {"source": ""}
    assert r2.elements["result"] == "食品经营许可证" and r2.elements["delivery"] == "支持物流快递送达"
    (fx,) = load(FIX / "audit_upper_custom_listwrapped.json")
    assert fx.elements["result"] == "食品经营许可证" and fx.elements["intermediary"] == "无"


@pytest.mark.parametrize("day", [0, "0", 0.0, "0.0"])
def test_promise_day_zero_with_immediate_explanation(day):
    (r,) = extract_audit_item({"AUDIT_ITEM": {"CATANAME": "x", "PROMISE_DAY": day, "PROMISE_TYPE_TEXT": "工作日",
                                              "CRBJSXSM": "即办"}}, "x")
    assert r.elements["promised_limit"] == "即办"
    (r,) = extract_audit_item({"AUDIT_ITEM": {"task_name": "x", "promise_day": day, "promise_type": "1",
                                              "promise_day_explain": "即办"}}, "x")
    assert r.elements["promised_limit"] == "即办"
    (r,) = extract_audit_item({"AUDIT_ITEM": {"CATANAME": "x", "PROMISE_DAY": day, "PROMISE_TYPE_TEXT": "工作日"}}, "x")
    assert r.elements["promised_limit"] == "0个工作日"  # no explanation: the count as given


def test_xhtsdz_is_only_a_fallback():
    item = {"CATANAME": "x", "XHTSDZ": "某某市信访局来信地址"}
    (r,) = extract_audit_item({"AUDIT_ITEM": dict(item, TRANSACT_ADDR="人民路1号")}, "x")
    assert r.elements["location"] == "人民路1号"
    (r,) = extract_audit_item({"AUDIT_ITEM": item, "AUDIT_CATALOG_LOBBY": [{"NAME": "大厅", "ADDRESS": "人民路2号"}]}, "x")
    assert r.elements["location"] == "人民路2号"
    (r,) = extract_audit_item({"AUDIT_ITEM": item, "AUDIT_CATALOG_LOBBY": []}, "x")
    assert r.elements["location"] == "某某市信访局来信地址"


def test_material_remark_is_kept():
    rows = [{"MATERIAL_NAME": "营业执照", "FILL_EXPLIAN": "加盖公章", "REMARK": "核验原件"},
            {"MATERIAL_NAME": "申请书", "FILL_EXPLIAN": "", "REMARK": "本人签字"},
            {"material_name": "身份证", "remark": "核验原件", "fill_explian": "核验原件"}]
    (r,) = extract_audit_item({"AUDIT_ITEM": {"CATANAME": "x"}, "AUDIT_MATERIAL": rows}, "x")
    assert [m.notes for m in r.materials] == ["加盖公章；核验原件", "本人签字", "核验原件"]


def test_numbers_flags_and_codes_alike():
    def read(**fields):
        payload = {"name": "x", "dept_name": "某局", "address": "人民路1号", "materials": [], **fields}
        (r,) = extract_json(json.dumps(payload, ensure_ascii=False).encode(), "x.json")
        return r.elements
    for fee in (False, "0", 0, "否", "不收费"):
        assert read(is_fee=fee)["fee"] == "不收费"
    for days in (5, "5", 5.0):
        assert read(time_limit=days, time_limit_unit="1")["promised_limit"] == "5个工作日"
    assert read(item_type="01", time_limit="即办")["category"] == "行政许可"
    assert "category" not in read(item_type="77", time_limit="即办")  # an unknown code: never a bare number


@needs_corpus
def test_liaoning_catalog_is_a_catalog_not_guides():
    """The 30 Liaoning entries carry name, code, type, basis and level only: a
    catalog (事项目录). Reading them as guides would report every guide element
    missing, so they are refused with a reason."""
    with pytest.raises(InputError) as exc:
        load(LN)
    assert "事项目录" in exc.value.reason and "30个事项" in exc.value.reason
    assert exc.value.source == str(LN)


def test_contact_card_is_not_a_guide():
    card = {"data": {"name": "某某县政务服务中心", "address": "人民路1号", "tel": "0771-1234567",
                     "office_hours": "工作日9:00-17:00", "dept_name": "某某县行政审批局"}}
    assert "无法识别的JSON结构" in reason_of(json.dumps(card, ensure_ascii=False).encode())


def test_guides_under_a_results_wrapper():
    g = {"name": "甲事项", "dept_name": "某局", "address": "人民路1号", "telphone": "0771-1234567",
         "time_limit": "5个工作日", "materials": [{"name": "身份证"}]}
    data = json.dumps({"results": [g, dict(g, name="乙事项")]}, ensure_ascii=False).encode()
    records = extract_json(data, "two.json")
    assert [r.elements["name"] for r in records] == ["甲事项", "乙事项"]
    assert [r.source for r in records] == ["two.json#0", "two.json#1"]


def test_rich_text_in_an_element_field_is_no_html_page():
    payload = {"name": "x", "dept_name": "某局", "address": "人民路1号", "time_limit": "5个工作日",
               "conditions": "<p>1.具有营业执照；</p><p>2.有固定的经营场所，面积不少于三十平方米。</p>"}
    (r,) = extract_json(json.dumps(payload, ensure_ascii=False).encode(), "rich.json")
    assert r.family == "json"
    assert r.elements["conditions"] == "1.具有营业执照； 2.有固定的经营场所，面积不少于三十平方米。"


def test_a_platform_added_as_data(monkeypatch, tmp_path):
    """A new platform's keys are data: an entry added to json_keys.yaml is
    enough to read a shape nobody wrote code for."""
    import yaml

    from guidecheck.extract import json_keys

    payload = {"GUIDE": {"sx_title": "示例事项", "org": "某某局", "place": "人民路1号", "days": 3,
                         "needs": [{"doc": "身份证", "origin": "申请人自备"}]}}
    data = json.dumps(payload, ensure_ascii=False).encode()
    assert "无法识别的JSON结构" in reason_of(data)
    keys = yaml.safe_load(json_keys.KEYS_FILE.read_text(encoding="utf-8"))
    keys["platforms"]["demo"] = {
        "marker": "GUIDE", "families": {"upper": "demo", "lower": "demo"},
        "elements": {"name": {"keys": ["sx_title"]}, "agency": {"keys": ["org"]}, "location": {"keys": ["place"]},
                     "promised_limit": {"keys": ["days"]}},
        "tables": {"materials": ["needs"]}}
    keys["tables"]["materials"]["fields"]["name"].append("doc")
    keys["tables"]["materials"]["fields"]["source"].append("origin")
    path = tmp_path / "json_keys.yaml"
    path.write_text(yaml.safe_dump(keys, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(json_keys, "KEYS_FILE", path)
    json_keys.reload()
    try:
        (r,) = extract_json(data, "demo.json")
    finally:
        monkeypatch.undo()
        json_keys.reload()
    assert r.family == "demo"
    assert r.elements["name"] == "示例事项" and r.elements["promised_limit"] == "3"
    assert r.materials[0].name == "身份证" and r.materials[0].source == "申请人自备"


def test_a_stray_rich_text_note_does_not_make_an_html_page():
    payload = {"name": "x", "dept_name": "某局", "address": "人民路1号", "time_limit": "5个工作日",
               "notice": "<p>温馨提示：请提前准备好身份证件，<b>节假日</b>不办公。</p>"}
    (r,) = extract_json(json.dumps(payload, ensure_ascii=False).encode(), "note.json")
    assert r.family == "json" and r.elements["agency"] == "某局"


def test_any_json_gives_records_or_a_reason():
    """Random JSON built from known keys and odd values (nulls, booleans, huge
    numbers, GUIDs, markup, nested lists): every input gives records whose
    elements are text, or an InputError naming the file; nothing else."""
    import random

    from guidecheck.extract import json_keys

    keys = sorted(json_keys.key_elements()) + ["AUDIT_ITEM", "AUDIT_MATERIAL", "AUDIT_CATALOG_LOBBY", "CUSTOM", "data",
                                               "list", "materials", "windows", "basis", "steps", "faq", "事项名称",
                                               "申请材料", "办理地点", "msg", "code", "name", "remark", "form", "x"]
    values = [None, True, False, 0, 1, -3, 2.5, 1e308, "", "无", "0", "1", "是", "5个工作日", "<p>办理地点：人民路</p>",
              "3b6f0c2a-8d1e-4f57-9a3c-5e2d7b1a9c40", "http://x.example/y.doc", "12345", "1,2"]

    def value(rng, depth):
        r = rng.random()
        if depth > 4 or r < 0.45:
            return rng.choice(values)
        if r < 0.75:
            return {rng.choice(keys): value(rng, depth + 1) for _ in range(rng.randint(0, 8))}
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]

    read = 0
    for seed in range(400):
        rng = random.Random(seed)
        obj = {rng.choice(keys): value(rng, 1) for _ in range(rng.randint(1, 12))}
        try:
            records = extract_json(json.dumps(obj, ensure_ascii=False).encode(), "fuzz.json")
        except InputError as exc:
            assert exc.source == "fuzz.json" and exc.reason
            continue
        read += 1
        for r in records:
            assert all(isinstance(v, str) and v for v in r.elements.values())
            json.dumps(r.to_json(), ensure_ascii=False)
    assert read  # some shapes are read


def test_envelope_scalars_do_not_become_elements():
    g = {"name": "甲事项", "dept_name": "某局", "address": "人民路1号", "time_limit": "5个工作日",
         "item_code": "11450102MB1524731X4000117008001"}
    reply = {"result": "success", "name": "guideDetail接口", "code": "A0000000", "data": g}
    (r,) = extract_json(json.dumps(reply, ensure_ascii=False).encode(), "reply.json")
    assert r.elements["name"] == "甲事项" and r.elements["code"] == "11450102MB1524731X4000117008001"
    assert "result" not in r.elements


def test_tables_known_by_their_rows():
    """A list under a key nobody listed is a table when its rows' keys are the
    fields of one kind: materials (source, copies …), windows (address, hours,
    phone); rows that are guides themselves are not."""
    g = {"name": "甲事项", "dept_name": "某局", "time_limit": "5个工作日",
         "needDocs": [{"name": "身份证", "source": "申请人自备", "copy_num": 1},
                      {"name": "申请表", "medium": "纸质", "required": True}],
         "service_halls": [{"name": "一号厅", "address": "人民路1号", "hours": "工作日9:00-17:00", "tel": "0771-1234567"},
                           {"name": "二号厅", "address": "民主路2号", "hours": "工作日9:00-17:00"}]}
    (r,) = extract_json(json.dumps(g, ensure_ascii=False).encode(), "rows.json")
    assert [m.name for m in r.materials] == ["身份证", "申请表"] and r.materials[0].copies == "复印件1份"
    assert r.elements["location"] == "人民路1号；民主路2号" and r.elements["consult_phone"] == "0771-1234567"
    assert r.elements["hours"] == "工作日9:00-17:00"
    assert "一号厅" not in r.elements.get("name", "")
