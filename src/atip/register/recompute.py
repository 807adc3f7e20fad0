"""Keeping the stored dates in step with the deadline settings of atip.toml."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from atip.law import deadlines
from atip.register import db
from atip.register.facts import computed_dates, facts_of, rules_fingerprint
from atip.register.models import Meta, Request

RULES_KEY = "deadline_rules"


def sync_rules(engine: Engine, rules: deadlines.Rules) -> bool:
    """Recompute every stored date when atip.toml's rule inputs changed; True if it did."""
    fingerprint = rules_fingerprint(rules)
    # Every command calls this: a read first, so that it waits for no other clerk's write.
    with Session(engine) as session:
        meta = session.get(Meta, RULES_KEY)
        if meta is not None and meta.value == fingerprint:
            return False
    try:
        with db.transaction(engine) as session:
            meta = session.get(Meta, RULES_KEY)
            if meta is not None and meta.value == fingerprint:
                return False
            for req in session.exec(select(Request)):
                for name, value in computed_dates(facts_of(req), rules).items():
                    setattr(req, name, value)
            if meta is None:
                session.add(Meta(key=RULES_KEY, value=fingerprint))
            else:
                meta.value = fingerprint
            return meta is not None
    except IntegrityError:
        # PostgreSQL: another clerk's first command recorded the fingerprint at the same time.
        return False
