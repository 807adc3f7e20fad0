"""Options and parameter types shared by the commands, written once."""

from __future__ import annotations

from datetime import date
from typing import Any

import click


class DateType(click.ParamType):
    """ISO, day-first or French dates; anything else is refused, never guessed."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from atip.dates import parse_date
        from atip.errors import InputError

        try:
            return parse_date(str(value))
        except InputError as exc:
            self.fail(exc.message, param, ctx)


DATE = DateType()


def as_of_option(func: Any) -> Any:
    """--as-of DATE, default today."""
    return click.option(
        "--as-of",
        type=DATE,
        default=None,
        help="Compute days left as of this date (default: today).",
    )(func)


def json_option(func: Any) -> Any:
    """--json for machine-readable output."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def today(as_of: date | None) -> date:
    """The --as-of date, else today."""
    return as_of or date.today()


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order."""
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
