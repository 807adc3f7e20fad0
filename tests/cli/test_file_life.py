"""The life of a file after day one: corrections, cancellations, revisions, withdrawal, void
entries, notes, assignment, history, third parties, fees; through the real command line.

Expected dates are worked out here from the law (a. 47, 49, 98; Loi d'interprétation a. 52 and
61 (23°)), and a corrected or cancelled fact must give exactly what a fresh request with the
right facts gives.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Workspace

DATES = (
    "received_on",
    "clarified_on",
    "clock_starts_on",
    "response_due",
    "extended",
    "extended_due",
    "third_party_notified_on",
    "observations_due",
    "observations_on",
    "third_party_due",
    "decision_due",
    "decided_on",
    "review_deadline",
    "status",
    "deemed_refusal",
    "explain",
)


def show(ws: Workspace, ref: str, *extra: str, as_of: str = "2024-09-30") -> dict:
    return json.loads(ws.ok("request", "show", ref, "--json", "--as-of", as_of, *extra))


def dates(ws: Workspace, ref: str, as_of: str = "2024-09-30") -> dict:
    view = show(ws, ref, as_of=as_of)
    return {key: view[key] for key in DATES}


def fresh(ws: Workspace, received: str, *extra: str) -> str:
    return ws.new("--received", received, "--requester", "Jeanne Fraîche", "--subject", "s", *extra)


def refused(ws: Workspace, *args: str, code: int = 1) -> str:
    """Run a command that must be refused: its one stderr line; the database untouched."""
    before = ws.snapshot()
    result = ws.run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("atip: ")
    assert "Traceback" not in result.stderr
    assert ws.snapshot() == before
    return result.stderr.removeprefix("atip: ").strip()


# ----------------------------------------------------------------------------- corrections

# (typed by mistake, the right date, response_due from the law)
CORRECTED_RECEIPTS = [
    # Sat 9 March 2024 + 20 = Fri 29 March, Good Friday: Saturday 30 March is open.
    ("2024-03-19", "2024-03-09", "2024-03-30"),
    # Tue 1 April 2025 + 20 = Mon 21 April, Easter Monday -> Tue 22 April.
    ("2025-04-11", "2025-04-01", "2025-04-22"),
    # Tue 4 June 2024 + 20 = Mon 24 June, the Fête nationale -> Tue 25 June.
    ("2024-06-14", "2024-06-04", "2024-06-25"),
    # Tue 11 June 2024 + 20 = Mon 1 July, Canada Day -> Tue 2 July.
    ("2024-06-21", "2024-06-11", "2024-07-02"),
    # Thu 12 December 2024 + 20 = Wed 1 January 2025 -> Thu 2 January.
    ("2024-12-02", "2024-12-12", "2025-01-02"),
    # Fri 9 February 2024 + 20 = Thu 29 February (a leap year).
    ("2024-02-19", "2024-02-09", "2024-02-29"),
]


@pytest.mark.parametrize(("typed", "right", "due"), CORRECTED_RECEIPTS)
def test_a_corrected_receipt_gives_the_dates_of_a_fresh_request(
    ws: Workspace, typed: str, right: str, due: str
) -> None:
    ref = ws.new("--received", typed, "--requester", "Jeanne", "--subject", "s")
    out = ws.ok("request", "correct", ref, "--received", right, "--why", "faute de frappe")
    assert out.startswith(f"{ref}: ")
    # as of a day after both receipts: a view of a day before a receipt has no such request
    assert dates(ws, ref, "2025-06-30") == dates(ws, fresh(ws, right), "2025-06-30")
    assert show(ws, ref, as_of="2025-06-30")["response_due"] == due


def test_each_corrected_value_is_one_journal_event_with_who_and_why(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-05-13", "--requester", "Jeanne", "--subject", "les contrats")
    ws.ok("request", "correct", ref, "--received", "2024-05-03", "--subject", "les baux",
          "--requester", "Jeanne Tremblay", "--email", "j@example.org", "--why", "typo")  # fmt: skip
    events = [e for e in show(ws, ref)["journal"] if e["action"] == "corrected"]
    fields = {e["field"]: e for e in events}
    assert set(fields) == {"received_on", "subject", "requester", "requester_email"}
    assert fields["received_on"]["old"] == "2024-05-13"
    assert fields["received_on"]["new"] == "2024-05-03"
    assert fields["subject"]["new"] == "les baux"
    assert all(e["why"] == "typo" and e["actor"] == "clerk-test" for e in events)
    # The requester's identity is personal information: the journal never holds it.
    journal = json.dumps(show(ws, ref)["journal"])
    assert "Jeanne Tremblay" not in journal and "j@example.org" not in journal
    assert show(ws, ref)["requester"]["name"] == "Jeanne Tremblay"


def test_a_correction_out_of_order_is_refused_naming_both_dates(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-05-10", "--requester", "Jeanne", "--subject", "s")
    ws.ok("request", "extend", ref, "--on", "2024-05-20")
    line = refused(ws, "request", "correct", ref, "--received", "2024-05-25", "--why", "x")
    assert line == "the extension date 2024-05-20 is before the clock start 2024-05-25"


def test_a_correction_needs_a_reason_and_a_value(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-05-10", "--requester", "Jeanne", "--subject", "s")
    assert "--why" in refused(ws, "request", "correct", ref, "--subject", "x", code=2)
    assert refused(ws, "request", "correct", ref, "--why", "x", code=2) == (
        "nothing to correct: give at least one value to change"
    )
    assert refused(ws, "request", "correct", ref, "--subject", "s", "--why", "x") == (
        f"request {ref} already has these values: nothing changed"
    )


def test_letters_that_show_a_corrected_value_are_named_until_reissued(
    ws: Workspace, tmp_path: Path
) -> None:
    ref = ws.new("--received", "2024-05-10", "--requester", "Jeanne", "--subject", "s")
    out = str(tmp_path / "out")
    ws.ok("letter", ref, "--kind", "acknowledgement", "--format", "docx", "--out", out)
    said = ws.ok("request", "correct", ref, "--subject", "les baux", "--why", "typo")
    assert "letters to issue again: acknowledgement" in said
    assert show(ws, ref)["letters_to_reissue"] == ["acknowledgement"]
    assert "Letters to issue again" in ws.ok("request", "show", ref)
    ws.ok("letter", ref, "--kind", "acknowledgement", "--format", "docx", "--out", out,
          "--reissue")  # fmt: skip
    assert show(ws, ref)["letters_to_reissue"] == []


# ----------------------------------------------------------------------------- cancellations


def test_a_cancelled_extension_gives_the_dates_without_it(ws: Workspace) -> None:
    # Tue 11 June 2024: +20 = Mon 1 July (Canada Day) -> 2 July; +30 = Thu 11 July.
    ref = fresh(ws, "2024-06-11")
    ws.ok("request", "extend", ref, "--on", "2024-06-20")
    assert show(ws, ref)["decision_due"] == "2024-07-11"
    ws.ok("request", "cancel", ref, "extension", "--why", "envoyé par erreur")
    assert show(ws, ref)["decision_due"] == "2024-07-02"
    assert dates(ws, ref) == dates(ws, fresh(ws, "2024-06-11"))
    actions = [(e["action"], e["field"]) for e in show(ws, ref)["journal"]]
    assert ("extended", "extended_on") in actions and ("cancelled", "extended_on") in actions


def test_a_cancelled_clarification_gives_the_dates_of_the_receipt(ws: Workspace) -> None:
    # Mon 13 May 2024 +20 = Sun 2 June -> Mon 3 June; clarified Tue 4 June: +20 = Mon 24 June
    # (Fête nationale) -> Tue 25 June.
    ref = fresh(ws, "2024-05-13", "--clarified", "2024-06-04")
    assert show(ws, ref)["response_due"] == "2024-06-25"
    ws.ok("request", "cancel", ref, "clarification", "--why", "pas une précision")
    assert show(ws, ref)["response_due"] == "2024-06-03"
    assert dates(ws, ref) == dates(ws, fresh(ws, "2024-05-13"))


def test_a_cancelled_third_party_gives_the_dates_without_it(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "third-party", ref, "--notified", "2024-05-20", "--name", "ABC inc.")
    # Notified Mon 20 May: observations by Sun 9 June -> Mon 10 June; decision 15 days on:
    # Tue 25 June.
    assert show(ws, ref)["decision_due"] == "2024-06-25"
    ws.ok("request", "cancel", ref, "third-party", "--why", "aucun tiers en cause")
    assert show(ws, ref)["third_parties"] == []
    assert dates(ws, ref) == dates(ws, fresh(ws, "2024-05-13"))


def test_a_cancelled_review_is_forgotten_but_journaled(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted")
    ws.ok("request", "review", ref, "--filed", "2024-06-10")
    ws.ok("request", "cancel", ref, "review", "--why", "mauvais dossier")
    view = show(ws, ref)
    assert view["review_filed_on"] is None
    assert [e["why"] for e in view["journal"] if e["action"] == "cancelled"] == ["mauvais dossier"]


def test_cancelling_what_was_never_recorded_is_refused(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    assert refused(ws, "request", "cancel", ref, "extension", "--why", "x") == (
        f"request {ref} has no extension to cancel"
    )


# ----------------------------------------------------------------------------- revisions


def test_a_revised_decision_replaces_the_old_one_which_stays_journaled(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok(
        "request", "decide", ref, "--on", "2024-05-30", "--outcome", "refused", "--articles", "53"
    )
    ws.ok("request", "decide", ref, "--on", "2024-07-15", "--outcome", "partial",
          "--articles", "53,54", "--revise", "--why", "après médiation")  # fmt: skip
    view = show(ws, ref)
    assert (view["outcome"], view["decided_on"], view["articles"]) == (
        "partial", "2024-07-15", ["53", "54"],
    )  # fmt: skip
    revised = {e["field"]: e for e in view["journal"] if e["action"] == "revised"}
    assert revised["outcome"]["old"] == "refused" and revised["outcome"]["new"] == "partial"
    assert revised["decided_on"]["old"] == "2024-05-30"
    assert {e["why"] for e in revised.values()} == {"après médiation"}
    # 30 days of review from the new decision (a. 135): Wed 14 August 2024.
    assert view["review_deadline"] == "2024-08-14"


def test_deciding_again_without_revise_is_refused_and_names_revise(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted")
    line = refused(ws, "request", "decide", ref, "--on", "2024-06-01", "--outcome", "granted")
    assert line.endswith("(use --revise to replace the decision)")
    assert "--why" in refused(ws, "request", "decide", ref, "--on", "2024-06-01", "--outcome",
                              "granted", "--revise", code=2)  # fmt: skip
    other = fresh(ws, "2024-05-13")
    assert refused(ws, "request", "decide", other, "--on", "2024-06-01", "--outcome", "granted",
                   "--revise", "--why", "x") == f"request {other} has no decision to revise"  # fmt: skip


def test_a_revised_decision_letter_is_due_again(ws: Workspace, tmp_path: Path) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted")
    ws.ok("letter", ref, "--kind", "decision", "--format", "docx", "--out", str(tmp_path / "o"))
    ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "not-held",
          "--revise", "--why", "erreur de recherche")  # fmt: skip
    assert "decision" in show(ws, ref)["letters_to_reissue"]


# ----------------------------------------------------------------------------- refused at the source


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--outcome", "refused"),
         "a refused decision must cite the articles that ground the refusal (a. 50): give --articles"),
        (("--outcome", "partial", "--articles", "13"),
         "a partial decision must cite the articles that ground the refusal (a. 50): give --articles"),
        (("--outcome", "referred"),
         "a referral must name the competent body (a. 48): give --referral-body"),
    ],
)  # fmt: skip
def test_a_decision_that_could_not_become_a_letter_is_refused(
    ws: Workspace, args: tuple[str, ...], line: str
) -> None:
    ref = fresh(ws, "2024-05-13")
    assert refused(ws, "request", "decide", ref, "--on", "2024-05-30", *args) == line


def test_a_decision_text_placing_a_missing_annex_is_refused(ws: Workspace, tmp_path: Path) -> None:
    ref = fresh(ws, "2024-05-13")
    body = tmp_path / "body.txt"
    body.write_text("Voici le tableau :\n\n[[annexe 2]]\n", encoding="utf-8")
    assert refused(ws, "request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted",
                   "--body", str(body)) == (
        f"the decision text of {ref} places [[annexe 2]] but the request has 0 annex(es): "
        "add it with `atip annex add` first"
    )  # fmt: skip


# ----------------------------------------------------------------------------- today


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("request", "new", "--received", "2024-07-02", "--requester", "J", "--subject", "s"),
         "the received date 2024-07-02 is after today (2024-07-01)"),
        (("request", "extend", "{ref}", "--on", "2024-07-05"),
         "the extension date 2024-07-05 is after today (2024-07-01)"),
        (("request", "decide", "{ref}", "--on", "2024-07-02", "--outcome", "granted"),
         "the decision date 2024-07-02 is after today (2024-07-01)"),
        (("request", "withdraw", "{ref}", "--on", "2024-12-31"),
         "the withdrawal date 2024-12-31 is after today (2024-07-01)"),
        (("request", "third-party", "{ref}", "--notified", "2024-07-02"),
         "the third-party notice date 2024-07-02 is after today (2024-07-01)"),
    ],
)  # fmt: skip
def test_dates_after_today_are_refused(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], line: str
) -> None:
    monkeypatch.setenv("ATIP_TODAY", "2024-07-01")
    ref = fresh(ws, "2024-06-20")
    assert refused(ws, *(a.format(ref=ref) for a in args)) == line


def test_an_import_with_a_date_after_today_is_refused(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ATIP_TODAY", "2024-07-01")
    path = tmp_path / "registre.csv"
    path.write_text(
        "received,requester,subject\n2024-06-01,A,s\n2100-12-31,B,t\n", encoding="utf-8"
    )
    assert refused(ws, "request", "import", str(path)) == (
        "registre.csv, line 3: the received date 2100-12-31 is after today (2024-07-01)"
    )


def test_a_malformed_atip_today_is_one_line(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATIP_TODAY", "demain")
    assert refused(ws, "request", "list", code=2) == (
        "ATIP_TODAY must be a date written YYYY-MM-DD, not 'demain'"
    )


def test_atip_today_is_the_default_as_of(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = fresh(ws, "2024-06-11")
    monkeypatch.setenv("ATIP_TODAY", "2024-06-30")
    assert json.loads(ws.ok("request", "show", ref, "--json"))["days_left"] == 2  # 2 July


# ----------------------------------------------------------------------------- withdrawal, void


def test_a_withdrawn_request_runs_no_time_limit_and_is_no_refusal(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "withdraw", ref, "--on", "2024-05-20", "--why", "a obtenu les documents")
    view = show(ws, ref)
    assert view["status"] == "withdrawn" and view["withdrawn_on"] == "2024-05-20"
    assert view["deemed_refusal"] is False and view["days_left"] is None
    assert ref not in ws.ok("request", "list", "--open", "--json", "--as-of", "2024-09-30")
    assert ref not in ws.ok("report", "deadlines", "--format", "json", "--as-of", "2024-09-30")
    assert refused(ws, "request", "extend", ref, "--on", "2024-05-25") == (
        f"request {ref} was withdrawn on 2024-05-20"
    )
    ws.ok("request", "cancel", ref, "withdrawal", "--why", "pas de désistement")
    assert show(ws, ref)["status"] == "overdue"


def test_a_decided_request_cannot_be_withdrawn(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted")
    assert refused(ws, "request", "withdraw", ref, "--on", "2024-06-01") == (
        f"request {ref} was decided on 2024-05-30: a decided request cannot be withdrawn"
    )


def test_a_void_entry_is_hidden_kept_and_its_reference_never_reused(ws: Workspace) -> None:
    first = fresh(ws, "2024-05-13")
    ws.ok("request", "void", first, "--why", "doublon")
    listed = json.loads(ws.ok("request", "list", "--json"))
    assert first not in [row["reference"] for row in listed]
    void = json.loads(ws.ok("request", "list", "--status", "void", "--json"))
    assert [(v["reference"], v["status"], v["void_reason"]) for v in void] == [
        (first, "void", "doublon")
    ]
    assert fresh(ws, "2024-05-14") != first
    assert show(ws, first)["status"] == "void"  # kept, never deleted


def test_nothing_but_its_undoing_is_recorded_on_a_void_entry(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "void", ref, "--why", "essai")
    assert refused(ws, "request", "extend", ref, "--on", "2024-05-20") == (
        f"request {ref} is void (essai): nothing can be recorded on it"
    )
    ws.ok("request", "cancel", ref, "void", "--why", "pas un doublon")
    assert show(ws, ref)["status"] == "overdue"


# ----------------------------------------------------------------------------- notes, assignment


def test_notes_assignment_and_history(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "note", ref, "Appel du requérant : il précisera lundi.")
    ws.ok("request", "assign", ref, "--clerk", "Luc Gagnon")
    ws.ok("request", "correct", ref, "--channel", "courriel", "--why", "reçue par courriel")
    view = show(ws, ref)
    assert view["clerk"] == "Luc Gagnon"
    assert [n["text"] for n in view["notes"]] == ["Appel du requérant : il précisera lundi."]
    history = ws.ok("request", "history", ref)
    assert "Appel du requérant : il précisera lundi." in history
    assert "assigned — clerk: — → Luc Gagnon" in history
    assert "(why: reçue par courriel)" in history
    assert "T" not in history.splitlines()[0].split()[1]  # local time, not an ISO stamp
    events = json.loads(ws.ok("request", "history", ref, "--json"))
    assert events[-1]["why"] == "reçue par courriel" and events[-1]["field"] == "channel"
    assert refused(ws, "request", "assign", ref, "--clerk", "Luc Gagnon") == (
        f"request {ref} is already assigned to Luc Gagnon"
    )


def test_list_filters(ws: Workspace) -> None:
    a = ws.new("--received", "2024-05-13", "--requester", "Hélène Côté", "--subject", "Les BAUX")
    b = ws.new("--received", "2024-05-14", "--requester", "Paul", "--subject", "les contrats",
               "--kind", "personal", "--clerk", "Luc")  # fmt: skip
    ws.ok("request", "decide", b, "--on", "2024-05-30", "--outcome", "granted")

    def refs(*args: str) -> list[str]:
        rows = json.loads(ws.ok("request", "list", "--json", "--as-of", "2024-09-30", *args))
        return [row["reference"] for row in rows]

    assert refs("--search", "helene cote") == [a]
    assert refs("--search", "baux") == [a]
    assert refs("--search", "CONTRAT") == [b]
    assert refs("--kind", "personal") == [b]
    assert refs("--kind", "renseignements-personnels") == [b]
    assert refs("--clerk", "luc") == [b]
    assert refs("--status", "overdue") == [a]
    assert refs("--status", "fermée") == [b]  # decided, its review period over


# ----------------------------------------------------------------------------- third parties


def test_several_named_third_parties_each_have_their_own_time(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "third-party", ref, "--notified", "2024-05-20", "--name", "ABC inc.",
          "--address", "1, rue A\\nMontréal")  # fmt: skip
    ws.ok("request", "third-party", ref, "--notified", "2024-05-27", "--name", "DEF ltée",
          "--email", "def@example.org")  # fmt: skip
    view = show(ws, ref)
    parties = view["third_parties"]
    assert [(p["name"], p["notified_on"], p["observations_due"], p["third_party_due"])
            for p in parties] == [
        # 20 May + 20 = Sun 9 June -> Mon 10 June; + 15 = Tue 25 June.
        ("ABC inc.", "2024-05-20", "2024-06-10", "2024-06-25"),
        # 27 May + 20 = Sun 16 June -> Mon 17 June; + 15 = Tue 2 July (1 July is Canada Day).
        ("DEF ltée", "2024-05-27", "2024-06-17", "2024-07-02"),
    ]  # fmt: skip
    assert parties[0]["address"] == "1, rue A\nMontréal"
    assert view["decision_due"] == "2024-07-02"  # the decision waits for the last of them
    # Observations from DEF on 3 June: its 15 days run from then, Tue 18 June; ABC's govern.
    ws.ok("request", "third-party", ref, "--notified", "2024-05-27", "--name", "DEF ltée",
          "--observations", "2024-06-03")  # fmt: skip
    assert show(ws, ref)["decision_due"] == "2024-06-25"
    journal = json.dumps(show(ws, ref)["journal"])
    assert "ABC inc." not in journal and "def@example.org" not in journal


def test_without_a_name_the_third_party_works_as_before(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    ws.ok("request", "third-party", ref, "--notified", "2024-05-20")
    ws.ok("request", "third-party", ref, "--notified", "2024-05-20", "--observations", "2024-05-31")
    view = show(ws, ref)
    assert (view["third_party_notified_on"], view["observations_on"]) == (
        "2024-05-20",
        "2024-05-31",
    )
    assert refused(ws, "request", "third-party", ref, "--notified", "2024-05-21") == (
        f"request {ref}: the third party was notified on 2024-05-20, not 2024-05-21"
    )


# ----------------------------------------------------------------------------- kinds, fees


def test_a_rectification_request_runs_the_time_limits_of_article_98(ws: Workspace) -> None:
    ref = fresh(ws, "2024-06-04", "--kind", "rectification")
    view = show(ws, ref)
    assert view["kind"] == "rectification"
    assert view["response_due"] == "2024-06-25"  # 24 June is the Fête nationale
    assert any("(a. 98 al. 1)" in sentence for sentence in view["explain"])
    assert not any("a. 47" in sentence for sentence in view["explain"])
    documents = show(ws, fresh(ws, "2024-06-04"))
    assert {k: view[k] for k in DATES if k != "explain"} == {
        k: documents[k] for k in DATES if k != "explain"
    }


def test_fees_are_journaled_and_shown_and_change_no_time_limit(ws: Workspace) -> None:
    ref = fresh(ws, "2024-05-13")
    before = dates(ws, ref)
    ws.ok("request", "fees", ref, "--estimate", "12,50", "--on", "2024-05-20")
    ws.ok("request", "fees", ref, "--paid", "2024-05-27")
    view = show(ws, ref)
    assert view["fees"] == {
        "estimate": "12.50", "estimated_on": "2024-05-20", "paid_on": "2024-05-27", "waived": False
    }  # fmt: skip
    assert dates(ws, ref) == before
    assert "Fees: estimate of 12.50 sent 2024-05-20 (a. 11), paid 2024-05-27" in ws.ok(
        "request", "show", ref
    )
    ws.ok("request", "fees", ref, "--waived")
    assert show(ws, ref)["fees"]["waived"] is True


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (("--paid", "2024-05-27"), 1, "request {ref} has no fee estimate to pay"),
        (("--estimate", "douze"), 2, "--estimate needs --on DATE, the day the estimate was sent"),
        (("--estimate", "douze", "--on", "2024-05-20"), 2,
         "invalid amount 'douze': expected dollars such as 12,50"),
        (("--estimate", "-3", "--on", "2024-05-20"), 2,
         "invalid amount '-3': expected dollars such as 12,50"),
        ((), 2, "give one of --estimate AMOUNT --on DATE, --paid DATE, --waived"),
    ],
)  # fmt: skip
def test_bad_fees_are_refused(ws: Workspace, args: tuple[str, ...], code: int, line: str) -> None:
    ref = fresh(ws, "2024-05-13")
    assert refused(ws, "request", "fees", ref, *args, code=code) == line.format(ref=ref)


# ----------------------------------------------------------------------------- statistics


def test_void_withdrawn_and_revised_requests_count_right(ws: Workspace) -> None:
    void = fresh(ws, "2024-05-13")
    ws.ok("request", "void", void, "--why", "doublon")
    withdrawn = fresh(ws, "2024-05-13")
    ws.ok("request", "withdraw", withdrawn, "--on", "2024-05-20")
    revised = fresh(ws, "2024-05-13")
    ws.ok("request", "decide", revised, "--on", "2024-05-30", "--outcome", "refused",
          "--articles", "53")  # fmt: skip
    ws.ok("request", "decide", revised, "--on", "2024-06-10", "--outcome", "granted",
          "--revise", "--why", "médiation")  # fmt: skip
    late = fresh(ws, "2024-05-13")  # never decided: a deemed refusal
    data = json.loads(ws.ok("report", "annual", "--fiscal-year", "2024-2025", "--format", "json",
                            "--as-of", "2024-09-30"))["documents"]  # fmt: skip
    assert data["received"] == 3  # the void entry is in no statistic
    assert data["withdrawn"] == 1
    assert data["deemed_refusals"] == 1  # late only: a withdrawal is no refusal
    assert data["decided"] == 1 and data["pending"] == 1
    assert data["outcomes"] == {"granted": 1, "partial": 0, "refused": 0, "other": 0}
    assert data["within_30_days"] == 1  # decided 10 June; response due 3 June, extended 12 June
    assert data["articles"] == {}  # the revised decision cites none
    rows = json.loads(ws.ok("report", "deadlines", "--format", "json", "--as-of", "2024-09-30"))
    assert [row["reference"] for row in rows] == [late]


def test_an_annex_the_decision_places_cannot_be_removed(ws: Workspace, tmp_path: Path) -> None:
    ref = fresh(ws, "2024-05-13")
    text = tmp_path / "mission.txt"
    text.write_text("La mission du Ministère.\n", encoding="utf-8")
    ws.ok("annex", "add", ref, "--title", "Mission", "--text", str(text))
    body = tmp_path / "body.txt"
    body.write_text("Voici la mission :\n\n[[annexe 1]]\n", encoding="utf-8")
    ws.ok(
        "request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted", "--body", str(body)
    )
    assert refused(ws, "annex", "remove", ref, "1") == (
        f"annex 1 of request {ref} is placed by the decision's text ([[annexe 1]]): "
        "revise the decision first"
    )
