"""The purge: the requester's identity taken out of requests nobody can contest any more."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import col, select

from atip.errors import RefusedError
from atip.i18n import _, day
from atip.register import db
from atip.register.annexes import Section
from atip.register.journal import PERSONAL
from atip.register.models import Annex, Decision, Event, Request, Requester, ThirdParty
from atip.register.recorder import Recorder
from atip.register.redaction import REDACTED, name_pattern, scrub

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
    with db.transaction(register.engine) as session:
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
    return len(ids)


def _scrub_texts(session: Any, ids: list[int]) -> None:
    """Replace each requester's identity in the stored text of their own request."""
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
