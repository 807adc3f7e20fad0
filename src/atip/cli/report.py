"""`atip report …` and `atip publish`: what is due, the year's statistics, the website copy."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

import click

from atip.cli import App, pass_app
from atip.cli.options import as_of_option, print_json, today


@click.group()
def report() -> None:
    """Deadlines due and late; the annual statistics."""


def _write(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from atip.render import atomic_write_bytes

    atomic_write_bytes(out, data)
    click.echo(str(out))


OUT = click.Path(dir_okay=False, path_type=Path)


@report.command("deadlines")
@as_of_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "ics"]), default="table"
)
@click.option("--out", type=OUT, help="Write to this file instead of standard output.")
@pass_app
def deadlines_report(app: App, as_of: date | None, fmt: str, out: Path | None) -> None:
    """Every open request with its governing date: late first, then due soonest."""
    from atip.reports import deadlines

    day = today(as_of)
    rows = deadlines(app.engine, day)
    if fmt == "json":
        print_json(rows)
    elif fmt == "ics":
        from atip.calendar_export import deadlines_ics

        _write(deadlines_ics(rows, app.settings.organisation), out)
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["reference", "status", "kind", "received_on", "decision_due", "days_left"])
        for row in rows:
            writer.writerow(
                [
                    row[k]
                    for k in (
                        "reference",
                        "status",
                        "kind",
                        "received_on",
                        "decision_due",
                        "days_left",
                    )
                ]
            )
    else:
        from atip.views import print_table

        print_table([{**r, "decided_on": None} for r in rows], day)


class FiscalYear(click.ParamType):
    """2023-2024: 1 April 2023 to 31 March 2024."""

    name = "YYYY-YYYY"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from atip.errors import InputError
        from atip.reports import fiscal_year

        try:
            fiscal_year(str(value))
        except InputError as exc:
            self.fail(exc.message, param, ctx)
        return str(value).strip()


@report.command("annual")
@click.option("--fiscal-year", type=FiscalYear(), required=True, help="e.g. 2023-2024")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "pdf"]), default="table"
)
@click.option("--out", type=OUT, help="File for the PDF (default: bilan-YEAR.pdf here).")
@pass_app
def annual_report(app: App, fiscal_year: str, fmt: str, out: Path | None) -> None:
    """The year's statistics per kind of request (Règlement sur la diffusion, a. 2)."""
    from atip.reports import annual

    data = annual(app.engine, fiscal_year)
    if fmt == "json":
        print_json(data)
        return
    rows = _annual_rows(data)
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["item", "documents", "personal"])
        writer.writerows(rows)
    elif fmt == "pdf":
        from atip.annual_pdf import annual_pdf
        from atip.reports import monthly_received
        from atip.resources import search_path

        pdf = annual_pdf(
            data,
            monthly_received(app.engine, fiscal_year),
            app.settings.organisation,
            search_path("templates", app.settings.workspace),
            date.today(),
        )
        _write(pdf, out or Path(f"bilan-{fiscal_year}.pdf"))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Fiscal year {fiscal_year} (1 April to 31 March)")
        for name in ("", "Documents", "Personal information"):
            table.add_column(name, justify="left" if not name else "right")
        for row in rows:
            table.add_row(*map(str, row))
        Console().print(table)


def _annual_rows(data: dict) -> list[list[object]]:  # type: ignore[type-arg]
    rows: list[list[object]] = []
    for key in (
        "received",
        "decided",
        "pending",
        "within_20_days",
        "within_30_days",
        "beyond_30_days",
        "accommodations",
        "reviews",
    ):
        rows.append([key, data["documents"][key], data["personal"][key]])
    for key in ("granted", "partial", "refused", "other"):
        rows.append(
            [
                f"outcome {key}",
                data["documents"]["outcomes"][key],
                data["personal"]["outcomes"][key],
            ]
        )
    numbers = sorted(
        set(data["documents"]["articles"]) | set(data["personal"]["articles"]),
        key=lambda n: tuple(int(p) for p in n.split(".")),
    )
    for number in numbers:
        rows.append(
            [
                f"article {number}",
                data["documents"]["articles"].get(number, 0),
                data["personal"]["articles"].get(number, 0),
            ]
        )
    return rows


@click.command()
@click.argument("ref")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder of the website copy.",
)
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "both"]), default="both")
@pass_app
def publish(app: App, ref: str, out: Path, fmt: str) -> None:
    """The decision letter and annexes for the website, without the requester's identity."""
    from atip import lettering

    out_dir = out.absolute()
    issued = lettering.issued_decision_date(app.register, ref)
    job = lettering.make_job(
        app.register,
        app.settings,
        ref,
        "decision",
        formats=lettering.FORMATS[fmt],
        out_dir=out_dir,
        letter_date=issued,
        published=True,
    )
    lettering.check_out_dir(out_dir)
    for path in lettering.issue(app.register, job, reissue=True):
        click.echo(str(path))
