"""The deadlines as an iCalendar file: one all-day event per open request on its decision date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any


def deadlines_ics(rows: list[dict[str, Any]], organisation: str) -> bytes:
    """RFC 5545 bytes that Outlook, Thunderbird and Google Calendar import; no personal data."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//atip//Délais d'accès aux documents//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Accès à l'information — {organisation}")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for row in rows:
        due = date.fromisoformat(row["decision_due"])
        event = Event()
        event.add("uid", f"{row['reference']}-decision-due@atip")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"Accès {row['reference']} : décision due")
        event.add(
            "description",
            f"N/Réf. {row['reference']} ({row['kind']}), reçue le {row['received_on']}; "
            f"statut {row['status']}.",
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
