"""Terminal output of requests: a readable table, CSV, and one request in detail.

Words follow the interface language; codes in JSON never do. Dates in tables stay ISO.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from atip.i18n import N_, _, day, language, ngettext
from atip.vocabulary import label

COLUMNS = ("reference", "status", "kind", "received_on", "decision_due", "days_left", "decided_on")
HEADERS = {
    "reference": N_("Ref."),
    "status": N_("Status"),
    "kind": N_("Kind"),
    "received_on": N_("Received"),
    "decision_due": N_("Decision due"),
    "days_left": N_("Days left"),
    "decided_on": N_("Decided"),
    "deemed_refusal": N_("Deemed refusal"),
    "clock": N_("Clock"),
    "article": N_("Article"),
    "due": N_("Due"),
    "clock_days_left": N_("Days left (clock)"),
}
# Above this many rows a table is drawn here, not by rich: rich measures every cell of every
# row, which takes seconds for a long register (bench/run.py, "table").
RICH_ROWS = 1000
ANSI = {"bold red": "1;31", "yellow": "33", "dim": "2", "dim strike": "2;9", "bold": "1"}
STATUS_STYLE = {
    "overdue": "bold red",
    "decided": "dim",
    "closed": "dim",
    "withdrawn": "dim",
    "void": "dim strike",
}
# What each journal action reads as in the history.
ACTIONS = {
    "created": N_("logged"),
    "imported": N_("imported"),
    "clarified": N_("clarified"),
    "extended": N_("extended"),
    "third-party": N_("third party"),
    "decided": N_("decided"),
    "review": N_("review filed"),
    "annex-added": N_("annex added"),
    "annex-removed": N_("annex removed"),
    "letter": N_("letter issued"),
    "published": N_("published"),
    "purged": N_("personal information purged"),
    "corrected": N_("corrected"),
    "cancelled": N_("cancelled"),
    "revised": N_("decision revised"),
    "withdrawn": N_("withdrawn"),
    "voided": N_("made void"),
    "note": N_("note"),
    "assigned": N_("assigned"),
    "fees": N_("fees"),
}


# What each journaled field reads as.
FIELDS = {
    "requester": N_("requester"),
    "received_on": N_("received"),
    "clarified_on": N_("clarified"),
    "keep_clock": N_("clock kept"),
    "extended_on": N_("extension notice"),
    "third_party_notified_on": N_("third party notified"),
    "observations_on": N_("observations"),
    "decided_on": N_("decided on"),
    "outcome": N_("outcome"),
    "articles": N_("articles"),
    "review_filed_on": N_("review filed"),
    "annex": N_("annex"),
    "third_party": N_("third party"),
    "estimate": N_("fee estimate"),
    "paid_on": N_("fees paid"),
    "waived": N_("fees waived"),
    "clerk": N_("clerk"),
    "requester_email": N_("requester's email"),
    "requester_address": N_("requester's address"),
    "requester_courtesy": N_("requester's courtesy title"),
    "subject": N_("subject"),
    "kind": N_("kind"),
    "channel": N_("channel"),
    "withdrawn_on": N_("withdrawal"),
    "void_reason": N_("void"),
    "links": N_("links"),
    "body": N_("decision text"),
    "referral_body": N_("competent body"),
}
PERSONAL = "(personal information)"  # as the journal stores it (atip.register.journal)


def print_table(rows: list[dict[str, Any]], as_of: date, *, warn_within: int = 5) -> None:
    """A coloured table: late rows red, rows due within `warn_within` days yellow."""
    title = _("Requests as of {day}").format(day=as_of.isoformat())
    words = _Words()
    status_at, kind_at, left_at = (COLUMNS.index(c) for c in ("status", "kind", "days_left"))
    lines: list[list[str]] = []
    styles: list[str | None] = []
    for row in rows:
        status = row["status"]
        style = STATUS_STYLE.get(status)
        left = row["days_left"]
        decided = row["decided_on"] is not None
        if style is None and not decided and left is not None and left <= warn_within:
            style = "yellow"
        cells = [_cell(row[c]) for c in COLUMNS]
        cells[status_at] = words.label("status", status)
        cells[kind_at] = words.label("kind", row["kind"])
        if left is None or decided:
            cells[left_at] = ""  # nothing is due once decided or ended
        lines.append(cells)
        styles.append(style)
    headers = [_(HEADERS[c]) for c in COLUMNS]
    draw_table(title, headers, lines, styles, right={left_at})
    if not rows:
        _echo(_("No request matches."))


def print_clocks(rows: list[dict[str, Any]], as_of: date, *, warn_within: int = 5) -> None:
    """`report deadlines`: one line per clock of each file, late red, soon yellow."""
    from atip.reports.deadlines import CLOCKS

    title = _("Deadlines as of {day}").format(day=as_of.isoformat())
    words = _Words()
    keys = ("reference", "status", "kind", "clock", "article", "due", "days_left")
    lines: list[list[str]] = []
    styles: list[str | None] = []
    for row in rows:
        for clock in row["clocks"]:
            left = clock["days_left"]
            style = "bold red" if left < 0 else "yellow" if left <= warn_within else None
            lines.append(
                [
                    row["reference"],
                    words.label("status", row["status"]),
                    words.label("kind", row["kind"]),
                    _(CLOCKS[clock["clock"]]),
                    clock["article"],
                    clock["due"],
                    str(left),
                ]
            )
            styles.append(style)
    draw_table(title, [_(HEADERS[k]) for k in keys], lines, styles, right={len(keys) - 1})
    if not rows:
        _echo(_("No request matches."))


class _Words:
    """`vocabulary.label`, looked up once per code: a long list has few distinct codes."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], str] = {}

    def label(self, what: str, code: str) -> str:
        key = (what, code)
        word = self.seen.get(key)
        if word is None:
            word = self.seen[key] = label(what, code)
        return word


