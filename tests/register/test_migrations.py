"""Schema upgrades: a register made by an older atip opens, upgraded, with nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from atip.register import db, sql
from atip.register.settings import load_settings
from tests.conftest import Workspace

TABLES = ("fees", "third_parties", "letters", "annexes", "events", "decisions", "requesters",
          "requests", "counters", "meta", "alembic_version")  # fmt: skip


def _at_revision_0001(url: str) -> None:
    """Empty the database, then give it the schema of revision 0001, as an older atip did."""
    engine = db.make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    try:
        with engine.begin() as conn:
            for table in TABLES:
                cascade = " CASCADE" if conn.dialect.name == "postgresql" else ""
                conn.execute(text(f"DROP TABLE IF EXISTS {table}{cascade}"))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
        with engine.begin() as conn:
            # A request with a third party, as revision 0001 stored it: on the request itself.
            conn.execute(
                text(
                    "INSERT INTO requests (id, reference, kind, subject, accommodation, "
                    "received_on, keep_clock, third_party_notified_on, observations_on, "
                    "clock_starts_on, response_due, extended_due, decision_due, review_deadline, "
                    "created_at) VALUES (1, '7', 'documents', 's', false, '2024-05-13', false, "
                    "'2024-05-20', '2024-05-31', '2024-05-13', '2024-06-03', '2024-06-12', "
                    "'2024-06-17', '2024-07-17', '2024-05-13 10:00:00')"
                )
            )
            conn.execute(text("INSERT INTO requesters (request_id, name) VALUES (1, 'Jeanne')"))
        assert db.schema_revision(engine) == "0001"
    finally:
        engine.dispose()


def test_a_register_of_schema_0001_is_upgraded_with_its_third_parties(ws: Workspace) -> None:
    url = ws.env.get("ATIP_DATABASE_URL") or load_settings(ws.path).database_url
    _at_revision_0001(url)
    view = json.loads(ws.ok("request", "show", "7", "--json", "--as-of", "2024-09-30"))
    engine = db.make_engine(url)
    try:
        assert db.schema_revision(engine) == sql.HEAD
    finally:
        engine.dispose()
    assert [(p["notified_on"], p["observations_on"]) for p in view["third_parties"]] == [
        ("2024-05-20", "2024-05-31")
    ]
    # Observations presented Fri 31 May: the decision is due 15 days on, Sat 15 June.
    assert view["decision_due"] == "2024-06-15"
    assert view["requester"]["name"] == "Jeanne" and view["requester"]["courtesy"] is None
    assert view["withdrawn_on"] is None and view["void_reason"] is None


def test_a_decision_of_schema_0004_keeps_all_its_articles_as_its_own(ws: Workspace) -> None:
    """Revision 0005 keeps the clerk's own articles apart from those annexes add; a decision
    recorded before it takes its whole list as its own, so that no annex removal drops any."""
    url = ws.env.get("ATIP_DATABASE_URL") or load_settings(ws.path).database_url
    _at_revision_0001(url)
    engine = db.make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0004")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO decisions (request_id, decided_on, outcome, articles, links, "
                    "body) VALUES (1, '2024-06-10', 'partial', '53,36', '[]', '')"
                )
            )
            conn.execute(text("UPDATE requests SET decided_on = '2024-06-10', outcome = 'partial'"))
    finally:
        engine.dispose()
    view = json.loads(ws.ok("request", "show", "7", "--json", "--as-of", "2024-09-30"))
    assert view["articles"] == ["53", "36"]
    engine = db.make_engine(url)
    try:
        assert db.schema_revision(engine) == sql.HEAD == "0005"
        with engine.connect() as conn:
            own = conn.execute(text("SELECT own_articles FROM decisions")).scalar_one()
        assert own == "53,36"
    finally:
        engine.dispose()
