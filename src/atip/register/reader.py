"""Every read of the register: one request, lists, the journal, annexes, counts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from atip.law import deadlines
from atip.law.status import status_of
from atip.register.annexes import Section
from atip.register.facts import facts_of, rules_of
from atip.register.models import Decision, Event, Request, Requester
from atip.register.recorder import annex_rows, decision_articles
from atip.register.references import request_by_reference
from atip.register.settings import Settings
from atip.vocabulary import GIVES_ACCESS

RequestView = dict[str, Any]


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
            return view

    def view(self, req: Request, as_of: date, *, explain: bool = False) -> RequestView:
        """The JSON object of one request."""
        left = (req.decision_due - as_of).days
        view: RequestView = {
            "reference": req.reference,
            "status": status_of(req, as_of),
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
            "days_left": left,
            "deemed_refusal": req.decided_on is None and as_of > req.decision_due,
            "accommodation": req.accommodation,
            "channel": req.channel,
            "clerk": req.clerk,
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
    ) -> list[RequestView]:
        """Requests as JSON objects: late first, then by governing date (indexed query)."""
        query = select(Request)
        if open_only or overdue or due_within is not None:
            query = query.where(col(Request.decided_on).is_(None))
        if overdue and due_within is not None:
            horizon = date.fromordinal(as_of.toordinal() + due_within)
            query = query.where(Request.decision_due <= horizon)
        elif overdue:
            query = query.where(Request.decision_due < as_of)
        elif due_within is not None:
            horizon = date.fromordinal(as_of.toordinal() + due_within)
            query = query.where(Request.decision_due >= as_of, Request.decision_due <= horizon)
        # undecided first (late first, then due soonest), decided ones after them
        query = query.order_by(
            col(Request.decided_on).is_not(None), col(Request.decision_due), Request.reference
        )
        with Session(self.engine) as session:
            # Plain rows through the Core connection, not ORM objects: a list may hold
            # thousands of requests, and a view reads the same attribute names from either.
            rows = session.connection().execute(query).all()
            return [self.view(req, as_of) for req in rows]  # type: ignore[arg-type]

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


def _requester_view(requester: Requester | None) -> dict[str, str | None]:
    if requester is None:
        return {"name": None, "address": None, "email": None}
    return {"name": requester.name, "address": requester.address, "email": requester.email}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
