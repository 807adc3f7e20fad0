"""The deadlines as an iCalendar file: one all-day event per clock of each file.

Each event's UID is made of the workspace's identifier, the reference and the clock, so that two
offices' calendars never collide and a newer export moves an event instead of adding one
(RFC 5545, 3.8.4.7). A VALARM reminds the clerk a number of days before (`[calendar]
reminder_days`). Words follow the interface language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from atip.errors import InputError
from atip.i18n import _, day
from atip.reports.deadlines import CLOCKS
from atip.vocabulary import label


def event_uid(workspace: str, reference: str, clock: str) -> str:
    """One clock of one file of one workspace: `REF.CLOCK.WORKSPACE@atip` (URL-safe)."""
    from urllib.parse import quote

    return f"{quote(reference, safe='')}.{clock}.{workspace}@atip"


def deadlines_ics(
    rows: Iterable[dict[str, Any]],
    organisation: str,
    *,
    workspace: str,
    reminder_days: int = 3,
    stamp: datetime | None = None,
) -> bytes:
    """RFC 5545 bytes that Outlook, Thunderbird and Google Calendar import."""
    # Each event carries the reference, the kind and the dates only: never the requester's
    # identity, nor the request's subject, which may name them.
    from icalendar import Alarm, Calendar, Event

    if reminder_days < 0:
        raise InputError(
            _("{setting} must be 0 or more days, not {value}").format(
                setting="[calendar] reminder_days", value=reminder_days
            )
        )
    calendar = Calendar()
    calendar.add("prodid", "-//atip//Access request deadlines//FR")  # ASCII: old importers
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")  # Outlook opens a file without METHOD as an invitation
    calendar.add(
        "x-wr-calname", _("Access deadlines — {organisation}").format(organisation=organisation)
    )
    dtstamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for row in rows:
        received = date.fromisoformat(row["received_on"])
        for clock in row["clocks"]:
            due = date.fromisoformat(clock["due"])
            what = _(CLOCKS[clock["clock"]])
            event = Event()
            event.add("uid", event_uid(workspace, row["reference"], clock["clock"]))
            event.add("dtstamp", dtstamp)
            event.add("dtstart", due)
            event.add("dtend", due + timedelta(days=1))
            summary = _("Access {reference}: {clock} due").format(
                reference=row["reference"], clock=what
            )
            event.add("summary", summary)
            description = _(
                "Ref. {reference}. Request of kind «{kind}» received on {received}; {clock}: "
                "due {due} ({article})."
            ).format(
                reference=row["reference"],
                kind=label("kind", row["kind"]),
                received=day(received),
                clock=what,
                due=day(due),
                article=clock["article"],
            )
            if clock["days_left"] < 0:
                description += " " + _("Time limit passed.")
            if clock["clock"] == "decision" and row.get("deemed_refusal"):
                description += " " + _("Deemed refusal (a. 52).")
            event.add("description", description)
            event.add("categories", [_("Access to information")])
            event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: the day stays free
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", timedelta(days=-reminder_days))
            event.add_component(alarm)
            calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
