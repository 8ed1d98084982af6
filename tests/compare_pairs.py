"""Pairs of saved guides for the compare tests: the same item rendered in two
of the project's layout families, built by rewriting the fixtures' values.

- `html_pair`: the portal is fixtures/pages/table4col_gbk_metautf8_sjz_weisheng.html
  (a GBK four-column table) as saved; the other channel is
  fixtures/pages/divspan_fj_getihu.html (div/span pairs, no item code) with every
  value rewritten to the portal's.
- `json_pair`: the portal is fixtures/json/audit_upper_clean.json (AUDIT_ITEM)
  with its fields set to the values of fixtures/pages/gdv1_sections_gz_shipin.html;
  the other channel is that page as saved (sections).

`plant(data, old, new)` rewrites one value of a saved page (keeping its
charset) and fails loudly when the value is not there.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from guidecheck.extract import extract
from guidecheck.extract.decode import decode_html

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "fixtures" / "pages"
JSONS = ROOT / "fixtures" / "json"

SJZ = PAGES / "table4col_gbk_metautf8_sjz_weisheng.html"
FJ = PAGES / "divspan_fj_getihu.html"
GZ = PAGES / "gdv1_sections_gz_shipin.html"
AUDIT = JSONS / "audit_upper_clean.json"

SCALARS = ("name", "agency", "promised_limit", "legal_limit", "consult_phone", "complaint_phone", "location",
           "hours", "fee", "basis")


def record(path: Path):
    return extract(path.read_bytes(), str(path))[0]


def _charset(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def plant(data: bytes, old: str, new: str, count: int = -1) -> bytes:
    """Replace a value in a saved page (HTML in its own charset, or JSON text)."""
    charset = _charset(data)
    text = data.decode(charset)
    assert old in text, f"{old!r} is not in the page"
    return text.replace(old, new, count).encode(charset)


def html_pair() -> tuple[bytes, bytes]:
    """(portal page, other page): the sjz item in two HTML families."""
    portal, other = record(SJZ), record(FJ)
    data = FJ.read_bytes()
    for key in SCALARS:
        data = plant(data, other.elements[key], portal.elements[key])
    for mine, theirs in zip(other.materials, portal.materials, strict=True):
        data = plant(data, mine.name, theirs.name)
    # Steps: 受理 审核 决定 发证 -> the portal's 受理 审查 决定 送达.
    data = plant(data, "审核", "审查")
    data = plant(data, "发证", "送达")
    return SJZ.read_bytes(), data


def json_pair() -> tuple[bytes, bytes]:
    """(portal JSON, other page): the gz item as an AUDIT_ITEM reply and as its
    own sections page. The page's legal limit "20日" is rewritten "二十个工作日"
    (numerals must not count) and the portal says 不收费 where the page says 否."""
    page = plant(GZ.read_bytes(), "20日", "二十个工作日")
    gz = extract(page, "gz.html")[0]
    d = json.loads(AUDIT.read_text(encoding="utf-8"))
    item = d["AUDIT_ITEM"]
    item.update(CATANAME=gz.elements["name"], TASK_NAME=gz.elements["name"], ITEM_ID=gz.elements["code"],
                TASK_CODE=gz.elements["code"], DEPT_NAME=gz.elements["agency"], PROMISE_DAY=10,
                PROMISE_TYPE_TEXT="工作日", ANTICIPATE_DAY="20", ANTICIPATE_TYPE_TEXT="工作日",
                IS_FEE="0", IS_FEE_TEXT="不收费", LINK_TEL=gz.elements["consult_phone"],
                TSTEL=gz.elements["complaint_phone"], XHTSDZ=gz.elements["location"],
                TRANSACT_TIME=gz.elements["hours"], ACCEPT_CONDITION=gz.elements["conditions"])
    assert gz.elements["basis"].startswith("《中华人民共和国食品安全法》第三十五条第一款：")
    law = dict(item["LAW"][0], LAWNAME="中华人民共和国食品安全法", ACCORDINGNUMBER="", TERMSNUMBER="第三十五条第一款",
               TERMSCONTENT=gz.elements["basis"].split("：", 1)[1])
    item["LAW"] = [law]
    rows = d["AUDIT_MATERIAL"]
    d["AUDIT_MATERIAL"] = [dict(copy.deepcopy(rows[min(i, len(rows) - 1)]), MATERIAL_NAME=m.name)
                           for i, m in enumerate(gz.materials)]
    steps = d["AUDIT_ITEM_FLOWSHEET"]
    d["AUDIT_ITEM_FLOWSHEET"] = [dict(copy.deepcopy(steps[min(i, len(steps) - 1)]), STEP=str(i + 1), STEP_TEXT=s.name)
                                 for i, s in enumerate(gz.process_steps)]
    return json.dumps(d, ensure_ascii=False, indent=1).encode("utf-8"), page


def html_text(data: bytes) -> str:
    return decode_html(data, "page")
