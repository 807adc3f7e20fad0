"""A request's status on a given day, from its recorded facts and computed dates."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from atip.vocabulary import Status


class StatusFacts(Protocol):
    """What the status depends on (a stored request, or any object with these attributes)."""

    decided_on: date | None
    review_filed_on: date | None
    review_deadline: date
    decision_due: date
    third_party_notified_on: date | None
    extended_on: date | None
    withdrawn_on: date | None
    voided_on: date | None


def status_of(facts: StatusFacts, as_of: date) -> Status:
    """open, extended, third-party, overdue (deemed refusal, a. 52), decided, closed, withdrawn
    or void.

    A decided request is closed once its review period (a. 135) has passed with no review. A
    request the requester withdrew runs no time limit from that day; an entry made in error is
    void whatever its dates.
    """
    if facts.voided_on is not None:
        return "void"
    if facts.withdrawn_on is not None and as_of >= facts.withdrawn_on:
        return "withdrawn"
    if facts.decided_on is not None:
        if facts.review_filed_on is None and as_of > facts.review_deadline:
            return "closed"
        return "decided"
    if as_of > facts.decision_due:
        return "overdue"
    if facts.third_party_notified_on is not None:
        return "third-party"
    if facts.extended_on is not None:
        return "extended"
    return "open"
