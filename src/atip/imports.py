"""Import an existing register (CSV or XLSX): every row checked first, then one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from atip import db, deadlines
from atip.cases import (
    PERSONAL,
    Register,
    check_email,
    check_reference,
    computed_dates,
    split_articles,
)
from atip.dates import parse_date
from atip.errors import AtipError, InputError, RefusedError
from atip.models import KINDS, OUTCOMES, Decision, Event, Request, Requester

# column name -> accepted spellings (named like the options of `request new`)
ALIASES: dict[str, tuple[str, ...]] = {
    "received": ("received", "received_on"),
    "requester": ("requester", "requester_name", "name"),
    "subject": ("subject",),
    "ref": ("ref", "reference"),
    "clarified": ("clarified", "clarified_on"),
    "keep_clock": ("keep_clock", "keep-clock"),
    "email": ("email",),
    "address": ("address",),
    "kind": ("kind",),
    "accommodation": ("accommodation",),
    "channel": ("channel",),
    "clerk": ("clerk",),
    "extended_on": ("extended_on", "extended"),
    "decided_on": ("decided_on", "decided"),
    "outcome": ("outcome",),
    "articles": ("articles",),
}
REQUIRED = ("received", "requester", "subject")
TRUE = {"1", "true", "yes", "oui", "x", "vrai"}
FALSE = {"", "0", "false", "no", "non", "faux"}


def _columns(header: tuple[str, ...], name: str) -> dict[str, int]:
    index: dict[str, int] = {}
    known = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
    for i, raw in enumerate(header):
        key = known.get(raw.strip().lower().replace(" ", "_"))
        if key is None:
            raise InputError(f"{name}: unknown column {raw!r}; expected {', '.join(ALIASES)}")
        if key in index:
            raise InputError(f"{name}: column {raw!r} appears twice")
        index[key] = i
    missing = [k for k in REQUIRED if k not in index]
    if missing:
        raise InputError(f"{name}: missing column(s) {', '.join(missing)}")
    return index


def _bool(text: str, what: str) -> bool:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise InputError(f"{what} must be yes or no, not {text!r}")


def import_register(register: Register, path: Path) -> int:
    """Import every row of a register file, or none; returns the number imported."""
    from atip.annexes import read_table

    header, rows = read_table(path, max_rows=None)
    index = _columns(header, path.name)
    rules = register.rules
    now = datetime.now(UTC)
    prepared: list[tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        get: Callable[[str], str] = lambda key, row=row: (  # noqa: E731
            row[index[key]].strip() if key in index else ""
        )
        try:
            values, requester, articles = _prepare(get, rules, now)
        except AtipError as exc:
            raise type(exc)(f"{path.name}, line {number}: {exc.message}") from None
        ref = values.get("reference")
        if ref:
            if ref in seen:
                raise RefusedError(
                    f"{path.name}, line {number}: reference {ref!r} already on line {seen[ref]}"
                )
            seen[ref] = number
        prepared.append((values, requester, articles))
    if not prepared:
        raise InputError(f"{path.name}: no rows to import")
    _write(register, prepared, path.name)
    return len(prepared)


def _prepare(
    get: Callable[[str], str], rules: deadlines.Rules, now: datetime
) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    def day(key: str) -> date | None:
        text = get(key)
        return parse_date(text) if text else None

    received = day("received")
    if received is None:
        raise InputError("received is empty")
    name, subject = get("requester"), get("subject")
    if not name or not subject:
        raise InputError("requester and subject must not be empty")
    kind = get("kind") or "documents"
    if kind not in KINDS:
        raise InputError(f"invalid kind {kind!r}: expected documents or personal")
    outcome = get("outcome") or None
    decided = day("decided_on")
    if outcome is not None and outcome not in OUTCOMES:
        raise InputError(f"invalid outcome {outcome!r}: expected {', '.join(OUTCOMES)}")
    if outcome and decided is None:
        raise InputError("an outcome needs decided_on")
    if decided is not None and outcome is None:
        outcome = "granted"
    facts = deadlines.Facts(
        received_on=received,
        clarified_on=day("clarified"),
        keep_clock=_bool(get("keep_clock"), "keep_clock"),
        extended_on=day("extended_on"),
        decided_on=decided,
    )
    deadlines.check_facts(facts)
    if facts.extended_on is not None:
        deadlines.check_extension(
            deadlines.Facts(
                received_on=facts.received_on,
                clarified_on=facts.clarified_on,
                keep_clock=facts.keep_clock,
            ),
            facts.extended_on,
            rules,
        )
    ref = get("ref")
    values: dict[str, Any] = {
        "reference": check_reference(ref) if ref else None,
        "kind": kind,
        "subject": subject,
        "channel": get("channel") or None,
        "clerk": get("clerk") or None,
        "accommodation": _bool(get("accommodation"), "accommodation"),
        "received_on": received,
        "clarified_on": facts.clarified_on,
        "keep_clock": facts.keep_clock,
        "extended_on": facts.extended_on,
        "decided_on": decided,
        "outcome": outcome,
        "created_at": now,
        **computed_dates(facts, rules),
    }
    requester = {
        "name": name,
        "address": get("address") or None,
        "email": check_email(get("email")),
    }
    return values, requester, split_articles(get("articles"))


def _write(
    register: Register,
    prepared: list[tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]],
    name: str,
) -> None:
    with db.transaction(register.engine) as session:
        given = [v["reference"] for v, _, _ in prepared if v["reference"]]
        for chunk in range(0, len(given), 500):
            clash = session.exec(
                select(Request.reference).where(
                    col(Request.reference).in_(given[chunk : chunk + 500])
                )
            ).first()
            if clash:
                raise RefusedError(f"{name}: reference {clash!r} already exists")
        for values, _, _ in prepared:
            if values["reference"] is None:
                values["reference"] = register._allocate(session, values["received_on"])
            else:
                register._follow_reference(session, values["reference"], values["received_on"])
        result = session.execute(
            insert(Request).returning(Request.id, Request.reference, sort_by_parameter_order=True),  # type: ignore[arg-type]
            [v for v, _, _ in prepared],
        )
        ids = [row[0] for row in result]
        session.execute(
            insert(Requester),
            [{"request_id": i, **r} for i, (_, r, _) in zip(ids, prepared, strict=True)],
        )
        decisions = [
            {
                "request_id": i,
                "decided_on": v["decided_on"],
                "outcome": v["outcome"],
                "articles": ",".join(a),
            }
            for i, (v, _, a) in zip(ids, prepared, strict=True)
            if v["decided_on"] is not None
        ]
        if decisions:
            session.execute(insert(Decision), decisions)
        at = datetime.now(UTC)
        session.execute(
            insert(Event),
            [
                {
                    "request_id": i,
                    "at": at,
                    "actor": register.actor,
                    "action": "imported",
                    "field": "requester",
                    "old": None,
                    "new": f"{name} {PERSONAL}",
                }
                for i in ids
            ],
        )
