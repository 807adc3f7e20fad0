"""`atip init`, `atip demo` and the workspace's housekeeping commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from atip.cli import App, pass_app
from atip.cli.options import DATE
from atip.cli.translation import command, option
from atip.i18n import _


@command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@option("--organisation", default="Organisme public", help="Organisation name.")
def init(directory: Path | None, organisation: str) -> None:
    """Create a workspace (default: here), or create/upgrade its configured database."""
    from atip.register.workspace import init_workspace

    for line in init_workspace(directory or Path.cwd(), name=organisation):
        click.echo(line)


@command()
@click.argument(
    "directory",
    required=False,
    default="atip-demo",
    type=click.Path(file_okay=False, path_type=Path),
)
@option("--no-letters", is_flag=True, help="Only the register, no letters.")
def demo(directory: Path, no_letters: bool) -> None:
    """A sample workspace with requests in every state, and their letters."""
    from atip.cli.display import print_table
    from atip.demo import build_demo

    for line in build_demo(directory, letters=not no_letters, show=print_table):
        click.echo(line)


@command()
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def backup(app: App, dest: Path) -> None:
    """Copy the database safely while clerks use it (SQLite); says how for PostgreSQL."""
    from atip.register.backup import backup_database

    click.echo(backup_database(app.settings, dest))


@command()
@pass_app
def check(app: App) -> None:
    """Check the database's integrity and the issued letters against their hashes."""
    from atip.register.integrity import check_workspace, recover

    for line in recover(app.settings, app.engine):
        click.echo(line)
    problems = check_workspace(app.settings, app.engine)
    for line in problems:
        click.echo(line)
    if problems:
        raise SystemExit(1)
    click.echo(_("ok: database and issued letters intact"))


@command()
@option("--before", type=DATE, required=True, help="Purge requests closed before this date.")
@pass_app
def purge(app: App, before: date) -> None:
    """Remove the personal information of closed requests, keeping the statistics."""
    from atip.register.purge import purge_personal_information

    count = purge_personal_information(app.recorder, before)
    click.echo(_("purged the personal information of {count} request(s)").format(count=count))
