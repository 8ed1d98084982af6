"""Metamorphic test of the JSON reader: one guide, many JSON shapes, one record.

A random guide content model (elements, materials with all their fields,
process steps, FAQ, laws, windows, planted defects such as a missing phone, a
material without source, a promise longer than the legal limit) is rendered by
six renderers modelled on how real platforms publish:

- the AUDIT_ITEM family, upper-case spelling with *_TEXT companions;
- the AUDIT_ITEM family, lower-case spelling with bare codes, under {"list": [...]};
- snake_case English keys with nested lists;
- camelCase keys wrapped in {"code": 200, "data": {...}};
- pinyin initials (sxmc, bldd, zxdh, cllb …);
- Chinese keys (事项名称, 办理地点, 申请材料 …).

Each rendering randomises what real payloads vary: wrappers, key order,
one-element lists around objects and tables, a CUSTOM object holding some
tables, numbers as numbers or strings, flags as booleans, codes or words,
distractor keys, and a letter address (XHTSDZ) that must lose to the real
location. The extracted record and its findings must equal the record built
directly from the model (by the conventions of docs/json-mappings.md) and its
findings, for every shape.
"""
from __future__ import annotations

import json
import random

import pytest

from guidecheck.checks import run_checks
from guidecheck.extract.json_pages import extract_json
from guidecheck.model import FaqPair, GuideRecord, Link, Material, ProcessStep
from guidecheck.offline import offline_codes

MODELS = 60  # x 6 renderers = 360 renderings
CODES = offline_codes()

NAMES = ["公共场所卫生许可（新证）", "食品经营许可（新办）", "城乡居民养老保险参保登记", "建筑工程施工许可证核发",
         "户籍证明开具", "道路运输经营许可", "社会团体成立登记", "药品零售企业许可"]
AGENCIES = ["南宁市兴宁区行政审批局", "福州市鼓楼区市场监督管理局", "灵山县人力资源和社会保障局", "某某县民政局"]
CATEGORIES = [("01", "行政许可"), ("07", "行政确认"), ("20", "公共服务"), ("05", "行政给付")]
TARGETS = [("1", "自然人"), ("2", "企业法人"), ("3", "事业法人"), ("4", "社会组织法人")]
UNITS = [("1", "工作日"), ("2", "自然日")]
SOURCES = [("10", "申请人自备"), ("20", "政府部门核发"), (None, "公安机关出具"), (None, "医疗机构出具")]
MEDIA = [("1", "纸质"), ("2", "电子"), ("3", "纸质和电子")]
PHONES = ["0771-5712345", "0771—6428820", "0591 87530123", "12345", "83301234", "0771-571234"]  # last: planted defect
MATERIALS = ["申请表", "营业执照", "居民身份证", "从业人员健康合格证明", "卫生管理制度", "其它材料", "场所平面图"]
STEPS = ["受理", "审查", "决定", "制证", "送达"]
LAWS = [("中华人民共和国行政许可法", "主席令第七号", "第十二条", "下列事项可以设定行政许可。"),
        ("公共场所卫生管理条例", "国发〔1987〕24号", "第八条", "经营单位应当及时申请办理卫生许可证。"),
        ("社会保险法", None, None, None), ("食品经营许可管理办法", None, "第二条", "从事食品销售应当取得许可。")]
QUESTIONS = [("有效期多长？", "有效期为四年。"), ("可以网上申请吗？", "可以，登录平台在线申请。"),
             ("需要多长时间？", "详见承诺办结时限。")]


# --- the content model -------------------------------------------------------

