"""Options shared by the commands that crawl."""
from __future__ import annotations

import click


def crawl_options(fn):
    """Options shared by the commands that crawl."""
    options = [
        click.option("--chromium", envvar="GUIDECHECK_CHROMIUM", help="Chromium 可执行文件路径（默认 /usr/bin/chromium，"
                     "没有时用 Playwright 自带的浏览器）。"),
        click.option("--ignore-robots", is_flag=True, help="不遵守 robots.txt（仅限获得授权的检查）。"),
        click.option("--concurrency", type=int, default=16, show_default=True, help="同时进行的请求数。"),
        click.option("--per-host", type=int, default=8, show_default=True, help="每个主机同时进行的请求数。"),
        click.option("--delay", type=float, default=0.0, show_default=True, help="同一主机两次请求之间的间隔（秒）。"),
        click.option("--timeout", type=float, default=20.0, show_default=True, help="单个请求的超时（秒）。"),
        click.option("--link-timeout", type=float, default=10.0, show_default=True, help="检查链接时单个请求的超时（秒）。"),
        click.option("--no-links", is_flag=True, help="不检查下载和政策文件链接。"),
        click.option("--no-journeys", is_flag=True, help="不在浏览器中测量在线办理点击到达、不检查网站首页（抓取任务）。"),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def options_from(kw, allow_private: bool, hosts=()):
    from .crawler.campaign import CrawlOptions

    return CrawlOptions(obey_robots=not kw["ignore_robots"], concurrency=kw["concurrency"], per_host=kw["per_host"],
                        delay=kw["delay"], timeout=kw["timeout"], link_timeout=kw["link_timeout"], chromium=kw["chromium"],
                        check_links=not kw["no_links"], journeys=not kw["no_journeys"],
                        allow_private=allow_private, extra_hosts=set(hosts))
