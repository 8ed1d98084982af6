"""Case files of the S rules, in pair form (`element_rules/cases/S001.yaml`):
each case gives the portal's guides and the other channel's, and the findings
of that rule that comparing them must give.

    rule: S001
    pairs:
      - id: promised_limit_differs              # test id S001_promised_limit_differs
        note: 门户5个工作日，部门网站10个工作日      # optional
        portal: {elements: {name: 食品经营许可, promised_limit: 5个工作日}}
        other:  {elements: {name: 食品经营许可, promised_limit: 10个工作日}}
        portal_complete: true                   # optional: false = a portal input was unreadable
        expect: [{element: promised_limit, outcome: fail, evidence: 门户：5个工作日；其他渠道：10个工作日}]

`portal` and `other` are each a record (the dict form of the other case files,
checks/cases.py `record_from_dict`) or a list of records, one per guide. The
cases sit under `pairs:` rather than `cases:`, so the single-record case
runner (tests/test_rule_cases.py) does not read them.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from ..checks.cases import EXPECT_FIELDS, CaseNaming, case_path, record_from_dict
from ..errors import CatalogError
from ..model import Finding
from .match import Guide, match_and_compare


@dataclass
class PairCase(CaseNaming):
    code: str
    id: str
    portal: list[dict]
    other: list[dict]
    expect: list[dict]
    note: str = ""
    portal_complete: bool = True

    def guides(self, side: str) -> list[Guide]:
        records = self.portal if side == "portal" else self.other
        return [Guide(f"cases/{self.code}.yaml#{self.id}/{side}/{i}",
                      record_from_dict(r, source=f"cases/{self.code}.yaml#{self.id}"))
                for i, r in enumerate(records)]

    def run(self) -> list[Finding]:
        """This rule's findings over every item of the pair."""
        results = match_and_compare(self.guides("portal"), self.guides("other"), self.portal_complete)
        return [f for r in results for f in r.findings if f.rule == self.code]


def load_pair_cases(code: str) -> list[PairCase]:
    path = case_path(code)
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: YAML 格式错误（{exc}）") from exc
    if not isinstance(data, dict) or data.get("rule") != code:
        raise CatalogError(f"{path}: 应以 rule: {code} 开头")
    out: list[PairCase] = []
    seen: set[str] = set()
    for n, raw in enumerate(data.get("pairs") or []):
        where = f"{path}: 第{n + 1}个用例"
        if not isinstance(raw, dict) or not {"id", "portal", "other", "expect"} <= raw.keys():
            raise CatalogError(f"{where} 须有 id、portal、other、expect")
        case_id = str(raw["id"])
        if case_id in seen:
            raise CatalogError(f"{where}: id {case_id} 重复")
        seen.add(case_id)
        sides = {}
        for side in ("portal", "other"):
            value = raw[side] or []
            sides[side] = value if isinstance(value, list) else [value]
            for r in sides[side]:
                record_from_dict(r, source=f"{where}（{case_id}）")  # validate now
        expect = raw["expect"] or []
        for item in expect:
            if not isinstance(item, dict) or set(item) - EXPECT_FIELDS:
                raise CatalogError(f"{where}（{case_id}）: expect 的每项须是 {', '.join(sorted(EXPECT_FIELDS))} 的子集")
        out.append(PairCase(code, case_id, sides["portal"], sides["other"], expect, str(raw.get("note", "")),
                            bool(raw.get("portal_complete", True))))
    return out
