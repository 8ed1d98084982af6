"""Scheme files (element_rules/schemes/*.yaml): load and validate.

A scheme names its source document, the rules each indicator counts, the unit
and form of deduction, and the points. Scoring reads these values; nothing
about a scheme is hard-coded. A file with a typo (an unknown rule code, a
missing number, an unknown form) is refused with the file, the line and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .catalog import SCHEME_DIR, LineLoader, expand_selection, labels
from .errors import CatalogError

FORMS = {"fixed", "proportional", "all_or_nothing", "metric", "veto", "table", "share"}
UNITS = {"finding", "item_of_information", "guide", "element_class"}
METRICS = {"online_depth", "instant_rate", "time_compression"}
NEEDS_POINTS = {"fixed", "proportional", "all_or_nothing", "metric"}


@dataclass
class Indicator:
    id: str
    title: str
    form: str
    rules: set[str] = field(default_factory=set)  # expanded codes
    unit: str = "finding"
    points: float | None = None
    deduction: float | None = None
    cap: float | None = None
    raw: dict = field(default_factory=dict)


@dataclass
class Scheme:
    id: str
    title: str
    path: Path
    indicators: list[Indicator]
    required_elements: list[str] | None = None
    raw: dict = field(default_factory=dict)
    licence_catalog: str | None = None  # M110's catalog file (a province's own), resolved against the scheme file

    @property
    def rule_codes(self) -> set[str]:
        """Every rule code any indicator counts."""
        out: set[str] = set()
        for ind in self.indicators:
            out |= ind.rules
        return out


def available() -> list[str]:
    return sorted(p.stem for p in SCHEME_DIR.glob("*.yaml"))


def resolve(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    candidate = SCHEME_DIR / f"{name_or_path}.yaml"
    if candidate.exists():
        return candidate
    raise CatalogError(f"未知的评估方案：{name_or_path}（可用：{'、'.join(available())}，或给出方案文件路径）")


def _fail(path: Path, line: int | None, reason: str) -> CatalogError:
    where = f":{line}" if line else ""
    return CatalogError(f"{path}{where}: {reason}")


def _number(path: Path, entry: dict, key: str, required: bool) -> float | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise _fail(path, entry.get("__line__"), f"缺少数值 {key}")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(path, entry.get("__line__"), f"{key} 应为数值，实际是 {value!r}")
    return float(value)


def _rules(path: Path, entry: dict) -> set[str]:
    patterns = entry.get("rules") or []
    for case in entry.get("cases") or []:
        patterns = list(patterns) + list(case.get("rules") or [])
    try:
        return expand_selection([str(p) for p in patterns])
    except CatalogError as exc:
        raise _fail(path, entry.get("__line__"), str(exc)) from exc


def load(name_or_path: str) -> Scheme:
    path = resolve(name_or_path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(path, mark.line + 1 if mark else None, f"YAML 格式错误（{getattr(exc, 'problem', exc)}）") from exc
    if not isinstance(data, dict) or "indicators" not in data:
        raise _fail(path, None, "不是方案文件（缺少 indicators）")
    known = set(labels()["elements"])
    required = data.get("required_elements")
    for key in required or []:
        if key not in known:
            raise _fail(path, data.get("__line__"), f"required_elements 中有未知要素 {key}")
    indicators = []
    for entry in data["indicators"]:
        line = entry.get("__line__")
        for key in ("id", "title", "form"):
            if key not in entry:
                raise _fail(path, line, f"指标缺少 {key}")
        form = entry["form"]
        if form not in FORMS:
            raise _fail(path, line, f"未知的计分方式 {form}（可用：{', '.join(sorted(FORMS))}）")
        unit = entry.get("unit", "finding")
        if unit not in UNITS:
            raise _fail(path, line, f"未知的计数单位 {unit}")
        if form == "metric" and entry.get("metric") not in METRICS:
            raise _fail(path, line, f"未知的指标公式 {entry.get('metric')}")
        if form == "fixed" and "cases" not in entry:
            _number(path, entry, "deduction", required=True)
        _number(path, entry, "county_deduction", required=False)
        for case in entry.get("cases") or []:
            _number(path, case, "deduction", required=True)
        indicators.append(Indicator(
            id=entry["id"], title=entry["title"], form=form, rules=_rules(path, entry), unit=unit,
            points=_number(path, entry, "points", required=form in NEEDS_POINTS),
            deduction=_number(path, entry, "deduction", required=False),
            cap=_number(path, entry, "cap", required=False), raw=entry,
        ))
    licences = data.get("licence_catalog")
    if licences is not None:
        file = Path(str(licences))
        if not file.is_absolute():
            file = path.parent / file
        if not file.exists():
            raise _fail(path, data.get("__line__"), f"licence_catalog 指向的证照目录不存在：{file}")
        licences = str(file)
    return Scheme(id=str(data.get("id", path.stem)), title=str(data.get("title", path.stem)), path=path,
                  indicators=indicators, required_elements=required, raw=data, licence_catalog=licences)


def of_campaign(campaign: dict) -> Scheme | None:
    """The scheme a campaign was created with: its file as named then (while it
    is there), else the scheme of that name; None for a campaign without one
    (`guidecheck crawl`)."""
    path = campaign["settings"].get("scheme_path")
    if not path and not campaign.get("scheme"):
        return None
    try:
        return load(path if path and Path(path).exists() else campaign["scheme"])
    except CatalogError as exc:
        raise CatalogError(f"抓取任务 #{campaign['id']} 的评估方案无法加载：{exc}") from exc
