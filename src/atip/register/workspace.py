"""Creating a workspace and bringing its database to the current schema."""

from __future__ import annotations

import contextlib
from pathlib import Path

from atip import files
from atip.errors import WorkspaceError
from atip.i18n import _
from atip.register import db
from atip.register.settings import load_settings, write_template
from atip.register.validation import check_field
from atip.register.workspace_location import CONFIG_NAME


def init_workspace(folder: Path, **profile: str) -> list[str]:
    """Create atip.toml and the database, or upgrade the configured database; say what was done.

    The profile is checked before anything is written; a workspace this call created is removed
    again, whole, when a later step fails.
    """
    for key, value in profile.items():
        check_field(value, _PROFILE_FIELDS.get(key, key), field="organisation")
    said: list[str] = []
    folder = folder.expanduser().resolve()
    created: list[Path] = []  # the files this call wrote, removed again on failure
    try:
        try:
            files.make_dirs(folder)
            if not (folder / CONFIG_NAME).exists():
                created.append(write_template(folder, **profile))
                files.make_dirs(folder / "db")
                gitignore = folder / "db" / ".gitignore"
                files.atomic_write_bytes(gitignore, b"*\n")
                created.append(gitignore)
                database = folder / "db" / "atip.sqlite"
                if not database.exists():
                    created.append(database)
                said.append(_("created workspace {folder}").format(folder=folder))
        except OSError as exc:
            raise WorkspaceError(
                _("cannot create a workspace in {folder}: {error}").format(
                    folder=folder, error=exc.strerror
                )
            ) from None
        said += _create_database(folder)
    except BaseException:
        for path in reversed(created):
            for leftover in (path, *(Path(f"{path}{end}") for end in ("-wal", "-shm"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        files.remove_created_dirs()
        raise
    return said


_PROFILE_FIELDS = {"name": "--organisation"}


def _create_database(folder: Path) -> list[str]:
    said: list[str] = []
    settings = load_settings(folder)
    engine = db.make_engine(settings.database_url)
    try:
        before, after = db.upgrade(engine)
        from atip.register.facts import rules_of
        from atip.register.recompute import sync_rules

        if sync_rules(engine, rules_of(settings)):
            said.append(_("recomputed the stored dates for the deadline settings of atip.toml"))
    finally:
        engine.dispose()
    if before is None:
        said.append(_("created the database schema (revision {revision})").format(revision=after))
    elif before != after:
        said.append(
            _("upgraded the database schema from revision {before} to {after}").format(
                before=before, after=after
            )
        )
    else:
        said.append(
            _("the database is already at the current schema (revision {revision})").format(
                revision=after
            )
        )
    return said
