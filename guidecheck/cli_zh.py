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


TYPE_NAMES = {"StringParamType": "文本", "IntParamType": "整数", "FloatParamType": "数字", "BoolParamType": "是或否",
              "IntRange": "整数范围", "FloatRange": "数字范围", "UUIDParameterType": "UUID"}


def install(group=None) -> None:
    """Translate click's words (once); with a command group, also the usage
    placeholders ([OPTIONS], COMMAND [ARGS]...) of it and all its commands."""
    _install_words()
    if group is not None:
        _placeholders(group)


def _placeholders(command) -> None:
    import click

    command.options_metavar = translate("[OPTIONS]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = translate("COMMAND [ARGS]...")
        for sub in command.commands.values():
            _placeholders(sub)


@functools.cache
def _install_words() -> None:
    import importlib

    import click.types

    for cls_name, name in TYPE_NAMES.items():
        cls = getattr(click.types, cls_name, None)
        if cls is not None:
            cls.name = name

    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = ntranslate
