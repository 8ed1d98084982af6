"""The set-up step (guidecheck/setup.py, `guidecheck setup`) and the Chinese of
the command line: what a user reads when something is missing or wrong."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from guidecheck import setup
from guidecheck.cli import main


def hidden(monkeypatch, tmp_path, font="missing"):
    monkeypatch.setenv("GUIDECHECK_CHROMIUM", str(tmp_path / "nowhere"))
    monkeypatch.setenv("GUIDECHECK_NO_APT", "1")
    monkeypatch.setenv("GUIDECHECK_FONT_CHECK", font)


def test_no_browser_no_font_says_what_to_install(monkeypatch, tmp_path):
    hidden(monkeypatch, tmp_path)
    state = setup.ensure()
    assert state.browser is None and not state.font and not state.installs
    text = "\n".join(state.messages)
    assert "apt-get install chromium" in text and "GUIDECHECK_CHROMIUM" in text and "--chromium" in text
    assert "fonts-noto-cjk" in text and "方框" in text


def test_default_path_is_used_when_nothing_else_is_given(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'Chromium 1.0'\n")
    fake.chmod(0o755)
    monkeypatch.delenv("GUIDECHECK_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("GUIDECHECK_DEFAULT_CHROMIUM", str(fake))
    assert setup.candidate() == str(fake) and setup.probe(str(fake)) is None
    monkeypatch.setenv("GUIDECHECK_DEFAULT_CHROMIUM", "")
    assert setup.candidate() is None
    assert setup.candidate("/explicit/chromium") == "/explicit/chromium"  # --chromium wins


def test_a_broken_browser_is_named_with_its_reason(tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    broken.chmod(0o755)
    assert "cannot open display" in setup.probe(str(broken))
    assert setup.probe(str(tmp_path / "missing")) == setup.say("not_executable")


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="no fontconfig")
def test_font_check_reads_fontconfig(monkeypatch):
    monkeypatch.delenv("GUIDECHECK_FONT_CHECK", raising=False)
    has = bool(subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip())
    assert setup.has_cjk_font() is has


def test_setup_command_exit_status_and_no_traceback(tmp_path):
    env = {**os.environ, "GUIDECHECK_CHROMIUM": str(tmp_path / "nowhere"), "GUIDECHECK_NO_APT": "1",
           "GUIDECHECK_FONT_CHECK": "missing"}
    done = subprocess.run([sys.executable, "-m", "guidecheck.cli", "setup"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "没有可用的 Chromium 浏览器" in done.stdout and "没有中文字体" in done.stdout


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "[default", "[required", "Try '")


@pytest.mark.parametrize("path", [(), *_commands(main)], ids=lambda p: " ".join(p) or "guidecheck")
def test_help_is_chinese(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert not [w for w in ENGLISH if w in result.output], result.output
    assert "用法：" in result.output and "显示本帮助并退出" in result.output
    usage = result.output.split("\n", 1)[0]
    assert not re.search(r"[A-Z]{2,}", usage), usage  # placeholders in Chinese: 路径..., 问题编号 (not PATHS, KEY)
    body = result.output.split("\n", 2)[-1]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body)


def test_usage_errors_are_chinese(tmp_path):
    result = CliRunner().invoke(main, ["check", "--no-such-option"])
    assert result.exit_code == 2 and "没有选项" in result.output and "Error" not in result.output


def test_campaign_run_on_a_missing_database_says_create_first(tmp_path):
    result = CliRunner().invoke(main, ["campaign", "run", "--db", str(tmp_path / "month.db")])
    assert result.exit_code == 2 and "campaign create" in result.output and "不存在" in result.output
    assert not (tmp_path / "month.db").exists()


def test_review_confirm_without_why_is_refused(tmp_path):
    from guidecheck.store import Store

    db = tmp_path / "r.db"
    with Store(db):
        pass
    result = CliRunner().invoke(main, ["review", "confirm", "abcdef12", "--db", str(db), "--who", "张三"])
    assert result.exit_code == 1 and "必须说明理由（--why）" in result.output
    blank = CliRunner().invoke(main, ["review", "confirm", "abcdef12", "--db", str(db), "--who", "张三", "--why", " "])
    assert blank.exit_code == 1 and "--why" in blank.output


def test_readme_check_example_shows_the_common_case():
    """README's `check fixtures/pages` example exits 1 (findings), not 2: the shell
    page that cannot be read belongs in the bad-input example."""
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if ln.strip().startswith("guidecheck check fixtures/"))
    args = line.split("#")[0].split()[1:]
    done = subprocess.run([sys.executable, "-m", "guidecheck.cli", *args], capture_output=True, text=True, cwd=root,
                          timeout=300)
    assert done.returncode == 1, done.stderr[-500:]
