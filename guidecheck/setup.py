"""The machine's set-up: a Chromium the journeys and homepage checks can
launch, and a Chinese (CJK) font so that screenshots show Chinese text.

    state = ensure(explicit_chromium, install=True)   # -> SetupState
    state.browser      # a Chromium that launched, or None
    state.font         # a CJK font is installed (fc-list :lang=zh)
    state.messages     # Chinese lines for the user

On Debian, as root, with apt-get: a missing Chromium or CJK font is installed
(`chromium`; `fonts-noto-cjk`, else `fonts-wqy-zenhei`). Elsewhere the
messages say what to install and how to point GUIDECHECK_CHROMIUM or
--chromium at a browser. Never raises for a missing browser or font.

Overrides (for tests and locked-down machines):
- GUIDECHECK_NO_APT=1: never run apt-get;
- GUIDECHECK_DEFAULT_CHROMIUM: the path tried when neither --chromium nor
  GUIDECHECK_CHROMIUM is given and no `chromium` is on PATH (default
  /usr/bin/chromium; empty: none);
- GUIDECHECK_FONT_CHECK=present|missing: skip fc-list.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .crawler.settings import CHROMIUM_ENV

NO_APT_ENV = "GUIDECHECK_NO_APT"
DEFAULT_ENV = "GUIDECHECK_DEFAULT_CHROMIUM"
FONT_ENV = "GUIDECHECK_FONT_CHECK"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
BROWSER_PACKAGES = ["chromium"]
FONT_PACKAGES = [["fonts-noto-cjk"], ["fonts-wqy-zenhei"]]
PROBE_TIMEOUT = 60


@functools.cache
def messages() -> dict:
    path = Path(__file__).parent / "element_rules" / "setup.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def say(name: str, **fields) -> str:
    text = str(messages()[name])
    return text.format(**fields) if fields else text


@dataclass
class SetupState:
    browser: str | None = None  # a path; "" means Playwright's own browser launched
    font: bool = False
    messages: list[str] = field(default_factory=list)  # every line: installs, then browser and font
    installs: list[str] = field(default_factory=list)  # what apt-get did (also in messages)

    @property
    def has_browser(self) -> bool:
        return self.browser is not None


def candidate(explicit: str | None = None) -> str | None:
    """The browser to try: --chromium, $GUIDECHECK_CHROMIUM, `chromium` on PATH,
    the default path (if it exists); None: Playwright's own browser."""
    for value in (explicit, os.environ.get(CHROMIUM_ENV)):
        if value:
            return value
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    default = os.environ.get(DEFAULT_ENV, DEFAULT_CHROMIUM)
    return default if default and Path(default).exists() else None


def probe(path: str | None) -> str | None:
    """None when the browser runs, else the reason in one line. A path is run
    with --version (quick); Playwright's own browser (path None) is launched."""
    import sys

    if path:
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return say("not_executable")
        try:
            done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=PROBE_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return type(exc).__name__
        return None if done.returncode == 0 else (done.stderr.strip().splitlines() or [say("launch_failed")])[-1][:160]
    code = ("import asyncio,sys\n"
            "from playwright.async_api import async_playwright\n"
            "from guidecheck.crawler.settings import CHROMIUM_ARGS\n"
            "async def main(p):\n"
            "    async with async_playwright() as pw:\n"
            "        kw={'headless':True,'args':list(CHROMIUM_ARGS),'timeout':30000}\n"
            "        if p: kw['executable_path']=p\n"
            "        b=await pw.chromium.launch(**kw); await b.close()\n"
            "asyncio.run(main(sys.argv[1]))\n")
    try:
        done = subprocess.run([sys.executable, "-c", code, ""], capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return type(exc).__name__
    if done.returncode == 0:
        return None
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    reason = next((line for line in reversed(lines) if "Error" in line), lines[-1] if lines else say("launch_failed"))
    return reason[:160]


def has_cjk_font() -> bool:
    forced = os.environ.get(FONT_ENV, "").strip().lower()
    if forced in ("present", "missing"):
        return forced == "present"
    try:
        done = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and bool(done.stdout.strip())


def can_apt() -> bool:
    return (not os.environ.get(NO_APT_ENV) and hasattr(os, "geteuid") and os.geteuid() == 0
            and shutil.which("apt-get") is not None and Path("/etc/debian_version").exists())


def apt_install(packages: list[str], out: list[str]) -> bool:
    import sys

    print(say("installing", packages=" ".join(packages)), file=sys.stderr, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=env, timeout=600)
        done = subprocess.run(["apt-get", "install", "-y", "-q", *packages], capture_output=True, text=True,
                              env=env, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        out.append(say("install_failed", packages=" ".join(packages), reason=type(exc).__name__))
        return False
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1][:120]
        out.append(say("install_failed", packages=" ".join(packages), reason=last))
        return False
    out.append(say("installed", packages=" ".join(packages)))
    return True


def ensure(explicit: str | None = None, *, install: bool = True) -> SetupState:
    """Find (and where allowed, install) a browser and a CJK font."""
    state = SetupState()
    path = candidate(explicit)
    reason = probe(path) if path else "missing"
    if reason and install and not explicit and not os.environ.get(CHROMIUM_ENV) and can_apt():
        if apt_install(BROWSER_PACKAGES, state.installs):
            path = candidate(None)
            reason = probe(path) if path else "missing"
    if reason == "missing":  # no path anywhere: Playwright's own browser, if it was downloaded
        reason = probe(None)
        path = "" if reason is None else None
    if reason is None:
        state.browser = path
        state.messages.append(say("browser_ok", path=path or say("playwright_browser")))
    else:
        if path:
            state.messages.append(say("browser_bad", path=path, reason=reason))
        state.messages.append(say("no_browser"))
    state.font = has_cjk_font()
    if not state.font and install and can_apt():
        for packages in FONT_PACKAGES:
            if apt_install(packages, state.installs):  # the first package that installs is the font
                state.font = has_cjk_font()
                break
    state.messages.append(say("font_ok") if state.font else say("no_font"))
    state.messages[:0] = state.installs
    return state
