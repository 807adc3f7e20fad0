"""`atip request import` streams the file: a checking pass, then a writing pass in batches, in
one transaction; memory does not grow with the file, and all or nothing still holds."""

from __future__ import annotations

import csv
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from atip.register import imports
from tests.conftest import Workspace


def _register(
    path: Path, rows: int, *, refs: bool = True, bad: dict[int, str] | None = None
) -> Path:
    """A register of `rows` requests; `bad` puts a received cell on the given file lines."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "received", "requester", "subject", "decided_on", "outcome"])
        for n in range(rows):
            line = n + 2
            received = (bad or {}).get(line, f"2024-0{1 + n % 9}-{1 + n % 28:02d}")
            decided = f"2024-10-{1 + n % 28:02d}" if n % 2 else ""
            writer.writerow(
                [f"R-{n}" if refs else "", received, f"Requester {n}", f"documents {n}", decided,
                 "partial" if decided else ""]
            )  # fmt: skip
    return path


def _count(ws: Workspace) -> int:
    return len(json.loads(ws.ok("request", "list", "--json", "--as-of", "2024-12-31")))


def test_a_bad_row_near_the_end_imports_nothing(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH", 100)
    ws.new("--received", "2024-05-17", "--requester", "Before", "--subject", "s")
    path = _register(tmp_path / "registre.csv", 2_000, bad={1_999: "2024-02-30"})
    before = ws.snapshot()
    result = ws.run("request", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("atip: registre.csv, line 1999: column received: not a date")
    assert result.stderr.count("\n") == 1
    assert ws.snapshot() == before


def test_a_file_changed_between_the_passes_imports_nothing(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second pass does not check the cells again: it refuses a file that is no longer
    the one the first pass checked, after writing some of its batches, and nothing stays."""
    monkeypatch.setattr(imports, "BATCH", 50)
    path = _register(tmp_path / "registre.csv", 500)
    written: list[int] = []
    write, first_pass = imports._Writer.write, imports._check

    def check(*args: Any) -> imports._Plan:
        plan = first_pass(*args)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Requester 450,", "Requester\u202e 450,"), encoding="utf-8")
        return plan

    def counting(self: imports._Writer, batch: list[Any]) -> None:
        written.append(len(batch))
        write(self, batch)

    monkeypatch.setattr(imports, "_check", check)
    monkeypatch.setattr(imports._Writer, "write", counting)
    before = ws.snapshot()
    result = ws.run("request", "import", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "atip: registre.csv: the file changed while it was being read; nothing was done\n"
    )
    assert sum(written) >= 450  # the batches before the end were written, then rolled back
    assert ws.snapshot() == before


def test_a_cell_changed_to_a_bad_value_between_the_passes_is_the_same_refusal(
    sqlite_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH", 50)
    path = _register(tmp_path / "registre.csv", 300)
    first_pass = imports._check

    def check(*args: Any) -> imports._Plan:
        plan = first_pass(*args)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("R-250,2024-", "R-250,xxxx-"), encoding="utf-8")
        return plan

    monkeypatch.setattr(imports, "_check", check)
    before = sqlite_ws.snapshot()
    result = sqlite_ws.run("request", "import", str(path))
    assert result.exit_code == 2, result.output
    assert "the file changed while it was being read" in result.stderr
    assert sqlite_ws.snapshot() == before


