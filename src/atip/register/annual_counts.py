"""The annual statistics of the Règlement sur la diffusion (A-2.1, r. 2, a. 2), counted by SQL
aggregates on the stored dates (through the read layer, `atip.register.sql`): no loop over
requests in Python."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from atip.errors import InputError
from atip.i18n import _
from atip.register.sql import Connection
from atip.vocabulary import REQUEST_KINDS as KINDS

# Règlement sur la diffusion, a. 2, 1°: "acceptées, partiellement acceptées ou refusées".
# A mixed decision gives access to part of what was asked (its letter encloses documents and
# names grounds of refusal, as a partial one does), so it is counted as partially accepted.
OUTCOME_GROUPS = {
    "granted": "granted",
    "partial": "partial",
    "mixed": "partial",
    "refused": "refused",
}

# The "Autres" of the outcomes, broken down: not held and referred are decisions; withdrawn
# requests have none (their own line, `withdrawn`, repeated here).
OTHER_BREAKDOWN = {"not-held": "not_held", "referred": "referred"}


def fiscal_year(label: str) -> tuple[date, date]:
    """'2023-2024' -> (2023-04-01, 2024-03-31); InputError for anything else."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{4})", label.strip())
    if not match or int(match[2]) != int(match[1]) + 1 or int(match[1]) < 1900:
        raise InputError(
            _(
                "invalid fiscal year {label!r}: expected two consecutive years such as 2023-2024"
            ).format(label=label)
        )
    start = int(match[1])
    return date(start, 4, 1), date(start + 1, 3, 31)


# A request counts in the fiscal year of its received date; a void entry (made in error) is in
# no statistic.
IN_YEAR = "received_on >= :first AND received_on <= :last AND voided_on IS NULL"
# The delay bands compare the decision date with the stored dates: on or before `response_due`
# (20 days, a. 47); after it and on or before `extended_due` (the latest date the 10-day
# extension reaches, stored for every request); later. `deemed`: undecided after
# `decision_due` as of the day (a. 52). Each SUM(CASE …) is a count both backends compute.
COUNTS = f"""
SELECT kind, COUNT(*), COUNT(decided_on),
  SUM(CASE WHEN decided_on IS NOT NULL AND decided_on <= response_due THEN 1 ELSE 0 END),
  SUM(CASE WHEN decided_on IS NOT NULL AND decided_on > response_due
      AND decided_on <= extended_due THEN 1 ELSE 0 END),
  SUM(CASE WHEN decided_on IS NOT NULL AND decided_on > extended_due THEN 1 ELSE 0 END),
  SUM(CASE WHEN decided_on IS NULL AND withdrawn_on IS NULL AND decision_due < :as_of
      THEN 1 ELSE 0 END),
  SUM(CASE WHEN accommodation THEN 1 ELSE 0 END),
  SUM(CASE WHEN review_filed_on IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN withdrawn_on IS NOT NULL AND decided_on IS NULL THEN 1 ELSE 0 END)
FROM requests WHERE {IN_YEAR} GROUP BY kind"""
OUTCOMES = f"""
SELECT kind, outcome, COUNT(*) FROM requests
WHERE {IN_YEAR} AND decided_on IS NOT NULL GROUP BY kind, outcome"""
# Few distinct citation lists exist (53,54 / 53 / 1 …): grouped by the stored list, then split
# here, the work in Python is per distinct list, not per request.
ARTICLES = f"""
SELECT kind, decisions.articles, COUNT(*) FROM requests
JOIN decisions ON decisions.request_id = requests.id
WHERE {IN_YEAR} AND decisions.articles != ''
GROUP BY kind, decisions.articles"""
VOID = """
SELECT kind, COUNT(*) FROM requests
WHERE received_on >= :first AND received_on <= :last AND voided_on IS NOT NULL GROUP BY kind"""


def annual(conn: Connection, label: str, as_of: date) -> dict[str, Any]:
    """The year's statistics per kind, from aggregate SQL queries on stored dates."""
    first, last = fiscal_year(label)
    year = {"first": first, "last": last}
    report: dict[str, Any] = {"fiscal_year": label, **{k: empty_figures() for k in KINDS}}
    for row in conn.tuples(COUNTS, as_of=as_of, **year):
        (
            name,
            n_received,
            n_decided,
            w20,
            w30,
            beyond,
            deemed,
            accommodations,
            reviews,
            n_withdrawn,
        ) = row
        if name not in report:
            continue
        report[name].update(
            received=int(n_received),
            decided=int(n_decided),
            pending=int(n_received) - int(n_decided) - int(n_withdrawn or 0),
            withdrawn=int(n_withdrawn or 0),
            deemed_refusals=int(deemed or 0),
            within_20_days=int(w20 or 0),
            within_30_days=int(w30 or 0),
            beyond_30_days=int(beyond or 0),
            accommodations=int(accommodations or 0),
            reviews=int(reviews or 0),
        )
    for name, result, n in conn.tuples(OUTCOMES, **year):
        if name in report:
            report[name]["outcomes"][OUTCOME_GROUPS.get(result or "", "other")] += int(n)
            if result in OTHER_BREAKDOWN:
                report[name]["other_breakdown"][OTHER_BREAKDOWN[result]] += int(n)
    for name, n in conn.tuples(VOID, **year):
        if name in report:
            report[name]["void"] = int(n)
    for name, numbers, n in conn.tuples(ARTICLES, **year):
        if name not in report:
            continue
        table = report[name]["articles"]
        for number in {a.strip() for a in numbers.split(",") if a.strip()}:
            table[number] = table.get(number, 0) + int(n)
    for name in KINDS:
        table = report[name]["articles"]
        report[name]["articles"] = dict(sorted(table.items(), key=lambda kv: article_key(kv[0])))
        report[name]["other_breakdown"]["withdrawn"] = report[name]["withdrawn"]
    return report


def article_key(number: str) -> tuple[int, ...]:
    """'16.1' -> (16, 1): articles in the Act's order, not the alphabet's."""
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def empty_figures() -> dict[str, Any]:
    """The figures of one kind in a year with no request."""
    return {
        "received": 0,
        "decided": 0,
        "pending": 0,
        "withdrawn": 0,
        "deemed_refusals": 0,
        "within_20_days": 0,
        "within_30_days": 0,
        "beyond_30_days": 0,
        "outcomes": {"granted": 0, "partial": 0, "refused": 0, "other": 0},
        "other_breakdown": {"not_held": 0, "referred": 0, "withdrawn": 0},
        "articles": {},
        "accommodations": 0,
        "reviews": 0,
        "void": 0,
    }


def monthly_received(conn: Connection, label: str) -> dict[str, list[int]]:
    """Requests received per month of the fiscal year (April first), per kind."""
    first, last = fiscal_year(label)
    month = conn.month_of("received_on")
    query = f"SELECT kind, {month}, COUNT(*) FROM requests WHERE {IN_YEAR} GROUP BY kind, {month}"
    months = {kind: [0] * 12 for kind in KINDS}
    for name, number, n in conn.tuples(query, first=first, last=last):
        if name in months:
            months[name][(int(number) - 4) % 12] += int(n)
    return months
