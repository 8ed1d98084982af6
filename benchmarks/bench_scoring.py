"""Speed of scoring: 10,000 guides with 50,000 findings under each seed scheme.

    python3 benchmarks/bench_scoring.py [--guides 10000] [--findings 50000] [--departments 100] [--repeat 3]

Builds the input in memory (no pages, no checks): guides spread evenly over
the departments, each with elements the metrics read (online depth, case type,
both time limits) and findings drawn from every offline rule, one in ten
needs_review, and a reviewer's decision on one finding in fifty. Times
`score_campaign` per scheme and the contract JSON it prints: best wall-clock and\nbest CPU time of --repeat runs (CPU time is steadier on a busy machine).
The figure goes in docs/scoring.md.
"""
from __future__ import annotations

import argparse
import json
import random
import time

from guidecheck import schemes
from guidecheck.catalog import key_elements, rules
from guidecheck.model import Finding, GuideRecord
from guidecheck.offline import CheckedGuide, offline_codes
from guidecheck.scoring import DepartmentInput, finding_key, score_campaign

SCHEMES = ["fj-2018-city", "fj-2020-dept", "city-ywtb", "ah-2019-dept", "national-2019"]
ELEMENTS = key_elements() + ["case_type", "code", "legal_limit", "promised_limit", "visits", "complaint_phone"]


def build(guides: int, findings: int, departments: int, seed: int = 7):
    rng = random.Random(seed)
    codes = sorted(offline_codes())
    depths = ["一级", "二级", "三级", "四级", "全程网办", ""]
    case_types = ["即办件", "承诺件", "承诺件", "承诺件", ""]
    per_guide = [findings // guides] * guides
    for i in range(findings - sum(per_guide)):
        per_guide[i % guides] += 1
    depts: list[list[CheckedGuide]] = [[] for _ in range(departments)]
    decisions: dict[str, str] = {}
    for g in range(guides):
        legal = rng.choice([20, 30, 60])
        record = GuideRecord(source=f"dept{g % departments}/guide{g}.html", elements={
            "name": f"事项{g}", "online_depth": rng.choice(depths), "case_type": rng.choice(case_types),
            "legal_limit": f"{legal}个工作日", "promised_limit": f"{rng.randint(1, legal)}个工作日"})
        found = []
        for n in range(per_guide[g]):
            code = rng.choice(codes)
            element = None if code == "E010" else rng.choice(ELEMENTS)
            material = n if element == "materials" else None
            outcome = "needs_review" if rng.random() < 0.1 else "fail"
            f = Finding(code, element, outcome, rules()[code].title, f"证据{n}", material)
            found.append(f)
            if rng.random() < 0.02:
                decisions[finding_key(record.source, f)] = rng.choice(["confirmed", "dismissed", "upheld", "overturned"])
        depts[g % departments].append(CheckedGuide(record, found))
    return [DepartmentInput(f"部门{i}", gs) for i, gs in enumerate(depts)], decisions


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guides", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    departments, decisions = build(args.guides, args.findings, args.departments)
    print(f"input: {args.guides} guides, {sum(len(g.findings) for d in departments for g in d.guides)} findings, "
          f"{len(departments)} departments, {len(decisions)} decisions (built in {time.perf_counter() - started:.2f} s)")
    judged = offline_codes()
    total = 0.0
    print(f"{'scheme':15s} {'wall':>8s} {'cpu':>8s}   (best of {args.repeat}; limit 10 s)")
    for name in SCHEMES:
        scheme = schemes.load(name)
        best_wall = best_cpu = float("inf")
        for _ in range(args.repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            campaign = score_campaign(departments, scheme, judged, decisions)
            json.dumps(campaign.to_contract_json(), ensure_ascii=False)
            best_wall = min(best_wall, time.perf_counter() - w0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        total += best_wall
        print(f"{name:15s} {best_wall:7.3f}s {best_cpu:7.3f}s")
    print(f"{'all five':15s} {total:7.3f}s")


if __name__ == "__main__":
    main()