def make_model(rng: random.Random) -> dict:
    def maybe(p, v):
        return v if rng.random() < p else None

    legal = rng.choice([10, 20, 30, 60])
    unit = rng.choice(UNITS)
    immediate = rng.random() < 0.2
    promised = None if immediate else rng.choice([1, 5, 7, legal, legal + 10])  # legal + 10: planted defect
    windows = [{"name": f"{i + 1}号窗口", "address": f"某某市人民路{rng.randint(1, 99)}号政务服务中心{i + 1}楼",
                "hours": rng.choice(["周一至周五8:30-12:00，14:30-17:30", "工作日9:00-17:00"]),
                "tel": maybe(0.4, rng.choice(PHONES[:5]))} for i in range(rng.choice([1, 1, 2]))]
    mats = []
    for name in rng.sample(MATERIALS, rng.choice([0, 1, 2, 3, 4])):
        notes = [n for n in (maybe(0.5, "加盖单位公章"), maybe(0.3, "核验原件后退回")) if n]
        mats.append({
            "name": name, "source": maybe(0.8, rng.choice(SOURCES)),
            "originals": maybe(0.8, rng.choice([0, 1, 2])), "photocopies": maybe(0.6, rng.choice([0, 1])),
            "medium": maybe(0.8, rng.choice(MEDIA)), "required": maybe(0.8, rng.choice([True, False])),
            "notes": notes,
            "form": maybe(0.4, (f"{name}（空表）.doc", f"https://zwfw.example.gov.cn/files/{rng.randint(1000, 9999)}.doc")),
            "sample": maybe(0.3, (f"{name}（样表）.pdf",
                                  f"https://zwfw.example.gov.cn/files/{rng.randint(1000, 9999)}.pdf")),
        })
    return {
        "name": rng.choice(NAMES),
        "code": "11450102MB1524731X4000117008" + str(rng.randint(10000, 99999)),
        "category": rng.choice(CATEGORIES),
        "target": sorted(rng.sample(TARGETS, rng.choice([1, 2]))),
        "agency": rng.choice(AGENCIES),
        "case_type": ("1", "即办件") if immediate else ("2", "承诺件"),
        "promised": promised, "legal": legal, "unit": unit,
        "fee": rng.choice([("0", "不收费"), ("1", "收费")]),
        "consult": maybe(0.85, rng.choice(PHONES)),
        "complaint": maybe(0.7, rng.choice(PHONES)),
        "windows": windows,
        "conditions": maybe(0.85, "1.有符合要求的经营场所；2.有健全的管理制度。"),
        "laws": [LAWS[i] for i in sorted(rng.sample(range(len(LAWS)), rng.choice([0, 1, 2])))],
        "steps": [(s, maybe(0.6, f"{rng.randint(1, 5)}个工作日"), maybe(0.5, "窗口工作人员"))
                  for s in STEPS[:rng.choice([0, 2, 3, 5])]],
        "result": maybe(0.8, "卫生许可证"),
        "faq": rng.sample(QUESTIONS, rng.choice([0, 1, 3])),
        "visits": maybe(0.7, rng.choice([0, 1, 2])),
        "express": maybe(0.7, rng.choice([True, False])),
        "intermediary": maybe(0.5, "无"),
        "online": maybe(0.5, f"https://zwfw.example.gov.cn/apply?task={rng.randint(1000, 9999)}"),
        "materials": mats,
    }


def limit_text(days, unit) -> str:
    return "即办" if days is None else f"{days}个{unit[1]}"


def law_text(law) -> str:
    name, number, clause, content = law
    head = f"《{name}》" + (f"（{number}）" if number else "") + (clause or "")
    return f"{head}：{content}" if content else head


def copies_text(m) -> str | None:
    given = [(lab, n) for lab, n in (("原件", m["originals"]), ("复印件", m["photocopies"])) if n is not None]
    if not given:
        return None
    return "，".join(f"{lab}{n}份" for lab, n in given if n) or "，".join(f"{lab}{n}份" for lab, n in given)


