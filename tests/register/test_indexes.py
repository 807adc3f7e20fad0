"""The indexes of migration 0004: in the migrated schema as in the models, and used by the
annual statistics and the lists of running files."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, event, inspect

from atip.register import db
from atip.register.annual_counts import annual
from atip.register.models import Request
from atip.register.reader import Reader
from atip.register.settings import load_settings
from tests.conftest import Workspace

INDEXES = {"ix_requests_annual", "ix_requests_open", "ix_requests_in_review"}


def _url(ws: Workspace) -> str:
    return ws.env.get("ATIP_DATABASE_URL") or load_settings(ws.path).database_url


def test_the_migrated_schema_has_the_indexes_of_the_models(ws: Workspace) -> None:
    engine = db.make_engine(_url(ws))
    try:
        with engine.connect() as conn:
            migrated = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("requests")}
    finally:
        engine.dispose()
    table = Request.__table__  # type: ignore[attr-defined]
    modelled = {i.name: [c.name for c in i.columns] for i in table.indexes}
    assert set(migrated) >= INDEXES
    assert "ix_requests_open_due" not in migrated  # replaced by ix_requests_open
    assert {name: migrated.get(name) for name in modelled} == modelled


def _plans(engine: Engine, run: Any) -> list[tuple[str, str]]:
    """(statement, SQLite query plan) of each SELECT on `requests` that `run` makes."""
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "requests" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    plans = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plans.append((statement, "\n".join(str(row[-1]) for row in rows)))
    return plans


def test_the_annual_and_open_queries_use_the_indexes(sqlite_ws: Workspace) -> None:
    sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    engine = db.open_engine(_url(sqlite_ws))
    try:
        plans = _plans(engine, lambda: annual(engine, "2024-2025", date(2025, 6, 30)))
        counts = [plan for statement, plan in plans if "count(requests.decided_on)" in statement]
        assert counts and "COVERING INDEX ix_requests_annual" in counts[0], plans
        reader = Reader(engine, load_settings(sqlite_ws.path))
        plans = _plans(engine, lambda: reader.requests(date(2025, 6, 30), overdue=True))
        assert any("INDEX ix_requests_open" in plan for _s, plan in plans), plans
        plans = _plans(engine, lambda: reader.requests(date(2025, 6, 30), in_review=True))
        assert any("INDEX ix_requests_in_review" in plan for _s, plan in plans), plans
    finally:
        engine.dispose()
