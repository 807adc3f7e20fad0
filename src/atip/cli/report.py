"""`atip report …` and `atip publish`: what is due, the year's statistics, the website copy."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from atip.cli import App, pass_app
from atip.cli.options import DATE, as_of_option, format_option, today
from atip.cli.translation import command, group, option
from atip.i18n import _

OUT = click.Path(dir_okay=False, path_type=Path)


@group()
def report() -> None:
    """Deadlines due and late; the annual statistics."""


def _emit(data: bytes, out: Path | None) -> None:
    """To standard output, or written atomically to `out` (then its path is printed)."""
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from atip.files import atomic_write_bytes

    atomic_write_bytes(out, data)
    click.echo(str(out))


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _json_rows(rows: list[dict[str, Any]]) -> bytes:
    import json

    # One object per line: readable, and json.dumps without indent= runs in C (a backlog).
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return (f"[\n{lines}\n]\n" if rows else "[]\n").encode("utf-8")


def _no_out_for_table(fmt: str, out: Path | None) -> None:
    if fmt == "table" and out is not None:
        raise click.UsageError(_("--out needs another --format than table"))


def _clock_choice() -> click.Choice:
    from atip.reports.clocks import CLOCKS

    return click.Choice(list(CLOCKS))


CLOCK_COLUMNS = ("clock", "article", "due", "days_left")
# The clock's columns in CSV, after the file's: named apart from the file's `days_left`.
CLOCK_CSV = ("clock", "article", "due", "clock_days_left")


@report.command("deadlines")
@as_of_option
@option("--clock", type=_clock_choice(), help="Only this clock (e.g. observations, review).")
@format_option("table", "csv", "json", "ics", "xlsx")
@option("--out", type=OUT, help="Write to this file (atomically) instead of stdout.")
@pass_app
def deadlines_report(
    app: App, as_of: date | None, clock: str | None, fmt: str, out: Path | None
) -> None:
    """Every clock of every file still running, each with its article: late first."""
    from atip.reports.deadlines import DEADLINE_KEYS, deadlines

    _no_out_for_table(fmt, out)
    if fmt == "xlsx" and out is None:
        raise click.UsageError(_("--format xlsx needs --out FILE"))
    day = today(as_of)
    rows = deadlines(app.reader, day, clock)
    if fmt == "json":
        _emit(_json_rows(rows), out)
    elif fmt == "csv":
        from atip.cli.display import csv_header

        # One line per clock: the file's columns, then the clock's.
        header = csv_header(DEADLINE_KEYS) + csv_header(CLOCK_CSV)
        lines = [[r[k] for k in DEADLINE_KEYS] + [c[k] for k in CLOCK_COLUMNS]
                 for r in rows for c in r["clocks"]]  # fmt: skip
        _emit(_csv(header, lines), out)
    elif fmt == "ics":
        from atip.register import identity
        from atip.reports.ics import deadlines_ics

        def calendar(workspace: str) -> bytes:
            return deadlines_ics(
                rows,
                app.settings.organisation,
                workspace=workspace,
                reminder_days=app.settings.reminder_days,
            )

        # The workspace's id is stored on its first export, once the file is written: a
        # refused export leaves the database as it was.
        engine = app.engine  # the reader above brought the dates in step with atip.toml
        known = identity.workspace_id(engine)
        if known is not None:
            _emit(calendar(known), out)
        else:
            made = identity.new_id()
            _emit(calendar(made), out)
            kept = identity.remember(engine, made)
            if kept != made and out is not None:  # another export stored its id first
                from atip.files import atomic_write_bytes

                atomic_write_bytes(out, calendar(kept))
    elif fmt == "xlsx":
        assert out is not None
        _emit(_deadlines_xlsx(rows), out)
    else:
        from atip.cli.display import print_clocks

        print_clocks(rows, day)


def _deadlines_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """Two sheets: one row per file, and one row per clock."""
    from atip.cli.display import HEADERS
    from atip.reports.deadlines import CLOCKS, DEADLINE_KEYS
    from atip.reports.xlsx import Sheet, workbook
    from atip.vocabulary import label

    def words(key: str, value: Any) -> Any:
        if key in ("status", "kind"):
            return label(key, value)
        if key == "clock":
            return _(CLOCKS[value])
        if key == "deemed_refusal":
            return _("yes") if value else _("no")
        return value

    files = Sheet(
        _("Files"),
        [_(HEADERS[k]) for k in DEADLINE_KEYS],
        [[words(k, r[k]) for k in DEADLINE_KEYS] for r in rows],
    )
    keys = ("reference", "status", "kind", *CLOCK_COLUMNS)
    clocks = Sheet(
        _("Clocks"),
        [_(HEADERS[k]) for k in keys],
        [[words(k, {**r, **c}[k]) for k in keys] for r in rows for c in r["clocks"]],
    )
    return workbook([clocks, files])


class FiscalYear(click.ParamType):
    """2023-2024: 1 April 2023 to 31 March 2024."""

    name = "YYYY-YYYY"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from atip.errors import InputError
        from atip.register.annual_counts import fiscal_year

        try:
            fiscal_year(str(value))
        except InputError as exc:
            self.fail(exc.message, param, ctx)
        return str(value).strip()


@report.command("annual")
@option("--fiscal-year", type=FiscalYear(), required=True, help="e.g. 2023-2024")
@format_option("table", "csv", "json", "pdf", "xlsx")
@option("--out", type=OUT, help="Write to this file (PDF default: bilan-YEAR.pdf here).")
@option(
    "--as-of",
    type=DATE,
    default=None,
    help="Count deemed refusals (no decision by the due date) as of this date (default: today).",
)
@pass_app
def annual_report(
    app: App, fiscal_year: str, fmt: str, out: Path | None, as_of: date | None
) -> None:
    """The year's statistics per kind of request (Règlement sur la diffusion, a. 2)."""
    from atip.register.annual_counts import annual
    from atip.reports.annual import annual_rows, statements

    _no_out_for_table(fmt, out)
    day = today(as_of)
    with app.reader.connect() as conn:  # the reader: dates in step with atip.toml first
        data = annual(conn, fiscal_year, day)
    said = statements(app.settings)
    if fmt == "json":
        import json

        full = {**data, **said}
        _emit((json.dumps(full, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), out)
    elif fmt == "csv":
        rows = [[key, *counts] for key, _label, *counts in annual_rows(data)]
        header = [_("item"), _("documents"), _("personal"), _("rectification")]
        _emit(_csv(header, rows), out)
    elif fmt == "xlsx":
        from atip.reports.xlsx import Sheet, workbook

        headers = [
            _("Item"), _("Documents"), _("Personal information"), _("Rectification"), _("Total")
        ]  # fmt: skip
        lines: list[list[Any]] = [
            [label, *counts, sum(counts)] for _key, label, *counts in annual_rows(data)
        ]
        published = said["section_iii"]["published_on"]
        extra = [
            [_("Section III documents published (attested on)"), published],
            [_("Access and privacy activities"), said["activities"]],
        ]
        sheets = [
            Sheet(fiscal_year, headers, lines),
            Sheet(_("Statements"), [_("Item"), _("Value")], extra),
        ]
        _emit(workbook(sheets), out or Path(f"bilan-{fiscal_year}.xlsx"))
    elif fmt == "pdf":
        from atip.register.annual_counts import monthly_received
        from atip.reports.annual_pdf import annual_pdf
        from atip.resources import search_path

        with app.reader.connect() as conn:
            months = monthly_received(conn, fiscal_year)
        pdf = annual_pdf(
            data,
            months,
            app.settings.organisation,
            search_path("templates", app.settings.workspace),
            day,
            said,
        )
        _emit(pdf, out or Path(f"bilan-{fiscal_year}.pdf"))
    else:
        from rich.console import Console
        from rich.table import Table

        first, last = fiscal_year.split("-")
        table = Table(
            title=_("Fiscal year {year} (1 April {first} to 31 March {last})").format(
                year=fiscal_year, first=first, last=last
            )
        )
        table.add_column("")
        table.add_column(_("Documents"), justify="right")
        table.add_column(_("Personal information"), justify="right")
        table.add_column(_("Rectification"), justify="right")
        for _key, label, *counts in annual_rows(data):
            table.add_row(label, *(str(n) for n in counts))
        Console(width=None if sys.stdout.isatty() else 120).print(table)


@command()
@click.argument("ref")
@option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder of the website copy.",
)
@format_option("pdf", "docx", "both", default="both")
@pass_app
def publish(app: App, ref: str, out: Path, fmt: str) -> None:
    """The decision letter and annexes for the website, without the requester's identity."""
    from atip.letters.issuing import FORMATS
    from atip.reports.publish import publish as publish_decision

    # Absolute: the path is journaled, and `atip check` may run from another folder.
    for path in publish_decision(app.recorder, app.settings, ref, out.absolute(), FORMATS[fmt]):
        click.echo(str(path))
