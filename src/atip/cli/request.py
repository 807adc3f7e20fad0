"""`atip request …`: log requests and record each event of their life."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from atip.cli import App, pass_app
from atip.cli.display import day_of
from atip.cli.options import (
    DATE,
    CodeChoice,
    as_of_option,
    json_option,
    print_json,
    print_json_rows,
    today,
    typed_lines,
)
from atip.cli.translation import group, option
from atip.i18n import _, ngettext
from atip.vocabulary import label


@group()
def request() -> None:
    """Log requests and record what happens to them."""


@request.command("new")
@option("--received", type=DATE, required=True, help="Date the request was received.")
@option("--requester", required=True, help="Requester's name.")
@option("--subject", required=True, help='What is asked ("visant à obtenir …").')
@option("--ref", help="Use this reference (e.g. an existing number) instead of the next one.")
@option("--clarified", type=DATE, help="Date the request was made precise (a. 42).")
@option("--keep-clock", is_flag=True, help="A clarification does not restart the 20 days.")
@option("--email", help="Requester's email.")
@option("--address", help="Requester's postal address (lines separated by '\\n').")
@option("--kind", type=CodeChoice("kind"), default="documents", help="Kind of request.")
@option("--accommodation", is_flag=True, help="Reasonable accommodation (a. 47, 1.1°).")
@option("--channel", help="How it arrived: mail, email, web, in person…")
@option("--clerk", help="Clerk assigned to the request.")
@option("--courtesy", help="Requester's courtesy title: Madame, Monsieur, Maître…")
@pass_app
def new(
    app: App,
    received: date,
    requester: str,
    subject: str,
    ref: str | None,
    clarified: date | None,
    keep_clock: bool,
    email: str | None,
    address: str | None,
    kind: str,
    accommodation: bool,
    channel: str | None,
    clerk: str | None,
    courtesy: str | None,
) -> None:
    """Log a request; prints its reference."""
    from atip.register.recorder import NewRequest

    reference = app.recorder.create(
        NewRequest(
            received_on=received,
            requester=requester,
            subject=subject,
            reference=ref,
            clarified_on=clarified,
            keep_clock=keep_clock,
            email=email,
            address=typed_lines(address),
            kind=kind,
            accommodation=accommodation,
            channel=channel,
            clerk=clerk,
            courtesy=courtesy,
        )
    )
    click.echo(reference)


@request.command()
@click.argument("ref")
@option("--on", "on", type=DATE, required=True, help="Date of the clarification.")
@option("--keep-clock", is_flag=True, help="Keep counting from the receipt date.")
@pass_app
def clarify(app: App, ref: str, on: date, keep_clock: bool) -> None:
    """Record that the requester made the request precise."""
    app.recorder.clarify(ref, on, keep_clock)
    summary(app, ref)


@request.command()
@click.argument("ref")
@option("--on", "on", type=DATE, required=True, help="Date the notice was sent.")
@pass_app
def extend(app: App, ref: str, on: date) -> None:
    """Record the notice of the 10-day extension (article 47)."""
    app.recorder.extend(ref, on)
    summary(app, ref)


@request.command("third-party")
@click.argument("ref")
@option("--notified", type=DATE, required=True, help="Date the third party was notified.")
@option("--observations", type=DATE, help="Date the third party presented observations.")
@option("--name", help="The third party's name (one command per third party).")
@option("--address", help="The third party's postal address (lines separated by '\\n').")
@option("--email", help="The third party's email.")
@pass_app
def third_party(
    app: App,
    ref: str,
    notified: date,
    observations: date | None,
    name: str | None,
    address: str | None,
    email: str | None,
) -> None:
    """Record the notice to a third party and its observations (article 49)."""
    from atip.register.recorder import ThirdPartyIdentity

    identity = ThirdPartyIdentity(name=name, address=typed_lines(address), email=email)
    app.recorder.third_party(ref, notified, observations, identity)
    summary(app, ref)


@request.command()
@click.argument("ref")
@option("--on", "on", type=DATE, required=True, help="Date of the decision.")
@option(
    "--outcome",
    required=True,
    type=CodeChoice("outcome"),
    help="The decision.",
)
@option("--articles", default="", help="Articles cited, e.g. 53,54.")
@option("--link", "links", multiple=True, help="Published page answering part (a. 13).")
@option(
    "--body",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Text file of paragraphs to insert in the decision.",
)
@option("--referral-body", help="Competent body, for a referral (a. 48).")
@option("--revise", is_flag=True, help="Replace the recorded decision (after mediation…).")
@option("--why", help="Why the decision is revised (with --revise).")
@pass_app
def decide(
    app: App,
    ref: str,
    on: date,
    outcome: str,
    articles: str,
    links: tuple[str, ...],
    body: Path | None,
    referral_body: str | None,
    revise: bool,
    why: str | None,
) -> None:
    """Record the decision, or with --revise replace it (the old one stays in the journal)."""
    from atip.law.articles import default_library
    from atip.register.validation import split_articles

    if revise and not why:
        raise click.UsageError(_("--revise needs --why TEXT, the reason for the new decision"))
    if why and not revise:
        raise click.UsageError(_("--why goes with --revise"))
    text = _read_text(body) if body else ""
    library = default_library(app.settings.workspace)
    app.recorder.decide(
        ref,
        on,
        outcome,
        split_articles(articles),
        links,
        text,
        referral_body,
        cited_check=library.check_citable,
        revise=why if revise else None,
    )
    summary(app, ref)


@request.command()
@click.argument("ref")
@option("--filed", type=DATE, required=True, help="Date the review was filed.")
@pass_app
def review(app: App, ref: str, filed: date) -> None:
    """Record that the requester applied to the Commission for review (article 135)."""
    app.recorder.review(ref, filed)
    summary(app, ref)


@request.command()
@click.argument("ref")
@as_of_option
@json_option
@option("--journal", is_flag=True, help="Also print the journal of changes.")
@pass_app
def show(app: App, ref: str, as_of: date | None, as_json: bool, journal: bool) -> None:
    """Show a request, its dates and how each was reached."""
    view = app.reader.show(ref, today(as_of), journal=journal or as_json)
    if as_json:
        print_json(view)
        return
    from atip.cli.display import print_request

    print_request(view, journal=journal, timezone=app.settings.timezone)


@request.command("list")
@option("--open", "open_only", is_flag=True, help="Only requests not decided yet.")
@option("--overdue", is_flag=True, help="Only requests past their decision date.")
@option("--due-within", type=click.IntRange(min=0), help="Only those due within DAYS.")
@option("--status", type=CodeChoice("status"), help="Only requests in this status.")
@option("--kind", type=CodeChoice("kind"), help="Only requests of this kind.")
@option("--clerk", help="Only requests assigned to this clerk.")
@option("--search", help="Words of the subject or of the requester's name.")
@as_of_option
@json_option
@option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@option(
    "--xlsx",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the list to this Excel file (atomically).",
)
@pass_app
def list_(
    app: App,
    open_only: bool,
    overdue: bool,
    due_within: int | None,
    status: str | None,
    kind: str | None,
    clerk: str | None,
    search: str | None,
    as_of: date | None,
    as_json: bool,
    as_csv: bool,
    xlsx: Path | None,
) -> None:
    """List requests, late first, then by decision date (void entries only with --status)."""
    if as_json + as_csv + (xlsx is not None) > 1:
        raise click.UsageError(_("choose one of --json, --csv and --xlsx"))
    rows = app.reader.requests(
        today(as_of),
        open_only=open_only,
        overdue=overdue,
        due_within=due_within,
        status=status,
        kind=kind,
        clerk=clerk,
        search=search,
    )
    if as_json:
        print_json_rows(rows)
        return
    if xlsx is not None:
        from atip.cli.display import xlsx_rows
        from atip.files import atomic_write_bytes

        atomic_write_bytes(xlsx, xlsx_rows(rows))
        click.echo(str(xlsx))
        return
    from atip.cli.display import print_csv, print_table

    if as_csv:
        print_csv(rows)
    else:
        print_table(rows, today(as_of))


@request.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def import_(app: App, file: Path) -> None:
    """Import a register (CSV or XLSX), all or nothing."""
    from atip.register.imports import import_register

    count = import_register(app.recorder, file)
    click.echo(
        ngettext(
            "imported {count} request from {file}", "imported {count} requests from {file}", count
        ).format(count=count, file=file.name)
    )


def summary(app: App, ref: str) -> None:
    view = app.reader.show(ref, today())
    click.echo(
        _("{ref}: {status}, decision due {due}").format(
            ref=ref, status=label("status", view["status"]), due=day_of(view["decision_due"])
        )
    )


def _read_text(path: Path) -> str:
    from atip.errors import InputError

    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        try:
            return path.read_text(encoding="cp1252")
        except UnicodeDecodeError:
            raise InputError(
                _("{file}: not a UTF-8 or Windows-1252 text file").format(file=path.name)
            ) from None


# The commands that fix or end a file live in their own module, on this same group.
from atip.cli import file_life  # noqa: E402, F401
