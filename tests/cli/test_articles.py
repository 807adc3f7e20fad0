"""`atip articles`: the verbatim texts a letter cites, and the office's own overrides."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest

from atip.law.articles import default_library
from tests.conftest import Workspace


def test_list_marks_unverified_texts(sqlite_ws: Workspace) -> None:
    rows = json.loads(sqlite_ws.ok("articles", "list", "--json"))
    by_number = {r["number"]: r for r in rows}
    assert {"1", "13", "53", "54"} <= set(by_number)
    assert by_number["1"]["verified"] is True  # LégisQuébec
    assert by_number["53"]["verified"] is False  # as printed in a ministry letter
    text = sqlite_ws.ok("articles", "list")
    assert "UNVERIFIED" in text.splitlines()[[r["number"] for r in rows].index("53")]


def test_show_prints_text_and_history_line(sqlite_ws: Workspace) -> None:
    out = sqlite_ws.ok("articles", "show", "54", "--on", "2020-02-06")
    assert out.startswith("54. Dans un document, sont personnels les renseignements")
    assert out.rstrip().endswith("1982, c. 30, a. 54; 2006, c. 22, a. 110.")


def test_unknown_article_is_refused(sqlite_ws: Workspace) -> None:
    result = sqlite_ws.run("articles", "show", "57")
    assert result.exit_code == 1
    assert "no text for article 57" in result.stderr
    result = sqlite_ws.run(
        "request", "new", "--received", "2024-05-17", "--requester", "A", "--subject", "s"
    )
    before = sqlite_ws.snapshot()
    result = sqlite_ws.run(
        "request", "decide", "1", "--on", "2024-06-01", "--outcome", "refused", "--articles", "57"
    )
    assert result.exit_code == 1 and "article 57" in result.stderr
    assert sqlite_ws.snapshot() == before


def test_workspace_text_overrides_the_packaged_one(sqlite_ws: Workspace) -> None:
    packaged = sqlite_ws.ok("articles", "show", "1", "--json")
    folder = sqlite_ws.path / "legal_articles"
    folder.mkdir()
    from atip.resources import packaged_dir

    source = (packaged_dir("legal_articles") / "001.toml").read_text(encoding="utf-8")
    (folder / "001.toml").write_text(
        source.replace("1982, c. 30, a. 1.", "1982, c. 30, a. 1; 2099, c. 1, a. 1."),
        encoding="utf-8",
    )
    overridden = json.loads(sqlite_ws.ok("articles", "show", "1", "--json"))
    assert json.loads(packaged)["history"] == "1982, c. 30, a. 1."
    assert overridden["history"] == "1982, c. 30, a. 1; 2099, c. 1, a. 1."


# ----------------------------------------------------------------------------- issue 14


PASTE_57 = (
    "57. Texte d’essai collé par le bureau (pas le texte de la loi):\n"
    "1°  premier élément;\n"
    "2°  second élément.\n"
    "1982, c. 30, a. 57; 2006, c. 22, a. 30.\n"
)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.is_dir() else {}


def _decision(ws: Workspace, tmp_path: Path, articles: str) -> tuple[str, str]:
    """A refusal citing `articles`, its letter in both formats: (docx text, pdf text)."""
    ref = ws.new("--received", "2026-11-02", "--requester", "A", "--subject", "s")
    ws.ok("request", "decide", ref, "--on", "2026-11-30", "--outcome", "refused",
          "--articles", articles)  # fmt: skip
    out = tmp_path / f"out-{ref}"
    paths = ws.ok("letter", ref, "--kind", "decision", "--format", "both", "--out", str(out),
                  "--date", "2026-11-30").split()  # fmt: skip
    docx_path, pdf_path = (Path(p) for p in paths)
    document = docx.Document(str(docx_path))
    docx_lines = "\n".join(p.text for p in document.paragraphs)
    pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return docx_lines, pdf


def _bare(text: str) -> str:
    return "".join(text.split())


def test_a_decision_prints_each_newly_shipped_text_verbatim(sqlite_ws: Workspace, tmp_path):
    docx_text, pdf_text = _decision(sqlite_ws, tmp_path, "21,30,33,36")
    law = default_library(None)
    docx_paragraphs = docx_text.split("\n")
    for number in ("21", "30", "33", "36"):
        version = law.text_on(number, date(2026, 11, 30))
        for line in (*version.paragraphs, version.history):
            assert line in docx_paragraphs, (number, line[:50])  # the DOCX: each paragraph as is
            assert _bare(line) in _bare(pdf_text), (number, line[:50])  # the PDF: its words


def test_add_then_decide_cites_the_added_article(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = ws.new("--received", "2026-11-02", "--requester", "A", "--subject", "s")
    refused = ws.run("request", "decide", ref, "--on", "2026-11-30", "--outcome", "refused",
                     "--articles", "57")  # fmt: skip
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "atip: no text for article 57: the nearest known are 54, 98; paste its text from "
        "LégisQuébec into a file and run `atip articles add FILE` (or add "
        "legal_articles/057.toml)"
    )
    pasted = tmp_path / "a57.txt"
    pasted.write_text(PASTE_57, encoding="utf-8")
    result = ws.run("articles", "add", str(pasted), "--current-to", "2026-11-30")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "a. 57: added, legal_articles/057.toml",
        "the texts added are marked unverified: give --source with the address of the "
        "LégisQuébec page to mark them verified",
    ]
    again = ws.ok("articles", "add", str(pasted))
    assert again.splitlines() == ["a. 57: no change, the same text is already in "
                                  "legal_articles/057.toml"]  # fmt: skip
    shown = json.loads(ws.ok("articles", "show", "57", "--json"))
    assert shown["paragraphs"] == PASTE_57.splitlines()[:3] and shown["verified"] is False
    docx_text, pdf_text = _decision(ws, tmp_path, "57")
    for line in PASTE_57.splitlines():
        assert line in docx_text.split("\n")
        assert _bare(line) in _bare(pdf_text)


def test_add_a_new_version_from_legisquebec(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    pasted = tmp_path / "a53.txt"
    pasted.write_text("53. Texte d’essai modifié.\n1982, c. 30, a. 53; 2099, c. 1, a. 1.\n",
                      encoding="utf-8")  # fmt: skip
    url = "https://www.legisquebec.gouv.qc.ca/fr/version/lc/A-2.1?code=se%3A53"
    out = ws.ok("articles", "add", str(pasted), "--source", url, "--current-to", "2026-11-02")
    assert out.splitlines() == [
        "a. 53: new version cited from 2026-11-02, 1 older version kept, legal_articles/053.toml"
    ]
    new = json.loads(ws.ok("articles", "show", "53", "--on", "2026-11-02", "--json"))
    assert new["verified"] is True and new["source"] == url
    old = json.loads(ws.ok("articles", "show", "53", "--on", "2026-11-01", "--json"))
    assert old["current_to"] == "2020-02-06"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("57. Texte.\n", "atip: line 1: article 57 (line 1) ends without its history line, such "
         "as '1982, c. 30, a. 57.'"),
        ("57. Texte.\n1982, c. 30, a. 58.\n", "atip: line 2: the history line "
         "'1982, c. 30, a. 58.' is not that of article 57: it names no 'a. 57' (such as "
         "'1982, c. 30, a. 57')"),
        ("57. Texte:\n1°\n1982, c. 30, a. 57.\n", "atip: line 2: the paragraph '1°' is empty"),
        # all or nothing: article 57 is good, 58 is not, and neither is written
        (PASTE_57 + "58. Texte.\n1982, c. 30, a. 85.\n", "atip: line 6: the history line "
         "'1982, c. 30, a. 85.' is not that of article 58: it names no 'a. 58' (such as "
         "'1982, c. 30, a. 58')"),
    ],
)  # fmt: skip
def test_a_bad_text_is_refused_and_nothing_is_written(
    sqlite_ws: Workspace, tmp_path: Path, text: str, message: str
) -> None:
    folder = sqlite_ws.path / "legal_articles"
    pasted = tmp_path / "bad.txt"
    pasted.write_text(text, encoding="utf-8")
    for existing in (False, True):
        if existing:  # the same with a folder that already holds a file
            good = tmp_path / "good.txt"
            good.write_text("59. Texte d’essai.\n1982, c. 30, a. 59.\n", encoding="utf-8")
            sqlite_ws.ok("articles", "add", str(good))
        before = _files(folder)
        result = sqlite_ws.run("articles", "add", str(pasted))
        assert result.exit_code == 2
        assert result.stderr.strip() == message
        assert _files(folder) == before
        assert folder.is_dir() is existing


def test_add_refuses_a_file_that_is_not_utf8(sqlite_ws: Workspace, tmp_path: Path) -> None:
    pasted = tmp_path / "cp1252.txt"
    pasted.write_bytes("57. Texte d’essai.\n1982, c. 30, a. 57.\n".encode("cp1252"))
    result = sqlite_ws.run("articles", "add", str(pasted))
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f"atip: {pasted} is not UTF-8 text: save it as UTF-8 and try again"
    )
    assert not (sqlite_ws.path / "legal_articles").exists()


def test_check_in_english(sqlite_ws: Workspace) -> None:
    sqlite_ws.env["ATIP_TODAY"] = "2026-11-30"
    out = sqlite_ws.ok("articles", "check").splitlines()
    assert (
        " ".join(out[0].split())
        == "a. 1 since always current to 2024-05-01 verified cited on 2026-11-30"
    )
    assert out[1] == (
        "  ! article 1: the text cited on 2026-11-30 is known current only to 2024-05-01, more "
        "than 365 days earlier: check LégisQuébec for a later version and add it with "
        "`atip articles add FILE`"
    )
    assert "  ! article 53: the text cited on 2026-11-30 is not verified against LégisQuébec " \
           "(source: Decision letter of a Quebec ministry, 6 February 2020 (N/Réf. 18159), annex)" in out  # fmt: skip
    assert out[-1] == "18 warnings for a letter dated 2026-11-30"  # 13 stale, 5 unverified
    # in 2018 no text was known current to a day more than 365 days earlier
    quiet = sqlite_ws.ok("articles", "check", "--on", "2018-01-01").splitlines()
    assert quiet[-1] == "5 warnings for a letter dated 2018-01-01"  # the 5 unverified texts


def test_check_json(sqlite_ws: Workspace) -> None:
    data = json.loads(sqlite_ws.ok("articles", "check", "--on", "2026-11-30", "--json"))
    assert data["on"] == "2026-11-30" and data["stale_after_days"] == 365
    by_number = {a["number"]: a for a in data["articles"]}
    assert [w["code"] for w in by_number["53"]["warnings"]] == ["unverified", "stale"]
    assert [w["code"] for w in by_number["21"]["warnings"]] == ["stale"]
    (version,) = by_number["21"]["versions"]
    assert version == {
        "in_force_from": None,
        "current_to": "2017-04-24",
        "verified": True,
        "source_kind": "VERBATIM-OFFICIAL",
        "source": "http://legisquebec.gouv.qc.ca/fr/showversion/cs/A-2.1?code=se:21&pointInTime=20170424",
        "cited": True,
    }


def test_check_and_add_in_french(sqlite_ws: Workspace, tmp_path: Path, french: None) -> None:
    env = {k: v for k, v in sqlite_ws.env.items()}
    sqlite_ws.env.pop("ATIP_LANG", None)
    sqlite_ws.env["ATIP_TODAY"] = "2026-11-30"
    out = sqlite_ws.ok("articles", "check").splitlines()
    assert (
        " ".join(out[0].split())
        == "a. 1 depuis toujours à jour au 2024-05-01 vérifié cité le 2026-11-30"
    )
    assert out[1] == (
        "  ! article 1\u00a0: le texte cité le 30 novembre 2026 n’est connu à jour qu’au "
        "1er mai 2024, plus de 365 jours plus tôt\u00a0: cherchez sur LégisQuébec une version "
        "plus récente et ajoutez-la avec `atip articles add FICHIER`"
    )
    assert out[-1] == "18 avertissements pour une lettre datée du 30 novembre 2026"
    pasted = tmp_path / "a57.txt"
    pasted.write_text(PASTE_57, encoding="utf-8")
    assert sqlite_ws.ok("articles", "add", str(pasted)).splitlines()[0] == (
        "a. 57\u00a0: ajouté, legal_articles/057.toml"
    )
    bad = tmp_path / "bad.txt"
    bad.write_text("57. Texte:\n1°\n1982, c. 30, a. 57.\n", encoding="utf-8")
    result = sqlite_ws.run("articles", "add", str(bad))
    assert result.exit_code == 2
    assert result.stderr.strip() == "atip: ligne 2\u00a0: le paragraphe «\u00a01°\u00a0» est vide"
    sqlite_ws.env.clear()
    sqlite_ws.env.update(env)
