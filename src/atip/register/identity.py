"""The workspace's own identifier: made once, kept in the database's `meta` table.

Calendar events carry it in their UIDs, so that two offices' calendars never collide and one
office's events keep their UID from one export to the next (RFC 5545, 3.8.4.7). It is stored
on the first export, after its file is written, so that a refused export changes nothing.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from atip.register import db
from atip.register.models import Meta

KEY = "workspace_id"


def workspace_id(engine: Engine) -> str | None:
    """The workspace's id, or None before its first use."""
    with Session(engine) as session:
        found = session.get(Meta, KEY)
        return found.value if found is not None else None


def new_id() -> str:
    """A fresh id: a random UUID (the workspace's path or name would leak and could repeat)."""
    return str(uuid.uuid4())


def remember(engine: Engine, made: str) -> str:
    """Store `made` as the workspace's id unless one is stored already; the id kept."""
    try:
        with db.transaction(engine) as session:
            if session.get(Meta, KEY) is None:
                session.add(Meta(key=KEY, value=made))
    except IntegrityError:
        pass  # another process stored its id between the two statements: theirs is kept
    kept = workspace_id(engine)
    assert kept is not None
    return kept
