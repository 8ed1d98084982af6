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
