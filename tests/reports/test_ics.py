"""`atip report deadlines --format ics`: an iCalendar file that calendar programs import.

What importers need (RFC 5545): VERSION 2.0 and PRODID; CRLF line endings; lines folded at 75
octets; each VEVENT with UID and DTSTAMP; an all-day event as DTSTART;VALUE=DATE with DTEND the
next day. Due dates are computed by hand (A-2.1, a. 47; Loi d'interprétation, a. 52 and 61).
"""

from __future__ import annotations

import contextlib
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
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


def ics(ws: Workspace, tmp_path: Path, as_of: str = "2024-04-01", *extra: str) -> bytes:
    out = tmp_path / "delais.ics"
    printed = ws.ok(
        "report", "deadlines", "--format", "ics", "--out", str(out), "--as-of", as_of, *extra
    )  # fmt: skip
    assert printed.strip() == str(out)
    return out.read_bytes()


def by_uid(calendar: Calendar) -> dict[str, Any]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def clock_of(uid: str) -> tuple[str, str]:
    """(reference, clock) of a UID `REF.CLOCK.WORKSPACE@atip`."""
    reference, clock, _rest = uid.split(".", 2)
    return reference, clock


def test_one_all_day_event_per_clock(ws: Workspace, tmp_path: Path) -> None:
    refs = open_register(ws)
    # As of 1 April 2024: late and soon are deemed refusals (their review clocks run), spring
    # is open, and done's review period ended on Sat 2 March 2024 (1 February + 30).
    events = by_uid(Calendar.from_ical(ics(ws, tmp_path)))
    clocks = sorted(clock_of(uid) for uid in events)
    assert clocks == sorted(
        [
            (refs["late"], "decision"), (refs["late"], "response"), (refs["late"], "review"),
            (refs["soon"], "decision"), (refs["soon"], "response"), (refs["soon"], "review"),
            (refs["spring"], "decision"), (refs["spring"], "response"),
            (refs["spring"], "extension-notice"), (refs["spring"], "third-party-notice"),
        ]
    )  # fmt: skip
    due = {
        (refs["late"], "decision"): date(2024, 2, 5),
        (refs["late"], "review"): date(2024, 3, 6),  # 5 February + 30
        (refs["soon"], "decision"): date(2024, 2, 14),
        (refs["spring"], "decision"): date(2024, 4, 18),
        (refs["spring"], "extension-notice"): date(2024, 4, 18),
    }
    for uid, event in events.items():
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and type(end) is date and (end - start).days == 1  # all day
        assert isinstance(event.decoded("dtstamp"), datetime)
        if clock_of(uid) in due:
            assert start == due[clock_of(uid)], uid
    late = events[next(u for u in events if clock_of(u) == (refs["late"], "decision"))]
    assert str(late["summary"]) == f"Access {refs['late']}: decision due"
    text = str(late["description"])
    assert "2024-02-05" in text and "Deemed refusal (a. 52)" in text and "a. 47 al. 1" in text


def test_the_description_speaks_the_interface_language(ws: Workspace, tmp_path: Path) -> None:
    refs = open_register(ws)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATIP_LANG", "fr")
        events = by_uid(Calendar.from_ical(ics(ws, tmp_path)))
    late = next(e for u, e in events.items() if clock_of(u) == (refs["late"], "decision"))
    assert (
        "5 février 2024" in str(late["description"])
        and "refus présumé" in str(late["description"]).lower()
    )
    soon = next(e for u, e in events.items() if clock_of(u) == (refs["soon"], "decision"))
    assert "renseignements personnels" in str(soon["description"])


def test_each_event_reminds_a_configurable_number_of_days_before(
    ws: Workspace, tmp_path: Path
) -> None:
    open_register(ws)
    for event in Calendar.from_ical(ics(ws, tmp_path)).walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY" and str(alarm["description"])
        assert alarm.decoded("trigger") == timedelta(days=-3)  # the default
    config = ws.path / "atip.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("# reminder_days = 3", "reminder_days = 7"), encoding="utf-8")
    for event in Calendar.from_ical(ics(ws, tmp_path)).walk("VEVENT"):
        assert event.walk("VALARM")[0].decoded("trigger") == timedelta(days=-7)


def test_the_file_is_what_importers_expect(ws: Workspace, tmp_path: Path) -> None:
    open_register(ws)
    raw = ics(ws, tmp_path)
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends with CRLF
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)  # folded (octets)
    assert b"VERSION:2.0" in lines and any(line.startswith(b"PRODID:") for line in lines)
    assert b"DTSTART;VALUE=DATE:20240205" in lines
    assert b"DTEND;VALUE=DATE:20240206" in lines
    assert raw.count(b"BEGIN:VEVENT") == 10 and raw.count(b"BEGIN:VALARM") == 10
    strict_rfc5545(raw)


