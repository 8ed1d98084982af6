"""Which cloud shield (firewall, anti-bot challenge) answered a request, from
the signatures in element_rules/link_shields.yaml (data, not code).

    shield(status, headers, body) -> "阿里云WAF" | None
    maintenance(body) -> True when a 503 page says the site is under maintenance
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "element_rules" / "link_shields.yaml"
BODY_WINDOW = 65536


@dataclass(frozen=True)
class Shield:
    name: str
    headers: tuple[tuple[str, re.Pattern], ...]
    body: re.Pattern | None
    challenge: re.Pattern | None
    statuses: frozenset[int]


@functools.cache
def _data() -> tuple[list[Shield], re.Pattern]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    shields = []
    for entry in raw["shields"]:
        headers = tuple((name.lower(), re.compile(pattern, re.I)) for name, pattern in (entry.get("headers") or {}).items())
        shields.append(Shield(entry["name"], headers, _any(entry.get("body")), _any(entry.get("challenge")),
                              frozenset(entry.get("statuses") or [])))
    maint = re.compile("|".join(re.escape(w) for w in raw.get("maintenance") or []), re.I)
    return shields, maint


def _any(patterns) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None


def _text(body: bytes) -> str:
    head = body[:BODY_WINDOW]
    for charset in ("utf-8", "gb18030"):
        try:
            return head.decode(charset)
        except UnicodeDecodeError:
            continue
    return head.decode("utf-8", "replace")


def shield(status: int | None, headers, body: bytes) -> str | None:
    """The shield whose signature the answer carries, or None. Headers and
    block-page wording count in an error answer only (a real page served
    through a CDN carries the CDN's headers); script-challenge markers count in
    any answer."""
    shields, _ = _data()
    lowered = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    error = status is None or status >= 400
    text = _text(body or b"")
    for s in shields:
        if s.challenge is not None and s.challenge.search(text):
            return s.name
        if not error or (s.statuses and status not in s.statuses):
            continue
        if any(name in lowered and pattern.search(lowered[name]) for name, pattern in s.headers):
            return s.name
        if s.body is not None and s.body.search(text):
            return s.name
    return None


def maintenance(body: bytes) -> bool:
    _, pattern = _data()
    return bool(pattern.search(_text(body or b"")))
