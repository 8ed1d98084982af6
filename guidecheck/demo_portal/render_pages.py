"""The portal's own pages: homepage, department pages, HTML listings, the JSON
listing, error pages (real 404, soft 404, WAF challenge, 429), the online
handling page, policy documents and the admin page robots.txt forbids."""
from __future__ import annotations

import json
from html import escape
from math import ceil

from . import content as C
from .data import Department, Guide, Site

LIST_PAGE_SIZE = 15
JSON_PAGE_SIZE = 20

ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nAllow: /\n"

_STYLE = """
body{font-family:"Microsoft YaHei",SimSun,sans-serif;margin:0;color:#333;font-size:14px}
.site-header{background:#c4161c;color:#fff;padding:12px 24px;font-size:20px}
.site-header a{color:#fff;text-decoration:none}
.breadcrumb{padding:8px 24px;color:#666}.main{padding:8px 24px 24px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5;width:160px}.tabs{list-style:none;padding:0;display:flex;gap:16px}
.site-footer{border-top:1px solid #ddd;padding:12px 24px;color:#888;font-size:12px}
.btn-online{display:inline-block;background:#c4161c;color:#fff;padding:6px 18px;text-decoration:none}
"""


def page(title: str, body: str, crumbs: list[tuple[str, str]] | None = None, charset: str = "utf-8",
         extra_head: str = "") -> str:
    trail = ""
    if crumbs:
        trail = '<div class="breadcrumb">当前位置：' + " &gt; ".join(
            f'<a href="{escape(u)}">{escape(t)}</a>' if u else escape(t) for t, u in crumbs) + "</div>"
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
            f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n{extra_head}</head>\n<body>\n"
            f'<div class="site-header"><a href="/">{escape(C.PORTAL_TITLE)}</a></div>\n{trail}\n'
            f'<div class="main">\n{body}\n</div>\n{FOOTER}\n</body>\n</html>\n')


FOOTER = ('<div class="site-footer">主办：福州市人民政府办公厅（演示） 网站标识码：3501000099 '
          '闽ICP备00000000号 闽公网安备 35010002000000号 党政机关 '
          '<a href="/jiucuo">我为政府网站找错</a> 政务服务热线：12345</div>')


def homepage(site: Site) -> str:
    rows = "\n".join(f'<li><a href="/dept/{d.code}">{escape(d.name)}</a></li>' for d in site.departments)
    body = (f"<h1>{escape(C.PORTAL_TITLE)}</h1>\n<h2>按部门办事</h2>\n<ul class=\"dept-list\">\n{rows}\n</ul>\n"
            '<h2>其他服务</h2>\n<ul><li><a href="/admin/login">后台管理</a></li>'
            '<li><a href="/jiucuo">我为政府网站找错</a></li></ul>')
    return page(C.PORTAL_TITLE, body)


def department_page(site: Site, dept: Department) -> str:
    n = len(site.items(dept))
    if dept.listing == "json":
        body = (f"<h1>{escape(dept.name)}</h1>\n<p>共 <span id=\"total\"></span> 个事项</p>\n"
                f'<ul id="item-list" data-api="/api/dept/{dept.code}/items"></ul>\n'
                '<div id="pager"></div>\n'
                "<script>\n(function(){var api=document.getElementById('item-list').getAttribute('data-api');\n"
                "function load(p){fetch(api+'?pageNo='+p+'&pageSize=" + str(JSON_PAGE_SIZE) + "')"
                ".then(function(r){return r.json();}).then(function(d){\n"
                "document.getElementById('total').textContent=d.total;var ul=document.getElementById('item-list');\n"
                "ul.innerHTML='';d.data.forEach(function(it){var li=document.createElement('li');"
                "var a=document.createElement('a');a.href=it.guideUrl;a.textContent=it.itemName;li.appendChild(a);"
                "ul.appendChild(li);});\nvar pg=document.getElementById('pager');pg.innerHTML='';"
                "if(d.pageNo*d.pageSize<d.total){var nx=document.createElement('a');nx.href='javascript:void(0)';"
                "nx.textContent='下一页';nx.onclick=function(){load(d.pageNo+1);};pg.appendChild(nx);}});}\n"
                "load(1);})();\n</script>")
    else:
        body = (f"<h1>{escape(dept.name)}</h1>\n<p>本部门共 {n} 个政务服务事项。</p>\n"
                f'<p><a href="/dept/{dept.code}/items?page=1">查看事项清单</a></p>')
    return page(dept.name, body, [("首页", "/"), (dept.name, "")])


