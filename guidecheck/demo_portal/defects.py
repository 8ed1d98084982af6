"""Planted defects: what each kind changes in a clean guide and which findings
it must produce, and where the kinds are laid out.

Every kind is planted in two departments (of different layout families where
possible), at item slots drawn from the seed inside each block of 60 items of
that department; all other items are clean and must produce no finding.

Expected findings use the shape of `Finding.to_json()` minus message and
evidence: {"rule", "element", "material"? , "outcome"}; link kinds add "url"
(the path of the link, made absolute by `Portal.manifest()`).
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from .data import BLOCK, FAMILY_GBK, FAMILY_SCRIPT, FAMILY_TABLE, Guide, Law, Limit, MaterialSpec, Site, make_steps

ALL = (FAMILY_TABLE, FAMILY_GBK, FAMILY_SCRIPT)


def expect(rule: str, element: str | None, material: int | None = None, outcome: str = "fail",
           url: str | None = None) -> dict:
    out = {"rule": rule, "element": element}
    if material is not None:
        out["material"] = material
    out["outcome"] = outcome
    if url is not None:
        out["url"] = url
    return out


@dataclass(frozen=True)
class Kind:
    name: str
    families: tuple[int, ...]
    apply: Callable[[Guide, random.Random], list[dict]]
    what: str  # one Chinese line for docs and the manifest


def _promise(g: Guide, days: int) -> None:
    """Make the guide a 承诺件 of `days` working days whose steps add up."""
    g.case_type = "承诺件"
    g.promised = Limit(f"{days}个工作日", days, "工作日")
    g.steps = make_steps(days)


def _e001(g, rng):
    keys = rng.sample(["conditions", "basis", "location", "hours", "consult_phone"], rng.choice([1, 2]))
    empty = rng.random() < 0.5  # the label printed with nothing after it
    for key in keys:
        if key == "basis":
            g.laws, g.basis_text, g.policy = None, ("" if empty else None), None
        else:
            setattr(g, key, "" if empty else None)
    return [expect("E001", k) for k in sorted(keys)]


def _e002(g, rng):
    key = rng.choice(["complaint_phone", "legal_limit", "visits", "case_type"])
    if key == "legal_limit":
        g.legal = None
    else:
        setattr(g, key, None)
    return [expect("E002", key)]


def _e003(g, rng):
    g.conditions = rng.choice(["详见附件", "无", "暂无"])
    return [expect("E003", "conditions")]


VAGUE = ["其他相关材料", "相关证明材料", "根据有关法律法规规定应提交的其他材料", "审批机关认为必要的其他材料"]


def _m101(g, rng):
    out = []
    for name in rng.sample(VAGUE, rng.choice([1, 2])):
        out.append(expect("M101", "materials", len(g.materials)))
        g.materials.append(MaterialSpec(name, "申请人自备", 1, None, "纸质", "非必要", "按实际情况提供"))
    return out


def _other_material(g, rng) -> int:
    return rng.randrange(1, len(g.materials))


def _m102(g, rng):
    # no source anywhere: the notes must not name an issuer (出具, 核发 …) either
    k = _other_material(g, rng)
    g.materials[k].source = ""
    g.materials[k].notes = "在有效期内"
    return [expect("M102", "materials", k)]


def _m103(g, rng):
    k = _other_material(g, rng)
    g.materials[k].original = g.materials[k].copy = None
    return [expect("M103", "materials", k)]


def _m104(g, rng):
    # no medium anywhere: not in the medium field, nor as 原件/复印件 in the copies
    # (the count moves to the notes, so M103 stays satisfied)
    k = _other_material(g, rng)
    m = g.materials[k]
    m.medium, m.original, m.copy = "", None, None
    m.notes = "提交1份"
    return [expect("M104", "materials", k)]


def _m105(g, rng):
    g.materials[0].form = None
    return [expect("M105", "materials", 0)]


def _m106(g, rng):
    g.materials[0].sample = None
    return [expect("M106", "materials", 0)]


def _m107(g, rng):
    m = g.materials[1]
    m.name, m.medium = rng.choice([(m.name + "复印件", "复印件"), (m.name + "原件及复印件", "原件")])
    if m.medium == "复印件":
        m.original, m.copy = None, 1
    return [expect("M107", "materials", 1)]


def _m108(g, rng):
    g.materials = []
    return [expect("M108", "materials")]


def _p201(g, rng):
    g.consult_phone = rng.choice(["请拨打本单位咨询电话", "详询窗口工作人员"])
    return [expect("P201", "consult_phone")]


def _p202(g, rng):
    g.consult_phone = f"{g.dept.phone_prefix}{rng.randint(1000, 9999)}"
    g.complaint_phone = "12345"
    return [expect("P202", "consult_phone")]


def _p203(g, rng):
    g.consult_phone = f"0591-{g.dept.phone_prefix}{rng.randint(100, 999)}"  # 7 digits: Fuzhou has 8
    g.complaint_phone = "12345"
    return [expect("P203", "consult_phone")]


def _p204(g, rng):
    g.complaint_phone = g.consult_phone
    return [expect("P204", "complaint_phone")]


def _t301(g, rng):
    if g.case_type == "即办件":
        _promise(g, 7)
    if rng.random() < 0.5:
        g.legal = Limit(f"{g.legal.days}日", g.legal.days, None)
        return [expect("T301", "legal_limit")]
    days = g.promised.days
    g.promised = Limit(f"{days}天", days, None)
    return [expect("T301", "promised_limit")]


def _t302(g, rng):
    _promise(g, g.legal.days + 10)
    return [expect("T302", "promised_limit")]


def _t303(g, rng):
    g.case_type = "承诺件"
    g.promised = Limit("按规定时限办结")
    for step in g.steps:
        step.duration = None
    # no step states its time either: R703 is a true finding of the same page
    return [expect("T303", "promised_limit"), expect("R703", "process")]


def _t304(g, rng):
    if g.case_type == "即办件":
        _promise(g, 7)
    review = g.steps[1]
    review.duration = f"{int(review.duration.split('个')[0]) + rng.choice([2, 3])}个工作日"
    return [expect("T304", "process")]


def _street_part(hall: str) -> str:
    return re.match(r".*?号", hall).group(0)


def _l401(g, rng):
    g.location = f"福州市市民服务中心{rng.randint(1, 3)}楼{rng.randint(1, 30)}号窗口"
    return [expect("L401", "location")]


def _l402(g, rng):
    g.location = _street_part(g.dept.hall)
    return [expect("L402", "location")]


def _l403(g, rng):
    g.hours = rng.choice(["工作日", "法定工作时间"])
    return [expect("L403", "hours")]


def _b501(g, rng):
    g.laws = [Law(law.name, law.docno) for law in g.laws]
    return [expect("B501", "basis")]


def _f601(g, rng):
    g.fee_flag, g.fee_items, g.fee_basis = None, [], None
    g.fee_text = "按国家有关规定执行"
    return [expect("F601", "fee")]


def _f602(g, rng):
    g.fee_flag, g.fee_items = "收费", []
    g.fee_basis = "《福建省物价局关于规范行政事业性收费的通知》（闽价费〔2018〕45号）"
    return [expect("F602", "fee")]


def _f603(g, rng):
    g.fee_flag, g.fee_items, g.fee_basis = "收费", [("证书工本费", "每本10元")], None
    return [expect("F603", "fee")]


def _r701(g, rng):
    if g.case_type == "即办件":
        _promise(g, 7)
    send = g.steps.pop()  # 送达
    review = g.steps[1]
    review.duration = f"{int(review.duration.split('个')[0]) + int(send.duration.split('个')[0])}个工作日"
    return [expect("R701", "process")]


def _c801(g, rng):
    g.online_depth, g.visits, g.delivery = "Ⅳ级", rng.choice(["1次", "2次"]), "窗口领取"
    return [expect("C801", "visits")]


def _c802(g, rng):
    if g.case_type == "即办件" or rng.random() < 0.5:
        _promise(g, 5)
        g.case_type = "即办件"  # 即办件 that takes five working days
    else:
        g.case_type = "承诺件"
        g.promised = Limit("即办")
        for step in g.steps:
            step.duration = None
    return [expect("C802", "case_type")]


def _q901(g, rng):
    g.faq = g.faq[:2]
    return [expect("Q901", "faq")]


def _q902(g, rng):
    g.faq = g.faq[:3] + [(g.faq[0][0], "同上，请参照第一条解答办理。")]
    return [expect("Q902", "faq")]


# --- link defects (the rules that need the network) ---------------------------

def _link(prefix: str, which: str, rule: str, outcome: str = "fail", ext: str | None = None,
          kind: str | None = None, move: str | None = None):
    def apply(g, rng):
        m = g.materials[0]
        ref = m.form if which == "form" else m.sample
        if ext:
            ref.path = re.sub(r"\.\w+$", f".{ext}", ref.path)
            ref.title = re.sub(r"\.\w+$", f".{ext}", ref.title)
        if kind:
            ref.kind = kind
        if move:
            ref.path = move.format(name=ref.path.rsplit("/", 1)[1])
        ref.path = prefix + ref.path
        return [expect(rule, "materials", 0, outcome, url=ref.path)]
    return apply


def _m109(g, rng):
    i = len(g.materials) - 1
    g.materials[i].notes = rng.choice(["", "无"])
    return [expect("M109", "materials", i)]


def _m110(g, rng):
    g.materials.append(MaterialSpec(rng.choice(["房产证", "驾照"]), source="申请人自备", original=1, copy=1,
                                    medium="原件", notes="查验原件，复印件加盖申请人签章"))
    return [expect("M110", "materials", len(g.materials) - 1)]


def _c803(g, rng):
    for step in g.steps:
        step.standard = step.standard.replace("网上申请或窗口提交的", "")
    return [expect("C803", "process")]


def _q903(g, rng):
    q, _ = g.faq[1]
    g.faq[1] = (q, rng.choice(["暂无", "无"]))
    return [expect("Q903", "faq")]


def _i101(g, rng):
    g.intermediary = "需委托技术服务机构编制环境影响报告表"
    return [expect("I101", "intermediary")]


KINDS: list[Kind] = [
    Kind("E001", ALL, _e001, "缺少关键要素（整行删除或只有标签无内容）"),
    Kind("E002", ALL, _e002, "缺少监督电话、法定时限、到现场次数或办件类型"),
    Kind("E003", ALL, _e003, "申请条件只写“详见附件”“无”“暂无”"),
    Kind("M101", ALL, _m101, "材料名称为“其他相关材料”等兜底表述（1至2条）"),
    Kind("M102", ALL, _m102, "某材料来源渠道为空"),
    Kind("M103", ALL, _m103, "某材料份数为空"),
    Kind("M104", ALL, _m104, "某材料介质要求为空"),
    Kind("M105", ALL, _m105, "申请表无空表下载"),
    Kind("M106", ALL, _m106, "申请表无样表下载"),
    Kind("M107", ALL, _m107, "材料名称写“复印件”“原件及复印件”"),
    Kind("M108", ALL, _m108, "申请材料栏目存在但没有任何材料"),
    Kind("P201", ALL, _p201, "咨询电话不是号码"),
    Kind("P202", ALL, _p202, "咨询电话缺少区号"),
    Kind("P203", ALL, _p203, "咨询电话位数错误（福州为8位）"),
    Kind("P204", ALL, _p204, "监督电话与咨询电话相同"),
    Kind("T301", ALL, _t301, "法定或承诺时限写“20日”“7天”"),
    Kind("T302", ALL, _t302, "承诺时限长于法定时限"),
    Kind("T303", ALL, _t303, "承诺时限写“按规定时限办结”"),
    Kind("T304", ALL, _t304, "流程各环节时限之和与承诺时限不符"),
    Kind("L401", ALL, _l401, "办理地点无路名门牌"),
    Kind("L402", ALL, _l402, "办理地点无楼层、房间或窗口号"),
    Kind("L403", ALL, _l403, "办理时间只写“工作日”“法定工作时间”"),
    Kind("B501", ALL, _b501, "设定依据只列文件名，无条款"),
    Kind("F601", ALL, _f601, "收费标准写“按国家有关规定执行”，未说明是否收费"),
    Kind("F602", ALL, _f602, "收费但无金额标准"),
    Kind("F603", ALL, _f603, "收费但无收费依据"),
    Kind("R701", ALL, _r701, "办理流程缺少送达环节"),
    Kind("C801", ALL, _c801, "网办深度Ⅳ级却要到现场"),
    Kind("C802", ALL, _c802, "即办件承诺5个工作日，或承诺件承诺即办"),
    Kind("Q901", ALL, _q901, "常见问题只有2条"),
    Kind("Q902", ALL, _q902, "常见问题重复"),
    Kind("M109", ALL, _m109, "某材料填报须知为空或只写“无”"),
    Kind("M110", ALL, _m110, "材料名称写“房产证”“驾照”等非标准证照名称"),
    Kind("C803", ALL, _c803, "网办深度Ⅱ级以上，办理流程却没有任何网上办理环节"),
    Kind("Q903", ALL, _q903, "常见问题的答案只写“暂无”“无”"),
    Kind("I101", ALL, _i101, "需要中介服务，却未写依据、查询链接或3家以上中介机构"),
    Kind("link-dead", ALL, _link("", "form", "K001", move="/files/2019/{name}", ext="doc"), "空表链接404"),
    Kind("link-soft404", ALL, _link("", "sample", "K002", move="/upload/{name}"), "样表链接返回200的“页面不存在”页"),
    Kind("link-not-file", ALL, _link("", "form", "K003", ext="doc", move="/attach/{name}"), "空表链接(.doc)返回HTML页面"),
    Kind("link-truncated-docx", ALL, _link("", "form", "K004", ext="docx", kind="truncated"), "空表为截断的docx"),
    Kind("link-truncated-xlsx", ALL, _link("", "form", "K004", ext="xlsx", kind="truncated"), "空表为截断的xlsx"),
    Kind("link-empty-pdf", ALL, _link("", "sample", "K004", ext="pdf", kind="empty"), "样表为0字节的pdf"),
    Kind("link-slow", ALL, _link("/slow", "form", "K001", "needs_review"), "空表链接30秒后才应答（超时，待人工复核）"),
    Kind("link-waf", ALL, _link("/waf", "sample", "K001", "needs_review"), "样表链接返回403防火墙拦截页（待人工复核）"),
    Kind("link-429", ALL, _link("/busy", "form", "K001", "needs_review"), "空表链接返回429请求过多（待人工复核）"),
]
KIND_BY_NAME = {k.name: k for k in KINDS}


def apply_defect(g: Guide, kind: str, rng: random.Random) -> None:
    g.defects.append(kind)
    g.expected.extend(KIND_BY_NAME[kind].apply(g, rng))


def dept_kinds(site: Site, d: int) -> list[str]:
    """The kinds planted in department d (once per block of 60 items)."""
    cache = site.__dict__.setdefault("_dept_kinds", {})
    if d not in cache:
        per: dict[int, list[str]] = {i: [] for i in range(site.n_departments)}
        for j, kind in enumerate(KINDS):
            cands = [x.index for x in site.departments if x.family in kind.families]
            if not cands:
                continue
            for pick in dict.fromkeys((cands[j % len(cands)], cands[(j + 1) % len(cands)])):
                per[pick].append(kind.name)
        cache.update(per)
    return cache[d]


def kind_at(site: Site, d: int, i: int) -> str | None:
    cache = site.__dict__.setdefault("_slots", {})
    block = i // BLOCK
    if (d, block) not in cache:
        kinds = dept_kinds(site, d)
        slots = random.Random(f"{site.seed}:{site.departments[d].code}:block{block}").sample(range(BLOCK), BLOCK)
        cache[(d, block)] = dict(zip(slots, kinds))
    return cache[(d, block)].get(i % BLOCK)
