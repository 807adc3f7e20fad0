"""Reports in the interface language: the labels of the annual table and CSV follow it, JSON
never changes with it, and the annual PDF is a French document in both languages."""

from __future__ import annotations

import pytest

from atip import i18n
from atip.reports.annual import FIGURES, annual_rows
from tests.conftest import Workspace

FY = "2023-2024"
NBSP = "\u00a0"
# The labels the table always had in French: the French catalog must give exactly these.
FRENCH_LABELS = [
    "Demandes reçues",
    "Demandes traitées",
    "En cours de traitement",
    "Retirées par le requérant",
    "Sans décision après le délai (refus présumé, a. 52)",
    "Traitées dans les 20 jours",
    "Traitées de 21 à 30 jours",
    "Traitées après plus de 30 jours",
    "Acceptées",
    "Partiellement acceptées",
    "Refusées",
    "Autres (non détenus, transférées)",
    "Autres\u00a0: documents non détenus",
    "Autres\u00a0: transférées à un autre organisme (a. 48)",
    "Mesures d’accommodement raisonnables",
    "Demandes de révision à la Commission",
    "Entrées annulées (erreurs, comptées nulle part)",
]


@pytest.fixture
def year(ws: Workspace) -> Workspace:
    """Three documents requests of 2023-2024 (one refused under a. 53 and 54) and one personal."""

    def new(received: str, kind: str = "documents") -> str:
        return ws.new("--received", received, "--requester", "A", "--subject", "s", "--kind", kind)

    a = new("2023-05-01")
    ws.ok("request", "decide", a, "--on", "2023-05-10", "--outcome", "granted")
    b = new("2023-06-01")
    ws.ok(
        "request", "decide", b, "--on", "2023-06-15", "--outcome", "refused",
        "--articles", "53,54",
    )  # fmt: skip
    new("2024-03-20")
    new("2023-09-01", kind="personal")
    # Mon 15 January 2024 -> 5 February: open on 30 June, a deemed refusal.
    new("2024-01-15")
    return ws


def run_in(ws: Workspace, language: str, *args: str) -> str:
    """stdout of a successful run with the interface in `language`."""
    with pytest.MonkeyPatch.context() as mp:
        if language == "fr":
            mp.delenv("ATIP_LANG", raising=False)
        else:
            mp.setenv("ATIP_LANG", language)
        return ws.ok(*args)


def annual(ws: Workspace, language: str, fmt: str) -> str:
    return run_in(
        ws, language, "report", "annual", "--fiscal-year", FY, "--format", fmt,
        "--as-of", "2024-06-30",
    )  # fmt: skip


def test_annual_rows_give_todays_french_labels(french: None) -> None:
    report = {
        kind: {
            "received": 0, "decided": 0, "pending": 0, "withdrawn": 0, "deemed_refusals": 0,
            "within_20_days": 0, "within_30_days": 0, "beyond_30_days": 0,
            "outcomes": {"granted": 0, "partial": 0, "refused": 0, "other": 0},
            "articles": {"53": 1, "16.1": 2}, "accommodations": 0, "reviews": 0,
        }
        for kind in ("documents", "personal", "rectification")
    }  # fmt: skip
    rows = annual_rows(report)
    assert [label for _key, label, *_counts in rows] == [
        *FRENCH_LABELS,
        "Article 16.1 invoqué",
        "Article 53 invoqué",
    ]
    i18n.set_language("en")
    english = annual_rows(report)
    assert [label for _key, label, *_counts in english][: len(FIGURES)] == [
        label for _key, label in FIGURES
    ]
    assert english[-1][1] == "Article 53 invoked"
    # the keys are codes: the same in both languages
    assert [row[0] for row in english] == [row[0] for row in rows]


def test_annual_table_in_french(year: Workspace) -> None:
    table = annual(year, "fr", "table")
    for label in FRENCH_LABELS:
        assert label in table, label
    assert "Article 53 invoqué" in table and "Article 54 invoqué" in table
    for english in ("Requests received", "Processed within 20 days", "invoked", "Refused"):
        assert english not in table


def test_annual_table_heads_in_french(year: Workspace) -> None:
    # The title and the column heads (atip.cli.report, cli.po) follow the language too.
    table = annual(year, "fr", "table")
    assert "Renseignements personnels" in table
    assert "Personal information" not in table and "Fiscal year" not in table


def test_annual_table_in_english(year: Workspace) -> None:
    table = annual(year, "en", "table")
    for label in (
        "Requests received",
        "Requests processed",
        "Processed within 20 days",
        "No decision after the time limit (deemed refusal, a. 52)",
        "Refused",
        "Article 53 invoked",
    ):
        assert label in table, label
    for french in ("Demandes reçues", "Traitées", "invoqué", "Refusées"):
        assert french not in table


def test_annual_csv_rows_are_codes_in_both_languages(year: Workspace) -> None:
    english = annual(year, "en", "csv").splitlines()
    french = annual(year, "fr", "csv").splitlines()
    assert english[0] == "item,documents,personal,rectification"
    assert french[1:] == english[1:]  # the rows: codes and counts
    assert "received,4,1,0" in french and "articles.53,1,0,0" in french


def test_annual_csv_header_in_french(year: Workspace) -> None:
    # The header (atip.cli.report, cli.po) is read by a clerk: it follows the language.
    header = annual(year, "fr", "csv").splitlines()[0]
    assert header != "item,documents,personal,rectification"
    assert len(header.split(",")) == 4


def test_annual_json_is_the_same_in_both_languages(year: Workspace) -> None:
    assert annual(year, "fr", "json") == annual(year, "en", "json")


def test_deadlines_json_is_the_same_in_both_languages(year: Workspace) -> None:
    args = ("report", "deadlines", "--as-of", "2024-04-01", "--format", "json")
    french = run_in(year, "fr", *args)
    assert french == run_in(year, "en", *args)
    assert '"status": "overdue"' in french


def test_a_bad_fiscal_year_is_refused_in_french(sqlite_ws: Workspace, french: None) -> None:
    result = sqlite_ws.run("report", "annual", "--fiscal-year", "2023")
    assert result.exit_code == 2
    assert f"exercice financier invalide «{NBSP}2023{NBSP}»{NBSP}: deux années consécutives" in (
        result.stderr
    )
