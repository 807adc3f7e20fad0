"""Import an existing register (CSV or XLSX): every row checked first, then one transaction."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from atip.errors import AtipError, InputError, RefusedError
from atip.french import parse_date
from atip.i18n import N_, _, language
from atip.law import deadlines
from atip.register import db, references
from atip.register.facts import check_new_facts, computed_dates
from atip.register.journal import PERSONAL
from atip.register.models import Decision, Event, Request, Requester
from atip.register.recorder import Recorder
from atip.register.validation import (
    check_email,
    check_field,
    check_kind,
    check_outcome,
    check_reference,
    split_articles,
)
from atip.vocabulary import OUTCOMES, REQUEST_KINDS, code_of, fold, label

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
# The French headers of a clerk's own register; the first of each is the name shown in French.
# Headers are compared folded: no accents or capitals, spaces, '_' and '-' alike, no '.' or ':'.
FRENCH_ALIASES: dict[str, tuple[str, ...]] = {
    "received": (
        "reçue le", "reçu le", "date de réception", "reçue", "date de la demande", "réception",
    ),
    "requester": (
        "requérant", "requérante", "demandeur", "demanderesse", "nom", "nom du requérant",
    ),
    "subject": ("objet", "sujet", "demande", "objet de la demande"),
    "ref": (
        "N/Réf.", "référence", "no", "n°", "numéro", "no de dossier", "numéro de dossier", "nref",
    ),
    "clarified": ("précisée le", "date de précision", "précisé le", "précisée"),
    "keep_clock": ("garder le délai", "conserver le délai"),
    "email": ("courriel", "adresse courriel", "adresse électronique"),
    "address": ("adresse", "adresse postale"),
    "kind": ("type", "genre", "type de demande"),
    "accommodation": ("accommodement", "mesure d'accommodement"),
    "channel": ("canal", "mode de réception"),
    "clerk": ("responsable", "agent", "agente", "commis"),
    "extended_on": ("prolongée le", "prolongé le", "date de prolongation", "prolongation"),
    "decided_on": ("décidée le", "décidé le", "date de décision", "date de la décision"),
    "outcome": ("décision", "résultat"),
    "articles": ("articles", "article", "articles invoqués"),
}  # fmt: skip
REQUIRED = ("received", "requester", "subject")
# A register of 100,000 rows holds a few thousand distinct dates: parse each once.
_parse_date = lru_cache(maxsize=16_384)(parse_date)
TRUE = {"1", "true", "yes", "oui", "x", "vrai"}
FALSE = {"", "0", "false", "no", "non", "faux"}


def _header_key(text: str) -> str:
    """A column header as compared: `N/Réf.` and `n/ref`, `Reçue le` and `recue_le` alike."""
    return fold(text.replace(".", " ").replace(":", " "))


_KNOWN = {
    _header_key(alias): key
    for table in (ALIASES, FRENCH_ALIASES)
    for key, aliases in table.items()
    for alias in aliases
}


def _column_name(key: str) -> str:
    """The name a clerk reads for a column: its French header in French, else the key."""
    return FRENCH_ALIASES[key][0] if language() == "fr" else key


def _columns(header: tuple[str, ...], name: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = _KNOWN.get(_header_key(raw))
        if key is None:
            raise InputError(
                _("{file}: unknown column {column!r}; expected {columns}").format(
                    file=name, column=raw, columns=", ".join(map(_column_name, ALIASES))
                )
            )
        if key in index:
            raise InputError(
                _("{file}: column {column!r} appears twice").format(file=name, column=raw)
            )
        index[key] = i
    missing = [k for k in REQUIRED if k not in index]
    if missing:
        raise InputError(
            _("{file}: missing column(s) {columns}").format(
                file=name, columns=", ".join(map(_column_name, missing))
            )
        )
    return index


def _bool(text: str, key: str) -> bool:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise InputError(_("column {column}: expected yes or no").format(column=_column_name(key)))


# What is wrong with a cell, said without its content (it may be personal information: a name
# in the wrong column); {column} to fill.
_PROBLEMS = {
    "date": N_("column {column}: not a date (write 2024-05-17, 17/05/2024 or 17 mai 2024)"),
    "kind": N_("column {column}: not a request kind: expected {codes}"),
    "outcome": N_("column {column}: not an outcome: expected {codes}"),
    "ref": N_(
        "column {column}: not a reference: use letters, digits, '.', '_' or '-' (64 at most)"
    ),
    "articles": N_("column {column}: expected article numbers such as 53,54"),
    "email": N_("column {column}: invalid email address: expected the form name@domain.tld"),
}


def _cell(key: str, problem: str, parse: Callable[[str], Any], text: str) -> Any:
    """`parse(text)`, or the content-free `problem` of the column `key`."""
    try:
        return parse(text)
    except InputError:
        codes = ", ".join(label(problem, c) for c in _CODES.get(problem, ()))
        raise InputError(
            _(_PROBLEMS[problem]).format(column=_column_name(key), codes=codes)
        ) from None


_CODES = {"kind": REQUEST_KINDS, "outcome": OUTCOMES}


def _text(key: str, text: str, field: str) -> str:
    """A text cell, checked by the input policy of `field`; the error names the column only."""
    what = _("column {column}").format(column=_column_name(key))
    return check_field(text, what, field=field)


def _code(what: str, text: str, check: Callable[[str], None]) -> str | None:
    """The code a cell means (`accueillie` or `granted`), None when empty; `check` refuses
    anything else with the cell's text."""
    if not text:
        return None
    code = code_of(what, text)
    if code is None:
        check(text)
        raise AssertionError(f"{text!r} is no {what} code")  # check refuses it first
    return code


