"""Deterministic content of the demo portal, computed lazily: item i of a
department is built when asked for, from (seed, department, i) alone, so a
portal of 20,000 items costs nothing until it is crawled.

`Site` is one portal configuration; `Site.guide(dept_index, i)` builds a clean
guide and then applies the defect planted there (defects.py), returning a
`Guide` that the renderers turn into pages and JSON.
"""
from __future__ import annotations

import functools
import hashlib
import random
import re
from dataclasses import dataclass, field

from . import content as C

FAMILY_TABLE, FAMILY_GBK, FAMILY_SCRIPT = 1, 2, 3
FAMILY_NAMES = {FAMILY_TABLE: "table-utf8", FAMILY_GBK: "hanweb-gbk", FAMILY_SCRIPT: "script-json"}
# Family of the departments, by index (cycled beyond five).
FAMILY_CYCLE = [FAMILY_TABLE, FAMILY_GBK, FAMILY_SCRIPT, FAMILY_TABLE, FAMILY_GBK]
JSON_LISTED_DEPT = 2  # the one department whose listing is a JSON endpoint
BLOCK = 60  # defects are laid out per block of 60 items of a department


@dataclass(frozen=True)
class Department:
    index: int
    code: str
    name: str
    credit: str
    hall: str
    window_prefix: str
    phone_prefix: str
    family: int
    listing: str  # html | json


@dataclass
class FileRef:
    """A download link. `path` is the URL path; `kind` says what /files/ serves
    for it (ok, truncated, empty); other prefixes decide their own answer."""

    path: str
    title: str
    kind: str = "ok"


@dataclass
class Law:
    name: str
    docno: str = ""
    article: str = ""
    content: str = ""

    def text(self) -> str:
        head = f"《{self.name}》" + (f"（{self.docno}）" if self.docno else "") + self.article
        return f"{head}：{self.content}" if self.content else head


@dataclass
class Limit:
    text: str
    days: int | None = None
    unit: str | None = None  # 工作日 | 自然日 | None


@dataclass
class Step:
    name: str
    duration: str | None
    transactor: str = ""
    standard: str = ""
    result: str = ""


@dataclass
class MaterialSpec:
    name: str
    source: str = ""
    original: int | None = None
    copy: int | None = None
    medium: str = ""
    required: str = "必要"
    notes: str = ""
    form: FileRef | None = None
    sample: FileRef | None = None

    def copies_text(self) -> str:
        parts = [f"{label}{n}份" for label, n in (("原件", self.original), ("复印件", self.copy)) if n]
        return "，".join(parts)


@dataclass
class Guide:
    """One guide. A string element that is None is absent; "" is present and empty."""

    dept: Department
    index: int
    code: str
    uuid: str
    name: str | None
    category: str | None = None
    case_type: str | None = None
    power_source: str | None = "法定本级行使"
    target: str | None = None
    conditions: str | None = None
    location: str | None = None
    agency: str | None = None
    hours: str | None = None
    consult_phone: str | None = None
    complaint_phone: str | None = None
    online_depth: str | None = None
    visits: str | None = None
    delivery: str | None = None
    result: str | None = None
    quantity_limit: str | None = "无数量限制"
    intermediary: str | None = "无"
    laws: list[Law] | None = None
    basis_text: str | None = None  # overrides laws when set
    fee_flag: str | None = "不收费"
    fee_items: list[tuple[str, str]] = field(default_factory=list)
    fee_basis: str | None = None
    fee_text: str | None = None  # overrides flag + items when set
    legal: Limit | None = None
    promised: Limit | None = None
    materials: list[MaterialSpec] | None = None
    steps: list[Step] | None = None
    faq: list[tuple[str, str]] | None = None
    result_sample: FileRef | None = None
    policy: FileRef | None = None
    defects: list[str] = field(default_factory=list)
    expected: list[dict] = field(default_factory=list)
    # Where the 在线办理 control leads (handling.py): None the fast /handle/{code},
    # "" no control at all; `journey` names the planted journey kind.
    handle_path: str | None = None
    journey: str | None = None

    @property
    def family(self) -> int:
        return self.dept.family

    @property
    def key(self) -> str:
        return self.code

    @property
    def guide_url(self) -> str:
        if self.family == FAMILY_TABLE:
            return f"/pubtask/task/1/{C.AREA}/{self.uuid}.html"
        if self.family == FAMILY_GBK:
            return f"/bszn.do?id={self.code}"
        return f"/portal/v2/guide/{self.code}"

    @property
    def faq_url(self) -> str | None:
        return f"/pubtask/task/1/{C.AREA}/{self.uuid}_cjwt.html" if self.family == FAMILY_TABLE else None

    @property
    def detail_url(self) -> str | None:
        return f"/api/guide/detail?taskCode={self.code}" if self.family == FAMILY_SCRIPT else None

    @property
    def handle_url(self) -> str:
        return self.handle_path if self.handle_path is not None else f"/handle/{self.code}"

    def basis(self) -> str | None:
        if self.basis_text is not None:
            return self.basis_text
        if self.laws is None:
            return None
        return "；".join(law.text() for law in self.laws)

    def fee(self) -> str | None:
        if self.fee_text is not None:
            return self.fee_text
        if self.fee_flag is None:
            return None
        items = "；".join(f"{n}：{s}" if n and s else n or s for n, s in self.fee_items)
        return f"{self.fee_flag}。{items}" if items else self.fee_flag

    def files(self) -> list[FileRef]:
        out = [f for m in self.materials or [] for f in (m.form, m.sample) if f]
        return out + [f for f in (self.result_sample,) if f]


