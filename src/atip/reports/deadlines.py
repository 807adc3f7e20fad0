"""What is due and what is late: every clock of every file whose time limits still run.

A file's clocks, each with the article that sets it:

- `response`: 20 days after the clock start, while neither extended nor sent to a third party
  (a. 47 al. 1; a. 98 al. 1 for personal information and rectification);
- `extension-notice`: the last day to send the 10-day extension notice, the response date
  (a. 47 al. 2; a. 98 al. 2);
- `third-party-notice`: the last day to notify a third party, within the 20 days (a. 49 al. 1;
  requests for documents);
- `observations`: the third party's 20 days to present observations (a. 49 al. 3);
- `third-party-decision`: the 15 days to decide after the observations (a. 49 al. 4);
- `decision`: the governing date; past it with no decision, a deemed refusal (a. 52);
- `review`: the requester's 30 days to apply to the Commission, after a decision or a deemed
  refusal (a. 135).

A notice the office may send (extension, third party) is a clock only until its last day: past
it, nothing can be done any more. The clocks that bind the office stay, late, until met.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from atip.law.deadlines import citations
from atip.reports.clocks import CLOCKS

if TYPE_CHECKING:
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
__all__ = ["CLOCKS", "DEADLINE_KEYS", "clocks_of", "deadlines"]
CLOCK_KEYS = ("clock", "due", "days_left", "article")


def deadlines(reader: Reader, as_of: date, clock: str | None = None) -> list[dict[str, Any]]:
    """Files with a running clock: open ones late first, then due soonest; then the decided
    ones whose review period runs. Each row has its `clocks` (only `clock` when given)."""
    # The open rows are those of `request list --open`: this report and `request list --open
    # / --overdue / --due-within` share one query, so they can never disagree.
    views = reader.requests(as_of, open_only=True)
    if clock in (None, "review"):
        reviews = reader.requests(as_of, in_review=True)
        views += sorted(reviews, key=lambda v: (v["review_deadline"], v["reference"]))
    rows = []
    for view in views:
        clocks = clocks_of(view, as_of)
        if clock is not None:
            clocks = [c for c in clocks if c["clock"] == clock]
            if not clocks:
                continue
        row = {key: view[key] for key in DEADLINE_KEYS}
        row["clocks"] = clocks
        rows.append(row)
    return rows


def clocks_of(view: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    """The running clocks of one file (a `request show` view), in the order of its life."""
    cite = citations(view["kind"])
    out: list[dict[str, Any]] = []

    def add(name: str, due: str | None, article: str, *, chance: bool = False) -> None:
        if due is None:
            return
        left = (date.fromisoformat(due) - as_of).days
        if chance and left < 0:
            return  # the last day to send a notice has passed: no clock any more
        out.append({"clock": name, "due": due, "days_left": left, "article": article})

    if view["decided_on"] is None and view["withdrawn_on"] is None:
        extended = view["extended"]
        third_party = view["third_party_notified_on"] is not None
        if not extended and not third_party:
            add("response", view["response_due"], cite.response)
        if view["extended_on"] is None:
            add("extension-notice", view["response_due"], f"{cite.time_limit} al. 2", chance=True)
        if not third_party and view["kind"] == "documents":
            add("third-party-notice", view["response_due"], "a. 49 al. 1", chance=True)
        if third_party:
            if view["observations_on"] is None:
                add("observations", view["observations_due"], "a. 49 al. 3", chance=True)
            add("third-party-decision", view["third_party_due"], "a. 49 al. 4")
        if third_party:
            article = "a. 49 al. 4"
        elif extended:
            article = f"{cite.time_limit} al. 2"
        else:
            article = cite.response
        if view["deemed_refusal"]:
            article += ", a. 52"
        add("decision", view["decision_due"], article)
        if view["deemed_refusal"] and view["review_filed_on"] is None:
            add("review", view["review_deadline"], "a. 135")
    elif view["status"] == "decided" and view["review_filed_on"] is None:
        add("review", view["review_deadline"], "a. 135")
    return out
