"""The deadlines as an iCalendar file: one all-day event per open request on its decision date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from atip.french import long_date

KIND_WORDS = {
    "documents": "Demande d’accès à des documents",
    "personal": "Demande d’accès à des renseignements personnels",
}


def deadlines_ics(
    rows: Iterable[dict[str, Any]], organisation: str, *, stamp: datetime | None = None
) -> bytes:
    """RFC 5545 bytes that Outlook, Thunderbird and Google Calendar import."""
    # Each event carries the reference, the kind and the dates only: never the requester's
    # identity, nor the request's subject, which may name them.
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//atip//Access request deadlines//FR")  # ASCII: old importers
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")  # Outlook opens a file without METHOD as an invitation
    calendar.add("x-wr-calname", f"Délais d’accès — {organisation}")
    dtstamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for row in rows:
        due = date.fromisoformat(row["decision_due"])
        received = date.fromisoformat(row["received_on"])
        event = Event()
        # One UID per request: importing a newer file moves the event instead of adding one.
        event.add("uid", f"{row['reference']}@atip")
        event.add("dtstamp", dtstamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"Accès {row['reference']} : décision due")
        late = " Délai dépassé : refus présumé (a. 52)." if row.get("deemed_refusal") else ""
        event.add(
            "description",
            f"N/Réf. {row['reference']}. {KIND_WORDS.get(row['kind'], row['kind'])} reçue le "
            f"{long_date(received)} ; décision due le {long_date(due)}.{late}",
        )
        event.add("categories", ["Accès à l’information"])
        event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: the day stays free
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
