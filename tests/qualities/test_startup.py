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
def one_request(sqlite_ws: Workspace) -> Workspace:
    sqlite_ws.new("--received", "2024-05-17", "--requester", "Jeanne Exemple", "--subject", "s")
    return sqlite_ws


@pytest.mark.parametrize(
    "args",
    [
        ["request", "show", "1", "--json"],
        ["request", "show", "1"],
        ["request", "list", "--json"],
        ["request", "list", "--overdue", "--json", "--as-of", "2024-07-01"],
        ["request", "list", "--csv"],
        ["report", "deadlines", "--format", "json"],
        ["report", "deadlines", "--format", "csv"],
        ["report", "annual", "--fiscal-year", "2024-2025", "--format", "json"],
    ],
    ids=lambda a: "-".join(a).replace("--", ""),
)
def test_reading_commands_load_no_renderer_and_no_migrations(
    one_request: Workspace, args: list[str], tmp_path: Path
) -> None:
    env = _env({**one_request.env, "ATIP_WORKSPACE": str(one_request.path)})
    code, loaded = _loaded_after(args, env, tmp_path)
    assert code == 0
    assert "sqlalchemy" in loaded  # the command did reach the database
    assert loaded.isdisjoint(NEVER_FOR_READS), sorted(loaded & set(NEVER_FOR_READS))


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
