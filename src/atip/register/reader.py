"""Every read of the register: one request, lists, the journal, annexes, counts."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from atip.errors import NotFoundError
from atip.i18n import _, day
from atip.law import deadlines
from atip.law.status import status_of
from atip.register import sql
from atip.register.facts import COMPUTED, DATED_FACTS, facts_of, rules_of
from atip.register.settings import Settings
from atip.register.sql import Connection, columns, placeholders
from atip.vocabulary import GIVES_ACCESS, fold

RequestView = dict[str, Any]
# Journal actions after which a letter already issued may show what is no longer true.
AMENDING = ("corrected", "cancelled", "revised")


class Reader:
    """The reads of one workspace's register, through the read layer (`atip.register.sql`)."""

    def __init__(self, database_url: str, settings: Settings) -> None:
        self.database_url = database_url
        self.settings = settings
        self.rules = rules_of(settings)

    @classmethod
    def open(cls, settings: Settings, prepare: Callable[[], object]) -> Reader:
        """The reader of a workspace; `prepare` first (the ORM's path: a schema upgrade, a
        recompute after a rule change) when the database is not in step with atip.toml."""
        reader = cls(settings.database_url, settings)
        with reader.connect() as conn:
            ready = sql.in_step(conn, reader.rules)
        if not ready:
            prepare()
        return reader

    def connect(self) -> Any:
        """A read connection (a context manager giving an `atip.register.sql.Connection`)."""
        return sql.connect(self.database_url)

    def require(self, reference: str) -> None:
        """NotFoundError unless the reference exists."""
        with self.connect() as conn:
            request_by_reference(conn, reference)

    def show(self, reference: str, as_of: date, *, journal: bool = False) -> RequestView:
        """Everything about one request, as `request show --json` prints it (`journal`: with
        its journal, read in the same transaction)."""
        with self.connect() as conn:
            stored = request_by_reference(conn, reference)
            if stored.received_on > as_of:
                raise NotFoundError(
                    _("request {reference} was received on {received}, after {day}").format(
                        reference=reference, received=day(stored.received_on), day=day(as_of)
                    )
                )
            history = AsOf(as_of, self.rules)
            parties = _parties_of(conn, [stored.id]).get(stored.id, [])
            if history.changes(stored):
                history.parties = {stored.id: parties}
                history.revisions = _revisions(conn, [stored.id])
            req: Any = history.request(stored)
            requester = conn.first(
                f"SELECT {columns('requesters')} FROM requesters WHERE request_id = :id", id=req.id
            )
            decision = None
            if req.decided_on is not None:
                decision = conn.first(
                    f"SELECT {columns('decisions')} FROM decisions WHERE request_id = :id",
                    id=req.id,
                )
            fees = conn.first(
                f"SELECT {columns('fees')} FROM fees WHERE request_id = :id", id=req.id
            )
            view = self.view(req, as_of, explain=True)
            view["requester"] = _requester_view(requester)
            view["articles"] = (
                decision.articles.split(",") if decision and decision.articles else []
            )
            view["links"] = json.loads(decision.links) if decision else []
            view["notes"] = _notes(conn, req.id)  # notes: what was said, not facts
            view["third_parties"] = self._third_parties(req, history.known_parties(parties))
            view["fees"] = _fees(history.fees(fees))
            view["letters_to_reissue"] = letters_to_reissue(conn, req)
            if journal:
                view["journal"] = _journal(conn, req.id)
            return view

    def view(self, req: Any, as_of: date, *, explain: bool = False) -> RequestView:
        """The JSON object of one request."""
        status = status_of(req, as_of)
        left = (req.decision_due - as_of).days
        view: RequestView = {
            "reference": req.reference,
            "status": status,
            "kind": req.kind,
            "subject": req.subject,
            "received_on": _iso(req.received_on),
            "clarified_on": _iso(req.clarified_on),
            "clock_starts_on": _iso(req.clock_starts_on),
            "response_due": _iso(req.response_due),
            "extended": req.extended_on is not None,
            "extended_on": _iso(req.extended_on),
            "extended_due": _iso(req.extended_due) if req.extended_on else None,
            "third_party_notified_on": _iso(req.third_party_notified_on),
            "observations_due": _iso(req.observations_due),
            "observations_on": _iso(req.observations_on),
            "third_party_due": _iso(req.third_party_due),
            "decision_due": _iso(req.decision_due),
            "decided_on": _iso(req.decided_on),
            "outcome": req.outcome,
            "executory_on": _iso(req.executory_on) if req.outcome in GIVES_ACCESS else None,
            "review_deadline": _iso(req.review_deadline),
            "review_filed_on": _iso(req.review_filed_on),
            # No time limit runs for a withdrawn request or a void entry.
            "days_left": None if status in ("withdrawn", "void") else left,
            "deemed_refusal": status == "overdue",
            "accommodation": req.accommodation,
            "channel": req.channel,
            "clerk": req.clerk,
            "withdrawn_on": _iso(req.withdrawn_on),
            "void_reason": req.void_reason,
        }
        if explain:
            view["explain"] = list(deadlines.compute(facts_of(req), self.rules).explain)
        return view

    def requests(
        self,
        as_of: date,
        *,
        open_only: bool = False,
        overdue: bool = False,
        due_within: int | None = None,
        status: str | None = None,
        kind: str | None = None,
        clerk: str | None = None,
        search: str | None = None,
        in_review: bool = False,
    ) -> list[RequestView]:
        """Requests as JSON objects: late first, then by governing date (indexed query).

        A void entry is listed only when `status` asks for void ones; "open" means that a time
        limit still runs: not decided, not withdrawn. `search` finds words of the subject or of
        the requester's name, whatever their case and accents. `in_review`: decided requests
        whose review period (a. 135) still runs, no review filed.
        """
        # The view of the day `as_of`: requests received after it are left out, and facts
        # dated after it (a decision, an extension, a withdrawal…) are ignored (`AsOf`). The
        # query selects on the stored dates, widened to every request with a fact after
        # `as_of`, whose dates are computed again here and the filters applied again.
        params: dict[str, Any] = {"as_of": as_of}
        with self.connect() as conn:
            # one pass over the table (CASE, not WHERE: no index lookup per row)
            latest = conn.all(
                "SELECT "
                + ", ".join(
                    f"MAX(CASE WHEN received_on <= :as_of THEN {name} END) AS {name}"
                    for name in DATED_FACTS
                )
                + " FROM requests",
                **params,
            )[0]
            # a fact after the day (seldom: atip refuses events after today): widen the query
            later = any(
                getattr(latest, name) is not None and getattr(latest, name) > as_of
                for name in DATED_FACTS
            )
            widen = " OR ".join(f"{name} > :as_of" for name in DATED_FACTS) if later else ""
            where = ["received_on <= :as_of"]
            where.append("voided_on IS NOT NULL" if status == "void" else "voided_on IS NULL")
            running = open_only or overdue or due_within is not None
            horizon = date.fromordinal(as_of.toordinal() + (due_within or 0))
            params["horizon"] = horizon
            if running:
                stored = ["decided_on IS NULL", "withdrawn_on IS NULL"]
                if overdue and due_within is not None:
                    stored.append("decision_due <= :horizon")
                elif overdue:
                    stored.append("decision_due < :as_of")
                elif due_within is not None:
                    stored += ["decision_due >= :as_of", "decision_due <= :horizon"]
                where.append(_either(" AND ".join(stored), widen))
            if in_review:
                reviewing = (
                    "decided_on IS NOT NULL AND review_filed_on IS NULL AND withdrawn_on IS NULL"
                    " AND review_deadline >= :as_of"
                )
                where.append(_either(reviewing, widen))
            if kind is not None:
                where.append("kind = :kind")
                params["kind"] = kind
            if clerk is not None:
                where.append("LOWER(clerk) = :clerk")
                params["clerk"] = clerk.strip().lower()
            # running time limits first (late first, then due soonest), ended files after them
            query = (
                f"SELECT {columns('requests')} FROM requests WHERE {' AND '.join(where)}"
                " ORDER BY (decided_on IS NOT NULL OR withdrawn_on IS NOT NULL),"
                " decision_due, reference"
            )
            history = AsOf(as_of, self.rules)
            rows: list[Any] = conn.all(query, **params)
            changed = [row.id for row in rows if history.changes(row)]
            if changed:
                history.parties = _parties_of(conn, changed)
                history.revisions = _revisions(conn, changed)
                rows = [history.request(row) for row in rows]
            if search:
                rows = _matching(conn, rows, search)
        if changed:
            rows = _as_of_filter(rows, as_of, running, overdue, due_within, horizon, in_review)
        views = [self.view(req, as_of) for req in rows]
        if status is not None and status != "void":
            views = [v for v in views if v["status"] == status]
        return views

    def journal(self, reference: str) -> list[dict[str, str | None]]:
        """The events of one request, oldest first."""
        with self.connect() as conn:
            return _journal(conn, request_by_reference(conn, reference).id)

    def annexes(self, reference: str) -> list[Any]:
        """The data sections of a request, in order (`atip.register.annexes.Section`)."""
        from atip.register.annexes import Section

        with self.connect() as conn:
            req = request_by_reference(conn, reference)
            rows = conn.all(
                "SELECT section FROM annexes WHERE request_id = :id ORDER BY position", id=req.id
            )
        return [Section.from_json(row.section) for row in rows]

    def count(self) -> int:
        """How many requests the register holds."""
        with self.connect() as conn:
            return int(conn.tuples("SELECT COUNT(id) FROM requests")[0][0])

    def _third_parties(self, req: Any, parties: list[Any]) -> list[dict[str, Any]]:
        out = []
        for party in parties:
            own = deadlines.compute(
                deadlines.Facts(
                    received_on=req.received_on,
                    clarified_on=req.clarified_on,
                    keep_clock=req.keep_clock,
                    third_party_notified_on=party.notified_on,
                    observations_on=party.observations_on,
                    kind=req.kind,
                ),
                self.rules,
            )
            out.append(
                {
                    "name": party.name,
                    "address": party.address,
                    "email": party.email,
                    "notified_on": _iso(party.notified_on),
                    "observations_due": _iso(own.observations_due),
                    "observations_on": _iso(party.observations_on),
                    "third_party_due": _iso(own.third_party_due),
                }
            )
        return out


