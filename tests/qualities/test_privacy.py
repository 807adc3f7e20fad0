"""Personal information: a private database file, no name in messages or the journal, the purge.

Requesters' names, addresses and emails are personal information (A-2.1, a. 54): they live in
the `requesters` table only, appear in no error message and no journal line, and are removed by
`atip purge` once nobody can contest the decision any more (a. 135: 30 days to apply for review).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import Workspace

NAME = "Gisèle Confidentielle-Tremblay"
ADDRESS = "1234, rue des Secrets\\nQuébec (Québec) G1R 9Z9"
STORED_ADDRESS = ADDRESS.replace("\\n", "\n")
EMAIL = "gisele.secret@courriel.example"
PERSONAL = (NAME, "Confidentielle", "rue des Secrets", "G1R 9Z9", EMAIL, "gisele.secret")


def _url(ws: Workspace) -> str:
    return ws.env.get("ATIP_DATABASE_URL") or f"sqlite:///{ws.path / 'db' / 'atip.sqlite'}"


def _rows(ws: Workspace, sql: str) -> list[tuple]:
    engine = create_engine(_url(ws))
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(text(sql))]
    engine.dispose()
    return rows


def _new_secret(ws: Workspace, *extra: str) -> str:
    return ws.new(
        "--received", "2024-05-17", "--requester", NAME, "--address", ADDRESS, "--email", EMAIL,
        "--subject", "les documents de mon dossier", *extra,
    )  # fmt: skip


def _leaks(text_: str) -> list[str]:
    return [fragment for fragment in PERSONAL if fragment in text_]


# --------------------------------------------------------------------------- the file


def test_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from atip.cli import cli

    old = os.umask(0o022)  # a usual umask, which would make a plain file world-readable
    try:
        env = {"ATIP_WORKSPACE": "", "ATIP_DATABASE_URL": "", "ATIP_USER": "clerk"}
        result = CliRunner().invoke(cli, ["init", str(tmp_path / "ws")], env=env)
        assert result.exit_code == 0, result.output
        database = tmp_path / "ws" / "db" / "atip.sqlite"
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
        ws = Workspace(tmp_path / "ws", "sqlite", env)
        _new_secret(ws)
    finally:
        os.umask(old)
    # SQLite gives its -wal and -shm files the mode of the database file.
    for name in ("atip.sqlite", "atip.sqlite-wal", "atip.sqlite-shm"):
        path = database.parent / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name


def _modes(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
        for p in sorted(root.rglob("*"))
        if not p.is_symlink()
    }


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
@pytest.mark.parametrize("shared", [False, True])
def test_workspace_letters_and_backups_are_private_whatever_the_umask(
    tmp_path: Path, umask: int, shared: bool
) -> None:
    from click.testing import CliRunner

    from atip.cli import cli

    env = {"ATIP_WORKSPACE": "", "ATIP_DATABASE_URL": "", "ATIP_USER": "clerk", "ATIP_LANG": "en"}
    folder, private = (0o750, 0o640) if shared else (0o700, 0o600)
    old = os.umask(umask)
    try:
        assert CliRunner().invoke(cli, ["init", str(tmp_path / "ws")], env=env).exit_code == 0
        ws = Workspace(tmp_path / "ws", "sqlite", env)
        if shared:
            toml = ws.path / "atip.toml"
            toml.write_text(
                toml.read_text(encoding="utf-8").replace(
                    "# share_with_group = false", "share_with_group = true"
                ),
                encoding="utf-8",
            )
        ref = _new_secret(ws)
        ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted")
        ws.ok("letter", ref, "--out", str(tmp_path / "out" / "letters"))
        ws.ok("publish", ref, "--out", str(tmp_path / "public"))
        ws.ok("backup", str(tmp_path / "copy.sqlite"))
    finally:
        os.umask(old)
    for name, mode in _modes(tmp_path / "out").items():
        assert mode == (folder if name in ("letters",) else private), (name, oct(mode))
    for name, mode in _modes(tmp_path / "ws").items():
        if name == "db":
            assert mode == 0o700 or shared, (name, oct(mode))
        elif not shared:  # shared: init wrote these before the setting was turned on
            assert mode == private, (name, oct(mode))
    assert stat.S_IMODE((tmp_path / "copy.sqlite").stat().st_mode) == private
    published = _modes(tmp_path / "public")
    assert published and set(published.values()) == {0o644}  # the published copy alone
    if not shared:
        assert stat.S_IMODE((tmp_path / "ws").stat().st_mode) == 0o700


# --------------------------------------------------------------------------- messages


def test_a_refused_duplicate_does_not_repeat_the_requester(ws: Workspace) -> None:
    _new_secret(ws, "--ref", "18159")
    before = ws.snapshot()
    result = ws.run(
        "request", "new", "--ref", "18159", "--received", "2024-05-17", "--requester", NAME,
        "--email", EMAIL, "--address", ADDRESS, "--subject", "s",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == "atip: reference '18159' already exists\n"
    assert _leaks(result.output) == []
    assert ws.snapshot() == before


def test_a_bad_email_is_refused_without_repeating_it(ws: Workspace) -> None:
    ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    before = ws.snapshot()
    for bad in ("gisele.secret at courriel.example", "gisele.secret@", f"{NAME} <{EMAIL}"):
        result = ws.run(
            "request", "new", "--received", "2024-05-17", "--requester", NAME, "--email", bad,
            "--subject", "s",
        )  # fmt: skip
        assert result.exit_code == 2, bad
        assert result.stderr.startswith("atip: ") and result.stderr.count("\n") == 1
        assert "email" in result.stderr
        assert _leaks(result.output) == [], bad
    assert ws.snapshot() == before


def test_a_bad_name_or_address_is_refused_without_repeating_it(ws: Workspace) -> None:
    for option, value in (("--requester", f"{NAME}\x07"), ("--address", f"{ADDRESS}\x1b[31m")):
        args = {"--requester": NAME, "--address": ADDRESS, option: value}
        result = ws.run(
            "request", "new", "--received", "2024-05-17", "--subject", "s",
            *[item for pair in args.items() for item in pair],
        )  # fmt: skip
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and "control characters" in result.stderr
        assert _leaks(result.output) == []


def test_a_refused_import_does_not_repeat_the_requester(ws: Workspace, tmp_path: Path) -> None:
    _new_secret(ws, "--ref", "500")
    before = ws.snapshot()
    cases = {
        "duplicate.csv": f"ref,received,requester,email,subject\n500,2024-05-17,{NAME},{EMAIL},s\n",
        "email.csv": f"received,requester,email,subject\n2024-05-17,{NAME},{NAME},s\n",
        "twice.csv": (
            f"ref,received,requester,email,subject\n700,2024-05-17,{NAME},{EMAIL},s\n"
            f"700,2024-05-18,{NAME},{EMAIL},t\n"
        ),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = ws.run("request", "import", str(path))
        assert result.exit_code in (1, 2), name
        assert result.stderr.count("\n") == 1, result.stderr
        assert _leaks(result.output) == [], (name, result.stderr)
    assert ws.snapshot() == before


# --------------------------------------------------------------------------- the journal


def test_the_journal_never_holds_personal_information(ws: Workspace, tmp_path: Path) -> None:
    ref = _new_secret(ws)
    ws.ok("request", "clarify", ref, "--on", "2024-05-20")
    ws.ok("request", "extend", ref, "--on", "2024-06-01")
    ws.ok("request", "decide", ref, "--on", "2024-06-20", "--outcome", "granted")
    register = tmp_path / "register.csv"
    register.write_text(
        "received,requester,address,email,subject\n"
        f'2024-05-17,{NAME},"{STORED_ADDRESS}",{EMAIL},s\n',
        encoding="utf-8",
    )
    ws.ok("request", "import", str(register))
    ws.ok("purge", "--before", "2024-12-31")
    events = _rows(ws, "SELECT actor, action, field, old, new FROM events")
    assert {row[1] for row in events} >= {"created", "clarified", "extended", "decided", "purged"}
    assert [row for row in events if _leaks(repr(row))] == []
    journal = ws.ok("request", "show", ref, "--journal")
    assert _leaks(journal) == []
    listed = ws.ok("request", "list", "--json") + ws.ok("request", "list", "--csv")
    assert _leaks(listed) == []


def test_the_requester_is_shown_to_the_clerk(ws: Workspace) -> None:
    """Control for the leak checks: `request show --json` is where the clerk sees the data."""
    ref = _new_secret(ws)
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    assert view["requester"] == {
        "name": NAME,
        "address": STORED_ADDRESS,
        "email": EMAIL,
        "courtesy": None,
    }


# --------------------------------------------------------------------------- purge

# Review deadlines below are computed by hand: decision date + 30 days (a. 135), moved off a
# jour férié (Loi d'interprétation, a. 52 and 61).
CLOSED = ("2023-01-10", "2023-02-09")  # decided; review deadline Thursday 9 February 2023
LATE_DECISION = ("2023-11-20", "2023-12-20")  # review deadline Wednesday 20 December 2023


def _purge_register(ws: Workspace) -> None:
    """100 open; 101 closed; 102 under review; 103 never decided; 104 closed in Dec. 2023."""
    _new_secret(ws, "--ref", "100")
    ws.new(
        "--ref", "101", "--received", "2022-12-15", "--requester", "Closed Two", "--subject", "s"
    )
    ws.ok("request", "decide", "101", "--on", CLOSED[0], "--outcome", "partial", "--articles", "53")
    ws.new("--ref", "102", "--received", "2022-12-15", "--requester", "Under Review",
           "--subject", "s")  # fmt: skip
    ws.ok("request", "decide", "102", "--on", CLOSED[0], "--outcome", "refused", "--articles", "54")
    ws.ok("request", "review", "102", "--filed", "2023-02-01")
    ws.new("--ref", "103", "--received", "2022-12-15", "--requester", "Never Decided",
           "--subject", "s")  # fmt: skip
    ws.new("--ref", "104", "--received", "2023-11-01", "--requester", "Edge Case",
           "--email", "edge@example.org", "--subject", "s")  # fmt: skip
    ws.ok("request", "decide", "104", "--on", LATE_DECISION[0], "--outcome", "granted")


def _requesters(ws: Workspace) -> dict[str, tuple]:
    return {
        ref: (name, address, email)
        for ref, name, address, email in _rows(
            ws,
            "SELECT r.reference, q.name, q.address, q.email FROM requests r "
            "JOIN requesters q ON q.request_id = r.id",
        )
    }


STATISTICS = (
    "SELECT reference, kind, subject, channel, clerk, accommodation, received_on, clarified_on, "
    "extended_on, decided_on, outcome, review_filed_on, response_due, extended_due, "
    "decision_due, review_deadline FROM requests ORDER BY reference"
)


def test_purge_blanks_only_requests_whose_review_deadline_passed(ws: Workspace) -> None:
    _purge_register(ws)
    statistics = _rows(ws, STATISTICS)
    decisions = _rows(ws, "SELECT * FROM decisions ORDER BY request_id")
    # The review deadline of 104 is 20 December 2023: not passed "before" that day.
    assert ws.ok("purge", "--before", LATE_DECISION[1]) == (
        "purged the personal information of 1 request(s)\n"
    )
    people = _requesters(ws)
    assert people["101"] == (None, None, None)
    assert people["100"] == (NAME, STORED_ADDRESS, EMAIL)  # open: never purged
    assert people["102"][0] == "Under Review"  # a review is pending
    assert people["103"][0] == "Never Decided"
    assert people["104"] == ("Edge Case", None, "edge@example.org")
    # The day after, 104 goes too; statistics and decisions are untouched.
    assert ws.ok("purge", "--before", "2023-12-21") == (
        "purged the personal information of 1 request(s)\n"
    )
    assert _requesters(ws)["104"] == (None, None, None)
    assert _rows(ws, STATISTICS) == statistics
    assert _rows(ws, "SELECT * FROM decisions ORDER BY request_id") == decisions
    purged = _rows(ws, "SELECT reference, purged_on FROM requests WHERE purged_on IS NOT NULL")
    assert sorted(ref for ref, _ in purged) == ["101", "104"]
    events = _rows(
        ws,
        "SELECT r.reference, e.actor, e.field, e.old, e.new FROM events e "
        "JOIN requests r ON r.id = e.request_id WHERE e.action = 'purged' ORDER BY e.id",
    )
    assert events == [
        ("101", "clerk-test", "requester", "(personal information)", None),
        ("104", "clerk-test", "requester", "(personal information)", None),
    ]
    view = json.loads(ws.ok("request", "show", "101", "--json"))
    assert view["requester"] == {"name": None, "address": None, "email": None, "courtesy": None}
    assert view["outcome"] == "partial" and view["articles"] == ["53"]


def test_purge_takes_the_name_out_of_the_requests_own_text(ws: Workspace, tmp_path: Path) -> None:
    """The subject, the clerk's paragraphs and the annexes may name the requester too."""
    ref = ws.new("--received", "2023-01-02", "--requester", NAME, "--email", EMAIL,
                 "--subject", f"le dossier de {NAME} et les contrats de 2022")  # fmt: skip
    table = tmp_path / "t.csv"
    table.write_text(f"Contrat,Montant,Suivi\nEntretien,4200,Mme Tremblay\nVoirie,1800,{EMAIL}\n",
                     encoding="utf-8")  # fmt: skip
    ws.ok("annex", "add", ref, "--title", "Contrats suivis pour Mme Confidentielle-Tremblay",
          "--table", str(table))  # fmt: skip
    body = tmp_path / "body.txt"
    body.write_text("Mme Tremblay a précisé sa demande par téléphone.\n", encoding="utf-8")
    ws.ok("request", "decide", ref, "--on", "2023-01-20", "--outcome", "granted",
          "--body", str(body))  # fmt: skip
    other = ws.new("--received", "2024-05-17", "--requester", "Paul Tremblay",
                   "--subject", "le dossier de Paul Tremblay")  # fmt: skip

    ws.ok("purge", "--before", "2023-12-31")

    everything = repr(
        [_rows(ws, f"SELECT * FROM {table}") for table in ("requests", "decisions", "annexes",
                                                         "events", "requesters")]
    )  # fmt: skip
    for trace in ("Tremblay", "Confidentielle", "Gisèle", "gisele.secret"):
        assert trace not in everything.replace("Paul Tremblay", "")
    shown = json.loads(ws.ok("request", "show", ref, "--json"))
    assert shown["subject"] == "le dossier de [renseignement retiré] et les contrats de 2022"
    annexes = ws.ok("annex", "list", ref)
    assert "Contrats suivis pour Mme [renseignement retiré]" in annexes
    # The rest is kept, and another requester's text is not touched.
    assert "Entretien" in everything and "4200" in everything
    assert "par téléphone" in everything
    assert json.loads(ws.ok("request", "show", other, "--json"))["subject"] == (
        "le dossier de Paul Tremblay"
    )


