"""The manifest: which defects are planted where, and the findings each must
produce. Served as JSON at /__manifest__ and returned by `Portal.manifest()`.

Outcomes (also stated in the manifest's `outcomes` field):
- offline rules (E, M, P, T, L, B, F, R, C, Q): `fail`, judged from the guide
  page (families 1 and 2) or the JSON detail (family 3) alone; every item not
  listed is clean and must produce no finding; family 1 keeps its FAQ on the
  separate `faq_url` tab page, and its expectations assume the crawler merged
  that tab into the guide;
- K001 `fail`: the link answers 404 (real 404 under /files/);
- K002 `fail`: 200 with an error page (/upload/…, every path there);
- K003 `fail`: a .doc link that answers an HTML page (/attach/…);
- K004 `fail`: a truncated .docx/.xlsx zip or an empty .pdf;
- K001 `needs_review`: /slow/… (answers after 30 s: a crawler times out),
  /waf/… (403 with a firewall challenge page "访问被拦截"), /busy/… (429 with
  Retry-After): never a confirmed dead link.
"""
from __future__ import annotations

from . import channel_site, handling, homepages
from .data import BLOCK, FAMILY_NAMES, Guide, Site
from .defects import KINDS, dept_kinds, kind_at

OUTCOMES = {
    "offline": "E/M/P/T/L/B/F/R/C/Q 规则：fail；第1、2类按指南页面、第3类按详情JSON离线判断；未列出的事项均无问题，应零发现",
    "faq_tab": "第1类的常见问题在单独的 faq_url 页面（页签）；离线预期按爬虫把该页签并入指南后的记录计算",
    "K001": "fail：链接返回404（/files/下不存在的文件为真404）",
    "K002": "fail：返回200的错误页“页面不存在”（/upload/下任意路径）",
    "K003": "fail：.doc链接返回HTML页面（/attach/）",
    "K004": "fail：截断的docx/xlsx压缩包或0字节的pdf",
    "K001-needs_review": "needs_review：/slow/（30秒后才应答，爬虫超时）、/waf/（403防火墙拦截页“访问被拦截”）、"
                         "/busy/（429请求过多，带Retry-After），均不算确认失效",
}
OFFLINE_FAMILIES = set("EMPTLBFRCQI")


def item_entry(site: Site, g: Guide, base_url: str = "") -> dict:
    expected = []
    for e in g.expected:
        e = dict(e)
        if "url" in e:
            e["url"] = base_url + e["url"]
        expected.append(e)
    out = {
        "key": g.key,
        "index": g.index,
        "department": g.dept.name,
        "dept_code": g.dept.code,
        "family": g.family,
        "family_name": FAMILY_NAMES[g.family],
        "name": g.name,
        "guide_url": base_url + g.guide_url,
        "defects": list(g.defects),
        "expected": expected,
    }
    if g.detail_url:
        out["detail_url"] = base_url + g.detail_url
    if g.faq_url:
        out["faq_url"] = base_url + g.faq_url
    return out


def offline_expected(entry_or_guide) -> list[dict]:
    """The expectations of the offline rules only (what `check_bytes` must find)."""
    expected = entry_or_guide["expected"] if isinstance(entry_or_guide, dict) else entry_or_guide.expected
    return [e for e in expected if e["rule"][0] in OFFLINE_FAMILIES]


def planted(site: Site):
    """(dept index, item index) of every item with a planted defect, in order."""
    for dept in site.departments:
        n = site.items_per_department
        for block_start in range(0, n, BLOCK):
            hits = [i for i in range(block_start, min(n, block_start + BLOCK)) if kind_at(site, dept.index, i)]
            for i in hits:
                yield dept.index, i


def build_manifest(site: Site, base_url: str = "", *, all_items: bool = False) -> dict:
    if all_items:
        pairs = ((d.index, i) for d in site.departments for i in site.items(d))
    else:
        pairs = planted(site)
    items = [item_entry(site, site.guide(d, i), base_url) for d, i in pairs]
    return {
        "portal": base_url,
        "seed": site.seed,
        "departments": [
            {"code": d.code, "name": d.name, "family": d.family, "family_name": FAMILY_NAMES[d.family],
             "listing": d.listing, "items": site.items_per_department, "kinds": dept_kinds(site, d.index),
             "listing_url": base_url + (f"/api/dept/{d.code}/items?pageNo=1&pageSize=20" if d.listing == "json"
                                        else f"/dept/{d.code}/items?page=1")}
            for d in site.departments],
        "total_items": site.items_per_department * site.n_departments,
        "outcomes": OUTCOMES,
        "kinds": [{"kind": k.name, "families": list(k.families), "what": k.what} for k in KINDS],
        "items_listed": "all" if all_items else "planted",
        "items": items,
        # Journeys (need a browser; handling.py) and homepages (homepages.py): extra
        # expectations kept apart from `items`, whose offline and link findings they leave alone.
        **handling.manifest_entries(site, base_url),
        "portal_pages": homepages.manifest_entry(site, base_url),
        "channels": channel_site.manifest_entry(site, base_url),  # channels hook: S001/S002 planted
    }