def draw_table(
    title: str,
    headers: list[str],
    lines: list[list[str]],
    styles: list[str | None],
    *,
    right: Collection[int] = (),
) -> None:
    """A table as rich draws it; rich itself for a short one, drawn here for a long one."""
    if len(lines) <= RICH_ROWS:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, header_style="bold")
        for i, header in enumerate(headers):
            table.add_column(header, justify="right" if i in right else "left", no_wrap=True)
        for cells, style in zip(lines, styles, strict=True):
            table.add_row(*cells, style=style)
        Console(width=None if sys.stdout.isatty() else 120).print(table)
        return
    sys.stdout.write(plain_table(title, headers, lines, styles, right=right, colour=_colour()))
    sys.stdout.flush()


def plain_table(
    title: str,
    headers: list[str],
    lines: list[list[str]],
    styles: list[str | None],
    *,
    right: Collection[int] = (),
    colour: bool = False,
) -> str:
    """The text of a table in rich's default box (heavy head), each line one row."""
    widths = [len(h) for h in headers]
    for i in range(len(headers)):
        longest = max((len(cells[i]) for cells in lines), default=0)
        if longest > widths[i]:
            widths[i] = longest

    def fit(cells: list[str]) -> list[str]:
        return [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]

    total = sum(widths) + 3 * len(widths) + 1
    bold = "\x1b[1m" if colour else ""
    reset = "\x1b[0m" if colour else ""
    out = [
        title.center(total).rstrip(),
        "┏" + "┳".join("━" * (w + 2) for w in widths) + "┓",
        "┃ " + " ┃ ".join(f"{bold}{h}{reset}" for h in fit(headers)) + " ┃",
        "┡" + "╇".join("━" * (w + 2) for w in widths) + "┩",
    ]
    # One format string for every row: str.format runs in C, a row at a time.
    row_format = "│ " + " │ ".join("{}" for _ in widths) + " │"
    justified = [
        (lambda c, w=w: c.rjust(w)) if i in right else (lambda c, w=w: c.ljust(w))
        for i, w in enumerate(widths)
    ]
    append = out.append
    for cells, style in zip(lines, styles, strict=True):
        text = row_format.format(*[j(c) for j, c in zip(justified, cells, strict=True)])
        if colour and style:
            text = f"\x1b[{ANSI.get(style, '0')}m{text}\x1b[0m"
        append(text)
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(out) + "\n"


