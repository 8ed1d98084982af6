"""Errors that name the input and the reason, in Chinese for the user."""
from __future__ import annotations


class InputError(Exception):
    """An input that cannot be turned into guide records.

    `source` is the path or URL as the user gave it, `reason` a short Chinese
    sentence saying why. str() gives the one line printed on stderr.
    """

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class NoGuideError(InputError):
    """The input was read, and it holds no guide: a page with no element labels,
    or a portal reply saying there is no such item. In a crawl this confirms E010;
    other InputErrors (truncated, malformed, binary) leave it for review."""


class ScriptShellError(InputError):
    """A page whose labels are printed but whose values are filled in by script
    (an Epoint-style shell). Checking it would invent findings; the crawler must
    render it or call the portal's JSON endpoint instead."""


class CatalogError(Exception):
    """A rule catalog, scheme or case file that is malformed: names file, place and reason."""
