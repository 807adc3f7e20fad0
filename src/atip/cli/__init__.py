"""The `atip` command: a thin layer that parses, calls one domain function and prints.

Only click and the standard library are imported here; each command group is imported when it
is used, and heavy libraries only inside the commands that need them.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from atip import i18n
from atip.cli.translation import Group, Option, translate_click
from atip.errors import AtipError
from atip.i18n import N_, _

# name -> (module, attribute, one-line help): `atip --help` lists them without importing any.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("atip.cli.admin", "init", N_("Create a workspace, or create/upgrade its database.")),
    "request": ("atip.cli.request", "request", N_("Log requests and record what happens to them.")),
    "annex": ("atip.cli.annex", "annex", N_("Data sections printed after a decision letter.")),
    "letter": ("atip.cli.letter", "letter", N_("Write a request's letters as DOCX and PDF.")),
    "articles": ("atip.cli.articles", "articles", N_("The law texts atip cites, by version.")),
    "report": ("atip.cli.report", "report", N_("Deadlines due and late; the annual statistics.")),
    "publish": ("atip.cli.report", "publish", N_("The decision without personal information.")),
    "demo": ("atip.cli.admin", "demo", N_("A sample workspace with requests and letters.")),
    "backup": ("atip.cli.admin", "backup", N_("Copy the database safely while it is in use.")),
    "check": ("atip.cli.admin", "check", N_("Check the database and the issued letters.")),
    "purge": ("atip.cli.admin", "purge", N_("Remove personal information of old closed requests.")),
}


class AtipGroup(Group):
    """Imports a command's module only when the command runs; turns errors into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = getattr(module, entry[1])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, _(COMMANDS[name][2])) for name in sorted(COMMANDS)])

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:  # type: ignore[override]
        extra["standalone_mode"] = False
        argv = list(sys.argv[1:] if args is None else args)
        try:
            choose_language(argv)
        except ValueError as exc:
            _fail(str(exc), 2)
        from atip import files

        try:
            code = super().main(args, prog_name or "atip", **extra)
            files.keep_created_dirs()
        except SystemExit as exc:
            if exc.code not in (None, 0):
                files.remove_created_dirs()
            raise
        except BaseException:
            files.remove_created_dirs()  # a refused command leaves no new folder
            self._report()
        sys.exit(code if isinstance(code, int) else 0)

    def _report(self) -> None:
        """The exception being handled, as one line on stderr and its exit code."""
        try:
            raise
        except click.exceptions.Abort:
            _fail(_("aborted"), 1)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except AtipError as exc:
            _fail(exc.message, exc.exit_code)
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            _fail(f"{exc.strerror or exc}{where}", 1)
        except Exception as exc:  # the last guard: one line, never the data in the exception
            if os.environ.get("ATIP_DEBUG"):
                raise
            if type(exc).__module__.startswith("sqlalchemy"):
                from atip.register.db import database_problem

                problem = database_problem(exc)
                _fail(problem.message, problem.exit_code)
            _fail(
                _("internal error ({name}); set ATIP_DEBUG=1 for details").format(
                    name=type(exc).__name__
                ),
                1,
            )


def choose_language(args: list[str]) -> None:
    """Speak ATIP_LANG, else the workspace's `[interface] language`, else French.

    ValueError, with the line to print, when ATIP_LANG names no language atip speaks.
    """
    try:
        language = i18n.language_from_environment()
    except ValueError:
        i18n.set_language(i18n.DEFAULT)
        raise ValueError(_("ATIP_LANG must be fr or en")) from None
    if language is None:
        from atip.register.workspace_location import workspace_language

        language = workspace_language(_workspace_argument(args))
    i18n.set_language(language or i18n.DEFAULT)
    translate_click()


def _workspace_argument(args: list[str]) -> Path | None:
    """The --workspace given before the command, if any (read before click parses)."""
    for i, arg in enumerate(args):
        if arg == "--workspace" and i + 1 < len(args):
            return Path(args[i + 1])
        if arg.startswith("--workspace="):
            return Path(arg.split("=", 1)[1])
        if not arg.startswith("-"):
            break
    return None


def _fail(message: str, code: int) -> None:
    click.echo(f"atip: {message}", err=True)
    sys.exit(code)


class App:
    """What every command shares: the workspace, its settings and its database."""

    def __init__(self, workspace: Path | None) -> None:
        self.workspace_option = workspace
        self._settings: Any = None
        self._engine: Any = None
        self._recorder: Any = None
        self._reader: Any = None
        self._rules_synced = False

    @property
    def settings(self) -> Any:
        """The workspace's settings (atip.config.Settings)."""
        if self._settings is None:
            from atip.register.settings import load_settings
            from atip.register.workspace_location import find_workspace

            self._settings = load_settings(find_workspace(self.workspace_option))
        return self._settings

    def timezone(self) -> str | None:
        """The workspace's time zone, or None outside a workspace (`articles` runs there)."""
        try:
            return str(self.settings.timezone)
        except AtipError:
            return None

    @property
    def engine(self) -> Any:
        """An engine on the workspace's database at the current schema."""
        if self._engine is None:
            from atip.register import db

            self._require_database()
            self._engine = db.open_engine(self.settings.database_url)
        return self._engine

    def _require_database(self) -> None:
        from atip.errors import DatabaseError

        path = self.settings.sqlite_path
        if path is not None and not path.exists():
            raise DatabaseError(
                _("no database at {path}: run `atip init` in the workspace").format(path=path)
            )

    def _synced_engine(self) -> Any:
        """The engine, once the stored dates are in step with atip.toml's deadline rules."""
        if not self._rules_synced:
            from atip.register.facts import rules_of
            from atip.register.recompute import sync_rules

            sync_rules(self.engine, rules_of(self.settings))
            self._rules_synced = True
        return self.engine

    @property
    def recorder(self) -> Any:
        """The register's writes (atip.register.recorder.Recorder)."""
        if self._recorder is None:
            from atip.register.recorder import Recorder

            self._recorder = Recorder(self._synced_engine(), self.settings)  # today: ATIP_TODAY
        return self._recorder

    @property
    def reader(self) -> Any:
        """The register's reads (atip.register.reader.Reader)."""
        if self._reader is None:
            from atip.register.reader import Reader

            self._require_database()
            self._reader = Reader.open(self.settings, prepare=self._synced_engine)
        return self._reader

    def close(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            self._engine.dispose()


pass_app = click.make_pass_decorator(App)


@click.group(cls=AtipGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    cls=Option,
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder (default: ATIP_WORKSPACE, else the nearest atip.toml upward).",
)
@click.version_option(package_name="atip", cls=Option)
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    """atip: access requests under RLRQ c. A-2.1, their deadlines and their letters."""
    app = App(workspace)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    """Console entry point."""
    cli.main()
