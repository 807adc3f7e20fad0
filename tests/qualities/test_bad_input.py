"""Bad input across every command: one specific line on stderr, exit 1 or 2, nothing changed.

The table is written from the contract (SPEC §3: "Errors are one line on stderr … no traceback;
the database and the output folder stay exactly as they were") and from the law's order of
events (A-2.1, a. 42, 47, 135). The register used holds request 1 (open, received Friday
17 May 2024, due Thursday 6 June 2024) and request 2 (decided on 30 May 2024).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from atip.register.db import HEAD
from tests.conftest import BACKENDS, Workspace, _workspace

NEW = ("request", "new", "--requester", "R", "--subject", "s")


@dataclass(frozen=True)
class Case:
    """A bad command line; `files` are written to the case's folder first ({dir} in args)."""

    id: str
    args: tuple[str, ...]
    code: int  # 1 refused (a rule of the law or of the record), 2 bad input
    says: str  # a fragment the one-line message must contain (lower case)
    files: dict[str, bytes] = field(default_factory=dict)


def _csv(text_: str) -> dict[str, bytes]:
    return {"register.csv": text_.encode("utf-8")}


IMPORT = ("request", "import", "{dir}/register.csv")
HEADER = "received,requester,subject\n"

CASES = [
    # Dates (SPEC §3: an incomplete or impossible date is an error, never a guess)
    Case("date-30-feb", (*NEW, "--received", "2024-02-30"), 2, "2024-02-30"),
    Case("date-31-april-day-first", (*NEW, "--received", "31/04/2024"), 2, "31/04/2024"),
    Case("date-month-first", (*NEW, "--received", "05/17/2024"), 2, "05/17/2024"),
    Case("date-month-only", (*NEW, "--received", "mai 2024"), 2, "mai 2024"),
    Case("date-year-month", (*NEW, "--received", "2024-05"), 2, "2024-05"),
    Case("date-32-mai", (*NEW, "--received", "32 mai 2024"), 2, "32 mai 2024"),
    Case("date-unknown-month", (*NEW, "--received", "17 maiz 2024"), 2, "17 maiz 2024"),
    Case("date-empty", (*NEW, "--received", ""), 2, "received"),
    Case("date-as-of", ("request", "list", "--as-of", "demain"), 2, "demain"),
    Case("date-purge", ("purge", "--before", "2024-13-01"), 2, "2024-13-01"),
    # Order of events
    Case("clarified-before-received",
         (*NEW, "--received", "2024-05-17", "--clarified", "2024-05-10"), 1, "2024-05-10"),
    Case("clarify-before-received", ("request", "clarify", "1", "--on", "2024-05-01"), 1,
         "2024-05-01"),
    Case("decide-before-received",
         ("request", "decide", "1", "--on", "2024-05-01", "--outcome", "granted"), 1,
         "2024-05-01"),
    Case("extend-too-late", ("request", "extend", "1", "--on", "2024-06-07"), 1, "2024-06-07"),
    Case("extend-before-start", ("request", "extend", "1", "--on", "2024-05-10"), 1,
         "2024-05-10"),
    Case("decide-twice", ("request", "decide", "2", "--on", "2024-06-01", "--outcome", "refused"),
         1, "decided"),
    Case("clarify-decided", ("request", "clarify", "2", "--on", "2024-06-01"), 1, "decided"),
    Case("review-before-decision", ("request", "review", "2", "--filed", "2024-05-20"), 1,
         "2024-05-20"),
    Case("review-not-due", ("request", "review", "1", "--filed", "2024-05-20"), 1, "2024-06-06"),
    Case("observations-before-notice",
         ("request", "third-party", "1", "--notified", "2024-05-20", "--observations",
          "2024-05-18"), 1, "2024-05-18"),
    # References (they become file names: no path characters)
    Case("unknown-reference", ("request", "show", "999"), 1, "999"),
    Case("duplicate-reference", (*NEW, "--received", "2024-05-17", "--ref", "1"), 1,
         "already exists"),
    Case("reference-dot-dot", (*NEW, "--received", "2024-05-17", "--ref", "../x"), 2, "../x"),
    Case("reference-slash", (*NEW, "--received", "2024-05-17", "--ref", "a/b"), 2, "a/b"),
    Case("reference-backslash", (*NEW, "--received", "2024-05-17", "--ref", "a\\b"), 2,
         "reference"),
    Case("reference-too-long", (*NEW, "--received", "2024-05-17", "--ref", "9" * 65), 2,
         "reference"),
    Case("show-dot-dot", ("request", "show", "../1"), 1, "../1"),
    Case("letter-path-reference", ("letter", "../../etc/passwd", "--out", "{dir}/out"), 1,
         "../../etc/passwd"),
    # Other options
    Case("kind", (*NEW, "--received", "2024-05-17", "--kind", "other"), 2, "other"),
    Case("empty-requester",
         ("request", "new", "--received", "2024-05-17", "--requester", " ", "--subject", "s"), 2,
         "requester"),
    Case("control-characters", (*NEW[:-2], "--subject", "a\x00b", "--received", "2024-05-17"), 2,
         "control characters"),
    Case("outcome", ("request", "decide", "1", "--on", "2024-05-30", "--outcome", "maybe"), 2,
         "maybe"),
    Case("due-within-negative", ("request", "list", "--due-within", "-3"), 2, "-3"),
    Case("json-and-csv", ("request", "list", "--json", "--csv"), 2, "--json"),
    # Article numbers
    Case("article-letters",
         ("request", "decide", "1", "--on", "2024-05-30", "--outcome", "refused", "--articles",
          "53,abc"), 2, "abc"),
    Case("article-unknown",
         ("request", "decide", "1", "--on", "2024-05-30", "--outcome", "refused", "--articles",
          "999"), 1, "999"),
    Case("articles-show-unknown", ("articles", "show", "999"), 1, "999"),
    Case("link", ("request", "decide", "1", "--on", "2024-05-30", "--outcome", "partial",
                  "--link", "javascript:alert(1)"), 2, "javascript:alert(1)"),
    # Register files for `request import` (all or nothing)
    Case("import-ragged", IMPORT, 2, "line 3",
         _csv(HEADER + "2024-05-17,A,s\n2024-05-18,B,s,extra\n")),
    Case("import-utf16-without-bom", IMPORT, 2, "register.csv",
         {"register.csv": (HEADER + "2024-05-17,Zoé,s\n").encode("utf-16-le")}),
    Case("import-neither-utf8-nor-cp1252", IMPORT, 2, "register.csv",
         {"register.csv": HEADER.encode() + b"2024-05-17,Zo\x81\x8d,s\n"}),
    Case("import-binary", IMPORT, 2, "register.csv",
         {"register.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" * 20}),
    Case("import-empty", IMPORT, 2, "register.csv", {"register.csv": b""}),
    Case("import-header-only", IMPORT, 2, "rows", _csv(HEADER)),
    Case("import-huge-cell", IMPORT, 2, "register.csv",
         _csv(HEADER + "2024-05-17,A," + "x" * 2_000_000 + "\n")),
    Case("import-unknown-column", IMPORT, 2, "colour",
         _csv("received,requester,subject,colour\n2024-05-17,A,s,red\n")),
    Case("import-missing-column", IMPORT, 2, "subject", _csv("received,requester\n2024-05-17,A\n")),
    Case("import-bad-date", IMPORT, 2, "line 3",
         _csv(HEADER + "2024-05-17,A,s\n2024-02-30,B,s\n")),
    Case("import-order", IMPORT, 1, "line 2",
         _csv("received,requester,subject,decided_on\n2024-05-17,A,s,2024-05-01\n")),
    Case("import-duplicate-in-file", IMPORT, 1, "line 3",
         _csv("ref,received,requester,subject\nX1,2024-05-17,A,s\nX1,2024-05-18,B,s\n")),
    Case("import-existing-reference", IMPORT, 1, "'2'",
         _csv("ref,received,requester,subject\n2,2024-05-17,A,s\n")),
    Case("import-path-reference", IMPORT, 2, "../x",
         _csv("ref,received,requester,subject\n../x,2024-05-17,A,s\n")),
    Case("import-article", IMPORT, 2, "abc",
         _csv("received,requester,subject,decided_on,outcome,articles\n"
              "2024-05-17,A,s,2024-05-30,refused,abc\n")),
    Case("import-fake-xlsx", ("request", "import", "{dir}/register.xlsx"), 2, "register.xlsx",
         {"register.xlsx": b"PK\x03\x04 this is not a workbook"}),
    # Output that cannot be written
    Case("ics-out-is-a-file",
         ("report", "deadlines", "--format", "ics", "--out", "{dir}/taken/x.ics"), 1, "taken",
         {"taken": b"a file where a folder is expected"}),
    Case("letter-out-is-a-file", ("letter", "2", "--out", "{dir}/taken"), 2, "taken",
         {"taken": b"a file where a folder is expected"}),
]  # fmt: skip


