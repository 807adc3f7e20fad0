"""The read layer (`atip.register.sql`): what it reads is what the models and migrations made,
and it gives back the values the ORM gives, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Boolean, Date, DateTime, Numeric, inspect

from atip.errors import InputError
from atip.register import db, sql
from atip.register.models import SQLModel
from atip.register.settings import load_settings
from tests.conftest import Workspace


def _url(ws: Workspace) -> str:
    return ws.env.get("ATIP_DATABASE_URL") or load_settings(ws.path).database_url


def test_every_column_read_is_in_the_migrated_schema(ws: Workspace) -> None:
    engine = db.make_engine(_url(ws))
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            migrated = {
                table: {c["name"] for c in inspector.get_columns(table)}
                for table in inspector.get_table_names()
            }
    finally:
        engine.dispose()
    for table, names in sql.COLUMNS.items():
        assert table in migrated, table
        assert set(names) <= migrated[table], (table, set(names) - migrated[table])


def test_the_conversions_follow_the_column_types_of_the_models() -> None:
    kinds = {
        Date: sql.DATES,
        DateTime: sql.TIMESTAMPS,
        Boolean: sql.BOOLEANS,
        Numeric: sql.DECIMALS,
    }
    for table, names in sql.COLUMNS.items():
        if table == "alembic_version":
            continue
        model = SQLModel.metadata.tables[table]
        for name in names:
            column_type = model.columns[name].type
            column_type = getattr(column_type, "impl_instance", column_type)  # UTCDateTime
            expected = {kind for kind in kinds if isinstance(column_type, kind)}
            converted = {kind for kind, named in kinds.items() if name in named}
            # DateTime is not a Date in SQLAlchemy's classes, nor the reverse
            assert converted == expected, (table, name, column_type)


def test_values_come_back_as_python_types(ws: Workspace) -> None:
    ref = ws.new("--received", "2024-02-29", "--requester", "Jeanne", "--subject", "s")
    ws.ok("request", "fees", ref, "--estimate", "12.50", "--on", "2024-03-04")
    with sql.connect(_url(ws)) as conn:
        req = conn.first(f"SELECT {sql.columns('requests')} FROM requests")
        fees = conn.first(f"SELECT {sql.columns('fees')} FROM fees")
        (event, *_rest) = conn.all("SELECT at FROM events WHERE action = 'created'")
    assert req.received_on == date(2024, 2, 29) and isinstance(req.response_due, date)
    assert req.keep_clock is False and req.accommodation is False
    assert fees.estimate == Decimal("12.50") and fees.waived is False
    assert isinstance(event.at, datetime) and event.at.utcoffset() == timedelta(0)


def test_parameters_and_in_lists_run_alike_on_both_backends(ws: Workspace) -> None:
    refs = [
        ws.new("--received", f"2024-03-0{i}", "--requester", "R", "--subject", "s")
        for i in (1, 4, 5)
    ]
    listed, params = sql.placeholders("ref", refs[:2])
    with sql.connect(_url(ws)) as conn:
        rows = conn.tuples(
            f"SELECT reference FROM requests WHERE reference IN ({listed})"
            " AND received_on < :day ORDER BY reference",
            day=date(2024, 3, 4),
            **params,
        )
        months = conn.tuples(f"SELECT {conn.month_of('received_on')} FROM requests")
    assert rows == [(refs[0],)]
    assert {int(m) for (m,) in months} == {3}


def test_a_query_the_database_refuses_is_one_line(ws: Workspace) -> None:
    with sql.connect(_url(ws)) as conn, pytest.raises(InputError) as caught:
        conn.all("SELECT no_such_column FROM requests")
    assert caught.value.message.startswith("database error: ")
    assert "\n" not in caught.value.message


def test_a_read_never_creates_a_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nothing.sqlite"
    with pytest.raises(InputError), sql.connect(f"sqlite:///{missing}"):
        pass
    assert not missing.exists()


def test_a_file_that_is_not_a_database_is_named_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all, " * 100)
    with pytest.raises(InputError) as caught, sql.connect(f"sqlite:///{junk}") as conn:
        conn.tuples("SELECT 1 FROM requests")
    assert "damaged or is not an atip database" in caught.value.message


def test_in_step_follows_the_rules_recorded(sqlite_ws: Workspace) -> None:
    from atip.law.deadlines import Rules
    from atip.register.facts import rules_of

    sqlite_ws.new("--received", "2024-03-01", "--requester", "R", "--subject", "s")
    settings = load_settings(sqlite_ws.path)
    rules = rules_of(settings)
    with sql.connect(settings.database_url) as conn:
        assert sql.in_step(conn, rules)
        moved = Rules(
            saturdays_closed=rules.saturdays_closed,
            clarification_restarts_clock=rules.clarification_restarts_clock,
            review_calendar=rules.review_calendar,
            proclaimed={date(2024, 3, 29): "X"},
        )
        assert not sql.in_step(conn, moved)
