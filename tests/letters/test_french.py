"""Letters and the demo in the interface language: the clerk's lines in French by default, in
English on request; the letters themselves are French documents in both (the golden tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from atip import i18n
from atip.cli import cli
from atip.demo import build_demo
from atip.errors import RefusedError
from atip.letters.issuing import check_out_dir
from tests.conftest import Workspace

NBSP = "\u00a0"


def undecided(ws: Workspace) -> str:
    return ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")


def test_a_decision_letter_without_a_decision_is_refused_in_french(
    sqlite_ws: Workspace, french: None, tmp_path: Path
) -> None:
    ref = undecided(sqlite_ws)
    result = sqlite_ws.run("letter", ref, "--kind", "decision", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"atip: la demande {ref} n’a pas de décision{NBSP}: "
        "consignez-la avec `atip request decide`\n"
    )
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_an_extension_letter_without_an_extension_is_refused_in_french(
    sqlite_ws: Workspace, french: None, tmp_path: Path
) -> None:
    ref = undecided(sqlite_ws)
    result = sqlite_ws.run("letter", ref, "--kind", "extension", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "n’a pas été prolongé" in result.stderr and "was not extended" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_same_refusal_in_english(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ref = undecided(sqlite_ws)
    result = sqlite_ws.run("letter", ref, "--kind", "decision", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"atip: request {ref} has no decision: record it with `atip request decide`\n"
    )


def test_a_letter_dated_before_the_decision_says_the_dates_in_words(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ref = undecided(ws)
    ws.ok("request", "decide", ref, "--on", "2024-06-03", "--outcome", "granted")
    out = str(tmp_path / "o")
    english = ws.run("letter", ref, "--out", out, "--date", "2024-05-30")
    assert english.exit_code == 1
    assert english.stderr == (
        "atip: the letter date 2024-05-30 is before the decision of 2024-06-03\n"
    )
    i18n.set_language("fr")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ATIP_LANG", raising=False)
        french = ws.run("letter", ref, "--out", out, "--date", "2024-05-30")
    assert french.exit_code == 1
    assert french.stderr == (
        "atip: la date de la lettre (30 mai 2024) précède celle de la décision (3 juin 2024)\n"
    )


def test_an_output_folder_that_cannot_be_made_is_refused_in_french(
    french: None, tmp_path: Path
) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(RefusedError, match=f"^impossible de créer le dossier de sortie .*{NBSP}: "):
        check_out_dir(blocker / "lettres")


def test_the_demo_speaks_french(french: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["demo", str(tmp_path / "demo")], env={"ATIP_LANG": None}, catch_exceptions=False
    )
    assert result.exit_code == 0, (result.stdout, result.stderr)
    lines = result.stdout.splitlines()
    assert "10 demandes fictives consignées" in lines
    written = [line for line in lines if line.startswith(f"lettre produite{NBSP}: ")]
    assert len(written) == 8  # two seed decisions, an acknowledgement, an extension; DOCX + PDF
    assert f"Le registre tel que l’affiche `atip --workspace {tmp_path / 'demo'} request list`" in (
        result.stdout
    )
    for english in ("logged", "wrote", "sample requests", "The register as"):
        assert english not in result.stdout


def test_the_demo_in_english(tmp_path: Path) -> None:
    lines = list(build_demo(tmp_path / "demo"))
    assert "logged 10 sample requests" in lines
    assert sum(line.startswith("wrote ") for line in lines) == 8


def test_a_demo_over_a_workspace_is_refused_in_french(french: None, tmp_path: Path) -> None:
    (tmp_path / "atip.toml").write_text("", encoding="utf-8")
    with pytest.raises(RefusedError, match="contient déjà un espace de travail"):
        list(build_demo(tmp_path, letters=False))
