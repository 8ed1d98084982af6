"""`python -m guidecheck.demo_portal [--port N]`: run the demo portal in the foreground."""
from __future__ import annotations

import argparse
import time

from .server import start_portal


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guidecheck.demo_portal", description="运行演示政务服务网（前台）")
    parser.add_argument("--port", type=int, default=0, help="端口（默认自动选择空闲端口）")
    parser.add_argument("--departments", type=int, default=5, help="部门数")
    parser.add_argument("--items", type=int, default=60, help="每个部门的事项数")
    parser.add_argument("--seed", type=int, default=7, help="随机种子（决定缺陷分布）")
    parser.add_argument("--no-delays", action="store_true", help="/slow/ 立即应答")
    args = parser.parse_args(argv)
    portal = start_portal(departments=args.departments, items_per_department=args.items, seed=args.seed,
                          delays=not args.no_delays, port=args.port)
    print(f"演示门户已启动：{portal.url}/  （缺陷清单：{portal.url}/__manifest__，按 Ctrl+C 退出）", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
