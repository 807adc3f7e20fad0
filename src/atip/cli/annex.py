"""`atip annex …`: data sections printed, in order, after a decision letter."""

from __future__ import annotations

from pathlib import Path

import click

from atip.cli import App, pass_app
from atip.cli.options import json_option, print_json
from atip.cli.translation import group, option
from atip.i18n import N_, _

# What each kind of section reads as.
KINDS = {"table": N_("table"), "list": N_("list"), "text": N_("text")}

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@group()
def annex() -> None:
    """Data sections printed after a decision letter."""


@annex.command("add")
@click.argument("ref")
@option("--title", required=True, help="Section title, e.g. 'Nombre d'ETC'.")
@option("--table", "table", type=FILE, help="CSV or XLSX; the first row is the header.")
@option("--list", "list_", type=FILE, help="CSV of items grouped by --group-by.")
@option("--group-by", help="Column whose values head the groups of --list.")
@option("--text", "text", type=FILE, help="Plain text file of paragraphs.")
@option(
    "--documents",
    "documents",
    type=FILE,
    help="CSV or XLSX document index: document, decision (accessible, partiel, refusé), articles.",
)
@option("--source", help="Printed as 'Source : …' under the section.")
@option("--suppress-below", type=click.IntRange(min=2), help="Blank counts 1 to N-1.")
@option("--column", help="The count column to suppress small values in.")
@pass_app
def add(
    app: App,
    ref: str,
    title: str,
    table: Path | None,
    list_: Path | None,
    group_by: str | None,
    text: Path | None,
    documents: Path | None,
    source: str | None,
    suppress_below: int | None,
    column: str | None,
) -> None:
    """Attach a table, a grouped list, text or a document index to a request.

    The articles a document index names are cited by the decision, their texts attached.
    """
    from atip.register import annexes

    given = [value for value in (table, list_, text, documents) if value]
    if len(given) != 1:
        raise click.UsageError(_("give exactly one of --table, --list, --text and --documents"))
    if list_ and not group_by:
        raise click.UsageError(_("--list needs --group-by COLUMN"))
    if group_by and not list_:
        raise click.UsageError(_("--group-by goes with --list"))
    if (suppress_below is None) != (column is None):
        raise click.UsageError(_("--suppress-below and --column go together"))
    if suppress_below is not None and not table:
        raise click.UsageError(_("--suppress-below applies to --table"))
    app.reader.require(ref)
    if table:
        section = annexes.table_section(
            table, title, source, suppress_below=suppress_below, column=column
        )
    elif list_:
        section = annexes.list_section(list_, title, group_by or "", source)
    elif documents:
        from atip.law.articles import default_library

        library = default_library(app.settings.workspace)
        section = annexes.documents_section(
            documents, title, source, cited_check=library.check_citable
        )
    else:
        assert text is not None
        section = annexes.text_section(text, title, source)
    number = app.recorder.add_annex(ref, section)
    click.echo(
        _("{ref}: annex {number} « {title} » added").format(
            ref=ref, number=number, title=section.title
        )
    )


@annex.command("list")
@click.argument("ref")
@json_option
@pass_app
def list_annexes(app: App, ref: str, as_json: bool) -> None:
    """List a request's annexes in order."""
    sections = app.reader.annexes(ref)
    if as_json:
        import json

        print_json([json.loads(s.to_json()) for s in sections])
        return
    if not sections:
        click.echo(_("{ref}: no annex").format(ref=ref))
    for number, section in enumerate(sections, start=1):
        extra = (
            _(", small counts blanked in {columns}").format(columns=", ".join(section.suppressed))
            if section.suppressed
            else ""
        )
        if section.articles:
            extra += _(", cites a. {articles}").format(articles=", ".join(section.articles))
        click.echo(f"{number}. {section.title} ({_(KINDS[section.kind])}{extra})")


@annex.command("remove")
@click.argument("ref")
@click.argument("number", type=click.IntRange(min=1))
@pass_app
def remove(app: App, ref: str, number: int) -> None:
    """Detach annex NUMBER; the ones after it move up."""
    title = app.recorder.remove_annex(ref, number)
    click.echo(
        _("{ref}: annex {number} « {title} » removed").format(ref=ref, number=number, title=title)
    )
