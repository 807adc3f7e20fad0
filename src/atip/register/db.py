"""Engine, sessions, migrations and atomic reference numbers, for SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError
from sqlmodel import Session

from atip.errors import DatabaseError, InputError
from atip.i18n import _
from atip.register.sql import (
    BUSY_TIMEOUT_MS,
    HEAD,
    SCHEMA_REVISIONS,
    damaged,
    damaged_problem,
    first_line,
    problem,
    safe_url,
)

WRITE_OPTION = "atip_write"  # execution option marking a write transaction (see transaction)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and early write locks."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            _create_private_file(Path(path))
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a malformed URL or a missing driver
        raise DatabaseError(
            _("cannot use database URL {url}: {error}").format(url=safe_url(url), error=exc)
        ) from None


def _sqlite_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # A write transaction takes the write lock at BEGIN (IMMEDIATE), so two clerks never
    # deadlock upgrading a lock; a read stays deferred, so under WAL it sees the last commit
    # instead of waiting for a long write (an import) to finish.
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _create_private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only: it holds personal information."""
    from atip import files

    files.make_dirs(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.fchmod(fd, files.file_mode())  # 0600, or 0640 shared with the group
        os.close(fd)


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None when it has no atip schema."""
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except (OperationalError, ProgrammingError) as exc:
        if "alembic_version" in str(exc):
            return None
        if damaged(exc):
            raise database_problem(exc) from None
        raise DatabaseError(
            _("cannot open the database: {error}").format(error=first_line(exc))
        ) from None
    except SQLAlchemyDatabaseError as exc:
        raise database_problem(exc) from None
    return row[0] if row else None


def database_problem(exc: Exception) -> InputError:
    """One specific line, exit 2, for what the database refused or could not read; only the
    driver's first line, never the statement or its values (personal information)."""
    if isinstance(exc, DataError):
        return InputError(
            _("a value does not fit the database: {error}").format(error=first_line(exc))
        )
    if isinstance(exc, SQLAlchemyDatabaseError):
        return damaged_problem(exc)
    return problem(exc)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to HEAD through Alembic; return (before, after)."""
    before = schema_revision(engine)
    if before == HEAD:
        return before, HEAD
    if before is not None and before not in SCHEMA_REVISIONS:
        raise DatabaseError(_newer_message(before))
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return before, HEAD


def _newer_message(revision: str) -> str:
    return _(
        "the database schema is at revision {revision}, newer than this atip knows "
        "(latest {latest}): upgrade atip"
    ).format(revision=revision, latest=HEAD)


def open_engine(url: str) -> Engine:
    """An engine on a database at the current schema, upgrading an older one."""
    engine = make_engine(url)
    try:
        revision = schema_revision(engine)
        if revision is None:
            raise DatabaseError(
                _("the database has no atip tables: run `atip init` on this workspace")
            )
        if revision != HEAD:
            upgrade(engine)
    except BaseException:
        engine.dispose()  # nobody else holds this engine: close its connection now
        raise
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One short transaction: committed on success, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            session.connection(execution_options={WRITE_OPTION: True})
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if damaged(exc):
                raise database_problem(exc) from None
            raise DatabaseError(
                _("database error: {error}").format(error=first_line(exc))
            ) from None
        except DataError as exc:
            session.rollback()
            raise database_problem(exc) from None
        except BaseException:
            session.rollback()
            raise


def _ensure_sequence(session: Session, sequence: str) -> None:
    session.execute(
        text("INSERT INTO counters (name, value) VALUES (:n, 0) ON CONFLICT (name) DO NOTHING"),
        {"n": sequence},
    )


def next_number(session: Session, sequence: str) -> int:
    """Atomically take the next number of a sequence (the row lock serialises clerks)."""
    _ensure_sequence(session, sequence)
    row = session.execute(
        text("UPDATE counters SET value = value + 1 WHERE name = :n RETURNING value"),
        {"n": sequence},
    ).one()
    return int(row[0])


def take_numbers(session: Session, sequence: str, count: int) -> range:
    """Atomically take the next `count` numbers of a sequence at once (a bulk import)."""
    _ensure_sequence(session, sequence)
    row = session.execute(
        text("UPDATE counters SET value = value + :k WHERE name = :n RETURNING value"),
        {"n": sequence, "k": count},
    ).one()
    return range(int(row[0]) - count + 1, int(row[0]) + 1)


def raise_counter(session: Session, sequence: str, at_least: int) -> None:
    """Make sure the sequence never hands out `at_least` or a lower number again."""
    _ensure_sequence(session, sequence)
    session.execute(
        text("UPDATE counters SET value = :v WHERE name = :n AND value < :v"),
        {"n": sequence, "v": at_least},
    )
