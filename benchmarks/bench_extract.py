"""Extraction cost on realistic portal pages, against a bare lxml parse.

    python3 benchmarks/bench_extract.py [--repeat 200] [--chrome all|semantic|classes|plain] [--size 8,40] [--cold]

Real 政务服务网 guide pages are 30–60 KB, and most of that is page chrome: a
header with a top bar, a search box and a mega-menu of ~150 links, a
breadcrumb, a footer with ~100 links (部门网站, 友情链接) and the 主办单位 /
备案 text, inline scripts and styles. The fixture pages under fixtures/pages
carry little of it, so this script builds ~40 KB pages in code: each fixture's
guide body (decoded with decode_html) wrapped in generated chrome, in three
styles of markup:

  semantic  <header>/<nav>/<footer> elements;
  classes   <div class="header">, <div class="nav">, <ul class="menu">, <div class="footer">;
  plain     class/id names that say nothing (id="top", class="w1200 clearfix",
            class="g-ft"): the extractor has to find the chrome by its shape.

For each page it prints ms per page (best of --repeat runs) for
  parse    lxml.html.document_fromstring(bytes)
  extract  guidecheck.extract.extract(bytes)            (decode + parse + extraction)
  check    guidecheck.offline.check_bytes(bytes)        (extract + every offline rule)
and the ratios extract/parse and check/parse, then the totals and guides/s.
The extractor remembers, by their bytes, the link lists it has judged (a
portal repeats its menus on every page) and the label lines it has split;
--cold forgets both before every run, as for a first page of each portal.
It also checks that wrapping a fixture in chrome changes nothing in its
record (elements, materials, FAQ, links): chrome must not leak into a guide.
"""
from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import time
from pathlib import Path

import lxml.html

from guidecheck.errors import InputError
from guidecheck.extract import extract
from guidecheck.extract.decode import decode_html
from guidecheck.offline import check_bytes

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "fixtures" / "pages"

_MENU_WORDS = ["个人办事", "法人办事", "部门服务", "主题服务", "特色专区", "好差评", "政务公开", "政策文件",
               "通知公告", "热点服务", "一件事一次办", "跨省通办", "免证办", "秒批秒办", "证照服务", "社保服务",
               "公积金", "医保服务", "户籍办理", "出入境", "交通出行", "婚姻登记", "生育收养", "教育科研",
               "就业创业", "住房保障", "不动产登记", "企业开办", "工程建设", "税务服务", "市场监管", "知识产权"]
_DEPTS = ["市发展和改革委员会", "市教育局", "市科学技术局", "市工业和信息化局", "市公安局", "市民政局", "市司法局",
          "市财政局", "市人力资源和社会保障局", "市自然资源和规划局", "市生态环境局", "市住房和城乡建设局",
          "市交通运输局", "市水利局", "市农业农村局", "市商务局", "市文化和旅游局", "市卫生健康委员会",
          "市应急管理局", "市审计局", "市市场监督管理局", "市统计局", "市医疗保障局", "市信访局"]
_CSS = """
body{margin:0;font:14px/1.6 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f5f6f8}
a{color:#333;text-decoration:none}a:hover{color:#c00}.w1200{width:1200px;margin:0 auto}
.clearfix:after{content:"";display:block;clear:both}.fl{float:left}.fr{float:right}
.top-bar{height:36px;line-height:36px;background:#f0f0f0;border-bottom:1px solid #e5e5e5}
.logo-row{height:110px;background:url(/images/banner.jpg) no-repeat center}
.search{margin-top:30px}.search input{width:420px;height:36px;border:2px solid #c00}
.menu>li{float:left;position:relative}.menu>li>a{display:block;padding:0 22px;height:48px;line-height:48px;color:#fff}
.menu .sub{display:none;position:absolute;top:48px;left:0;width:900px;background:#fff;box-shadow:0 2px 8px #999}
.menu li:hover .sub{display:block}.sub dl{float:left;width:200px;margin:10px}.sub dt{font-weight:bold}
.g-ft,.footer{background:#2b2b2b;color:#aaa;padding:30px 0}.links a{margin:0 8px;color:#aaa}
.copyright{text-align:center;font-size:12px}.guide-main{background:#fff;padding:20px;min-height:600px}
"""