def test_purge_is_idempotent(ws: Workspace) -> None:
    _purge_register(ws)
    assert ws.ok("purge", "--before", "2024-06-01") == (
        "purged the personal information of 2 request(s)\n"
    )
    before = ws.snapshot()
    assert ws.ok("purge", "--before", "2024-06-01") == (
        "purged the personal information of 0 request(s)\n"
    )
    assert ws.snapshot() == before


def test_purge_keeps_the_annual_statistics(ws: Workspace) -> None:
    pytest.importorskip("atip.cli.report", reason="the annual report is not in this tree yet")
    _purge_register(ws)
    before = json.loads(ws.ok("report", "annual", "--fiscal-year", "2022-2023", "--format", "json"))
    ws.ok("purge", "--before", "2024-06-01")
    after = json.loads(ws.ok("report", "annual", "--fiscal-year", "2022-2023", "--format", "json"))
    assert after == before


def test_purge_refuses_a_date_after_today(ws: Workspace) -> None:
    _purge_register(ws)
    before = ws.snapshot()
    result = ws.run("purge", "--before", "2099-01-01")
    assert result.exit_code == 1
    assert result.stderr.startswith("atip: --before 2099-01-01 is after today")
    assert ws.snapshot() == before


def test_purge_of_a_large_register_in_one_go(ws: Workspace, tmp_path: Path) -> None:
    """More requests than one IN (...) list holds: every one purged, each with its event."""
    register = tmp_path / "register.csv"
    lines = ["ref,received,requester,email,subject,decided_on,outcome"]
    lines += [
        f"P{n},2022-01-10,Person {n},p{n}@example.org,s,2022-01-20,granted" for n in range(1234)
    ]
    lines.append("OPEN,2022-01-10,Still Open,open@example.org,s,,")
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws.ok("request", "import", str(register))
    assert ws.ok("purge", "--before", "2023-01-01") == (
        "purged the personal information of 1234 request(s)\n"
    )
    assert _rows(ws, "SELECT count(*) FROM requesters WHERE name IS NOT NULL") == [(1,)]
    assert _rows(ws, "SELECT count(*) FROM requesters WHERE email IS NOT NULL") == [(1,)]
    assert _rows(ws, "SELECT count(*) FROM events WHERE action = 'purged'") == [(1234,)]
    assert _rows(ws, "SELECT count(*) FROM requests WHERE purged_on IS NULL") == [(1,)]


