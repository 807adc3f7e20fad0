"""The register speaks French by default: `atip init`, atip.toml's comments, its errors, and the
French column headers and words of a clerk's own register file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from atip.cli import cli
from atip.register.settings import load_settings
from atip.register.sql import HEAD
from atip.vocabulary import OUTCOMES, label
from tests.conftest import Workspace

NBSP, NNBSP = "\u00a0", "\u202f"
ENV = {"ATIP_USER": "clerk-test", "ATIP_WORKSPACE": "", "ATIP_DATABASE_URL": ""}

ENGLISH = (
    "ref,received,clarified,requester,email,address,subject,kind,accommodation,channel,clerk,"
    "extended_on,decided_on,outcome,articles\n"
    '501,2024-05-17,2024-05-21,Ana Exemple,ana@example.org,"1 rue Principale",les contrats,'
    'personal,yes,courriel,Luc,2024-06-10,2024-06-20,partial,"53,54"\n'
)
# The same row under the headers and words of a French register, in capitals and without accents.
FRENCH = (
    "N/Réf.;Reçue le;Précisée le;Requérant;Courriel;Adresse;Objet;Type;Accommodement;"
    "Mode de réception;Responsable;PROLONGEE LE;Date de décision;Résultat;Articles\n"
    "502;2024-05-17;2024-05-21;Ana Exemple;ana@example.org;1 rue Principale;les contrats;"
    "Renseignements personnels;oui;courriel;Luc;2024-06-10;2024-06-20;Partielle;53,54\n"
)


def _init(folder: Path) -> str:
    result = CliRunner().invoke(cli, ["init", str(folder)], env=ENV, catch_exceptions=False)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def _show(ws: Workspace, ref: str) -> dict[str, object]:
    view = json.loads(ws.ok("request", "show", ref, "--json", "--as-of", "2024-07-01"))
    assert view.pop("reference") == ref
    # The journal names the file each request was imported from, and when.
    assert [e["action"] for e in view.pop("journal", [{"action": "imported"}])] == ["imported"]
    return dict(view)


def test_init_speaks_french_and_its_atip_toml_too(french: None, tmp_path: Path) -> None:
    folder = tmp_path / "bureau"
    out = _init(folder)
    assert out.splitlines() == [
        f"espace de travail créé{NBSP}: {folder}",
        f"schéma de la base de données créé (révision {HEAD})",
    ]
    text = (folder / "atip.toml").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if "#" in line]
    assert (
        comments[0]
        == f"# Paramètres de l’espace de travail atip. Chaque clé est facultative{NNBSP};"
    )
    assert 'unit = ""                 # deuxième ligne de l’en-tête' in text
    assert '# language = "fr"   # fr ou en (ATIP_LANG a préséance)' in text
    assert "journal" not in text.replace("heures du journal", "")  # no English left over
    for english in ("Every key", "second letterhead", "Saturday", "default:", "overrides"):
        assert english not in text
    raw = tomllib.loads(text)
    assert raw["deadlines"]["review_calendar"] == "law" and raw["interface"] == {}
    settings = load_settings(folder)
    assert settings.organisation == "Organisme public" and settings.language == "fr"
    # A second `init` on it says so in French, and a command works on the new workspace.
    again = _init(folder)
    assert again.strip() == f"la base de données est déjà au schéma actuel (révision {HEAD})"
    ws = Workspace(folder, "sqlite", ENV)
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    assert ref == "1"


def test_profile_values_with_quotes_and_backslashes_stay_valid_toml(
    french: None, tmp_path: Path
) -> None:
    folder = tmp_path / "bureau"
    result = CliRunner().invoke(
        cli, ["init", str(folder), "--organisation", 'Ville « X » "Y" \\ Z'], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert load_settings(folder).organisation == 'Ville « X » "Y" \\ Z'


def test_unknown_reference_in_french(french: None, ws: Workspace) -> None:
    result = ws.run("request", "show", "999")
    assert result.exit_code == 1
    assert f"référence inconnue «{NBSP}999{NBSP}»" in result.stderr


def test_french_headers_and_words_store_what_english_ones_do(
    french: None, ws: Workspace, tmp_path: Path
) -> None:
    english, french_file = tmp_path / "register.csv", tmp_path / "registre.csv"
    english.write_text(ENGLISH, encoding="utf-8")
    french_file.write_text(FRENCH, encoding="utf-8")
    ws.ok("request", "import", str(english))
    ws.ok("request", "import", str(french_file))
    from_english, from_french = _show(ws, "501"), _show(ws, "502")
    assert from_french == from_english
    assert from_french["kind"] == "personal" and from_french["outcome"] == "partial"
    assert from_french["articles"] == ["53", "54"] and from_french["accommodation"] is True
    assert from_french["clarified_on"] == "2024-05-21" and from_french["channel"] == "courriel"


@pytest.mark.parametrize(
    "header",
    ["Reçu le", "recue_le", "DATE DE RÉCEPTION", "date-de-reception", "Reçue le :"],
)
def test_french_headers_are_compared_folded(ws: Workspace, tmp_path: Path, header: str) -> None:
    register = tmp_path / "r.csv"
    register.write_text(f"{header},Nom,Sujet,No\n2024-05-17,A,s,77\n", encoding="utf-8")
    ws.ok("request", "import", str(register))
    assert _show(ws, "77")["received_on"] == "2024-05-17"


def test_an_import_error_in_french_names_its_line(
    french: None, ws: Workspace, tmp_path: Path
) -> None:
    register = tmp_path / "registre.csv"
    register.write_text(
        "Reçue le;Demandeur;Objet;Décidée le;Décision\n"
        "2024-05-17;A;s;2024-06-01;accueillie\n"
        "2024-05-17;B;t;2024-06-01;peut-être\n",
        encoding="utf-8",
    )
    before = ws.snapshot()
    result = ws.run("request", "import", str(register))
    assert result.exit_code == 2
    # The cell's content is never repeated (it may be a name in the wrong column): its place.
    assert "peut-être" not in result.stderr
    assert f"registre.csv, ligne 3{NBSP}: colonne décision{NBSP}: pas un résultat" in result.stderr
    words = ", ".join(label("outcome", code) for code in OUTCOMES)  # accueillie, partielle…
    assert words.startswith("accueillie, partielle") and words in result.stderr
    assert ws.snapshot() == before


def test_an_unknown_french_column_lists_the_french_names(
    french: None, ws: Workspace, tmp_path: Path
) -> None:
    register = tmp_path / "registre.csv"
    register.write_text("Reçue le;Demandeur;Objet;Couleur\n2024-05-17;A;s;bleu\n", encoding="utf-8")
    result = ws.run("request", "import", str(register))
    assert result.exit_code == 2
    assert f"registre.csv{NBSP}: colonne inconnue «{NBSP}Couleur{NBSP}»" in result.stderr
    assert "reçue le, requérant, objet, N/Réf." in result.stderr


def test_english_is_unchanged(ws: Workspace, tmp_path: Path) -> None:
    register = tmp_path / "registre.csv"
    register.write_text(
        "received,requester,subject,decided_on,outcome\n"
        "2024-05-17,A,s,2024-06-01,granted\n"
        "2024-05-17,B,t,2024-06-01,maybe\n",
        encoding="utf-8",
    )
    result = ws.run("request", "import", str(register))
    assert result.exit_code == 2
    assert result.stderr == (
        "atip: registre.csv, line 3: column outcome: not an outcome: "
        "expected granted, partial, refused, not-held, referred, mixed\n"
    )
    assert ws.run("request", "show", "999").stderr == "atip: unknown reference '999'\n"
