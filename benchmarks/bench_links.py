"""Link checking throughput: guidecheck's aiohttp checker against linkinator.

    npm install --prefix benchmarks        # once, for the comparison (optional)
    python3 benchmarks/bench_links.py [--links 2000] [--concurrency 100] [--repeat 3]

Starts a local aiohttp server (in its own process, on 127.0.0.1) with N link
targets: 70 % real pages, 15 % 404s, 15 % soft-404s (200 answers that are error
pages: half say 页面不存在, half are the site's catch-all page without error
words, which only the random-path probe catches). Then times, at the same
concurrency on that one host:
  - guidecheck.crawler.links.check_links (retries on, soft-404 probes on);
  - linkinator on /links.html, a page listing the same links, if installed
    (benchmarks/node_modules/.bin/linkinator), node start-up included.
Prints links/s for both and compares the dead sets: ours must equal
linkinator's broken set, plus the soft-404s linkinator cannot see.
Figures go in docs/benchmarks.md under "## Link checking".
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINKINATOR = ROOT / "benchmarks" / "node_modules" / ".bin" / "linkinator"

GUIDE = "".join(f"<p>第{i}条：申请人应当提交营业执照、法定代表人身份证明、申请表，窗口受理后五个工作日内办结。</p>"
                for i in range(30))
CATCH_ALL = ("<html><head><title>网上办事大厅</title></head><body><div>首页 个人办事 法人办事 部门服务</div>"
             "<p>对不起，您要查看的内容已经下线或迁移，请返回首页继续浏览，感谢您的理解与支持。</p>"
             "<div>主办单位：某省人民政府办公厅 网站标识码 3500000001</div></body></html>")


def kind_of(i: int) -> str:
    r = i % 20
    return "gone" if r < 3 else "soft_words" if r < 5 else "soft_probe" if r < 6 else "ok"


def target(i: int) -> str:
    return {"ok": f"/p/{i}.html", "gone": f"/p/gone{i}.html", "soft_words": f"/s/w{i}.html",
            "soft_probe": f"/s/{i}.html"}[kind_of(i)]


def serve(count: int) -> None:
    from aiohttp import web

    paths = [target(i) for i in range(count)]
    listing = "<html><body>" + "".join(f'<a href="{p}">{p}</a>\n' for p in paths) + "</body></html>"
    pages = {p: i for i, p in enumerate(paths)}

    async def handle(request):
        path = request.path
        if path == "/links.html":
            return web.Response(text=listing, content_type="text/html")
        i = pages.get(path)
        kind = kind_of(i) if i is not None else None
        if kind == "ok":
            return web.Response(text=f"<html><head><title>事项{i}_办事指南</title></head><body><h1>事项{i}</h1>"
                                     f"{GUIDE}</body></html>", content_type="text/html")
        if kind == "soft_words":
            return web.Response(text="<html><head><title>提示</title></head><body><h1>页面不存在</h1></body></html>",
                                content_type="text/html")
        if path.startswith("/s/"):
            return web.Response(text=CATCH_ALL, content_type="text/html")
        return web.Response(status=404, text="Not Found")

    async def main():
        app = web.Application()
        app.router.add_get("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        print(runner.addresses[0][1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def run_ours(base: str, urls: list[str], concurrency: int, per_host: int) -> tuple[float, dict, dict]:
    from guidecheck.crawler.links import check_links_sync

    stats: dict = {}
    started = time.perf_counter()
    results = check_links_sync(urls, concurrency=concurrency, per_host=per_host, allow_private=True,
                               timeout=10, retries=2, stats=stats)
    return time.perf_counter() - started, results, stats


def run_linkinator(base: str, concurrency: int) -> tuple[float, dict] | None:
    if not LINKINATOR.exists():
        return None
    started = time.perf_counter()
    proc = subprocess.run([str(LINKINATOR), f"{base}/links.html", "--concurrency", str(concurrency),
                           "--format", "json"], capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    data = json.loads(proc.stdout)
    states = {link["url"]: link["state"] for link in data["links"] if link["url"] != f"{base}/links.html"}
    return elapsed, states


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-host", type=int, help="our per-host limit (default: the concurrency, as linkinator)")
    parser.add_argument("--no-linkinator", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(args.links)], stdout=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        urls = [base + target(i) for i in range(args.links)]
        expected = {u: kind_of(i) for i, u in enumerate(urls)}
        ours, theirs = [], []
        for _ in range(args.repeat):
            elapsed, results, stats = run_ours(base, urls, args.concurrency, args.per_host or args.concurrency)
            ours.append(elapsed)
            got = None if args.no_linkinator else run_linkinator(base, args.concurrency)
            if got:
                theirs.append(got[0])
        print(f"{args.links} links, concurrency {args.concurrency} (ours: per host {args.per_host or args.concurrency}),"
              f" one host, {args.repeat} runs (median)")
        print(f"  guidecheck (aiohttp): {args.links / statistics.median(ours):7.0f} links/s "
              f"({statistics.median(ours):.2f} s; {stats['requests']} requests incl. {stats['probes']} probes)")
        wrong = [u for u, k in expected.items()
                 if results[u].status != {"ok": "ok", "gone": "dead"}.get(k, "soft_404")]
        print(f"  guidecheck classification errors: {len(wrong)} {wrong[:3]}")
        ours_dead = {u for u, r in results.items() if r.status == "dead"}
        ours_soft = {u for u, r in results.items() if r.status == "soft_404"}
        if theirs:
            states = got[1]
            broken = {u for u, s in states.items() if s == "BROKEN"}
            print(f"  linkinator {LINKINATOR.parent.parent.joinpath('linkinator/package.json').exists() and _version()}: "
                  f"{args.links / statistics.median(theirs):7.0f} links/s ({statistics.median(theirs):.2f} s, "
                  f"node start-up included)")
            print(f"  dead sets equal: {ours_dead == broken} (ours {len(ours_dead)}, linkinator {len(broken)}); "
                  f"soft-404s only we see: {len(ours_soft)}, linkinator calls them "
                  f"{sorted({states.get(u) for u in ours_soft})}")
        elif not args.no_linkinator:
            print("  linkinator not installed: npm install --prefix benchmarks")
    finally:
        server.kill()
        server.wait()


def _version() -> str:
    data = json.loads((LINKINATOR.parent.parent / "linkinator" / "package.json").read_text())
    return data["version"]


if __name__ == "__main__":
    main()
