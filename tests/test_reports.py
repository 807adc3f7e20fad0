"""`atip report` and `atip publish`, on registers whose figures were computed by hand."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import Workspace


def new(ws: Workspace, received: str, *extra: str) -> str:
    return ws.new("--received", received, "--requester", "A", "--subject", "s", *extra)


@pytest.fixture
def year(ws: Workspace) -> Workspace:
    """Fiscal year 2023-2024 with its edges (31 March / 1 April)."""
    a = new(ws, "2023-03-31")  # previous fiscal year
    ws.ok("request", "decide", a, "--on", "2023-04-10", "--outcome", "granted")
    b = new(ws, "2023-04-01")  # due Fri 21 April; decided that very day
    ws.ok("request", "decide", b, "--on", "2023-04-21", "--outcome", "granted")
    c = new(ws, "2023-05-01")  # due 23 May (21 Sun, 22 Journée nationale des patriotes)
    ws.ok("request", "extend", c, "--on", "2023-05-15")  # extended to 31 May
    ws.ok(
        "request", "decide", c, "--on", "2023-05-30", "--outcome", "partial", "--articles", "53,54"
    )
    d = new(ws, "2023-06-01")  # 20 days: 21 June; 30 days: 1 July (férié), 2 (Sunday) -> 3 July
    ws.ok("request", "decide", d, "--on", "2023-07-20", "--outcome", "refused", "--articles", "53")
    ws.ok("request", "review", d, "--filed", "2023-08-01")
    e = ws.new(
        "--received",
        "2024-03-31",
        "--requester",
        "B",
        "--subject",
        "s",
        "--kind",
        "personal",
        "--accommodation",
    )
    ws.ok("request", "decide", e, "--on", "2024-04-10", "--outcome", "not-held")
    f = new(ws, "2024-04-01")  # next fiscal year
    ws.ok("request", "decide", f, "--on", "2024-04-02", "--outcome", "granted")
    new(ws, "2024-01-15")  # never decided: a deemed refusal, pending
    return ws


def test_annual_json_matches_hand_counts(year: Workspace) -> None:
    data = json.loads(year.ok("report", "annual", "--fiscal-year", "2023-2024", "--format", "json"))
    assert data["fiscal_year"] == "2023-2024"
    docs, personal = data["documents"], data["personal"]
    assert (docs["received"], docs["decided"], docs["pending"]) == (4, 3, 1)
    assert (docs["within_20_days"], docs["within_30_days"], docs["beyond_30_days"]) == (1, 1, 1)
    assert docs["outcomes"] == {"granted": 1, "partial": 1, "refused": 1, "other": 0}
    assert docs["articles"] == {"53": 2, "54": 1}
    assert (docs["accommodations"], docs["reviews"]) == (0, 1)
    assert (personal["received"], personal["decided"], personal["within_20_days"]) == (1, 1, 1)
    assert personal["outcomes"]["other"] == 1
    assert personal["accommodations"] == 1


def test_annual_csv_and_table(year: Workspace) -> None:
    rows = year.ok("report", "annual", "--fiscal-year", "2023-2024", "--format", "csv").splitlines()
    assert rows[0] == "item,documents,personal"
    assert "received,4,1" in rows
    assert "article 53,2,0" in rows
    assert "within_20_days" in year.ok("report", "annual", "--fiscal-year", "2023-2024")


def test_annual_pdf(year: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "bilan.pdf"
    year.ok("report", "annual", "--fiscal-year", "2023-2024", "--format", "pdf", "--out", str(out))
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Bilan des demandes d’accès — exercice 2023-2024" in text
    assert "Demandes reçues" in text
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert 1 <= pages <= 2


@pytest.mark.parametrize("label", ["2023-2025", "2023", "abcd-efgh", "2024-2023"])
def test_bad_fiscal_year(sqlite_ws: Workspace, label: str) -> None:
    result = sqlite_ws.run("report", "annual", "--fiscal-year", label)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "fiscal year" in result.stderr


def open_register(ws: Workspace) -> tuple[str, str, str]:
    late = new(ws, "2024-01-15")  # 4 Feb is a Sunday: due Mon 5 Feb
    soon = new(ws, "2024-01-25")  # due 14 Feb
    done = new(ws, "2024-01-20")
    ws.ok("request", "decide", done, "--on", "2024-02-01", "--outcome", "granted")
    return late, soon, done


def test_deadlines_report_late_first_and_agrees_with_list(ws: Workspace) -> None:
    late, soon, _ = open_register(ws)
    rows = json.loads(ws.ok("report", "deadlines", "--as-of", "2024-02-10", "--format", "json"))
    assert [(r["reference"], r["status"], r["decision_due"], r["days_left"]) for r in rows] == [
        (late, "overdue", "2024-02-05", -5),
        (soon, "open", "2024-02-14", 4),
    ]
    listed = json.loads(ws.ok("request", "list", "--open", "--json", "--as-of", "2024-02-10"))
    assert [(r["reference"], r["decision_due"]) for r in listed] == [
        (r["reference"], r["decision_due"]) for r in rows
    ]
    overdue = json.loads(ws.ok("request", "list", "--overdue", "--json", "--as-of", "2024-02-10"))
    assert [r["reference"] for r in overdue] == [r["reference"] for r in rows if r["days_left"] < 0]
    table = ws.ok("report", "deadlines", "--as-of", "2024-02-10")
    assert table.index("2024-02-05") < table.index("2024-02-14")  # late row first
    assert "overdue" in table


def test_ics_parses_back_with_one_event_per_open_request(ws: Workspace, tmp_path: Path) -> None:
    late, soon, _ = open_register(ws)
    out = tmp_path / "delais.ics"
    ws.ok("report", "deadlines", "--format", "ics", "--out", str(out), "--as-of", "2024-02-10")
    raw = out.read_bytes()
    assert b"\r\n" in raw and b"Requester" not in raw
    calendar = Calendar.from_ical(raw)
    events = {str(e.get("summary")): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"Accès {late} : décision due", f"Accès {soon} : décision due"}
    start = events[f"Accès {late} : décision due"].decoded("dtstart")
    assert start.isoformat() == "2024-02-05"
    assert events[f"Accès {soon} : décision due"].decoded("dtend").isoformat() == "2024-02-15"


SECRET_NAME = "Zacharie Quenneville-Témoin"
SECRET_EMAIL = "zq.temoin@leak.example"
SECRET_STREET = "987, rue Secrète-Témoin"


def test_published_copy_leaks_nothing_of_the_requester(sqlite_ws: Workspace, tmp_path: Path):
    ws = sqlite_ws
    ref = ws.new(
        "--received",
        "2024-05-17",
        "--requester",
        SECRET_NAME,
        "--email",
        SECRET_EMAIL,
        "--address",
        f"{SECRET_STREET}\\nTrois-Rivières (Québec)",
        "--subject",
        f"le dossier de {SECRET_NAME} au Ministère",
    )
    ws.ok("request", "decide", ref, "--on", "2024-06-05", "--outcome", "granted")
    sent = Path(ws.ok("letter", ref, "--format", "pdf", "--out", str(tmp_path / "sent")).strip())
    assert SECRET_NAME in pdf_text(sent)  # the requester's own copy does name them
    printed = ws.ok("publish", ref, "--out", str(tmp_path / "web")).split()
    assert sorted(Path(p).suffix for p in printed) == [".docx", ".pdf"]
    for path in map(Path, printed):
        texts = [path.read_bytes().decode("latin-1")]
        if path.suffix == ".pdf":
            texts.append(pdf_text(path))
            texts.append(
                subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
            )
        else:
            with zipfile.ZipFile(path) as archive:
                texts += [
                    archive.read(n).decode("utf-8")
                    for n in archive.namelist()
                    if n.endswith(".xml") or n.endswith(".rels")
                ]
        for text in texts:
            for secret in (SECRET_NAME, SECRET_EMAIL, SECRET_STREET, "Quenneville", "Secrète"):
                assert secret not in text, (path.name, secret)
    flat = " ".join(pdf_text(Path(printed[-1])).split())
    assert "Décision" in flat and "réviser cette décision" in flat  # everything else is kept
    journal = json.loads(ws.ok("request", "show", ref, "--json"))["journal"]
    assert journal[-1]["action"] == "published"


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
