"""Import an existing register (CSV or XLSX): every row checked first, then one transaction,
the file streamed in both passes."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Connection, Date, DateTime, bindparam, func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from atip.errors import AtipError, InputError, RefusedError
from atip.french import parse_date
from atip.i18n import N_, _, language
from atip.law import deadlines
from atip.register import db, references
from atip.register.facts import COMPUTED, check_new_facts
from atip.register.journal import PERSONAL
from atip.register.models import Decision, Event, Request, Requester
from atip.register.recorder import Recorder
from atip.register.settings import parse_reference_format
from atip.register.validation import (
    EMAIL_FORM,
    FIELDS,
    REFERENCE_FORM,
    check_email,
    check_field,
    check_kind,
    check_outcome,
    check_reference,
    refused_character,
    split_articles,
)
from atip.vocabulary import OUTCOMES, REQUEST_KINDS, code_of, fold, label

if TYPE_CHECKING:
    from atip.register.tables import StreamedTable

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
    limit, multiline = FIELDS[field]
    if not text or (len(text) <= limit and refused_character(text, multiline) is None):
        return text  # the common case, without building the message
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
    """Import every row of a register file, or none; returns the number imported.

    Two passes over the file, neither holding its rows: the first checks every row (and the
    references, against each other and the register), without a write lock; the second reads
    the file again and writes it in batches of `BATCH` rows, in one transaction. Between them
    only the references given are kept, so memory does not grow with the file."""
    from atip.register.tables import open_table

    # The objects alive at the start (modules, the ORM's) are never garbage: the cyclic
    # collector leaves them alone, and walks only what each batch makes.
    gc.freeze()
    try:
        with open_table(path) as table:
            index = _columns(table.header, table.name)
            fields = _Fields(index, len(table.header))
            plan = _check(register, table, fields)
            _write(register, table, fields, plan)
        return plan.count
    finally:
        gc.unfreeze()


BATCH = 5_000  # rows per INSERT (or COPY) of the second pass
CHUNK = 500  # references per lookup in the register
SQLITE_CACHE_KB = 65_536  # SQLite's page cache while an import writes (see _Writer)
# The cells a row's conversion reads, in this order (see `_Fields`).
_KEYS = (
    "received", "requester", "subject", "ref", "clarified", "keep_clock", "email", "address",
    "kind", "accommodation", "channel", "clerk", "extended_on", "decided_on", "outcome",
    "articles",
)  # fmt: skip


class _Fields:
    """The cells of `_KEYS` in a row, '' for a column the file does not have."""

    def __init__(self, index: dict[str, int], width: int) -> None:
        self._pick = itemgetter(*(index.get(key, width) for key in _KEYS))

    def __call__(self, row: tuple[str, ...]) -> tuple[str, ...]:
        return self._pick((*row, ""))  # type: ignore[no-any-return]


@dataclass
class _Plan:
    """What the first pass learned that the second needs."""

    count: int = 0
    # The references the file gives (after the first pass: those the numbering could give)
    given: set[str] = field(default_factory=set)
    missing: bool = False  # some rows have none: the register numbers them
    highest: str | None = None  # the highest all-digit reference given (first of equals)


def _check(register: Recorder, table: StreamedTable, fields: _Fields) -> _Plan:
    """The first pass: every row checked as `request new` checks one, each reference once in
    the file and not in the register; the first problem in file order, with its place."""
    plan = _Plan()
    given = plan.given
    highest = -1
    with register.engine.connect() as conn:
        empty = conn.execute(select(Request.id).limit(1)).first() is None
        conn.rollback()
        clash: str | None = None
        waiting: list[str] = []
        check = _Checker(register)
        with closing(table.rows()) as rows:
            for number, row in rows:
                try:
                    ref = check(fields(row))
                except AtipError as exc:
                    raise type(exc)(
                        _("{file}, {place}: {message}").format(
                            file=table.name, place=table.place(number), message=exc.message
                        )
                    ) from None
                plan.count += 1
                if not ref:
                    plan.missing = True
                    continue
                if ref in given:
                    raise RefusedError(
                        _("{file}, {place}: reference {reference!r} already on {other}").format(
                            file=table.name,
                            place=table.place(number),
                            reference=ref,
                            other=_first_place(table, fields, ref),
                        )
                    )
                given.add(ref)
                if ref.isdigit() and int(ref) > highest:
                    highest, plan.highest = int(ref), ref
                if not empty and clash is None:
                    waiting.append(ref)
                    if len(waiting) == CHUNK:
                        clash = _taken(conn, waiting)
                        waiting.clear()
        if clash is None and waiting:
            clash = _taken(conn, waiting)
    if clash is not None:
        raise RefusedError(
            _("{file}: reference {reference!r} already exists").format(
                file=table.name, reference=clash
            )
        )
    if not plan.count:
        raise InputError(_("{file}: no rows to import").format(file=table.name))
    # The second pass needs only the references the numbering could hand out again.
    if plan.missing:
        form = parse_reference_format(register.settings.reference_format).pattern()
        plan.given = {ref for ref in given if form.fullmatch(ref)}
    else:
        plan.given = set()
    del given
    return plan


def _taken(conn: Connection, refs: list[str]) -> str | None:
    """The first of `refs` the register already has (a read: no lock held after it)."""
    query = select(Request.reference).where(col(Request.reference).in_(refs))
    found = set(conn.execute(query).scalars())
    conn.rollback()
    return next((ref for ref in refs if ref in found), None)


def _first_place(table: StreamedTable, fields: _Fields, ref: str) -> str:
    """Where the file first gives `ref` (only when it gives it twice: a pass over the file
    is cheaper than the place of every row kept)."""
    with closing(table.rows(checking=False)) as rows:
        for number, row in rows:
            if fields(row)[3] == ref:
                return table.place(number)
    raise AssertionError(f"{ref!r} is in the file")  # the first pass saw it


# The characters a one-line field refuses beyond what every cell refuses (tables._checked).
_ONE_LINE_ONLY = re.compile("[\t\n\u2028\u2029]")
_ARTICLES = re.compile(r"\d{1,3}(\.\d{1,2})?(,\d{1,3}(\.\d{1,2})?)*")
_LIMITS = {
    field: FIELDS[field][0] for field in ("name", "subject", "channel", "clerk", "address", "email")
}


class _Checker:
    """One row's cells checked as `request new` checks its options; its reference, or ''.

    A quick check first accepts the rows it can prove good without building any message;
    any other row is checked again by `precise`, which finds its first problem and says it
    (or accepts it: the quick check may doubt a good row, never pass a bad one)."""

    def __init__(self, register: Recorder) -> None:
        self.rules = register.rules
        self.today = register.today
        self.not_after_today = register.not_after_today

    def __call__(self, cells: tuple[str, ...]) -> str:
        ref = self.quick(cells)
        return self.precise(cells) if ref is None else ref

    def quick(self, cells: tuple[str, ...]) -> str | None:
        """The row's reference ('' for none) when every check passes, else None. The row's
        cells were checked by the input policy of every cell (`tables._checked`): what is
        left are the limits and the one-line rule of each field, and the values."""
        (received_text, name, subject, ref, clarified, keep_clock, email, address, kind,
         accommodation, channel, clerk, extended_on, decided_on, outcome,
         articles) = cells  # fmt: skip
        limits = _LIMITS
        if (
            not name
            or not subject
            or len(name) > limits["name"]
            or len(subject) > limits["subject"]
            or len(channel) > limits["channel"]
            or len(clerk) > limits["clerk"]
            or len(address) > limits["address"]
            or _ONE_LINE_ONLY.search(name + channel + clerk)
            or (ref and not REFERENCE_FORM.match(ref))
            or (email and (len(email) > limits["email"] or not EMAIL_FORM.match(email)))
            or (articles and not _ARTICLES.fullmatch(articles))
            or keep_clock.lower() not in _YES
            or accommodation.lower() not in _YES
        ):
            return None
        kind_code = code_of("kind", kind) if kind else "documents"
        if kind_code is None or (outcome and code_of("outcome", outcome) is None):
            return None
        try:
            received = _parse_date(received_text)
            decided = _parse_date(decided_on) if decided_on else None
            facts = deadlines.Facts(
                received_on=received,
                clarified_on=_parse_date(clarified) if clarified else None,
                keep_clock=_YES[keep_clock.lower()],
                extended_on=_parse_date(extended_on) if extended_on else None,
                decided_on=decided,
                kind=kind_code,
            )
        except InputError:
            return None
        if outcome and decided is None:
            return None
        today = self.today
        if (
            received > today
            or (facts.clarified_on is not None and facts.clarified_on > today)
            or (facts.extended_on is not None and facts.extended_on > today)
            or (decided is not None and decided > today)
        ):
            return None
        try:
            check_new_facts(facts, self.rules)
        except AtipError:
            return None
        return ref

    def precise(self, cells: tuple[str, ...]) -> str:
        """The row checked in the order `request new` checks its options: its first problem
        raised, said without the cell's content."""
        (received_text, name, subject, ref, clarified, keep_clock, email, address, kind,
         accommodation, channel, clerk, extended_on, decided_on, outcome,
         articles) = cells  # fmt: skip
        received = _day("received", received_text)
        if received is None:
            raise InputError(_("received is empty"))
        _text("requester", name, "name")
        _text("subject", subject, "subject")
        if not name or not subject:
            raise InputError(_("requester and subject must not be empty"))
        kind = _cell("kind", "kind", lambda t: _code("kind", t, check_kind), kind)
        kind = kind or "documents"
        outcome = _cell("outcome", "outcome", lambda t: _code("outcome", t, check_outcome),
                        outcome)  # fmt: skip
        decided = _day("decided_on", decided_on)
        if outcome and decided is None:
            raise InputError(_("an outcome needs decided_on"))
        facts = deadlines.Facts(
            received_on=received,
            clarified_on=_day("clarified", clarified),
            keep_clock=_bool(keep_clock, "keep_clock"),
            extended_on=_day("extended_on", extended_on),
            decided_on=decided,
            kind=kind,
        )
        today = self.today
        for name_, value in (
            ("received_on", received),
            ("clarified_on", facts.clarified_on),
            ("extended_on", facts.extended_on),
            ("decided_on", decided),
        ):
            if value is not None and value > today:
                self.not_after_today(name_, value)
        check_new_facts(facts, self.rules)
        if ref:
            ref = _cell("ref", "ref", check_reference, ref)
        _text("channel", channel, "channel")
        _text("clerk", clerk, "clerk")
        _bool(accommodation, "accommodation")
        _text("address", address, "address")
        _cell("email", "email", check_email, email)
        _cell("articles", "articles", split_articles, articles)
        return ref


