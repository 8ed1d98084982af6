"""M · materials. One finding per material and problem; `material` is the
material's 0-based index, `evidence` its name.

- M101: the name or the notes match a catch-all pattern of vocab `catch_all`
  (其他材料, 其它材料, 相关证明材料, …等材料): fail either way (rules.md: "a
  material's name or notes"). Evidence is the name, else the notes.
- M102: no source field, and neither name nor notes name a source
  (vocab `source_words`: 申请人自备, 公安机关核发 …).
- M103: no count of copies in the copies field, the name or the notes
  ("原件3", "1份", "一份").
- M104: no medium (vocab `media`) in the medium field, the copies field, the
  name or the notes. A medium field with other text ("A4") needs review. A
  medium written in the name satisfies M104 and is M107's problem instead.
- M105/M106: a material the applicant fills in (vocab `form_pattern`:
  申请表, 申请书, 委托书 …) with no blank form / no sample: neither the
  material's own form_url / sample_url nor a link of role form / sample that
  belongs to it (Link.material) or whose text names it.
- M107: the name, without long bracketed explanations, carries a medium
  (vocab `medium_in_name`: 原件, 复印件 …).
- M108: the materials section is on the page (`present`) but lists no material
  and has no text. A text that is a placeholder is E003's.
- M109: a material the applicant prepares has no 填报须知: its notes are
  absent, empty or a placeholder (无, 略), and its name carries no long
  bracketed explanation either ("仲裁申请书（应当载明当事人…）" states its
  requirements). Materials the department obtains or hands out itself (vocab
  `m109_not_prepared`: 免提交, 共享获取, 窗口提供 … in the source, name or
  required field) are not asked for notes. Evidence: the name.
"""
from __future__ import annotations

import regex

from ..catalog import vocab_regex
from .common import element_text, is_no_guide, is_placeholder_text, nfkc, pattern, report, words_regex
from .registry import rule

_LONG_BRACKET = regex.compile(r"[（(][^（）()]{9,}[）)]")
_BRACKET = regex.compile(r"[（(][^（）()]*[）)]")


def _has(value: str | None) -> bool:
    return bool(value and value.strip() and not is_placeholder_text(value))


@rule("M101")
def vague_material(record, context):
    catch_all = vocab_regex("catch_all")
    for i, material in enumerate(record.materials):
        name = nfkc(material.name or "")
        if name and catch_all.search(name):
            yield report("M101", "materials", material.name, material=i, material_name=material.name)
        elif material.notes and catch_all.search(nfkc(material.notes)):
            yield report("M101", "materials", material.notes, material=i, material_name=material.name or "")


@rule("M102")
def material_source_missing(record, context):
    source_words = words_regex("source_words")
    for i, material in enumerate(record.materials):
        if _has(material.source):
            continue
        if source_words.search(material.name or "") or source_words.search(material.notes or ""):
            continue
        yield report("M102", "materials", material.name or "", material=i, material_name=material.name or "")


@rule("M103")
def material_copies_missing(record, context):
    copies = pattern("copies_pattern")
    counted_in_text = pattern("copies_in_text_pattern")
    for i, material in enumerate(record.materials):
        if _has(material.copies) and copies.search(nfkc(material.copies)):
            continue
        if any(counted_in_text.search(nfkc(t or "")) for t in (material.name, material.notes)):
            continue
        yield report("M103", "materials", material.name or "", material=i, material_name=material.name or "")


@rule("M104")
def material_medium_missing(record, context):
    media = words_regex("media")
    for i, material in enumerate(record.materials):
        if any(media.search(t or "") for t in (material.medium, material.copies, material.name, material.notes)):
            continue
        outcome = "needs_review" if _has(material.medium) else "fail"
        yield report("M104", "materials", material.name or "", material=i, outcome=outcome,
                     material_name=material.name or "")


def _form_material(name: str) -> bool:
    # The name without its bracketed notes: "仲裁申请书（应当载明…）" is a form, "身份证（复印件）" is not.
    bare = _BRACKET.sub("", nfkc(name)).strip() or nfkc(name)
    return bool(pattern("form_pattern").search(bare))


def _offered(record, index: int, material, role: str) -> bool:
    if (material.form_url if role == "form" else material.sample_url) or "":
        return True
    base = _BRACKET.sub("", nfkc(material.name or "")).strip()
    for link in record.links:
        if link.role != role:
            continue
        if link.material == index:
            return True
        if link.material is None and base and base in nfkc(link.text or ""):
            return True
    return False


@rule("M105")
def form_download_missing(record, context):
    for i, material in enumerate(record.materials):
        if material.name and _form_material(material.name) and not _offered(record, i, material, "form"):
            yield report("M105", "materials", material.name, material=i, material_name=material.name)


@rule("M106")
def sample_download_missing(record, context):
    for i, material in enumerate(record.materials):
        if material.name and _form_material(material.name) and not _offered(record, i, material, "sample"):
            yield report("M106", "materials", material.name, material=i, material_name=material.name)


@rule("M107")
def medium_in_material_name(record, context):
    medium = pattern("medium_in_name")
    for i, material in enumerate(record.materials):
        if not material.name:
            continue
        name = _LONG_BRACKET.sub("", nfkc(material.name))
        m = medium.search(name)
        if m:
            yield report("M107", "materials", material.name, material=i, material_name=material.name,
                         medium=m.group(0))


@rule("M108")
def materials_empty(record, context):
    if record.materials or "materials" not in record.present or is_no_guide(record):
        return
    if element_text(record, "materials"):
        return  # a text list (the extractor found no rows) or a placeholder (E003)
    yield report("M108", "materials", "")


def _notes_given(material) -> bool:
    if _has(material.notes):
        return True
    return bool(material.name and _LONG_BRACKET.search(nfkc(material.name)))


@rule("M109")
def material_notes_missing(record, context):
    not_prepared = words_regex("m109_not_prepared")
    for i, material in enumerate(record.materials):
        if not material.name or _notes_given(material):
            continue
        if any(not_prepared.search(t or "") for t in (material.source, material.name, material.required)):
            continue
        yield report("M109", "materials", material.name, material=i, material_name=material.name)
