"""Housekeeping: a safe copy of the database, an integrity check, the purge of personal data."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from atip.register import db
from atip.register.recorder import PERSONAL, Register
from atip.register.settings import Settings
from atip.errors import DatabaseError, RefusedError
from atip.register.models import Annex, Decision, Event, Request, Requester

_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
_READ_BLOCK = 1 << 20


# --------------------------------------------------------------------------- backup


def backup_database(settings: Settings, dest: Path) -> str:
    """Copy the SQLite database to `dest` while it is in use; returns the line to print."""
    source = settings.sqlite_path
    if source is None:
        raise RefusedError(pg_dump_hint(settings.database_url, dest))
    if not source.is_file():
        raise DatabaseError(f"no database at {source}: run `atip init` in the workspace")
    dest = Path(dest)
    if dest.exists() or dest.is_symlink():
        raise RefusedError(f"{dest} already exists: choose a new file name for the backup")
    if not dest.parent.is_dir():
        raise RefusedError(f"the folder {dest.parent} does not exist")
    # The copy is built under a temporary name (mode 0o600: it holds personal information) and
    # linked to `dest` only when complete and checked, so a crash leaves no partial backup and
    # a file created at `dest` meanwhile is never overwritten.
    try:
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    except OSError as exc:
        raise RefusedError(f"cannot write to the folder {dest.parent}: {exc.strerror}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        requests = _copy_sqlite(source, tmp)
        _publish_new(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return f"backed up {source} to {dest} ({requests} request(s))"


def _publish_new(tmp: Path, dest: Path) -> None:
    """Give `tmp` the name `dest`, never replacing a file that exists there."""
    taken = RefusedError(f"{dest} already exists: choose a new file name for the backup")
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
    timeout = db.BUSY_TIMEOUT_MS / 1000
    # Read-only URI: a backup never creates or changes the source.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    dst = sqlite3.connect(target, timeout=timeout)
    try:
        src.backup(dst)
        # One self-contained file: no -wal beside the copy.
        dst.execute("PRAGMA journal_mode = DELETE")
        verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise DatabaseError(f"the backup copy failed its check: {verdict}")
        return int(dst.execute("SELECT count(*) FROM requests").fetchone()[0])
    except sqlite3.Error as exc:
        raise DatabaseError(f"backup failed: {exc}") from None
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
    return (
        f"the database is on PostgreSQL (database {parsed.database!r}), which atip does not copy: "
        f"run `{' '.join(parts)}`"
    )


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


# --------------------------------------------------------------------------- check


def check_workspace(settings: Settings, engine: Engine) -> list[str]:
    """Every problem found, one line each: database integrity, then issued letters' files."""
    try:
        problems = _database_problems(engine)
    except DBAPIError as exc:
        return [f"database: {_first_line(exc)}"]
    try:
        problems += letter_problems(engine, settings.workspace)
    except DBAPIError as exc:
        problems.append(f"database: cannot read the issued letters: {_first_line(exc)}")
    return problems


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig or exc).strip().splitlines()[0]


def _database_problems(engine: Engine) -> list[str]:
    if engine.dialect.name != "sqlite":
        # PostgreSQL checks its own pages; reaching every table proves the schema is there.
        with engine.connect() as conn:
            for table in ("requests", "requesters", "decisions", "events", "letters"):
                conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1"))
        return []
    problems: list[str] = []
    with engine.connect() as conn:
        # At most 100 findings (SQLite's default); one finding may span several lines.
        for (finding,) in conn.exec_driver_sql("PRAGMA integrity_check"):
            if finding != "ok":
                problems += [f"database: {line}" for line in finding.splitlines() if line]
        for row in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"database: row {row[1]} of table {row[0]} points to no {row[2]}")
    return problems


