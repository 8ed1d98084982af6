"""Case files: each offline rule's passing and failing examples, as data
(`element_rules/cases/<CODE>.yaml`, in the manner of sqlfluff's rule cases).

    rule: M101
    cases:
      - id: vague_other_materials          # test id M101_vague_other_materials
        note: 其他相关材料 names no document  # optional, shown by `guidecheck rules`
        record:                            # a GuideRecord as a dict (record_from_dict)
          elements: {name: 事项, …}
          materials: [{name: 其他相关材料}]
          process_steps: [{name: 受理, duration: 1个工作日}]
          faq: [{question: …, answer: …}]
          links: [{url: …, role: form, material: 0}]
          present: [materials]
        context: {required_elements: [visits]}   # optional (E002)
        expect: [{material: 0}]            # findings of THIS rule; [] means the record passes

An expected finding gives a subset of the fields rule, element, material,
outcome, evidence, message; `evidence_contains` / `message_contains` match
a part. The findings must match the expected ones one to one, in any order.

A rule judged over a department's guides together (C804, `needs: department`)
takes `records:` (a list of records) instead of `record:`, and an expected
finding may name the record it belongs to (`record: 2`, 0-based):

      - id: one_code_shorter
        records: [{elements: {code: …}}, {elements: {code: …}}, …]
        expect: [{record: 3, outcome: fail}]

A record may carry `homepage:` (a HomepageObservation as a dict, H rules) or
`journey:` (a JourneyResult as a dict, J rules): what the browser phases saw.

A case file of another form (S001/S002: `pairs:` of a portal and another
channel's records, run by guidecheck/compare) has no `cases:` and gives no
case here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..catalog import CASE_DIR
from ..errors import CatalogError
from ..model import FaqPair, FetchProblem, Finding, GuideRecord, Link, LinkResult, Material, ProcessStep

FINDING_FIELDS = {"rule", "element", "material", "outcome", "evidence", "message"}
EXPECT_FIELDS = FINDING_FIELDS | {"evidence_contains", "message_contains", "record"}
RECORD_FIELDS = {"source", "url", "elements", "materials", "process_steps", "faq", "links", "present", "family",
                 "link_results", "journey", "homepage", "fetch_problem", "uncertain"}


class CaseNaming:
    """What every case file's case has by its `code`, `id` and `expect`: its test id,
    and whether it expects no finding (pair cases of compare/cases.py too)."""

    @property
    def test_id(self) -> str:
        return f"{self.code}_{self.id}"

    @property
    def passing(self) -> bool:
        return not self.expect


@dataclass
class Case(CaseNaming):
    code: str
    id: str
    record: dict | None
    expect: list[dict]
    note: str = ""
    context: dict = field(default_factory=dict)
    records: list[dict] | None = None  # a department's records (department rules)

    def guide(self) -> GuideRecord:
        return record_from_dict(self.record, source=f"cases/{self.code}.yaml#{self.id}")

    def guides(self) -> list[GuideRecord]:
        return [record_from_dict(r, source=f"cases/{self.code}.yaml#{self.id}/{n}")
                for n, r in enumerate(self.records or [])]

    def check_context(self):
        from .registry import CheckContext

        return CheckContext(self.context.get("required_elements"), self.context.get("licence_catalog"))

    def run(self) -> list[Finding]:
        """The rule's findings; for a department rule each carries `record`, its record's index."""
        from .registry import run_checks, run_department_checks

        if self.records is not None:
            out = []
            for index, found in run_department_checks(self.guides(), [self.code], self.check_context()):
                found.record = index  # for compare(); not a field reports read
                out.append(found)
            return out
        return run_checks(self.guide(), [self.code], self.check_context())

    def describe(self) -> str:
        """One line for `guidecheck rules CODE`: the note, or the elements and materials the case gives."""
        if self.note:
            return self.note
        if self.records is not None:
            return "；".join(str((r.get("elements") or {}).get("code", "")) for r in self.records)
        parts = [f"{k}={v}" for k, v in (self.record.get("elements") or {}).items()]
        parts += [f"材料={m.get('name', '')}" for m in self.record.get("materials") or []]
        parts += [f"环节={s.get('name', '')}:{s.get('duration', '')}" if isinstance(s, dict) else f"环节={s}"
                  for s in self.record.get("process_steps") or []]
        parts += [f"问={q.get('question', '') if isinstance(q, dict) else q}" for q in self.record.get("faq") or []]
        return "；".join(parts) or "（空记录）"


def record_from_dict(data: dict, source: str = "case") -> GuideRecord:
    """A GuideRecord from a plain dict (the shape of GuideRecord.to_json, plus
    `links`, `present`, `family`). Steps may be plain strings; FAQ pairs may be
    [question, answer] lists. Unknown keys raise CatalogError."""
    data = data or {}
    unknown = set(data) - RECORD_FIELDS
    if unknown:
        raise CatalogError(f"{source}: 记录中有未知字段 {', '.join(sorted(unknown))}")

    def build(cls, value, what):
        try:
            return cls(**value)
        except TypeError as exc:
            raise CatalogError(f"{source}: {what} 字段有误（{exc}）") from exc

    elements = {str(k): "" if v is None else str(v) for k, v in (data.get("elements") or {}).items()}
    materials = [build(Material, {k: None if v is None else str(v) for k, v in m.items()}, "materials")
                 for m in data.get("materials") or []]
    steps = [ProcessStep(name=s) if isinstance(s, str) else build(ProcessStep, s, "process_steps")
             for s in data.get("process_steps") or []]
    faq = []
    for q in data.get("faq") or []:
        if isinstance(q, str):
            faq.append(FaqPair(question=q))
        elif isinstance(q, (list, tuple)):
            faq.append(FaqPair(*[str(x) for x in q]))
        else:
            faq.append(build(FaqPair, q, "faq"))
    links = [build(Link, link, "links") for link in data.get("links") or []]
    link_results = {url: build(LinkResult, {"url": url, **fields}, "link_results")
                    for url, fields in (data.get("link_results") or {}).items()}
    homepage = None
    if data.get("homepage") is not None:  # a HomepageObservation as a dict (H rules)
        from .portal import HomepageObservation

        try:
            homepage = HomepageObservation.from_json(data["homepage"])
        except (TypeError, ValueError) as exc:
            raise CatalogError(f"{source}: homepage 字段有误（{exc}）") from exc
    journey = None
    if data.get("journey") is not None:  # a JourneyResult as a dict (J rules)
        from ..journeys.result import journey_from_dict

        try:
            journey = journey_from_dict(data["journey"])
        except (TypeError, ValueError) as exc:
            raise CatalogError(f"{source}: journey 字段有误（{exc}）") from exc
    record = GuideRecord(source=data.get("source", source), url=data.get("url", ""), elements=elements,
                         materials=materials, process_steps=steps, faq=faq, links=links,
                         present=set(data.get("present") or []), family=data.get("family", "html"),
                         link_results=link_results, journey=journey, uncertain=set(data.get("uncertain") or []))
    if data.get("fetch_problem") is not None:  # the page could not be read (E010)
        if not isinstance(data["fetch_problem"], dict):
            raise CatalogError(f"{source}: fetch_problem 字段应为 {{reason, confirmed}}")
        record.fetch_problem = FetchProblem.from_json(data["fetch_problem"])
    if homepage is not None:
        record.homepage = homepage  # the H rules read it (checks/portal.py)
    return record


def case_path(code: str) -> Path:
    return CASE_DIR / f"{code}.yaml"


def case_codes() -> list[str]:
    """Codes that have a case file."""
    return sorted(p.stem for p in CASE_DIR.glob("*.yaml")) if CASE_DIR.is_dir() else []


def load_cases(code: str) -> list[Case]:
    """The cases of one rule; [] when the rule has no case file. A malformed
    file raises CatalogError naming the file and the place."""
    path = case_path(code)
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":第{mark.line + 1}行" if mark else ""
        raise CatalogError(f"{path}{where}: YAML 格式错误（{getattr(exc, 'problem', exc)}）") from exc
    if not isinstance(data, dict) or data.get("rule") != code:
        raise CatalogError(f"{path}: 应以 rule: {code} 开头")
    out: list[Case] = []
    seen: set[str] = set()
    for n, raw in enumerate(data.get("cases") or []):
        where = f"{path}: 第{n + 1}个用例"
        if not isinstance(raw, dict) or "id" not in raw or "expect" not in raw \
                or ("record" in raw) == ("records" in raw):
            raise CatalogError(f"{where} 须有 id、expect，以及 record 或 records（二者取一）")
        if "records" in raw and not isinstance(raw["records"], list):
            raise CatalogError(f"{where}: records 应为记录列表")
        case_id = str(raw["id"])
        if case_id in seen:
            raise CatalogError(f"{where}: id {case_id} 重复")
        seen.add(case_id)
        expect = raw["expect"] or []
        for item in expect:
            if not isinstance(item, dict) or set(item) - EXPECT_FIELDS:
                raise CatalogError(f"{where}（{case_id}）: expect 的每项须是 {', '.join(sorted(EXPECT_FIELDS))} 的子集")
        for record in raw.get("records") or [raw.get("record")]:
            record_from_dict(record, source=f"{where}（{case_id}）")  # validate now
        out.append(Case(code=code, id=case_id, record=raw.get("record"), expect=expect,
                        note=str(raw.get("note", "")), context=raw.get("context") or {},
                        records=raw.get("records")))
    return out


def _matches(found: Finding, expected: dict) -> bool:
    for key, value in expected.items():
        if key == "evidence_contains":
            if str(value) not in found.evidence:
                return False
        elif key == "message_contains":
            if str(value) not in found.message:
                return False
        elif getattr(found, key, None) != value:
            return False
    return True


def compare(case: Case, findings: list[Finding]) -> list[str]:
    """What differs between a case's expectation and the findings (empty when they agree)."""
    problems: list[str] = []
    if len(findings) != len(case.expect):
        problems.append(f"expected {len(case.expect)} finding(s), got {len(findings)}")
    unused = list(findings)
    for expected in case.expect:
        hit = next((f for f in unused if _matches(f, expected)), None)
        if hit is None:
            problems.append(f"no finding matches {expected}")
        else:
            unused.remove(hit)
    for extra in unused:
        if len(findings) != len(case.expect) or problems:
            problems.append(f"unexpected {extra.to_json()}")
    return problems
