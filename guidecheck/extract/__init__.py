"""Extraction: bytes + URL -> GuideRecords. A pure function: no scrapy, no browser.

    extract(data, source, url="") -> list[GuideRecord]

raises InputError (unreadable, unknown shape) or ScriptShellError (values arrive by script).
"""
