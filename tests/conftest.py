"""Fixtures: real workspaces in tmp folders, on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from atip.cli import cli

PG_URL = os.environ.get("ATIP_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgres"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError(
            "CI must set ATIP_TEST_DATABASE_URL: PostgreSQL tests would be skipped"
        )


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests speak English unless they ask for French (`french` below): their expected lines
    are written in English. The French interface has its own tests (tests/cli/test_french.py)."""
    from atip import i18n

    monkeypatch.setenv("ATIP_LANG", "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The office's own language: ATIP_LANG unset, so atip speaks French."""
    from atip import i18n

    monkeypatch.delenv("ATIP_LANG", raising=False)
    i18n.set_language("fr")
    yield
    i18n.set_language("en")


@dataclass
class Workspace:
    """A real workspace folder and the way to run `atip` in it."""

    path: Path
    backend: str
    env: dict[str, str]

    def run(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        """Run the real CLI in this workspace; stdout and stderr kept apart (`env` added)."""
        runner = CliRunner()
        return runner.invoke(
            cli,
            ["--workspace", str(self.path), *args],
            env={**self.env, **(env or {})},
            input=input,
            catch_exceptions=False,
        )

    def ok(self, *args: str) -> str:
        """Run and assert success; return stdout."""
        result = self.run(*args)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return result.stdout

    def new(self, *args: str) -> str:
        """`request new` with the given options; return the reference."""
        return self.ok("request", "new", *args).strip().splitlines()[-1]

    def snapshot(self) -> str:
        """A digest of everything the database holds (and, for SQLite, of its files' bytes)."""
        from sqlalchemy import create_engine, inspect, text

        url = self.env.get("ATIP_DATABASE_URL") or f"sqlite:///{self.path / 'db' / 'atip.sqlite'}"
        digest = hashlib.sha256()
        if self.backend == "sqlite":
            for name in ("atip.sqlite", "atip.sqlite-wal"):
                f = self.path / "db" / name
                digest.update(f.read_bytes() if f.exists() else b"-")
        engine = create_engine(url)
        with engine.connect() as conn:
            for table in sorted(inspect(conn).get_table_names()):
                rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
                digest.update(repr((table, sorted(map(repr, rows)))).encode())
        engine.dispose()
        return digest.hexdigest()


def _pg_schema_url(base: str) -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """An initialised workspace on each backend."""
    yield from _workspace(request.param, tmp_path)


@pytest.fixture
def sqlite_ws(tmp_path: Path) -> Iterator[Workspace]:
    """An initialised workspace on SQLite only."""
    yield from _workspace("sqlite", tmp_path)


def _workspace(backend: str, tmp_path: Path) -> Iterator[Workspace]:
    env = {"ATIP_USER": "clerk-test", "ATIP_WORKSPACE": "", "ATIP_DATABASE_URL": ""}
    path = tmp_path / "ws"
    if backend == "postgres":
        if not PG_URL:
            pytest.skip("ATIP_TEST_DATABASE_URL is not set")
        for url in _pg_schema_url(PG_URL):
            env["ATIP_DATABASE_URL"] = url
            space = Workspace(path, backend, env)
            result = CliRunner().invoke(cli, ["init", str(path)], env=env)
            assert result.exit_code == 0, result.output
            yield space
        return
    result = CliRunner().invoke(cli, ["init", str(path)], env=env)
    assert result.exit_code == 0, result.output
    yield Workspace(path, backend, env)
