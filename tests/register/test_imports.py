"""`atip request import`: an existing register, all or nothing, errors with their line."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook

from tests.conftest import Workspace

HEADER = (
    "ref,received,clarified,requester,email,subject,kind,accommodation,"
    "extended_on,decided_on,outcome,articles\n"
)


def test_csv_register_is_imported_with_its_dates(ws: Workspace, tmp_path: Path) -> None:
    register = tmp_path / "registre.csv"
    register.write_text(
        HEADER
        + "17340,2019-10-01,,Ana Exemple,ana@example.org,des contrats,documents,non,,2019-10-18,granted,\n"
        + '18159,16/12/2019,,Jeanne Exemple,,le Parcours,documents,,,6 février 2020,partial,"53,54"\n'
        + ",2024-05-17,23 mai 2024,Luc Exemple,,mon dossier,personal,oui,2024-06-10,,,\n",
        encoding="utf-8",
    )
    out = ws.ok("request", "import", str(register))
    assert out.strip() == "imported 3 requests from registre.csv"
    rows = {
        r["reference"]: r
        for r in json.loads(ws.ok("request", "list", "--json", "--as-of", "2024-06-15"))
    }
    assert set(rows) == {"17340", "18159", "18160"}  # numbering continues after 18159
    assert rows["18159"]["response_due"] == "2020-01-06"
    assert rows["18159"]["outcome"] == "partial"
    luc = rows["18160"]
    assert luc["kind"] == "personal" and luc["accommodation"] is True
    assert luc["clock_starts_on"] == "2024-05-23"
    assert luc["extended"] is True
    assert luc["decision_due"] == "2024-06-22"  # 23 May + 30 days, a Saturday (open)
    assert json.loads(ws.ok("request", "show", "18159", "--json"))["articles"] == ["53", "54"]


def test_xlsx_register(ws: Workspace, tmp_path: Path) -> None:
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["received", "requester", "subject", "ref"])
    sheet.append([datetime(2024, 3, 9), "Marie Exemple", "les procès-verbaux", 501])
    path = tmp_path / "registre.xlsx"
    book.save(path)
    ws.ok("request", "import", str(path))
    view = json.loads(ws.ok("request", "show", "501", "--json", "--as-of", "2024-03-10"))
    assert view["response_due"] == "2024-03-30"  # 29 March 2024 is Good Friday; Saturday open


def test_one_bad_row_imports_nothing_and_names_its_line(ws: Workspace, tmp_path: Path) -> None:
    register = tmp_path / "registre.csv"
    register.write_text(
        HEADER
        + ",2024-05-17,,A,,s,documents,,,,,\n"
        + ",2024-05-17,,B,,s,documents,,,,,\n"
        + ",2024-05-17,2024-05-01,C,,s,documents,,,,,\n",
        encoding="utf-8",
    )
    before = ws.snapshot()
    result = ws.run("request", "import", str(register))
    assert result.exit_code == 1
    assert "registre.csv, line 4:" in result.stderr
    assert result.stderr.count("\n") == 1
    assert ws.snapshot() == before


def test_error_names_the_files_own_line_past_blank_lines_and_multiline_cells(
    ws: Workspace, tmp_path: Path
) -> None:
    register = tmp_path / "registre.csv"
    register.write_text(
        "received,requester,address,subject\n"  # line 1
        "\n"  # line 2, blank
        '2024-05-17,A,"1 rue Principale\nQuébec",s\n'  # lines 3-4, one record
        "\n"  # line 5, blank
        "2024-02-30,B,,t\n",  # line 6: no such day
        encoding="utf-8",
    )
    result = ws.run("request", "import", str(register))
    assert result.exit_code == 2
    assert result.stderr.startswith("atip: registre.csv, line 6: ")


def test_xlsx_error_names_the_sheet_row(ws: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["received", "requester", "subject"])
    sheet.append([None, None, None])  # row 2, empty
    sheet.append(["2024-05-17", "A", "s"])
    sheet.append(["17 mai", "B", "t"])  # row 4: no year
    path = tmp_path / "registre.xlsx"
    book.save(path)
    result = ws.run("request", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("atip: registre.xlsx, row 4: ")


def test_duplicate_reference_against_the_register(ws: Workspace, tmp_path: Path) -> None:
    ws.new("--ref", "77", "--received", "2024-05-17", "--requester", "A", "--subject", "s")
    register = tmp_path / "r.csv"
    register.write_text("ref,received,requester,subject\n77,2024-05-18,B,t\n", encoding="utf-8")
    before = ws.snapshot()
    result = ws.run("request", "import", str(register))
    assert result.exit_code == 1
    assert "reference '77' already exists" in result.stderr
    assert ws.snapshot() == before


def test_proclaimed_holiday_in_atip_toml_moves_stored_dates(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    assert json.loads(ws.ok("request", "show", ref, "--json"))["response_due"] == "2024-06-06"
    config = ws.path / "atip.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[deadlines.proclaimed]\n2024-06-06 = "Jour de deuil national (décret)"\n',
        encoding="utf-8",
    )
    view = json.loads(ws.ok("request", "show", ref, "--json", "--as-of", "2024-06-01"))
    assert view["response_due"] == "2024-06-07"
    assert any("Jour de deuil national" in s for s in view["explain"])
    listed = json.loads(
        ws.ok("request", "list", "--due-within", "6", "--json", "--as-of", "2024-06-01")
    )
    assert [r["decision_due"] for r in listed] == ["2024-06-07"]  # the stored column moved too


def test_review_body_calendar_setting(ws: Workspace) -> None:
    config = ws.path / "atip.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'review_calendar = "law"', 'review_calendar = "review-body"'
        ),
        encoding="utf-8",
    )
    ref = ws.new("--received", "2019-12-16", "--requester", "A", "--subject", "s")
    ws.ok("request", "decide", ref, "--on", "2020-02-06", "--outcome", "granted")
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    # 7 March 2020 is a Saturday: closed for the Commission (A-2.1, r. 6, a. 2)
    assert view["review_deadline"] == "2020-03-09"
