"""`guidecheck demo` on a machine with no browser and no Chinese font (the set-up
path), its sample against the planted defects, and a rerun on the same folder.

The demo runs once, as a user would run it (a subprocess), with Chromium hidden:
GUIDECHECK_CHROMIUM points nowhere, PATH holds no chromium, the default path is
overridden, Playwright's own browsers are hidden, apt is disabled and the font
check says "missing". It must finish everything else, say in one line what was
not judged, and write a report whose browser-judged indicators show 未评.
The journeys and homepages of the planted kinds are held against the manifest
with a browser in test_journeys.py and test_portal_pages.py; here the demo's
sample must contain each of those items."""
from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guidecheck.demo import DEMO_SAMPLE, planted_keys
from guidecheck.demo_portal.data import Site
from guidecheck.demo_portal.manifest import build_manifest
from guidecheck.setup import say
from guidecheck.store import Store

BROWSER_INDICATORS = {"self-built-link", "site-identity"}  # fj-2020-dept: J001–J003, H003


def no_browser_env(tmp: Path) -> dict:
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    return {**os.environ, "GUIDECHECK_CHROMIUM": str(tmp / "nowhere" / "chromium"),
            "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}", "GUIDECHECK_DEFAULT_CHROMIUM": "",
            "PLAYWRIGHT_BROWSERS_PATH": str(tmp / "no-browsers"), "GUIDECHECK_NO_APT": "1",
            "GUIDECHECK_FONT_CHECK": "missing"}


def run_demo(out: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidecheck.cli", "demo", "--out", str(out), *extra],
                          capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    env = no_browser_env(tmp)
    out = tmp / "out"
    done = run_demo(out, env)
    return {"out": out, "env": env, "done": done}


def test_no_browser_demo_finishes_with_one_line_and_no_traceback(demo):
    done = demo["done"]
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
    assert done.stderr.count(say("not_judged")) == 1  # the one line: what was not judged, how to get a browser
    assert "GUIDECHECK_CHROMIUM" in say("not_judged") and "J001" in say("not_judged")
    assert "report.html" in done.stdout


def test_browser_checks_show_not_judged_in_the_report(demo):
    report = demo["out"] / "report"
    model = json.loads((report / "report.json").read_text(encoding="utf-8"))
    for dept in model["departments"]:
        judged = {i["id"]: i["judged"] for i in dept["indicators"]}
        assert not any(judged[i] for i in BROWSER_INDICATORS), dept["name"]
        assert judged["guide-publishing"] and judged["guide-accuracy"]
    assert not [f for f in model["findings"] if f["rule"][0] in "JH"]
    html = (report / "report.html").read_text(encoding="utf-8")
    rows = html.split('data-indicator="self-built-link"')[1:]
    assert rows and all("未评" in row.split("</tr>")[0] for row in rows)


def test_demo_sample_holds_every_planted_kind(demo):
    """Every kind the portal plants is in the demo's sample, and each offline and
    link kind produced exactly the findings the manifest expects of its item."""
    manifest = build_manifest(Site(5, 60, 7))
    store = Store(demo["out"] / "campaign.db")
    items = store.items(1)
    sampled = {i["item_key"] for i in items if i["status"] != "unsampled"}
    assert len(sampled) <= 5 * DEMO_SAMPLE + 5  # a small sample …
    port = json.loads((demo["out"] / "demo.json").read_text())["port"]
    base = f"http://127.0.0.1:{port}"

    def key_in_campaign(entry) -> str | None:
        for field in ("key", "guide_url", "detail_url"):
            value = entry.get(field)
            if value and (value if value.startswith("http") or field == "key" else base + value) in sampled:
                return value if value.startswith("http") or field == "key" else base + value
        return None

    kinds = {k for entry in manifest["items"] for k in entry["defects"]}
    covered = set()
    by_key = {i["item_key"]: i["id"] for i in items}
    found = collections.defaultdict(collections.Counter)
    for f in store.findings(1):
        found[f.get("item_id")][(f["rule"], f["outcome"])] += 1
    problems = []
    for entry in manifest["items"]:
        key = key_in_campaign(entry)
        if key is None:
            continue
        covered |= set(entry["defects"])
        want = collections.Counter((e["rule"], e["outcome"]) for e in entry["expected"])
        if found[by_key[key]] != want:
            problems.append(f"{entry['defects']} {key}: expected {sorted(want.elements())}, "
                            f"got {sorted(found[by_key[key]].elements())}")
    assert covered == kinds  # … that holds every kind
    assert not problems, "\n".join(problems)
    journeys = [e for e in manifest["journey_expected"]]
    assert journeys and all(key_in_campaign(e) for e in journeys)
    assert set(planted_keys(manifest)) & {e["key"] for e in journeys} == {e["key"] for e in journeys}


def test_rerun_on_the_same_folder_does_not_start_over(demo):
    again = run_demo(demo["out"], demo["env"])
    assert again.returncode == 0, again.stderr[-2000:]
    assert "已经完成" in again.stderr and "--fresh" in again.stderr
    assert "report.html" in again.stdout
    assert len(Store(demo["out"] / "campaign.db").campaigns()) == 1


def test_a_folder_that_is_not_a_demo_is_refused(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("重要", encoding="utf-8")
    done = run_demo(out, no_browser_env(tmp_path), "--fresh")
    assert done.returncode == 2 and "不是 guidecheck demo 的结果" in done.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "重要"


def test_progress_has_rate_time_left_and_no_silent_gap():
    import io
    import time

    from guidecheck.crawler.progress import Progress

    stream = io.StringIO()
    progress = Progress("在线办理路径", total=40, stream=stream, quiet=0.2)
    deadline = time.monotonic() + 10
    while "已用" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)  # nothing done yet: the tick still says the phase is alive
    assert "在线办理路径 0/40" in stream.getvalue() and "已用" in stream.getvalue()
    progress.done(4)
    progress.close()
    last = stream.getvalue().splitlines()[-1]
    assert last.startswith("在线办理路径 4/40（") and ("/秒" in last or "/分" in last)
    assert "剩余约" in last
