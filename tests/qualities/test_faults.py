"""Faults: a process killed mid-write leaves nothing half done; backup and check find the truth.

SIGKILL gives the process no chance to clean up, so what is left is exactly what the database's
transactions and the atomic renames guarantee.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import Workspace

SRC = str(Path(__file__).parents[2] / "src")


def _url(ws: Workspace) -> str:
    return ws.env.get("ATIP_DATABASE_URL") or f"sqlite:///{ws.path / 'db' / 'atip.sqlite'}"


def _count(ws: Workspace, table: str = "requests") -> int:
    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        value = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    engine.dispose()
    return int(value or 0)


def _tables(ws: Workspace) -> dict[str, list[str]]:
    """Every row of every table (what a clerk can see), whatever the bytes of the files."""
    from sqlalchemy import inspect

    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        content = {
            table: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{table}"'))))
            for table in inspect(conn).get_table_names()
        }
    engine.dispose()
    return content


def _env(ws: Workspace) -> dict[str, str]:
    env = {**os.environ, **ws.env, "PYTHONPATH": SRC}
    env.pop("ATIP_DEBUG", None)
    return env


def _write_register(path: Path, rows: int) -> None:
    """A register without references: every row takes the next number, holding the counter."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["received", "requester", "email", "subject", "decided_on", "outcome"])
        for n in range(rows):
            day = date(2020 + n % 5, 1 + n % 12, 1 + n % 28)
            decided = date(day.year, day.month, min(day.day + 10, 28)) if n % 2 else None
            writer.writerow(
                [
                    day.isoformat(),
                    f"Requester {n}",
                    f"r{n}@example.org",
                    f"documents {n}",
                    decided.isoformat() if decided else "",
                    "granted" if decided else "",
                ]
            )


def _writer_busy(ws: Workspace) -> Callable[[], bool]:
    """A probe: True while another process is inside its write transaction."""
    if ws.backend == "sqlite":
        path = ws.path / "db" / "atip.sqlite"

        def sqlite_busy() -> bool:
            con = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                con.execute("BEGIN IMMEDIATE")
                con.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                con.close()

        return sqlite_busy
    engine = create_engine(_url(ws))

    def postgres_busy() -> bool:
        # The import holds the row lock of the reference counter until it commits.
        with engine.connect() as conn:
            try:
                conn.execute(text("SELECT value FROM counters FOR UPDATE NOWAIT")).all()
                return False
            except Exception:
                return True

    return postgres_busy


