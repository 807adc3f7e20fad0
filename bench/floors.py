"""The floors of issue 17: the least a read command can cost, as a fresh process.

Each floor prints what the atip command prints, byte for byte (bench/run.py checks it before
it times anything), with only what the work needs: click, the DB-API driver (sqlite3 or
psycopg) and the deadline engine (`atip.law`), SQL written by hand, no read layer, no settings
file, no language negotiation, no checks that the schema and the rules are in step.

    python bench/floors.py DATABASE show REF AS_OF      # request show REF --json --as-of
    python bench/floors.py DATABASE overdue AS_OF       # request list --overdue --json
    python bench/floors.py DATABASE deadlines AS_OF     # report deadlines --format json
    python bench/floors.py DATABASE annual FY AS_OF     # report annual's figures, as JSON

DATABASE is a SQLite file or a postgresql:// URL. The workspace's rules are the defaults.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import click

GIVES_ACCESS = ("granted", "partial", "mixed")


class Database:
    """sqlite3 or psycopg, with `?` parameters either way; dates as dates."""

    def __init__(self, target: str) -> None:
        self.sqlite = not target.startswith("postgresql")
        if self.sqlite:
            import sqlite3

            self.conn: Any = sqlite3.connect(target)
        else:
            import psycopg

            self.conn = psycopg.connect(target.replace("postgresql+psycopg://", "postgresql://"))

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self.sqlite:
            params = tuple(p.isoformat() if isinstance(p, date) else p for p in params)
        else:
            sql = sql.replace("?", "%s")
        return [tuple(row) for row in self.conn.execute(sql, params).fetchall()]

    def requests(self, where: str, *params: Any) -> list[dict[str, Any]]:
        out = []
        for row in self.rows(f"SELECT {', '.join(COLUMNS)} FROM requests WHERE {where}", *params):
            req = dict(zip(COLUMNS, row, strict=True))
            if self.sqlite:
                for name in DATES:
                    if req[name] is not None:
                        req[name] = date.fromisoformat(req[name])
            req["accommodation"] = bool(req["accommodation"])
            req["keep_clock"] = bool(req["keep_clock"])
            out.append(req)
        return out

    def moment(self, value: Any) -> str:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        moment = moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment
        return moment.astimezone(UTC).isoformat(timespec="seconds")


FACTS = (
    "clarified_on",
    "extended_on",
    "third_party_notified_on",
    "observations_on",
    "decided_on",
    "review_filed_on",
    "withdrawn_on",
)
COMPUTED = (
    "clock_starts_on",
    "response_due",
    "extended_due",
    "observations_due",
    "third_party_due",
    "decision_due",
    "review_deadline",
    "executory_on",
)


DATES = ("received_on", *FACTS, *COMPUTED, "voided_on")
COLUMNS = (
    "id reference kind subject channel clerk accommodation keep_clock outcome void_reason "
    + " ".join(DATES)
).split()


def as_of_day(rows: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """The rows as they stood on `day`: facts after it dropped, their dates computed again,
    in the list's order (late first, then due soonest)."""
    from atip.law import deadlines

    for req in rows:
        later = [name for name in FACTS if req[name] is not None and req[name] > day]
        if not later:
            continue
        for name in later:
            req[name] = None
        if req["decided_on"] is None:
            req["outcome"] = None
        facts = deadlines.Facts(
            received_on=req["received_on"],
            clarified_on=req["clarified_on"],
            keep_clock=req["keep_clock"],
            extended_on=req["extended_on"],
            decided_on=req["decided_on"],
            kind=req["kind"],
        )
        dates = deadlines.compute(facts, deadlines.Rules(), explaining=False)
        req.update({name: getattr(dates, name) for name in COMPUTED})
    rows.sort(
        key=lambda r: (
            r["decided_on"] is not None or r["withdrawn_on"] is not None,
            r["decision_due"],
            r["reference"],
        )
    )
    return rows


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def view(req: dict[str, Any], as_of: date, explain: bool = False) -> dict[str, Any]:
    from types import SimpleNamespace

    from atip.law import deadlines
    from atip.law.status import status_of

    status = status_of(SimpleNamespace(**req), as_of)  # type: ignore[arg-type]
    out = {
        "reference": req["reference"],
        "status": status,
        "kind": req["kind"],
        "subject": req["subject"],
        "received_on": iso(req["received_on"]),
        "clarified_on": iso(req["clarified_on"]),
        "clock_starts_on": iso(req["clock_starts_on"]),
        "response_due": iso(req["response_due"]),
        "extended": req["extended_on"] is not None,
        "extended_on": iso(req["extended_on"]),
        "extended_due": iso(req["extended_due"]) if req["extended_on"] else None,
        "third_party_notified_on": iso(req["third_party_notified_on"]),
        "observations_due": iso(req["observations_due"]),
        "observations_on": iso(req["observations_on"]),
        "third_party_due": iso(req["third_party_due"]),
        "decision_due": iso(req["decision_due"]),
        "decided_on": iso(req["decided_on"]),
        "outcome": req["outcome"],
        "executory_on": iso(req["executory_on"]) if req["outcome"] in GIVES_ACCESS else None,
        "review_deadline": iso(req["review_deadline"]),
        "review_filed_on": iso(req["review_filed_on"]),
        "days_left": None
        if status in ("withdrawn", "void")
        else (req["decision_due"] - as_of).days,
        "deemed_refusal": status == "overdue",
        "accommodation": req["accommodation"],
        "channel": req["channel"],
        "clerk": req["clerk"],
        "withdrawn_on": iso(req["withdrawn_on"]),
        "void_reason": req["void_reason"],
    }
    if explain:
        facts = deadlines.Facts(
            received_on=req["received_on"],
            clarified_on=req["clarified_on"],
            keep_clock=req["keep_clock"],
            extended_on=req["extended_on"],
            third_party_notified_on=req["third_party_notified_on"],
            observations_on=req["observations_on"],
            decided_on=req["decided_on"],
            kind=req["kind"],
        )
        out["explain"] = list(deadlines.compute(facts, deadlines.Rules()).explain)
    return out


