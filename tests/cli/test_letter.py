"""`atip annex` and `atip letter` through the real CLI: files opened, hashes journaled."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import docx
import pytest

from tests.conftest import Workspace

MARKUP = "Zoé & <b>Fils</b> {{ nom }} {% if x %} « l'élan »"


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def decided(ws: Workspace, tmp_path: Path, name: str = "Jeanne Exemple") -> str:
    ref = ws.new(
        "--received",
        "2024-05-17",
        "--clarified",
        "2024-05-23",
        "--requester",
        name,
        "--address",
        "1234, rue Fictive\\nMontréal (Québec)  H2X 0A0",
        "--subject",
        "les budgets annuels d'Accompagnement Québec",
    )
    cities = tmp_path / "villes.csv"
    cities.write_text("Ville;Nombre\nLaval;61\nMagog;3\nGatineau;0\n", encoding="cp1252")
    ws.ok(
        "annex",
        "add",
        ref,
        "--title",
        "Personnes accompagnées",
        "--table",
        str(cities),
        "--source",
        "SharePoint DGOR",
        "--suppress-below",
        "5",
        "--column",
        "Nombre",
    )
    ws.ok("request", "decide", ref, "--on", "2024-06-12", "--outcome", "partial")
    return ref


def test_decision_letter_both_formats_with_journaled_hashes(sqlite_ws: Workspace, tmp_path: Path):
    ws = sqlite_ws
    ref = decided(ws, tmp_path)
    out = tmp_path / "out"
    printed = ws.ok(
        "letter",
        ref,
        "--kind",
        "decision",
        "--format",
        "both",
        "--out",
        str(out),
        "--date",
        "2024-06-12",
    ).split()
    paths = [Path(p) for p in printed]
    assert [p.suffix for p in paths] == [".docx", ".pdf"]
    assert sorted(os.listdir(out)) == sorted(p.name for p in paths)  # no staging file left
    text = pdf_text(paths[1])
    assert "Québec, le 12 juin 2024" in docx_text(paths[0])
    assert "reçue le 17 mai 2024, et précisée le 23 mai dernier" in " ".join(text.split())
    assert "MOTIFS DE REFUS INVOQUÉS" in text
    assert "1982, c. 30, a. 54; 2006, c. 22, a. 110." in text  # cited because counts were blanked
    assert (
        "Source : SharePoint DGOR" in " ".join(text.split()) or "Source\u00a0: SharePoint" in text
    )
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    assert view["articles"] == ["53", "54"]
    letter_events = [e for e in view["journal"] if e["action"] == "letter"]
    recorded = json.loads(letter_events[-1]["new"])
    assert recorded["pdf"] == hashlib.sha256(paths[1].read_bytes()).hexdigest()
    assert recorded["docx"] == hashlib.sha256(paths[0].read_bytes()).hexdigest()


def test_small_counts_blank_in_docx(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = decided(ws, tmp_path)
    out = tmp_path / "out"
    path = Path(ws.ok("letter", ref, "--format", "docx", "--out", str(out)).split()[0])
    cells = [c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells]
    i = cells.index("Magog")
    assert cells[i + 1] == ""
    assert cells[cells.index("Laval") + 1] == "61"
    assert cells[cells.index("Gatineau") + 1] == "0"


def test_reissue_with_other_content_needs_the_flag(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = decided(ws, tmp_path)
    out = tmp_path / "out"
    ws.ok("letter", ref, "--format", "pdf", "--out", str(out), "--date", "2024-06-12")
    ws.ok("letter", ref, "--format", "pdf", "--out", str(out), "--date", "2024-06-12")  # same text
    before = ws.snapshot()
    listing = {p.name: p.read_bytes() for p in out.iterdir()}
    result = ws.run("letter", ref, "--format", "pdf", "--out", str(out), "--date", "2024-06-13")
    assert result.exit_code == 1
    assert "--reissue" in result.stderr and result.stderr.count("\n") == 1
    assert ws.snapshot() == before
    assert {p.name: p.read_bytes() for p in out.iterdir()} == listing
    ws.ok("letter", ref, "--format", "pdf", "--out", str(out), "--date", "2024-06-13", "--reissue")
    journal = json.loads(ws.ok("request", "show", ref, "--json"))["journal"]
    assert [json.loads(e["new"])["date"] for e in journal if e["action"] == "letter"] == [
        "2024-06-12",
        "2024-06-12",
        "2024-06-13",
    ]


@pytest.mark.parametrize(
    ("kind", "message"),
    [("decision", "has no decision"), ("extension", "was not extended")],
)
def test_letter_needs_its_event(sqlite_ws: Workspace, tmp_path: Path, kind: str, message: str):
    ws = sqlite_ws
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    result = ws.run("letter", ref, "--kind", kind, "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_read_only_output_folder_is_refused(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        result = ws.run("letter", ref, "--kind", "acknowledgement", "--out", str(out))
        assert result.exit_code == 1
        assert "cannot write" in result.stderr
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o700)


def test_markup_in_every_user_field_comes_out_literally(sqlite_ws: Workspace, tmp_path: Path):
    ws = sqlite_ws
    ref = ws.new(
        "--received", "2024-05-17", "--requester", MARKUP, "--address", MARKUP, "--subject", MARKUP
    )
    out = tmp_path / "out"
    docx_path, pdf_path = map(
        Path, ws.ok("letter", ref, "--kind", "acknowledgement", "--out", str(out)).split()
    )
    for text in (docx_text(docx_path), pdf_text(pdf_path)):
        flat = " ".join(text.replace("\u00a0", " ").replace("’", "'").split())
        assert "Zoé & <b>Fils</b> {{ nom }} {% if x %}" in flat


def test_annex_list_and_remove(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    note = tmp_path / "note.txt"
    note.write_text("Premier paragraphe.\n\nDeuxième paragraphe.\n", encoding="utf-8")
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("Région,Organisme\nEstrie,SANC\nLaval,CIL\nEstrie,SANA\n", encoding="utf-8")
    ws.ok("annex", "add", ref, "--title", "Mission", "--text", str(note))
    ws.ok(
        "annex",
        "add",
        ref,
        "--title",
        "Organismes par régions",
        "--list",
        str(orgs),
        "--group-by",
        "Région",
    )
    listed = json.loads(ws.ok("annex", "list", ref, "--json"))
    assert [s["title"] for s in listed] == ["Mission", "Organismes par régions"]
    assert listed[1]["groups"][0][0] == "Estrie"
    ws.ok("annex", "remove", ref, "1")
    assert ws.ok("annex", "list", ref).strip().startswith("1. Organismes par régions")
    result = ws.run("annex", "remove", ref, "5")
    assert result.exit_code == 1 and "has no annex 5" in result.stderr


def test_all_due_writes_every_missing_letter_once(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    refs = [
        ws.new("--received", f"2024-05-{day:02d}", "--requester", "A", "--subject", "s")
        for day in (6, 7, 8, 9, 10)
    ]
    ws.ok("request", "extend", refs[0], "--on", "2024-05-20")
    ws.ok("request", "decide", refs[1], "--on", "2024-05-21", "--outcome", "granted")
    out = tmp_path / "out"
    printed = ws.ok(
        "letter",
        "--all-due",
        "--format",
        "pdf",
        "--out",
        str(out),
        "--date",
        "2024-05-22",
        "--jobs",
        "2",
    ).split()
    names = sorted(Path(p).name for p in printed)
    expected = sorted(
        [f"{r}_acknowledgement.pdf" for r in refs]
        + [f"{refs[0]}_extension.pdf", f"{refs[1]}_decision.pdf"]
    )
    assert names == expected
    assert sorted(os.listdir(out)) == expected  # no staging file left
    assert ws.ok("letter", "--all-due", "--out", str(out)).strip() == ""  # nothing left to do