@dataclass
class AsOf:
    """A request as it stood at the end of the day `as_of`.

    Each fact is a date; those after `as_of` are dropped, and the dates are computed again from
    what remains (`atip.law.deadlines.compute`), so statuses and days left are those of that day.
    A correction or a cancellation is taken as the truth about the past (it fixed what was
    recorded in error), so the view shows the corrected facts. A decision revised after
    `as_of` (`decide --revise`) shows the decision in force that day, read from the journal.
    A void entry stays void whatever the day: it was never a request.
    """

    as_of: date
    rules: deadlines.Rules
    parties: dict[Any, list[Any]] | None = None
    revisions: dict[Any, list[tuple[str, str | None, str | None]]] | None = None

    def changes(self, req: Any) -> bool:
        """Whether a fact of `req` is dated after the day."""
        as_of = self.as_of
        for name in DATED_FACTS:
            value = getattr(req, name)
            if value is not None and value > as_of:
                return True
        return False

    def known_parties(self, parties: list[Any]) -> list[Any]:
        """The third parties notified by the day, without observations presented after it."""
        out = []
        for party in parties:
            if party.notified_on > self.as_of:
                continue
            if party.observations_on is not None and party.observations_on > self.as_of:
                party = SimpleNamespace(**{**_fields(party), "observations_on": None})
            out.append(party)
        return out

    def fees(self, fees: Any) -> Any:
        """The fees as they stood: no estimate sent after the day, no payment after it."""
        if fees is None or (fees.estimated_on is not None and fees.estimated_on > self.as_of):
            return None
        if fees.paid_on is not None and fees.paid_on > self.as_of:
            return SimpleNamespace(**{**_fields(fees), "paid_on": None})
        return fees

    def request(self, req: Any) -> Any:
        """`req` itself when nothing happened after the day, else its facts of that day."""
        if not self.changes(req):
            return req
        as_of = self.as_of
        values = _fields(req)
        for name in DATED_FACTS:
            if values[name] is not None and values[name] > as_of:
                values[name] = None
        if values["decided_on"] is None:
            values["outcome"] = None
            for decided_on, outcome in self._earlier_decisions(req):
                if decided_on <= as_of:
                    values["decided_on"], values["outcome"] = decided_on, outcome
                    break
        parties = self.known_parties((self.parties or {}).get(req.id, []))
        notified, observed = values["third_party_notified_on"], values["observations_on"]
        base = deadlines.Facts(
            received_on=values["received_on"],
            clarified_on=values["clarified_on"],
            keep_clock=bool(values["keep_clock"]),
            extended_on=values["extended_on"],
            decided_on=values["decided_on"],
            kind=values["kind"],
        )
        if parties:  # the third party whose a. 49 period ends last governs, as when recorded
            notified, observed = deadlines.governing_third_party(
                base, [(p.notified_on, p.observations_on) for p in parties], self.rules
            )
        values["third_party_notified_on"], values["observations_on"] = notified, observed
        dates = deadlines.compute(_with(base, notified, observed), self.rules, explaining=False)
        for name in COMPUTED:
            values[name] = getattr(dates, name)
        return SimpleNamespace(**values)

    def _earlier_decisions(self, req: Any) -> list[tuple[date, str | None]]:
        """The decisions a revision replaced, latest first: (decided_on, outcome).

        A revision journals its changed fields, the decision date last; walking the journal
        backwards and undoing each change gives each earlier decision in turn."""
        groups: list[list[tuple[str, str | None, str | None]]] = []
        current: list[tuple[str, str | None, str | None]] = []
        for change in (self.revisions or {}).get(req.id, []):
            current.append(change)
            if change[0] == "decided_on":
                groups.append(current)
                current = []
        decided_on, outcome = req.decided_on, req.outcome
        for field_name, old, _new in reversed(current):
            if field_name == "outcome":
                outcome = old
        out: list[tuple[date, str | None]] = []
        for group in reversed(groups):
            for field_name, old, _new in reversed(group):
                if field_name == "outcome":
                    outcome = old
                elif old:
                    decided_on = date.fromisoformat(old)
            if decided_on is not None:
                out.append((decided_on, outcome))
        return out


