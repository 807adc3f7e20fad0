"""`atip annex add REF --documents CSV`: the document index of a partial decision, whose articles
the decision cites and whose letter attaches their texts (a. 50)."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest

from atip.law.articles import default_library
from tests.cli.test_file_life import refused
from tests.cli.test_letter import docx_text, pdf_text
from tests.conftest import Workspace

INDEX = (
    "Document;Décision;Articles\n"
    "Rapport annuel 2023;Accessible;\n"
    'Note au sous-ministre;partiel;"a. 21; 36"\n'
    "Avis juridique;REFUSÉ;a. 36\n"
)
ROWS = [
    ("Rapport annuel 2023", "Accessible", ""),
    ("Note au sous-ministre", "Partiel", "21, 36"),
    ("Avis juridique", "Refusé", "36"),
]


def _request(ws: Workspace) -> str:
    return ws.new("--received", "2024-05-17", "--requester", "Jeanne Exemple", "--subject", "s")


def _index(tmp_path: Path, text: str = INDEX, name: str = "index.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _add(ws: Workspace, ref: str, path: Path) -> str:
    return ws.ok("annex", "add", ref, "--title", "Liste des documents", "--documents", str(path))


def _decide(ws: Workspace, ref: str, *args: str) -> None:
    ws.ok("request", "decide", ref, "--on", "2024-06-10", "--outcome", "partial", *args)


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("’", "'").split())


def test_index_added_before_the_decision_is_cited_by_it(ws: Workspace, tmp_path: Path) -> None:
    ref = _request(ws)
    assert _add(ws, ref, _index(tmp_path)).strip() == (
        f"{ref}: annex 1 « Liste des documents » added"
    )
    assert ws.ok("annex", "list", ref).strip() == "1. Liste des documents (table, cites a. 21, 36)"
    _decide(ws, ref)  # no --articles: the index names the grounds (a. 50)
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    assert view["articles"] == ["21", "36"]
    [stored] = json.loads(ws.ok("annex", "list", ref, "--json"))
    assert stored["header"] == ["Document", "Décision", "Articles"]
    assert [tuple(row) for row in stored["rows"]] == ROWS
    assert stored["articles"] == ["21", "36"]


def test_the_decisions_own_articles_come_first(ws: Workspace, tmp_path: Path) -> None:
    ref = _request(ws)
    _add(ws, ref, _index(tmp_path))
    _decide(ws, ref, "--articles", "36,53")
    assert json.loads(ws.ok("request", "show", ref, "--json"))["articles"] == ["36", "53", "21"]


def test_index_added_after_the_decision_adds_its_articles_journaled(
    ws: Workspace, tmp_path: Path
) -> None:
    ref = _request(ws)
    _decide(ws, ref, "--articles", "53")
    _add(ws, ref, _index(tmp_path))
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    assert view["articles"] == ["53", "21", "36"]
    events = [(e["action"], e["field"], e["old"], e["new"]) for e in view["journal"]]
    assert events[-2:] == [
        ("annex-added", "annex", None, "Liste des documents"),
        ("decided", "articles", "53", "53,21,36"),
    ]
    _add(ws, ref, _index(tmp_path))  # the same articles again: nothing more to cite
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    assert view["articles"] == ["53", "21", "36"]
    assert view["journal"][-1]["action"] == "annex-added"


@pytest.mark.parametrize("when", ["before", "after"])
def test_letter_has_the_index_and_the_verbatim_texts(
    sqlite_ws: Workspace, tmp_path: Path, when: str
) -> None:
    ws = sqlite_ws
    ref = _request(ws)
    if when == "after":
        _decide(ws, ref, "--articles", "53")
    _add(ws, ref, _index(tmp_path))
    if when == "before":
        _decide(ws, ref, "--articles", "53")
    out = tmp_path / "out"
    docx_path, pdf_path = map(
        Path,
        ws.ok(
            "letter", ref, "--kind", "decision", "--out", str(out), "--date", "2024-06-10"
        ).split(),
    )
    document = docx_text(docx_path)
    cells = document.split("\n")
    start = cells.index("Document")
    assert cells[start : start + 12] == [
        "Document",
        "Décision",
        "Articles",
        *[cell for row in ROWS for cell in row],
    ]
    pdf = _flat(pdf_text(pdf_path))
    laid_out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.split() for line in laid_out.splitlines()]
    for row in [("Document", "Décision", "Articles"), *ROWS]:  # each row on its own line
        assert " ".join(cell for cell in row if cell).split() in lines
    law = default_library(ws.path)
    for number in ("53", "21", "36"):
        version = law.text_on(number, date(2024, 6, 10))
        for paragraph in version.paragraphs:
            assert _flat(paragraph) in _flat(document)
            # pdftotext joins a word broken at its hyphen: compare the PDF without them
            assert _flat(paragraph).replace("-", "") in pdf.replace("-", "")
        assert _flat(version.history) in pdf


def test_english_words_and_columns(ws: Workspace, tmp_path: Path) -> None:
    ref = _request(ws)
    path = _index(
        tmp_path,
        "document,decision,articles\nReport,accessible,\nMemo,partial,21\nOpinion,refused,36\n",
    )
    _add(ws, ref, path)
    [stored] = json.loads(ws.ok("annex", "list", ref, "--json"))
    assert stored["rows"] == [
        ["Report", "Accessible", ""],
        ["Memo", "Partiel", "21"],
        ["Opinion", "Refusé", "36"],
    ]
    ws.ok("request", "decide", ref, "--on", "2024-06-10", "--outcome", "partielle")
    assert json.loads(ws.ok("request", "show", ref, "--json"))["articles"] == ["21", "36"]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            "Document,Décision,Articles\nNote,partiel,\n",
            2,
            "index.csv: line 2, column 3: a document refused in whole or in part needs the "
            "articles that ground the refusal (a. 50)",
        ),
        (
            "Document,Décision,Articles\nNote,accessible,21\n",
            2,
            "index.csv: line 2, column 3: an accessible document cites no article",
        ),
        (
            "Document,Décision,Articles\nNote,caviardé,21\n",
            2,
            "index.csv: line 2, column 2: the decision must be accessible, partiel or refusé",
        ),
        (
            "Document,Décision,Articles\nNote,refusé,a. 21\n\nAvis,refusé,confidentiel\n",
            2,
            "index.csv: line 4, column 3: expected article numbers such as 53, 54",
        ),
        (
            "Document,Décision,Articles\n,refusé,21\n",
            2,
            "index.csv: line 2, column 1: the document is not named",
        ),
        (
            "Document,Statut,Articles\nNote,refusé,21\n",
            2,
            "index.csv: a document index has the columns document, decision and articles; "
            "the columns are: Document, Statut, Articles",
        ),
        (
            "Document,Décision,Articles\nNote,refusé,21\nAvis,refusé,99\n",
            1,
            "index.csv: line 3, column 3: no text for article 99: the nearest known is 98; "
            "paste its text from LégisQuébec into a file and run `atip articles add FILE` "
            "(or add legal_articles/099.toml)",
        ),
    ],
)
def test_refusals_leave_the_database_as_it_was(
    ws: Workspace, tmp_path: Path, text: str, code: int, message: str
) -> None:
    ref = _request(ws)
    _decide(ws, ref, "--articles", "53")
    path = _index(tmp_path, text)
    args = ("annex", "add", ref, "--title", "Documents", "--documents", str(path))
    assert refused(ws, *args, code=code) == message


@pytest.mark.parametrize(
    "others",
    [("--table", "index.csv"), ("--text", "index.csv"), ("--list", "index.csv", "--group-by", "D")],
)
def test_documents_goes_alone(ws: Workspace, tmp_path: Path, others: tuple[str, ...]) -> None:
    ref = _request(ws)
    path = _index(tmp_path)
    others = tuple(str(path) if o == "index.csv" else o for o in others)
    args = ("annex", "add", ref, "--title", "T", "--documents", str(path), *others)
    before = ws.snapshot()
    result = ws.run(*args)
    assert result.exit_code == 2
    assert "give exactly one of --table, --list, --text and --documents" in result.stderr
    assert ws.snapshot() == before


def test_french_messages(ws: Workspace, tmp_path: Path, french: None) -> None:
    ref = _request(ws)
    path = _index(tmp_path, "Document;Décision;Articles\nNote;partiel;\n")
    args = ("annex", "add", ref, "--title", "Documents", "--documents", str(path))
    assert refused(ws, *args, code=2) == (
        "index.csv, ligne 2, colonne 3 : un document refusé en tout ou en partie exige les "
        "articles qui fondent le refus (a. 50)"
    )
    _add(ws, ref, _index(tmp_path))
    assert ws.ok("annex", "list", ref).strip() == (
        "1. Liste des documents (tableau, invoque a. 21, 36)"
    )


def _articles(ws: Workspace, ref: str) -> list[str]:
    return json.loads(ws.ok("request", "show", ref, "--json"))["articles"]


@pytest.mark.parametrize("when", ["before", "after"])
def test_removing_the_index_drops_the_articles_only_it_cited(
    ws: Workspace, tmp_path: Path, when: str
) -> None:
    ref = _request(ws)
    if when == "after":
        _decide(ws, ref, "--articles", "21,53")
    _add(ws, ref, _index(tmp_path))
    if when == "before":
        _decide(ws, ref, "--articles", "21,53")
    assert _articles(ws, ref) == ["21", "53", "36"]
    assert (
        ws.ok("annex", "remove", ref, "1").strip()
        == f"{ref}: annex 1 « Liste des documents » removed"
    )
    # 36 was cited only because of the index; 21, which it also names, the clerk cited
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    assert view["articles"] == ["21", "53"]
    events = [(e["action"], e["field"], e["old"], e["new"]) for e in view["journal"]]
    assert events[-2:] == [
        ("annex-removed", "annex", "Liste des documents", None),
        ("decided", "articles", "21,53,36", "21,53"),
    ]


def test_an_article_another_annex_cites_stays(ws: Workspace, tmp_path: Path) -> None:
    ref = _request(ws)
    _decide(ws, ref, "--articles", "53")
    _add(ws, ref, _index(tmp_path))
    second = "Document;Décision;Articles\nAvis juridique;refusé;36\n"
    _add(ws, ref, _index(tmp_path, second, "second.csv"))
    assert _articles(ws, ref) == ["53", "21", "36"]
    ws.ok("annex", "remove", ref, "1")
    assert _articles(ws, ref) == ["53", "36"]
    ws.ok("annex", "remove", ref, "1")
    assert _articles(ws, ref) == ["53"]


def test_the_index_that_grounds_the_refusal_cannot_go_alone(ws: Workspace, tmp_path: Path) -> None:
    ref = _request(ws)
    _add(ws, ref, _index(tmp_path))
    _decide(ws, ref)  # no --articles: the index names the grounds (a. 50)
    assert refused(ws, "annex", "remove", ref, "1") == (
        f"annex 1 of request {ref} names the grounds of its partial decision (a. 50): revise "
        "the decision with its articles first (`atip request decide --revise`)"
    )
    ws.ok(
        "request", "decide", ref, "--revise", "--why", "its own articles", "--on", "2024-06-10",
        "--outcome", "partial", "--articles", "36",
    )  # fmt: skip
    ws.ok("annex", "remove", ref, "1")
    assert _articles(ws, ref) == ["36"]


def test_a_decision_without_an_index_keeps_its_articles(ws: Workspace, tmp_path: Path) -> None:
    ref = _request(ws)
    table = tmp_path / "t.csv"
    table.write_text("Ville,Nombre\nLaval,61\n", encoding="utf-8")
    ws.ok("annex", "add", ref, "--title", "Villes", "--table", str(table))
    _decide(ws, ref, "--articles", "53")
    ws.ok("annex", "remove", ref, "1")
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    assert view["articles"] == ["53"]
    assert view["journal"][-1]["action"] == "annex-removed"
