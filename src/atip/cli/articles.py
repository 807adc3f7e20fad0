"""`atip articles …`: the law texts atip cites, with their sources and versions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from atip.cli import App, pass_app
from atip.cli.options import DATE, json_option, print_json
from atip.cli.translation import group, option
from atip.i18n import _, day, ngettext


@group()
def articles() -> None:
    """The law texts atip cites, by version."""


def _library(app: App):  # type: ignore[no-untyped-def]
    from atip.errors import WorkspaceError
    from atip.law.articles import default_library
    from atip.register.workspace_location import find_workspace

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
        current = _("current to {day}").format(day=row["current_to"])  # a listing: ISO
        click.echo(f"a. {row['number']:<6} {current}  {mark}  ({row['source_kind']})")


@articles.command("show")
@click.argument("number")
@option("--on", "on", type=DATE, help="The version in force on this date (default: today).")
@json_option
@pass_app
def show_article(app: App, number: str, on: date | None, as_json: bool) -> None:
    """Print an article's text and history line as a letter would cite it."""
    from atip.clock import today
    from atip.law.articles import normalise_number

    version = _library(app).text_on(normalise_number(number), on or today())
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


@articles.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@option(
    "--source", help="The page the text was copied from (a LégisQuébec address marks it verified)."
)
@option(
    "--current-to",
    "current_to",
    type=DATE,
    help="The day the page shows the text current to (default: today).",
)
@pass_app
def add_articles(app: App, file: Path, source: str | None, current_to: date | None) -> None:
    """Add the articles of a text copied from LégisQuébec to the workspace's legal_articles/."""
    from atip.clock import today
    from atip.errors import InputError
    from atip.files import atomic_write_bytes
    from atip.law.article_text import PASTED, parse_pasted, plan_additions, source_kind
    from atip.law.articles import default_library

    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(
            _("cannot read {file}: {reason}").format(file=file, reason=exc.strerror or exc)
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            _("{file} is not UTF-8 text: save it as UTF-8 and try again").format(file=file)
        ) from None
    pasted = parse_pasted(text)
    workspace = app.settings.workspace
    folder = workspace / "legal_articles"
    source = (source or "").strip() or PASTED
    on = today()
    plans = plan_additions(
        default_library(workspace),
        pasted,
        folder,
        source=source,
        current_to=current_to or on,
        added_on=on,
    )
    # Every file was built and read back above; only now is anything written.
    if any(plan.content is not None for plan in plans):
        folder.mkdir(exist_ok=True)
    for plan in plans:
        if plan.content is not None:
            atomic_write_bytes(plan.path, plan.content)
    for plan in plans:
        if plan.path.parent == folder:
            where = f"legal_articles/{plan.path.name}"
        else:
            where = _("the packaged {file}").format(file=plan.path.name)
        if plan.status == "new":
            line = _("a. {number}: added, {file}").format(number=plan.number, file=where)
        elif plan.status == "version":
            from atip.i18n import day

            line = ngettext(
                "a. {number}: new version cited from {since}, {count} older version kept, {file}",
                "a. {number}: new version cited from {since}, {count} older versions kept, {file}",
                plan.versions - 1,
            ).format(
                number=plan.number,
                since=day(plan.cited_from) if plan.cited_from else "",
                count=plan.versions - 1,
                file=where,
            )
        else:
            line = _("a. {number}: no change, the same text is already in {file}").format(
                number=plan.number, file=where
            )
        click.echo(line)
    if any(plan.content is not None for plan in plans) and not source_kind(source)[1]:
        click.echo(
            _(
                "the texts added are marked unverified: give --source with the address of "
                "the LégisQuébec page to mark them verified"
            )
        )


@articles.command("check")
@option("--on", "on", type=DATE, help="The date of the letter (default: today).")
@json_option
@pass_app
def check_articles(app: App, on: date | None, as_json: bool) -> None:
    """Each article's versions, and what a letter dated today would cite that needs checking."""
    from atip.clock import today
    from atip.errors import NotFoundError
    from atip.law.articles import STALE_AFTER_DAYS

    library = _library(app)
    on = on or today()
    rows = []
    for number in library.numbers():
        try:
            cited = library.text_on(number, on)
            warnings = [
                {"code": w.code, "message": w.message} for w in library.warnings_on(number, on)
            ]
        except NotFoundError as exc:
            cited = None
            warnings = [{"code": "none-in-force", "message": exc.message}]
        rows.append(
            {
                "number": number,
                "versions": [
                    {
                        "in_force_from": v.in_force_from.isoformat() if v.in_force_from else None,
                        "current_to": v.current_to.isoformat(),
                        "verified": v.verified,
                        "source_kind": v.source_kind,
                        "source": v.source,
                        "cited": v is cited,
                    }
                    for v in library.versions(number)
                ],
                "warnings": warnings,
            }
        )
    if as_json:
        print_json({"on": on.isoformat(), "stale_after_days": STALE_AFTER_DAYS, "articles": rows})
        return
    count = 0
    for row in rows:
        for v in row["versions"]:
            since = (
                _("in force from {day}").format(day=v["in_force_from"])
                if v["in_force_from"]
                else _("since always")
            )
            current = _("current to {day}").format(day=v["current_to"])  # a listing: ISO
            mark = _("verified") if v["verified"] else _("UNVERIFIED")
            cited = _("cited on {day}").format(day=on.isoformat()) if v["cited"] else ""
            click.echo(f"a. {row['number']:<6} {since:<24} {current}  {mark:<11} {cited}".rstrip())
        for warning in row["warnings"]:
            count += 1
            click.echo(f"  ! {warning['message']}")
    click.echo(
        ngettext(
            "{count} warning for a letter dated {on}",
            "{count} warnings for a letter dated {on}",
            count,
        ).format(count=count, on=day(on))
    )