def _with(base: deadlines.Facts, notified: date | None, observed: date | None) -> deadlines.Facts:
    from dataclasses import replace

    return replace(base, third_party_notified_on=notified, observations_on=observed)


def _fields(obj: Any) -> dict[str, Any]:
    """The columns of a row of the read layer or of an ORM object, as a dict."""
    if isinstance(obj, SimpleNamespace):
        return dict(vars(obj))
    return {name: getattr(obj, name) for name in type(obj).model_fields}


def _either(stored: str, widen: str) -> str:
    """`stored`, or any request with a fact after the day when `widen` is set."""
    return f"(({stored}) OR {widen})" if widen else f"({stored})"


def request_by_reference(conn: Connection, reference: str) -> Any:
    """The request with this reference, or NotFoundError."""
    req = conn.first(
        f"SELECT {columns('requests')} FROM requests WHERE reference = :reference",
        reference=reference,
    )
    if req is None:
        raise NotFoundError(_("unknown reference {reference!r}").format(reference=reference))
    return req


def _parties_of(conn: Connection, ids: list[Any]) -> dict[Any, list[Any]]:
    """The third parties of these requests, in their recorded order."""
    parties: dict[Any, list[Any]] = {}
    for start in range(0, len(ids), 500):
        listed, params = placeholders("id", ids[start : start + 500])
        query = (
            f"SELECT {columns('third_parties')} FROM third_parties"
            f" WHERE request_id IN ({listed}) ORDER BY request_id, position"
        )
        for party in conn.all(query, **params):
            parties.setdefault(party.request_id, []).append(party)
    return parties


