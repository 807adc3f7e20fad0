"""Keeping the stored dates in step with the deadline settings of atip.toml.

Which requests a rule change recomputes. Every date of a request is the end of a period: a
start, plus so many days (the nominal end), moved past closed days (I-16, a. 52). A day that
becomes closed (a proclaimed day added) moves a period end only if it is that end, and a day
that is no longer closed (a proclaimed day removed) only if the end had been moved past it; in
both cases the day lies between the nominal end, later than the request's received date (every
period starts on or after it and runs at least 15 days), and the stored end. The dates that
depend on another (the third party's 15 days after its 20, the review deadline after a deemed
refusal) belong to the same request. So a changed proclaimed day D can change the dates of a
request only if `received_on <= D <= the latest of its stored dates`, and only those requests
are read again. `clarification_restarts_clock` changes only clarified requests; Saturdays and
the review calendar change every request, and every one is read again.

Why not only the undecided requests and those whose review deadline still runs: a request
decided years ago keeps `response_due` and `extended_due` (and `decision_due`,
`observations_due`, `third_party_due`, `executory_on` and `review_deadline`) as computed under
the old rules. The annual statistics (`annual_counts.annual`: within 20 days, within 30 days,
beyond) compare `decided_on` with the stored `response_due` and `extended_due`, so a past
fiscal year's figures would then depend on when each request was recomputed, and would differ
from a register imported afresh. The selection above is exact instead: after any rule change,
the stored dates are those a register recorded under the new rules would hold.

How it runs while other clerks work. The requests are read in batches of `BATCH` ids (keyset
on the id, no list of ids held), each read without the write lock; their dates are computed
outside any transaction, then the rows whose dates changed are written in one short write
transaction per batch, each row only if its facts are still those that were read (a clerk who
changed them meanwhile stored the dates of its own write). Other clerks' writes wait at most
for one batch's UPDATE. The new rule inputs are recorded only after the last batch: a crash
midway leaves the old ones, and the next command starts again (what it rewrites is the same,
so two clerks recomputing at once, on PostgreSQL or SQLite, do no harm). While a recompute is
under way its target is recorded (`PENDING_KEY`): a resumed one with other rules than that
target recomputes every request, since rows may then hold either set of dates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, bindparam, false, or_, select, text, true, update

from atip.law import deadlines
from atip.register import db
from atip.register.facts import (
    COMPUTED,
    INPUTS_KEY,
    PENDING_KEY,
    RULES_KEY,
    computed_dates,
    rules_fingerprint,
    rules_inputs,
)
from atip.register.models import Request

BATCH = 1000
# Beyond this many changed days, one range [first, last] selects them (a superset: sound).
MAX_DAY_TERMS = 32

_TABLE = Request.__table__  # type: ignore[attr-defined]
_FACTS = (
    "received_on",
    "clarified_on",
    "keep_clock",
    "extended_on",
    "third_party_notified_on",
    "observations_on",
    "decided_on",
    "kind",
)


@dataclass
class Progress:
    """What one recompute did: requests read again, and rows whose dates changed."""

    examined: int = 0
    changed: int = 0
    batches: int = 0


def sync_rules(
    engine: Engine,
    rules: deadlines.Rules,
    *,
    batch: int = BATCH,
    on_batch: Callable[[Progress], None] | None = None,
) -> bool:
    """Recompute the stored dates that atip.toml's changed rule inputs can change; True if
    the rules had changed (False on a register that had no rules recorded yet, or none)."""
    return recompute(engine, rules, batch=batch, on_batch=on_batch) is not None


def recompute(
    engine: Engine,
    rules: deadlines.Rules,
    *,
    batch: int = BATCH,
    on_batch: Callable[[Progress], None] | None = None,
) -> Progress | None:
    """Bring the stored dates in step with `rules`; None when nothing was to be done, or when
    the register had no rules recorded (its first command: every request is computed)."""
    fingerprint = rules_fingerprint(rules)
    target = rules_inputs(rules)
    # Every command calls this: a read first, so that it waits for no other clerk's write.
    with engine.connect() as conn:
        meta: dict[str, str] = dict(
            conn.execute(
                text("SELECT key, value FROM meta WHERE key IN (:a, :b, :c)"),
                {"a": RULES_KEY, "b": INPUTS_KEY, "c": PENDING_KEY},
            ).all()
        )
    old = _loads(meta.get(INPUTS_KEY))
    pending = _loads(meta.get(PENDING_KEY))
    if meta.get(RULES_KEY) == fingerprint and pending in (None, target):
        return None
    if old is None or (pending is not None and pending != target):
        where: Any = true()  # no record of the old inputs, or rows of a third set of rules
    else:
        where = affected(old, target)
    with db.transaction(engine) as session:
        _put(session, PENDING_KEY, json.dumps(target))
    progress = Progress()
    last_id = 0
    while True:
        last_id = _one_batch(engine, rules, where, last_id, batch, progress)
        if last_id < 0:
            break
        progress.batches += 1
        if on_batch is not None:
            on_batch(progress)
    with db.transaction(engine) as session:
        _put(session, RULES_KEY, fingerprint)
        _put(session, INPUTS_KEY, json.dumps(target))
        session.execute(text("DELETE FROM meta WHERE key = :k"), {"k": PENDING_KEY})
    return progress if RULES_KEY in meta else None


def affected(old: dict[str, Any], new: dict[str, Any]) -> Any:
    """The WHERE clause of the requests whose dates the change from `old` to `new` can change
    (see the module docstring); false() when none."""
    if any(old.get(k) != new.get(k) for k in ("saturdays_closed", "review_calendar")):
        return true()
    terms: list[Any] = []
    if old.get("clarification_restarts_clock") != new.get("clarification_restarts_clock"):
        terms.append(_TABLE.c.clarified_on.is_not(None))
    days = sorted(
        date.fromisoformat(d)
        for d in set(old.get("proclaimed", [])) ^ set(new.get("proclaimed", []))
    )
    if len(days) > MAX_DAY_TERMS:
        terms.append(_spans(days[0], days[-1]))
    else:
        terms.extend(_spans(d, d) for d in days)
    return or_(*terms) if terms else false()


def _spans(first: date, last: date) -> Any:
    """Requests whose span (received date to latest stored date) meets [first, last]."""
    return and_(
        _TABLE.c.received_on <= last,
        or_(*(_TABLE.c[name] >= first for name in COMPUTED if name != "clock_starts_on")),
    )


def _one_batch(
    engine: Engine, rules: deadlines.Rules, where: Any, after: int, size: int, progress: Progress
) -> int:
    """Recompute the next `size` affected requests after id `after`; their last id, or -1."""
    columns = [_TABLE.c.id, *(_TABLE.c[n] for n in _FACTS), *(_TABLE.c[n] for n in COMPUTED)]
    query = select(*columns).where(_TABLE.c.id > after, where).order_by(_TABLE.c.id).limit(size)
    with engine.connect() as conn:  # a read: no write lock while the batch is computed
        rows = conn.execute(query).all()
    if not rows:
        return -1
    changes = list(_changed(rows, rules))
    progress.examined += len(rows)
    if changes:
        statement = (
            update(_TABLE)
            .where(
                _TABLE.c.id == bindparam("_id"),
                *(_TABLE.c[n].is_not_distinct_from(bindparam(f"_{n}")) for n in _FACTS),
            )
            .values({n: bindparam(f"v_{n}") for n in COMPUTED})
        )
        with db.transaction(engine) as session:
            session.connection().execute(statement, changes)
        progress.changed += len(changes)
    return int(rows[-1].id)


def _changed(rows: Iterable[Any], rules: deadlines.Rules) -> Iterable[dict[str, Any]]:
    """The UPDATE parameters of the rows whose stored dates differ from the computed ones."""
    for row in rows:
        facts = deadlines.Facts(**{n: getattr(row, n) for n in _FACTS})
        dates = computed_dates(facts, rules)
        if any(getattr(row, n) != v for n, v in dates.items()):
            yield {
                "_id": row.id,
                **{f"_{n}": getattr(row, n) for n in _FACTS},
                **{f"v_{n}": v for n, v in dates.items()},
            }


def _loads(value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        loaded = json.loads(value)
    except ValueError:
        return None
    return loaded if isinstance(loaded, dict) else None


def _put(session: Any, key: str, value: str) -> None:
    """Set one `meta` row (an upsert: two clerks may record the same value at once)."""
    session.execute(
        text(
            "INSERT INTO meta (key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": key, "v": value},
    )
