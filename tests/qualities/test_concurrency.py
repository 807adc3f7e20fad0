"""Many clerks at once: 4 processes write to one workspace at the same time, on each backend.

Each process is a clerk with its own connection (the Recorder API in a forked process, or the
real CLI in a subprocess). Afterwards nothing is lost, references are unique and the journal
holds exactly the events the operations must write.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import Workspace

CLERKS = 4
CREATES = 10  # per clerk; then 5 clarify, 5 extend and 5 decide: 25 operations each
START = date(2024, 5, 1)

# Events each operation must write (register.recorder.Recorder): a creation journals its facts and, apart,
# the requester; a clarification its date; an extension its date; a decision its date, its
# outcome and its articles.
EVENTS_PER_OPERATION = {
    "created": 2,
    "clarified": 1,
    "extended": 1,
    "decided": 3,
}


def _url(ws: Workspace) -> str:
    return ws.env.get("ATIP_DATABASE_URL") or f"sqlite:///{ws.path / 'db' / 'atip.sqlite'}"


def _clerk(path: str, url: str, n: int, barrier: object, out: object) -> None:
    """One clerk's 25 operations, started together with the others; reports its references."""
    try:
        from atip.register import db
        from atip.register.recorder import NewRequest, Recorder
        from atip.register.settings import load_settings

        os.environ["ATIP_DATABASE_URL"] = url
        register = Recorder(db.open_engine(url), load_settings(Path(path)), who=f"clerk-{n}")
        barrier.wait(timeout=60)  # type: ignore[attr-defined]
        refs: list[str] = []
        for i in range(CREATES):
            received = START + timedelta(days=i)
            refs.append(
                register.create(
                    NewRequest(received_on=received, requester=f"Person {n}-{i}", subject="s")
                )
            )
        for i, ref in enumerate(refs[:5]):
            register.clarify(ref, START + timedelta(days=i + 2))
        for i, ref in enumerate(refs[:5]):
            register.extend(ref, START + timedelta(days=i + 10))
        for i, ref in enumerate(refs[5:], start=5):
            register.decide(ref, START + timedelta(days=i + 12), "granted", ("53",))
        register.engine.dispose()
        out.put((n, refs, None))  # type: ignore[attr-defined]
    except BaseException as exc:  # reported to the test, which fails with it
        out.put((n, [], f"{type(exc).__name__}: {exc}"))  # type: ignore[attr-defined]


def test_four_clerks_at_once_lose_nothing(ws: Workspace) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(CLERKS)
    out = context.Queue()
    workers = [
        context.Process(target=_clerk, args=(str(ws.path), _url(ws), n, barrier, out))
        for n in range(CLERKS)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    errors = [(n, error) for n, _, error in results if error]
    assert errors == []
    refs = [ref for _, clerk_refs, _ in results for ref in clerk_refs]
    assert len(refs) == CLERKS * CREATES
    assert len(set(refs)) == len(refs), "a reference was handed out twice"
    assert sorted(refs, key=int) == [str(n) for n in range(1, CLERKS * CREATES + 1)]

    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT reference, clarified_on, extended_on, decided_on, outcome FROM requests")
        ).all()
        events = Counter(
            (actor, action)
            for actor, action in conn.execute(text("SELECT actor, action FROM events"))
        )
        names = conn.execute(text("SELECT count(DISTINCT name) FROM requesters")).scalar()
    engine.dispose()
    assert len(rows) == CLERKS * CREATES
    assert names == CLERKS * CREATES
    by_ref = {row[0]: row[1:] for row in rows}
    for _, clerk_refs, _ in results:
        for ref in clerk_refs[:5]:
            clarified, extended, decided, _ = by_ref[ref]
            assert clarified is not None and extended is not None and decided is None
        for ref in clerk_refs[5:]:
            clarified, extended, decided, outcome = by_ref[ref]
            assert clarified is None and extended is None
            assert decided is not None and outcome == "granted"
    expected = Counter()
    for n in range(CLERKS):
        counts = {"created": CREATES, "clarified": 5, "extended": 5, "decided": 5}
        for action, times in counts.items():
            expected[(f"clerk-{n}", action)] = times * EVENTS_PER_OPERATION[action]
    assert events == expected