def _day(key: str, text: str) -> date | None:
    return _cell(key, "date", _parse_date, text) if text else None


_REQUEST_KEYS = (
    "id", "reference", "kind", "subject", "channel", "clerk", "accommodation", "received_on",
    "clarified_on", "keep_clock", "extended_on", "decided_on", "outcome", "created_at",
    *COMPUTED,
)  # fmt: skip
_REFERENCE, _RECEIVED = 1, 7
_REQUESTER_KEYS = ("request_id", "name", "address", "email")
_DECISION_KEYS = ("request_id", "decided_on", "outcome", "articles", "own_articles")
_EVENT_KEYS = ("request_id", "at", "actor", "action", "field", "old", "new")
_dates_of = attrgetter(*COMPUTED)
_YES = dict.fromkeys(TRUE, True) | dict.fromkeys(FALSE, False)


def _convert(
    cells: tuple[str, ...], rules: deadlines.Rules, now: datetime
) -> tuple[list[Any], tuple[Any, ...], tuple[Any, ...] | None]:
    """A checked row as it is stored: the request (its id still to give, and its reference
    when the file has none), the requester and the decision (without the request id)."""
    (received_text, name, subject, ref, clarified, keep_clock, email, address, kind,
     accommodation, channel, clerk, extended_on, decided_on, outcome, articles) = cells  # fmt: skip
    received = _parse_date(received_text)
    decided = _parse_date(decided_on) if decided_on else None
    kind_code = code_of("kind", kind) if kind else "documents"
    outcome_code = code_of("outcome", outcome) if outcome else None
    if decided is not None and outcome_code is None:
        outcome_code = "granted"
    facts = deadlines.Facts(
        received_on=received,
        clarified_on=_parse_date(clarified) if clarified else None,
        keep_clock=_YES[keep_clock.lower()],
        extended_on=_parse_date(extended_on) if extended_on else None,
        decided_on=decided,
        kind=kind_code or "documents",
    )
    dates = deadlines.compute(facts, rules, explaining=False)
    request = [
        None, ref or None, facts.kind, subject, channel or None, clerk or None,
        _YES[accommodation.lower()], received, facts.clarified_on, facts.keep_clock,
        facts.extended_on, decided, outcome_code, now, *_dates_of(dates),
    ]  # fmt: skip
    decision = None
    if decided is not None:
        cited = ",".join(split_articles(articles))
        decision = (decided, outcome_code, cited, cited)  # the file's articles: the clerk's own
    return request, (name, address or None, email or None), decision