def test_sigkill_in_the_middle_of_an_import_applies_none_of_it(
    ws: Workspace, tmp_path: Path
) -> None:
    ws.new("--received", "2024-05-17", "--requester", "Before", "--subject", "s")
    before = _tables(ws)
    big = tmp_path / "big.csv"
    _write_register(big, 20_000)
    busy = _writer_busy(ws)
    proc = subprocess.Popen(
        [sys.executable, "-m", "atip", "--workspace", str(ws.path), "request", "import", str(big)],
        env=_env(ws),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    caught = False
    while time.monotonic() < deadline and proc.poll() is None:
        if busy():
            caught = True
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert caught, f"the import ended before it could be killed: {proc.stderr.read()!r}"
    assert proc.returncode == -signal.SIGKILL
    assert _count(ws) == 1
    assert _count(ws, "events") == 2
    assert _tables(ws) == before
    # The register still works: the next number follows the one request kept.
    assert ws.new("--received", "2024-05-18", "--requester", "After", "--subject", "t") == "2"


def test_sigkill_in_the_middle_of_an_import_on_sqlite_leaves_the_file_sound(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    _write_register(big, 20_000)
    busy = _writer_busy(sqlite_ws)
    proc = subprocess.Popen(
        [sys.executable, "-m", "atip", "request", "import", str(big)],
        env={**_env(sqlite_ws), "ATIP_WORKSPACE": str(sqlite_ws.path)},
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    while proc.poll() is None and not busy():
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    con = sqlite3.connect(sqlite_ws.path / "db" / "atip.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM requests").fetchone()[0] == 0
    con.close()
    assert sqlite_ws.run("check").exit_code == 0


# --------------------------------------------------------------------------- files

SLOW_WRITER = r"""
import os, sys, time
from pathlib import Path
from atip.files import atomic_write_bytes

real_fsync = os.fsync
def slow_fsync(fd):
    real_fsync(fd)
    Path(sys.argv[2]).write_text("written")  # tell the test the data is in the temporary file
    time.sleep(60)
os.fsync = slow_fsync
atomic_write_bytes(Path(sys.argv[1]), b"%PDF-1.7 new letter " * 50_000)
"""


@pytest.mark.parametrize("existing", [b"%PDF-1.7 the letter issued before", None])
def test_sigkill_while_writing_a_file_leaves_no_partial_file(
    tmp_path: Path, existing: bytes | None
) -> None:
    dest = tmp_path / "out" / "18159_decision.pdf"
    dest.parent.mkdir()
    if existing is not None:
        dest.write_bytes(existing)
    flag = tmp_path / "flag"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(dest), str(flag)],
        env={**os.environ, "PYTHONPATH": SRC},
    )
    deadline = time.monotonic() + 30
    while not flag.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    assert flag.exists(), "the writer never reached its temporary file"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    if existing is None:
        assert not dest.exists()
    else:
        assert dest.read_bytes() == existing
    # Only hidden temporary names are left behind, never the letter's own name.
    assert all(p.name.startswith(".") for p in dest.parent.iterdir() if p != dest)


SLOW_LETTER = r"""
import os, sys, time
from pathlib import Path

real_fsync = os.fsync
def slow_fsync(fd):
    real_fsync(fd)
    Path(os.environ["FLAG"]).write_text("written")
    time.sleep(60)
os.fsync = slow_fsync
from atip.cli import main
sys.argv = ["atip", *sys.argv[1:]]
main()
"""


def test_sigkill_while_writing_a_letter_leaves_no_letter_and_no_record(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ref = sqlite_ws.new("--received", "2024-05-17", "--requester", "Jeanne", "--subject", "s")
    sqlite_ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted")
    before = _tables(sqlite_ws)
    out = tmp_path / "letters"
    flag = tmp_path / "flag"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_LETTER, "--workspace", str(sqlite_ws.path), "letter", ref,
         "--out", str(out), "--format", "both", "--date", "2024-05-30"],
        env={**_env(sqlite_ws), "FLAG": str(flag)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not flag.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    assert flag.exists(), "the letter command never wrote a file"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []
    assert _tables(sqlite_ws) == before  # no letter recorded, no journal line
    # Issued again, the letter is whole and `check` vouches for it.
    sqlite_ws.ok("letter", ref, "--out", str(out), "--format", "both", "--date", "2024-05-30")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        f"{ref}_decision.docx",
        f"{ref}_decision.pdf",
    ]
    assert sqlite_ws.ok("check").strip() == "ok: database and issued letters intact"


# --------------------------------------------------------------------------- backup


def test_backup_copies_a_database_in_use(sqlite_ws: Workspace, tmp_path: Path) -> None:
    for n in range(3):
        sqlite_ws.new("--received", "2024-05-17", "--requester", f"P{n}", "--subject", "s")
    dest = tmp_path / "copy.sqlite"
    reader = sqlite3.connect(sqlite_ws.path / "db" / "atip.sqlite")
    reader.execute("BEGIN")  # another clerk in the middle of a read
    reader.execute("SELECT count(*) FROM requests").fetchone()
    try:
        out = sqlite_ws.ok("backup", str(dest))
    finally:
        reader.close()
    assert out.strip() == (
        f"backed up {sqlite_ws.path / 'db' / 'atip.sqlite'} to {dest} (3 request(s))"
    )
    assert dest.stat().st_mode & 0o777 == 0o600  # the copy holds personal information too
    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM requesters").fetchone()[0] == 3
    assert copy.execute("SELECT count(*) FROM events").fetchone()[0] == 6
    copy.close()
    assert not Path(f"{dest}-wal").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy")] == []


def test_backup_includes_what_is_only_in_the_wal_yet(sqlite_ws: Workspace, tmp_path: Path) -> None:
    # While another clerk's connection stays open, a commit is not checkpointed into the file.
    other = sqlite3.connect(sqlite_ws.path / "db" / "atip.sqlite")
    other.execute("SELECT count(*) FROM requests").fetchone()
    try:
        sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
        assert (sqlite_ws.path / "db" / "atip.sqlite-wal").stat().st_size > 0
        dest = tmp_path / "copy.sqlite"
        sqlite_ws.ok("backup", str(dest))
    finally:
        other.close()
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT reference FROM requests").fetchall() == [("1",)]
    copy.close()


def test_backup_refuses_to_overwrite(sqlite_ws: Workspace, tmp_path: Path) -> None:
    dest = tmp_path / "copy.sqlite"
    dest.write_bytes(b"an older backup")
    result = sqlite_ws.run("backup", str(dest))
    assert result.exit_code == 1
    assert result.stderr == (
        f"atip: {dest} already exists: choose a new file name for the backup\n"
    )
    assert dest.read_bytes() == b"an older backup"


def test_backup_into_a_missing_folder_is_refused(sqlite_ws: Workspace, tmp_path: Path) -> None:
    dest = tmp_path / "nowhere" / "copy.sqlite"
    result = sqlite_ws.run("backup", str(dest))
    assert result.exit_code == 1
    assert result.stderr == f"atip: the folder {dest.parent} does not exist\n"


def test_backup_on_postgresql_names_pg_dump_and_no_password(tmp_path: Path) -> None:
    from atip.register.backup import pg_dump_hint

    line = pg_dump_hint(
        "postgresql+psycopg://clerk:s3cret@db.example:5433/atip?options=-csearch_path%3Dbureau",
        tmp_path / "atip.dump",
    )
    assert "s3cret" not in line and "\n" not in line
    assert line == (
        "the database is on PostgreSQL (database 'atip'), which atip does not copy: run "
        f"`pg_dump --format=custom -h db.example -p 5433 -U clerk -n bureau "
        f"-f {tmp_path / 'atip.dump'} atip`"
    )


def test_backup_command_on_postgresql(ws: Workspace, tmp_path: Path) -> None:
    if ws.backend != "postgres":
        pytest.skip("the PostgreSQL case")
    from sqlalchemy.engine import make_url

    database = make_url(_url(ws)).database
    result = ws.run("backup", str(tmp_path / "copy.dump"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"atip: the database is on PostgreSQL (database '{database}')")
    assert "pg_dump --format=custom -h 127.0.0.1" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "copy.dump").exists()


# --------------------------------------------------------------------------- check


def _issue(ws: Workspace, ref: str, folder: Path, kind: str, content: bytes) -> Path:
    """Record an issued letter as `atip letter` does: files on disk, hashes in `letters`."""
    folder.mkdir(exist_ok=True)
    docx, pdf = folder / f"{ref}_{kind}.docx", folder / f"{ref}_{kind}.pdf"
    docx.write_bytes(b"DOCX " + content)
    pdf.write_bytes(b"PDF " + content)
    engine = create_engine(_url(ws))
    with engine.begin() as conn:
        request_id = conn.execute(
            text("SELECT id FROM requests WHERE reference = :r"), {"r": ref}
        ).scalar()
        conn.execute(
            text(
                "INSERT INTO letters (request_id, kind, letter_date, published, docx_path, "
                "docx_sha256, pdf_path, pdf_sha256, content_sha256, issued_at) VALUES "
                "(:i, :k, :d, :p, :dp, :ds, :pp, :ps, :c, :at)"
            ),
            {
                "i": request_id, "k": kind, "d": date(2024, 6, 1), "p": False,
                "dp": str(docx), "ds": hashlib.sha256(docx.read_bytes()).hexdigest(),
                "pp": str(pdf), "ps": hashlib.sha256(pdf.read_bytes()).hexdigest(),
                "c": hashlib.sha256(content).hexdigest(), "at": datetime.now(UTC),
            },
        )  # fmt: skip
    engine.dispose()
    return pdf


def test_check_reports_each_missing_or_changed_letter(ws: Workspace, tmp_path: Path) -> None:
    a = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    b = ws.new("--received", "2024-05-17", "--requester", "B", "--subject", "s")
    folder = tmp_path / "letters"
    _issue(ws, a, folder, "acknowledgement", b"one")
    pdf_b = _issue(ws, b, folder, "acknowledgement", b"two")
    assert ws.ok("check") == "ok: database and issued letters intact\n"
    (folder / f"{a}_acknowledgement.docx").unlink()
    pdf_b.write_bytes(b"PDF two, edited after issue")
    result = ws.run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"missing: {folder / f'{a}_acknowledgement.docx'} (acknowledgement letter of {a})",
        f"changed: {pdf_b} (acknowledgement letter of {b}): its SHA-256 is not the one recorded",
    ]