# --------------------------------------------------------------------------- raw files

# How a letter, a clerk or a determined reader may write the requester and the third party.
IDENTITY_TEXT = (
    "Demande de Gisèle Confidentielle-Tremblay (mme confidentielle-tremblay, CONFIDENTIELLE, "
    "Confidentielle, confidentiélle, Mme Tremblay, G. C.-T., gisele.secret, "
    "GISELE.SECRET@COURRIEL.EXAMPLE, g1r9z9) ; tiers : M. Wu, Rémi Wu, remi wu, R. W."
)
VARIANTS = (
    "Gisèle", "Gisele", "GISELE", "gisèle", "Confidentielle", "confidentielle", "CONFIDENTIELLE",
    "confidentiélle", "Tremblay", "tremblay", "TREMBLAY", "gisele.secret", "GISELE.SECRET",
    "rue des Secrets", "RUE DES SECRETS", "G1R 9Z9", "G1R9Z9", "g1r9z9", "Wu", "WU", "Rémi",
    "remi", "REMI", "G. C.", "C.-T.", "R. W.", "Quai Privé", "quai prive", "remi.wu",
)  # fmt: skip


def _hits(data: bytes) -> list[str]:
    """The variants found in raw bytes, as UTF-8 (and as UTF-16, as a PDF may hold text)."""
    found = []
    for variant in VARIANTS:
        for encoded in (variant.encode("utf-8"), variant.encode("utf-16-be")):
            if encoded in data:
                found.append(variant)
                break
    # A two-letter surname is everywhere in binary data: only in a word.
    return [v for v in found if len(v) > 2 or re.search(rb"\b" + v.encode() + rb"\b", data)]