def _write(register: Recorder, table: StreamedTable, fields: _Fields, plan: _Plan) -> None:
    """The second pass: the rows converted again and written in batches, in one transaction."""
    # Raised by SQLAlchemy, or by the driver itself during PostgreSQL's COPY.
    unique = (IntegrityError, register.engine.dialect.loaded_dbapi.IntegrityError)
    rules = register.rules
    now = datetime.now(UTC)
    try:
        with db.transaction(register.engine) as session:
            writer = _Writer(register, session, table.name, plan)
            batch: list[tuple[list[Any], tuple[Any, ...], tuple[Any, ...] | None]] = []
            with closing(table.rows(checking=False)) as rows:
                for _line, row in rows:
                    try:
                        batch.append(_convert(fields(row), rules, now))
                    except Exception:
                        table.check_unchanged()  # the file changed since it was checked?
                        raise
                    if len(batch) == BATCH:
                        writer.write(batch)
                        batch.clear()
            writer.write(batch)
            writer.finish()
    except unique:
        # PostgreSQL: another clerk took one of these references after the check above.
        raise RefusedError(
            _(
                "{file}: a reference of this file was taken by another clerk meanwhile; "
                "nothing was imported"
            ).format(file=table.name)
        ) from None


class _Writer:
    """Writes converted rows batch by batch, in the caller's transaction: references given
    to the rows without one (as `request new` would have, row after row), ids, then the
    requests, their requesters, decisions and journal events."""

    def __init__(self, register: Recorder, session: Any, name: str, plan: _Plan) -> None:
        self.session = session
        self.conn: Connection = session.connection()
        self.plan = plan
        self.format = register.settings.reference_format
        self.journal = (datetime.now(UTC), register.actor, "imported", "requester", None,
                        f"{name} {PERSONAL}")  # fmt: skip
        # Explicit numbers raise the counter in file order: then number row by row. Raising
        # it once to the highest of a run of explicit numbers does what one raise per row did.
        self.row_by_row = plan.missing and plan.highest is not None and self.format == "{seq}"
        self.pending: str | None = None  # the highest explicit number not followed yet
        if plan.highest is not None and not self.row_by_row:
            references.follow(session, self.format, plan.highest)
        self.postgres = self.conn.dialect.name == "postgresql"
        if not self.postgres:  # SQLite: ours is the only write; ids go on from the last one
            self.last = self.conn.execute(select(func.max(Request.id))).scalar() or 0
            # Six indexes on `requests` take each batch's rows at random places: with the
            # default 2 MB of page cache, SQLite writes and reads back the same pages again
            # and again (a second per 100,000 rows). For this write only: 64 MB.
            self.cache = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
            self.conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
        self.requests = _Inserter(self.conn, Request, _REQUEST_KEYS)
        self.requesters = _Inserter(self.conn, Requester, _REQUESTER_KEYS)
        self.decisions = _Inserter(self.conn, Decision, _DECISION_KEYS)
        self.events = _Inserter(self.conn, Event, _EVENT_KEYS)

    def write(self, batch: list[tuple[list[Any], tuple[Any, ...], tuple[Any, ...] | None]]) -> None:
        if not batch:
            return
        requests = [request for request, _person, _decision in batch]
        self._number(requests)
        for request, i in zip(requests, self._ids(len(batch)), strict=True):
            request[0] = i
        self.requests.insert(requests)
        self.requesters.insert([(r[0], *person) for r, person, _d in batch])
        decided = [(r[0], *decision) for r, _p, decision in batch if decision is not None]
        self.decisions.insert(decided)
        journal = self.journal
        self.events.insert([(r[0], *journal) for r in requests])

    def finish(self) -> None:
        if self.pending is not None:
            references.follow(self.session, self.format, self.pending)
        if not self.postgres:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(self.cache)}")

    def _ids(self, count: int) -> list[int]:
        if self.postgres:
            rows = self.conn.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('requests', 'id')) "
                f"FROM generate_series(1, {int(count)})"
            )
            return sorted(int(i) for (i,) in rows)
        first = self.last + 1
        self.last += count
        return list(range(first, first + count))

    def _number(self, requests: list[list[Any]]) -> None:
        session, fmt = self.session, self.format
        if self.row_by_row:
            for request in requests:
                ref = request[_REFERENCE]
                if ref is None:
                    if self.pending is not None:
                        references.follow(session, fmt, self.pending)
                        self.pending = None
                    request[_REFERENCE] = references.allocate(session, fmt, request[_RECEIVED])
                elif ref.isdigit() and (self.pending is None or int(ref) > int(self.pending)):
                    self.pending = ref
            return
        missing = [request for request in requests if request[_REFERENCE] is None]
        if missing:
            received = [request[_RECEIVED] for request in missing]
            refs = references.allocate_many(session, fmt, received, self.plan.given)
            for request, ref in zip(missing, refs, strict=True):
                request[_REFERENCE] = ref


