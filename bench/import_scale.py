"""`atip request import` at scale, against a floor: Python csv, the deadline engine and the
driver, writing the same rows.

`python bench/import_scale.py [--rows 100000,1000000] [--pg-rows 100000] [--reps 3]` writes the
register of bench/run.py (`write_register`: seeded, 5 % open, references given) once per size,
then, for each run, in a fresh workspace (SQLite file, or a fresh PostgreSQL schema):

- atip: a fresh process runs `atip request import FILE`, as a clerk's shell starts it;
- floor: a fresh process reads the same file with `csv`, computes each request's dates with
  `atip.law.deadlines.compute(..., explaining=False)` and writes the same rows (requests,
  requesters, decisions, journal events) in one transaction: `sqlite3` executemany in batches
  on SQLite, psycopg COPY on PostgreSQL (what atip uses there). No check of any cell: the least
  an import can do.

atip and the floor run interleaved, alternating which goes first; each figure is the median
wall time, with the median CPU time (user + sys) and the peak resident memory of each process
(`os.wait4`'s ru_maxrss, that process alone). After the first runs, the two databases are
compared: the same stored values for every request, requester, decision and journal event
(ids and timestamps aside), or the figure is marked. Prints markdown table rows, with the
machine's load average and nproc.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

FLOOR_COMMON = r"""
import csv, sys, time
from datetime import UTC, date, datetime
from atip.law import deadlines

COMPUTED = ("clock_starts_on", "response_due", "extended_due", "observations_due",
            "third_party_due", "decision_due", "review_deadline", "executory_on")
rules = deadlines.Rules()
BATCH = 5000

def rows_of(path, name):
    # (request, requester, decision or None) of each row, the dates as `date`.
    iso = lambda t: date.fromisoformat(t) if t else None
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        col = {n: i for i, n in enumerate(next(reader))}
        (R, C, CL, X, D, O, A, K, S, CH, CK, AC, N, AD, EM) = (col[n] for n in (
            "reference", "received", "clarified", "extended_on", "decided_on", "outcome",
            "articles", "kind", "subject", "channel", "clerk", "accommodation", "requester",
            "address", "email"))
        for row in reader:
            facts = deadlines.Facts(received_on=date.fromisoformat(row[C]),
                                    clarified_on=iso(row[CL]), extended_on=iso(row[X]),
                                    decided_on=iso(row[D]), kind=row[K] or "documents")
            dates = deadlines.compute(facts, rules, explaining=False)
            decided = facts.decided_on
            outcome = (row[O] or "granted") if decided else None
            request = (row[R], facts.kind, row[S], row[CH] or None, row[CK] or None,
                       row[AC] == "oui", facts.received_on, facts.clarified_on, False,
                       facts.extended_on, decided, outcome,
                       *(getattr(dates, n) for n in COMPUTED))
            person = (row[N], row[AD] or None, row[EM] or None)
            decision = (decided, outcome, row[A]) if decided else None
            yield request, person, decision

REQUEST = ("id, reference, kind, subject, channel, clerk, accommodation, received_on, "
           "clarified_on, keep_clock, extended_on, decided_on, outcome, " + ", ".join(COMPUTED)
           + ", created_at")
"""

FLOOR_SQLITE = (
    FLOOR_COMMON
    + r"""
import resource, sqlite3
path, database = sys.argv[1], sys.argv[2]
name = path.rsplit("/", 1)[-1]
start = time.perf_counter()
con = sqlite3.connect(database, isolation_level=None)
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = NORMAL")
con.execute("PRAGMA foreign_keys = ON")
con.execute("BEGIN IMMEDIATE")
now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
new = f"{name} (personal information)"
s = lambda d: d.isoformat() if d else None
next_id = (con.execute("SELECT max(id) FROM requests").fetchone()[0] or 0) + 1
batches = ([], [], [], [])
def flush():
    con.executemany(f"INSERT INTO requests ({REQUEST}) VALUES ({', '.join('?' * 22)})",
                    batches[0])
    con.executemany("INSERT INTO requesters (request_id, name, address, email) "
                    "VALUES (?, ?, ?, ?)", batches[1])
    con.executemany("INSERT INTO decisions (request_id, decided_on, outcome, articles, links, "
                    "body) VALUES (?, ?, ?, ?, '[]', '')", batches[2])
    con.executemany("INSERT INTO events (request_id, at, actor, action, field, new) "
                    "VALUES (?, ?, 'bench', 'imported', 'requester', ?)", batches[3])
    for batch in batches:
        batch.clear()