def expected_record(model: dict) -> GuideRecord:
    """The record the conventions of docs/json-mappings.md give for the model."""
    rec = GuideRecord(source="model")
    e = rec.elements

    def put(k, v):
        if v:
            e[k] = v

    put("name", model["name"])
    put("code", model["code"])
    put("category", model["category"][1])
    put("target", "、".join(t[1] for t in model["target"]))
    put("agency", model["agency"])
    put("case_type", model["case_type"][1])
    put("promised_limit", limit_text(model["promised"], model["unit"]))
    put("legal_limit", limit_text(model["legal"], model["unit"]))
    put("fee", model["fee"][1])
    windows = model["windows"]
    put("consult_phone", model["consult"] or "；".join(dict.fromkeys(w["tel"] for w in windows if w["tel"])))
    put("complaint_phone", model["complaint"])
    put("location", "；".join(dict.fromkeys(w["address"] for w in windows)))
    put("hours", "；".join(dict.fromkeys(w["hours"] for w in windows)))
    put("conditions", model["conditions"])
    put("basis", "；".join(law_text(law) for law in model["laws"]))
    if model["visits"] is not None:
        put("visits", f"{model['visits']}次")
    texts = []
    for name, duration, transactor in model["steps"]:
        detail = f"办理人：{transactor}" if transactor else None
        rec.process_steps.append(ProcessStep(name=name, duration=duration, detail=detail))
        texts.append(name + (f"（{duration}）" if duration else "") + (f"：{detail}" if detail else ""))
    put("process", "；".join(texts))
    put("result", model["result"])
    for q, a in model["faq"]:
        rec.faq.append(FaqPair(q, a))
    put("faq", "；".join(f"问：{q} 答：{a}" for q, a in model["faq"]))
    rec.present.add("materials")
    for i, m in enumerate(model["materials"]):
        rec.materials.append(Material(
            name=m["name"], source=m["source"][1] if m["source"] else None, copies=copies_text(m),
            medium=m["medium"][1] if m["medium"] else None,
            required=None if m["required"] is None else ("必要" if m["required"] else "非必要"),
            notes="；".join(m["notes"]) or None,
            form_url=m["form"][1] if m["form"] else None, sample_url=m["sample"][1] if m["sample"] else None))
        for role in ("form", "sample"):
            if m[role]:
                rec.links.append(Link(url=m[role][1], text=m[role][0], role=role, element="materials", material=i))
    put("materials", "；".join(m["name"] for m in model["materials"]))
    if model["express"]:
        put("delivery", "支持物流快递送达")
    put("intermediary", model["intermediary"])
    if model["online"]:
        rec.links.append(Link(url=model["online"], text="在线办理", role="online"))
    return rec


# --- randomisation helpers ---------------------------------------------------

class Shaper:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def n(self, v):
        """A number as a number or as a string."""
        return v if v is None or self.rng.random() < 0.5 else str(v)

    def box(self, v):
        """An object or table, sometimes wrapped in a one-element list."""
        return [v] if self.rng.random() < 0.25 else v

    def shuffle(self, v):
        if isinstance(v, dict):
            items = [(k, self.shuffle(x)) for k, x in v.items()]
            self.rng.shuffle(items)
            return dict(items)
        if isinstance(v, list):
            return [self.shuffle(x) for x in v]
        return v

    def wrap(self, payload, wrappers):
        for _ in range(self.rng.choice([0, 1, 2])):
            w = self.rng.choice(wrappers)
            payload = w(payload)
        return payload

    def flag(self, value: bool, styles=("bool", "code", "word")):
        style = self.rng.choice(styles)
        return value if style == "bool" else ("1" if value else "0") if style == "code" else ("是" if value else "否")


def _common_wrappers():
    return [lambda p: {"data": p}, lambda p: {"list": [p]}, lambda p: {"result": {"rows": [p]}},
            lambda p: {"code": 200, "msg": "操作成功", "data": p}, lambda p: [p]]


# --- renderers ---------------------------------------------------------------

