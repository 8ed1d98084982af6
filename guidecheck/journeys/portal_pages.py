"""Portal-page checks (H001-H003): a government or department homepage, as the
browser rendered it, against what the campaign expects.

- H001 (government homepages): a link to the provincial portal's local branch.
  A link counts when its target's host is one of `branch.hosts`, or its
  target equals (or, for a URL ending in "/", lies under) one of
  `branch.urls`, or its text (with image alt/title) contains one of
  `branch.texts`. Prominence (显著位置) is not judged: any link counts.
- H002 (department homepages): a link to the department's own channel on the
  portal: its target equals one of the department's channel URLs or lies under
  one (path prefix at a segment boundary, query ignored unless given).
- H003 (every homepage checked): the five identity marks, each from its signs
  in defaults.yaml `marks`: 网站标识码 (visible text, 10 characters), ICP备案
  (…ICP备…号), 公安备案 (…公网安备…号), the 党政机关 badge (a link or image
  to conac/dzjg, or an image whose alt says 党政机关: the words as plain text
  do not count), 我为政府网站找错 (a link to zfwzgl/jiucuo or with that text).
  One finding per missing mark.

`check_homepage(html, url, ...)` is pure (no network): replaying a stored
page gives the same findings. `fetch_page` renders a page in the browser pool.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html

from ..catalog import codes_needing
from ..model import Finding
from .config import defaults

ROLES = ("government", "department")
_URL_IN_SCRIPT = re.compile(r"""['"]((?:https?:)?//[^'"\s]+|/[^'"\s]*)['"]""")


@dataclass
class BranchSpec:
    """What counts as a link to the provincial portal's local branch (H001)."""

    hosts: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @classmethod
    def from_settings(cls, data: dict | None) -> BranchSpec | None:
        if not data:
            return None
        out = cls(hosts=[str(h).lower() for h in data.get("hosts") or []], urls=[str(u) for u in data.get("urls") or []],
                  texts=[str(t) for t in data.get("texts") or []])
        return out if (out.hosts or out.urls or out.texts) else None

    def describe(self) -> str:
        parts = self.texts[:2] + self.hosts[:2] + self.urls[:1]
        return "、".join(f"“{p}”" for p in parts) or "本地分厅"


@dataclass
class PageLink:
    url: str
    text: str


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def page_links(html: str, base_url: str) -> list[PageLink]:
    """Every link of a page: a/area href (text, plus image alt and title) and URLs
    written in onclick handlers."""
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    out = []
    for el in doc.iter("a", "area"):
        href = (el.get("href") or "").strip()
        texts = [el.text_content() if el.tag == "a" else "", el.get("title") or "", el.get("alt") or ""]
        texts += [img.get("alt") or img.get("title") or "" for img in el.iter("img")]
        text = _norm(" ".join(texts))
        if href and not href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            out.append(PageLink(urljoin(base_url, href), text))
        for m in _URL_IN_SCRIPT.finditer(el.get("onclick") or ""):
            out.append(PageLink(urljoin(base_url, m.group(1)), text))
    for el in doc.xpath("//*[@onclick and not(self::a) and not(self::area)]"):
        text = _norm(el.text_content())
        for m in _URL_IN_SCRIPT.finditer(el.get("onclick") or ""):
            out.append(PageLink(urljoin(base_url, m.group(1)), text))
    return out


def _visible_text(doc) -> str:
    for bad in doc.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    return _norm(doc.text_content())


def site_marks(html: str, base_url: str = "") -> dict[str, str | None]:
    """Each identity mark -> the evidence found (a snippet), or None when absent."""
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return {key: None for key in defaults()["marks"]}
    links = page_links(html, base_url)
    images = [(img.get("src") or "", _norm((img.get("alt") or "") + (img.get("title") or ""))) for img in doc.iter("img")]
    text = _visible_text(doc)
    out: dict[str, str | None] = {}
    for key, signs in defaults()["marks"].items():
        found = None
        for pattern in signs.get("text", []):
            m = re.search(pattern, text)
            if m:
                found = m.group(0)
                break
        for word in signs.get("href", []) if found is None else []:
            hit = next((link for link in links if word in link.url.lower()), None)
            if hit:
                found = hit.url
                break
        for word in signs.get("src", []) if found is None else []:
            hit = next((src for src, _ in images if word in src.lower()), None)
            if hit:
                found = hit
                break
        for word in signs.get("alt", []) if found is None else []:
            hit = next((alt for _, alt in images if word in alt), None)
            if hit:
                found = hit
                break
        for word in signs.get("link_text", []) if found is None else []:
            hit = next((link for link in links if word in link.text), None)
            if hit:
                found = hit.text
                break
        out[key] = found
    return out


def _same_or_under(url: str, target: str) -> bool:
    """`url` is `target`, or lies under it (path prefix at a segment boundary;
    the target's query, if any, must match too)."""
    a, b = urlsplit(urldefrag(url).url), urlsplit(urldefrag(target).url)
    if a.scheme not in ("http", "https") or a.netloc.lower() != b.netloc.lower():
        return False
    if b.query and a.query != b.query:
        return False
    pa, pb = a.path.rstrip("/") or "/", b.path.rstrip("/") or "/"
    if pa == pb:
        return True
    return pb != "/" and pa.startswith(pb + "/")


def branch_link(links: list[PageLink], branch: BranchSpec) -> PageLink | None:
    for link in links:
        host = urlsplit(link.url).netloc.lower()
        if host and (host in branch.hosts or host.split(":")[0] in branch.hosts):
            return link
        for url in branch.urls:
            a, b = urldefrag(link.url).url, urldefrag(url).url
            if a.rstrip("/") == b.rstrip("/") or (b.endswith("/") and urlsplit(b).path != "/" and a.startswith(b)):
                return link
        if any(_norm(t) and _norm(t) in link.text for t in branch.texts):
            return link
    return None


def channel_link(links: list[PageLink], channels: list[str]) -> PageLink | None:
    for link in links:
        if any(_same_or_under(link.url, c) for c in channels):
            return link
    return None


def mark_title(key: str) -> str:
    return defaults()["marks"][key]["title"]


def check_homepage(html: str, url: str, *, role: str, branch: BranchSpec | None = None,
                   channels: list[str] | None = None, evidence: str | None = None) -> list[Finding]:
    """The H findings of one rendered homepage (links resolved against `url`,
    the page's final URL; `evidence` the URL to name, default `url`). `role`
    government: H001 (needs `branch`) and H003; department: H002 (needs
    `channels`) and H003. This phase only observes the page; the catalog's
    H rules (checks/portal.py) judge the observation."""
    from ..checks.portal import observe_homepage

    if role not in ROLES:
        raise ValueError(f"unknown page role {role!r}")
    return judge_homepage(observe_homepage(html, url, role=role, branch=branch, channels=channels, evidence=evidence))


def review_findings(url: str, reason: str, *, role: str, branch: BranchSpec | None = None,
                    channels: list[str] | None = None) -> list[Finding]:
    """needs_review findings for a homepage that could not be fetched: one per
    rule that would have judged it."""
    from ..checks.portal import unreachable_homepage

    return judge_homepage(unreachable_homepage(url, reason, role=role, branch=branch, channels=channels))


H_CODES = codes_needing("browser", "H")


def judge_homepage(observation) -> list[Finding]:
    """The catalog's H rules run over one homepage observation (the judge calls this)."""
    from ..checks import run_checks
    from ..model import GuideRecord

    record = GuideRecord(source=observation.url, url=observation.url)
    record.homepage = observation
    return run_checks(record, set(H_CODES))


async def fetch_page(pool, url: str, *, timeout: float = 30.0, quiet_ms: int = 800) -> dict:
    """Render a page in a fresh context: {url, final_url, status, headers, html,
    error}. Waits for the load event, then for the network to be quiet for
    `quiet_ms` (script-built navigation and footers), at most `timeout` seconds."""
    import asyncio
    import time

    out = {"url": url, "final_url": url, "status": None, "headers": {}, "html": "", "error": ""}
    async with pool.context(ignore_https_errors=True) as ctx:
        page = await ctx.new_page()
        inflight = {"n": 0, "t": time.monotonic()}

        def started(_):
            inflight["n"] += 1
            inflight["t"] = time.monotonic()

        def ended(_):
            inflight["n"] = max(0, inflight["n"] - 1)
            inflight["t"] = time.monotonic()

        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        deadline = time.monotonic() + timeout
        try:
            response = await page.goto(url, wait_until="load", timeout=timeout * 1000)
        except Exception as exc:  # noqa: BLE001
            out["error"] = str(exc).splitlines()[0][:200]
            return out
        if response is not None:
            out["status"], out["headers"] = response.status, dict(response.headers)
        while time.monotonic() < deadline and (inflight["n"] or time.monotonic() - inflight["t"] < quiet_ms / 1000):
            await asyncio.sleep(0.05)
        out["final_url"] = page.url
        out["html"] = await page.content()
        return out
