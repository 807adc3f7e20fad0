"""The recompute after a rule change of atip.toml, against one UPDATE pass in Python.

`python bench/recompute.py [--rows 100000] [--reps 3] [--scenarios proclaimed,saturdays]`
imports a generated register (the one of bench/run.py) on SQLite, then, for each scenario and
each run, on a fresh copy of the database:

- atip: a fresh process opens the register and runs `recompute.sync_rules` with the new rules
  (what the next command does), timed inside the process, with its peak memory (ru_maxrss);
- floor: a fresh process with sqlite3 and the deadline engine only selects the same affected
  rows (the same SQL condition), computes their dates and writes them in one executemany
  UPDATE, in one transaction: the least a recompute can do;
- while atip recomputes, another clerk (a sqlite3 process) takes the write lock every 20 ms:
  its longest wait is reported.

Scenarios: a proclaimed day added (only the requests whose span holds it are read again), and
Saturdays closed (every request). The ratio is atip's time over the floor's, in the same run.
Each row of the table says the machine's load average (1, 5 and 15 minutes) and nproc when
its runs ended; `--rows 1000000 --scenarios proclaimed` is the figure of issue 17.
`--postgresql` runs the same on the server of ATIP_BENCH_DATABASE_URL (or
ATIP_TEST_DATABASE_URL), each run on a fresh schema.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

DAY = "2020-06-15"  # a Monday inside the register's ten years

ATIP_SCRIPT = r"""
import resource, sys, time
from atip.register import db
from atip.register.facts import rules_of
from atip.register.recompute import recompute
from atip.register.settings import load_settings

settings = load_settings(__import__("pathlib").Path(sys.argv[1]))
engine = db.open_engine(settings.database_url)
start = time.perf_counter()
progress = recompute(engine, rules_of(settings))
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed, rss, progress.examined, progress.changed)
"""

FLOOR_SCRIPT = r"""
import resource, sys, time
from datetime import date
from atip.law import deadlines

path, scenario, day = sys.argv[1], sys.argv[2], sys.argv[3]
pg = path.startswith("postgresql")
if scenario == "saturdays":
    rules = deadlines.Rules(saturdays_closed=True)
    where, args = "1 = 1", ()
else:
    rules = deadlines.Rules(proclaimed={date.fromisoformat(day): "Jour proclamé"})
    where = ("received_on <= ? AND (response_due >= ? OR extended_due >= ? OR "
             "observations_due >= ? OR third_party_due >= ? OR decision_due >= ? OR "
             "review_deadline >= ? OR executory_on >= ?)")
    args = (day,) * 8
FACTS = ("received_on", "clarified_on", "keep_clock", "extended_on", "third_party_notified_on",
         "observations_on", "decided_on", "kind")
DATES = ("clock_starts_on", "response_due", "extended_due", "observations_due",
         "third_party_due", "decision_due", "review_deadline", "executory_on")
if pg:  # timed once connected, as atip's recompute is
    import psycopg
    con = psycopg.connect(path.replace("postgresql+psycopg://", "postgresql://"))
    mark, iso, out = "%s", (lambda v: v), (lambda v: v)
    where, args = where.replace("?", "%s"), tuple(date.fromisoformat(a) for a in args)
    start = time.perf_counter()
else:
    import sqlite3
    con = sqlite3.connect(path, isolation_level=None)
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    mark, iso = "?", (lambda v: date.fromisoformat(v) if v else None)
    out = lambda v: v and v.isoformat()
rows = con.execute(f"SELECT id, {', '.join(FACTS)} FROM requests WHERE {where}", args).fetchall()
params = []
for r in rows:
    facts = deadlines.Facts(iso(r[1]), iso(r[2]), bool(r[3]), iso(r[4]), iso(r[5]), iso(r[6]),
                            iso(r[7]), r[8])
    d = deadlines.compute(facts, rules, explaining=False)
    params.append(tuple(out(getattr(d, n)) for n in DATES) + (r[0],))
sets = ", ".join(f"{n} = {mark}" for n in DATES)
if pg:
    with con.cursor() as cur:
        cur.executemany(f"UPDATE requests SET {sets} WHERE id = %s", params)
    con.commit()
else:
    con.executemany(f"UPDATE requests SET {sets} WHERE id = ?", params)
    con.execute("COMMIT")
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(params))
"""

CLERK_SCRIPT = r"""
import sqlite3, sys, time
from pathlib import Path
path, stop = sys.argv[1], Path(sys.argv[2])
con = sqlite3.connect(path, isolation_level=None, timeout=60)
waits = []
while not stop.exists():
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    waits.append(time.perf_counter() - start)
    con.execute("UPDATE counters SET value = value WHERE name = 'bench'")
    con.execute("COMMIT")
    time.sleep(0.02)
print(len(waits), max(waits) if waits else 0.0)
"""


def _settings(folder: Path, pristine: str, scenario: str) -> None:
    text = pristine
    if scenario == "saturdays":
        text = text.replace("saturdays_closed = false", "saturdays_closed = true")
    else:
        text += f'\n[deadlines.proclaimed]\n{DAY} = "Jour proclamé"\n'
    (folder / "atip.toml").write_text(text, encoding="utf-8")


def _result(
    backend: str,
    scenario: str,
    rows: int,
    counts: str,
    ours: list[tuple[float, int]],
    floors: list[tuple[float, int]],
) -> run.Result:
    """One row of the table: medians, peaks (ru_maxrss, KB), the machine's load."""
    peak = max(r for _, r in ours) / 1024
    floor_peak = max(r for _, r in floors) / 1024
    driver = "sqlite3" if backend == "sqlite" else "psycopg"
    result = run.Result(
        f"recompute ({backend})",
        f"{scenario} ({rows:,} rows; {counts}; peak {peak:.0f} MB, floor "
        f"{floor_peak:.0f} MB; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
        f"nproc {os.cpu_count()})",
        statistics.median(t for t, _ in ours),
        f"one UPDATE pass in Python ({driver})",
        statistics.median(t for t, _ in floors),
        "<= 2x, <= 300 MB",
    )
    result.ok = (result.ratio or 0) <= 2 and peak <= 300
    return result


