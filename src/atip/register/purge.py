"""The purge: the requester's identity taken out of requests nobody can contest any more."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, text, update
from sqlmodel import col, select

from atip.errors import DatabaseError, RefusedError
from atip.i18n import _, day
from atip.register import db
from atip.register.annexes import Section
from atip.register.journal import PERSONAL
from atip.register.models import Annex, Decision, Event, Request, Requester, ThirdParty
from atip.register.recorder import Recorder
from atip.register.redaction import REDACTED, Identity, redactor, scrub

_CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


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


def purge_personal_information(register: Recorder, before: date, today: date | None = None) -> int:
    """Blank the requester's name, address and email of closed requests; returns how many.

    Their traces in the request's own text go too (subject, the clerk's paragraphs, annex
    cells and titles, the journal's annex titles), replaced as in a published copy.
    """
    today = today or register.today
    if before > today:
        raise RefusedError(
            _(
                "--before {before} is after today ({today}): only requests whose review deadline "
                "has passed can be purged"
            ).format(before=day(before), today=day(today))
        )
    at = datetime.now(UTC)
    sqlite = register.engine.dialect.name == "sqlite"
    with db.transaction(register.engine) as session:
        if sqlite:  # the pages freed by the updates below are zeroed, not just unlinked
            session.execute(text("PRAGMA secure_delete = ON"))
        ids = [row[0] for row in session.execute(purgeable(before))]
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            _scrub_texts(session, chunk)
            session.execute(
                update(Requester)
                .where(col(Requester.request_id).in_(chunk))
                .values(name=None, address=None, email=None, courtesy=None)
            )
            session.execute(
                update(ThirdParty)
                .where(col(ThirdParty.request_id).in_(chunk))
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
    if ids or _wipe_pending(register.engine):
        wipe_free_space(register.engine)
    return len(ids)


def _wipe_pending(engine: Any) -> bool:
    """True when a purge committed but could not wipe (SQLite: the log still holds frames)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path:
        return False
    from pathlib import Path

    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0 and _purged_any(engine)


def _purged_any(engine: Any) -> bool:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT 1 FROM requests WHERE purged_on IS NOT NULL LIMIT 1"))
        return row.first() is not None


# The tables a purge changes: their old row versions are rewritten away.
_PURGED_TABLES = ("requesters", "third_parties", "requests", "decisions", "annexes", "events")


def wipe_free_space(engine: Any) -> None:
    """Leave no copy of what was purged in the database's files.

    SQLite: the file is rebuilt (VACUUM) and the write-ahead log checkpointed and truncated, so
    neither the free pages nor old WAL frames keep a name. PostgreSQL: the purged tables are
    rewritten (VACUUM FULL), so no dead row version keeps one.
    """
    try:
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA secure_delete = ON")
                cursor.execute("VACUUM")
                busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                cursor.close()
            finally:
                raw.close()
            if busy:
                raise RuntimeError("database is locked")
            return
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in _PURGED_TABLES:
                conn.execute(text(f"VACUUM FULL {table}"))
    except Exception as exc:  # the purge itself is committed: say what is left to do
        error = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseError(
            _(
                "the personal information is removed, but its old copies could not be wiped "
                "from the database files ({error}): run `atip purge` again when nobody else "
                "is using the database"
            ).format(error=error)
        ) from None


def _scrub_texts(session: Any, ids: list[int]) -> None:
    """Replace the identity of each request's requester and third parties in the stored text
    of that request: subject, decision, annexes, and every journal line."""
    people: dict[int, list[Identity]] = {}
    for person in session.execute(
        select(Requester).where(col(Requester.request_id).in_(ids))
    ).scalars():
        people.setdefault(person.request_id, []).append(
            Identity(person.name, person.email, person.address)
        )
    for party in session.execute(
        select(ThirdParty).where(col(ThirdParty.request_id).in_(ids))
    ).scalars():
        people.setdefault(party.request_id, []).append(
            Identity(party.name, party.email, party.address)
        )
    for rid, identities in people.items():
        pattern = redactor(identities)
        if pattern is None:
            continue
        req = session.get(Request, rid)
        req.subject = scrub(req.subject, pattern, REDACTED)
        req.void_reason = scrub(req.void_reason, pattern, REDACTED)
        decision = session.get(Decision, rid)
        if decision is not None:
            decision.body = scrub(decision.body, pattern, REDACTED)
            decision.referral_body = scrub(decision.referral_body, pattern, REDACTED)
        for annex in session.execute(select(Annex).where(Annex.request_id == rid)).scalars():
            annex.section = scrub(Section.from_json(annex.section), pattern, REDACTED).to_json()
        for event in session.execute(select(Event).where(Event.request_id == rid)).scalars():
            event.old = scrub(event.old, pattern, REDACTED)
            event.new = scrub(event.new, pattern, REDACTED)
            event.why = scrub(event.why, pattern, REDACTED)
    session.flush()