def render_audit_upper(m, s: Shaper):
    item = {"CATANAME": m["name"], "TASK_NAME": "上级事项：" + m["name"], "TASK_CODE": m["code"],
            "CATALOG_CODE": m["code"][-12:], "ROWGUID": "3b6f0c2a-8d1e-4f57-9a3c-5e2d7b1a9c40",
            "TONGYI_CODE": "11450102MB1524731X",
            "TASK_TYPE": m["category"][0], "TASK_TYPE_TEXT": m["category"][1],
            "SERVE_TYPE": ",".join(t[0] for t in m["target"]), "SERVE_TYPE_TEXT": "、".join(t[1] for t in m["target"]),
            "DEPT_NAME": m["agency"], "PROJECT_TYPE": s.n(int(m["case_type"][0])),
            "PROJECT_TYPE_TEXT": m["case_type"][1],
            "ANTICIPATE_DAY": s.n(m["legal"]), "ANTICIPATE_TYPE_TEXT": m["unit"][1],
            "IS_FEE": m["fee"][0], "IS_FEE_TEXT": m["fee"][1], "ACCEPT_CONDITION": m["conditions"] or "",
            "LINK_TEL": m["consult"] or "", "TSTEL": m["complaint"] or ""}
    if m["promised"] is None:
        item.update(PROMISE_DAY=s.n(0), CRBJSXSM="即办")
    else:
        item.update(PROMISE_DAY=s.n(m["promised"]), PROMISE_TYPE_TEXT=m["unit"][1],
                    CRBJSXSM=f"自受理之日起{m['promised']}个{m['unit'][1]}内办结")
    if m["laws"]:
        item["LAW"] = s.box([{"LAWNAME": n, "ACCORDINGNUMBER": no or "", "TERMSNUMBER": c or "",
                              "TERMSCONTENT": t or ""} for n, no, c, t in m["laws"]])
    if s.rng.random() < 0.5:
        item["XHTSDZ"] = "某某市信访局来信地址"  # a letter address: only a fallback
    tables = {}
    direct = len(m["windows"]) == 1 and (m["windows"][0]["tel"] is None or m["consult"]) and s.rng.random() < 0.5
    if direct:
        item.update(TRANSACT_ADDR=m["windows"][0]["address"], TRANSACT_TIME=m["windows"][0]["hours"])
    else:
        tables["AUDIT_CATALOG_LOBBY"] = [{"NAME": w["name"], "ADDRESS": w["address"], "TIME": w["hours"],
                                          "TEL": w["tel"] or ""} for w in m["windows"]]
    extend = {}
    if m["express"] is not None:
        extend.update(IS_EXPRESS="1" if m["express"] else "0", IS_EXPRESS_TEXT="是" if m["express"] else "否")
    if m["intermediary"]:
        extend["IS_INTERMEDIARY"] = "0"
    if m["online"]:
        extend["HANDLE_ONLINE_ADDRESS"] = m["online"]
    if m["visits"] is not None:
        (extend if s.rng.random() < 0.5 else item)["LIMIT_SCENE_NUM"] = s.n(m["visits"])
    tables["AUDIT_ITEM_EXTEND"] = extend
    tables["AUDIT_MATERIAL"] = [_upper_material(x, s) for x in m["materials"]]
    tables["AUDIT_ITEM_FLOWSHEET"] = [{"STEP_TEXT": n, "TRANSACT_TIME_LIMIT": d or "", "TRANSACTOR": t or ""}
                                      for n, d, t in m["steps"]]
    if m["result"]:
        tables["AUDIT_ITEM_RESULT"] = [{"NAME": m["result"], "RESULT_TYPE": "10"}]
    tables["AUDIT_QA"] = [{"QUESTION": q, "ANSWER": a} for q, a in m["faq"]]
    payload = {"errCode": "0", "msg": "成功", "AUDIT_ITEM": s.box(item)}
    custom = {}
    for k, v in tables.items():
        target = custom if s.rng.random() < 0.3 else payload
        target[k] = s.box(v) if k in ("AUDIT_ITEM_EXTEND", "AUDIT_ITEM_RESULT", "AUDIT_QA") else v
    if custom:
        payload["CUSTOM"] = custom
    return s.wrap(payload, [lambda p: {"custom": p}, lambda p: {"data": p}, lambda p: {"list": [p]}])