def test_two_clerks_taking_the_same_reference_one_is_refused(ws: Workspace) -> None:
    """Two `request new --ref 500` at once: one succeeds, the other gets a refusal, no crash."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(CLERKS)
    out = context.Queue()
    workers = [
        context.Process(target=_same_reference, args=(str(ws.path), _url(ws), n, barrier, out))
        for n in range(CLERKS)
    ]
    for worker in workers:
        worker.start()
    results = sorted(out.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert [r for r in results if r == "ok"] == ["ok"]
    assert [r for r in results if r != "ok"] == ["RefusedError: reference '500' already exists"] * (
        CLERKS - 1
    )


def _same_reference(path: str, url: str, n: int, barrier: object, out: object) -> None:
    try:
        from atip.register import db
        from atip.register.recorder import NewRequest, Recorder
        from atip.register.settings import load_settings

        os.environ["ATIP_DATABASE_URL"] = url
        register = Recorder(db.open_engine(url), load_settings(Path(path)), who=f"clerk-{n}")
        barrier.wait(timeout=60)  # type: ignore[attr-defined]
        register.create(
            NewRequest(received_on=START, requester=f"P{n}", subject="s", reference="500")
        )
        register.engine.dispose()
        out.put("ok")  # type: ignore[attr-defined]
    except BaseException as exc:
        out.put(f"{type(exc).__name__}: {exc}")  # type: ignore[attr-defined]


@pytest.mark.parametrize("clerks", [CLERKS])
def test_real_cli_processes_at_once(ws: Workspace, clerks: int) -> None:
    """The real `atip` command in 4 processes at once: 2 new requests each, then one decision."""
    env = {**os.environ, **ws.env, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    script = (
        "import subprocess, sys\n"
        "refs = []\n"
        "for i in range(2):\n"
        "    out = subprocess.run([sys.executable, '-m', 'atip', '--workspace', sys.argv[1],\n"
        "        'request', 'new', '--received', '2024-05-0%d' % (i + 1), '--requester',\n"
        "        'N' + sys.argv[2], '--subject', 's'], capture_output=True, text=True)\n"
        "    assert out.returncode == 0, out.stderr\n"
        "    refs.append(out.stdout.split()[-1])\n"
        "out = subprocess.run([sys.executable, '-m', 'atip', '--workspace', sys.argv[1],\n"
        "    'request', 'decide', refs[0], '--on', '2024-05-20', '--outcome', 'granted'],\n"
        "    capture_output=True, text=True)\n"
        "assert out.returncode == 0, out.stderr\n"
        "print(' '.join(refs))\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(ws.path), str(n)],
            env={**env, "ATIP_USER": f"cli-{n}"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(clerks)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * clerks, [err for _, err in outputs]
    refs = [ref for stdout, _ in outputs for ref in stdout.split()]
    assert sorted(refs, key=int) == [str(n) for n in range(1, 2 * clerks + 1)]
    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        decided = conn.execute(text("SELECT count(*) FROM requests WHERE decided_on IS NOT NULL"))
        assert decided.scalar() == clerks
        actions = Counter(action for (action,) in conn.execute(text("SELECT action FROM events")))
    engine.dispose()
    assert actions == {"created": 2 * 2 * clerks, "decided": 3 * clerks}


def test_a_clerk_reads_while_another_holds_a_long_write(sqlite_ws: Workspace) -> None:
    """WAL lets readers see the last commit while a writer works (e.g. a 100,000-row import)."""
    import sqlite3

    from atip.register import db
    from atip.register.recorder import NewRequest, Recorder
    from atip.register.settings import load_settings

    register = Recorder(db.open_engine(_url(sqlite_ws)), load_settings(sqlite_ws.path))
    ref = register.create(NewRequest(received_on=START, requester="Jeanne", subject="s"))
    register.engine.dispose()
    writer = sqlite3.connect(sqlite_ws.path / "db" / "atip.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE requests SET subject = 'being changed'")
    try:
        env = {**os.environ, **sqlite_ws.env, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
        result = subprocess.run(
            [sys.executable, "-m", "atip", "--workspace", str(sqlite_ws.path), "request", "show",
             ref, "--json"],
            env=env, capture_output=True, text=True, timeout=20,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert '"subject": "s"' in result.stdout  # the committed value, not the one in progress
        listed = subprocess.run(
            [sys.executable, "-m", "atip", "--workspace", str(sqlite_ws.path), "request", "list",
             "--json"],
            env=env, capture_output=True, text=True, timeout=20,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# --------------------------------------------------------------------------- numbering in bulk


def test_an_import_numbers_rows_as_one_new_request_after_another(
    ws: Workspace, tmp_path: Path
) -> None:
    """Rows without a reference take numbers in file order, skipping every reference taken."""
    config = ws.path / "atip.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'format = "{seq}"', 'format = "{year}-{seq:03d}"'
        ),
        encoding="utf-8",
    )
    assert ws.new("--received", "2024-01-10", "--requester", "A", "--subject", "s") == "2024-001"
    ws.new("--ref", "2024-003", "--received", "2024-01-11", "--requester", "B", "--subject", "s")
    register = tmp_path / "register.csv"
    register.write_text(
        "ref,received,requester,subject\n"
        ",2024-02-01,C,s\n"
        "2024-006,2024-02-02,D,s\n"
        ",2024-02-03,E,s\n"
        ",2023-12-01,F,s\n"
        ",2024-02-04,G,s\n"
        ",2024-02-05,H,s\n",
        encoding="utf-8",
    )
    ws.ok("request", "import", str(register))
    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT q.name, r.reference FROM requests r JOIN requesters q "
                "ON q.request_id = r.id ORDER BY q.name"
            )
        ).all()
    engine.dispose()
    assert dict(rows) == {
        "A": "2024-001",
        "B": "2024-003",  # taken: skipped by the import
        "C": "2024-002",
        "D": "2024-006",  # given in the file: skipped too
        "E": "2024-004",
        "F": "2023-001",  # its own year's sequence
        "G": "2024-005",
        "H": "2024-007",
    }
    assert ws.new("--received", "2024-03-01", "--requester", "I", "--subject", "s") == "2024-008"


def test_a_reference_taken_during_an_import_refuses_the_import(
    ws: Workspace, tmp_path: Path
) -> None:
    """PostgreSQL: another clerk's uncommitted request holds a reference the file also gives."""
    if ws.backend != "postgres":
        pytest.skip("SQLite writers take turns: the import's check cannot be overtaken")
    import time

    register = tmp_path / "register.csv"
    register.write_text(
        "ref,received,requester,subject\nA-1,2024-05-17,Jeanne,s\nR-9,2024-05-17,Luc,t\n",
        encoding="utf-8",
    )
    engine = create_engine(_url(ws))
    holder = engine.connect()
    holder.execute(
        text(
            "INSERT INTO requests (reference, kind, subject, accommodation, received_on, "
            "keep_clock, clock_starts_on, response_due, extended_due, decision_due, "
            "review_deadline, created_at) VALUES ('R-9', 'documents', 's', false, '2024-05-17', "
            "false, '2024-05-17', '2024-06-06', '2024-06-17', '2024-06-06', '2024-07-06', now())"
        )
    )  # not committed yet: the import does not see it, then waits on its unique index
    env = {**os.environ, **ws.env, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "atip", "--workspace", str(ws.path), "request", "import",
         str(register)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        with engine.connect() as probe:
            while time.monotonic() < deadline and proc.poll() is None:
                waiting = probe.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE 'COPY%requests%'"
                    )
                ).scalar()
                probe.rollback()  # pg_stat_activity is read once per transaction
                if waiting:
                    break
                time.sleep(0.02)
        assert waiting, "the import never waited on the other clerk's reference"
        holder.commit()
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        holder.close()
        engine.dispose()
    assert proc.returncode == 1, (stdout, stderr)
    assert stderr == (
        "atip: register.csv: a reference of this file was taken by another clerk meanwhile; "
        "nothing was imported\n"
    )
    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        refs = [r for (r,) in conn.execute(text("SELECT reference FROM requests"))]
    engine.dispose()
    assert refs == ["R-9"]
