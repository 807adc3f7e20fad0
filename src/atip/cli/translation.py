"""click in the interface language: help texts translated when shown, click's own strings too.

Help texts are written in English in the code and looked up in the catalog each time they are
shown, so one process (the tests) can speak both languages in turn.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import click

from atip.i18n import _, language, ngettext

# click's modules that bind gettext's `_` and `ngettext` at import time.
_CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "shell_completion",
    "termui",
    "types",
    "utils",
)


def translate_click() -> None:
    """Make click's own strings ("Usage:", "Missing option", …) go through atip's catalog."""
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def _translated(text: str | None) -> str | None:
    if not text:
        return text
    return _(inspect.cleandoc(text).partition("\f")[0].strip())


class Option(click.Option):
    """An option whose help is translated when shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        original = self.help
        self.help = _translated(original)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = original


class Formatter(click.HelpFormatter):
    """Section headings typeset for the language: `Options :` in French, `Options:` in English."""

    def write_heading(self, heading: str) -> None:
        colon = "\u00a0:" if language() == "fr" else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")


class Context(click.Context):
    """A context whose help is laid out by `Formatter`."""

    formatter_class = Formatter


class _TranslatedHelp(click.Command):
    """Help, short help and the --help option's own line, translated when shown."""

    context_class = Context

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _with_translated_help(
            self, lambda: super(_TranslatedHelp, self).format_help_text(ctx, formatter)
        )

    def get_short_help_str(self, limit: int = 45) -> str:
        return _short_help(self, limit)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click caches this option with its help in the language of the first call.
        found = super().get_help_option(ctx)
        if found is not None:
            found.help = _("Show this message and exit.")
        return found


class Command(_TranslatedHelp):
    """A command whose help is translated when shown."""


class Group(_TranslatedHelp, click.Group):
    """A group of commands whose help is translated when shown; its commands are `Command`s."""

    command_class = Command
    group_class = type


def _with_translated_help(command: click.Command, show: Callable[[], None]) -> None:
    original = command.help
    command.help = _translated(original)
    try:
        show()
    finally:
        command.help = original


def _short_help(command: click.Command, limit: int) -> str:
    if command.short_help:
        return _translated(command.short_help) or ""
    original = command.help
    command.help = _translated(original)
    try:
        return click.Command.get_short_help_str(command, limit)
    finally:
        command.help = original


option = functools.partial(click.option, cls=Option)


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Command]:
    """click.command with translated help."""
    return click.command(name, cls=Command, **attrs)


def group(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Group]:
    """click.group with translated help; its commands translate theirs."""
    return click.group(name, cls=Group, **attrs)