def _upper_material(x, s: Shaper):
    notes = x["notes"]
    row = {"MATERIAL_NAME": x["name"], "FILL_EXPLIAN": notes[0] if notes else "",
           "REMARK": notes[1] if len(notes) > 1 else "", "PAGE_FORMAT": "A4"}
    if x["source"]:
        row.update(SOURCE_TYPE=x["source"][0] or "99", SOURCE_TYPE_TEXT=x["source"][1])
    if x["required"] is not None:
        row.update(IS_NEED="1" if x["required"] else "0", IS_NEED_TEXT="必要" if x["required"] else "非必要")
    if x["medium"]:
        row.update(ZZHDZB=x["medium"][0], ZZHDZB_TEXT=x["medium"][1])
    if x["originals"] is not None:
        row["PAGE_NUM"] = s.n(x["originals"])
    if x["photocopies"] is not None:
        row["PAGE_COPYNUM"] = s.n(x["photocopies"])
    for role, key in (("form", "FORM_GUID"), ("sample", "EXAMPLE_GUID")):
        row[key] = [{"ATTACHNAME": x[role][0], "FILEPATH": x[role][1]}] if x[role] else []
    return row


def render_audit_lower(m, s: Shaper):
    unit = m["unit"][0]
    item = {"task_name": m["name"], "task_code": m["code"], "item_id": "5e8a3f14-7c2d-4b90-a6e1-93d0c4f7b218",
            "catalog_code": m["code"][-12:], "task_type": m["category"][0],
            "serve_type": ",".join(t[0] for t in m["target"]), "dept_name": m["agency"],
            "project_type": s.n(int(m["case_type"][0])), "anticipate_day": s.n(m["legal"]),
            "anticipate_type": s.n(int(unit)), "is_fee": s.n(int(m["fee"][0])),
            "accept_name": m["conditions"] or "", "link_way": m["consult"] or "", "supervise_way": m["complaint"] or "",
            "other_link": "无"}
    if m["promised"] is None:
        item.update(promise_day=s.n(0), promise_type=unit, promise_day_explain="即办")
    else:
        item.update(promise_day=s.n(m["promised"]), promise_type=s.n(int(unit)))
    if m["visits"] is not None:
        item["limit_scene_num"] = s.n(m["visits"])
    payload = {
        "AUDIT_ITEM": s.box(item),
        "AUDIT_ITEM_EXTEND": s.box({"is_express": None if m["express"] is None else s.n(int(m["express"])),
                                    "result_name": m["result"] or "",
                                    "is_intermediary": "0" if m["intermediary"] else None,
                                    "handle_online_address": m["online"] or ""}),
        "AUDIT_ITEM_WINDOW": [{"window_name": w["name"], "transact_addr": w["address"], "transact_time": w["hours"],
                               "window_tel": w["tel"] or ""} for w in m["windows"]],
        "AUDIT_ITEM_BYLAW": [{"law_name": n, "law_number": no, "clause_number": c, "clause_content": t}
                             for n, no, c, t in m["laws"]],
        "AUDIT_MATERIAL": [_lower_material(x, s) for x in m["materials"]],
        "AUDIT_QA": [{"question": q, "answer": a} for q, a in m["faq"]],
    }
    if m["steps"]:
        payload["AUDIT_ITEM_FLOWSHEET"] = [{"step_name": n, "transact_time_limit": d, "transactor": t}
                                           for n, d, t in m["steps"]]
    outer = {"LASTTIMESTAMP": 1572880572947, "RETURNITEMSUNNUM": 1, "list": [payload]}
    return s.wrap(outer, [lambda p: {"data": p}, lambda p: {"custom": p}])