def _colour() -> bool:
    """Whether to colour a table drawn here, as rich decides: NO_COLOR, FORCE_COLOR, a tty."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _echo(text: str) -> None:
    import click

    click.echo(text)


def print_csv(rows: list[dict[str, Any]]) -> None:
    """The same columns as the table, as CSV on stdout: headers in the interface language,
    values as codes and ISO dates."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(csv_header(COLUMNS))
    for row in rows:
        writer.writerow(_cell(row[c]) for c in COLUMNS)


def xlsx_rows(rows: list[dict[str, Any]]) -> bytes:
    """The list as an Excel workbook: the table's columns, headers in the interface language,
    words for codes, real dates and numbers."""
    from atip.reports.xlsx import Sheet, workbook

    keys = (*COLUMNS, "deemed_refusal")
    words = _Words()
    lines = []
    for row in rows:
        cells: list[Any] = [row[k] for k in keys]
        cells[1] = words.label("status", row["status"])
        cells[2] = words.label("kind", row["kind"])
        if row["decided_on"] is not None:
            cells[keys.index("days_left")] = None
        cells[-1] = _("yes") if row["deemed_refusal"] else _("no")
        lines.append(cells)
    return workbook([Sheet(_("Requests"), [_(HEADERS[k]) for k in keys], lines)])


def csv_header(keys: tuple[str, ...]) -> list[str]:
    """A CSV header: the JSON keys in English (as scripts read them), their words in French."""
    from atip.i18n import language

    return list(keys) if language() == "en" else [_(HEADERS[key]) for key in keys]


def print_request(view: dict[str, Any], *, journal: bool = False, timezone: str = "") -> None:
    """One request in detail, with its explanation sentences."""
    import click

    status = label("status", view["status"])
    kind = label("kind", view["kind"])
    received = _("Received: {day}").format(day=day_of(view["received_on"]))
    if view["clarified_on"]:
        received += _(", clarified {day}").format(day=day_of(view["clarified_on"]))
    lines = [
        f"N/Réf. : {view['reference']}  ({kind}, {status})",
        _("Subject: {subject}").format(subject=view["subject"]),
        received,
        _("Clock starts: {day}").format(day=day_of(view["clock_starts_on"])),
        _("Response due (a. 47): {day}").format(day=day_of(view["response_due"])),
    ]
    if view["extended"]:
        lines.append(
            _("Extended on {on}: due {due}").format(
                on=day_of(view["extended_on"]), due=day_of(view["extended_due"])
            )
        )
    parties = view.get("third_parties") or [
        {
            "notified_on": view["third_party_notified_on"],
            "observations_due": view["observations_due"],
            "third_party_due": view["third_party_due"],
        }
    ] * bool(view["third_party_due"])
    for party in parties:
        lines.append(
            _(
                "Third party notified {notified}: observations due {observations}, "
                "decision due {due} (a. 49)"
            ).format(
                notified=day_of(party["notified_on"]),
                observations=day_of(party["observations_due"]),
                due=day_of(party["third_party_due"]),
            )
        )
    fees = view.get("fees")
    if fees:
        lines.append(_fees_line(fees))
    if view["status"] == "void":
        lines.append(_("Void entry: {why}").format(why=view["void_reason"]))
    elif view["withdrawn_on"]:
        lines.append(
            _("Withdrawn by the requester on {day}: no time limit runs").format(
                day=day_of(view["withdrawn_on"])
            )
        )
    elif view["decided_on"]:
        lines.append(_("Decision due: {day}").format(day=day_of(view["decision_due"])))
        lines.append(
            _("Decided: {day} ({outcome}, {timeliness})").format(
                day=day_of(view["decided_on"]),
                outcome=label("outcome", view["outcome"]),
                timeliness=_timeliness(view["decided_on"], view["decision_due"]),
            )
        )
    else:
        lines.append(
            _("Decision due: {day} ({left})").format(
                day=day_of(view["decision_due"]), left=_days(view["days_left"])
            )
        )
        if view["deemed_refusal"]:
            lines.append(_("Deemed refusal (a. 52): no decision by the due date"))
    if view["status"] not in ("withdrawn", "void"):
        lines.append(
            _("Review deadline (a. 135): {day}").format(day=day_of(view["review_deadline"]))
        )
    if view["review_filed_on"]:
        lines.append(
            _("Review filed with the Commission: {day}").format(day=day_of(view["review_filed_on"]))
        )
    if view.get("letters_to_reissue"):
        lines.append(
            _("Letters to issue again (the file changed since): {kinds}").format(
                kinds=", ".join(label("letter", k) for k in view["letters_to_reissue"])
            )
        )
    if view.get("notes"):
        lines.append(_("Notes:"))
        lines.extend(
            f"  {local_time(n['at'], timezone)} {n['actor']} — {n['text']}" for n in view["notes"]
        )
    lines.append(_("How the dates were reached:"))
    lines.extend(f"  - {sentence}" for sentence in view.get("explain", []))
    if journal:
        lines.append(_("Journal:"))
        lines.extend(f"  {line}" for line in journal_lines(view.get("journal", []), timezone))
    click.echo("\n".join(lines))


