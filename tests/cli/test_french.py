"""The interface speaks French unless asked for English: help, tables, confirmations, errors,
`explain`, the journal. JSON keys and code values are the same in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from atip.cli import cli
from tests.conftest import Workspace

# Phrases that must not reach a French-speaking clerk (click's included).
ENGLISH = (
    "Usage:",
    "Show this message and exit.",
    "Options:",
    "Commands:",
    "Missing option",
    "is not one of",
    "No such command",
    "[required]",
    "Clock starts",
    "Response due",
    "Decision due",
    "How the dates were reached",
    "days late",
    "days left",
    "Received:",
    "unknown reference",
    "Requests as of",
    "imported ",
)
# And their French counterparts, which must not reach a clerk who asked for English.
FRENCH = (
    "Utilisation",
    "Afficher ce message",
    "Option manquante",
    "n’est pas parmi",
    "Début du délai",
    "Réponse due",
    "Décision due",
    "Comment les dates",
    "jours de retard",
    "Reçue le",
    "référence inconnue",
    "Demandes au",
    "importée",
)


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group of `atip`, as the words a clerk types."""
    ctx = click.Context(group)
    paths = [prefix]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def assert_speaks(text: str, language: str) -> None:
    markers = ENGLISH if language == "fr" else FRENCH
    found = [marker for marker in markers if marker in text]
    assert found == [], (found, text)


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "atip")
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_help_speaks_one_language(path: tuple[str, ...], language: str) -> None:
    code, text = run({"ATIP_LANG": language}, *path, "--help")
    assert code == 0, text
    assert_speaks(text, language)
    assert ("Utilisation\u00a0:" if language == "fr" else "Usage:") in text


def test_without_atip_lang_the_interface_is_french(french: None) -> None:
    code, text = run({}, "request", "--help")
    assert code == 0
    assert "Consigner les demandes et ce qui leur arrive." in text
    assert_speaks(text, "fr")


def test_the_workspace_setting_chooses_english(tmp_path: Path, french: None) -> None:
    ws = tmp_path / "ws"
    assert run({}, "init", str(ws))[0] == 0
    toml = ws / "atip.toml"
    text = toml.read_text(encoding="utf-8")
    assert '# language = "fr"' in text  # init writes the setting, commented
    toml.write_text(text.replace('# language = "fr"', 'language = "en"'), encoding="utf-8")
    code, text = run({}, "--workspace", str(ws), "request", "show", "99")
    assert code == 1
    assert text == "atip: unknown reference '99'\n"
    # ATIP_LANG wins over the setting.
    code, text = run({"ATIP_LANG": "fr"}, "--workspace", str(ws), "request", "show", "99")
    assert "référence inconnue" in text


def test_an_unknown_atip_lang_is_one_line_and_exit_2() -> None:
    code, text = run({"ATIP_LANG": "de"}, "request", "--help")
    assert code == 2
    assert text == "atip: ATIP_LANG doit valoir fr ou en\n"


def test_clicks_own_errors_are_french(french: None) -> None:
    code, text = run({}, "request", "new")
    assert code == 2
    assert text == "atip: Option manquante '--received'.\n"
    code, text = run({}, "request", "nouvelle")
    assert code == 2
    assert "Commande inconnue" in text
    code, text = run({}, "request", "decide", "1", "--on", "2024-06-01", "--outcome", "peut-être")
    assert code == 2
    assert text == (
        "atip: Valeur invalide pour '--outcome'\u00a0: 'peut-être' n’est pas parmi\u00a0: "
        "accueillie, partielle, refusée, non-détenu, transférée, mixte\n"
    )


# ----------------------------------------------------------------------------- a session


def session(ws: Workspace, tmp_path: Path) -> dict[str, str]:
    """The README's everyday session; each command's whole output, by name."""
    out: dict[str, str] = {}

    def step(name: str, *args: str, code: int = 0) -> str:
        result = ws.run(*args)
        text = result.stdout + result.stderr
        assert result.exit_code == code, (name, text)
        out[name] = text
        return result.stdout

    ref = step(
        "new",
        "request", "new", "--received", "17 mai 2024", "--requester", "Jeanne Tremblay",
        "--subject", "les contrats conclus en 2023", "--email", "jeanne@example.org",
    ).strip()  # fmt: skip
    step("show", "request", "show", ref, "--as-of", "2024-06-20", "--journal")
    step("extend", "request", "extend", ref, "--on", "2024-06-05")
    step("extend-again", "request", "extend", ref, "--on", "2024-06-06", code=1)
    step("decide", "request", "decide", ref, "--on", "2024-06-12", "--outcome", "granted")
    step("list", "request", "list", "--as-of", "2024-06-20")
    step("csv", "request", "list", "--csv", "--as-of", "2024-06-20")
    step("unknown", "request", "show", "999", code=1)
    step("bad-date", "request", "new", "--received", "31/04/2024", "--requester", "x",
         "--subject", "y", code=2)  # fmt: skip
    step("deadlines", "report", "deadlines", "--as-of", "2024-06-20")
    step("annual", "report", "annual", "--fiscal-year", "2024-2025")
    step("annexes", "annex", "list", ref)
    step("articles", "articles", "list")
    step("check", "check")
    step("letter-refused", "letter", ref, "--kind", "extension", "--date", "2024-05-01",
         "--out", str(tmp_path / "out"), code=1)  # fmt: skip
    return out


