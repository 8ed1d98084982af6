"""The guide content model: what a reader of a guide sees, independent of markup.

`generate(seed)` builds one guide from a seeded RNG: every element of
spec/elements.md, materials with all their fields, process steps with handler
and duration, an FAQ, and a few planted defects (`Guide.defects`), each naming
the finding it must produce.

Values are stored in their canonical form (Arabic numerals, "0591-87654321");
renderers may write them differently (Chinese numerals, other phone
separators) and compare.py maps both back to the canonical form.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import wording as W

MATERIAL_FIELDS = ("name", "source", "copies", "medium", "required", "form_url", "sample_url", "notes")

# Text elements, in the order a portal usually prints them (materials,
# process and faq are structured and rendered as their own blocks).
TEXT_ORDER = ("name", "code", "category", "power_source", "agency", "case_type", "target", "basis",
              "conditions", "legal_limit", "promised_limit", "visits", "online_depth", "fee", "fee_basis",
              "location", "hours", "consult_phone", "complaint_phone", "delivery", "result", "result_sample",
              "quantity_limit", "intermediary")
STRUCTURED = ("materials", "process", "faq")


@dataclass
class MaterialSpec:
    name: str
    source: str | None = None
    copies: str | None = None
    medium: str | None = None
    required: str | None = None
    form_url: str | None = None
    sample_url: str | None = None
    notes: str | None = None

    def fields(self) -> dict[str, str]:
        return {k: v for k in MATERIAL_FIELDS if (v := getattr(self, k)) is not None}


@dataclass
class StepSpec:
    name: str
    handler: str
    content: str
    duration: str


@dataclass
class Phone:
    """A phone element: landlines as (area, local), other numbers as written."""
    numbers: list[tuple[str, str]]

    def canonical(self) -> str:
        return "、".join(f"{a}-{n}" if a else n for a, n in self.numbers)


@dataclass
class Defect:
    """A planted problem and the finding (rule, element, material) it must give."""
    kind: str
    rule: str
    element: str
    material: int | None = None


@dataclass
class Guide:
    seed: int
    elements: dict[str, str]           # text elements, canonical values
    phones: dict[str, Phone]           # consult_phone / complaint_phone, structured
    materials: list[MaterialSpec]
    steps: list[StepSpec]
    faq: list[tuple[str, str]]
    defects: list[Defect] = field(default_factory=list)
    city: tuple = ()
    blank: list[str] = field(default_factory=list)  # elements removed by a defect (a page may print their bare label)

    def has(self, key: str) -> bool:
        if key == "materials":
            return True
        if key == "process":
            return bool(self.steps)
        if key == "faq":
            return bool(self.faq)
        return key in self.elements


def _code(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(12))


def _local(rng: random.Random, length: int) -> str:
    return rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(length - 1))


def _materials(rng: random.Random, item, form_base: str) -> list[MaterialSpec]:
    name, _agency, _cat, _result, form_name, _law, _art = item
    slug = f"{form_base}-{rng.randrange(1000, 9999)}"
    out = [MaterialSpec(form_name, "申请人自备", "1份", "原件", "必要",
                        f"/bszn/file/{slug}-kb.docx", f"/bszn/file/{slug}-yb.docx", rng.choice(W.NOTES))]
    docs = rng.sample(W.DOCUMENTS, rng.randint(2, 4))
    for doc, source, medium in docs:
        out.append(MaterialSpec(doc, source, rng.choice(W.COPIES), medium, rng.choice(["必要", "必要", "非必要"]),
                                notes=rng.choice(W.NOTES)))
    if rng.random() < 0.4:
        form, source, medium = rng.choice(W.MORE_FORMS)
        s2 = f"{form_base}-{rng.randrange(1000, 9999)}"
        out.insert(rng.randint(1, len(out)), MaterialSpec(form, source, "1份", medium, "非必要",
                                                         f"/bszn/file/{s2}-kb.doc", f"/bszn/file/{s2}-yb.doc",
                                                         rng.choice(W.NOTES)))
    return out


def _steps(rng: random.Random) -> tuple[list[StepSpec], int]:
    steps, total = [], 0
    for i, (names, handlers, content) in enumerate(W.STAGES):
        if i in (0, 4) and rng.random() < 0.5:
            duration = "即办"
        else:
            days = rng.randint(1, 3)
            total += days
            duration = f"{days}个工作日"
        steps.append(StepSpec(rng.choice(names), rng.choice(handlers), content, duration))
    return steps, total


DEFECT_KINDS = ("vague_material", "no_area_code", "missing_key", "missing_required", "unit_unclear",
                "promised_exceeds", "no_room", "vague_hours", "basis_no_article", "medium_in_name",
                "no_source", "no_sample", "few_faq", "same_phones", "stage_missing", "steps_mismatch",
                "depth_contradiction", "case_type_contradiction", "faq_duplicate", "placeholder")


def generate(seed: int) -> Guide:
    rng = random.Random(f"guide-{seed}")
    item = rng.choice(W.ITEMS)
    city = rng.choice(W.CITIES)
    cname, district, area, length, road, centre = city
    name, agency, category, result, form_name, law, article = item
    level = rng.choice(["市", district])
    agency = f"{cname}{agency}" if level == "市" else f"{cname}{district}{agency}"
    steps, total = _steps(rng)
    legal = rng.choice([20, 30, 60])
    window = rng.randint(1, 40)
    el = {
        "name": name,
        "code": _code(rng),
        "category": category,
        "power_source": rng.choice(W.POWER_SOURCES),
        "agency": agency,
        "case_type": "承诺件",
        "target": rng.choice(W.CATEGORY_TARGETS),
        "basis": f"{law}{article}" + ("".join(rng.choice(W.SECOND_LAWS)) if rng.random() < 0.3 else ""),
        "conditions": rng.choice(W.CONDITIONS),
        "legal_limit": f"{legal}个工作日",
        "promised_limit": f"{total}个工作日",
        "visits": "1次",
        "online_depth": rng.choice(["Ⅲ级", "三级"]),
        "fee": rng.choice(W.FEE_FREE),
        "fee_basis": "无",
        "location": f"{cname}{district}{road}{centre}{rng.choice(W.FLOORS).format(w=window)}",
        "hours": rng.choice(W.HOURS_GOOD),
        "delivery": "窗口领取",
        "result": result,
        "result_sample": f"{result}（样本）",
        "quantity_limit": rng.choice(W.QUANTITY),
        "intermediary": "无",
    }
    consult = [(area, _local(rng, length))] + ([(area, _local(rng, length))] if rng.random() < 0.2 else [])
    phones = {"consult_phone": Phone(consult),
              "complaint_phone": Phone([("", "12345")] if rng.random() < 0.5 else [(area, _local(rng, length))])}
    materials = _materials(rng, item, f"f{seed}")
    faq_pairs = rng.sample(W.FAQ_POOL, rng.randint(3, 4))
    faq = [(q.format(item=name, result=result), a) for q, a in faq_pairs]
    guide = Guide(seed, el, phones, materials, steps, faq, city=city)
    for kind in rng.sample(DEFECT_KINDS, rng.randint(1, 3)):
        _plant(guide, kind, rng)
    if any(d.kind == "same_phones" for d in guide.defects):
        guide.phones["complaint_phone"] = Phone(list(guide.phones["consult_phone"].numbers))
    for key, phone in guide.phones.items():
        guide.elements[key] = phone.canonical()
    return guide


def _plant(g: Guide, kind: str, rng: random.Random) -> None:
    """Change the guide so it holds one defect, and record the finding it must give."""
    el, mats = g.elements, g.materials
    if kind == "vague_material":
        i = len(mats)
        mats.append(MaterialSpec(rng.choice(W.VAGUE_MATERIALS), "申请人自备", "1份", "复印件", "非必要",
                                 notes=rng.choice(W.NOTES)))
        g.defects.append(Defect(kind, "M101", "materials", i))
    elif kind == "no_area_code":
        area, local = g.phones["consult_phone"].numbers[0]
        g.phones["consult_phone"] = Phone([("", local or "87654321")])
        g.defects.append(Defect(kind, "P202", "consult_phone"))
    elif kind == "missing_key":
        key = rng.choice(["conditions", "hours", "basis"])
        if key in el:
            _drop(g, key)
            g.defects.append(Defect(kind, "E001", key))
    elif kind == "missing_required":
        key = rng.choice(["code", "visits", "case_type"])
        if key in el:
            _drop(g, key)
            g.defects.append(Defect(kind, "E002", key))
    elif kind == "unit_unclear":
        if "legal_limit" in el and not any(d.kind == "promised_exceeds" for d in g.defects):
            el["legal_limit"] = el["legal_limit"].replace("个工作日", rng.choice(["日", "天"]))
            g.defects.append(Defect(kind, "T301", "legal_limit"))
    elif kind == "promised_exceeds":
        if el.get("legal_limit", "").endswith("个工作日"):
            legal = int(el["legal_limit"][:-4])
            el["promised_limit"] = f"{legal + rng.choice([5, 10])}个工作日"
            g.defects.append(Defect(kind, "T302", "promised_limit"))
    elif kind == "no_room":
        if any(d.element == "location" for d in g.defects):
            return
        city = g.city
        el["location"] = f"{city[0]}{city[1]}{city[4]}"
        g.defects.append(Defect(kind, "L402", "location"))
    elif kind == "vague_hours":
        if "hours" in el:
            el["hours"] = rng.choice(W.HOURS_VAGUE)
            g.defects.append(Defect(kind, "L403", "hours"))
    elif kind == "basis_no_article":
        if "basis" in el:
            law = el["basis"].split("》")[0] + "》"
            el["basis"] = f"{law}及相关规定"
            g.defects.append(Defect(kind, "B501", "basis"))
    elif kind == "medium_in_name":
        i = _free_material(g, rng)
        mats[i] = MaterialSpec(rng.choice(W.MEDIUM_IN_NAME), "申请人自备", "1份", "复印件", "必要",
                               notes=rng.choice(W.NOTES))
        g.defects.append(Defect(kind, "M107", "materials", i))
    elif kind == "no_source":
        i = _free_material(g, rng)
        mats[i].source = None
        mats[i].notes = rng.choice(W.NOTES[:4])
        g.defects.append(Defect(kind, "M102", "materials", i))
    elif kind == "no_sample":
        mats[0].sample_url = None
        g.defects.append(Defect(kind, "M106", "materials", 0))
    elif kind == "few_faq":
        g.faq = g.faq[:2]
        g.defects.append(Defect(kind, "Q901", "faq"))
    elif kind == "same_phones":  # the complaint number is copied once all defects are planted
        g.defects.append(Defect(kind, "P204", "complaint_phone"))
    elif kind == "depth_contradiction":
        if "visits" in el and el.get("online_depth"):
            el["online_depth"] = rng.choice(["Ⅳ级", "四级"])
            g.defects.append(Defect(kind, "C801", "visits"))
    elif kind == "case_type_contradiction":
        if "case_type" in el:
            el["case_type"] = "即办件"
            g.defects.append(Defect(kind, "C802", "case_type"))
    elif kind == "faq_duplicate":  # the second question repeats the first (the count stays)
        g.faq[1] = (g.faq[0][0], g.faq[1][1])
        g.defects.append(Defect(kind, "Q902", "faq"))
    elif kind == "placeholder":
        key = rng.choice(["conditions", "location"])
        if key in el and not any(d.element == key for d in g.defects):
            el[key] = rng.choice(W.PLACEHOLDERS)
            g.defects.append(Defect(kind, "E003", key))
    elif kind == "stage_missing":
        if len(g.steps) == 5:
            dropped = g.steps.pop(rng.choice([1, 2, 4]))
            _resum(g, dropped)
            g.defects.append(Defect(kind, "R701", "process"))
    elif kind == "steps_mismatch":
        if el.get("promised_limit", "").endswith("个工作日") and not any(d.kind == "promised_exceeds" for d in g.defects):
            days = int(el["promised_limit"][:-4])
            el["promised_limit"] = f"{days + rng.randint(1, 3)}个工作日"
            g.defects.append(Defect(kind, "T304", "process"))


def _drop(g: Guide, key: str) -> None:
    """Remove an element, and the defects planted in it (an absent element gets E001/E002 only)."""
    del g.elements[key]
    g.blank.append(key)
    g.defects[:] = [d for d in g.defects if d.element != key]


def _free_material(g: Guide, rng: random.Random) -> int:
    """A material other than the first form that no planted defect is about yet."""
    taken = {d.material for d in g.defects}
    free = [i for i in range(1, len(g.materials)) if i not in taken]
    return rng.choice(free)


def _resum(g: Guide, dropped: StepSpec) -> None:
    """Keep the step durations adding up to the promised limit after a step is dropped."""
    el = g.elements
    if dropped.duration.endswith("个工作日") and el.get("promised_limit", "").endswith("个工作日"):
        if any(d.kind in ("promised_exceeds", "steps_mismatch") for d in g.defects):
            return
        el["promised_limit"] = f"{int(el['promised_limit'][:-4]) - int(dropped.duration[:-4])}个工作日"