def _js(rng: random.Random) -> str:
    parts = [("var _hmt = _hmt || [];(function(){var hm=document.createElement('script');"
              f"hm.src='https://hm.baidu.com/hm.js?{rng.getrandbits(128):032x}';"
              "var s=document.getElementsByTagName('script')[0];s.parentNode.insertBefore(hm,s);})();")]
    for k in range(12):
        parts.append(
            f"function fn{k}_{rng.randint(100, 999)}(el){{var d=$(el).data('id');if(!d){{return false;}}"
            f"$.ajax({{url:'/api/item/'+d+'/detail.do',type:'post',dataType:'json',"
            f"success:function(r){{if(r&&r.code==200){{$('#blsj').text(r.data.BLSJ);$('#bldd').text(r.data.BLDD);}}}}}});}}")
    parts.append("$(function(){$('.menu>li').hover(function(){$(this).find('.sub').show()},"
                 "function(){$(this).find('.sub').hide()});});")
    return "\n".join(parts)


def _menu(rng: random.Random, style: str, n_links: int = 150) -> str:
    """A mega-menu: 10 top items, each with a drop-down of grouped links."""
    ul = {"semantic": '<ul class="clearfix">', "classes": '<ul class="menu clearfix">',
          "plain": '<ul class="clearfix">'}[style]
    out = [ul]
    per = n_links // 10
    for i in range(10):
        top = _MENU_WORDS[i]
        out.append(f'<li><a href="/portal/{i}/index.html">{top}</a><div class="sub"><dl>')
        for j in range(per - 1):
            w = rng.choice(_MENU_WORDS[10:]) + rng.choice(["", "服务", "专区", "查询", "指南"])
            out.append(f'<dd><a href="/portal/{i}/{j}.html" target="_blank" title="{w}">{w}</a></dd>')
        out.append("</dl></div></li>")
    out.append("</ul>")
    return "".join(out)


def _header(rng: random.Random, style: str, n_links: int = 150) -> str:
    top = ('<div class="top-bar"><div class="w1200 clearfix"><span class="fl">欢迎访问XX市政务服务网！今天是2026年11月22日</span>'
           '<span class="fr"><a href="/login">登录</a> | <a href="/register">注册</a> | <a href="/wza">无障碍</a> | '
           '<a href="/elder">长者模式</a> | <a href="/m">移动版</a> | <a href="/en">English</a></span></div></div>')
    logo = ('<div class="logo-row w1200 clearfix"><a class="fl" href="/"><img src="/images/logo.png" alt="XX市政务服务网"></a>'
            '<form class="search fr" action="/search"><input type="text" name="q" placeholder="请输入事项名称或关键词">'
            '<button type="submit">搜索</button><p class="hot">热门搜索：<a href="/s?q=社保">社保</a> '
            '<a href="/s?q=公积金">公积金</a> <a href="/s?q=营业执照">营业执照</a> <a href="/s?q=居住证">居住证</a></p></form></div>')
    menu = _menu(rng, style, n_links)
    if style == "semantic":
        return f"<header>{top}{logo}<nav>{menu}</nav></header>"
    if style == "classes":
        return f'<div class="header">{top}{logo}<div class="nav"><div class="w1200">{menu}</div></div></div>'
    return f'<div id="top">{top}{logo}<div class="g-menu"><div class="w1200">{menu}</div></div></div>'