def test_check_compares_a_reissued_file_with_its_latest_record(
    ws: Workspace, tmp_path: Path
) -> None:
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    folder = tmp_path / "letters"
    _issue(ws, ref, folder, "decision", b"first version")
    _issue(ws, ref, folder, "decision", b"second version")  # same file names, new content
    assert ws.ok("check") == "ok: database and issued letters intact\n"


def test_check_finds_a_corrupted_sqlite_file(sqlite_ws: Workspace) -> None:
    for n in range(60):
        sqlite_ws.new("--received", "2024-05-17", "--requester", f"P{n}", "--subject", "s" * 300)
    path = sqlite_ws.path / "db" / "atip.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'ix_requests_decision_due'"
    ).fetchone()[0]
    con.close()
    with path.open("r+b") as handle:  # scribble over one index page
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 64)
    result = sqlite_ws.run("check")
    assert result.exit_code == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("database: ") for line in lines), result.output
    # SQLite says which rows the index lost, or that the file is malformed: either is a finding.
    assert any("ix_requests_decision_due" in line or "malformed" in line for line in lines)


def test_backup_onto_a_file_system_without_hard_links(
    sqlite_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atip.register.backup import backup_database
    from atip.register.settings import load_settings

    sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")

    def no_link(*_: object) -> None:
        raise PermissionError(1, "Operation not permitted")  # as on FAT or SMB

    monkeypatch.setattr(os, "link", no_link)
    dest = tmp_path / "copy.sqlite"
    line = backup_database(load_settings(sqlite_ws.path), dest)
    assert line.endswith(f"to {dest} (1 request(s))")
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT count(*) FROM requests").fetchone()[0] == 1
    copy.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite", "ws"]


# --------------------------------------------------------------------------- crash points

ISSUE_STEPS = [
    "file-written",  # a staging file being written, before the commit
    "letter-staged",  # both staging files written, nothing journaled
    "letter-committed",  # journaled as pending, no file in place yet
    "letter-renamed-docx",  # the DOCX in place, the PDF still staged
    "letter-renamed-pdf",  # both in place, the row still pending
    "letter-finished",  # all done: the process dies at its very end
]


def _killed(ws: Workspace, step: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run atip with ATIP_FAULT=step: the process kills itself (SIGKILL) at that step."""
    proc = subprocess.run(
        [sys.executable, "-m", "atip", "--workspace", str(ws.path), *args],
        env={**_env(ws), "ATIP_FAULT": step},
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, (step, proc.returncode, proc.stderr)
    return proc


def _journaled(ws: Workspace) -> dict[Path, set[str]]:
    """Each letter file the register names, with the hashes it may have: its latest row's,
    and while a later row is pending (not yet in place), that row's too."""
    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT docx_path, docx_sha256, pdf_path, pdf_sha256, pending FROM letters "
                 "ORDER BY id")
        ).all()  # fmt: skip
    engine.dispose()
    out: dict[Path, set[str]] = {}
    for docx, docx_sha, pdf, pdf_sha, pending in rows:
        for path, sha in ((docx, docx_sha), (pdf, pdf_sha)):
            if path:
                acceptable = out.setdefault(Path(path), set())
                if not pending:
                    acceptable.clear()
                acceptable.add(sha)
    return out


