"""E · element completeness: E001 key element missing, E002 required element
missing, E003 placeholder value, E010 no guide.

- E001 fires once per key element (labels.yaml `key: true`) that is absent or
  has no text. A materials section that is present but lists nothing is
  M108's alone (the `present` set tells the two apart).
- E002 fires once per element of `CheckContext.required_elements` that is
  absent or empty; key elements are left to E001.
- E003 fires once per key or required element whose whole value is a
  placeholder (vocab `placeholders`: 无, 暂无, 详见附件, xxx …), never for the
  elements where 无 is an answer (vocab `none_is_answer`: fee, fee_basis,
  intermediary, quantity_limit, delivery, result_sample, faq, visits, the time
  limits). The element's content rules then stay silent.
- E010 fires when the record is no guide at all: nothing in it; a name that is
  error-page wording (页面不存在, 未找到匹配的信息 …); or no name and either
  error-page wording or under 20 characters of text in all. Such a record gets
  E010 alone: E001/E002/E003 stay silent.
"""
from __future__ import annotations

from ..catalog import element_title, key_elements, rules
from ..model import Finding
from .common import element_text, is_empty, is_no_guide, is_placeholder, no_guide_evidence, report, required_elements
from .registry import rule


@rule("E001")
def key_element_missing(record, context):
    if is_no_guide(record):
        return
    for key in key_elements():
        if not is_empty(record, key):
            continue
        if key == "materials" and "materials" in record.present:
            continue  # present but empty: M108
        yield report("E001", key, "", element_title=element_title(key))


@rule("E002")
def element_missing(record, context):
    if is_no_guide(record):
        return
    keys = set(key_elements())
    for key in context.required_elements:
        if key in keys or not is_empty(record, key):
            continue
        yield report("E002", key, "", element_title=element_title(key))


@rule("E003")
def placeholder_value(record, context):
    if is_no_guide(record):
        return
    for key in required_elements(context):
        if is_placeholder(record, key):
            yield report("E003", key, element_text(record, key), element_title=element_title(key))


@rule("E010")
def no_guide(record, context):
    problem = record.fetch_problem
    if problem is not None:  # the page itself could not be read: fail only when confirmed missing
        yield Finding(rule="E010", element=None, outcome="fail" if problem.confirmed else "needs_review",
                      message=f"{rules()['E010'].title}：{problem.reason}", evidence=record.url or record.source)
        return
    evidence = no_guide_evidence(record)
    if evidence is not None:
        yield report("E010", None, evidence)
