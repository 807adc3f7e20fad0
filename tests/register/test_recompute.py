"""The recompute after a rule change of atip.toml: exactly the requests whose dates it can
change, the dates a register recorded under the new rules would hold, in short batches."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text

from atip.law import deadlines
from atip.register import db
from atip.register.facts import COMPUTED, PENDING_KEY, RULES_KEY, computed_dates, rules_of
from atip.register.models import Request
from atip.register.recompute import Progress, recompute
from atip.register.settings import load_settings
from tests.conftest import Workspace

DAY = "2024-06-06"  # a Thursday: a period end of several requests below
TABLE = Request.__table__  # type: ignore[attr-defined]


@pytest.fixture
def engine(ws: Workspace) -> Iterator[Engine]:
    url = ws.env.get("ATIP_DATABASE_URL") or load_settings(ws.path).database_url
    engine = db.open_engine(url)
    yield engine
    engine.dispose()


def _edit(ws: Workspace, old: str, new: str) -> None:
    config = ws.path / "atip.toml"
    text_ = config.read_text(encoding="utf-8")
    assert old in text_
    config.write_text(text_.replace(old, new), encoding="utf-8")


def _proclaim(ws: Workspace) -> None:
    config = ws.path / "atip.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + f'\n[deadlines.proclaimed]\n{DAY} = "Jour proclamé"\n',
        encoding="utf-8",
    )


def _rules(ws: Workspace) -> deadlines.Rules:
    return rules_of(load_settings(ws.path))


def _dates(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(select(TABLE.c.reference, *(TABLE.c[n] for n in COMPUTED)))
        return {row[0]: tuple(row[1:]) for row in rows}


# (name, `request new` options, later commands): each with a date ending on DAY or not.
CASES: list[tuple[str, list[str], list[list[str]]]] = [
    ("a", ["--received", "2024-05-17"], []),  # response due on DAY: undecided
    ("b", ["--received", "2024-05-17"], [["decide", "--on", "2024-05-30"]]),  # decided
    ("c", ["--received", "2020-01-06"], [["decide", "--on", "2020-01-20"]]),  # years before
    ("d", ["--received", "2024-05-10"], []),  # DAY within its periods, on no period end
    ("e", ["--received", "2024-05-01"], [["third-party", "--notified", "2024-05-17"]]),
    ("f", ["--received", "2024-05-07"], [["decide", "--on", "2024-05-20"]]),  # extended due DAY
    ("g", ["--received", "2024-05-08", "--clarified", "2024-05-10"], []),
]


def _record(ws: Workspace, suffix: str) -> None:
    for name, options, later in CASES:
        ref = name + suffix
        ws.new("--ref", ref, "--requester", "R", "--subject", "s", *options)
        for command, *args in later:
            if command == "decide":
                args += ["--outcome", "granted"]
            ws.ok("request", command, ref, *args)


def _pairs(dates: dict[str, tuple[Any, ...]], suffix: str) -> dict[str, bool]:
    """For each case: whether the request recorded before the change has the dates of the
    same facts recorded afterwards."""
    return {name: dates[name] == dates[name + suffix] for name, _o, _l in CASES}


def test_a_proclaimed_day_recomputes_exactly_the_requests_it_moves(
    ws: Workspace, engine: Engine
) -> None:
    _record(ws, "")
    before = _dates(engine)
    _proclaim(ws)
    progress = recompute(engine, _rules(ws))
    assert progress is not None
    # c was decided years before DAY: not even read again; d and g are read, unchanged.
    assert (progress.examined, progress.changed) == (6, 4)
    _record(ws, "-new")  # the same facts, recorded under the new rules
    after = _dates(engine)
    assert all(_pairs(after, "-new").values()), _pairs(after, "-new")
    moved = {name for name, _o, _l in CASES if after[name] != before[name]}
    assert moved == {"a", "b", "e", "f"}
    # b, decided in 20 days under either rules: its stored response date moved, as the annual
    # statistics (decided within 20 days) read it.
    assert after["b"][COMPUTED.index("response_due")] == date(2024, 6, 7)
    # Removing the day gives back the dates of before, and those of a fresh register.
    config = ws.path / "atip.toml"
    config.write_text(config.read_text(encoding="utf-8").split("\n[deadlines.proclaimed]")[0])
    progress = recompute(engine, _rules(ws))
    assert progress is not None and progress.changed == 8  # a, b, e, f and their copies
    restored = _dates(engine)
    assert {name: restored[name] for name in before} == before
    assert recompute(engine, _rules(ws)) is None  # in step: nothing more to do


def test_saturdays_closed_recomputes_every_request(ws: Workspace, engine: Engine) -> None:
    _record(ws, "")
    _edit(ws, "saturdays_closed = false", "saturdays_closed = true")
    progress = recompute(engine, _rules(ws))
    assert progress is not None and progress.examined == len(CASES)
    _record(ws, "-new")
    assert all(_pairs(_dates(engine), "-new").values())


def test_the_clarification_setting_recomputes_the_clarified_requests(
    ws: Workspace, engine: Engine
) -> None:
    _record(ws, "")
    _edit(ws, "clarification_restarts_clock = true", "clarification_restarts_clock = false")
    progress = recompute(engine, _rules(ws))
    assert progress is not None and (progress.examined, progress.changed) == (1, 1)
    _record(ws, "-new")
    assert all(_pairs(_dates(engine), "-new").values())


def _meta(engine: Engine, key: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).scalar()


class Crash(Exception):
    pass


def _crash_after_first(progress: Progress) -> None:
    raise Crash


def test_a_recompute_cut_short_is_resumed(ws: Workspace, engine: Engine) -> None:
    _record(ws, "")
    old = _meta(engine, RULES_KEY)
    _proclaim(ws)
    with pytest.raises(Crash):
        recompute(engine, _rules(ws), batch=1, on_batch=_crash_after_first)
    assert _meta(engine, RULES_KEY) == old and _meta(engine, PENDING_KEY) is not None
    # Atip.toml changed again before the next command: rows may hold either set of dates,
    # so every request is read again.
    _edit(ws, "saturdays_closed = false", "saturdays_closed = true")
    _edit(ws, "saturdays_closed = true", "saturdays_closed = false")
    _edit(ws, f'{DAY} = "Jour proclamé"', '2024-06-07 = "Un autre jour"')
    progress = recompute(engine, _rules(ws), batch=2)
    assert progress is not None and progress.examined == len(CASES)
    assert _meta(engine, PENDING_KEY) is None and _meta(engine, RULES_KEY) != old
    _record(ws, "-new")
    assert all(_pairs(_dates(engine), "-new").values())


def _bulk(engine: Engine, count: int) -> None:
    """`count` requests written directly, with the dates of the default rules."""
    rules = deadlines.Rules()
    first = date(2015, 4, 1)
    rows = []
    for n in range(count):
        received = first + timedelta(days=n % 3000)
        decided = received + timedelta(days=10 + n % 25) if n % 4 else None
        facts = deadlines.Facts(received_on=received, decided_on=decided)
        rows.append(
            {
                "reference": f"B-{n}",
                "kind": "documents",
                "subject": "s",
                "received_on": received,
                "decided_on": decided,
                "outcome": "granted" if decided else None,
                "created_at": datetime(2025, 1, 1, tzinfo=UTC),
                **computed_dates(facts, rules),
            }
        )
    with db.transaction(engine) as session:
        session.connection().execute(insert(TABLE), rows)


def test_another_clerk_writes_during_a_long_recompute(sqlite_ws: Workspace) -> None:
    path = sqlite_ws.path / "db" / "atip.sqlite"
    engine = db.open_engine(f"sqlite:///{path}")
    try:
        _bulk(engine, 6000)
        _edit(sqlite_ws, "saturdays_closed = false", "saturdays_closed = true")
        waits: list[tuple[float, float]] = []  # (when the write began, how long it waited)
        done = threading.Event()

        def clerk() -> None:
            con = sqlite3.connect(path, isolation_level=None, timeout=30)
            while not done.is_set():
                start = time.perf_counter()
                con.execute("BEGIN IMMEDIATE")
                waits.append((start, time.perf_counter() - start))
                con.execute("UPDATE counters SET value = value")
                con.execute("COMMIT")
                time.sleep(0.005)
            con.close()

        batches: list[float] = []
        thread = threading.Thread(target=clerk)
        thread.start()
        try:
            start = time.perf_counter()
            progress = recompute(
                engine, _rules(sqlite_ws), batch=250, on_batch=lambda p: batches.append(1)
            )
            took = time.perf_counter() - start
        finally:
            done.set()
            thread.join()
        assert progress is not None and progress.examined == 6000 and len(batches) == 24
        during = [wait for began, wait in waits if start <= began <= start + took]
        # The clerk wrote all along the recompute, and never waited for the whole of it.
        assert len(during) >= 5, (len(during), took)
        assert max(during) < took / 4, (max(during), took)
    finally:
        engine.dispose()