def _sha(path: Path) -> str | None:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _temporaries(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.rglob("*") if p.name.endswith((".partial", ".tmp"))
        or ".tmp-" in p.name
    )  # fmt: skip


def _assert_recovered(ws: Workspace, out: Path) -> None:
    """One `check` recovers; the next says ok; nothing temporary is left."""
    first = ws.run("check")
    assert first.exit_code == 0, (first.stdout, first.stderr)
    assert ws.ok("check").strip() == "ok: database and issued letters intact"
    assert _temporaries(out) == []
    assert _temporaries(ws.path) == []
    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM letters WHERE pending")).scalar() == 0
    engine.dispose()


@pytest.mark.parametrize("step", ISSUE_STEPS)
def test_a_reissue_killed_at_any_step_never_loses_a_journaled_file(
    sqlite_ws: Workspace, tmp_path: Path, step: str
) -> None:
    ws = sqlite_ws
    ref = ws.new("--received", "2024-05-17", "--requester", "Jeanne", "--subject", "s")
    ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted")
    out = tmp_path / "letters"
    ws.ok("letter", ref, "--out", str(out), "--format", "both")
    first = {p: _sha(p) for p in out.iterdir()}
    body = tmp_path / "body.txt"
    body.write_text("Un nouveau paragraphe.\n", encoding="utf-8")
    ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted", "--revise",
          "--why", "mediation", "--body", str(body))  # fmt: skip
    _killed(ws, step, "letter", ref, "--out", str(out), "--format", "both", "--reissue")
    # Right after the crash: every journaled file is there, as its latest row (or, while that
    # row is pending, the previous one) says; never a file nobody journaled.
    for path, acceptable in _journaled(ws).items():
        assert path.is_file(), (step, path)
        assert _sha(path) in acceptable, (step, path)
    _assert_recovered(ws, out)
    now = {p: _sha(p) for p in out.iterdir()}
    assert set(now) == set(first)
    # Either the reissue happened in full, or not at all.
    assert now == first or all(now[p] != first[p] for p in now), step
    # And the next reissue works.
    ws.ok("letter", ref, "--out", str(out), "--format", "both", "--reissue")
    assert ws.ok("check").strip() == "ok: database and issued letters intact"