def _url(ws: Workspace) -> str:
    return ws.env.get("ATIP_DATABASE_URL") or f"sqlite:///{ws.path / 'db' / 'atip.sqlite'}"


@pytest.fixture(scope="module", params=BACKENDS)
def register(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    """One register per backend for the whole table: each case must leave it unchanged."""
    for ws in _workspace(request.param, tmp_path_factory.mktemp(request.param)):
        ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
        ws.new("--received", "2024-05-17", "--requester", "B", "--subject", "s")
        ws.ok("request", "decide", "2", "--on", "2024-05-30", "--outcome", "granted")
        yield ws


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    register: Workspace, case: Case, tmp_path: Path
) -> None:
    for name, content in case.files.items():
        (tmp_path / name).write_bytes(content)
    args = [a.replace("{dir}", str(tmp_path)) for a in case.args]
    before = register.snapshot()
    files_before = sorted(p.name for p in tmp_path.iterdir())
    result = register.run(*args)
    assert result.exit_code == case.code, (result.exit_code, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("atip: "), result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert case.says.lower() in result.stderr.lower(), result.stderr
    assert register.snapshot() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before


def test_the_table_covers_at_least_thirty_bad_inputs() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


# --------------------------------------------------------------------------- accepted literally

MARKUP = [
    "{{ requester.name }}",
    "{% for x in range(10**9) %}x{% endfor %}",
    "{{7*7}} <b>gras</b> & «guillemets» ${HOME} %s {0}",
]


def test_template_markup_in_names_is_stored_and_shown_literally(
    register: Workspace, tmp_path: Path
) -> None:
    for text_ in MARKUP:
        ref = register.new(
            "--received", "2024-05-17", "--requester", text_, "--subject", text_,
            "--address", text_,
        )  # fmt: skip
        shown = register.ok("request", "show", ref, "--json")
        assert text_.replace('"', '\\"') in shown
        engine = create_engine(_url(register))
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT q.name, r.subject FROM requests r JOIN requesters q "
                    "ON q.request_id = r.id WHERE r.reference = :r"
                ),
                {"r": ref},
            ).one()
        engine.dispose()
        assert tuple(row) == (text_, text_)


