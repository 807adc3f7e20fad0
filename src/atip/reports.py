"""What is due and late, and the yearly statistics of the Règlement sur la diffusion (a. 2)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, case, extract, func
from sqlmodel import Session, col, select

from atip.cases import status_of
from atip.errors import InputError
from atip.models import KINDS, Decision, Request

OUTCOME_GROUPS = {"granted": "granted", "partial": "partial", "refused": "refused"}


def deadlines(engine: Engine, as_of: date) -> list[dict[str, Any]]:
    """Open requests with their governing date: late first, then due soonest (indexed query)."""
    query = (
        select(Request)
        .where(col(Request.decided_on).is_(None))
        .order_by(col(Request.decision_due), col(Request.reference))
    )
    with Session(engine) as session:
        return [
            {
                "reference": req.reference,
                "status": status_of(req, as_of),
                "kind": req.kind,
                "received_on": req.received_on.isoformat(),
                "decision_due": req.decision_due.isoformat(),
                "days_left": (req.decision_due - as_of).days,
            }
            for req in session.exec(query)
        ]


def fiscal_year(label: str) -> tuple[date, date]:
    """'2023-2024' -> (2023-04-01, 2024-03-31); InputError for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{4})", label.strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise InputError(
            f"invalid fiscal year {label!r}: expected two consecutive years such as 2023-2024"
        )
    start = int(match[1])
    return date(start, 4, 1), date(start + 1, 3, 31)


def annual(engine: Engine, label: str) -> dict[str, Any]:
    """The year's statistics per kind, from aggregate SQL queries on the stored dates."""
    first, last = fiscal_year(label)
    in_year = and_(Request.received_on >= first, Request.received_on <= last)
    decided = col(Request.decided_on).is_not(None)
    counts = (
        select(
            Request.kind,
            func.count(),
            func.count(Request.decided_on),
            func.sum(case((and_(decided, Request.decided_on <= Request.response_due), 1), else_=0)),
            func.sum(
                case(
                    (
                        and_(
                            decided,
                            Request.decided_on > Request.response_due,
                            Request.decided_on <= Request.extended_due,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
            func.sum(case((and_(decided, Request.decided_on > Request.extended_due), 1), else_=0)),
            func.sum(case((col(Request.accommodation), 1), else_=0)),
            func.sum(case((col(Request.review_filed_on).is_not(None), 1), else_=0)),
        )
        .where(in_year)
        .group_by(Request.kind)
    )
    outcomes = (
        select(Request.kind, Request.outcome, func.count())
        .where(in_year, decided)
        .group_by(Request.kind, Request.outcome)
    )
    articles = (
        select(Request.kind, Decision.articles, func.count())
        .join(Decision, col(Decision.request_id) == col(Request.id))
        .where(in_year, Decision.articles != "")
        .group_by(Request.kind, Decision.articles)
    )
    report: dict[str, Any] = {"fiscal_year": label}
    for kind in KINDS:
        report[kind] = _empty()
    with Session(engine) as session:
        for kind, received, n_decided, w20, w30, beyond, accommodations, reviews in session.exec(
            counts
        ):
            report[kind].update(
                received=received,
                decided=n_decided,
                pending=received - n_decided,
                within_20_days=int(w20 or 0),
                within_30_days=int(w30 or 0),
                beyond_30_days=int(beyond or 0),
                accommodations=int(accommodations or 0),
                reviews=int(reviews or 0),
            )
        for kind, outcome, n in session.exec(outcomes):
            group = OUTCOME_GROUPS.get(outcome or "", "other")
            report[kind]["outcomes"][group] += n
        for kind, cited, n in session.exec(articles):
            for number in cited.split(","):
                table = report[kind]["articles"]
                table[number] = table.get(number, 0) + n
    for kind in KINDS:
        table = report[kind]["articles"]
        report[kind]["articles"] = dict(sorted(table.items(), key=lambda kv: _article_key(kv[0])))
    return report


def monthly_received(engine: Engine, label: str) -> dict[str, list[int]]:
    """Requests received per month of the fiscal year (April first), per kind."""
    first, last = fiscal_year(label)
    month = extract("month", Request.received_on)
    query = (
        select(Request.kind, month, func.count())
        .where(Request.received_on >= first, Request.received_on <= last)
        .group_by(Request.kind, month)
    )
    months = {kind: [0] * 12 for kind in KINDS}
    with Session(engine) as session:
        for kind, number, n in session.exec(query):
            months[kind][(int(number) - 4) % 12] += n
    return months


def _empty() -> dict[str, Any]:
    return {
        "received": 0,
        "decided": 0,
        "pending": 0,
        "within_20_days": 0,
        "within_30_days": 0,
        "beyond_30_days": 0,
        "outcomes": {"granted": 0, "partial": 0, "refused": 0, "other": 0},
        "articles": {},
        "accommodations": 0,
        "reviews": 0,
    }


def _article_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split(".") if p.isdigit())
