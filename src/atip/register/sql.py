"""The read layer: SQL through the DB-API driver (sqlite3, psycopg), without the ORM.

Read commands (`request show`, `request list`, `report deadlines`, `report annual`, `request
history`) run their queries here: importing SQLAlchemy and the models would cost more than the
queries. The schema stays owned by the models and the migrations; `COLUMNS` names what this
layer reads, and a test checks it against the migrated schema. Each query is written once, with
`:name` parameters, and runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from atip.errors import DatabaseError, InputError
from atip.i18n import _
from atip.register.facts import COMPUTED, DATED_FACTS

# The migrations shipped in atip/register/migrations/versions, oldest first; the last one is
# the head (atip.register.db upgrades to it).
SCHEMA_REVISIONS = ("0001", "0002", "0003", "0004", "0005")
HEAD = SCHEMA_REVISIONS[-1]
BUSY_TIMEOUT_MS = 30_000

# The columns this layer reads, by table (checked against the migrated schema by a test).
COLUMNS: dict[str, tuple[str, ...]] = {
    "requests": (
        "id",
        "reference",
        "kind",
        "subject",
        "channel",
        "clerk",
        "accommodation",
        "received_on",
        "clarified_on",
        "keep_clock",
        "extended_on",
        "third_party_notified_on",
        "observations_on",
        "decided_on",
        "outcome",
        "review_filed_on",
        *COMPUTED,
        "withdrawn_on",
        "voided_on",
        "void_reason",
    ),
    "requesters": ("request_id", "name", "address", "email", "courtesy"),
    "decisions": ("request_id", "articles", "links"),
    "events": ("id", "request_id", "at", "actor", "action", "field", "old", "new", "why"),
    "annexes": ("request_id", "position", "section"),
    "letters": ("request_id", "kind", "published", "issued_at"),
    "third_parties": (
        "request_id",
        "position",
        "name",
        "address",
        "email",
        "notified_on",
        "observations_on",
    ),
    "fees": ("request_id", "estimate", "estimated_on", "paid_on", "waived"),
    "meta": ("key", "value"),
    "alembic_version": ("version_num",),
}
# How SQLite gives back what the ORM stored (PostgreSQL's driver returns the Python types
# itself; moments are given in UTC on both, as the models do): by column name, the same in
# every table (a test checks it against the models).
DATES = frozenset(
    {"received_on", *DATED_FACTS, *COMPUTED, "voided_on", "notified_on", "estimated_on", "paid_on"}
)
TIMESTAMPS = frozenset({"at", "issued_at"})
BOOLEANS = frozenset({"accommodation", "keep_clock", "published", "waived"})
DECIMALS = frozenset({"estimate"})


def columns(table: str, prefix: str = "") -> str:
    """The select list of a table's columns read here: 'id, reference, …'."""
    return ", ".join(f"{prefix}{name}" for name in COLUMNS[table])


def placeholders(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """An IN list: (':name_0, :name_1', {'name_0': …, 'name_1': …})."""
    params = {f"{name}_{i}": value for i, value in enumerate(values)}
    return ", ".join(f":{key}" for key in params), params


class Connection:
    """One DB-API connection, in one read transaction: rows as namespaces of Python values."""

    def __init__(self, raw: Any, dialect: str) -> None:
        self.raw = raw
        self.dialect = dialect

    def all(self, sql: str, **params: Any) -> list[Any]:
        """The rows of a query, each a namespace of its columns."""
        cursor = self._execute(sql, params)
        names = [d[0] for d in cursor.description]
        converters = self._converters(names)
        try:
            raw_rows = cursor.fetchall()
        except self._errors() as exc:
            raise problem(exc) from None
        if any(converters):
            return [
                SimpleNamespace(
                    **{
                        name: value if value is None or convert is None else convert(value)
                        for name, convert, value in zip(names, converters, row, strict=True)
                    }
                )
                for row in raw_rows
            ]
        return [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in raw_rows]

    def first(self, sql: str, **params: Any) -> Any:
        """The first row of a query, or None."""
        rows = self.all(sql, **params)
        return rows[0] if rows else None

    def tuples(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """The rows of a query as plain tuples, values unconverted (counts, names)."""
        cursor = self._execute(sql, params)
        try:
            return [tuple(row) for row in cursor.fetchall()]
        except self._errors() as exc:
            raise problem(exc) from None

    def month_of(self, column: str) -> str:
        """The SQL of a date column's month number (1-12)."""
        if self.dialect == "sqlite":
            return f"CAST(substr({column}, 6, 2) AS INTEGER)"
        return f"EXTRACT(MONTH FROM {column})"

    def _execute(self, sql: str, params: dict[str, Any]) -> Any:
        cursor = self.raw.cursor()
        if self.dialect == "sqlite":
            params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
        else:
            sql = _PARAMETER.sub(r"%(\1)s", sql)
        try:
            cursor.execute(sql, params)
        except self._errors() as exc:
            raise problem(exc) from None
        return cursor

    def _converters(self, names: list[str]) -> list[Callable[[Any], Any] | None]:
        table = _SQLITE_CONVERTERS if self.dialect == "sqlite" else _PG_CONVERTERS
        return [table.get(_kind(name)) for name in names]

    def _errors(self) -> type[Exception] | tuple[type[Exception], ...]:
        if self.dialect == "sqlite":
            import sqlite3

            return sqlite3.Error
        import psycopg

        return psycopg.Error


def of_session(session: Any) -> Connection:
    """The read layer on an ORM session's own connection, inside its transaction."""
    raw = session.connection().connection.dbapi_connection
    return Connection(raw, "sqlite" if session.get_bind().dialect.name == "sqlite" else "pg")


_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def _kind(name: str) -> str:
    if name in DATES:
        return "date"
    if name in TIMESTAMPS:
        return "timestamp"
    if name in BOOLEANS:
        return "boolean"
    if name in DECIMALS:
        return "decimal"
    return ""


def _utc(moment: datetime) -> datetime:
    """A stored moment in UTC, as the models give it (sqlmodel's UTCDateTime)."""
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)  # SQLite stores UTC without an offset
    return moment.astimezone(UTC)


_SQLITE_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "date": date.fromisoformat,
    "timestamp": lambda value: _utc(datetime.fromisoformat(value)),
    "boolean": bool,
    "decimal": lambda value: Decimal(str(value)),
}
_PG_CONVERTERS: dict[str, Callable[[Any], Any]] = {"timestamp": _utc}