def import_register(register: Recorder, path: Path) -> int:
    """Import every row of a register file, or none; returns the number imported."""
    from atip.register.tables import read_numbered_table

    # Hundreds of thousands of objects live until the commit: the cyclic collector would walk
    # them again and again for nothing (about a second per 100,000 rows); any cycle made
    # meanwhile is collected once it is back on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(register, path, read_numbered_table)
    finally:
        if collecting:
            gc.enable()


def _import(register: Recorder, path: Path, read_numbered_table: Callable[..., Any]) -> int:
    header, rows, places = read_numbered_table(path, max_rows=None)
    index = _columns(header, path.name)
    rules = register.rules
    now = datetime.now(UTC)
    prepared: list[tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]] = []
    seen: dict[str, str] = {}
    for place, row in zip(places, rows, strict=True):
        get = _getter(row, index)
        try:
            values, requester, articles = _prepare(get, rules, now, register.not_after_today)
        except AtipError as exc:
            raise type(exc)(
                _("{file}, {place}: {message}").format(
                    file=path.name, place=place, message=exc.message
                )
            ) from None
        ref = values.get("reference")
        if ref:
            if ref in seen:
                raise RefusedError(
                    _("{file}, {place}: reference {reference!r} already on {other}").format(
                        file=path.name, place=place, reference=ref, other=seen[ref]
                    )
                )
            seen[ref] = place
        prepared.append((values, requester, articles))
    if not prepared:
        raise InputError(_("{file}: no rows to import").format(file=path.name))
    _write(register, prepared, path.name)
    return len(prepared)


def _getter(row: tuple[str, ...], index: dict[str, int]) -> Callable[[str], str]:
    """The stripped cell of a named column in this row, '' when the file has no such column."""

    def get(key: str) -> str:
        return row[index[key]].strip() if key in index else ""

    return get


def _prepare(
    get: Callable[[str], str],
    rules: deadlines.Rules,
    now: datetime,
    not_after_today: Callable[[str, date | None], None],
) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    def day(key: str) -> date | None:
        text = get(key)
        return _cell(key, "date", _parse_date, text) if text else None

    received = day("received")
    if received is None:
        raise InputError(_("received is empty"))
    name = _text("requester", get("requester"), "name")
    subject = _text("subject", get("subject"), "subject")
    if not name or not subject:
        raise InputError(_("requester and subject must not be empty"))
    kind = _cell("kind", "kind", lambda t: _code("kind", t, check_kind), get("kind"))
    kind = kind or "documents"
    outcome = _cell("outcome", "outcome", lambda t: _code("outcome", t, check_outcome),
                    get("outcome"))  # fmt: skip
    decided = day("decided_on")
    if outcome and decided is None:
        raise InputError(_("an outcome needs decided_on"))
    if decided is not None and outcome is None:
        outcome = "granted"
    facts = deadlines.Facts(
        received_on=received,
        clarified_on=day("clarified"),
        keep_clock=_bool(get("keep_clock"), "keep_clock"),
        extended_on=day("extended_on"),
        decided_on=decided,
        kind=kind,
    )
    for field in ("received_on", "clarified_on", "extended_on", "decided_on"):
        not_after_today(field, getattr(facts, field))
    check_new_facts(facts, rules)
    ref = get("ref")
    values: dict[str, Any] = {
        "reference": _cell("ref", "ref", check_reference, ref) if ref else None,
        "kind": kind,
        "subject": subject,
        "channel": _text("channel", get("channel"), "channel") or None,
        "clerk": _text("clerk", get("clerk"), "clerk") or None,
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
        "address": _text("address", get("address"), "address") or None,
        "email": _cell("email", "email", check_email, get("email")),
    }
    return values, requester, _cell("articles", "articles", split_articles, get("articles"))