def test_a_reference_given_twice_names_both_lines(ws: Workspace, tmp_path: Path) -> None:
    path = _register(tmp_path / "registre.csv", 1_200)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1_150] = lines[1_150].replace("R-1149,", "R-7,", 1)  # line 1151 gives line 9's
    path.write_text("".join(lines), encoding="utf-8")
    before = ws.snapshot()
    result = ws.run("request", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr == "atip: registre.csv, line 1151: reference 'R-7' already on line 9\n"
    assert ws.snapshot() == before


def test_a_reference_the_register_has_is_found_past_the_first_lookups(
    ws: Workspace, tmp_path: Path
) -> None:
    ws.new("--ref", "R-1190", "--received", "2024-05-17", "--requester", "A", "--subject", "s")
    path = _register(tmp_path / "registre.csv", 1_200, bad={5: "2024-13-01"})
    before = ws.snapshot()
    # A bad row comes first, wherever the clash is (the rows are checked in file order first).
    result = ws.run("request", "import", str(path))
    assert result.exit_code == 2 and "line 5:" in result.stderr
    path = _register(tmp_path / "registre.csv", 1_200)
    result = ws.run("request", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr == "atip: registre.csv: reference 'R-1190' already exists\n"
    assert ws.snapshot() == before


def test_batches_number_the_rows_as_one_pass_would(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Explicit numbers raise the counter in file order, across batches of two rows."""
    monkeypatch.setattr(imports, "BATCH", 2)
    ws.new("--received", "2024-01-10", "--requester", "A", "--subject", "s")  # 1
    path = tmp_path / "registre.csv"
    path.write_text(
        "ref,received,requester,subject\n"
        ",2024-02-01,B,s\n"  # 2
        "10,2024-02-02,C,s\n"
        ",2024-02-03,D,s\n"  # 11
        "5,2024-02-04,E,s\n"
        ",2024-02-05,F,s\n"  # 12
        "20,2024-02-06,G,s\n"
        "15,2024-02-07,H,s\n",
        encoding="utf-8",
    )
    assert ws.ok("request", "import", str(path)) == "imported 7 requests from registre.csv\n"
    listed = json.loads(ws.ok("request", "list", "--json", "--as-of", "2024-12-31"))
    refs = {view["reference"] for view in listed}
    assert refs == {"1", "2", "10", "11", "5", "12", "20", "15"}
    assert ws.new("--received", "2024-03-01", "--requester", "I", "--subject", "s") == "21"


def test_rows_without_references_take_numbers_across_batches(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH", 7)
    config = ws.path / "atip.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'format = "{seq}"', 'format = "{year}-{seq:03d}"'
        ),
        encoding="utf-8",
    )
    path = tmp_path / "registre.csv"
    rows = [f",2024-02-{1 + n:02d},P{n},s\n" for n in range(20)]
    rows[3] = "2024-005,2024-02-04,P3,s\n"  # given in the file: the numbering skips it
    path.write_text("ref,received,requester,subject\n" + "".join(rows), encoding="utf-8")
    ws.ok("request", "import", str(path))
    listed = json.loads(ws.ok("request", "list", "--json", "--as-of", "2024-12-31"))
    refs = sorted(view["reference"] for view in listed)
    assert refs == sorted(["2024-005", *(f"2024-{n:03d}" for n in range(1, 21) if n != 5)])


def test_a_problem_of_the_whole_file_comes_before_a_bad_row(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    path = _register(tmp_path / "registre.csv", 3_000, bad={3: "2024-02-30"})
    with path.open("ab") as handle:
        handle.write(b"R-x,2024-05-17,A\x01B,s,,\n")  # a control character on the last line
    result = sqlite_ws.run("request", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr == "atip: registre.csv: is not a text file (binary content)\n"


def test_a_windows_1252_byte_late_in_the_file_decodes_the_whole_file(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "registre.csv"
    rows = "".join(f"R-{n},2024-05-17,Ren{n},s\n" for n in range(3_000))
    path.write_bytes(
        "ref,received,requester,subject\nR-é,2024-05-17,Zoé,s\n".encode("cp1252")
        + rows.encode()
        + "R-last,2024-05-17,Hélène,s\n".encode("cp1252")
    )
    result = sqlite_ws.run("request", "import", str(path))
    assert result.exit_code == 2  # 'R-é' is no reference: read as Windows-1252, as before
    assert result.stderr.startswith("atip: registre.csv, line 2: column ref: not a reference")
    text = path.read_bytes().replace("R-é,".encode("cp1252"), b"R-e,")
    path.write_bytes(text)
    sqlite_ws.ok("request", "import", str(path))
    view = json.loads(sqlite_ws.ok("request", "show", "R-last", "--json"))
    assert view["requester"]["name"] == "Hélène"


def _peak(run: Callable[[], None]) -> int:
    """The most memory Python held above what it held before `run`, in bytes."""
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    run()
    return tracemalloc.get_traced_memory()[1] - start


def test_memory_does_not_grow_with_the_file(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twice the rows, not twice the memory: no list of every row (a list of the rows, their
    places or their values would hold about 3 KB a row: 9 MB more for the larger file)."""
    monkeypatch.setattr(imports, "BATCH", 250)
    small = _register(tmp_path / "small.csv", 20, refs=False)
    one = _register(tmp_path / "one.csv", 3_000, refs=False)
    two = _register(tmp_path / "two.csv", 6_000, refs=False)
    ws.ok("request", "import", str(small))  # modules imported, caches filled
    tracemalloc.start()
    try:
        peaks = [_peak(lambda f=f: ws.ok("request", "import", str(f))) for f in (one, two)]  # type: ignore[misc]
    finally:
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.25 + 1_000_000, peaks
    assert _count(ws) == 9_020
