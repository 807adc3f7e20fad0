"""`atip request correct | cancel | withdraw | void | note | assign | history | fees`: fixing
a file, ending it without a decision, and reading its history."""

from __future__ import annotations

from datetime import date

import click

from atip.cli import App, pass_app
from atip.cli.options import DATE, CodeChoice, json_option, print_json, today, typed_lines
from atip.cli.request import request, summary
from atip.cli.translation import option
from atip.i18n import _


@request.command()
@click.argument("ref")
@option("--why", required=True, help="Why the values are corrected (kept in the journal).")
@option("--received", type=DATE, help="The right date of receipt.")
@option("--clarified", type=DATE, help="The right date of the clarification.")
@option("--requester", help="The requester's name, as it should be.")
@option("--email", help="The requester's email, as it should be.")
@option("--address", help="The requester's postal address (lines separated by '\\n').")
@option("--subject", help="What is asked, as it should be.")
@option("--kind", type=CodeChoice("kind"), help="The right kind of request.")
@option("--channel", help="How it arrived.")
@option("--courtesy", help="The requester's courtesy title.")
@pass_app
def correct(
    app: App,
    ref: str,
    why: str,
    received: date | None,
    clarified: date | None,
    requester: str | None,
    email: str | None,
    address: str | None,
    subject: str | None,
    kind: str | None,
    channel: str | None,
    courtesy: str | None,
) -> None:
    """Correct what was typed wrong; every date is recomputed and the journal keeps both."""
    from atip.register.amendments import Correction

    correction = Correction(
        received_on=received,
        clarified_on=clarified,
        requester=requester,
        email=email,
        address=typed_lines(address),
        subject=subject,
        kind=kind,
        channel=channel,
        courtesy=courtesy,
    )
    app.recorder.correct(ref, correction, why)
    summary(app, ref)
    _say_reissue(app, ref)


@request.command()
@click.argument("ref")
@click.argument(
    "what", type=click.Choice(["clarification", "extension", "third-party", "review",
                               "withdrawal", "void"])
)  # fmt: skip
@option("--why", required=True, help="Why the event is cancelled (kept in the journal).")
@pass_app
def cancel(app: App, ref: str, what: str, why: str) -> None:
    """Undo a recorded event: its dates return to what they were; the journal keeps both."""
    app.recorder.cancel(ref, what, why)
    summary(app, ref)
    _say_reissue(app, ref)


@request.command()
@click.argument("ref")
@option("--on", "on", type=DATE, required=True, help="Date the requester withdrew.")
@option("--why", help="What the requester said, or why.")
@pass_app
def withdraw(app: App, ref: str, on: date, why: str | None) -> None:
    """The requester withdrew the request: no time limit runs any more, and no refusal."""
    app.recorder.withdraw(ref, on, why)
    summary(app, ref)


@request.command()
@click.argument("ref")
@option("--why", required=True, help="Why the entry is void (a duplicate, a test…).")
@pass_app
def void(app: App, ref: str, why: str) -> None:
    """An entry made in error: kept, but in no list, report or statistic."""
    app.recorder.void(ref, why)
    click.echo(_("{ref}: void").format(ref=ref))


@request.command()
@click.argument("ref")
@click.argument("text")
@pass_app
def note(app: App, ref: str, text: str) -> None:
    """Add a note to the file's journal."""
    app.recorder.note(ref, text)
    click.echo(_("{ref}: note added").format(ref=ref))


@request.command()
@click.argument("ref")
@option("--clerk", required=True, help="The clerk who handles the file from now on.")
@pass_app
def assign(app: App, ref: str, clerk: str) -> None:
    """Give the file to a clerk."""
    app.recorder.assign(ref, clerk)
    click.echo(_("{ref}: assigned to {clerk}").format(ref=ref, clerk=clerk.strip()))


@request.command()
@click.argument("ref")
@json_option
@pass_app
def history(app: App, ref: str, as_json: bool) -> None:
    """The file's journal in plain words, in local time, notes included."""
    events = app.reader.journal(ref)
    if as_json:
        print_json(events)
        return
    from atip.cli.display import journal_lines

    for line in journal_lines(events, app.settings.timezone):
        click.echo(line)


@request.command()
@click.argument("ref")
@option("--estimate", help="The estimated fees, in dollars (e.g. 12,50).")
@option("--on", "on", type=DATE, help="Date the estimate was sent (with --estimate).")
@option("--paid", type=DATE, help="Date the fees were paid.")
@option("--waived", is_flag=True, help="No fees are charged.")
@pass_app
def fees(
    app: App,
    ref: str,
    estimate: str | None,
    on: date | None,
    paid: date | None,
    waived: bool,
) -> None:
    """Record the fee estimate (a. 11), its payment, or a waiver; the time limits run on."""
    app.recorder.fees(ref, estimate=estimate, on=on, paid=paid, waived=waived)
    summary(app, ref)


def _say_reissue(app: App, ref: str) -> None:
    """Name the letters already issued that may show a value that changed."""
    from atip.vocabulary import label

    kinds = app.reader.show(ref, today())["letters_to_reissue"]
    if kinds:
        from atip.vocabulary import typed_word

        words = ", ".join(label("letter", k) for k in kinds)
        click.echo(
            _("letters to issue again: {kinds} (atip letter {ref} --kind {kind} --reissue)").format(
                kinds=words, ref=ref, kind=typed_word("letter", kinds[0])
            )
        )
