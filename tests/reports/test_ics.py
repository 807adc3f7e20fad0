"""`atip report deadlines --format ics`: an iCalendar file that calendar programs import.

What importers need (RFC 5545): VERSION 2.0 and PRODID; CRLF line endings; lines folded at 75
octets; each VEVENT with UID and DTSTAMP; an all-day event as DTSTART;VALUE=DATE with DTEND the
next day. Due dates are computed by hand (A-2.1, a. 47; Loi d'interprétation, a. 52 and 61).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from icalendar import Calendar

from tests.conftest import Workspace

NAME = "Ophélie Brassard-Vautrin"
EMAIL = "o.vautrin@courriel.example"
STREET = "4412, chemin du Ruisseau-Caché"
SUBJECT = "le dossier médical de Mme Brassard-Vautrin"


def open_register(ws: Workspace) -> dict[str, str]:
    """Three open requests and one decided; the requester fields are distinctive strings."""

    def new(received: str, kind: str = "documents") -> str:
        return ws.new(
            "--received", received, "--requester", NAME, "--email", EMAIL,
            "--address", f"{STREET}\\nGaspé (Québec)", "--subject", SUBJECT, "--kind", kind,
        )  # fmt: skip

    refs = {
        "late": new("2024-01-15"),  # +20 = Sun 4 February -> Mon 5 February
        "soon": new("2024-01-25", "personal"),  # +20 = Wed 14 February
        # Fri 29 March 2024: +20 = Thu 18 April
        "spring": new("2024-03-29"),
        "done": new("2024-01-20"),
    }
    ws.ok("request", "decide", refs["done"], "--on", "2024-02-01", "--outcome", "granted")
    return refs


def ics(ws: Workspace, tmp_path: Path, as_of: str = "2024-02-10") -> bytes:
    out = tmp_path / "delais.ics"
    printed = ws.ok("report", "deadlines", "--format", "ics", "--out", str(out), "--as-of", as_of)
    assert printed.strip() == str(out)
    return out.read_bytes()


def test_one_all_day_event_per_open_request_on_its_decision_date(
    ws: Workspace, tmp_path: Path
) -> None:
    refs = open_register(ws)
    calendar = Calendar.from_ical(ics(ws, tmp_path))
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    expected = {
        refs["late"]: date(2024, 2, 5),
        refs["soon"]: date(2024, 2, 14),
        refs["spring"]: date(2024, 4, 18),
    }
    assert set(events) == {f"{ref}@atip" for ref in expected}  # not the decided one
    for ref, due in expected.items():
        event = events[f"{ref}@atip"]
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and start == due  # a date, not a date-time: all day
        assert type(end) is date and (end - start).days == 1
        assert str(event["summary"]) == f"Accès {ref} : décision due"
        assert isinstance(event.decoded("dtstamp"), datetime)
    late = str(events[f"{refs['late']}@atip"]["description"])
    assert "5 février 2024" in late and "refus présumé" in late
    soon = str(events[f"{refs['soon']}@atip"]["description"])
    assert "renseignements personnels" in soon and "refus présumé" not in soon


def test_the_file_is_what_importers_expect(ws: Workspace, tmp_path: Path) -> None:
    refs = open_register(ws)
    raw = ics(ws, tmp_path)
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends with CRLF
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)  # folded (octets)
    assert b"VERSION:2.0" in lines and any(line.startswith(b"PRODID:") for line in lines)
    assert b"DTSTART;VALUE=DATE:20240205" in lines
    assert b"DTEND;VALUE=DATE:20240206" in lines
    assert raw.count(b"BEGIN:VEVENT") == 3 and f"UID:{refs['late']}@atip".encode() in lines


def test_no_personal_information_in_the_calendar(ws: Workspace, tmp_path: Path) -> None:
    open_register(ws)
    raw = ics(ws, tmp_path)
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")
    for secret in (NAME, "Brassard", "Vautrin", EMAIL, "vautrin", STREET, "Ruisseau", "Gaspé",
                   "médical"):  # fmt: skip
        assert secret.lower() not in unfolded.lower(), secret


def test_uids_are_stable_from_one_export_to_the_next(ws: Workspace, tmp_path: Path) -> None:
    refs = open_register(ws)
    first = ics(ws, tmp_path)
    ws.ok("request", "extend", refs["spring"], "--on", "2024-04-10")  # +30 = Sun 28 -> Mon 29 April
    second = Calendar.from_ical(ics(ws, tmp_path, "2024-04-12"))
    assert uids(Calendar.from_ical(first)) == uids(second)
    moved = next(e for e in second.walk("VEVENT") if str(e["uid"]) == f"{refs['spring']}@atip")
    assert moved.decoded("dtstart") == date(2024, 4, 29)  # the same event, at its new date


def uids(calendar: Calendar) -> list[str]:
    return sorted(str(e["uid"]) for e in calendar.walk("VEVENT"))


def test_to_standard_output_and_with_no_open_request(sqlite_ws: Workspace) -> None:
    raw = sqlite_ws.run("report", "deadlines", "--format", "ics").stdout_bytes
    calendar = Calendar.from_ical(raw)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["version"]) == "2.0"
    sqlite_ws.new("--received", "2024-01-15", "--requester", "A", "--subject", "s")
    raw = sqlite_ws.run("report", "deadlines", "--format", "ics").stdout_bytes
    assert raw.count(b"BEGIN:VEVENT") == 1 and b"DTSTART;VALUE=DATE:20240205\r\n" in raw


def test_a_long_organisation_name_is_folded_and_read_back_whole() -> None:
    from atip.reports.ics import deadlines_ics

    organisation = "Ministère de l’Immigration, de la Francisation et de l’Intégration du Québec"
    row = {
        "reference": "2024-0042",
        "status": "open",
        "kind": "documents",
        "received_on": "2024-05-17",
        "decision_due": "2024-06-06",
        "days_left": 3,
        "deemed_refusal": False,
    }
    stamp = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
    raw = deadlines_ics([row], organisation, stamp=stamp)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = Calendar.from_ical(raw)
    assert str(calendar["x-wr-calname"]) == f"Délais d’accès — {organisation}"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstamp") == stamp
    assert re.fullmatch(r"Accès 2024-0042 : décision due", str(event["summary"]))
    assert "17 mai 2024" in str(event["description"]) and "6 juin 2024" in str(event["description"])
