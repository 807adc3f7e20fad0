"""`atip report deadlines` and `atip report annual`, on registers whose figures were counted by hand.

Every date below is computed by hand from the law: 20 days after receipt (A-2.1, a. 47), 30 with
the extension, a period ending on a jour férié moved to the next day (Loi d'interprétation,
a. 52 and 61 (23°): Sundays, Journée nationale des patriotes, 1 July…); Saturdays are not fériés.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import Workspace

FY = "2023-2024"


def new(ws: Workspace, received: str, *extra: str, kind: str = "documents") -> str:
    return ws.new(
        "--received", received, "--requester", "A", "--subject", "s", "--kind", kind, *extra
    )


def decide(ws: Workspace, ref: str, on: str, outcome: str, *extra: str) -> None:
    ws.ok("request", "decide", ref, "--on", on, "--outcome", outcome, *extra)


@pytest.fixture
def year(ws: Workspace) -> Workspace:
    """Fiscal year 2023-2024 (1 April 2023 to 31 March 2024) and its neighbours."""
    # Received Fri 31 March 2023: the previous fiscal year.
    a = new(ws, "2023-03-31")
    decide(ws, a, "2023-04-12", "granted")
    # Sat 1 April 2023 (first day of the year): +20 = Fri 21 April. Decided that very day.
    b = new(ws, "2023-04-01")
    decide(ws, b, "2023-04-21", "granted")
    # Mon 1 May: +20 = Sun 21 May -> Mon 22 (patriotes) -> Tue 23 May; +30 = Wed 31 May.
    # Extended, decided 30 May: after response_due, before extended_due.
    c = new(ws, "2023-05-01")
    ws.ok("request", "extend", c, "--on", "2023-05-15")
    decide(ws, c, "2023-05-30", "partial", "--articles", "53,54")
    # Thu 1 June: +20 = Wed 21 June; +30 = Sat 1 July (Fête du Canada) -> Sun 2 -> Mon 3 July.
    # Not extended, decided on 3 July: still "within 30 days" (on or before extended_due).
    d = new(ws, "2023-06-01")
    decide(ws, d, "2023-07-03", "refused", "--articles", "53")
    ws.ok("request", "review", d, "--filed", "2023-07-20")
    # Tue 1 August: +20 = Mon 21 August; +30 = Thu 31 August. Extended, decided 1 September:
    # beyond 30 days. A mixed decision gives access in part: counted as partially accepted.
    e = new(ws, "2023-08-01")
    ws.ok("request", "extend", e, "--on", "2023-08-15")
    decide(ws, e, "2023-09-01", "mixed", "--articles", "54")
    # Thu 1 February 2024, with accommodation: +20 = Wed 21 February; decided on the 15th.
    f = new(ws, "2024-02-01", "--accommodation")
    decide(ws, f, "2024-02-15", "refused", "--articles", "53,54")
    # Mon 15 January 2024: +20 = Sun 4 February -> Mon 5 February. Never decided: a deemed
    # refusal (a. 52), taken to the Commission on 1 March.
    h = new(ws, "2024-01-15")
    ws.ok("request", "review", h, "--filed", "2024-03-01")
    # Personal information. Sun 31 March 2024 (last day of the year), with accommodation:
    # +20 = Sat 20 April (not férié). Not held, decided 10 April: within 20 days.
    p1 = new(ws, "2024-03-31", "--accommodation", kind="personal")
    decide(ws, p1, "2024-04-10", "not-held", "--articles", "1")
    # Fri 10 November 2023: +20 = Thu 30 November; +30 = Sun 10 December -> Mon 11 December.
    # Referred on 1 December: within 30 days.
    p2 = new(ws, "2023-11-10", kind="personal")
    decide(ws, p2, "2023-12-01", "referred", "--referral-body", "Retraite Québec")
    # Wed 20 March 2024: +20 = Tue 9 April. Never decided.
    new(ws, "2024-03-20", kind="personal")
    # Mon 1 April 2024 (Easter Monday): the next fiscal year.
    g = new(ws, "2024-04-01", kind="personal")
    decide(ws, g, "2024-04-02", "granted")
    return ws


EXPECTED_DOCUMENTS = {
    "received": 6,  # b c d e f h
    "decided": 5,
    "pending": 1,  # h
    "withdrawn": 0,
    "deemed_refusals": 1,  # h, due 5 February 2024
    "within_20_days": 2,  # b (on the due date itself), f
    "within_30_days": 2,  # c (extended), d (not extended)
    "beyond_30_days": 1,  # e
    "outcomes": {"granted": 1, "partial": 2, "refused": 2, "other": 0},
    "other_breakdown": {"not_held": 0, "referred": 0, "withdrawn": 0},
    "articles": {"53": 3, "54": 3},  # c 53,54; d 53; e 54; f 53,54
    "accommodations": 1,  # f
    "reviews": 2,  # d, and h's deemed refusal
    "void": 0,
}
EXPECTED_PERSONAL = {
    "received": 3,  # p1 (31 March), p2, p3
    "decided": 2,
    "pending": 1,
    "withdrawn": 0,
    "deemed_refusals": 1,  # p3, due 9 April 2024, as of 30 June 2024
    "within_20_days": 1,  # p1
    "within_30_days": 1,  # p2
    "beyond_30_days": 0,
    "outcomes": {"granted": 0, "partial": 0, "refused": 0, "other": 2},  # not-held, referred
    "other_breakdown": {"not_held": 1, "referred": 1, "withdrawn": 0},  # p1, p2
    "articles": {"1": 1},
    "accommodations": 1,
    "reviews": 0,
    "void": 0,
}


EMPTY = {
    "received": 0,
    "decided": 0,
    "pending": 0,
    "withdrawn": 0,
    "deemed_refusals": 0,
    "within_20_days": 0,
    "within_30_days": 0,
    "beyond_30_days": 0,
    "outcomes": {"granted": 0, "partial": 0, "refused": 0, "other": 0},
    "other_breakdown": {"not_held": 0, "referred": 0, "withdrawn": 0},
    "articles": {},
    "accommodations": 0,
    "reviews": 0,
    "void": 0,
}
NO_STATEMENTS = {"section_iii": {"published_on": None, "statement": None}, "activities": None}


def annual_json(ws: Workspace, *extra: str) -> dict:
    return json.loads(ws.ok("report", "annual", "--fiscal-year", FY, "--format", "json", *extra))


def test_annual_json_matches_the_hand_counts(year: Workspace) -> None:
    data = annual_json(year, "--as-of", "2024-06-30")
    assert data == {
        "fiscal_year": FY,
        "documents": EXPECTED_DOCUMENTS,
        "personal": EXPECTED_PERSONAL,
        "rectification": EMPTY,
        **NO_STATEMENTS,
    }


def test_deemed_refusals_are_counted_as_of_the_date_given(year: Workspace) -> None:
    # On 5 April 2024, p3 (due 9 April) is still within its time; h (due 5 February) is not.
    data = annual_json(year, "--as-of", "2024-04-05")
    assert data["documents"]["deemed_refusals"] == 1
    assert data["personal"]["deemed_refusals"] == 0
    # On h's due date itself nothing is late yet: the day counts in the period.
    assert annual_json(year, "--as-of", "2024-02-05")["documents"]["deemed_refusals"] == 0


def test_the_neighbouring_years_hold_their_edge_requests(year: Workspace) -> None:
    before = json.loads(
        year.ok("report", "annual", "--fiscal-year", "2022-2023", "--format", "json")
    )
    after = json.loads(
        year.ok("report", "annual", "--fiscal-year", "2024-2025", "--format", "json")
    )
    assert (before["documents"]["received"], before["personal"]["received"]) == (1, 0)  # 31 March
    assert (after["documents"]["received"], after["personal"]["received"]) == (0, 1)  # 1 April
    assert before["documents"]["within_20_days"] == 1
    assert after["personal"]["outcomes"]["granted"] == 1


def test_an_empty_year_has_every_key_at_zero(sqlite_ws: Workspace) -> None:
    data = json.loads(
        sqlite_ws.ok("report", "annual", "--fiscal-year", "2030-2031", "--format", "json")
    )
    assert set(data) == {
        "fiscal_year", "documents", "personal", "rectification", "section_iii", "activities"
    }  # fmt: skip
    for kind in ("documents", "personal", "rectification"):
        assert data[kind] == EMPTY


def test_annual_csv_and_table(year: Workspace) -> None:
    rows = year.ok(
        "report", "annual", "--fiscal-year", FY, "--format", "csv", "--as-of", "2024-06-30"
    )
    lines = rows.splitlines()
    assert lines[0] == "item,documents,personal,rectification"
    for line in (
        "received,6,3,0",
        "within_20_days,2,1,0",
        "within_30_days,2,1,0",
        "beyond_30_days,1,0,0",
        "outcomes.partial,2,0,0",
        "outcomes.other,0,2,0",
        "other_breakdown.not_held,0,1,0",
        "other_breakdown.referred,0,1,0",
        "accommodations,1,1,0",
        "reviews,2,0,0",
        "void,0,0,0",
        "articles.1,0,1,0",
        "articles.53,3,0,0",
        "articles.54,3,0,0",
    ):
        assert line in lines
    # articles in the Act's order, after the figures
    assert lines.index("articles.1,0,1,0") < lines.index("articles.53,3,0,0")
    table = year.ok("report", "annual", "--fiscal-year", FY)
    assert "Requests received" in table and "Processed within 20 days" in table
    assert re.search(r"Requests received\s*│\s*6\s*│\s*3\s*│\s*0", table)


def test_annual_to_a_file(year: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "bilan.json"
    printed = year.ok(
        "report", "annual", "--fiscal-year", FY, "--format", "json", "--out", str(out)
    )
    assert printed.strip() == str(out)
    assert json.loads(out.read_text(encoding="utf-8"))["documents"]["received"] == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bilan.json", "ws"]  # no temporary


def test_annual_pdf(year: Workspace, tmp_path: Path) -> None:
    settings = year.path / "atip.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            'name = "Organisme public"', 'name = "Ministère de l\'Exemple et des Essais"'
        ),
        encoding="utf-8",
    )
    out = tmp_path / "bilan.pdf"
    printed = year.ok(
        "report", "annual", "--fiscal-year", FY, "--format", "pdf", "--out", str(out),
        "--as-of", "2024-06-30",
    )  # fmt: skip
    assert printed.strip() == str(out)
    text = " ".join(pdftotext(out, "-layout").split())
    assert "Bilan des demandes d’accès — exercice 2023-2024" in text
    assert "Ministère de l’Exemple et des Essais" in text
    assert "du 1er avril 2023 au 31 mars 2024" in text
    # documents, personal, total: the hand counts
    for row in (
        "Demandes reçues 6 3 0 9",
        "Demandes traitées 5 2 0 7",
        "20 jours ou moins 2 1 0 3",
        "De 21 à 30 jours (prolongation de 10 jours) 2 1 0 3",
        "Plus de 30 jours 1 0 0 1",
        "Partiellement acceptées 2 0 0 2",
        "dont documents non détenus 0 1 0 1",
        "dont transférées à un autre organisme (art. 48) 0 1 0 1",
        "Demandes retirées par le requérant (désistement) 0 0 0 0",
        "Article 53 3 0 0 3",
        "Article 1 0 1 0 1",
        "Demandes reçues par mois",
    ):
        assert row in text, row
    assert 1 <= pdf_pages(out) <= 2
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all("LiberationSerif" in n for n in names), names


def test_annual_pdf_with_many_articles_stays_within_two_pages(tmp_path: Path) -> None:
    from datetime import date

    from atip.reports.annual_pdf import annual_pdf
    from atip.resources import search_path

    figures = dict(EXPECTED_DOCUMENTS, articles={str(n): n for n in range(1, 61)})
    report = {"fiscal_year": FY, "documents": figures, "personal": EXPECTED_PERSONAL}
    months = {"documents": [10] * 12, "personal": [3] * 12}
    out = tmp_path / "long.pdf"
    out.write_bytes(
        annual_pdf(report, months, "Organisme", search_path("templates", None), date(2024, 6, 30))
    )
    assert pdf_pages(out) == 2
    text = " ".join(pdftotext(out, "-layout").split())
    assert "Tableau 2 — Dispositions de la Loi invoquées" in text


def test_monthly_counts_start_in_april(year: Workspace) -> None:
    from atip.register import sql
    from atip.register.annual_counts import monthly_received

    url = year.env.get("ATIP_DATABASE_URL") or f"sqlite:///{year.path / 'db' / 'atip.sqlite'}"
    with sql.connect(url) as conn:
        months = monthly_received(conn, FY)
    # documents: April (b), May (c), June (d), August (e), January (h), February (f)
    assert months["documents"] == [1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0]
    # personal: November (p2), March (p1 on the 31st, p3)
    assert months["personal"] == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2]


@pytest.mark.parametrize(
    "label", ["2023-2025", "2023", "abcd-efgh", "2024-2023", "2023-24", "２０２３-２０２４", ""]
)
def test_bad_fiscal_year(sqlite_ws: Workspace, label: str) -> None:
    result = sqlite_ws.run("report", "annual", "--fiscal-year", label)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "expected two consecutive years" in result.stderr


def test_table_format_takes_no_out_file(sqlite_ws: Workspace, tmp_path: Path) -> None:
    for args in (("deadlines",), ("annual", "--fiscal-year", FY)):
        result = sqlite_ws.run("report", *args, "--out", str(tmp_path / "x"))
        assert result.exit_code == 2
        assert "--out" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_annual_is_aggregated_in_sql_on_a_large_register(sqlite_ws: Workspace) -> None:
    """100,000 requests written straight into the database: counts right, and fast."""
    import sqlite3
    from datetime import date, timedelta

    path = sqlite_ws.path / "db" / "atip.sqlite"
    sqlite_ws.ok("report", "annual", "--fiscal-year", FY)  # rules fingerprint stored first
    start = date(2023, 4, 1)
    rows = []
    for n in range(100_000):
        received = start + timedelta(days=n % 366)  # 2023-04-01 .. 2024-03-31 (leap year)
        due = received + timedelta(days=20)
        # a quarter each: within 20 days, within 30, beyond 30, undecided
        offset = (5, 25, 40, None)[n % 4]
        decided = received + timedelta(days=offset) if offset is not None else None
        rows.append(
            (f"B{n}", "personal" if n % 5 == 0 else "documents", received, due,
             received + timedelta(days=30), due, decided, "granted" if decided else None,
             n % 10 == 0)
        )  # fmt: skip
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO requests (reference, kind, subject, accommodation, received_on, "
            "keep_clock, clock_starts_on, response_due, extended_due, decision_due, "
            "review_deadline, created_at, decided_on, outcome) VALUES "
            "(?, ?, 's', ?, ?, 0, ?, ?, ?, ?, ?, '2024-01-01 00:00:00', ?, ?)",
            [
                (
                    r,
                    k,
                    acc,
                    *(str(d) for d in (rec, rec, due, ext, dd, dd)),
                    str(dec) if dec else None,
                    out,
                )
                for r, k, rec, due, ext, dd, dec, out, acc in rows
            ],
        )
    started = time.perf_counter()
    data = annual_json(sqlite_ws, "--as-of", "2025-01-01")
    elapsed = time.perf_counter() - started
    docs, personal = data["documents"], data["personal"]
    assert docs["received"] + personal["received"] == 100_000
    assert personal["received"] == 20_000  # n % 5 == 0
    total = {
        k: docs[k] + personal[k] for k in ("within_20_days", "within_30_days", "beyond_30_days")
    }
    assert total == {"within_20_days": 25_000, "within_30_days": 25_000, "beyond_30_days": 25_000}
    assert docs["pending"] + personal["pending"] == 25_000
    assert docs["deemed_refusals"] + personal["deemed_refusals"] == 25_000
    assert docs["accommodations"] + personal["accommodations"] == 10_000
    assert elapsed < 3.0, elapsed


# --------------------------------------------------------------------------- deadlines


def open_register(ws: Workspace) -> dict[str, str]:
    refs = {
        # Mon 15 January 2024: +20 = Sun 4 February -> Mon 5 February
        "late": new(ws, "2024-01-15"),
        # Thu 25 January: +20 = Wed 14 February
        "soon": new(ws, "2024-01-25"),
        # Mon 5 February: +20 = Sun 25 February -> Mon 26 February
        "later": new(ws, "2024-02-05"),
        # Mon 22 January: +20 = Sun 11 February -> Mon 12; extended on 1 February:
        # +30 = Wed 21 February
        "extended": new(ws, "2024-01-22"),
        "done": new(ws, "2024-01-20"),
    }
    ws.ok("request", "extend", refs["extended"], "--on", "2024-02-01")
    decide(ws, refs["done"], "2024-02-01", "granted")
    return refs


def deadlines_json(ws: Workspace, as_of: str = "2024-02-10", *extra: str) -> list[dict]:
    return json.loads(ws.ok("report", "deadlines", "--as-of", as_of, "--format", "json", *extra))


def test_deadlines_late_first_then_due_soonest(ws: Workspace) -> None:
    refs = open_register(ws)
    rows = deadlines_json(ws)
    assert [(r["reference"], r["status"], r["decision_due"], r["days_left"]) for r in rows] == [
        (refs["late"], "overdue", "2024-02-05", -5),
        (refs["soon"], "open", "2024-02-14", 4),
        (refs["extended"], "extended", "2024-02-21", 11),
        (refs["later"], "open", "2024-02-26", 16),
        # decided on 1 February: the requester's review period runs (+30 = Sat 2 March)
        (refs["done"], "decided", "2024-02-09", -1),
    ]
    assert rows[0]["deemed_refusal"] is True and rows[1]["deemed_refusal"] is False
    assert {r["kind"] for r in rows} == {"documents"}
    assert rows[0]["received_on"] == "2024-01-15"


def test_deadlines_agree_with_request_list(ws: Workspace) -> None:
    open_register(ws)
    for as_of in ("2024-02-05", "2024-02-10", "2024-02-21", "2024-03-01"):
        rows = deadlines_json(ws, as_of)

        def listed(*flags: str, as_of: str = as_of) -> list[tuple]:
            out = ws.ok("request", "list", *flags, "--json", "--as-of", as_of)
            return [(r["reference"], r["status"], r["decision_due"], r["days_left"])
                    for r in json.loads(out)]  # fmt: skip

        mine = [(r["reference"], r["status"], r["decision_due"], r["days_left"]) for r in rows
                if r["status"] not in ("decided", "closed")]  # fmt: skip
        assert listed("--open") == mine
        assert listed("--overdue") == [r for r in mine if r[3] < 0]
        assert listed("--due-within", "5") == [r for r in mine if 0 <= r[3] <= 5]


DUES = ("2024-02-05", "2024-02-14", "2024-02-26")  # late, soon, later


def test_deadlines_table_colours_late_red_and_soon_yellow(ws: Workspace) -> None:
    refs = open_register(ws)
    coloured = replace(ws, env={**ws.env, "FORCE_COLOR": "1", "TERM": "xterm", "NO_COLOR": ""})
    table = coloured.ok("report", "deadlines", "--as-of", "2024-02-10")
    rows = table.splitlines()
    late, soon, later = (next(r for r in rows if due in r) for due in DUES)  # one line each
    assert "\x1b[1;31m" in late  # bold red
    assert "\x1b[33m" in soon  # yellow: due within 5 days
    assert re.findall(r"\x1b\[[0-9;]*m", later) in ([], ["\x1b[0m"])  # no colour
    plain = ws.ok("report", "deadlines", "--as-of", "2024-02-10")
    assert plain.index("2024-02-05") < plain.index("2024-02-14") < plain.index("2024-02-26")
    # the decided file shows only its review clock (a. 135)
    done = [line for line in plain.splitlines() if re.match(rf"│ {refs['done']}\s", line)]
    assert len(done) == 1 and "a. 135" in done[0] and "2024-03-02" in done[0]
    assert "overdue" in plain


def test_deadlines_csv_and_out_file(ws: Workspace, tmp_path: Path) -> None:
    refs = open_register(ws)
    lines = ws.ok("report", "deadlines", "--as-of", "2024-02-10", "--format", "csv").splitlines()
    assert lines[0] == (
        "reference,status,kind,received_on,decision_due,days_left,deemed_refusal,"
        "clock,article,due,clock_days_left"
    )
    # one line per clock, the file's columns first
    late = f"{refs['late']},overdue,documents,2024-01-15,2024-02-05,-5,True"
    assert lines[1:4] == [
        f"{late},response,a. 47 al. 1,2024-02-05,-5",
        f'{late},decision,"a. 47 al. 1, a. 52",2024-02-05,-5',
        f"{late},review,a. 135,2024-03-06,25",
    ]
    assert len(lines) == 1 + sum(len(r["clocks"]) for r in deadlines_json(ws))
    out = tmp_path / "due.json"
    printed = ws.ok(
        "report", "deadlines", "--as-of", "2024-02-10", "--format", "json", "--out", str(out)
    )
    assert printed.strip() == str(out)
    assert json.loads(out.read_text(encoding="utf-8")) == deadlines_json(ws)


def test_deadlines_follow_a_holiday_proclaimed_in_atip_toml(ws: Workspace) -> None:
    refs = open_register(ws)
    config = ws.path / "atip.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[deadlines.proclaimed]\n2024-02-14 = "Jour proclamé pour essai"\n',
        encoding="utf-8",
    )
    # The report is the first command after the change: it must not read stale dates.
    rows = {r["reference"]: r for r in deadlines_json(ws)}
    assert rows[refs["soon"]]["decision_due"] == "2024-02-15"
    assert rows[refs["soon"]]["days_left"] == 5


def test_no_open_request(sqlite_ws: Workspace) -> None:
    assert deadlines_json(sqlite_ws) == []
    assert sqlite_ws.ok("report", "deadlines", "--format", "csv").splitlines() == [
        "reference,status,kind,received_on,decision_due,days_left,deemed_refusal,"
        "clock,article,due,clock_days_left"
    ]
    assert "No request matches." in sqlite_ws.ok("report", "deadlines")


def pdftotext(path: Path, *flags: str) -> str:
    return subprocess.run(
        ["pdftotext", *flags, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])  # type: ignore[index]