@contextmanager
def connect(url: str) -> Iterator[Connection]:
    """A read connection on the database at `url`, rolled back and closed afterwards.

    SQLite: the file must exist (a read never creates one); one deferred transaction, so every
    query sees the same commit. PostgreSQL (`postgresql` or `postgresql+psycopg`): psycopg."""
    if url.startswith("sqlite"):
        raw = _sqlite(url)
        dialect = "sqlite"
    elif url.startswith(("postgresql://", "postgresql+psycopg://")):
        raw = _postgresql(url)
        dialect = "pg"
    else:
        raise DatabaseError(
            _("cannot use database URL {url}: {error}").format(
                url=safe_url(url), error=_("atip reads SQLite and PostgreSQL (psycopg) databases")
            )
        )
    try:
        yield Connection(raw, dialect)
    finally:
        try:
            raw.rollback()
        finally:
            raw.close()


def _sqlite(url: str) -> Any:
    import sqlite3
    from urllib.parse import quote

    path = url.removeprefix("sqlite:///")
    try:
        raw = sqlite3.connect(
            f"file:{quote(path)}?mode=rw",
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
        )
        raw.execute("BEGIN")
    except sqlite3.Error as exc:
        raise problem(exc) from None
    return raw


def _postgresql(url: str) -> Any:
    import psycopg

    try:
        return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
    except psycopg.Error as exc:
        raise DatabaseError(
            _("cannot open the database: {error}").format(error=first_line(exc))
        ) from None


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url
    return url


def first_line(exc: BaseException) -> str:
    """The driver's first line of an error: never the statement or its values."""
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def damaged(exc: BaseException) -> bool:
    """Whether the error says the file is not a database, or a damaged one."""
    text = first_line(exc).lower()
    return "not a database" in text or "malformed" in text or "encrypted" in text


def damaged_problem(exc: BaseException) -> InputError:
    """One line, exit 2, for a database that is damaged or not atip's."""
    return InputError(
        _(
            "the database is damaged or is not an atip database ({error}): restore it from "
            "a backup, or check [database] url"
        ).format(error=first_line(exc))
    )


def problem(exc: BaseException) -> InputError:
    """One specific line, exit 2, for what the database refused or could not read."""
    if damaged(exc):
        return damaged_problem(exc)
    return InputError(_("database error: {error}").format(error=first_line(exc)))


def in_step(conn: Connection, rules: Any) -> bool:
    """Whether the database is at the current schema and its stored dates were computed with
    these rules (`atip.law.deadlines.Rules`); else a write must come first (an upgrade, a
    recompute: `atip.register.recompute`)."""
    import json

    from atip.register.facts import (
        INPUTS_KEY,
        PENDING_KEY,
        RULES_KEY,
        rules_fingerprint,
        rules_inputs,
    )

    try:
        version = conn.tuples("SELECT version_num FROM alembic_version")
    except InputError:
        return False  # no atip schema: the engine's path says so in its own words
    if version != [(HEAD,)]:
        return False
    meta = dict(
        conn.tuples(
            "SELECT key, value FROM meta WHERE key IN (:a, :b, :c)",
            a=RULES_KEY,
            b=INPUTS_KEY,
            c=PENDING_KEY,
        )
    )
    pending = meta.get(PENDING_KEY)
    return meta.get(RULES_KEY) == rules_fingerprint(rules) and (
        pending is None or json.loads(pending) == rules_inputs(rules)
    )