def letter_problems(engine: Engine, workspace: Path) -> list[str]:
    """Issued letters whose file is missing or no longer has the SHA-256 recorded."""
    query = text(
        "SELECT r.reference, l.kind, l.published, l.docx_path, l.docx_sha256, l.pdf_path, "
        "l.pdf_sha256 FROM letters l JOIN requests r ON r.id = l.request_id ORDER BY l.id"
    )
    # A reissued letter replaces the file of the same name: only the latest row names its hash.
    latest: dict[Path, tuple[str, str]] = {}
    with engine.connect() as conn:
        for ref, kind, published, docx, docx_sha, pdf, pdf_sha in conn.execute(query):
            what = f"{kind} letter of {ref}" + (" (published copy)" if published else "")
            for stored, sha in ((docx, docx_sha), (pdf, pdf_sha)):
                if stored and sha:
                    path = Path(stored)
                    if not path.is_absolute():
                        path = workspace / path
                    latest[path] = (sha, what)
    problems = []
    for path, (sha, what) in latest.items():
        actual = _sha256(path)
        if actual is None:
            problems.append(f"missing: {path} ({what})")
        elif actual != sha:
            problems.append(f"changed: {path} ({what}): its SHA-256 is not the one recorded")
    return problems


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(_READ_BLOCK):
                digest.update(block)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return ""
    return digest.hexdigest()


# --------------------------------------------------------------------------- purge


def purgeable(before: date) -> Any:
    """Requests decided, with no review filed, whose review deadline passed before `before`."""
    return (
        select(Request.id)
        .where(
            col(Request.decided_on).is_not(None),
            col(Request.review_filed_on).is_(None),
            col(Request.purged_on).is_(None),
            col(Request.review_deadline) < before,
        )
        .order_by(col(Request.id))
    )


def purge_personal_information(register: Register, before: date, today: date | None = None) -> int:
    """Blank the requester's name, address and email of closed requests; returns how many.

    Their traces in the request's own text go too (subject, the clerk's paragraphs, annex
    cells and titles, the journal's annex titles), replaced as in a published copy.
    """
    today = today or date.today()
    if before > today:
        raise RefusedError(
            f"--before {before} is after today ({today}): only requests whose review deadline "
            "has passed can be purged"
        )
    at = datetime.now(UTC)
    with db.transaction(register.engine) as session:
        ids = [row[0] for row in session.execute(purgeable(before))]
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            _scrub_texts(session, chunk)
            session.execute(
                update(Requester)
                .where(col(Requester.request_id).in_(chunk))
                .values(name=None, address=None, email=None)
            )
            session.execute(
                update(Request).where(col(Request.id).in_(chunk)).values(purged_on=today)
            )
        if ids:
            session.execute(
                insert(Event),
                [
                    {
                        "request_id": request_id,
                        "at": at,
                        "actor": register.actor,
                        "action": "purged",
                        "field": "requester",
                        "old": PERSONAL,
                        "new": None,
                    }
                    for request_id in ids
                ],
            )
    return len(ids)


def _scrub_texts(session: Any, ids: list[int]) -> None:
    """Replace each requester's identity in the stored text of their own request."""
    from atip.register.annexes import Section
    from atip.register.redaction import REDACTED, name_pattern, scrub

    people = session.execute(select(Requester).where(col(Requester.request_id).in_(ids)))
    for person in people.scalars():
        pattern = name_pattern(person.name or "", person.email, person.address)
        if pattern is None:
            continue
        rid = person.request_id
        req = session.get(Request, rid)
        req.subject = scrub(req.subject, pattern, REDACTED)
        decision = session.get(Decision, rid)
        if decision is not None:
            decision.body = scrub(decision.body, pattern, REDACTED)
        for annex in session.execute(select(Annex).where(Annex.request_id == rid)).scalars():
            annex.section = scrub(Section.from_json(annex.section), pattern, REDACTED).to_json()
        events = select(Event).where(Event.request_id == rid, Event.field == "annex")
        for event in session.execute(events).scalars():
            event.old = scrub(event.old, pattern, REDACTED)
            event.new = scrub(event.new, pattern, REDACTED)
    session.flush()