def json_rows(rows: list[dict[str, Any]]) -> str:
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return f"[\n{lines}\n]" if rows else "[]"


# Facts dated after the day are ignored (as atip's view of a past day does): such rows are
# selected too, then seen as they stood (`as_of`).
LATER = " OR ".join(f"{name} > ?" for name in FACTS)
OPEN = (
    "received_on <= ? AND voided_on IS NULL AND"
    f" ((decided_on IS NULL AND withdrawn_on IS NULL) OR {LATER})"
)


@click.group()
@click.argument("database")
@click.pass_context
def floor(ctx: click.Context, database: str) -> None:
    """The floor of a read command."""
    ctx.obj = Database(database)


@floor.command()
@click.argument("reference")
@click.argument("day", type=click.DateTime(["%Y-%m-%d"]))
@click.pass_obj
def show(db: Database, reference: str, day: datetime) -> None:
    """request show REF --json --as-of DAY (the bench register has no third party)."""
    (req,) = db.requests("reference = ?", reference)
    as_of = day.date()
    out = view(req, as_of, explain=True)
    requester = db.rows(
        "SELECT name, address, email, courtesy FROM requesters WHERE request_id = ?", req["id"]
    )
    names = ("name", "address", "email", "courtesy")
    out["requester"] = dict(zip(names, requester[0] if requester else (None,) * 4, strict=True))
    decision = db.rows("SELECT articles, links FROM decisions WHERE request_id = ?", req["id"])
    out["articles"] = decision[0][0].split(",") if decision and decision[0][0] else []
    out["links"] = json.loads(decision[0][1]) if decision else []
    events = db.rows(
        "SELECT at, actor, action, field, old, new, why FROM events WHERE request_id = ?"
        " ORDER BY id",
        req["id"],
    )
    out["notes"] = [
        {"at": db.moment(e[0]), "actor": e[1], "text": e[5]} for e in events if e[2] == "note"
    ]
    out["third_parties"] = []
    fees = db.rows(
        "SELECT estimate, estimated_on, paid_on, waived FROM fees WHERE request_id = ?", req["id"]
    )
    out["fees"] = (
        None
        if not fees
        else {
            "estimate": None if fees[0][0] is None else f"{Decimal(str(fees[0][0])):.2f}",
            "estimated_on": str(fees[0][1]) if fees[0][1] else None,
            "paid_on": str(fees[0][2]) if fees[0][2] else None,
            "waived": bool(fees[0][3]),
        }
    )
    out["letters_to_reissue"] = []
    keys = ("actor", "action", "field", "old", "new", "why")
    out["journal"] = [
        {"at": db.moment(e[0]), **dict(zip(keys, e[1:], strict=True))} for e in events
    ]
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


@floor.command()
@click.argument("as_of", type=click.DateTime(["%Y-%m-%d"]))
@click.pass_obj
def overdue(db: Database, as_of: datetime) -> None:
    """request list --overdue --json --as-of AS_OF."""
    day = as_of.date()
    rows = as_of_day(db.requests(OPEN, day, *[day] * len(FACTS)), day)
    rows = [r for r in rows if r["decided_on"] is None and r["withdrawn_on"] is None]
    click.echo(json_rows([view(req, day) for req in rows if req["decision_due"] < day]))


