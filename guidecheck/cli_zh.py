"""Click's own words in Chinese: help headings ("Usage:", "Options"), the
help option's text, usage errors. Click marks them for gettext; `install()`
gives its modules a translator that looks them up in
element_rules/cli_zh.yaml (unknown messages stay as they are)."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

WORDS_PATH = Path(__file__).parent / "element_rules" / "cli_zh.yaml"
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


@functools.cache
def words() -> dict[str, str]:
    return yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8")) or {}


def translate(message: str) -> str:
    return words().get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


@functools.cache
def install() -> None:
    import importlib

    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = ntranslate
