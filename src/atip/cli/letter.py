"""`atip letter`: write a request's letters, or every letter not yet issued."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from atip.cli import App, pass_app
from atip.cli.options import DATE, CodeChoice, format_option
from atip.cli.translation import command, option
from atip.i18n import _


@command()
@click.argument("ref", required=False)
@option(
    "--kind",
    type=CodeChoice("letter"),
    default="decision",
    show_default=True,
    help="Which letter.",
)
@format_option("pdf", "docx", "both", default="both")
@option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: the workspace's letters/).",
)
@option(
    "--date",
    "letter_date",
    type=DATE,
    help="Date of the letter (default: the day of the event it notifies; a decision letter "
    "is always dated its decision).",
)
@option("--reissue", is_flag=True, help="Issue again with new content; both stay journaled.")
@option("--all-due", is_flag=True, help="Every letter not issued yet, of every request.")
@option("--jobs", type=click.IntRange(min=1), help="Processes for --all-due (default: cores).")
@pass_app
def letter(
    app: App,
    ref: str | None,
    kind: str,
    fmt: str,
    out: Path | None,
    letter_date: date | None,
    reissue: bool,
    all_due: bool,
    jobs: int | None,
) -> None:
    """Write the letter KIND of request REF as DOCX and/or PDF; prints the paths written."""
    from atip.letters import issuing

    if all_due == (ref is not None):
        raise click.UsageError(_("give a reference, or --all-due"))
    # Absolute: the path is recorded for `atip check`, which may run from another folder.
    out_dir = (out or app.settings.workspace / "letters").absolute()
    formats = issuing.FORMATS[fmt]
    warn = lambda line: click.echo(f"atip: {line}", err=True)  # noqa: E731
    if ref is not None:
        # One letter, or one per addressee (a third-party notice: the requester and each
        # third party), all checked before any is written.
        jobs_ = issuing.make_jobs(
            app.recorder,
            app.settings,
            ref,
            kind,
            formats=formats,
            out_dir=out_dir,
            letter_date=letter_date,
        )
        issuing.check_out_dir(out_dir)  # only now: a refused letter leaves no new folder
        for line in issuing.unnamed_warnings(jobs_[0].case, kind):
            warn(line)
        for line in dict.fromkeys(line for job in jobs_ for line in job.warnings):
            warn(line)
        for job in jobs_:
            for path in issuing.issue(app.recorder, job, reissue=reissue):
                click.echo(str(path))
        _say_unsigned(app, formats)
        return
    from atip.letters.batch import issue_all_due

    issuing.check_out_dir(out_dir)
    written = 0
    failures: list[str] = []

    def fail(line: str) -> None:
        failures.append(line)
        click.echo(f"atip: {line}", err=True)

    for path in issue_all_due(
        app.recorder, app.settings, out_dir, formats, letter_date, jobs, warn=warn, fail=fail
    ):
        click.echo(str(path))
        written += 1
    if written:
        _say_unsigned(app, formats)
    if failures:
        raise click.exceptions.Exit(1)


def _say_unsigned(app: App, formats: tuple[str, ...]) -> None:
    """One line on stderr, after the letters are written, when their PDF bears no signature."""
    if "pdf" in formats and not app.settings.certificate.strip():
        message = _(
            "the PDF letters are not digitally signed: no [signatory] certificate in atip.toml"
        )
        click.echo(f"atip: {message}", err=True)
