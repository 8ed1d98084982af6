"""The reviewer's monthly flow from the command line, against the demo portal:
create from a scheme and a roster, run (draw the sample, crawl, check, score,
report), see status, rerun; next month's campaign continues the rotation."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
import yaml

from guidecheck.demo import write_roster
from guidecheck.demo_portal.server import start_portal
from guidecheck.store import Store

# A would-be dead link is confirmed by a second pass after this pause (seconds; 15 by default).
os.environ.setdefault("GUIDECHECK_LINK_RECHECK_PAUSE", "0.3")


def cli(*args, check=True, timeout=300):
    result = subprocess.run([sys.executable, "-m", "guidecheck.cli", *map(str, args)], capture_output=True, text=True,
                            timeout=timeout)
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def portal():
    with start_portal(departments=2, items_per_department=30, seed=5, delays=False) as p:
        yield p


def fetched_keys(db, campaign_id):
    return {i["item_key"] for i in Store(db).items(campaign_id) if i["status"] != "unsampled"}


def test_monthly_campaigns_sample_score_and_report(portal, tmp_path):
    roster = write_roster(portal.manifest(), tmp_path / "roster.yaml")
    db = tmp_path / "assess.db"
    out = cli("campaign", "create", "--db", db, "--roster", roster, "--scheme", "city-ywtb", "--month", "2026-10",
              "--sample", "12", "--seed", "42")
    assert "#1" in out.stdout
    run = cli("campaign", "run", "--db", db, "--campaign", "1", "--out", tmp_path / "r1", "--link-timeout", "2")
    store = Store(db)
    items = store.items(1)
    assert len(items) == 60  # every listed item is known
    by_dept = {}
    for item in items:
        if item["status"] != "unsampled":
            by_dept.setdefault(item["department_id"], []).append(item)
    assert sorted(len(v) for v in by_dept.values()) == [12, 12]  # 12 drawn per department
    assert all(i["status"] == "checked" for v in by_dept.values() for i in v)
    # Reports written and the score present.
    report = json.loads((tmp_path / "r1" / "report.json").read_text(encoding="utf-8"))
    assert {d["name"] for d in report["departments"]} == {d["name"] for d in portal.manifest()["departments"]}
    assert all(d["checked"] == 12 for d in report["departments"])
    assert (tmp_path / "r1" / "report.html").exists() and (tmp_path / "r1" / "report.xlsx").exists()
    # Journeys and homepages ran in Chromium: their rules are judged and every sampled item has a journey.
    assert len(store.journeys(1)) == 24 and len(store.portal_pages(1)) == 2
    rules_seen = {f["rule"][0] for f in report["findings"]}
    assert "H" in rules_seen or all(p["status"] == "ok" for p in store.portal_pages(1))
    assert "报告（html）" in run.stdout

    # Running a finished campaign again changes nothing.
    before = sqlite3.connect(db).execute("SELECT count(*), max(id) FROM findings").fetchone()
    hits = portal.hits("/")
    cli("campaign", "run", "--db", db, "--campaign", "1", "--out", tmp_path / "r1b")
    assert sqlite3.connect(db).execute("SELECT count(*), max(id) FROM findings").fetchone() == before
    assert portal.hits("/") == hits

    # Next month: a new campaign in the same database continues the rotation.
    cli("campaign", "create", "--db", db, "--roster", roster, "--scheme", "city-ywtb", "--month", "2026-11",
        "--sample", "12", "--seed", "42")
    cli("campaign", "run", "--db", db, "--campaign", "2", "--out", tmp_path / "r2", "--no-links", "--no-journeys")
    first, second = fetched_keys(db, 1), fetched_keys(db, 2)
    assert len(second) == 24 and not first & second  # no item twice before all are checked

    status = cli("campaign", "status", "--db", db, "--campaign", "2")
    assert "已完成" in status.stdout
    listing = cli("campaign", "list", "--db", db)
    assert "#1" in listing.stdout and "#2" in listing.stdout


def test_bad_roster_and_scheme_are_refused_before_anything_runs(portal, tmp_path):
    rows = [{"department": "市市场监督管理局", "profile": "demo-table", "listing": portal.url + "/dept/scjg/items"},
            {"department": "市市场监督管理局", "profile": "demo-table", "listing": portal.url + "/dept/rsj/items"}]
    dup = tmp_path / "dup.yaml"
    dup.write_text(yaml.safe_dump({"departments": rows}, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "x.db"
    result = cli("campaign", "create", "--db", db, "--roster", dup, "--scheme", "city-ywtb", check=False)
    assert result.returncode == 2 and f"{dup}:" in result.stderr and "重复" in result.stderr
    assert not db.exists() or not Store(db).campaigns()

    unknown = tmp_path / "unknown.csv"
    unknown.write_text("department,profile,listing\n市交通运输局,no-such-profile,http://127.0.0.1:1/x\n",
                       encoding="utf-8")
    result = cli("campaign", "create", "--db", db, "--roster", unknown, "--scheme", "city-ywtb", check=False)
    assert result.returncode == 2 and f"{unknown}:2" in result.stderr and "no-such-profile" in result.stderr

    scheme = tmp_path / "typo.yaml"
    scheme.write_text("id: typo\ntitle: t\nindicators:\n  - id: a\n    title: b\n    form: fixed\n    points: 10\n"
                      "    deduction: 0.5\n    rules: [M1O1]\n", encoding="utf-8")
    good = write_roster(portal.manifest(), tmp_path / "roster.yaml")
    result = cli("campaign", "create", "--db", db, "--roster", good, "--scheme", scheme, check=False)
    assert result.returncode == 2 and f"{scheme}:4" in result.stderr and "M1O1" in result.stderr
    assert not db.exists() or not Store(db).campaigns()
