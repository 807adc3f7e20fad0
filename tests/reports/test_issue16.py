"""Issue 16: the Règlement's annual items, every clock, the as-of view and Excel.

Each count below is known by construction; each date is computed by hand (A-2.1, a. 47, 49, 98,
135; Loi d'interprétation, a. 52 and 61: Sundays and jours fériés move a period's end).
"""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Workspace

FY = "2023-2024"


def new(ws: Workspace, received: str, kind: str = "documents", *extra: str) -> str:
    return ws.new(
        "--received", received, "--requester", "A", "--subject", "s", "--kind", kind, *extra
    )


def decide(ws: Workspace, ref: str, on: str, outcome: str, *extra: str) -> None:
    ws.ok("request", "decide", ref, "--on", on, "--outcome", outcome, *extra)


@pytest.fixture
def register(ws: Workspace) -> Workspace:
    # documents: one granted, one not held, one referred, one withdrawn, one void
    decide(ws, new(ws, "2023-05-01"), "2023-05-10", "granted")
    decide(ws, new(ws, "2023-06-01"), "2023-06-05", "not-held")
    decide(ws, new(ws, "2023-07-04"), "2023-07-10", "referred", "--referral-body", "Autre")
    ws.ok("request", "withdraw", new(ws, "2023-08-01"), "--on", "2023-08-03")
    ws.ok("request", "void", new(ws, "2023-09-01"), "--why", "doublon")
    # rectification (a. 89, time limits of a. 98): one refused under a. 53, one pending
    decide(ws, new(ws, "2023-10-02", "rectification"), "2023-10-20", "refused", "--articles", "53")
    new(ws, "2024-03-01", "rectification")
    return ws


def annual(ws: Workspace, *extra: str) -> dict:
    return json.loads(
        ws.ok("report", "annual", "--fiscal-year", FY, "--format", "json", "--as-of",
              "2024-06-30", *extra)
    )  # fmt: skip


def test_each_annual_line_is_known_by_construction(register: Workspace) -> None:
    data = annual(register)
    docs, rect = data["documents"], data["rectification"]
    assert docs["received"] == 4  # the void entry is in no count
    assert docs["void"] == 1
    assert (docs["decided"], docs["withdrawn"], docs["pending"]) == (3, 1, 0)
    assert docs["outcomes"] == {"granted": 1, "partial": 0, "refused": 0, "other": 2}
    assert docs["other_breakdown"] == {"not_held": 1, "referred": 1, "withdrawn": 1}
    assert rect["received"] == 2 and rect["decided"] == 1 and rect["pending"] == 1
    assert rect["outcomes"]["refused"] == 1 and rect["articles"] == {"53": 1}
    # Sat 2 March + 20 = Thu 21 March 2024: a deemed refusal by 30 June
    assert rect["deemed_refusals"] == 1
    assert data["personal"]["received"] == 0
    assert data["section_iii"] == {"published_on": None, "statement": None}
    assert data["activities"] is None
    csv = register.ok("report", "annual", "--fiscal-year", FY, "--format", "csv").splitlines()
    assert "received,4,0,2" in csv and "void,1,0,0" in csv and "withdrawn,1,0,0" in csv
    assert "other_breakdown.not_held,1,0,0" in csv and "articles.53,0,0,1" in csv