def strict_rfc5545(raw: bytes) -> None:
    """An independent check of RFC 5545's grammar: content lines (3.1), nesting of
    components, and the properties each VEVENT and VALARM must have once (3.6.1, 3.6.6)."""
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    logical: list[str] = []
    for line in physical:
        assert len(line.encode("utf-8")) <= 75
        assert not any(ord(c) < 32 and c != "\t" for c in line), line
        if line[:1] in (" ", "\t"):
            assert logical, "a continuation line needs a line to continue"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    name_re = re.compile(r"^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:\"[^\"]*\"|[^;:,\"]*)"
                         r"(?:,(?:\"[^\"]*\"|[^;:,\"]*))*)*):(.*)$")  # fmt: skip
    stack: list[str] = []
    seen: list[dict[str, int]] = []
    uids = []
    for line in logical:
        match = name_re.match(line)
        assert match, line
        name, value = match[1].upper(), match[3]
        if name == "BEGIN":
            stack.append(value)
            seen.append({})
            continue
        if name == "END":
            assert stack and stack[-1] == value, line
            props = seen.pop()
            if value == "VEVENT":
                for required in ("UID", "DTSTAMP", "DTSTART"):
                    assert props.get(required) == 1, (required, props)
            if value == "VALARM":
                for required in ("ACTION", "TRIGGER", "DESCRIPTION"):
                    assert props.get(required) == 1, (required, props)
            stack.pop()
            continue
        assert stack, line
        seen[-1][name] = seen[-1].get(name, 0) + 1
        if name == "UID":
            uids.append(value)
    assert stack == []
    assert len(uids) == len(set(uids))  # unique in the file


def test_a_second_parser_reads_the_same_events(ws: Workspace, tmp_path: Path) -> None:
    vobject = pytest.importorskip("vobject")
    open_register(ws)
    raw = ics(ws, tmp_path)
    mine = {
        str(e["uid"]): (e.decoded("dtstart"), str(e["summary"]))
        for e in Calendar.from_ical(raw).walk("VEVENT")
    }
    parsed = vobject.readOne(raw.decode("utf-8"))
    theirs = {ev.uid.value: (ev.dtstart.value, ev.summary.value) for ev in parsed.vevent_list}
    assert theirs == mine
    for ev in parsed.vevent_list:
        assert ev.valarm.trigger.value == timedelta(days=-3)


def test_no_personal_information_in_the_calendar(ws: Workspace, tmp_path: Path) -> None:
    open_register(ws)
    raw = ics(ws, tmp_path)
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")
    for secret in (NAME, "Brassard", "Vautrin", EMAIL, "vautrin", STREET, "Ruisseau", "Gaspé",
                   "médical"):  # fmt: skip
        assert secret.lower() not in unfolded.lower(), secret


def test_uids_are_stable_from_one_export_to_the_next(ws: Workspace, tmp_path: Path) -> None:
    refs = open_register(ws)
    first = by_uid(Calendar.from_ical(ics(ws, tmp_path, "2024-04-12")))
    again = by_uid(Calendar.from_ical(ics(ws, tmp_path, "2024-04-12")))
    assert {u: e.decoded("dtstart") for u, e in again.items()} == {
        u: e.decoded("dtstart") for u, e in first.items()
    }  # the same UIDs at the same dates, run after run
    # +30 = Sun 28 -> Mon 29 April
    ws.ok("request", "extend", refs["spring"], "--on", "2024-04-10")
    second = by_uid(Calendar.from_ical(ics(ws, tmp_path, "2024-04-12")))
    decision = next(u for u in second if clock_of(u) == (refs["spring"], "decision"))
    assert decision in first  # the same event: an import moves it, never duplicates it
    assert first[decision].decoded("dtstart") == date(2024, 4, 18)
    assert second[decision].decoded("dtstart") == date(2024, 4, 29)  # at its new date
    # the extension clock ran until the notice was sent: it is gone, the others kept
    gone = {clock_of(u) for u in set(first) - set(second)}
    assert gone == {(refs["spring"], "extension-notice"), (refs["spring"], "response")}
    assert set(second) <= set(first)


def test_uids_differ_between_two_workspaces(tmp_path: Path, ws: Workspace) -> None:
    from tests.conftest import _workspace

    open_register(ws)
    mine = set(by_uid(Calendar.from_ical(ics(ws, tmp_path))))
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    with contextlib.ExitStack() as stack:
        other = stack.enter_context(contextmanager(_workspace)("sqlite", other_dir))
        open_register(other)
        theirs = set(by_uid(Calendar.from_ical(ics(other, other_dir))))
    assert {clock_of(u) for u in mine} == {clock_of(u) for u in theirs}
    assert not mine & theirs  # same references, same clocks: different UIDs
    workspace_ids = {u.split(".", 2)[2] for u in mine}
    assert len(workspace_ids) == 1  # one id per workspace, kept in the database


def test_to_standard_output_and_with_no_open_request(sqlite_ws: Workspace) -> None:
    raw = sqlite_ws.run("report", "deadlines", "--format", "ics").stdout_bytes
    calendar = Calendar.from_ical(raw)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["version"]) == "2.0"
    sqlite_ws.new("--received", "2024-01-15", "--requester", "A", "--subject", "s")
    raw = sqlite_ws.run(
        "report", "deadlines", "--format", "ics", "--clock", "decision"
    ).stdout_bytes
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
        "clocks": [
            {"clock": "decision", "due": "2024-06-06", "days_left": 3, "article": "a. 47 al. 1"}
        ],
    }
    stamp = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
    raw = deadlines_ics([row], organisation, workspace="w", stamp=stamp)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = Calendar.from_ical(raw)
    assert str(calendar["x-wr-calname"]) == f"Access deadlines — {organisation}"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstamp") == stamp
    assert str(event["uid"]) == "2024-0042.decision.w@atip"
    assert re.fullmatch(r"Access 2024-0042: decision due", str(event["summary"]))
    assert "2024-05-17" in str(event["description"]) and "2024-06-06" in str(event["description"])
    strict_rfc5545(raw)
