"""`atip articles …`: the law texts atip cites, with their sources and versions."""

from __future__ import annotations

from datetime import date

import click

from atip.cli import App, pass_app
from atip.cli.options import DATE, json_option, print_json
from atip.cli.translation import group, option
from atip.i18n import _


@group()
def articles() -> None:
    """The law texts atip cites, by version."""


def _library(app: App):  # type: ignore[no-untyped-def]
    from atip.errors import WorkspaceError
    from atip.law.articles import default_library
    from atip.register.settings import find_workspace

    try:  # the packaged texts are readable without a workspace
        workspace = app.settings.workspace if app.workspace_option else find_workspace()
    except WorkspaceError:
        workspace = None
    return default_library(workspace)


@articles.command("list")
@json_option
@pass_app
def list_articles(app: App, as_json: bool) -> None:
    """Every article with a text; unverified ones are marked for the office to check."""
    library = _library(app)
    rows = []
    for number in library.numbers():
        latest = library.versions(number)[-1]
        rows.append(
            {
                "number": number,
                "versions": len(library.versions(number)),
                "current_to": latest.current_to.isoformat(),
                "verified": latest.verified,
                "source_kind": latest.source_kind,
                "source": latest.source,
            }
        )
    if as_json:
        print_json(rows)
        return
    for row in rows:
        mark = _("verified") if row["verified"] else _("UNVERIFIED: check against LégisQuébec")
        current = _("current to {day}").format(day=row["current_to"])
        click.echo(f"a. {row['number']:<6} {current}  {mark}  ({row['source_kind']})")


@articles.command("show")
@click.argument("number")
@option("--on", "on", type=DATE, help="The version in force on this date (default: today).")
@json_option
@pass_app
def show_article(app: App, number: str, on: date | None, as_json: bool) -> None:
    """Print an article's text and history line as a letter would cite it."""
    from atip.law.articles import normalise_number

    version = _library(app).text_on(normalise_number(number), on or date.today())
    if as_json:
        print_json(
            {
                "number": version.number,
                "paragraphs": list(version.paragraphs),
                "history": version.history,
                "source": version.source,
                "verified": version.verified,
                "current_to": version.current_to.isoformat(),
            }
        )
        return
    click.echo("\n".join(version.paragraphs))
    click.echo(version.history)
    if not version.verified:
        click.echo(_("(unverified; source: {source})").format(source=version.source), err=True)
