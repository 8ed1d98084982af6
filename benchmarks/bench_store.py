"""Store write throughput: batched upserts against row-by-row, and whole-item saves.

    python3 benchmarks/bench_store.py [--rows 10000]

Writes to a fresh SQLite file under benchmarks/_data/ (WAL mode, as a campaign does):
  - items: upsert_items in one batch vs upsert_item row by row;
  - link results: save_link_results in one batch vs save_link_result row by row;
  - save_item_results: one transaction per item with 1 record and 8 findings.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from guidecheck.model import Finding, GuideRecord, LinkResult
from guidecheck.store import Store

DATA = Path(__file__).resolve().parent / "_data"


def rate(n: int, fn) -> float:
    started = time.perf_counter()
    fn()
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    n = parser.parse_args().rows
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / "bench_store.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    st = Store(path)
    cid = st.create_campaign("bench")
    single = max(n // 10, 100)
    print(f"items, batch:            {rate(n, lambda: st.upsert_items(cid, [(None, f'b{i}', '事项', f'http://g/{i}') for i in range(n)])):8.0f} rows/s")
    print(f"items, row by row:       {rate(single, lambda: [st.upsert_item(cid, None, f'r{i}', '事项', 'http://g') for i in range(single)]):8.0f} rows/s")
    results = [LinkResult(f"http://x/{i}", "ok", http_status=200, attempts=1) for i in range(n)]
    print(f"link results, batch:     {rate(n, lambda: st.save_link_results(cid, results)):8.0f} rows/s")
    print(f"link results, row by row:{rate(single, lambda: [st.save_link_result(cid, r) for r in results[:single]]):8.0f} rows/s")
    ids = list(st.upsert_items(cid, [(None, f'b{i}', '事项', f'http://g/{i}') for i in range(single)]).values())
    record = GuideRecord(source="bench", elements={"name": "事项"})
    findings = [Finding("M101", "materials", "fail", "材料使用兜底表述", "其他材料", material=j) for j in range(8)]
    print(f"save_item_results:       {rate(single, lambda: [st.save_item_results(cid, i, None, [(record, findings)]) for i in ids]):8.0f} items/s (9 rows each)")
    st.close()


if __name__ == "__main__":
    main()