def _lower_material(x, s: Shaper):
    row = {"material_name": x["name"], "fill_explian": x["notes"][0] if x["notes"] else None}
    if len(x["notes"]) > 1:
        row["remark"] = x["notes"][1]
    if x["source"]:
        if x["source"][0]:
            row.update(source_type=x["source"][0], source_explain=s.rng.choice(["", "无"]))
        else:
            row.update(source_type="30", source_explain=x["source"][1])
    if x["required"] is not None:
        row["is_need"] = s.n(1 if x["required"] else 0)
    if x["medium"]:
        row["material_form"] = s.n(int(x["medium"][0]))
    if x["originals"] is not None:
        row["original_amount"] = s.n(x["originals"])
    if x["photocopies"] is not None:
        row["copy_amount"] = s.n(x["photocopies"])
    for role, key in (("form", "form_guid"), ("sample", "example_guid")):
        row[key] = [{"attachname": x[role][0], "filepath": x[role][1]}] if x[role] else ""
    return row


# Self-describing shapes: one key table per style, one renderer for them all.
SNAKE = dict(name="name", code="item_code", category="item_type", target="service_object", agency="dept_name",
             case_type="case_type", promised="time_limit", promised_unit="time_limit_unit", legal="legal_time_limit",
             legal_unit="legal_time_limit_unit", fee="is_fee", consult="telphone", complaint="complaint_tel",
             address="address", hours="office_hours", windows="windows", w_name="name", w_address="address",
             w_hours="hours", w_tel="tel", conditions="conditions", basis="basis", l_name="law_name", l_number="doc_no",
             l_clause="clause", l_content="content", steps="steps", s_name="name", s_duration="duration",
             s_transactor="handler", result="result_name", faq="faq", q="question", a="answer", visits="visits",
             materials="materials", m_name="name", m_source="source", m_orig="original_num", m_copy="copy_num",
             m_medium="medium", m_required="required", m_notes=("remark", "memo"), m_form="form", m_sample="sample",
             att_name="name", att_url="url", express="is_express", intermediary="is_intermediary",
             online="online_url")
CAMEL = dict(name="itemName", code="itemCode", category="itemType", target="serviceObject", agency="deptName",
             case_type="caseType", promised="promiseDay", promised_unit="promiseType", legal="legalDay",
             legal_unit="legalUnit", fee="isFee", consult="consultTel", complaint="complaintTel",
             address="handleAddress",
             hours="workTime", windows="windowList", w_name="windowName", w_address="address", w_hours="workTime",
             w_tel="tel", conditions="applyCondition", basis="lawList", l_name="lawName", l_number="docNo",
             l_clause="clause", l_content="content", steps="stepList", s_name="stepName", s_duration="timeLimit",
             s_transactor="handler", result="resultName", faq="qaList", q="question", a="answer", visits="visitTimes",
             materials="materialList", m_name="materialName", m_source="source", m_orig="originalNum", m_copy="copyNum",
             m_medium="medium", m_required="isRequired", m_notes=("remark", "note"), m_form="blankForm",
             m_sample="sample", att_name="fileName", att_url="downloadUrl", express="isExpress",
             intermediary="isIntermediary", online="applyUrl")
PINYIN = dict(name="sxmc", code="sxbm", category="sxlx", target="fwdx", agency="sszt", case_type="bjlx",
              promised="cnsx", promised_unit="cnsxdw", legal="fdsx", legal_unit="fdsxdw", fee="sfsf", consult="zxdh",
              complaint="jddh", address="bldd", hours="blsj", windows="blck", w_name="ckmc", w_address="dz",
              w_hours="sj", w_tel="dh", conditions="sqtj", basis="sdyj", l_name="flmc", l_number="wh", l_clause="tk",
              l_content="tknr", steps="hjlb", s_name="hjmc", s_duration="hjsx", s_transactor="blr", result="jgmc",
              faq="cjwt", q="wt", a="da", visits="dxccs", materials="cllb", m_name="clmc", m_source="ly", m_orig="yjfs",
              m_copy="fyjfs", m_medium="jz", m_required="sfbx", m_notes=("bz", "txsm"), m_form="kbxz",
              m_sample="ybxz", att_name="name", att_url="url", express=None, intermediary="zjfw", online="wsbldz")