def _footer(rng: random.Random, style: str, n_links: int = 100) -> str:
    depts = []
    for i in range(n_links - 10):
        d = _DEPTS[i % len(_DEPTS)]
        depts.append(f'<li><a href="http://dept{i}.example.gov.cn/" target="_blank">{d}</a></li>')
    friend = "".join(f'<a href="http://www.gov{i}.example.cn/">{w}政府网</a>'
                     for i, w in enumerate(["省", "福州", "厦门", "泉州", "漳州", "莆田", "三明", "南平", "龙岩", "宁德"]))
    icp = rng.randint(10000000, 99999999)
    info = ('<div class="copyright"><p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | '
            '<a href="/contact">联系我们</a> | <a href="/help">使用帮助</a></p>'
            '<p>主办单位：XX市人民政府办公厅　承办单位：XX市行政服务中心管理委员会</p>'
            '<p>地址：XX市XX区XX路1号　邮编：350000　服务热线：12345</p>'
            f'<p>网站标识码：3501000{rng.randint(10, 99)}　<a href="https://beian.miit.gov.cn/">闽ICP备{icp}号</a>　'
            f'<img src="/images/ga.png" alt="">闽公网安备 350102020{rng.randint(10000, 99999)}号</p>'
            '<p><a href="http://bszs.conac.cn/"><img src="/images/dzjg.png" alt="党政机关"></a>'
            '<a href="/jiucuo"><img src="/images/jiucuo.png" alt="政府网站找错"></a></p></div>')
    lists = (f'<div class="links w1200"><h4>部门网站</h4><ul class="clearfix">{"".join(depts)}</ul>'
             f'<h4>友情链接</h4><p>{friend}</p></div>')
    if style == "semantic":
        return f"<footer>{lists}{info}</footer>"
    if style == "classes":
        return f'<div class="footer">{lists}{info}</div>'
    return f'<div class="g-ft">{lists}{info}</div>'


_BODY_RE = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
_HEAD_RE = re.compile(r"<head[^>]*>(.*?)</head>", re.DOTALL | re.IGNORECASE)
_CHARSET_RE = re.compile(r"<meta[^>]+charset[^>]*>", re.IGNORECASE)


# Page sizes: a full portal page (~40 KB: mega-menu, footer of department
# links, scripts) and a light one (~8 KB: a short menu and footer, the size of
# a guide served by a small site or a detail frame).
SIZES = {40: dict(menu=150, footer=100, js=True), 8: dict(menu=20, footer=12, js=False)}


def wrap(fixture_text: str, style: str, seed: int, kb: int = 40) -> bytes:
    """The fixture's guide body (and head) inside generated portal chrome, as
    UTF-8; `kb` picks the chrome of a ~40 KB or a ~8 KB page (SIZES)."""
    size = SIZES[kb]
    rng = random.Random(seed)
    m = _BODY_RE.search(fixture_text)
    body = m.group(1) if m else fixture_text
    h = _HEAD_RE.search(fixture_text)
    head = _CHARSET_RE.sub("", h.group(1)) if h else ""
    doc = ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
           "<meta name=\"SiteName\" content=\"XX市政务服务网\"><meta name=\"ColumnName\" content=\"办事指南\">"
           f"{head}<style>{_CSS if size['js'] else ''}</style>"
           f"<script>{_js(rng) if size['js'] else ''}</script></head>\n<body>"
           f"{_header(rng, style, size['menu'])}"
           "<div class=\"crumbs w1200\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/bszn\">办事指南</a> &gt; 详情</div>"
           f"<div class=\"guide-main w1200\">{body}</div>"
           f"{_footer(rng, style, size['footer'])}<script>{_js(rng) if size['js'] else ''}</script>"
           "<script src=\"/js/jquery.min.js\"></script><script src=\"/js/common.js\"></script></body></html>")
    return doc.encode("utf-8")


def best_ms(fns, data: bytes, repeat: int) -> list[float]:
    """Best time of each function over `repeat` rounds, in ms. The functions
    take turns within a round, so a busy machine slows them alike."""
    best = [float("inf")] * len(fns)
    clock = time.perf_counter
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            t = clock()
            fn(data)
            best[k] = min(best[k], clock() - t)
    return [b * 1000 for b in best]