@floor.command()
@click.argument("as_of", type=click.DateTime(["%Y-%m-%d"]))
@click.pass_obj
def deadlines(db: Database, as_of: datetime) -> None:
    """report deadlines --format json --as-of AS_OF."""
    from atip.reports.deadlines import DEADLINE_KEYS, clocks_of

    day = as_of.date()
    rows = as_of_day(db.requests(OPEN, day, *[day] * len(FACTS)), day)
    rows = [r for r in rows if r["decided_on"] is None and r["withdrawn_on"] is None]
    views = [view(req, day) for req in rows]
    reviewing = (
        "received_on <= ? AND voided_on IS NULL AND ((decided_on IS NOT NULL"
        " AND review_filed_on IS NULL AND withdrawn_on IS NULL AND review_deadline >= ?)"
        f" OR {LATER})"
    )
    rows = as_of_day(db.requests(reviewing, day, day, *[day] * len(FACTS)), day)
    reviews = [
        view(req, day)
        for req in rows
        if req["decided_on"] is not None
        and req["review_filed_on"] is None
        and req["withdrawn_on"] is None
        and req["review_deadline"] >= day
    ]
    views += sorted(reviews, key=lambda v: (v["review_deadline"], v["reference"]))
    rows = []
    for one in views:
        row = {key: one[key] for key in DEADLINE_KEYS}
        row["clocks"] = clocks_of(one, day)
        rows.append(row)
    click.echo(json_rows(rows))


@floor.command()
@click.argument("fiscal_year")
@click.argument("as_of", type=click.DateTime(["%Y-%m-%d"]))
@click.pass_obj
def annual(db: Database, fiscal_year: str, as_of: datetime) -> None:
    """The figures of report annual --format json (without the settings' statements)."""
    start = int(fiscal_year[:4])
    first, last = date(start, 4, 1), date(start + 1, 3, 31)
    year = "received_on >= ? AND received_on <= ? AND voided_on IS NULL"
    kinds = ("documents", "personal", "rectification")
    report: dict[str, Any] = {"fiscal_year": fiscal_year}
    for kind in kinds:
        report[kind] = {
            "received": 0, "decided": 0, "pending": 0, "withdrawn": 0, "deemed_refusals": 0,
            "within_20_days": 0, "within_30_days": 0, "beyond_30_days": 0,
            "outcomes": {"granted": 0, "partial": 0, "refused": 0, "other": 0},
            "other_breakdown": {"not_held": 0, "referred": 0, "withdrawn": 0},
            "articles": {}, "accommodations": 0, "reviews": 0, "void": 0,
        }  # fmt: skip
    counts = db.rows(
        "SELECT kind, COUNT(*), COUNT(decided_on),"
        " SUM(CASE WHEN decided_on <= response_due THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN decided_on > response_due AND decided_on <= extended_due"
        "  THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN decided_on > extended_due THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN decided_on IS NULL AND withdrawn_on IS NULL AND decision_due < ?"
        "  THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN accommodation THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN review_filed_on IS NOT NULL THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN withdrawn_on IS NOT NULL AND decided_on IS NULL THEN 1 ELSE 0 END)"
        f" FROM requests WHERE {year} GROUP BY kind",
        as_of.date(),
        first,
        last,
    )
    for kind, n, decided, w20, w30, beyond, deemed, acc, reviews, withdrawn in counts:
        figures = report[kind]
        figures.update(
            received=n, decided=decided, pending=n - decided - (withdrawn or 0),
            withdrawn=withdrawn or 0, deemed_refusals=deemed or 0, within_20_days=w20 or 0,
            within_30_days=w30 or 0, beyond_30_days=beyond or 0, accommodations=acc or 0,
            reviews=reviews or 0,
        )  # fmt: skip
        figures["other_breakdown"]["withdrawn"] = withdrawn or 0
    groups = {"granted": "granted", "partial": "partial", "mixed": "partial", "refused": "refused"}
    others = {"not-held": "not_held", "referred": "referred"}
    outcomes = db.rows(
        f"SELECT kind, outcome, COUNT(*) FROM requests WHERE {year} AND decided_on IS NOT NULL"
        " GROUP BY kind, outcome",
        first,
        last,
    )
    for kind, outcome, n in outcomes:
        report[kind]["outcomes"][groups.get(outcome or "", "other")] += n
        if outcome in others:
            report[kind]["other_breakdown"][others[outcome]] += n
    for kind, n in db.rows(
        "SELECT kind, COUNT(*) FROM requests WHERE received_on >= ? AND received_on <= ?"
        " AND voided_on IS NOT NULL GROUP BY kind",
        first,
        last,
    ):
        report[kind]["void"] = n
    cited = db.rows(
        "SELECT kind, decisions.articles, COUNT(*) FROM requests JOIN decisions"
        f" ON decisions.request_id = requests.id WHERE {year} AND decisions.articles != ''"
        " GROUP BY kind, decisions.articles",
        first,
        last,
    )
    for kind, numbers, n in cited:
        table = report[kind]["articles"]
        for number in {a.strip() for a in numbers.split(",") if a.strip()}:
            table[number] = table.get(number, 0) + n
    for kind in kinds:
        table = report[kind]["articles"]
        report[kind]["articles"] = dict(
            sorted(table.items(), key=lambda kv: tuple(int(p) for p in kv[0].split(".")))
        )
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    floor()