CHINESE = dict(name="事项名称", code="事项编码", category="事项类型", target="服务对象", agency="实施主体",
               case_type="办件类型", promised="承诺办结时限", promised_unit=None, legal="法定办结时限", legal_unit=None,
               fee="是否收费", consult="咨询电话", complaint="监督投诉电话", address="办理地点", hours="办理时间",
               windows="办理窗口", w_name="窗口名称", w_address="地址", w_hours="办公时间", w_tel="联系电话",
               conditions="申请条件", basis="设定依据", l_name="法律名称", l_number="文号", l_clause="条款号",
               l_content="条款内容", steps="办理流程", s_name="环节名称", s_duration="办理时限", s_transactor="办理人",
               result="结果名称", faq="常见问题", q="问题", a="解答", visits="到现场次数", materials="申请材料",
               m_name="材料名称", m_source="来源渠道", m_orig="原件份数", m_copy="复印件份数", m_medium="材料形式",
               m_required="是否必需", m_notes=("填报须知", "备注"), m_form="空白表格", m_sample="示例样表",
               att_name="文件名", att_url="下载地址", express="是否支持物流快递", intermediary="中介服务",
               online="网上办理地址")


def render_keys(m, s: Shaper, k: dict, wrappers):
    g = {k["name"]: m["name"], k["code"]: m["code"], k["agency"]: m["agency"],
         k["category"]: m["category"][1] if k is CHINESE or s.rng.random() < 0.5 else m["category"][0],
         k["target"]: "、".join(t[1] for t in m["target"]), k["case_type"]: m["case_type"][1],
         k["fee"]: m["fee"][1] if k is CHINESE else s.rng.choice([m["fee"][1], m["fee"][0], m["fee"][0] == "1"])}
    for key, days in (("promised", m["promised"]), ("legal", m["legal"])):
        if days is None:
            g[k[key]] = "即办"
        elif k[key + "_unit"] and s.rng.random() < 0.6:
            g[k[key]] = s.n(days)
            g[k[key + "_unit"]] = s.rng.choice([m["unit"][1], m["unit"][0]])
        else:
            g[k[key]] = limit_text(days, m["unit"])
    for key in ("consult", "complaint", "conditions", "result"):
        if m[key] or s.rng.random() < 0.3:
            g[k[key]] = m[key] or ""
    if m["visits"] is not None:
        g[k["visits"]] = s.n(m["visits"])
    windows = m["windows"]
    if len(windows) == 1 and (windows[0]["tel"] is None or m["consult"]) and s.rng.random() < 0.5:
        g[k["address"]], g[k["hours"]] = windows[0]["address"], windows[0]["hours"]
    else:
        g[k["windows"]] = [{k["w_name"]: w["name"], k["w_address"]: w["address"], k["w_hours"]: w["hours"],
                            **({k["w_tel"]: w["tel"]} if w["tel"] else {})} for w in windows]
    if m["laws"] and s.rng.random() < 0.7:
        g[k["basis"]] = [{kk: v for kk, v in ((k["l_name"], n), (k["l_number"], no), (k["l_clause"], c),
                                             (k["l_content"], t)) if v} for n, no, c, t in m["laws"]]
    elif m["laws"]:
        g["basis" if k is CAMEL else k["basis"]] = "；".join(law_text(law) for law in m["laws"])
    if m["steps"]:
        g[k["steps"]] = [{kk: v for kk, v in ((k["s_name"], n), (k["s_duration"], d), (k["s_transactor"], t)) if v}
                         for n, d, t in m["steps"]]
    if m["faq"]:
        g[k["faq"]] = [{k["q"]: q, k["a"]: a} for q, a in m["faq"]]
    materials_key = k["materials"]
    if k in (SNAKE, CAMEL) and any(x["source"] and x["medium"] for x in m["materials"]) and s.rng.random() < 0.4:
        materials_key = s.rng.choice(["apply_docs", "needDocs", "sbzl"])  # a key nobody listed: rows tell
    g[materials_key] = [_keyed_material(x, s, k) for x in m["materials"]]
    if len(windows) > 1 and k["windows"] in g and s.rng.random() < 0.4:
        g["service_halls"] = g.pop(k["windows"])
    if m["express"] is not None:
        if k["express"]:
            g[k["express"]] = ("是" if m["express"] else "否") if k is CHINESE else s.flag(m["express"])
        elif m["express"]:
            g["sdfs"] = "支持物流快递送达"  # no flag key: the words
    if m["intermediary"]:
        g[k["intermediary"]] = m["intermediary"] if k in (PINYIN, CHINESE) else s.flag(False)
    if m["online"]:
        g[k["online"]] = m["online"]
    for distractor, value in (("id", s.rng.randint(1, 9999)), ("createTime", "2024-05-06 10:00:00"),
                              ("sort", 3), ("version", "2")):
        if s.rng.random() < 0.5:
            g[distractor] = value
    return s.wrap(g, wrappers)