def _fees_line(fees: dict[str, Any]) -> str:
    """The fees of a request in one sentence."""
    if fees["waived"]:
        return _("Fees: waived")
    from decimal import Decimal

    from atip.french import money

    amount = Decimal(fees["estimate"]) if fees["estimate"] is not None else None
    shown = money(amount) if language() == "fr" and amount is not None else fees["estimate"]
    line = _("Fees: estimate of {amount} sent {day} (a. 11)").format(
        amount=shown, day=day_of(fees["estimated_on"])
    )
    if fees["paid_on"]:
        line += _(", paid {day}").format(day=day_of(fees["paid_on"]))
    return line


def journal_lines(events: list[dict[str, Any]], timezone: str) -> list[str]:
    """Each journal event on one line, in local time: when, who, what, from what to what."""
    out = []
    for e in events:
        action = _(ACTIONS[e["action"]]) if e["action"] in ACTIONS else e["action"]
        change = ""
        if e["action"] in ("letter", "published"):
            change = " — " + _letter_value(e["new"])
        elif e["field"]:
            field = _(FIELDS[e["field"]]) if e["field"] in FIELDS else e["field"]
            old, new = _value(e["old"], e["field"]), _value(e["new"], e["field"])
            change = f" — {field} : {old} → {new}"
            if language() == "en":
                change = change.replace(" : ", ": ")
            else:
                change = change.replace(" : ", "\u00a0: ")
        if e["action"] == "note":
            change = f" — {e['new']}"
        if e.get("why"):
            change += " " + _("(why: {why})").format(why=e["why"])
        out.append(f"{local_time(e['at'], timezone)} {e['actor']} {action}{change}")
    return out


def _letter_value(stored: str | None) -> str:
    """An issued letter as the journal shows it: its kind and date, not its hashes."""
    import json

    try:
        issued = json.loads(stored or "{}")
    except ValueError:
        return stored or ""
    kind = label("letter", str(issued.get("kind", "")))
    return f"{kind}, {_value(issued.get('date'))}"


def _value(stored: str | None, field: str = "") -> str:
    """A journaled value as a clerk reads it."""
    if stored is None or stored == "":
        return "—"
    if field in ("outcome", "kind"):
        return label(field, stored)
    if stored == PERSONAL:
        return _("(personal information)")
    if len(stored) == 10 and stored[4] == "-" and stored[7] == "-":
        try:
            return day(date.fromisoformat(stored))
        except ValueError:
            return stored
    return stored


def local_time(stamp: str, timezone: str) -> str:
    """An ISO UTC timestamp as the office's clock showed it: `2024-05-17 14:03`."""
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    if timezone:
        moment = moment.astimezone(ZoneInfo(timezone))
    return moment.strftime("%Y-%m-%d %H:%M")


def day_of(iso: str | None) -> str:
    """An ISO date of a view, as a sentence writes it."""
    return day(date.fromisoformat(iso)) if iso else ""


def _timeliness(decided_on: str, due: str) -> str:
    """ "on time" or "N days late", from two ISO dates."""
    late = (date.fromisoformat(decided_on) - date.fromisoformat(due)).days
    if late <= 0:
        return _("on time")
    return ngettext("{n} day late", "{n} days late", late).format(n=late)


def _days(left: int) -> str:
    if left == 0:
        return _("due today")
    if left < 0:
        return ngettext("{n} day late", "{n} days late", -left).format(n=-left)
    return ngettext("{n} day left", "{n} days left", left).format(n=left)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value)
