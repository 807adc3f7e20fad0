"""The `request` commands through the real CLI, on SQLite and PostgreSQL.

Expected dates are computed by hand from the law (a. 47, 49, 135 of A-2.1; a. 52 and 61 of the
Loi d'interprétation), not from atip's output.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Workspace


def show(ws: Workspace, ref: str, as_of: str = "2024-07-01") -> dict:
    return json.loads(ws.ok("request", "show", ref, "--json", "--as-of", as_of))


SPEC_KEYS = {
    "reference",
    "status",
    "received_on",
    "clarified_on",
    "clock_starts_on",
    "response_due",
    "extended",
    "extended_due",
    "third_party_due",
    "decision_due",
    "decided_on",
    "outcome",
    "review_deadline",
    "days_left",
    "deemed_refusal",
    "explain",
}


def test_new_prints_reference_and_show_has_every_spec_key(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "Jeanne Exemple", "--subject", "x")
    assert ref == "1"
    view = show(ws, ref, "2024-05-27")
    assert set(view) >= SPEC_KEYS
    assert view["response_due"] == "2024-06-06"  # Fri 17 May + 20 = Thu 6 June
    assert view["decision_due"] == "2024-06-06"
    assert view["days_left"] == 10
    assert view["status"] == "open"
    assert view["deemed_refusal"] is False
    assert view["extended"] is False and view["extended_due"] is None
    assert ws.new("--received", "17/05/2024", "--requester", "B", "--subject", "y") == "2"


def test_seed_2024_clarified_request_restarts_the_clock(ws: Workspace) -> None:
    ref = ws.new(
        "--received",
        "17 mai 2024",
        "--clarified",
        "23 mai 2024",
        "--requester",
        "A",
        "--subject",
        "Accompagnement Québec",
    )
    view = show(ws, ref, "2024-06-01")
    assert view["clock_starts_on"] == "2024-05-23"
    assert view["response_due"] == "2024-06-12"
    assert any("clarif" in s.lower() for s in view["explain"])


def test_keep_clock_counts_from_receipt(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    ws.ok("request", "clarify", ref, "--on", "2024-05-23", "--keep-clock")
    view = show(ws, ref)
    assert view["clarified_on"] == "2024-05-23"
    assert view["clock_starts_on"] == "2024-05-17"
    assert view["response_due"] == "2024-06-06"


def test_seed_2020_day_20_on_a_sunday_moves_to_monday(ws: Workspace) -> None:
    ref = ws.new(
        "--ref",
        "18159",
        "--received",
        "16 décembre 2019",
        "--requester",
        "A",
        "--subject",
        "Parcours d'accompagnement personnalisé",
    )
    assert ref == "18159"
    view = show(ws, ref, "2020-01-06")
    assert view["response_due"] == "2020-01-06"  # 5 January 2020 is a Sunday
    assert any("dimanche" in s for s in view["explain"])
    ws.ok(
        "request",
        "decide",
        ref,
        "--on",
        "2020-02-06",
        "--outcome",
        "partial",
        "--articles",
        "53,54",
    )
    view = show(ws, ref, "2020-02-10")
    assert view["status"] == "decided"
    assert view["decided_on"] == "2020-02-06"
    assert view["review_deadline"] == "2020-03-07"  # + 30 days; a Saturday is not a jour férié
    assert view["articles"] == ["53", "54"]
    # numbering continues after an explicit numeric reference
    assert ws.new("--received", "2020-01-10", "--requester", "B", "--subject", "t") == "18160"


def test_extension_on_the_due_day_is_accepted(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    ws.ok("request", "extend", ref, "--on", "2024-06-06")
    view = show(ws, ref, "2024-06-10")
    assert view["extended"] is True
    assert view["extended_due"] == "2024-06-17"  # 16 June 2024 is a Sunday
    assert view["decision_due"] == "2024-06-17"
    assert view["status"] == "extended"


def test_late_extension_is_refused_and_changes_nothing(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    before = ws.snapshot()
    result = ws.run("request", "extend", ref, "--on", "2024-06-07")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("atip: ")
    assert "2024-06-06" in result.stderr
    assert "Traceback" not in result.stderr
    assert ws.snapshot() == before


def test_third_party_chain(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-03-01", "--requester", "A", "--subject", "s")
    ws.ok("request", "third-party", ref, "--notified", "2024-03-08")
    view = show(ws, ref, "2024-03-20")
    assert view["observations_due"] == "2024-03-28"
    assert view["third_party_due"] == "2024-04-12"
    assert view["decision_due"] == "2024-04-12"
    assert view["status"] == "third-party"
    ws.ok("request", "third-party", ref, "--notified", "2024-03-08", "--observations", "2024-03-20")
    assert show(ws, ref)["third_party_due"] == "2024-04-04"


def test_deemed_refusal_and_review(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-01-08", "--requester", "A", "--subject", "s")
    view = show(ws, ref, "2024-02-01")
    assert view["decision_due"] == "2024-01-29"  # 28 January 2024 is a Sunday
    assert view["status"] == "overdue"
    assert view["days_left"] == -3
    assert view["deemed_refusal"] is True
    assert view["review_deadline"] == "2024-02-28"
    ws.ok("request", "review", ref, "--filed", "2024-02-05")
    assert show(ws, ref, "2024-02-06")["review_filed_on"] == "2024-02-05"


def test_show_text_says_whether_the_decision_was_on_time(ws: Workspace) -> None:
    """A decided request is judged on its decision date, not on today's."""
    early = ws.new("--received", "2024-01-08", "--requester", "A", "--subject", "s")
    ws.ok("request", "decide", early, "--on", "2024-01-29", "--outcome", "granted")  # due day
    ws.ok("request", "review", early, "--filed", "2024-02-05")
    text = ws.ok("request", "show", early, "--as-of", "2024-12-01")
    assert "Decision due: 2024-01-29\n" in text
    assert "Decided: 2024-01-29 (granted, on time)" in text
    assert "Review filed with the Commission: 2024-02-05" in text
    assert "days late" not in text and "day late" not in text
    late = ws.new("--received", "2024-01-08", "--requester", "B", "--subject", "s")
    ws.ok("request", "decide", late, "--on", "2024-01-30", "--outcome", "granted")
    assert "Decided: 2024-01-30 (granted, 1 day late)" in ws.ok("request", "show", late)
    open_one = ws.new("--received", "2024-01-08", "--requester", "C", "--subject", "s")
    shown = ws.ok("request", "show", open_one, "--as-of", "2024-01-30")
    assert "Decision due: 2024-01-29 (1 day late)" in shown


