"""Every read of the register: one request, lists, the journal, annexes, counts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, or_
from sqlmodel import Session, col, select

from atip.law import deadlines
from atip.law.status import status_of
from atip.register.annexes import Section
from atip.register.facts import facts_of, rules_of, third_parties_of
from atip.register.models import Decision, Event, Fees, IssuedLetter, Request, Requester
from atip.register.recorder import annex_rows, decision_articles
from atip.register.references import request_by_reference
from atip.register.settings import Settings
from atip.vocabulary import GIVES_ACCESS, fold

RequestView = dict[str, Any]
# Journal actions after which a letter already issued may show what is no longer true.
AMENDING = ("corrected", "cancelled", "revised")


class Reader:
    """The reads of one workspace's register."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.rules = rules_of(settings)

    def require(self, reference: str) -> None:
        """NotFoundError unless the reference exists."""
        with Session(self.engine) as session:
            request_by_reference(session, reference)

    def show(self, reference: str, as_of: date) -> RequestView:
        """Everything about one request, as `request show --json` prints it."""
        with Session(self.engine) as session:
            req = request_by_reference(session, reference)
            requester = session.get(Requester, req.id)
            decision = session.get(Decision, req.id)
            view = self.view(req, as_of, explain=True)
            view["requester"] = _requester_view(requester)
            view["articles"] = decision_articles(decision)
            view["links"] = json.loads(decision.links) if decision else []
            view["notes"] = _notes(session, req.id)
            view["third_parties"] = self._third_parties(session, req)
            view["fees"] = _fees(session.get(Fees, req.id))
            view["letters_to_reissue"] = letters_to_reissue(session, req)
            return view

    def view(self, req: Request, as_of: date, *, explain: bool = False) -> RequestView:
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
    ) -> list[RequestView]:
        """Requests as JSON objects: late first, then by governing date (indexed query).

        A void entry is listed only when `status` asks for void ones; "open" means that a time
        limit still runs: not decided, not withdrawn. `search` finds words of the subject or of
        the requester's name, whatever their case and accents.
        """
        query = select(Request)
        if status == "void":
            query = query.where(col(Request.voided_on).is_not(None))
        else:
            query = query.where(col(Request.voided_on).is_(None))
        if open_only or overdue or due_within is not None:
            query = query.where(
                col(Request.decided_on).is_(None), col(Request.withdrawn_on).is_(None)
            )
        if overdue and due_within is not None:
            horizon = date.fromordinal(as_of.toordinal() + due_within)
            query = query.where(Request.decision_due <= horizon)
        elif overdue:
            query = query.where(Request.decision_due < as_of)
        elif due_within is not None:
            horizon = date.fromordinal(as_of.toordinal() + due_within)
            query = query.where(Request.decision_due >= as_of, Request.decision_due <= horizon)
        if kind is not None:
            query = query.where(Request.kind == kind)
        if clerk is not None:
            query = query.where(func.lower(col(Request.clerk)) == clerk.strip().lower())
        # running time limits first (late first, then due soonest), ended files after them
        ended = or_(col(Request.decided_on).is_not(None), col(Request.withdrawn_on).is_not(None))
        query = query.order_by(ended, col(Request.decision_due), Request.reference)
        with Session(self.engine) as session:
            # Plain rows through the Core connection, not ORM objects: a list may hold
            # thousands of requests, and a view reads the same attribute names from either.
            rows = session.connection().execute(query).all()
            if search:
                rows = _matching(session, rows, search)
        views = [self.view(req, as_of) for req in rows]  # type: ignore[arg-type]
        if status is not None and status != "void":
            views = [v for v in views if v["status"] == status]
        return views

    def journal(self, reference: str) -> list[dict[str, str | None]]:
        """The events of one request, oldest first."""
        with Session(self.engine) as session:
            req = request_by_reference(session, reference)
            events = session.exec(
                select(Event).where(Event.request_id == req.id).order_by(col(Event.id))
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

    def annexes(self, reference: str) -> list[Section]:
        """The data sections of a request, in order."""
        with Session(self.engine) as session:
            req = request_by_reference(session, reference)
            assert req.id is not None
            return [Section.from_json(a.section) for a in annex_rows(session, req.id)]

    def count(self) -> int:
        """How many requests the register holds."""
        with Session(self.engine) as session:
            return int(session.exec(select(func.count(col(Request.id)))).one())

    def _third_parties(self, session: Session, req: Request) -> list[dict[str, Any]]:
        out = []
        for party in third_parties_of(session, req.id):
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


def letters_to_reissue(session: Session, req: Request) -> list[str]:
    """The kinds of letter issued before a correction, cancellation or revision of the file,
    and not issued again since: each may show a value that is no longer true."""
    last_change = session.exec(
        select(func.max(col(Event.at))).where(
            Event.request_id == req.id, col(Event.action).in_(AMENDING)
        )
    ).one()
    if last_change is None:
        return []
    issued = session.exec(
        select(IssuedLetter.kind, func.max(col(IssuedLetter.issued_at)))
        .where(IssuedLetter.request_id == req.id, col(IssuedLetter.published).is_(False))
        .group_by(IssuedLetter.kind)
    ).all()
    still = {"acknowledgement": True, "extension": req.extended_on is not None}
    return sorted(
        kind
        for kind, at in issued
        if at is not None and _naive(at) < _naive(last_change) and still.get(kind, True)
    )


def _naive(moment: Any) -> Any:
    # SQLite gives back naive UTC timestamps, PostgreSQL aware ones.
    return moment.replace(tzinfo=None) if getattr(moment, "tzinfo", None) else moment


def _matching(session: Session, rows: Sequence[Any], search: str) -> list[Any]:
    """The rows whose subject or requester's name holds every word of `search`."""
    words = [word for word in fold(search).split("-") if word]
    query = select(Requester.request_id, Requester.name)
    if len(rows) <= 500:  # a short list: its own names; else every name, in one pass
        query = query.where(col(Requester.request_id).in_([row.id for row in rows]))
    names = dict(session.exec(query).all())
    return [
        row
        for row in rows
        if all(word in fold(f"{row.subject} {names.get(row.id) or ''}") for word in words)
    ]


def _notes(session: Session, request_id: int | None) -> list[dict[str, str | None]]:
    events = session.exec(
        select(Event)
        .where(Event.request_id == request_id, Event.action == "note")
        .order_by(col(Event.id))
    )
    return [
        {"at": e.at.isoformat(timespec="seconds"), "actor": e.actor, "text": e.new} for e in events
    ]


def _fees(fees: Fees | None) -> dict[str, Any] | None:
    if fees is None:
        return None
    return {
        "estimate": None if fees.estimate is None else f"{fees.estimate:.2f}",
        "estimated_on": _iso(fees.estimated_on),
        "paid_on": _iso(fees.paid_on),
        "waived": fees.waived,
    }


def _requester_view(requester: Requester | None) -> dict[str, str | None]:
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
