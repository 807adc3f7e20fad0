"""From a stored request to the deadline engine's inputs, and back to the stored dates."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, cast

from atip.law import deadlines
from atip.register.settings import Settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from atip.register.models import Request, ThirdParty

RULES_KEY = "deadline_rules"  # the fingerprint of the rules the stored dates follow
INPUTS_KEY = "deadline_rules_inputs"  # those rules' inputs (JSON), to know what changed
PENDING_KEY = "deadline_rules_pending"  # the inputs a recompute under way is moving to

# The columns of `requests` that atip.law.deadlines computes from the facts.
COMPUTED = (
    "clock_starts_on",
    "response_due",
    "extended_due",
    "observations_due",
    "third_party_due",
    "decision_due",
    "review_deadline",
    "executory_on",
)

# The facts of a request dated after it was received (an as-of view drops those after its day).
DATED_FACTS = (
    "clarified_on",
    "extended_on",
    "third_party_notified_on",
    "observations_on",
    "decided_on",
    "review_filed_on",
    "withdrawn_on",
)


def rules_of(settings: Settings) -> deadlines.Rules:
    """The deadline rules the workspace settings choose."""
    return deadlines.Rules(
        saturdays_closed=settings.saturdays_closed,
        clarification_restarts_clock=settings.clarification_restarts_clock,
        review_calendar=cast(Literal["law", "review-body"], settings.review_calendar),
        proclaimed=dict(settings.proclaimed),
    )


def rules_fingerprint(rules: deadlines.Rules) -> str:
    """A hash that changes whenever a rule input from atip.toml changes."""
    data = [
        rules.saturdays_closed,
        rules.clarification_restarts_clock,
        rules.review_calendar,
        sorted((d.isoformat(), n) for d, n in rules.proclaimed.items()),
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]


def rules_inputs(rules: deadlines.Rules) -> dict[str, Any]:
    """The rule inputs of atip.toml as stored in `meta` (JSON), days as ISO dates."""
    return {
        "saturdays_closed": rules.saturdays_closed,
        "clarification_restarts_clock": rules.clarification_restarts_clock,
        "review_calendar": rules.review_calendar,
        "proclaimed": sorted(d.isoformat() for d in rules.proclaimed),
    }


def facts_of(req: Request) -> deadlines.Facts:
    """The rule inputs recorded on a request."""
    return deadlines.Facts(
        received_on=req.received_on,
        clarified_on=req.clarified_on,
        keep_clock=req.keep_clock,
        extended_on=req.extended_on,
        third_party_notified_on=req.third_party_notified_on,
        observations_on=req.observations_on,
        decided_on=req.decided_on,
        kind=req.kind,
    )


def computed_dates(facts: deadlines.Facts, rules: deadlines.Rules) -> dict[str, date | None]:
    """The stored columns computed from the facts."""
    dates = deadlines.compute(facts, rules, explaining=False)
    return {name: getattr(dates, name) for name in COMPUTED}


def check_new_facts(facts: deadlines.Facts, rules: deadlines.Rules) -> None:
    """The facts of a request logged with its history (`request new`, an import): in order,
    and an extension sent in time (a. 47), as if each event had been recorded on its day."""
    deadlines.check_facts(facts, rules)
    if facts.extended_on is not None:
        before = replace(facts, extended_on=None, decided_on=None)
        deadlines.check_extension(before, facts.extended_on, rules)


def third_parties_of(session: Session, request_id: int | None) -> list[ThirdParty]:
    """The third parties notified about a request, in the order they were recorded."""
    from sqlmodel import col, select

    from atip.register.models import ThirdParty

    query = (
        select(ThirdParty)
        .where(ThirdParty.request_id == request_id)
        .order_by(col(ThirdParty.position))
    )
    return list(session.exec(query))


def governing_third_party(
    session: Session, req: Request, rules: deadlines.Rules
) -> tuple[date | None, date | None]:
    """(notified, observations) of the request's third party whose a. 49 period ends last."""
    parties = [(p.notified_on, p.observations_on) for p in third_parties_of(session, req.id)]
    return deadlines.governing_third_party(facts_of(req), parties, rules)
