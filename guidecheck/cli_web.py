"""`guidecheck users add` and `guidecheck serve`: the reviewers' web workbench."""
from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def users():
    """管理工作台用户（复核人、部门用户）。"""


@users.command("add")
@click.argument("name", metavar="用户名")
@click.option("--role", type=click.Choice(["reviewer", "department"]), required=True,
              help="角色：reviewer 复核人（查看全部部门），department 部门用户（只看本部门）。")
@click.option("--department", help="部门用户所属部门，与名单和计分中的部门名称完全一致。")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="抓取任务数据库文件（用户保存在同一文件中）。")
def users_add(name, role, department, db):
    """添加用户；密码从标准输入的第一行读取（去掉换行）。服务运行中添加的用户可立即登录。"""
    from .store_users import UserError, UserStore

    password = sys.stdin.readline().rstrip("\r\n")
    store = UserStore(db)
    try:
        store.add_user(name, role, password, department)
    except UserError as exc:
        click.echo(f"guidecheck: 错误：{exc}", err=True)
        sys.exit(1)
    finally:
        store.close()
    where = f"，部门 {department}" if department else ""
    click.echo(f"已添加用户 {name}（{'复核人' if role == 'reviewer' else '部门用户'}{where}）")


@click.command()
@click.option("--db", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="抓取任务数据库文件。")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；默认只在本机。办公网内请放在反向代理之后（见 docs/workbench.md）。")
@click.option("--port", type=int, default=8000, show_default=True, help="监听端口。")
@click.option("--secure-cookie", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="会话 Cookie 的 Secure 标记：auto 在 https 请求（含代理转发的）时加上，always 总是加上。")
@click.option("--forwarded-allow-ips", default="",
              help="信任其 X-Forwarded-For/Proto 头的反向代理地址（逗号分隔），如 127.0.0.1；默认不信任。")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True,
              help="工作进程数；多核服务器上可设为 CPU 核数，计分等较慢的请求不会拖慢其他人。")
def serve(db, host, port, secure_cookie, forwarded_allow_ips, workers):
    """启动复核工作台（网页与 JSON 接口），收到 SIGTERM 后 10 秒内退出。"""
    import os

    import uvicorn

    from .web.app import create_app

    import signal

    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal to the handler it
    # found: with this one the process then exits with status 0 (a clean stop), not -15.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    proxied = bool(forwarded_allow_ips.strip())
    options = dict(host=host, port=port, log_level="warning", access_log=False, proxy_headers=proxied,
                   forwarded_allow_ips=forwarded_allow_ips or None, timeout_graceful_shutdown=5, server_header=False)
    click.echo(f"工作台已启动：http://{host}:{port}/ （数据库 {db}；按 Ctrl+C 停止）")
    if workers > 1:
        create_app(db, secure_cookie=secure_cookie)  # create the tables once, before the workers start
        os.environ["GUIDECHECK_WEB_DB"] = str(Path(db).resolve())
        os.environ["GUIDECHECK_WEB_SECURE_COOKIE"] = secure_cookie
        uvicorn.run("guidecheck.web.app:app_from_environment", factory=True, workers=workers, **options)
        return
    uvicorn.Server(uvicorn.Config(create_app(db, secure_cookie=secure_cookie), **options)).run()