@contextmanager
def _register(rows: int) -> Iterator[tuple[Path, Path]]:
    """A scratch folder and the generated register file of `rows` requests in it."""
    work = Path(tempfile.mkdtemp(prefix="atip-bench-recompute-"))
    run.PYCACHE = work / "pycache"
    try:
        big = work / "big.csv"
        run.write_register(big, rows, 0.05)
        yield work, big
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench(rows: int, reps: int, scenarios: tuple[str, ...]) -> list[run.Result]:
    results: list[run.Result] = []
    with _register(rows) as (work, big):
        folder = work / "ws"
        env = run.init_workspace(folder, run.Backend("sqlite"))
        run.run_once(run.atip("request", "import", str(big)), env, cwd=folder)
        database = folder / "db" / "atip.sqlite"
        import sqlite3

        con = sqlite3.connect(database)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        saved = work / "saved.sqlite"
        shutil.copy(database, saved)
        pristine = (folder / "atip.toml").read_text(encoding="utf-8")
        for scenario in scenarios:
            ours: list[tuple[float, int]] = []
            floors: list[tuple[float, int]] = []
            waits: list[float] = []
            counts = ""
            for _ in range(reps):
                for wal in ("-wal", "-shm"):
                    Path(f"{database}{wal}").unlink(missing_ok=True)
                shutil.copy(saved, database)
                _settings(folder, pristine, scenario)
                stop = work / "stop"
                stop.unlink(missing_ok=True)
                clerk = subprocess.Popen(
                    [run.PY, "-c", CLERK_SCRIPT, str(database), str(stop)],
                    env=env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                time.sleep(0.2)
                proc = subprocess.run(
                    [run.PY, "-c", ATIP_SCRIPT, str(folder)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                stop.touch()
                out, _err = clerk.communicate()
                writes, longest = out.split()
                waits.append(float(longest))
                seconds, rss, examined, changed = proc.stdout.split()
                ours.append((float(seconds), int(rss)))
                for wal in ("-wal", "-shm"):
                    Path(f"{database}{wal}").unlink(missing_ok=True)
                shutil.copy(saved, database)
                proc = subprocess.run(
                    [run.PY, "-c", FLOOR_SCRIPT, str(database), scenario, DAY],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                seconds, rss, updated = proc.stdout.split()
                floors.append((float(seconds), int(rss)))
                counts = (
                    f"{int(examined):,} read again, {int(changed):,} changed; floor updates "
                    f"{int(updated):,}; other clerk: {writes} writes, longest wait "
                    f"{max(waits) * 1000:.0f} ms"
                )
            results.append(_result("sqlite", scenario, rows, counts, ours, floors))
    return results


def bench_postgresql(
    base: str, rows: int, reps: int, scenarios: tuple[str, ...]
) -> list[run.Result]:
    """The same on PostgreSQL: each run on a fresh schema with the register imported (no
    other clerk: PostgreSQL locks rows, and the recompute's batches lock only their own)."""
    results: list[run.Result] = []
    with _register(rows) as (work, big):
        for scenario in scenarios:
            ours: list[tuple[float, int]] = []
            floors: list[tuple[float, int]] = []
            counts = ""
            for attempt in range(reps):
                for side in ("atip", "floor"):
                    with run.backend_of("postgresql", base) as backend:
                        folder = work / f"ws-{scenario}-{attempt}-{side}"
                        env = run.init_workspace(folder, backend)
                        run.run_once(run.atip("request", "import", str(big)), env, cwd=folder)
                        pristine = (folder / "atip.toml").read_text(encoding="utf-8")
                        _settings(folder, pristine, scenario)
                        if side == "atip":
                            proc = subprocess.run(
                                [run.PY, "-c", ATIP_SCRIPT, str(folder)], env=env,
                                capture_output=True, text=True, check=True,
                            )  # fmt: skip
                            seconds, rss, examined, changed = proc.stdout.split()
                            ours.append((float(seconds), int(rss)))
                        else:
                            assert backend.url
                            proc = subprocess.run(
                                [run.PY, "-c", FLOOR_SCRIPT, backend.url, scenario, DAY],
                                env=env, capture_output=True, text=True, check=True,
                            )  # fmt: skip
                            seconds, rss, updated = proc.stdout.split()
                            floors.append((float(seconds), int(rss)))
                        shutil.rmtree(folder)
            counts = (
                f"{int(examined):,} read again, {int(changed):,} changed; floor updates "
                f"{int(updated):,}"
            )
            results.append(_result("postgresql", scenario, rows, counts, ours, floors))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--scenarios", default="proclaimed,saturdays", help="comma-separated")
    parser.add_argument(
        "--postgresql", action="store_true", help="on the server of ATIP_BENCH_DATABASE_URL"
    )
    args = parser.parse_args()
    scenarios = tuple(s for s in args.scenarios.split(",") if s)
    unknown = set(scenarios) - {"proclaimed", "saturdays"}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if args.postgresql:
        base = run.postgres_base_url()
        if base is None:
            parser.error("no reachable PostgreSQL (ATIP_BENCH_DATABASE_URL)")
        results = bench_postgresql(base, args.rows, args.reps, scenarios)
    else:
        results = bench(args.rows, args.reps, scenarios)
    print(run.table(results))
    return 0 if all(r.ok is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