def _revisions(
    conn: Connection, ids: list[Any]
) -> dict[Any, list[tuple[str, str | None, str | None]]]:
    """The journaled changes of decision date and outcome by a revision, oldest first."""
    out: dict[Any, list[tuple[str, str | None, str | None]]] = {}
    for start in range(0, len(ids), 500):
        listed, params = placeholders("id", ids[start : start + 500])
        query = (
            "SELECT request_id, field, old, new FROM events"
            f" WHERE request_id IN ({listed}) AND action = 'revised'"
            " AND field IN ('decided_on', 'outcome') ORDER BY id"
        )
        for request_id, field_name, old, new in conn.tuples(query, **params):
            out.setdefault(request_id, []).append((field_name or "", old, new))
    return out


def _as_of_filter(
    rows: list[Any],
    as_of: date,
    running: bool,
    overdue: bool,
    due_within: int | None,
    horizon: date,
    in_review: bool,
) -> list[Any]:
    """The filters of `Reader.requests` on the dates of the day, in the list's order."""

    def keep(req: Any) -> bool:
        if running:
            if req.decided_on is not None or req.withdrawn_on is not None:
                return False
            if overdue and due_within is not None:
                return bool(req.decision_due <= horizon)
            if overdue:
                return bool(req.decision_due < as_of)
            if due_within is not None:
                return bool(as_of <= req.decision_due <= horizon)
        if in_review:
            return (
                req.decided_on is not None
                and req.review_filed_on is None
                and req.withdrawn_on is None
                and req.review_deadline >= as_of
            )
        return True

    kept = [req for req in rows if keep(req)]
    kept.sort(
        key=lambda r: (
            r.decided_on is not None or r.withdrawn_on is not None,
            r.decision_due,
            r.reference,
        )
    )
    return kept


