"""`guidecheck score DIR --scheme NAME --format json` (shared/spec/contract.md):
the JSON shape, the numbers worked out by hand for fixtures/score, and an
unreadable input (exit 2, named on stderr, the others still scored)."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "score"


def run_score(directory, *extra, fmt="json"):
    return subprocess.run([sys.executable, "-m", "guidecheck.cli", "score", str(directory), "--scheme", "fj-2020-dept",
                           "--format", fmt, *extra], capture_output=True, text=True, timeout=180, cwd=ROOT, check=False)


# fj-2020-dept, seed 001. The clauses:
#   guide-publishing 办事服务信息发布情况，2分 … "每发现1项信息不符合要求的，扣0.2分" (unit: item of
#     information = one (guide, element) pair however many findings it has);
#   guide-accuracy 办事指南准确度 6分, cases (1)–(7); the seed gives no value per case: the scheme
#     file's default 0.5 per finding;
#   service-veto "重点要素类别缺失4类及以上的事项数量超过（含）5个；或事项总数不足5个的，每个事项办事
#     指南重点要素类别均缺失4类及以上，单项否决";
#   self-built-link (J) and site-identity (H) need a browser: not judged offline.
EXPECTED = {
    # guide1 T301 on legal_limit and on promised_limit: 2 items; guide2 E010 (no element): 1 item.
    # publishing: 3 items × 0.2 = 0.6 → 2 − 0.6 = 1.4.
    # accuracy: T301 is in no case; E010 is case (1) 事项无办事指南: 0.5 → 6 − 0.5 = 5.5.
    "市人力资源和社会保障局": {"checked": 2, "veto": False, "publishing": (0.6, 1.4), "accuracy": (0.5, 5.5)},
    # guide2: M101 + M103 both on `materials` = 1 item, P202 on consult_phone = 1 item;
    # guide3: B501 basis, L402 location = 2 items. publishing: 4 × 0.2 = 0.8 → 1.2.
    # accuracy: M101 case (5) 0.5, M103 case (3) 0.5, P202 case (7) 0.5, B501 case (6) 0.5;
    # L402 is in no case. 2.0 → 6 − 2 = 4.
    "市市场监督管理局": {"checked": 3, "veto": False, "publishing": (0.8, 1.2), "accuracy": (2, 4)},
    # Each guide misses fee, hours, consult_phone, process (E001 × 4).
    # publishing: 8 items × 0.2 = 1.6 → 0.4. accuracy: 8 findings of case (2) × 0.5 = 4 → 2.
    # veto: 2 items in all (< 5) and every guide misses 4 key elements → vetoed.
    "市生态环境局": {"checked": 2, "veto": True, "publishing": (1.6, 0.4), "accuracy": (4, 2)},
}


def check_department(dept, expected):
    assert dept["checked"] == expected["checked"]
    assert dept["veto"] is expected["veto"]
    ind = dept["indicators"]
    assert set(ind) == {"guide-publishing", "self-built-link", "guide-accuracy", "service-veto", "site-identity"}
    deducted, score = expected["publishing"]
    assert ind["guide-publishing"] == {"points": 2, "deducted": deducted, "score": score}
    deducted, score = expected["accuracy"]
    assert ind["guide-accuracy"] == {"points": 6, "deducted": deducted, "score": score}
    assert ind["self-built-link"] == {"points": 1, "judged": False}
    assert ind["site-identity"] == {"points": 1, "judged": False}
    assert ind["service-veto"]["value"] is expected["veto"]


def test_score_fixture_json_shape_and_numbers():
    result = run_score(FIXTURE.relative_to(ROOT))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"scheme", "departments"} and out["scheme"] == "fj-2020-dept"
    names = [d["name"] for d in out["departments"]]
    assert sorted(names) == sorted(EXPECTED)
    for dept in out["departments"]:
        assert set(dept) == {"name", "checked", "veto", "indicators"}
        check_department(dept, EXPECTED[dept["name"]])


def test_unreadable_input_exits_2_and_the_others_are_still_scored(tmp_path):
    work = tmp_path / "score"
    shutil.copytree(FIXTURE, work)
    bad = work / "市市场监督管理局" / "broken.html"
    bad.write_bytes(b"")
    result = run_score(work)
    assert result.returncode == 2
    err = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(err) == 1 and str(bad) in err[0] and "为空" in err[0]
    out = json.loads(result.stdout)
    for dept in out["departments"]:  # the empty file is not a guide: every figure stays as before
        check_department(dept, EXPECTED[dept["name"]])


def test_empty_department_folder_is_named_and_scored_as_nothing_checked(tmp_path):
    work = tmp_path / "score"
    shutil.copytree(FIXTURE, work)
    (work / "市交通运输局").mkdir()
    result = run_score(work)
    assert result.returncode == 2
    assert "市交通运输局" in result.stderr
    dept = next(d for d in json.loads(result.stdout)["departments"] if d["name"] == "市交通运输局")
    assert dept["checked"] == 0 and dept["veto"] is False
    assert all(ind.get("judged") is False for ind in dept["indicators"].values())


def test_text_format_is_a_chinese_table():
    result = run_score(FIXTURE, fmt="text")
    assert result.returncode == 0, result.stderr
    assert "办事服务信息发布" in result.stdout and "单项否决" in result.stdout
    assert "市生态环境局" in result.stdout and "未判定" in result.stdout


@pytest.mark.parametrize("args", [["--scheme", "no-such-scheme"], []])
def test_bad_scheme_is_a_usage_error(args):
    result = subprocess.run([sys.executable, "-m", "guidecheck.cli", "score", str(FIXTURE), *args, "--format", "json"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert result.returncode == 2 and not result.stdout