def _keyed_material(x, s: Shaper, k: dict):
    row = {k["m_name"]: x["name"]}
    if x["source"]:
        row[k["m_source"]] = x["source"][1]
    if x["originals"] is not None:
        row[k["m_orig"]] = s.n(x["originals"])
    if x["photocopies"] is not None:
        row[k["m_copy"]] = s.n(x["photocopies"])
    if x["medium"]:
        row[k["m_medium"]] = x["medium"][1]
    if x["required"] is not None:
        row[k["m_required"]] = (("是" if x["required"] else "否") if k is CHINESE
                                else s.flag(x["required"]))
    for key, note in zip(k["m_notes"], x["notes"]):
        row[key] = note
    for role in ("form", "sample"):
        if x[role]:
            att = {k["att_name"]: x[role][0], k["att_url"]: x[role][1]}
            row[k["m_" + role]] = s.box([att]) if s.rng.random() < 0.7 else att
    return row


RENDERERS = {
    "audit_upper": render_audit_upper,
    "audit_lower": render_audit_lower,
    "snake": lambda m, s: render_keys(m, s, SNAKE, _common_wrappers()),
    "camel": lambda m, s: render_keys(m, s, CAMEL, [lambda p: {"code": 200, "msg": "success", "data": p}]),
    "pinyin": lambda m, s: render_keys(m, s, PINYIN, _common_wrappers()),
    "chinese": lambda m, s: render_keys(m, s, CHINESE, _common_wrappers()),
}


def comparable(rec: GuideRecord) -> dict:
    return dict(rec.to_json(), source=None, present=sorted(rec.present))


def findings_of(rec: GuideRecord) -> list[dict]:
    return [f.to_json() for f in run_checks(rec, CODES)]


@pytest.mark.parametrize("seed", range(MODELS))
def test_every_shape_gives_the_model_record(seed):
    rng = random.Random(seed)
    model = make_model(rng)
    expected = expected_record(model)
    want, want_findings = comparable(expected), findings_of(expected)
    for name, render in RENDERERS.items():
        s = Shaper(random.Random(f"{seed}-{name}"))
        payload = s.shuffle(render(model, s))
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        (rec,) = extract_json(data, f"{name}.json")
        assert comparable(rec) == want, f"{name}: {data.decode()[:3000]}"
        assert findings_of(rec) == want_findings, name


def test_renderers_and_renderings_counted():
    assert len(RENDERERS) >= 4 and MODELS * len(RENDERERS) >= 300


def test_planted_defects_are_found():
    """The models plant defects, and the checks find them in every shape (so
    the invariance above is not an invariance of empty findings)."""
    rules = set()
    for seed in range(MODELS):
        rules |= {f["rule"] for f in findings_of(expected_record(make_model(random.Random(seed))))}
    assert {"E001", "E002", "M102"} <= rules
