"""Long terminal lists are drawn by atip itself (rich measures every cell: seconds for a long
register), in the same box as rich draws a short one. Speed is measured in bench/run.py."""

from __future__ import annotations

import io

import pytest

from atip.cli import display


def rich_text(title: str, headers: list[str], lines: list[list[str]], right: set[int]) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for i, header in enumerate(headers):
        table.add_column(header, justify="right" if i in right else "left", no_wrap=True)
    for cells in lines:
        table.add_row(*cells)
    buffer = io.StringIO()
    Console(file=buffer, width=200).print(table)
    return buffer.getvalue()


def test_the_drawn_table_is_the_one_rich_draws() -> None:
    headers = ["Réf.", "Statut", "Jours restants"]
    lines = [["2024-000001", "en retard", "-5"], ["7", "ouverte", "12"], ["", "—", "0"]]
    mine = display.plain_table("Demandes au 2024-02-10", headers, lines, [None] * 3, right={2})
    theirs = rich_text("Demandes au 2024-02-10", headers, lines, {2})
    assert [line.rstrip() for line in mine.splitlines()] == [
        line.rstrip() for line in theirs.splitlines()
    ]


def test_colours_follow_the_row_styles() -> None:
    text = display.plain_table("t", ["a"], [["x"], ["y"]], ["bold red", None], colour=True)
    rows = text.splitlines()
    assert rows[4].startswith("\x1b[1;31m") and rows[4].endswith("\x1b[0m")
    assert "\x1b[" not in rows[5]


def test_a_long_list_is_drawn_without_rich(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    monkeypatch.setattr(display, "RICH_ROWS", 2)
    row = {"reference": "1", "status": "open", "kind": "documents", "received_on": "2024-01-15",
           "decision_due": "2024-02-05", "days_left": 3, "decided_on": None}  # fmt: skip
    rows = [dict(row, reference=str(n)) for n in range(5)]
    display.print_table(rows, date(2024, 2, 2))
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 + 3 + 5 + 1  # title, head, rows, bottom
    assert out[4].startswith("│ 0 ") and out[4].rstrip().endswith("│")