def _published_text(folder: Path) -> str:
    import zipfile

    from pypdf import PdfReader

    texts = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                texts += [archive.read(n).decode("utf-8") for n in archive.namelist()]
        elif path.suffix == ".pdf":
            texts += [page.extract_text() for page in PdfReader(path).pages]
            texts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(texts)


def _secret_request(ws: Workspace, tmp_path: Path, received: str, decided: str) -> str:
    ref = ws.new(
        "--received", received, "--requester", NAME, "--address", ADDRESS, "--email", EMAIL,
        "--subject", IDENTITY_TEXT,
    )  # fmt: skip
    ws.ok("request", "third-party", ref, "--notified", received, "--name", "Rémi Wu",
          "--address", "5, quai Privé\\nLévis", "--email", "remi.wu@tiers.example")  # fmt: skip
    body = tmp_path / "body.txt"
    body.write_text(IDENTITY_TEXT + "\n\nAutre paragraphe.\n", encoding="utf-8")
    ws.ok("request", "decide", ref, "--on", decided, "--outcome", "granted", "--body", str(body))
    return ref


def test_the_published_copy_holds_no_variant_of_anyone_s_identity(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ref = _secret_request(sqlite_ws, tmp_path, "2024-05-17", "2024-06-20")
    out = tmp_path / "public"
    sqlite_ws.ok("publish", ref, "--out", str(out))
    text_ = _published_text(out)
    assert "Autre paragraphe" in text_.replace("\n", " ")  # the text is there, readable
    # The text holds the PDF's raw bytes too: a two-letter surname counts only as a word there
    # ("Wu" turns up in compressed streams), as in _hits.
    found = [v for v in VARIANTS if v in text_]
    assert [v for v in found if len(v) > 2 or re.search(rf"\b{v}\b", text_)] == []
    assert _hits(text_.encode("utf-8")) == []


def test_after_a_purge_no_raw_file_of_the_database_holds_the_identity(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ref = _secret_request(sqlite_ws, tmp_path, "2022-12-15", "2023-01-05")
    db_dir = sqlite_ws.path / "db"
    other = sqlite3.connect(db_dir / "atip.sqlite")  # another clerk's connection stays open
    other.execute("SELECT count(*) FROM requests").fetchone()
    try:
        raw = b"".join(p.read_bytes() for p in db_dir.iterdir() if p.is_file())
        assert "Confidentielle" in _hits(raw)  # the test can see a name when there is one
        sqlite_ws.ok("purge", "--before", "2024-01-01")
        files = {p.name: p.read_bytes() for p in db_dir.iterdir() if p.is_file()}
    finally:
        other.close()
    assert "atip.sqlite" in files
    for name, data in files.items():
        assert _hits(data) == [], name
    shown = json.loads(sqlite_ws.ok("request", "show", ref, "--json"))
    assert "[renseignement retiré]" in shown["subject"]
