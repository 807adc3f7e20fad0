"""Options and parameter types shared by the commands, written once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click

from atip.cli.translation import option
from atip.i18n import _


class DateType(click.ParamType):
    """ISO, day-first or French dates; anything else is refused, never guessed."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from atip.errors import InputError
        from atip.french import parse_date

        try:
            return parse_date(str(value))
        except InputError as exc:
            self.fail(exc.message, param, ctx)


DATE = DateType()


class CodeChoice(click.Choice):
    """One of atip's codes (vocabulary.CODES), typed as the code or as its French word.

    The value passed on is always the English code; help shows the words of the language.
    """

    def __init__(self, what: str, codes: tuple[str, ...] | None = None) -> None:
        from atip.vocabulary import CODES

        self.what = what
        super().__init__(list(codes or CODES[what]))

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        from atip.vocabulary import typed_word

        return "[" + "|".join(typed_word(self.what, str(code)) for code in self.choices) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from atip.vocabulary import code_of, typed_word

        code = code_of(self.what, str(value))
        if code is not None and code in self.choices:
            return code
        words = ", ".join(typed_word(self.what, str(c)) for c in self.choices)
        self.fail(
            _("{value} is not one of: {words}").format(value=repr(str(value)), words=words),
            param,
            ctx,
        )


def as_of_option(func: Any) -> Any:
    """--as-of DATE, default today."""
    return option(
        "--as-of",
        type=DATE,
        default=None,
        help="Compute days left as of this date (default: today).",
    )(func)


def format_option(*choices: str, default: str | None = None) -> Callable[[Any], Any]:
    """--format CHOICE, stored as `fmt`; the default is the first choice unless given."""
    return option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default or choices[0],
        show_default=True,
    )


def json_option(func: Any) -> Any:
    """--json for machine-readable output."""
    return option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def today(as_of: date | None = None) -> date:
    """The --as-of date, else today: ATIP_TODAY, else the date in the workspace's time zone."""
    if as_of is not None:
        return as_of
    from atip import clock
    from atip.cli import App

    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(App) if ctx is not None else None
    return clock.today(app.timezone() if app is not None else None)


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order."""
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_json_rows(rows: list[dict[str, Any]]) -> None:
    """A JSON list with one object per line: readable, and C-fast for thousands of rows."""
    import json

    # json.dumps with indent= runs in pure Python; without it, in C (5x faster on a backlog).
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    click.echo(f"[\n{lines}\n]" if rows else "[]")


def typed_lines(text: str | None) -> str | None:
    """An address typed on one line: the two characters `\\n` separate its lines."""
    return text.replace("\\n", "\n") if text else None