def _hex(*parts) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


class Site:
    """One portal configuration: the departments and the rule for every item."""

    def __init__(self, departments: int = 5, items_per_department: int = 60, seed: int = 7):
        if departments < 1 or items_per_department < 1:
            raise ValueError("departments and items_per_department must be positive")
        self.n_departments = departments
        self.items_per_department = items_per_department
        self.seed = seed
        self.departments = [self._department(d) for d in range(departments)]
        self._by_code = {d.code: d for d in self.departments}
        self._by_credit = {d.credit: d for d in self.departments}
        self._mask = int(_hex(seed, "uuid-mask")[:12], 16)
        self.guide = functools.lru_cache(maxsize=4096)(self._guide)

    # --- departments -------------------------------------------------------
    def _department(self, d: int) -> Department:
        family = FAMILY_CYCLE[d % len(FAMILY_CYCLE)] if d < 5 else [FAMILY_TABLE, FAMILY_GBK, FAMILY_SCRIPT][d % 3]
        if d < len(C.DEPARTMENTS):
            code, name, credit, hall, window, phone = C.DEPARTMENTS[d]
        else:
            extra = C.EXTRA_DEPARTMENTS[(d - 5) % len(C.EXTRA_DEPARTMENTS)]
            round_ = (d - 5) // len(C.EXTRA_DEPARTMENTS)
            code = extra[0] + (str(round_ + 1) if round_ else "")
            name = extra[1] if not round_ else f"{extra[1]}（第{round_ + 1}分局）"
            base = C.DEPARTMENTS[d % 5]
            credit = f"11350100MB{d:07d}X"
            hall, window, phone = base[3], chr(ord("F") + d % 20), f"87{d % 90 + 10:02d}"
        return Department(d, code, name, credit, hall, window, phone, family,
                          "json" if d == JSON_LISTED_DEPT else "html")

    def department(self, code: str) -> Department | None:
        return self._by_code.get(code)

    # --- item identity -------------------------------------------------------
    def item_code(self, dept: Department, i: int) -> str:
        base = C.BASE_ITEMS[dept.index % 5][(i % 60) // 10]
        cat = "1" if base[1] == "行政许可" else "9"
        return f"{dept.credit}{cat}{i:07d}000"

    def item_uuid(self, dept: Department, i: int) -> str:
        head = _hex(self.seed, dept.index, i, "uuid")
        tail = ((dept.index & 0xFFF) << 36 | (i & 0xFFFFFF) << 12 | int(head[20:23], 16)) ^ self._mask
        h = head[:8] + head[8:12] + "4" + head[13:16] + "a" + head[17:20] + f"{tail:012x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def locate_code(self, code: str) -> tuple[Department, int] | None:
        m = re.fullmatch(r"([0-9A-Z]{18})[19](\d{7})000", code or "")
        if not m or m.group(1) not in self._by_credit:
            return None
        dept, i = self._by_credit[m.group(1)], int(m.group(2))
        if i >= self.items_per_department or self.item_code(dept, i) != code:
            return None
        return dept, i

    def locate_uuid(self, uuid: str) -> tuple[Department, int] | None:
        if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", uuid or ""):
            return None
        x = int(uuid[-12:], 16) ^ self._mask
        d, i = x >> 36, (x >> 12) & 0xFFFFFF
        if d >= self.n_departments or i >= self.items_per_department:
            return None
        dept = self.departments[d]
        return (dept, i) if self.item_uuid(dept, i) == uuid else None

    def items(self, dept: Department) -> range:
        return range(self.items_per_department)

    def item_name(self, dept: Department, i: int) -> str:
        base = C.BASE_ITEMS[dept.index % 5][(i % 60) // 10][0]
        name = f"{base}（{C.VARIANTS[i % 10]}）"
        if i >= 60:
            block = i // 60 - 1
            district = C.DISTRICTS[block % len(C.DISTRICTS)]
            name = f"{district}·{name}" + (f"（{block // len(C.DISTRICTS) + 1}）" if block >= len(C.DISTRICTS) else "")
        return name

    # --- the guide -----------------------------------------------------------
    def _guide(self, d: int, i: int) -> Guide:
        from .defects import apply_defect, kind_at

        dept = self.departments[d]
        guide = self._clean_guide(dept, i)
        kind = kind_at(self, d, i)
        if kind:
            apply_defect(guide, kind, random.Random(f"{self.seed}:{dept.code}:{i}:defect"))
        else:
            from .handling import apply_journey, journey_kind_at

            journey = journey_kind_at(self, d, i)
            if journey:
                apply_journey(guide, journey)
        return guide

    def _clean_guide(self, dept: Department, i: int) -> Guide:
        rng = random.Random(f"{self.seed}:{dept.code}:{i}")
        (base_name, category, result, legal_days, law, conditions, specifics, fee) = \
            C.BASE_ITEMS[dept.index % 5][(i % 60) // 10]
        code = self.item_code(dept, i)
        name = self.item_name(dept, i)
        window = f"{dept.window_prefix}{rng.randint(1, 30)}号窗口" if dept.family != FAMILY_GBK else f"{rng.randint(1, 30)}号窗口"
        g = Guide(dept=dept, index=i, code=code, uuid=self.item_uuid(dept, i), name=name, category=category,
                  target=rng.choice(C.TARGETS), conditions=conditions, location=dept.hall + window,
                  agency=dept.name, hours=rng.choice(C.HOURS), result=result)
        local = f"{dept.phone_prefix}{rng.randint(1000, 9999)}"
        g.consult_phone = rng.choice(C.PHONE_FORMATS).format(area=C.AREA_CODE, local=local)
        g.complaint_phone = "12345" if rng.random() < 0.7 else f"{C.AREA_CODE}-8{rng.randint(3000000, 7999999)}"
        g.laws = [Law(*law)]
        if rng.random() < 0.4:
            g.laws.append(Law("福建省行政审批事项目录管理办法", "闽政〔2019〕11号", "第八条",
                              "列入目录的事项应当按照办事指南规定的条件、材料和时限办理。"))
        if fee:
            g.fee_flag, g.fee_items, g.fee_basis = "收费", [(fee[0], fee[1])], fee[2]
        # limits and process: a 即办件 now and then, otherwise a 承诺件 whose steps add up
        if rng.random() < 0.12:
            g.case_type = "即办件"
            g.promised = Limit("即办")
            g.legal = Limit(_legal_text(legal_days, rng), legal_days, "工作日")
            g.steps = [Step(n, None, *C.PROCESS_TRANSACTORS[n]) for n in ("受理", "审查", "决定", "办结", "送达")]
        else:
            promised = rng.choice([p for p in (5, 7, 10) if p <= legal_days])
            g.case_type = "承诺件"
            g.promised = Limit(f"{promised}个工作日", promised, "工作日")
            g.legal = Limit(_legal_text(legal_days, rng), legal_days, "工作日")
            g.steps = make_steps(promised, rng.choice(["办结", "制证"]))
        depth = rng.choice([("Ⅳ级", "0次", "邮寄送达"), ("Ⅲ级", "1次", "窗口领取"),
                            ("Ⅲ级", "0次", "邮寄送达"), ("Ⅱ级", "2次", "窗口领取")])
        g.online_depth, g.visits, g.delivery = depth
        # materials: the application form (with blank form and sample), identity, specifics
        form_ext = rng.choice(["docx", "xlsx"])
        sample_ext = rng.choice(["pdf", "docx"])
        form_name = f"{base_name}书" if base_name.endswith("申请") else f"{base_name}申请表"
        g.materials = [
            MaterialSpec(form_name, "申请人自备", 1, None, "原件", "必要", "申请人签字并加盖公章",
                         FileRef(f"/files/{code}_1kb.{form_ext}", f"{form_name}（空表）.{form_ext}"),
                         FileRef(f"/files/{code}_1yb.{sample_ext}", f"{form_name}（样表）.{sample_ext}")),
            MaterialSpec("营业执照" if "企业" in g.target else "居民身份证", "政府部门核发", 1, None,
                         "原件", "必要", "核验后退还"),
        ]
        for mname, source, medium, notes in specifics:
            g.materials.append(MaterialSpec(mname, source, 1, None, medium, "必要", notes))
        g.result_sample = FileRef(f"/files/{code}_jg.pdf", f"{result}（样本）.pdf")
        g.policy = FileRef(f"/zcwj/{code}.html", f"《{law[0]}》全文")
        pool = [(q.format(name=base_name, result=result), a.format(name=base_name, result=result))
                for q, a in C.FAQ_POOL]
        g.faq = rng.sample(pool, rng.choice([3, 4]))
        return g


def _legal_text(days: int, rng: random.Random) -> str:
    """Most portals write digits; some write the statute's Chinese numerals."""
    if rng.random() < 0.25 and days in C.CN_NUMBERS:
        return f"{C.CN_NUMBERS[days]}个工作日"
    return f"{days}个工作日"


def make_steps(total: int, finish: str = "办结") -> list[Step]:
    """Five steps whose working-day durations add up to `total` (>= 5)."""
    review = (total - 3) // 2 + (total - 3) % 2
    decide = total - 3 - review
    plan = [("受理", 1), ("审查", review), ("决定", decide), (finish, 1), ("送达", 1)]
    if decide == 0:
        plan = [("受理", 1), ("审查", review), ("决定", 1), (finish, 1), ("送达", total - 2 - review)]
    return [Step(n, f"{d}个工作日", *C.PROCESS_TRANSACTORS[n]) for n, d in plan]
