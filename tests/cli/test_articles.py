"""`atip articles`: the verbatim texts a letter cites, and the office's own overrides."""

from __future__ import annotations

import json

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
