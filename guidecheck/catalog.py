"""Loads the data under element_rules/: the rule catalog, label synonyms,
vocabularies, case files and scheme files. Validates as it loads, so a typo in
a file a reviewer edited is reported with the file and the place."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from .errors import CatalogError

DATA_DIR = Path(__file__).parent / "element_rules"
SCHEME_DIR = DATA_DIR / "schemes"
CASE_DIR = DATA_DIR / "cases"

RULE_FIELDS = {"slug", "title", "family", "needs", "severity", "status", "clauses", "fix"}


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    title: str
    family: str
    needs: str  # offline | network | browser
    severity: str
    status: str
    clauses: tuple[str, ...]
    fix: str
    message: str = ""  # template with named fields, filled by the check
    extra: dict = field(default_factory=dict, compare=False, hash=False)


class LineLoader(yaml.SafeLoader):
    """A YAML loader that keeps the line of every mapping under '__line__', so a
    reviewer's file with a typo can be refused with the line."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _read_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"{path}: 无法读取（{exc.strerror or exc}）") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark else ""
        raise CatalogError(f"{path}{':' + where if where else ''}: YAML 格式错误（{getattr(exc, 'problem', exc)}）") from exc


@functools.cache
def rules() -> dict[str, Rule]:
    path = DATA_DIR / "rules.yaml"
    data = _read_yaml(path)
    out: dict[str, Rule] = {}
    for code, meta in (data.get("rules") or {}).items():
        if not isinstance(meta, dict):
            raise CatalogError(f"{path}: 规则 {code} 的定义不是映射")
        missing = RULE_FIELDS - meta.keys()
        if missing:
            raise CatalogError(f"{path}: 规则 {code} 缺少字段 {', '.join(sorted(missing))}")
        extra = {k: v for k, v in meta.items() if k not in RULE_FIELDS | {"message"}}
        out[code] = Rule(
            code=code,
            slug=meta["slug"],
            title=meta["title"],
            family=meta["family"],
            needs=meta["needs"],
            severity=meta["severity"],
            status=meta["status"],
            clauses=tuple(meta["clauses"]),
            fix=meta["fix"],
            message=meta.get("message", ""),
            extra=extra,
        )
    return out


@functools.cache
def catalog_version() -> str:
    return str(_read_yaml(DATA_DIR / "rules.yaml").get("version", "0"))


@functools.cache
def labels() -> dict:
    return _read_yaml(DATA_DIR / "labels.yaml")


@functools.cache
def vocab() -> dict:
    return _read_yaml(DATA_DIR / "vocab.yaml")


@functools.cache
def vocab_regex(key: str) -> regex.Pattern:
    """A vocabulary entry compiled as one pattern: a string is a pattern, a list
    is an alternation of patterns (catch_all) or of literal words."""
    value = vocab()[key]
    if isinstance(value, str):
        return regex.compile(value)
    if key == "catch_all":
        return regex.compile("|".join(f"(?:{p})" for p in value))
    return regex.compile("|".join(regex.escape(w) for w in sorted(value, key=len, reverse=True)))


def codes_needing(needs: str, family: str | None = None) -> frozenset[str]:
    """The codes whose `needs:` is `needs` (and, when given, of that family):
    which phase a rule needs comes from the catalog, never from a list in code."""
    return frozenset(code for code, meta in rules().items()
                     if meta.needs == needs and (family is None or meta.family == family))


def key_elements() -> list[str]:
    return [k for k, meta in labels()["elements"].items() if meta.get("key")]


def element_title(key: str) -> str:
    meta = labels()["elements"].get(key)
    return meta["title"] if meta else key


def expand_selection(patterns: list[str] | None, codes: list[str] | None = None) -> set[str]:
    """Codes matched by `--select`/`--ignore` patterns: a pattern is a code or a
    code prefix (M1, P, E003). An unknown pattern raises CatalogError."""
    codes = list(codes or rules().keys())
    out: set[str] = set()
    for pattern in patterns or []:
        pattern = pattern.strip().upper()
        if not pattern:
            continue
        matched = {c for c in codes if c.startswith(pattern)}
        if not matched:
            raise CatalogError(f"未知的规则代码或前缀：{pattern}")
        out |= matched
    return out