def _forget() -> None:
    from guidecheck.extract import html_chrome, html_sections

    html_chrome._DECIDED.clear()
    html_sections._SPLIT_CACHE.clear()


def _parse(data: bytes) -> None:
    lxml.html.document_fromstring(data)


def _extract(data: bytes) -> None:
    try:
        extract(data, "bench.html")
    except InputError:
        pass


def _check(data: bytes) -> None:
    try:
        check_bytes(data, "bench.html")
    except InputError:
        pass


def _summary(data: bytes):
    """What a page yields, to compare a fixture with its wrapped copy."""
    try:
        recs = extract(data, "bench.html")
    except InputError as exc:
        return type(exc).__name__
    return [(sorted(r.elements.items()), [m.name for m in r.materials],
             [(f.question, f.answer) for f in r.faq], len(r.process_steps),
             sorted((lk.url, lk.role, lk.element or "") for lk in r.links)) for r in recs]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200, help="best of N runs per page")
    ap.add_argument("--chrome", default="all", choices=["all", "semantic", "classes", "plain"])
    ap.add_argument("--cold", action="store_true", help="forget judged link lists and split lines before each run")
    ap.add_argument("--size", default="8,40", help="page sizes in KB to build (8, 40 or both)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.size.split(",") if x.strip()]
    extract_fn, check_fn = _extract, _check
    if args.cold:
        def extract_fn(data):
            _forget()
            _extract(data)

        def check_fn(data):
            _forget()
            _check(data)
    styles = ["semantic", "classes", "plain"] if args.chrome == "all" else [args.chrome]
    fixtures = sorted(p for p in PAGES.glob("*.htm*") if not p.name.startswith("_"))
    if not fixtures:
        raise SystemExit("no fixtures/pages/*.html")
    leaks = []
    for kb in sizes:
        rows = []
        for seed, path in enumerate(fixtures):
            raw = path.read_bytes()
            text = decode_html(raw, str(path))
            for style in styles:
                data = wrap(text, style, seed, kb)
                _check(data)  # warm caches
                if _summary(data) != _summary(raw):
                    leaks.append(f"{path.name} [{style}, {kb} KB]")
                n_el = len(lxml.html.document_fromstring(data).xpath("//*"))
                p, e, c = best_ms((_parse, extract_fn, check_fn), data, args.repeat)
                rows.append((path.stem[:34], style, len(data) / 1024, n_el, p, e, c))
        print(f"\n== ~{kb} KB pages")
        print(f"{'page':34} {'chrome':8} {'KB':>5} {'elems':>5} {'parse':>6} {'extract':>7} {'check':>6} "
              f"{'ext/p':>5} {'chk/p':>5}")
        for name, style, size_kb, n_el, p, e, c in rows:
            print(f"{name:34} {style:8} {size_kb:5.1f} {n_el:5d} {p:6.3f} {e:7.3f} {c:6.3f} {e / p:5.2f} {c / p:5.2f}")
        tp = sum(r[4] for r in rows)
        te = sum(r[5] for r in rows)
        tc = sum(r[6] for r in rows)
        n = len(rows)
        print(f"mean KB/page {sum(r[2] for r in rows) / n:.1f}; mean ms/page: parse {tp / n:.3f}  "
              f"extract {te / n:.3f}  check {tc / n:.3f}")
        print(f"ratio (sum): extract/parse {te / tp:.2f}  check/parse {tc / tp:.2f}  "
              f"worst check/parse {max(r[6] / r[4] for r in rows):.2f}")
        print(f"check throughput: {1000 * n / tc:.0f} guides/s (one process, best-of-{args.repeat} timings"
              f"{', cold caches' if args.cold else ''})")
    if leaks:
        print("chrome changed the record of: " + ", ".join(leaks))
        return 1
    print("chrome changed no record")
    return 0


if __name__ == "__main__":
    gc.collect()
    sys.exit(main())
