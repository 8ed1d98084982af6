"""Bad input: each gets one line on stderr naming it and why, exit status 2,
and every other input is still checked and printed."""
import json
import os
import subprocess
import sys

import pytest

GOOD_GUIDE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>办事指南</title></head><body>
<table>
<tr><th>事项名称</th><td>食品经营许可证核发</td></tr>
<tr><th>设定依据</th><td>《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。</td></tr>
<tr><th>办理地点</th><td>福州市鼓楼区湖东路88号市行政服务中心2楼A区12号窗口</td></tr>
<tr><th>咨询电话</th><td>0591-87654321</td></tr>
</table></body></html>"""


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "guidecheck.cli", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def bad_inputs(tmp_path):
    files = {}
    files["empty"] = tmp_path / "empty.html"
    files["empty"].write_bytes(b"")
    files["truncated"] = tmp_path / "truncated.html"
    files["truncated"].write_bytes(GOOD_GUIDE.encode()[:300])
    files["binary"] = tmp_path / "binary.html"
    files["binary"].write_bytes(bytes(range(256)) * 64)
    files["huge"] = tmp_path / "huge.html"
    files["huge"].write_bytes(b"<html><body>" + "事项名称：测试".encode() * 800_000 + b"</body></html>")
    files["unknown_json"] = tmp_path / "unknown.json"
    files["unknown_json"].write_text(json.dumps({"foo": [1, 2, 3], "bar": {"baz": "qux"}}), encoding="utf-8")
    files["missing"] = tmp_path / "no-such-guide.html"
    files["broken_link"] = tmp_path / "dangling.html"
    os.symlink(tmp_path / "gone.html", files["broken_link"])
    return files


def test_each_bad_input_named_on_stderr_and_good_one_still_checked(tmp_path, bad_inputs):
    good = tmp_path / "good.html"
    good.write_text(GOOD_GUIDE, encoding="utf-8")
    paths = [str(p) for p in bad_inputs.values()]
    result = run_cli("check", paths[0], paths[1], str(good), *paths[2:], "--format", "jsonl")
    assert result.returncode == 2
    err_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(err_lines) == len(bad_inputs), result.stderr
    for name, path in bad_inputs.items():
        lines = [line for line in err_lines if str(path) in line]
        assert len(lines) == 1, (name, result.stderr)
    reasons = {name: next(line for line in err_lines if str(p) in line) for name, p in bad_inputs.items()}
    assert "为空" in reasons["empty"]
    assert "不完整" in reasons["truncated"]
    assert "二进制" in reasons["binary"]
    assert "过大" in reasons["huge"]
    assert "JSON" in reasons["unknown_json"]
    assert "不存在" in reasons["missing"]
    assert "不存在" in reasons["broken_link"]
    # The good guide between the bad ones is still checked and printed.
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["source"] for o in out] == [str(good)]
    assert out[0]["elements"]["name"] == "食品经营许可证核发"


def test_exit_status_reflects_findings(tmp_path):
    good = tmp_path / "good.html"
    good.write_text(GOOD_GUIDE, encoding="utf-8")
    with_findings = run_cli("check", str(good), "--format", "jsonl")
    assert with_findings.returncode == 1  # key elements are missing: E001
    rules_found = {f["rule"] for f in json.loads(with_findings.stdout)["findings"]}
    assert "E001" in rules_found
    only_b = run_cli("check", str(good), "--select", "B501", "--format", "jsonl")
    assert only_b.returncode == 0, only_b.stdout  # the basis cites an article
    assert json.loads(only_b.stdout)["findings"] == []


def test_unknown_rule_selection_is_a_usage_error(tmp_path):
    good = tmp_path / "good.html"
    good.write_text(GOOD_GUIDE, encoding="utf-8")
    result = run_cli("check", str(good), "--select", "Z9")
    assert result.returncode == 2
    assert "Z9" in result.stderr


def test_unknown_scheme_is_refused(tmp_path):
    good = tmp_path / "good.html"
    good.write_text(GOOD_GUIDE, encoding="utf-8")
    result = run_cli("check", str(good), "--scheme", "no-such-scheme")
    assert result.returncode == 2
    assert "no-such-scheme" in result.stderr
