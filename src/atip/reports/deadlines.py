"""What is due and what is late: the open requests with their governing date."""

from __future__ import annotations

from datetime import date
from typing import Any

from atip.register.reader import Reader

# The keys of one row of `report deadlines`, taken from the `request show` view.
DEADLINE_KEYS = (
    "reference",
    "status",
    "kind",
    "received_on",
    "decision_due",
    "days_left",
    "deemed_refusal",
)


def deadlines(reader: Reader, as_of: date) -> list[dict[str, Any]]:
    """Open requests with their governing date: late first, then due soonest."""
    # The rows of `request list --open`: this report and `request list --open / --overdue /
    # --due-within` share one query, so they can never disagree.
    return [
        {key: view[key] for key in DEADLINE_KEYS} for view in reader.requests(as_of, open_only=True)
    ]
