"""A safe copy of the database while clerks are using it."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from atip import files
from atip.errors import DatabaseError, RefusedError
from atip.i18n import _
from atip.register import sql
from atip.register.settings import Settings


def backup_database(settings: Settings, dest: Path) -> str:
    """Copy the SQLite database to `dest` while it is in use; returns the line to print."""
    source = settings.sqlite_path
    if source is None:
        raise RefusedError(pg_dump_hint(settings.database_url, dest))
    if not source.is_file():
        raise DatabaseError(
            _("no database at {path}: run `atip init` in the workspace").format(path=source)
        )
    dest = Path(dest)
    if dest.exists() or dest.is_symlink():
        raise _taken(dest)
    if not dest.parent.is_dir():
        raise RefusedError(_("the folder {folder} does not exist").format(folder=dest.parent))
    # The copy is built under a temporary name (mode 0o600: it holds personal information) and
    # linked to `dest` only when complete and checked, so a crash leaves no partial backup and
    # a file created at `dest` meanwhile is never overwritten.
    files.remove_leftovers(dest.parent)  # what a killed backup left, never one still running
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=dest.parent, prefix=files.temporary_prefix(dest.name), suffix=".tmp"
        )
    except OSError as exc:
        raise RefusedError(
            _("cannot write to the folder {folder}: {error}").format(
                folder=dest.parent, error=exc.strerror
            )
        ) from None
    os.fchmod(fd, files.file_mode())
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        requests = _copy_sqlite(source, tmp)
        files.fault("backup-copied")
        _publish_new(tmp, dest)
        files.fault("backup-linked")
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{end}") for end in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return _("backed up {source} to {dest} ({count} request(s))").format(
        source=source, dest=dest, count=requests
    )


def _taken(dest: Path) -> RefusedError:
    return RefusedError(
        _("{dest} already exists: choose a new file name for the backup").format(dest=dest)
    )


def _publish_new(tmp: Path, dest: Path) -> None:
    """Give `tmp` the name `dest`, never replacing a file that exists there."""
    taken = _taken(dest)
    try:
        os.link(tmp, dest)  # atomic, and fails if dest exists
        return
    except FileExistsError:
        raise taken from None
    except OSError:
        pass  # a file system without hard links (a USB key, a network share)
    try:
        os.close(os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise taken from None
    os.replace(tmp, dest)  # over the empty file just claimed, never over another one


def _copy_sqlite(source: Path, target: Path) -> int:
    """Online backup (sqlite3 backup API), then a quick check of the copy; its request count."""
    timeout = sql.BUSY_TIMEOUT_MS / 1000
    # Read-only URI: a backup never creates or changes the source.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    dst = sqlite3.connect(target, timeout=timeout)
    try:
        src.backup(dst)
        files.fault("backup-copying")
        # One self-contained file: no -wal beside the copy.
        dst.execute("PRAGMA journal_mode = DELETE")
        verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise DatabaseError(
                _("the backup copy failed its check: {verdict}").format(verdict=verdict)
            )
        return int(dst.execute("SELECT count(*) FROM requests").fetchone()[0])
    except sqlite3.Error as exc:
        raise DatabaseError(_("backup failed: {error}").format(error=exc)) from None
    finally:
        dst.close()
        src.close()


def pg_dump_hint(url: str, dest: Path) -> str:
    """One line telling how to back up a PostgreSQL database with pg_dump (never a password)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    parts = ["pg_dump", "--format=custom"]
    if parsed.host:
        parts += ["-h", parsed.host]
    if parsed.port:
        parts += ["-p", str(parsed.port)]
    if parsed.username:
        parts += ["-U", parsed.username]
    schema = _search_path(parsed.query.get("options"))
    if schema:
        parts += ["-n", schema]
    parts += ["-f", str(dest), parsed.database or "DBNAME"]
    return _(
        "the database is on PostgreSQL (database {database!r}), which atip does not copy: "
        "run `{command}`"
    ).format(database=parsed.database, command=" ".join(parts))


def _search_path(options: Any) -> str | None:
    """The schema named by `options=-csearch_path=…` in a URL, if any."""
    if isinstance(options, tuple):
        options = " ".join(options)
    if not options:
        return None
    for option in str(options).split():
        if option.startswith("-csearch_path="):
            return option.split("=", 1)[1].split(",")[0] or None
    return None
