"""Government and department homepages of the demo city, for the portal-page
checks (H001-H003). They are separate "sites" served by the same demo server:

| path | what | expected |
|---|---|---|
| `/gov/` | 福州市人民政府 homepage (演示): a link to the portal (the local branch), all identity marks; its navigation is built by script | none |
| `/gov-nobranch/` | 演示区人民政府 homepage: links to the provincial portal's front page but not to the local branch | H001 |
| `/site/{code}/` | a department's own website; links to its channel on the portal (`/dept/{code}`) | none, except: |
| `/site/rsj/` (department 1) | no link to its channel (only to the portal's front page) | H002 |
| `/site/zjj/` (department 2) | identity marks incomplete: no 公安备案, no 党政机关 badge, no 找错 link | H003 ×3 |

Department 3's homepage builds its footer (the identity marks) with script, so
only a rendering fetch sees them. The portal's own pages (`/`, `/dept/{code}`)
are the portal, not homepages under test.
"""
from __future__ import annotations

from html import escape

from aiohttp import web

from .data import Department, Site

GOV_NAME = "福州市人民政府（演示）"
NOBRANCH_NAME = "演示区人民政府"
# What a homepage's branch link may say (the campaign setting branch_link.texts).
BRANCH_TEXTS = ["福州市政务服务网", "网上办事大厅福州分厅"]
NO_CHANNEL_DEPT = 1
NO_MARKS_DEPT = 2
SCRIPT_FOOTER_DEPT = 3
MISSING_MARKS = ("police", "dzjg", "jiucuo")

_STYLE = ("body{font-family:'Microsoft YaHei',SimSun,sans-serif;margin:0;color:#333;font-size:14px}"
          ".top{background:#b5121b;color:#fff;padding:14px 24px;font-size:22px}.nav a{margin-right:16px}"
          ".nav{background:#eee;padding:8px 24px}.main{padding:12px 24px}"
          ".foot{border-top:1px solid #ccc;padding:12px 24px;color:#666;font-size:12px}")


def marks_html(site_code: str, host_label: str, missing: tuple[str, ...] = ()) -> str:
    """The footer with the five identity marks (those in `missing` left out)."""
    parts = [f"<p>主办：{escape(host_label)}　网站标识码：{site_code}"]
    if "icp" not in missing:
        parts.append(f'　<a href="https://beian.miit.gov.cn/" target="_blank">闽ICP备{site_code[-6:]}22号-1</a>')
    if "police" not in missing:
        parts.append(f'　<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=3501020200{site_code[-4:]}"'
                     f' target="_blank"><img src="/static/gongan.png" alt="">闽公网安备 3501020200{site_code[-4:]}号</a>')
    parts.append("</p>\n<p>")
    if "dzjg" not in missing:
        parts.append(f'<a href="https://bszs.conac.cn/sitename?method=show&amp;id={site_code}" target="_blank">'
                     '<img src="/static/dzjg.png" alt="党政机关" width="50" height="60"></a>')
    if "jiucuo" not in missing:
        parts.append(f'<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={site_code}" target="_blank">'
                     '<img src="/static/jiucuo.png" alt="我为政府网站找错" width="110" height="55"></a>')
    parts.append("</p>")
    if "site_code" in missing:
        parts[0] = f"<p>主办：{escape(host_label)}"
    return "".join(parts)


def _page(title: str, nav: str, main: str, foot: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_STYLE}</style>{head}</head>\n<body>\n<div class=\"top\">{escape(title)}</div>\n"
            f'<div class="nav" id="nav">{nav}</div>\n<div class="main">{main}</div>\n'
            f'<div class="foot" id="foot">{foot}</div>\n</body></html>\n')


def _news(prefix: str) -> str:
    titles = ["关于开展政务服务“好差评”工作的通知", "政府信息公开工作年度报告", "优化营商环境若干措施解读",
              "政务服务中心节假日办公安排", "重点民生实事项目进展情况"]
    items = "".join(f'<li><a href="{prefix}news/{n + 1}.html">{t}</a></li>' for n, t in enumerate(titles))
    return f"<h2>政务要闻</h2><ul>{items}</ul>"