def configure(ws: Workspace, text: str) -> None:
    config = ws.path / "atip.toml"
    config.write_text(config.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_section_iii_and_activities_come_from_atip_toml(
    register: Workspace, tmp_path: Path
) -> None:
    (register.path / "activites.txt").write_text(
        "Formation de 12 employés sur l'accès.\n\nMise à jour du plan de classification.\n",
        encoding="utf-8",
    )
    text = register.path / "atip.toml"
    text.write_text(
        text.read_text(encoding="utf-8").replace(
            "[reports]\n",
            '[reports]\nsection_iii_published_on = 2024-03-28\nactivities_file = "activites.txt"\n',
        ),
        encoding="utf-8",
    )
    data = annual(register)
    assert data["section_iii"]["published_on"] == "2024-03-28"
    assert "section III" in data["section_iii"]["statement"]
    assert "28 mars 2024" in data["section_iii"]["statement"]
    assert data["activities"].startswith("Formation de 12 employés")
    out = tmp_path / "bilan.pdf"
    register.ok("report", "annual", "--fiscal-year", FY, "--format", "pdf", "--out", str(out))
    pdf = " ".join(pdftotext(out).split())
    assert "atteste la diffusion des documents visés à la section III" in pdf
    assert "28 mars 2024" in pdf and "Formation de 12 employés" in pdf
    assert "Rectification" in pdf and "1 entrée annulée" in pdf
    assert "dont documents non détenus 1 0 0 1" in pdf


def test_a_missing_activities_file_is_one_line(register: Workspace) -> None:
    text = register.path / "atip.toml"
    text.write_text(
        text.read_text(encoding="utf-8").replace(
            "[reports]\n", '[reports]\nactivities_file = "absent.txt"\n'
        ),
        encoding="utf-8",
    )
    result = register.run("report", "annual", "--fiscal-year", FY, "--format", "json")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "activities_file" in result.stderr


def test_an_empty_year_says_so_in_the_pdf(sqlite_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "vide.pdf"
    sqlite_ws.ok("report", "annual", "--fiscal-year", "2030-2031", "--format", "pdf",
                 "--out", str(out))  # fmt: skip
    pdf = " ".join(pdftotext(out).split())
    assert "Aucune donnée : aucune demande reçue" in pdf.replace("\u00a0", " ")
    assert pdf.count("Aucune donnée pour l’exercice") == 2  # both charts
    assert "Attestation à compléter" in pdf and "Section à compléter" in pdf


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# --------------------------------------------------------------------------- every clock


def test_every_clock_of_a_file_with_its_article(ws: Workspace) -> None:
    # Mon 5 February 2024: +20 = Sun 25 -> Mon 26 February. Third party notified on the
    # 12th: observations +20 = Sun 3 March -> Mon 4 March; decision +15 = Tue 19 March.
    ref = new(ws, "2024-02-05")
    ws.ok("request", "third-party", ref, "--notified", "2024-02-12")
    rows = json.loads(ws.ok("report", "deadlines", "--as-of", "2024-02-20", "--format", "json"))
    (row,) = rows
    assert row["decision_due"] == "2024-03-19" and row["status"] == "third-party"
    assert [(c["clock"], c["due"], c["article"], c["days_left"]) for c in row["clocks"]] == [
        ("extension-notice", "2024-02-26", "a. 47 al. 2", 6),
        ("observations", "2024-03-04", "a. 49 al. 3", 13),
        ("third-party-decision", "2024-03-19", "a. 49 al. 4", 28),
        ("decision", "2024-03-19", "a. 49 al. 4", 28),
    ]


def test_a_fresh_request_has_its_notice_clocks(ws: Workspace) -> None:
    ref = new(ws, "2024-02-05")
    personal = new(ws, "2024-02-05", "personal")
    rows = {r["reference"]: r for r in json.loads(
        ws.ok("report", "deadlines", "--as-of", "2024-02-10", "--format", "json"))}  # fmt: skip
    clocks = {c["clock"]: c for c in rows[ref]["clocks"]}
    assert list(clocks) == ["response", "extension-notice", "third-party-notice", "decision"]
    assert {c["due"] for c in clocks.values()} == {"2024-02-26"}
    assert clocks["third-party-notice"]["article"] == "a. 49 al. 1"
    # personal information: a. 98, and no third-party notice
    assert [(c["clock"], c["article"]) for c in rows[personal]["clocks"]] == [
        ("response", "a. 98 al. 1"), ("extension-notice", "a. 98 al. 2"),
        ("decision", "a. 98 al. 1"),
    ]  # fmt: skip


def test_clock_filter(ws: Workspace) -> None:
    late = new(ws, "2024-01-15")  # +20 = Sun 4 -> Mon 5 February; +30 review = Wed 6 March
    done = new(ws, "2024-01-20")
    decide(ws, done, "2024-02-01", "granted")  # review: +30 = Sat 2 March
    rows = json.loads(ws.ok("report", "deadlines", "--as-of", "2024-02-10", "--format", "json",
                            "--clock", "review"))  # fmt: skip
    assert [(r["reference"], [c["due"] for c in r["clocks"]]) for r in rows] == [
        (late, ["2024-03-06"]), (done, ["2024-03-02"])
    ]  # fmt: skip
    only = json.loads(ws.ok("report", "deadlines", "--as-of", "2024-02-10", "--format", "json",
                            "--clock", "decision"))  # fmt: skip
    assert [r["reference"] for r in only] == [late]
    bad = ws.run("report", "deadlines", "--clock", "nope")
    assert bad.exit_code == 2


# --------------------------------------------------------------------------- as of a day


@pytest.fixture
def history(ws: Workspace) -> dict[str, str]:
    refs = {
        # Mon 15 January 2024: +20 = Mon 5 February; extended 1 February: +30 = Wed 14 February
        "extended": new(ws, "2024-01-15"),
        # Mon 22 January: +20 = Sun 11 -> Mon 12 February; decided 20 February (late)
        "decided": new(ws, "2024-01-22"),
        # received after the day of the view
        "later": new(ws, "2024-03-01"),
        # withdrawn on 1 March
        "withdrawn": new(ws, "2024-01-25"),
        # Thu 1 February: third party notified on the 20th
        "third": new(ws, "2024-02-01"),
    }
    ws.ok("request", "extend", refs["extended"], "--on", "2024-02-01")
    decide(ws, refs["decided"], "2024-02-20", "granted")
    ws.ok("request", "withdraw", refs["withdrawn"], "--on", "2024-03-01")
    ws.ok("request", "third-party", refs["third"], "--notified", "2024-02-20")
    return refs


def test_as_of_is_a_true_view_of_that_day(ws: Workspace, history: dict[str, str]) -> None:
    rows = json.loads(ws.ok("request", "list", "--json", "--as-of", "2024-01-31"))
    by_ref = {r["reference"]: r for r in rows}
    assert history["later"] not in by_ref and history["third"] not in by_ref
    # on 31 January nothing had happened yet: no extension, no decision, no withdrawal
    extended = by_ref[history["extended"]]
    assert (extended["status"], extended["extended"], extended["decision_due"]) == (
        "open",
        False,
        "2024-02-05",
    )
    decided = by_ref[history["decided"]]
    assert (decided["status"], decided["decided_on"], decided["outcome"]) == ("open", None, None)
    assert decided["days_left"] == 12
    assert by_ref[history["withdrawn"]]["status"] == "open"
    # on 15 February the decided one was late, and a deemed refusal
    view = json.loads(ws.ok("request", "show", history["decided"], "--json", "--as-of",
                            "2024-02-15"))  # fmt: skip
    assert (view["status"], view["deemed_refusal"], view["days_left"]) == ("overdue", True, -3)
    assert view["articles"] == [] and view["decided_on"] is None
    # the same request after its decision
    view = json.loads(ws.ok("request", "show", history["decided"], "--json", "--as-of",
                            "2024-02-21"))  # fmt: skip
    assert (view["status"], view["decided_on"]) == ("decided", "2024-02-20")
    # the third party was not notified yet on 10 February
    third = json.loads(ws.ok("request", "show", history["third"], "--json", "--as-of",
                             "2024-02-10"))  # fmt: skip
    assert third["third_party_notified_on"] is None and third["third_parties"] == []
    assert third["decision_due"] == "2024-02-21"  # Thu 1 February + 20
    # a request received after the day is not there yet
    result = ws.run("request", "show", history["later"], "--as-of", "2024-02-10")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1


def test_as_of_lists_filters_and_deadlines_agree(ws: Workspace, history: dict[str, str]) -> None:
    args = ("--json", "--as-of", "2024-02-10")
    open_rows = json.loads(ws.ok("request", "list", "--open", *args))
    # due 12 February (the decision came later), 14 February (extended; ref order), 21 February
    assert [r["reference"] for r in open_rows] == [
        history["decided"], history["extended"], history["withdrawn"], history["third"]
    ]  # fmt: skip
    due = json.loads(ws.ok("report", "deadlines", "--as-of", "2024-02-10", "--format", "json"))
    assert [r["reference"] for r in due] == [r["reference"] for r in open_rows]
    overdue = json.loads(ws.ok("request", "list", "--overdue", "--json", "--as-of", "2024-02-15"))
    # on 15 February the three due by the 14th were late; the withdrawal came on 1 March
    assert [r["reference"] for r in overdue] == [
        history["decided"], history["extended"], history["withdrawn"]
    ]  # fmt: skip
    assert {r["status"] for r in overdue} == {"overdue"}


def test_as_of_sees_the_decision_a_revision_replaced(ws: Workspace) -> None:
    ref = new(ws, "2024-01-15")
    decide(ws, ref, "2024-02-01", "refused", "--articles", "53")
    ws.ok("request", "decide", ref, "--on", "2024-03-15", "--outcome", "granted", "--revise",
          "--why", "médiation")  # fmt: skip
    before = json.loads(ws.ok("request", "show", ref, "--json", "--as-of", "2024-02-10"))
    assert (before["status"], before["decided_on"], before["outcome"]) == (
        "decided",
        "2024-02-01",
        "refused",
    )
    after = json.loads(ws.ok("request", "show", ref, "--json", "--as-of", "2024-03-20"))
    assert (after["decided_on"], after["outcome"]) == ("2024-03-15", "granted")


# --------------------------------------------------------------------------- Excel


def test_request_list_as_xlsx(ws: Workspace, history: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "liste.xlsx"
    assert ws.ok("request", "list", "--xlsx", str(out), "--as-of", "2024-02-10").strip() == str(out)
    book = load_workbook(out)
    sheet = book.active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Ref.", "Status", "Kind", "Received", "Decision due"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    first = rows[0]
    assert first[0] == history["decided"]  # due 12 February: first
    assert first[3].date() == date(2024, 1, 22)  # a real date, not text
    assert sheet.cell(row=2, column=4).number_format == "yyyy-mm-dd"
    assert isinstance(first[5], int) and sheet.cell(row=2, column=6).number_format == "0"
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFG"]
    assert all(w and w >= 10 for w in widths[3:5])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liste.xlsx", "ws"]  # no temporary


def test_xlsx_headers_in_french(ws: Workspace, history: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "liste.xlsx"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATIP_LANG", "fr")
        ws.ok("request", "list", "--xlsx", str(out), "--as-of", "2024-02-10")
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert "Ref." not in header and "Status" not in header
    assert sheet.cell(row=2, column=2).value == "ouverte"  # words, in French
    assert sheet.cell(row=3, column=2).value == "prolongée"


def test_deadlines_and_annual_as_xlsx(register: Workspace, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "delais.xlsx"
    register.ok("report", "deadlines", "--as-of", "2024-03-05", "--format", "xlsx",
                "--out", str(out))  # fmt: skip
    book = load_workbook(out)
    assert book.sheetnames == ["Clocks", "Files"]
    clocks = book["Clocks"]
    rows = list(clocks.iter_rows(min_row=2, values_only=True))
    assert rows and all(isinstance(r[5].date(), date) and isinstance(r[6], int) for r in rows)
    assert clocks.freeze_panes == "A2"
    out = tmp_path / "bilan.xlsx"
    register.ok("report", "annual", "--fiscal-year", FY, "--format", "xlsx", "--out", str(out))
    sheet = load_workbook(out)[FY]
    lines = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert lines["Requests received"] == (4, 0, 2, 6)
    assert all(isinstance(v, int) for v in lines["Requests received"])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:E{sheet.max_row}"
    result = register.run("report", "deadlines", "--format", "xlsx")
    assert result.exit_code == 2  # Excel needs a file