def listing_page(site: Site, dept: Department, page_no: int) -> str | None:
    items = site.items(dept)
    pages = max(1, ceil(len(items) / LIST_PAGE_SIZE))
    if page_no < 1 or page_no > pages:
        return None
    start = (page_no - 1) * LIST_PAGE_SIZE
    rows = []
    for i in items[start:start + LIST_PAGE_SIZE]:
        g = site.guide(dept.index, i)
        rows.append(f'<tr><td>{escape(g.code)}</td><td><a href="{escape(g.guide_url)}" target="_blank">'
                    f"{escape(g.name or '')}</a></td><td>{escape(g.category or '')}</td></tr>")
    pager = [f"<span>第 {page_no} / {pages} 页</span>"]
    if page_no > 1:
        pager.insert(0, f'<a href="/dept/{dept.code}/items?page={page_no - 1}">上一页</a>')
    if page_no < pages:
        pager.append(f'<a class="next" href="/dept/{dept.code}/items?page={page_no + 1}">下一页</a>')
    body = (f"<h1>{escape(dept.name)}事项清单</h1>\n<table class=\"item-list\"><thead><tr><th>事项编码</th>"
            f"<th>事项名称</th><th>事项类型</th></tr></thead><tbody>\n" + "\n".join(rows) +
            '\n</tbody></table>\n<div class="pager">' + " ".join(pager) + "</div>")
    return page(f"{dept.name}事项清单", body, [("首页", "/"), (dept.name, f"/dept/{dept.code}"), ("事项清单", "")])


def listing_json(site: Site, dept: Department, page_no: int, page_size: int) -> dict:
    items = site.items(dept)
    page_size = max(1, min(page_size, 100))
    start = (page_no - 1) * page_size
    data = []
    if page_no >= 1:
        for i in items[start:start + page_size]:
            g = site.guide(dept.index, i)
            data.append({"itemCode": g.code, "itemName": g.name, "deptName": dept.name, "guideUrl": g.guide_url})
    return {"code": 200, "msg": "success", "total": len(items), "pageNo": page_no, "pageSize": page_size,
            "data": data}


def not_found_page() -> str:
    return page("页面不存在", '<div class="error"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除。</p>'
                           '<p><a href="/">返回首页</a></p></div>')


def soft_404_page() -> str:
    # served with status 200 under /upload/: what a soft-404 looks like
    return page("提示信息", '<div class="error"><h2>温馨提示</h2><p>页面不存在，您要找的文件可能已被删除或移动。</p>'
                        '<p><a href="/">返回首页</a></p></div>')


def waf_page() -> str:
    return page("访问被拦截", '<div class="waf"><h1>访问被拦截</h1><p>您的访问请求疑似存在安全风险，已被网站安全防护系统拦截。'
                         '</p><p>如为误拦截，请稍后重试或联系网站管理员。事件编号：WAF-20240101-0001</p></div>')


def busy_page() -> str:
    return page("请求过于频繁", "<h1>请求过于频繁</h1><p>您的请求过于频繁，请稍后再试。</p>")


def attach_page() -> str:
    # a ".doc" link answering HTML: a preview / login page, not a document (and no
    # file name on it, whose digits could read as an error code)
    return page("附件预览", '<h1>附件预览</h1><p>请登录后查看或下载附件。</p>'
                        '<p><a href="/login">用户登录</a></p>')


def handle_page(guide: Guide) -> str:
    # no codes or numbers on the page: digits such as "404" must not read as an error page
    body = (f'<h1>在线办理：{escape(guide.name or "")}</h1>\n'
            f'<p>办理部门：{escape(guide.dept.name)}</p>\n<form id="apply-form"><p>申请人：'
            '<input name="applicant"></p><p>联系电话：<input name="phone"></p>'
            '<p><input type="submit" value="提交申请"></p></form>')
    return page(f"在线办理-{guide.name}", body, [("首页", "/"), ("在线办理", "")])


def policy_page(guide: Guide) -> str:
    laws = guide.laws or []
    paras = "\n".join(f"<h2>《{escape(law.name)}》</h2><p>{escape(law.docno)}</p>"
                      f"<p>{escape(law.article)} {escape(law.content)}</p>" for law in laws)
    return page("政策文件", f"<h1>政策文件</h1>\n{paras}", [("首页", "/"), ("政策文件", "")])


def admin_page() -> str:
    return page("后台管理", "<h1>后台管理系统</h1><p>请使用工作人员账号登录。</p>")


def jiucuo_page() -> str:
    return page("我为政府网站找错", "<h1>我为政府网站找错</h1><p>请通过全国政府网站找错平台反映问题。</p>")


def to_json(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
