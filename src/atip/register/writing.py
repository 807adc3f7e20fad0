"""What every write to the register shares: the clerk, the journal, the recomputed dates and
the rule that nothing is recorded as having happened after today."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from atip import clock
from atip.errors import RefusedError
from atip.i18n import N_, _, day
from atip.law import deadlines
from atip.register.facts import computed_dates, facts_of, governing_third_party, rules_of
from atip.register.journal import JournalValue, actor, add_event
from atip.register.models import Request
from atip.register.settings import Settings
from atip.register.validation import check_field

# The facts a clerk records, as a sentence names them.
FACT_NAMES = {
    "received_on": N_("received date"),
    "clarified_on": N_("clarification date"),
    "extended_on": N_("extension date"),
    "third_party_notified_on": N_("third-party notice date"),
    "observations_on": N_("observations date"),
    "decided_on": N_("decision date"),
    "review_filed_on": N_("review date"),
    "withdrawn_on": N_("withdrawal date"),
    "estimated_on": N_("estimate date"),
    "paid_on": N_("payment date"),
}


class Writer:
    """One clerk's writes to one workspace's register."""

    def __init__(
        self, engine: Engine, settings: Settings, who: str | None = None, today: date | None = None
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.rules = rules_of(settings)
        # The journal's `actor`: the same limit on SQLite and PostgreSQL (128 characters).
        self.actor = check_field(who or actor(), "ATIP_USER", field="clerk")
        self.today = today or clock.today(settings.timezone)

    def event(
        self,
        session: Session,
        req: Request,
        action: str,
        field: str | None = None,
        old: JournalValue = None,
        new: JournalValue = None,
        why: str | None = None,
    ) -> None:
        """Journal one change of `req` in the session's transaction."""
        assert req.id is not None, "journal a request only once it has its id"
        add_event(session, req.id, self.actor, action, field, old, new, why)

    def not_after_today(self, field: str, value: date | None) -> None:
        """RefusedError when a fact would have happened after today."""
        if value is not None and value > self.today:
            raise RefusedError(
                _("the {what} {day} is after today ({today})").format(
                    what=_(FACT_NAMES.get(field, field)), day=day(value), today=day(self.today)
                )
            )

    def _set(
        self,
        session: Session,
        req: Request,
        action: str,
        why: str | None = None,
        **changes: object,
    ) -> None:
        """Change facts of a request, journal each change, recompute its dates."""
        for name, value in changes.items():
            if isinstance(value, date):
                self.not_after_today(name, value)
            old = getattr(req, name)
            if old != value:
                setattr(req, name, value)
                self.event(session, req, action, name, old, value, why)  # type: ignore[arg-type]
        self.recompute(session, req)

    def recompute(self, session: Session, req: Request) -> None:
        """Check the request's facts and store the dates the law gives them."""
        notified, observed = governing_third_party(session, req, self.rules)
        req.third_party_notified_on, req.observations_on = notified, observed
        facts = facts_of(req)
        deadlines.check_facts(facts, self.rules)
        for name, value in computed_dates(facts, self.rules).items():
            setattr(req, name, value)

    def refuse_if_void(self, req: Request) -> None:
        """Nothing is recorded on an entry made in error, except undoing that."""
        if req.voided_on is not None:
            raise RefusedError(
                _("request {reference} is void ({why}): nothing can be recorded on it").format(
                    reference=req.reference, why=req.void_reason or "—"
                )
            )

    def refuse_if_withdrawn(self, req: Request) -> None:
        """No time limit runs, and no step is taken, once the requester withdrew."""
        if req.withdrawn_on is not None:
            raise RefusedError(
                _("request {reference} was withdrawn on {day}").format(
                    reference=req.reference, day=day(req.withdrawn_on)
                )
            )