@pytest.mark.parametrize("step", ISSUE_STEPS)
def test_a_first_issue_killed_at_any_step_is_finished_or_undone(
    sqlite_ws: Workspace, tmp_path: Path, step: str
) -> None:
    ws = sqlite_ws
    ref = ws.new("--received", "2024-05-17", "--requester", "Jeanne", "--subject", "s")
    out = tmp_path / "letters"
    _killed(ws, step, "letter", ref, "--kind", "acknowledgement", "--out", str(out))
    # The next command that issues letters recovers first, then issues as asked.
    ws.ok("letter", ref, "--kind", "acknowledgement", "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == [
        f"{ref}_acknowledgement.docx",
        f"{ref}_acknowledgement.pdf",
    ]
    _assert_recovered(ws, out)


def _workers_of(marker: str) -> list[int]:
    """Processes whose command line holds `marker` (the killed parent's forked workers)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if marker.encode() in cmdline and state != "Z":
            found.append(int(proc.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
@pytest.mark.parametrize("step", ["batch-rendering", "letter-committed", "letter-renamed-pdf"])
def test_a_batch_killed_leaves_no_worker_and_nothing_behind(
    sqlite_ws: Workspace, tmp_path: Path, step: str
) -> None:
    ws = sqlite_ws
    for n in range(6):
        ws.new("--received", "2024-05-17", "--requester", f"P{n}", "--subject", "s")
    out = tmp_path / "letters"
    _killed(ws, step, "letter", "--all-due", "--out", str(out), "--jobs", "3")
    deadline = time.monotonic() + 10
    while _workers_of(str(ws.path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _workers_of(str(ws.path)) == []
    _assert_recovered(ws, out)
    ws.ok("letter", "--all-due", "--out", str(out), "--jobs", "3")
    assert len([p for p in out.iterdir()]) == 12
    _assert_recovered(ws, out)


@pytest.mark.parametrize("step", ["file-written", "backup-copied", "backup-linked"])
def test_a_backup_killed_leaves_no_temporary_copy(
    sqlite_ws: Workspace, tmp_path: Path, step: str
) -> None:
    sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    dest = tmp_path / "backups" / "copy.sqlite"
    dest.parent.mkdir()
    if step == "file-written":
        step = "backup-copying"
    _killed(sqlite_ws, step, "backup", str(dest))
    # The next backup removes what the killed one left, and never a file still being written.
    again = tmp_path / "backups" / "again.sqlite"
    sqlite_ws.ok("backup", str(again))
    left = sorted(p.name for p in dest.parent.iterdir())
    assert left in (["again.sqlite"], ["again.sqlite", "copy.sqlite"]), left
    if dest.exists():
        con = sqlite3.connect(dest)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()


def test_only_the_leftovers_of_dead_processes_are_removed(tmp_path: Path) -> None:
    from atip import files

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    me = os.getpid()
    names = {
        f".18159_decision.pdf.{me}.partial": True,  # being written by a live process: kept
        f".18159_decision.pdf.{dead.pid}.partial": False,
        f".copy.sqlite.~{dead.pid}~abc123.tmp": False,
        f".copy.sqlite.~{dead.pid}~abc123.tmp-journal": False,
        f".18159_decision.docx.~{me}~x1y2.tmp": True,
        ".old.pdf.k3j4h5.tmp": True,  # an older atip's name, recent: kept for an hour
        "18159_decision.pdf": True,  # a letter
        "notes.tmp": True,  # not hidden: not atip's
    }
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    old = tmp_path / ".older.pdf.a1b2c3.tmp"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 2 * 3600, time.time() - 2 * 3600))
    removed = files.remove_leftovers(tmp_path)
    assert sorted(p.name for p in removed) == sorted(
        [n for n, kept in names.items() if not kept] + [old.name]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, k in names.items() if k)