def _write(
    register: Recorder,
    prepared: list[tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]],
    name: str,
) -> None:
    # Raised by SQLAlchemy, or by the driver itself during PostgreSQL's COPY.
    unique = (IntegrityError, register.engine.dialect.loaded_dbapi.IntegrityError)
    try:
        with db.transaction(register.engine) as session:
            given = [v["reference"] for v, _r, _a in prepared if v["reference"]]
            for chunk in range(0, len(given), 500):
                clash = session.exec(
                    select(Request.reference).where(
                        col(Request.reference).in_(given[chunk : chunk + 500])
                    )
                ).first()
                if clash:
                    raise RefusedError(
                        _("{file}: reference {reference!r} already exists").format(
                            file=name, reference=clash
                        )
                    )
            _number(register, session, [v for v, _r, _a in prepared])
            # Not the ORM's bulk insert: it groups rows by which columns are NULL and splices the
            # RETURNING rows of every group, quadratic in a 100,000-row register.
            conn = session.connection()
            last = session.execute(select(func.max(Request.id))).scalar() or 0
            _bulk_insert(conn, Request, [v for v, _r, _a in prepared])
            ids_of: dict[str, int] = dict(
                conn.execute(
                    select(Request.reference, Request.id).where(col(Request.id) > last)
                ).all()
            )
            ids = [ids_of[v["reference"]] for v, _r, _a in prepared]
            _bulk_insert(
                conn,
                Requester,
                [{"request_id": i, **r} for i, (_v, r, _a) in zip(ids, prepared, strict=True)],
            )
            decisions = [
                {
                    "request_id": i,
                    "decided_on": v["decided_on"],
                    "outcome": v["outcome"],
                    "articles": ",".join(a),
                    "own_articles": ",".join(a),
                }
                for i, (v, _r, a) in zip(ids, prepared, strict=True)
                if v["decided_on"] is not None
            ]
            if decisions:
                _bulk_insert(conn, Decision, decisions)
            at = datetime.now(UTC)
            _bulk_insert(
                conn,
                Event,
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
    except unique:
        # PostgreSQL: another clerk took one of these references after the check above.
        raise RefusedError(
            _(
                "{file}: a reference of this file was taken by another clerk meanwhile; "
                "nothing was imported"
            ).format(file=name)
        ) from None


def _number(register: Recorder, session: Any, rows: list[dict[str, Any]]) -> None:
    """Give references to rows without one, as `request new` would have, row after row."""
    missing = [row for row in rows if row["reference"] is None]
    numeric = [row for row in rows if row["reference"] and row["reference"].isdigit()]

    fmt = register.settings.reference_format

    def follow(row: dict[str, Any]) -> None:
        references.follow(session, fmt, row["reference"])

    if missing and numeric and fmt == "{seq}":
        # Explicit numbers raise the counter in file order: number row by row. Raising it once
        # to the highest of a run of explicit numbers does what one raise per row did.
        highest: dict[str, Any] | None = None
        for row in rows:
            ref = row["reference"]
            if ref is None:
                if highest is not None:
                    follow(highest)
                    highest = None
                row["reference"] = references.allocate(session, fmt, row["received_on"])
            elif ref.isdigit() and (highest is None or int(ref) > int(highest["reference"])):
                highest = row
        if highest is not None:
            follow(highest)
        return
    if numeric:
        follow(max(numeric, key=lambda row: int(row["reference"])))
    if missing:
        given = {row["reference"] for row in rows if row["reference"]}
        received = [row["received_on"] for row in missing]
        refs = references.allocate_many(session, fmt, received, given)
        for row, ref in zip(missing, refs, strict=True):
            row["reference"] = ref


def _bulk_insert(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """One driver-level executemany; each value still goes through its column type's processor.

    SQLAlchemy's own executemany spends seconds per 100,000 rows building parameters; this
    converts column by column with the same bind processors and hands the driver plain rows.
    """
    if not rows:
        return
    table = model.__table__
    dialect = conn.dialect
    keys = list(rows[0])
    # Columns left out take their scalar default, as SQLAlchemy's insert would give them.
    defaults = {
        c.key: c.default.arg
        for c in table.columns
        if c.key not in keys and c.default is not None and c.default.is_scalar
    }
    columns: dict[str, Any] = {}
    for name in [*keys, *defaults]:
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if name in defaults:
            value = defaults[name]
            value = process(value) if process is not None and value is not None else value
            columns[name] = repeat(value, len(rows))
            continue
        values = [row[name] for row in rows]
        if process is not None:
            values = [None if v is None else process(v) for v in values]
        columns[name] = values
    if dialect.name == "postgresql":
        # COPY is PostgreSQL's bulk path: several times faster than an executemany.
        quoted = ", ".join(f'"{name}"' for name in columns)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row_values in zip(*columns.values(), strict=True):
                copy.write_row(row_values)
        return
    statement = insert(table).values({name: bindparam(name) for name in columns})
    compiled = statement.compile(dialect=dialect)
    if compiled.positional:
        order = list(compiled.positiontup or [])
        conn.exec_driver_sql(compiled.string, list(zip(*(columns[k] for k in order), strict=True)))
    else:
        names = list(columns)
        params = [dict(zip(names, v, strict=True)) for v in zip(*columns.values(), strict=True)]
        conn.exec_driver_sql(compiled.string, params)
