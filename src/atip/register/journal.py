"""The journal: one event per change, with who made it, when, and the old and new values."""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, date, datetime

from sqlmodel import Session

from atip.register.models import Event

# What the journal says instead of a requester's personal information.
PERSONAL = "(personal information)"

JournalValue = str | int | date | dict[str, object] | list[object] | None


def actor() -> str:
    """Who is making the change: ATIP_USER, else the login name."""
    try:
        return os.environ.get("ATIP_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def event_text(value: JournalValue) -> str | None:
    """A value as the journal stores it: ISO dates, JSON for structures."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def add_event(
    session: Session,
    request_id: int,
    who: str,
    action: str,
    field: str | None = None,
    old: JournalValue = None,
    new: JournalValue = None,
    why: str | None = None,
) -> None:
    """Add one journal event to the session's transaction."""
    session.add(
        Event(
            request_id=request_id,
            at=datetime.now(UTC),
            actor=who,
            action=action,
            field=field,
            old=event_text(old),
            new=event_text(new),
            why=why,
        )
    )