def letters_to_reissue(conn: Connection, req: Any) -> list[str]:
    """The kinds of letter issued before a correction, cancellation or revision of the file,
    and not issued again since: each may show a value that is no longer true."""
    listed, params = placeholders("action", AMENDING)
    last_change = conn.first(
        f"SELECT MAX(at) AS at FROM events WHERE request_id = :id AND action IN ({listed})",
        id=req.id,
        **params,
    ).at
    if last_change is None:
        return []
    issued = conn.all(
        "SELECT kind, MAX(issued_at) AS issued_at FROM letters"
        " WHERE request_id = :id AND published = :published GROUP BY kind",
        id=req.id,
        published=False,
    )
    still = {"acknowledgement": True, "extension": req.extended_on is not None}
    return sorted(
        row.kind
        for row in issued
        if row.issued_at is not None
        and _naive(row.issued_at) < _naive(last_change)
        and still.get(row.kind, True)
    )


def _naive(moment: Any) -> Any:
    # SQLite gives back naive UTC timestamps, PostgreSQL aware ones.
    return moment.replace(tzinfo=None) if getattr(moment, "tzinfo", None) else moment


def _matching(conn: Connection, rows: Sequence[Any], search: str) -> list[Any]:
    """The rows whose subject or requester's name holds every word of `search`."""
    words = [word for word in fold(search).split("-") if word]
    if len(rows) <= 500:  # a short list: its own names; else every name, in one pass
        listed, params = placeholders("id", [row.id for row in rows])
        query = f"SELECT request_id, name FROM requesters WHERE request_id IN ({listed or 'NULL'})"
    else:
        query, params = "SELECT request_id, name FROM requesters", {}
    names = dict(conn.tuples(query, **params))
    return [
        row
        for row in rows
        if all(word in fold(f"{row.subject} {names.get(row.id) or ''}") for word in words)
    ]


def _journal(conn: Connection, request_id: int) -> list[dict[str, str | None]]:
    events = conn.all(
        f"SELECT {columns('events')} FROM events WHERE request_id = :id ORDER BY id",
        id=request_id,
    )
    return [
        {
            "at": e.at.isoformat(timespec="seconds"),
            "actor": e.actor,
            "action": e.action,
            "field": e.field,
            "old": e.old,
            "new": e.new,
            "why": e.why,
        }
        for e in events
    ]


def _notes(conn: Connection, request_id: int | None) -> list[dict[str, str | None]]:
    events = conn.all(
        "SELECT at, actor, new FROM events WHERE request_id = :id AND action = 'note' ORDER BY id",
        id=request_id,
    )
    return [
        {"at": e.at.isoformat(timespec="seconds"), "actor": e.actor, "text": e.new} for e in events
    ]


def _fees(fees: Any) -> dict[str, Any] | None:
    if fees is None:
        return None
    return {
        "estimate": None if fees.estimate is None else f"{fees.estimate:.2f}",
        "estimated_on": _iso(fees.estimated_on),
        "paid_on": _iso(fees.paid_on),
        "waived": fees.waived,
    }


def _requester_view(requester: Any) -> dict[str, str | None]:
    if requester is None:
        return {"name": None, "address": None, "email": None, "courtesy": None}
    return {
        "name": requester.name,
        "address": requester.address,
        "email": requester.email,
        "courtesy": requester.courtesy,
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