def test_list_orders_late_first_and_filters(ws: Workspace) -> None:
    late = ws.new("--received", "2024-01-08", "--requester", "A", "--subject", "s")
    soon = ws.new("--received", "2024-01-25", "--requester", "B", "--subject", "s")
    later = ws.new("--received", "2024-02-05", "--requester", "C", "--subject", "s")
    done = ws.new("--received", "2024-01-02", "--requester", "D", "--subject", "s")
    ws.ok("request", "decide", done, "--on", "2024-01-15", "--outcome", "granted")
    rows = json.loads(ws.ok("request", "list", "--json", "--as-of", "2024-02-10"))
    assert [r["reference"] for r in rows] == [late, soon, later, done]
    open_rows = json.loads(ws.ok("request", "list", "--open", "--json", "--as-of", "2024-02-10"))
    assert [r["reference"] for r in open_rows] == [late, soon, later]
    overdue = json.loads(ws.ok("request", "list", "--overdue", "--json", "--as-of", "2024-02-10"))
    assert [r["reference"] for r in overdue] == [late]
    # soon: 25 Jan + 20 = 14 Feb, 4 days after 10 Feb
    within = json.loads(
        ws.ok("request", "list", "--due-within", "5", "--json", "--as-of", "2024-02-10")
    )
    assert [r["reference"] for r in within] == [soon]
    assert rows[0] == {k: v for k, v in show(ws, late, "2024-02-10").items() if k in rows[0]}
    csv_out = ws.ok("request", "list", "--csv", "--as-of", "2024-02-10").splitlines()
    assert csv_out[0].startswith("reference,status")
    assert csv_out[1].startswith(f"{late},overdue")
    table = ws.ok("request", "list", "--as-of", "2024-02-10")
    assert "overdue" in table and "2024-01-29" in table