def test_a_clerk_goes_through_the_readme_in_french(
    ws: Workspace, tmp_path: Path, french: None
) -> None:
    out = session(ws, tmp_path)
    for name, text in out.items():
        assert_speaks(text, "fr"), name
    assert "Début du délai : " in out["show"].replace("\u00a0", " ")
    assert "5 juin 2024" in out["show"] or "6 juin 2024" in out["show"]
    assert (
        out["csv"].splitlines()[0]
        == "Réf.,Statut,Type,Reçue le,Décision due le,Jours restants,Décidée le"
    )
    assert "décidée" in out["list"]
    assert "référence inconnue" in out["unknown"]


def test_the_same_session_in_english(ws: Workspace, tmp_path: Path) -> None:
    out = session(ws, tmp_path)
    for text in out.values():
        assert_speaks(text, "en")
    assert "Clock starts: 2024-05-17" in out["show"]
    assert out["csv"].splitlines()[0] == (
        "reference,status,kind,received_on,decision_due,days_left,decided_on"
    )


def test_journal_times_are_local_and_never_raw_json(ws: Workspace, french: None) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "Jeanne", "--subject", "s")
    text = ws.ok("request", "show", ref, "--journal")
    journal = text.split("Journal")[1]
    assert "T" not in journal.split()[1]  # "2026-12-01 04:12", not an ISO stamp
    assert "+00:00" not in journal and "{" not in journal
    assert "consignée" in journal


# ----------------------------------------------------------------------------- machine output


def test_json_has_the_same_keys_and_codes_in_both_languages(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "Jeanne", "--subject", "s")
    ws.ok(
        "request", "decide", ref, "--on", "2024-06-12", "--outcome", "refused", "--articles", "53"
    )
    english = json.loads(ws.ok("request", "show", ref, "--json", "--as-of", "2024-07-01"))
    monkeypatch.setenv("ATIP_LANG", "fr")
    french = json.loads(ws.ok("request", "show", ref, "--json", "--as-of", "2024-07-01"))
    assert english.keys() == french.keys()
    assert english["explain"] != french["explain"]  # the sentences follow the language
    for key in english.keys() - {"explain", "journal"}:
        assert english[key] == french[key], key
    assert french["status"] == "decided" and french["outcome"] == "refused"
    assert [e["action"] for e in french["journal"]] == [e["action"] for e in english["journal"]]
    for cmd in (("request", "list", "--json"), ("report", "deadlines", "--format", "json")):
        monkeypatch.setenv("ATIP_LANG", "en")
        en = ws.ok(*cmd, "--as-of", "2024-07-01")
        monkeypatch.setenv("ATIP_LANG", "fr")
        assert ws.ok(*cmd, "--as-of", "2024-07-01") == en


@pytest.mark.parametrize(
    ("option", "french_word", "code"),
    [
        ("--outcome", "accueillie", "granted"),
        ("--outcome", "Partielle", "partial"),
        ("--outcome", "refusée", "refused"),
        ("--outcome", "refusee", "refused"),
        ("--outcome", "non-détenu", "not-held"),
        ("--outcome", "Non détenu", "not-held"),
        ("--outcome", "transférée", "referred"),
        ("--outcome", "mixte", "mixed"),
    ],
)
def test_a_french_outcome_records_what_its_code_records(
    ws: Workspace, option: str, french_word: str, code: str
) -> None:
    records = []
    for typed in (french_word, code):
        ref = ws.new("--received", "2024-05-17", "--requester", "Jeanne", "--subject", "s")
        args = ["--articles", "53"] if code in ("partial", "refused", "mixed") else []
        if code == "referred":
            args = ["--referral-body", "Ville de Montréal"]
        ws.ok("request", "decide", ref, "--on", "2024-06-12", option, typed, *args)
        view = json.loads(ws.ok("request", "show", ref, "--json", "--as-of", "2024-07-01"))
        records.append({k: v for k, v in view.items() if k not in ("reference", "journal")})
    assert records[0] == records[1]
    assert records[0]["outcome"] == code


@pytest.mark.parametrize(
    "typed", ["renseignements-personnels", "Renseignements personnels", "personal"]
)
def test_a_french_kind_records_the_code(ws: Workspace, typed: str) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "J", "--subject", "s", "--kind", typed)
    assert json.loads(ws.ok("request", "show", ref, "--json"))["kind"] == "personal"


@pytest.mark.parametrize(
    ("typed", "kind"), [("accusé-de-réception", "acknowledgement"), ("décision", "decision")]
)
def test_a_french_letter_kind_is_understood(
    ws: Workspace, tmp_path: Path, typed: str, kind: str
) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "J", "--subject", "s")
    ws.ok("request", "decide", ref, "--on", "2024-06-12", "--outcome", "granted")
    out = ws.ok(
        "letter",
        ref,
        "--kind",
        typed,
        "--format",
        "docx",
        "--out",
        str(tmp_path / "l"),
        "--date",
        "2024-06-12",
    )
    assert out.strip().endswith(f"{ref}_{kind}.docx")