def test_template_markup_in_an_imported_register_is_kept_literally(
    register: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        'ref,received,requester,subject\nM1,2024-05-17,"{{ 7*7 }}","{% raw %}x"\n',
        encoding="utf-8",
    )
    assert register.ok("request", "import", str(path)).startswith("imported 1 ")
    shown = register.ok("request", "show", "M1", "--json")
    assert '"name": "{{ 7*7 }}"' in shown
    assert '"subject": "{% raw %}x"' in shown


def test_template_markup_in_a_name_comes_out_literally_in_the_letter(
    register: Workspace, tmp_path: Path
) -> None:
    ref = register.new(
        "--received", "2024-05-17", "--requester", "{{ 7*7 }} {% if 1 %}Oui{% endif %}",
        "--subject", "les documents {{ settings }}",
    )  # fmt: skip
    out = tmp_path / "letters"
    register.ok("letter", ref, "--kind", "acknowledgement", "--format", "docx", "--out", str(out))
    from docx import Document

    body = "\n".join(p.text for p in Document(str(out / f"{ref}_acknowledgement.docx")).paragraphs)
    assert "{{ 7*7 }} {% if 1 %}Oui{% endif %}" in body
    assert "les documents {{ settings }}" in body
    assert "49" not in body.split("N/Réf.")[0]