def test_journal_records_who_and_what_but_no_personal_information(ws: Workspace) -> None:
    ref = ws.new(
        "--received",
        "2024-05-17",
        "--requester",
        "Zoé Secret-Nom",
        "--email",
        "zoe@secret.example",
        "--subject",
        "s",
    )
    ws.ok("request", "clarify", ref, "--on", "2024-05-20")
    view = show(ws, ref)
    journal = view["journal"]
    assert journal[-1]["action"] == "clarified"
    assert journal[-1]["field"] == "clarified_on"
    assert journal[-1]["old"] is None and journal[-1]["new"] == "2024-05-20"
    assert all(e["actor"] == "clerk-test" for e in journal)
    assert "Secret" not in json.dumps(journal)
    assert view["requester"]["name"] == "Zoé Secret-Nom"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["request", "show", "999"], 1, "atip: unknown reference '999'"),
        (["request", "extend", "999", "--on", "2024-01-01"], 1, "atip: unknown reference '999'"),
        (
            ["request", "new", "--received", "2023-02-29", "--requester", "A", "--subject", "s"],
            2,
            "2023-02-29",
        ),
        (
            ["request", "new", "--received", "mai 2024", "--requester", "A", "--subject", "s"],
            2,
            "mai 2024",
        ),
        (
            [
                "request",
                "new",
                "--received",
                "2024-05-17",
                "--clarified",
                "2024-05-10",
                "--requester",
                "A",
                "--subject",
                "s",
            ],
            1,
            "2024-05-10",
        ),
        (
            ["request", "new", "--received", "2024-05-17", "--requester", " ", "--subject", "s"],
            2,
            "atip: the requester's name must not be empty",
        ),
        (
            [
                "request",
                "new",
                "--received",
                "2024-05-17",
                "--requester",
                "A",
                "--subject",
                "s",
                "--ref",
                "../etc",
            ],
            2,
            "invalid reference '../etc'",
        ),
        (
            [
                "request",
                "new",
                "--received",
                "2024-05-17",
                "--requester",
                "A",
                "--subject",
                "s",
                "--ref",
                "1",
            ],
            1,
            "atip: reference '1' already exists",
        ),
        (["request", "decide", "1", "--on", "2024-05-01", "--outcome", "granted"], 1, "2024-05-01"),
        (
            [
                "request",
                "decide",
                "1",
                "--on",
                "2024-06-01",
                "--outcome",
                "granted",
                "--articles",
                "abc",
            ],
            2,
            "invalid article number 'abc'",
        ),
        (["request", "decide", "1", "--on", "2024-06-01", "--outcome", "maybe"], 2, "maybe"),
        (["request", "review", "1", "--filed", "2024-05-20"], 1, "not due until 2024-06-06"),
        (["request", "list", "--json", "--csv"], 2, "choose one of --json, --csv and --xlsx"),
    ],
)
def test_refusals_are_one_line_and_change_nothing(
    ws: Workspace, args: list[str], code: int, message: str
) -> None:
    ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    before = ws.snapshot()
    result = ws.run(*args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert ws.snapshot() == before


def test_no_workspace_suggests_init(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from atip.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["request", "list"], env={"ATIP_WORKSPACE": ""})
    assert result.exit_code == 2
    assert "atip init" in result.stderr
    assert result.stderr.count("\n") == 1


def test_init_twice_says_the_schema_is_current(ws: Workspace) -> None:
    out = ws.ok("init", str(ws.path))
    assert "already at the current schema" in out