count = 0
for request, person, decision in rows_of(path, name):
    i = next_id + count
    count += 1
    batches[0].append((i, *request[:6], s(request[6]), s(request[7]), request[8],
                       *map(s, request[9:11]), request[11], *map(s, request[12:]), now))
    batches[1].append((i, *person))
    if decision:
        batches[2].append((i, s(decision[0]), decision[1], decision[2]))
    batches[3].append((i, now, new))
    if len(batches[0]) == BATCH:
        flush()
flush()
con.execute("COMMIT")
print(time.perf_counter() - start, count)
"""
)

FLOOR_POSTGRES = (
    FLOOR_COMMON
    + r"""
import psycopg
path, url = sys.argv[1], sys.argv[2]
name = path.rsplit("/", 1)[-1]
start = time.perf_counter()
con = psycopg.connect(url)
now = datetime.now(UTC)
new = f"{name} (personal information)"
with con.transaction(), con.cursor() as cur:
    next_id = (cur.execute("SELECT max(id) FROM requests").fetchone()[0] or 0) + 1
    count = 0
    batches = ([], [], [], [])
    def flush():
        for table, columns, rows in (
            ("requests", REQUEST, batches[0]),
            ("requesters", "request_id, name, address, email", batches[1]),
            ("decisions", "request_id, decided_on, outcome, articles, links, body", batches[2]),
            ("events", "request_id, at, actor, action, field, new", batches[3]),
        ):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            rows.clear()
    for request, person, decision in rows_of(path, name):
        i = next_id + count
        count += 1
        batches[0].append((i, *request, now))
        batches[1].append((i, *person))
        if decision:
            batches[2].append((i, *decision, "[]", ""))
        batches[3].append((i, now, "bench", "imported", "requester", new))
        if len(batches[0]) == BATCH:
            flush()
    flush()
    cur.execute("SELECT setval(pg_get_serial_sequence('requests', 'id'), "
                "(SELECT max(id) FROM requests))")
print(time.perf_counter() - start, count)
"""
)

# What the two databases must hold alike: every stored value but ids and timestamps.
CONTENT = (
    "SELECT r.reference, r.kind, r.subject, r.channel, r.clerk, r.accommodation, "
    "r.received_on, r.clarified_on, r.keep_clock, r.extended_on, r.decided_on, r.outcome, "
    "r.clock_starts_on, r.response_due, r.extended_due, r.observations_due, r.third_party_due, "
    "r.decision_due, r.review_deadline, r.executory_on, q.name, q.address, q.email, "
    "d.decided_on, d.outcome, d.articles, d.links, d.body, e.action, e.field, e.new "
    "FROM requests r JOIN requesters q ON q.request_id = r.id "
    "LEFT JOIN decisions d ON d.request_id = r.id "
    "JOIN events e ON e.request_id = r.id ORDER BY r.reference"
)


@dataclass
class Run:
    """One fresh process: wall seconds, CPU seconds (user + sys), peak RSS in MB."""

    wall: float
    cpu: float
    peak_mb: float


def measure(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> Run:
    """Run `cmd` once; its own rusage (os.wait4), not the sum or max of every child."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err.read().decode()[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def content_digest(backend: run.Backend, folder: Path) -> str:
    """A digest of what the register holds (see CONTENT), the same on SQLite and PostgreSQL."""
    digest = hashlib.sha256()
    if backend.url is None:
        con = sqlite3.connect(folder / "db" / "atip.sqlite")
        rows = con.execute(CONTENT)
        for row in rows:
            digest.update(repr(tuple(_plain(v) for v in row)).encode())
        con.close()
        return digest.hexdigest()
    from sqlalchemy import create_engine, text

    engine = create_engine(backend.url)
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=10_000).execute(text(CONTENT)):
            digest.update(repr(tuple(_plain(v) for v in row)).encode())
    engine.dispose()
    return digest.hexdigest()


