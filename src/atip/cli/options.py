"""Options and parameter types shared by the commands, written once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click

from atip.cli.translation import option


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


def today(as_of: date | None) -> date:
    """The --as-of date, else today."""
    return as_of or date.today()


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
