"""Lazy imports, enforced (STYLE practice 7): a command loads only the libraries it needs.

Each check runs a fresh interpreter, as a clerk's shell does, and looks at what it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Workspace

SRC = str(Path(__file__).parents[2] / "src")

# Libraries that only letters, charts, spreadsheets, rich tables or migrations need.
RENDERING = ("weasyprint", "docxtpl", "docx", "matplotlib", "openpyxl")
NEVER_FOR_READS = (*RENDERING, "babel", "rich", "alembic", "icalendar")
DATABASE = ("sqlalchemy", "sqlmodel", "psycopg", "pydantic")
ORM = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": SRC, **(extra or {})}
    env.pop("ATIP_DEBUG", None)
    return env


def _top_level(importtime_stderr: str) -> set[str]:
    """Top-level package names from `python -X importtime` output."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            names.add(module.split(".")[0])
    return names


def _loaded_after(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, set[str]]:
    """Run `atip ARGS` in a fresh interpreter; its exit code and top-level modules loaded."""
    probe = (
        "import json, sys\n"
        "from atip.cli import cli\n"
        "try:\n"
        "    cli.main(sys.argv[2:])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "with open(sys.argv[1], 'w') as f:\n"
        "    json.dump([code, sorted({m.split('.')[0] for m in sys.modules})], f)\n"
    )
    report = cwd / "modules.json"
    subprocess.run(
        [sys.executable, "-c", probe, str(report), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        check=False,
        timeout=60,
    )
    code, modules = json.loads(report.read_text())
    return code, set(modules)


def test_help_loads_neither_the_database_nor_any_renderer(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "atip", "--help"],
        env=_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "request" in result.stdout
    loaded = _top_level(result.stderr)
    assert "click" in loaded and "atip" in loaded  # the probe does see imports
    assert loaded.isdisjoint({*NEVER_FOR_READS, *DATABASE, "jinja2", "dateutil"}), sorted(
        loaded & {*NEVER_FOR_READS, *DATABASE, "jinja2", "dateutil"}
    )


@pytest.mark.parametrize("group", ["request", "annex", "letter", "report", "articles"])
def test_a_group_help_loads_no_heavy_library(tmp_path: Path, group: str) -> None:
    code, loaded = _loaded_after([group, "--help"], _env(), tmp_path)
    assert code == 0
    assert loaded.isdisjoint({*NEVER_FOR_READS, *DATABASE}), sorted(
        loaded & {*NEVER_FOR_READS, *DATABASE}
    )


@pytest.fixture
def one_request(ws: Workspace) -> Workspace:
    ref = ws.new("--received", "2024-05-17", "--requester", "Jeanne Exemple", "--subject", "s")
    ws.ok("request", "decide", ref, "--on", "2024-06-10", "--outcome", "granted")
    ws.ok("request", "note", ref, "appel")
    ws.new("--received", "2024-06-03", "--requester", "B", "--subject", "t")
    return ws


READS = [
    ["request", "show", "1", "--json"],
    ["request", "show", "1", "--journal"],
    ["request", "show", "1"],
    ["request", "history", "1"],
    ["request", "list", "--json"],
    ["request", "list", "--overdue", "--json", "--as-of", "2024-07-01"],
    ["request", "list", "--search", "jeanne", "--json"],
    ["request", "list", "--csv"],
    ["report", "deadlines", "--format", "json"],
    ["report", "deadlines", "--format", "csv"],
    ["report", "annual", "--fiscal-year", "2024-2025", "--format", "json"],
    ["report", "annual", "--fiscal-year", "2024-2025", "--format", "csv"],
]


@pytest.mark.parametrize("args", READS, ids=lambda a: "-".join(a).replace("--", ""))
def test_reading_commands_load_neither_the_orm_nor_a_renderer(
    one_request: Workspace, args: list[str], tmp_path: Path
) -> None:
    env = _env({**one_request.env, "ATIP_WORKSPACE": str(one_request.path)})
    code, loaded = _loaded_after(args, env, tmp_path)
    assert code == 0
    driver = "sqlite3" if one_request.backend == "sqlite" else "psycopg"
    assert driver in loaded  # the command did reach the database
    assert loaded.isdisjoint({*NEVER_FOR_READS, *ORM}), sorted(loaded & {*NEVER_FOR_READS, *ORM})


def test_articles_load_no_database_at_all(tmp_path: Path) -> None:
    code, loaded = _loaded_after(["articles", "list", "--json"], _env(), tmp_path)
    assert code == 0
    assert loaded.isdisjoint({*NEVER_FOR_READS, *DATABASE, "sqlite3"}), sorted(
        loaded & {*NEVER_FOR_READS, *DATABASE, "sqlite3"}
    )


def test_a_read_after_a_rule_change_takes_the_orm_path_first(
    one_request: Workspace, tmp_path: Path
) -> None:
    """Control for the test above: a read whose stored dates are out of step with atip.toml
    (a proclaimed day added) recomputes them through the ORM, then reads the new dates."""
    env = _env({**one_request.env, "ATIP_WORKSPACE": str(one_request.path)})
    before = json.loads(one_request.ok("request", "show", "2", "--json"))
    assert before["response_due"] == "2024-06-25"  # 20 days after 2024-06-03 (a. 47)
    config = one_request.path / "atip.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[deadlines.proclaimed]\n"2024-06-25" = "Jour X"\n',
        encoding="utf-8",
    )
    code, loaded = _loaded_after(["request", "show", "2", "--json"], env, tmp_path)
    assert code == 0 and "sqlalchemy" in loaded
    after = json.loads(one_request.ok("request", "show", "2", "--json"))
    assert after["response_due"] == "2024-06-26"  # the day proclaimed closed moves it (I-16)
    code, loaded = _loaded_after(["request", "show", "2", "--json"], env, tmp_path)
    assert code == 0 and "sqlalchemy" not in loaded  # in step again: the read layer alone


def test_writing_a_request_loads_no_renderer(one_request: Workspace, tmp_path: Path) -> None:
    env = _env({**one_request.env, "ATIP_WORKSPACE": str(one_request.path)})
    code, loaded = _loaded_after(
        ["request", "new", "--received", "2024-05-20", "--requester", "B", "--subject", "t"],
        env,
        tmp_path,
    )
    assert code == 0
    assert loaded.isdisjoint(NEVER_FOR_READS), sorted(loaded & set(NEVER_FOR_READS))


def test_creating_a_database_is_what_loads_alembic(tmp_path: Path) -> None:
    """Control for the tests above: the probe does see alembic when a migration runs."""
    code, loaded = _loaded_after(["init", str(tmp_path / "fresh")], _env(), tmp_path)
    assert code == 0
    assert "alembic" in loaded
