"""M110 · licence names against a licence catalog (证照目录, seed 002 #14).

The catalog is data: element_rules/licences.yaml by default, or a province's
own file of the same shape (a scheme's `licence_catalog`, or `--licences`),
handed over in `CheckContext.licence_catalog`.

Precision first: a variant is flagged only where it stands alone.
- Standard and accepted names of every entry, and the catalog's `protected`
  words, are blanked out first, so 身份证 inside 居民身份证 (or 身份证件) is
  never seen; then variants are matched longest first (驾驶执照 before 执照).
- A variant ending in 证 followed by 明/件/号 is another word (残疾证明).
- A two-character variant after a Han character counts only after a word of
  `short_variant_after` (企业执照 yes, 律师执照 no).
- When the same text also names the entry's standard name, the variant is a
  gloss, not a wrong name: no finding.

Where: each material's name (element materials, `material` its index) and the
result element (证照 the item issues). One finding per text and licence;
`evidence` the text, `variant` / `standard` / `issuer` in the message.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import regex
import yaml

from ..catalog import DATA_DIR
from ..errors import CatalogError
from .common import nfkc, report, usable
from .registry import rule

DEFAULT_CATALOG = DATA_DIR / "licences.yaml"
_HAN = regex.compile(r"\p{Han}")


@dataclass(frozen=True)
class Licence:
    standard: str
    issuer: str


@dataclass(frozen=True)
class LicenceCatalog:
    path: str
    blank: regex.Pattern  # standard, accepted and protected names
    variants: regex.Pattern
    by_variant: dict  # variant -> Licence
    standards: tuple  # (Licence, accepted names) per entry
    not_after: frozenset
    short_after: tuple


def _fail(path, why: str) -> CatalogError:
    return CatalogError(f"{path}: 证照目录格式错误（{why}）")


@functools.lru_cache(maxsize=8)
def load_catalog(path: str | None = None) -> LicenceCatalog:
    """Read and validate a licence catalog file (the default one when `path` is None)."""
    file = Path(path) if path else DEFAULT_CATALOG
    if not file.is_absolute() and not file.exists() and (DATA_DIR.parents[1] / file).exists():
        file = DATA_DIR.parents[1] / file  # a path relative to the project (case files)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"{file}: 无法读取证照目录（{exc.strerror or exc}）") from exc
    except yaml.YAMLError as exc:
        raise _fail(file, f"YAML：{getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("licences"), list):
        raise _fail(file, "缺少 licences 列表")
    blank: set[str] = {nfkc(str(w)) for w in data.get("protected") or []}
    by_variant: dict[str, Licence] = {}
    standards = []
    for n, entry in enumerate(data["licences"]):
        if not isinstance(entry, dict) or not entry.get("standard"):
            raise _fail(file, f"第{n + 1}项缺少 standard")
        licence = Licence(nfkc(str(entry["standard"])), str(entry.get("issuer") or ""))
        accepted = [nfkc(str(a)) for a in entry.get("accepted") or []]
        blank |= {licence.standard, *accepted}
        standards.append((licence, tuple(accepted)))
        for variant in entry.get("variants") or []:
            by_variant.setdefault(nfkc(str(variant)), licence)
    blank -= {""}

    def alternation(words) -> regex.Pattern:
        body = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
        return regex.compile(body or "(?!)")

    return LicenceCatalog(path=str(file), blank=alternation(blank), variants=alternation(by_variant),
                          by_variant=by_variant, standards=tuple(standards),
                          not_after=frozenset(str(c) for c in data.get("not_after_variant") or []),
                          short_after=tuple(str(w) for w in data.get("short_variant_after") or []))


def nonstandard_names(text: str, catalog: LicenceCatalog) -> list[tuple[str, Licence]]:
    """(variant, licence) for each licence named by a non-standard name standing alone in `text`."""
    t = nfkc(text)
    masked = catalog.blank.sub(lambda m: "\0" * len(m.group(0)), t)
    out: list[tuple[str, Licence]] = []
    seen: set[str] = set()
    for m in catalog.variants.finditer(masked):
        variant = m.group(0)
        licence = catalog.by_variant[variant]
        after = masked[m.end():m.end() + 1]
        if variant.endswith("证") and after in catalog.not_after:
            continue
        before = masked[max(0, m.start() - 1):m.start()]
        if len(variant) <= 2 and before and _HAN.match(before) \
                and not masked[:m.start()].endswith(catalog.short_after):
            continue
        if licence.standard in seen:
            continue
        if licence.standard in t or any(a in t for lic, acc in catalog.standards if lic == licence for a in acc):
            continue  # the text names the licence properly too: the variant is a gloss
        seen.add(licence.standard)
        out.append((variant, licence))
    return out


def _catalog(context) -> LicenceCatalog:
    return load_catalog(getattr(context, "licence_catalog", None))


@rule("M110")
def licence_name_nonstandard(record, context):
    catalog = _catalog(context)
    for i, material in enumerate(record.materials):
        for variant, licence in nonstandard_names(material.name or "", catalog):
            yield report("M110", "materials", material.name, material=i, where=f"材料“{material.name}”",
                         variant=variant, standard=licence.standard, issuer=licence.issuer or "发证机关")
    result = usable(record, "result")
    if result:
        for variant, licence in nonstandard_names(result, catalog):
            yield report("M110", "result", result, where=f"办理结果“{result}”",
                         variant=variant, standard=licence.standard, issuer=licence.issuer or "发证机关")