class _Memo(dict[Any, Any]):
    """A column type's bind processor, computed once per value (dates, booleans: a few
    thousand values among millions of cells)."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.process = process

    def __missing__(self, value: Any) -> Any:
        if len(self) > 100_000:
            self.clear()
            self[None] = None
        out = self[value] = self.process(value)
        return out


class _Inserter:
    """One driver-level executemany (COPY on PostgreSQL) per batch of rows given as tuples
    in the order of `keys`; each value still goes through its column type's processor.

    Not the ORM's bulk insert: it groups rows by which columns are NULL and splices the
    RETURNING rows of every group; and SQLAlchemy's own executemany spends seconds per
    100,000 rows building parameters."""

    def __init__(self, conn: Connection, model: Any, keys: tuple[str, ...]) -> None:
        self.conn = conn
        table = model.__table__
        dialect = conn.dialect
        # Columns left out take their scalar default, as SQLAlchemy's insert would give them.
        self.defaults: list[Any] = []
        names = list(keys)
        for column in table.columns:
            if column.key in keys or column.default is None or not column.default.is_scalar:
                continue
            value = column.default.arg
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            names.append(column.key)
            self.defaults.append(process(value) if process and value is not None else value)
        self.processors: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(keys):
            column_type = table.c[name].type
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is None:
                continue
            if isinstance(getattr(column_type, "impl", column_type), Date | DateTime | Boolean):
                process = _Memo(process).__getitem__
            else:
                process = _nullable(process)
            self.processors.append((i, process))
        self.postgres = dialect.name == "postgresql"
        if self.postgres:
            # COPY is PostgreSQL's bulk path: several times faster than an executemany.
            quoted = ", ".join(f'"{name}"' for name in names)
            self.sql = f'COPY "{table.name}" ({quoted}) FROM STDIN'
            return
        statement = insert(table).values({name: bindparam(name) for name in names})
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        order = list(compiled.positiontup or []) if compiled.positional else names
        self.order = [names.index(name) for name in order]
        self.positional = compiled.positional
        self.names = names

    def insert(self, rows: list[Any]) -> None:
        if not rows:
            return
        columns: list[Any] = list(zip(*rows, strict=True))
        for i, process in self.processors:
            columns[i] = list(map(process, columns[i]))
        columns.extend(repeat(value, len(rows)) for value in self.defaults)
        if self.postgres:
            cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(self.sql) as copy:
                for values in zip(*columns, strict=True):
                    copy.write_row(values)
            return
        ordered = [columns[i] for i in self.order]
        if self.positional:
            self.conn.exec_driver_sql(self.sql, list(zip(*ordered, strict=True)))
        else:
            params = [dict(zip(self.names, v, strict=True)) for v in zip(*columns, strict=True)]
            self.conn.exec_driver_sql(self.sql, params)


def _nullable(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else process(value)
