"""Reference numbers (N/Réf.): allocated atomically from the workspace's format."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from atip.register import db
from atip.register.models import Request
from atip.register.settings import ReferenceFormat, parse_reference_format


def _parsed(fmt: str) -> ReferenceFormat:
    """The format as parsed at load (`settings.parse_reference_format`); never str.format."""
    return parse_reference_format(fmt)


def _sequence(fmt: ReferenceFormat, year: int) -> str:
    """The counter a format draws from: one a year when the format shows the year."""
    return f"request-{year}" if fmt.uses_year else "request"


def allocate(session: Session, fmt: str, received_on: date) -> str:
    """The next free reference for a request received on `received_on`."""
    parsed = _parsed(fmt)
    sequence = _sequence(parsed, received_on.year)
    while True:
        reference = parsed.render(db.next_number(session, sequence), received_on.year)
        taken = session.exec(select(Request.id).where(Request.reference == reference)).first()
        if not taken:
            return reference


def allocate_many(
    session: Session, fmt: str, received: Sequence[date], avoid: set[str]
) -> list[str]:
    """References for many new requests, in order: what `allocate` gives one by one, in a few
    statements; `avoid` holds references about to be inserted with them."""
    parsed = _parsed(fmt)
    rows_of: dict[tuple[str, int], list[int]] = {}
    for i, day in enumerate(received):
        rows_of.setdefault((_sequence(parsed, day.year), day.year), []).append(i)
    out = [""] * len(received)
    for (sequence, year), waiting in rows_of.items():
        while waiting:
            numbers = db.take_numbers(session, sequence, len(waiting))
            candidates = [parsed.render(n, year) for n in numbers]
            taken = avoid.intersection(candidates)
            for start in range(0, len(candidates), 500):
                chunk = candidates[start : start + 500]
                query = select(Request.reference).where(col(Request.reference).in_(chunk))
                taken.update(session.exec(query))
            free = [ref for ref in candidates if ref not in taken]
            for i, ref in zip(waiting, free, strict=False):
                out[i] = ref
            waiting = waiting[len(free) :]
    return out


def follow(session: Session, fmt: str, reference: str) -> None:
    """After an explicit reference such as 18159, new numbers continue above it."""
    if fmt == "{seq}" and reference.isdigit():
        db.raise_counter(session, "request", int(reference))


def request_by_reference(session: Session, reference: str) -> Request:
    """The request with this reference, or NotFoundError."""
    from atip.errors import NotFoundError
    from atip.i18n import _

    req = session.exec(select(Request).where(Request.reference == reference)).first()
    if req is None:
        raise NotFoundError(_("unknown reference {reference!r}").format(reference=reference))
    return req