def _plain(value: object) -> object:
    """A stored value as both databases give it: dates as ISO text, booleans as 0 or 1."""
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[attr-defined]
    return value


def bench(name: str, pg_base: str | None, csv_path: Path, rows: int, reps: int) -> str:
    """Interleaved runs of atip and the floor on `rows` rows; one markdown table row."""
    ours: list[Run] = []
    floors: list[Run] = []
    same = "not compared"
    work = csv_path.parent
    for attempt in range(reps):
        order = ("atip", "floor") if attempt % 2 == 0 else ("floor", "atip")
        digests: dict[str, str] = {}
        for who in order:
            with run.backend_of(name, pg_base) as backend:
                folder = work / f"ws-{name}-{who}-{attempt}"
                env = run.init_workspace(folder, backend)
                if who == "atip":
                    cmd = run.atip("request", "import", str(csv_path))
                    ours.append(measure(cmd, env, cwd=folder))
                else:
                    target = backend.url.replace("postgresql+psycopg", "postgresql") \
                        if backend.url else str(folder / "db" / "atip.sqlite")  # fmt: skip
                    script = FLOOR_POSTGRES if backend.url else FLOOR_SQLITE
                    floors.append(measure([run.PY, "-c", script, str(csv_path), target], env))
                if attempt == 0:
                    digests[who] = content_digest(backend, folder)
                shutil.rmtree(folder, ignore_errors=True)
        if attempt == 0:
            same = "same rows" if digests["atip"] == digests["floor"] else "ROWS DIFFER"
    mine = statistics.median(r.wall for r in ours)
    floor = statistics.median(r.wall for r in floors)
    cpu = statistics.median(r.cpu for r in ours)
    floor_cpu = statistics.median(r.cpu for r in floors)
    peak = max(r.peak_mb for r in ours)
    floor_peak = max(r.peak_mb for r in floors)
    ratio = mine / floor
    met = ratio <= 1.5 and peak <= 300 and same == "same rows"
    if name == "sqlite" and rows == 100_000:
        met = met and mine < 10
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    runs = ", ".join(f"{r.wall:.1f}" for r in ours)
    floor_runs = ", ".join(f"{r.wall:.1f}" for r in floors)
    return (
        f"| import ({name}) | {rows:,} | {mine:.2f} ({runs}) | {floor:.2f} ({floor_runs}) "
        f"| {ratio:.2f} | {cpu / floor_cpu:.2f} | {peak:.0f} | {floor_peak:.0f} | {same} "
        f"| {load} | {os.cpu_count()} | <= 1.5x, <= 300 MB"
        f"{', < 10 s' if name == 'sqlite' and rows == 100_000 else ''} "
        f"| {'yes' if met else '**no**'} |"
    )


HEADER = (
    "| operation | rows | atip s (runs) | floor s (runs) | ratio | CPU ratio | atip peak MB "
    "| floor peak MB | rows compared | load (1, 5, 15 min) | nproc | goal | met |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|---|"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000", help="SQLite sizes, comma-separated")
    parser.add_argument("--pg-rows", default="100000", help="PostgreSQL sizes ('' for none)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--reps-1m", type=int, default=3, help="runs at 1,000,000 rows or more")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="atip-bench-import-"))
    run.PYCACHE = work / "pycache"
    pg_base = run.postgres_base_url() if args.pg_rows else None
    plan = [("sqlite", int(n)) for n in args.rows.split(",") if n]
    if pg_base:
        plan += [("postgresql", int(n)) for n in args.pg_rows.split(",") if n]
    print(HEADER, flush=True)
    ok = True
    try:
        files: dict[int, Path] = {}
        for name, rows in plan:
            if rows not in files:
                files[rows] = work / f"register-{rows}.csv"
                run.write_register(files[rows], rows, 0.05)
            reps = args.reps_1m if rows >= 1_000_000 else args.reps
            line = bench(name, pg_base, files[rows], rows, reps)
            ok = ok and line.endswith("| yes |")
            print(line, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
