"""The indexes of migration 0004: in the migrated schema as in the models, and used by the
annual statistics and the lists of running files."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, inspect

from atip.register import db, sql
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


def _plans(engine: Engine, run: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(statement, SQLite query plan) of each SELECT on `requests` that `run` makes through
    the read layer."""
    seen: list[tuple[str, dict[str, Any]]] = []
    execute = sql.Connection._execute

    def record(self: sql.Connection, statement: str, params: dict[str, Any]) -> Any:
        if statement.lstrip().upper().startswith("SELECT") and "requests" in statement:
            seen.append((statement, params))
        return execute(self, statement, params)

    monkeypatch.setattr(sql.Connection, "_execute", record)
    run()
    monkeypatch.undo()
    plans = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            values = {k: v.isoformat() if isinstance(v, date) else v for k, v in parameters.items()}
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", values).all()
            plans.append((statement, "\n".join(str(row[-1]) for row in rows)))
    return plans


def test_the_annual_and_open_queries_use_the_indexes(
    sqlite_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    engine = db.open_engine(_url(sqlite_ws))
    settings = load_settings(sqlite_ws.path)
    reader = Reader(settings.database_url, settings)

    def count() -> None:
        with reader.connect() as conn:
            annual(conn, "2024-2025", date(2025, 6, 30))

    try:
        plans = _plans(engine, count, monkeypatch)
        counts = [plan for statement, plan in plans if "COUNT(decided_on)" in statement]
        assert counts and "COVERING INDEX ix_requests_annual" in counts[0], plans
        day = date(2025, 6, 30)
        plans = _plans(engine, lambda: reader.requests(day, overdue=True), monkeypatch)
        assert any("INDEX ix_requests_open" in plan for _s, plan in plans), plans
        plans = _plans(engine, lambda: reader.requests(day, in_review=True), monkeypatch)
        assert any("INDEX ix_requests_in_review" in plan for _s, plan in plans), plans
    finally:
        engine.dispose()
