"""Which Chromium to launch and with which switches: shared by the crawler's
rendering (scrapy-playwright) and the browser pool of journeys and homepages."""
from __future__ import annotations

import os
import shutil

CHROMIUM_ENV = "GUIDECHECK_CHROMIUM"
# No speculative connections: a page's hints (preconnect, DNS prefetch) would
# open sockets before the scope sees a request.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--dns-prefetch-disable", "--disable-features=NetworkPrediction,Prerender2,NoStatePrefetch"]


def chromium_path(explicit: str | None = None) -> str | None:
    """The Chromium to launch: an explicit path, $GUIDECHECK_CHROMIUM, Debian's
    /usr/bin/chromium, or None (Playwright's own downloaded browser)."""
    for candidate in (explicit, os.environ.get(CHROMIUM_ENV)):
        if candidate:
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")