# --------------------------------------------------------------------------- the environment


def test_a_database_from_a_newer_atip_is_refused_untouched(ws: Workspace) -> None:
    ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    engine = create_engine(_url(ws))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    before = ws.snapshot()
    for args in (
        ("request", "show", "1"),
        ("request", "new", "--received", "2024-05-17", "--requester", "B", "--subject", "s"),
        ("request", "list", "--json"),
        ("purge", "--before", "2024-01-01"),
        ("init", str(ws.path)),
    ):
        result = ws.run(*args)
        assert result.exit_code == 1, (args, result.stderr)
        assert result.stderr == (
            "atip: the database schema is at revision 9999, newer than this atip knows "
            f"(latest {HEAD}): upgrade atip\n"
        ), args
        assert ws.snapshot() == before


def test_no_workspace_and_a_broken_settings_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from atip.cli import cli

    env = {"ATIP_WORKSPACE": "", "ATIP_DATABASE_URL": ""}
    runner = CliRunner()
    result = runner.invoke(cli, ["--workspace", str(tmp_path), "request", "list"], env=env)
    assert result.exit_code == 2
    assert result.stderr == f"atip: no atip.toml in {tmp_path}: run `atip init {tmp_path}` first\n"
    (tmp_path / "atip.toml").write_text("[organisation\nname = 'x'\n", encoding="utf-8")
    result = runner.invoke(cli, ["--workspace", str(tmp_path), "request", "list"], env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"atip: {tmp_path / 'atip.toml'}: invalid TOML")
    assert result.stderr.count("\n") == 1


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """A folder nobody can write to, root included (chattr +i when run as root)."""
    folder.chmod(0o555)
    immutable = False
    if os.geteuid() == 0 and shutil.which("chattr"):
        immutable = (
            subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        )
    try:
        probe = folder / ".probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("cannot make a read-only folder here")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


READ_ONLY_OUTPUTS: list[tuple[str, Callable[[Path], tuple[str, ...]]]] = [
    ("ics", lambda d: ("report", "deadlines", "--format", "ics", "--out", str(d / "due.ics"))),
    ("letter", lambda d: ("letter", "2", "--out", str(d))),
    ("letter-subfolder", lambda d: ("letter", "2", "--out", str(d / "new"))),
    ("backup", lambda d: ("backup", str(d / "copy.sqlite"))),
]


@pytest.mark.parametrize("what, args", READ_ONLY_OUTPUTS, ids=[w for w, _ in READ_ONLY_OUTPUTS])
def test_a_read_only_output_folder_is_refused(
    sqlite_ws: Workspace, tmp_path: Path, what: str, args: Callable[[Path], tuple[str, ...]]
) -> None:
    sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    sqlite_ws.new("--received", "2024-05-17", "--requester", "B", "--subject", "s")
    sqlite_ws.ok("request", "decide", "2", "--on", "2024-05-30", "--outcome", "granted")
    folder = tmp_path / "locked"
    folder.mkdir()
    before = sqlite_ws.snapshot()
    with read_only(folder):
        result = sqlite_ws.run(*args(folder))
    assert result.exit_code == 1, (what, result.stderr)
    assert result.stderr.startswith("atip: ") and result.stderr.count("\n") == 1, result.stderr
    assert str(folder) in result.stderr
    assert "Traceback" not in result.output
    assert list(folder.iterdir()) == []
    assert sqlite_ws.snapshot() == before
