"""Terminal output of requests: a readable table, CSV, and one request in detail."""

from __future__ import annotations

import csv
import sys
from datetime import date
from typing import Any

COLUMNS = ("reference", "status", "kind", "received_on", "decision_due", "days_left", "decided_on")
STATUS_STYLE = {"overdue": "bold red", "decided": "dim", "closed": "dim"}


def print_table(rows: list[dict[str, Any]], as_of: date, *, warn_within: int = 5) -> None:
    """A coloured table: late rows red, rows due within `warn_within` days yellow."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Requests as of {as_of.isoformat()}", header_style="bold")
    for name in ("Réf.", "Status", "Kind", "Received", "Decision due", "Days left", "Decided"):
        table.add_column(name, justify="right" if name == "Days left" else "left", no_wrap=True)
    for row in rows:
        style = STATUS_STYLE.get(row["status"])
        if style is None and row["decided_on"] is None and row["days_left"] <= warn_within:
            style = "yellow"
        cells = [_cell(row[c]) for c in COLUMNS]
        if row["decided_on"] is not None:
            cells[COLUMNS.index("days_left")] = ""  # nothing is due once decided
        table.add_row(*cells, style=style)
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(table)
    if not rows:
        console.print("No request matches.")


def print_csv(rows: list[dict[str, Any]]) -> None:
    """The same columns as the table, as CSV on stdout."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_cell(row[c]) for c in COLUMNS)


def print_request(view: dict[str, Any], *, journal: bool = False) -> None:
    """One request in detail, with its explanation sentences."""
    import click

    lines = [
        f"N/Réf. : {view['reference']}  ({view['kind']}, {view['status']})",
        f"Subject: {view['subject']}",
        f"Received: {view['received_on']}"
        + (f", clarified {view['clarified_on']}" if view["clarified_on"] else ""),
        f"Clock starts: {view['clock_starts_on']}",
        f"Response due (a. 47): {view['response_due']}",
    ]
    if view["extended"]:
        lines.append(f"Extended on {view['extended_on']}: due {view['extended_due']}")
    if view["third_party_due"]:
        lines.append(
            f"Third party notified {view['third_party_notified_on']}: observations due "
            f"{view['observations_due']}, decision due {view['third_party_due']} (a. 49)"
        )
    if view["decided_on"]:
        lines.append(f"Decision due: {view['decision_due']}")
        lines.append(
            f"Decided: {view['decided_on']} ({view['outcome']}, "
            f"{_timeliness(view['decided_on'], view['decision_due'])})"
        )
    else:
        lines.append(f"Decision due: {view['decision_due']} ({_days(view['days_left'])})")
        if view["deemed_refusal"]:
            lines.append("Deemed refusal (a. 52): no decision by the due date")
    lines.append(f"Review deadline (a. 135): {view['review_deadline']}")
    if view["review_filed_on"]:
        lines.append(f"Review filed with the Commission: {view['review_filed_on']}")
    lines.append("How the dates were reached:")
    lines.extend(f"  - {sentence}" for sentence in view.get("explain", []))
    if journal:
        lines.append("Journal:")
        for e in view.get("journal", []):
            change = f" {e['field']}: {e['old']} -> {e['new']}" if e["field"] else ""
            lines.append(f"  {e['at']} {e['actor']} {e['action']}{change}")
    click.echo("\n".join(lines))


def _timeliness(decided_on: str, due: str) -> str:
    """ "on time" or "N days late", from two ISO dates."""
    from datetime import date

    late = (date.fromisoformat(decided_on) - date.fromisoformat(due)).days
    return "on time" if late <= 0 else f"{late} day{'s' if late > 1 else ''} late"


def _days(left: int) -> str:
    if left == 0:
        return "due today"
    count = f"{abs(left)} day{'s' if abs(left) > 1 else ''}"
    return f"{count} late" if left < 0 else f"{count} left"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value)