def gov_page(with_branch: bool) -> str:
    if with_branch:
        # the navigation (with the branch link) is written by script, as many portals do
        nav = ("<script>document.write('<a href=\"/gov/\">首页</a><a href=\"/gov/xxgk/\">信息公开</a>"
               "<a href=\"/\">福州市政务服务网</a><a href=\"/gov/hdjl/\">互动交流</a>');</script>")
        main = (_news("/gov/") + '<h2>办事服务</h2><p><a href="/" target="_blank">'
                '<img src="/static/zwfw.png" alt="网上办事大厅福州分厅"></a></p>')
        return _page(GOV_NAME, nav, main, marks_html("3501000001", "福州市人民政府办公厅（演示）"))
    nav = ('<a href="/gov-nobranch/">首页</a><a href="/gov-nobranch/xxgk/">信息公开</a>'
           '<a href="/gov-nobranch/hdjl/">互动交流</a>')
    main = (_news("/gov-nobranch/") + '<h2>办事服务</h2><p><a href="https://zwfw.fujian.gov.cn/" target="_blank">'
            "福建省网上办事大厅</a>（省级总厅）</p>")
    return _page(NOBRANCH_NAME, nav, main, marks_html("3501990001", "演示区人民政府办公室"))


def dept_site_page(site: Site, dept: Department) -> str:
    prefix = f"/site/{dept.code}/"
    nav = (f'<a href="{prefix}">首页</a><a href="{prefix}zwgk/">政务公开</a>'
           f'<a href="{prefix}hdjl/">互动交流</a>')
    if dept.index == NO_CHANNEL_DEPT:
        service = '<h2>办事服务</h2><p><a href="/" target="_blank">福州市政务服务网首页</a></p>'
    elif dept.index % 2:
        service = (f'<h2>办事服务</h2><p><a href="/dept/{dept.code}" target="_blank">'
                   f"{escape(dept.name)}网上办事频道</a></p>")
    else:
        service = (f'<h2>办事服务</h2><p><a href="/dept/{dept.code}" target="_blank">'
                   f'<img src="/static/bszn.png" alt="福州市政务服务网{escape(dept.name)}频道"></a></p>')
    site_code = f"35010{dept.index:05d}"
    missing = MISSING_MARKS if dept.index == NO_MARKS_DEPT else ()
    foot = marks_html(site_code, dept.name + "（演示）", missing)
    if dept.index == SCRIPT_FOOTER_DEPT:
        # the footer arrives by script: static HTML has none of the marks
        foot = ("<script>(function(){var f=document.getElementById('foot');"
                f"setTimeout(function(){{f.innerHTML={_js_string(foot)};}},150);}})();</script>")
    return _page(f"{dept.name}门户网站（演示）", nav, _news(prefix) + service, foot)


def _js_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False).replace("</", "<\\/")


def pages(site: Site, base_url: str = "") -> list[dict]:
    """The homepages and what checking each must find."""
    out = [
        {"url": base_url + "/gov/", "role": "government", "name": GOV_NAME, "expected": []},
        {"url": base_url + "/gov-nobranch/", "role": "government", "name": NOBRANCH_NAME,
         "expected": [{"rule": "H001", "outcome": "fail"}]},
    ]
    for dept in site.departments:
        expected = []
        if dept.index == NO_CHANNEL_DEPT:
            expected.append({"rule": "H002", "outcome": "fail"})
        if dept.index == NO_MARKS_DEPT:
            expected += [{"rule": "H003", "outcome": "fail", "mark": m} for m in MISSING_MARKS]
        out.append({"url": f"{base_url}/site/{dept.code}/", "role": "department", "name": dept.name,
                    "department": dept.name, "channel": f"{base_url}/dept/{dept.code}", "expected": expected})
    return out


def manifest_entry(site: Site, base_url: str = "") -> dict:
    return {"branch_link": {"urls": [base_url + "/"], "texts": list(BRANCH_TEXTS)},
            "pages": pages(site, base_url)}


def add_routes(app: web.Application, site: Site) -> None:
    def html(text: str, status: int = 200) -> web.Response:
        return web.Response(body=text.encode("utf-8"), status=status, content_type="text/html", charset="utf-8")

    async def gov(request):
        return html(gov_page(True))

    async def gov_nobranch(request):
        return html(gov_page(False))

    async def dept_site(request):
        dept = site.department(request.match_info["code"])
        if dept is None:
            return html("<h1>页面不存在</h1>", 404)
        return html(dept_site_page(site, dept))

    r = app.router
    r.add_get("/gov/", gov)
    r.add_get("/gov-nobranch/", gov_nobranch)
    r.add_get("/site/{code}/", dept_site)
