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

from atip.register.sql import HEAD
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
    line: str | None = None  # the exact message after "atip: " ({dir} filled in), when given
    env: dict[str, str] = field(default_factory=dict)


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
    Case("import-path-reference", IMPORT, 2, "line 2: column ref",
         _csv("ref,received,requester,subject\n../x,2024-05-17,A,s\n")),
    Case("import-article", IMPORT, 2, "column articles",
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


def _xlsx(*rows: tuple[str, ...]) -> dict[str, bytes]:
    """A workbook of these rows, as `register.xlsx`. openpyxl cuts a cell at 32,767
    characters when it writes one: a longer cell is written as ESCAPEMARK, then put in."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(["ESCAPEMARK" if len(cell) > 32_767 else cell for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename).replace(b"ESCAPEMARK", b"x" * 32_768)
            target.writestr(item, data)
    return {"register.xlsx": out.getvalue()}


XLSX_IMPORT = ("request", "import", "{dir}/register.xlsx")
NEW_AT = (*NEW[:-4], "--received", "2024-05-17")  # request new without requester and subject
ANNEX_TEXT = ("annex", "add", "1", "--text", "{dir}/t.txt")
TEXT = {"t.txt": b"Un paragraphe.\n"}
DECIDE = ("request", "decide", "1", "--on", "2024-05-30", "--outcome", "granted")
POLICY = "the requester's name"

# Issue 15: one input policy for every text field, whatever its path; errors that never repeat
# a cell's content; nothing created by a refused command.
POLICY_CASES = [
    # The command line: control characters, bidi overrides, line breaks, lengths
    Case("name-esc", (*NEW_AT, "--requester", "A\x1b]0;pwned\x07", "--subject", "s"), 2, "",
         line=f"{POLICY} contains control characters (U+001B)"),
    Case("name-bel", (*NEW_AT, "--requester", "A\x07", "--subject", "s"), 2, "",
         line=f"{POLICY} contains control characters (U+0007)"),
    Case("name-del", (*NEW_AT, "--requester", "A\x7fB", "--subject", "s"), 2, "",
         line=f"{POLICY} contains control characters (U+007F)"),
    Case("name-c1", (*NEW_AT, "--requester", "A\x85B", "--subject", "s"), 2, "",
         line=f"{POLICY} contains control characters (U+0085)"),
    Case("name-bidi-override", (*NEW_AT, "--requester", "\u202eetôC", "--subject", "s"), 2, "",
         line=f"{POLICY} contains a bidirectional control character (U+202E)"),
    Case("name-bidi-isolate", (*NEW_AT, "--requester", "A\u2066B", "--subject", "s"), 2, "",
         line=f"{POLICY} contains a bidirectional control character (U+2066)"),
    Case("name-rlm", (*NEW_AT, "--requester", "A\u200fB", "--subject", "s"), 2, "",
         line=f"{POLICY} contains a bidirectional control character (U+200F)"),
    Case("name-newline", (*NEW_AT, "--requester", "A\nB", "--subject", "s"), 2, "",
         line=f"{POLICY} must be on one line"),
    Case("name-line-separator", (*NEW_AT, "--requester", "A\u2028B", "--subject", "s"), 2, "",
         line=f"{POLICY} must be on one line"),
    Case("name-too-long", (*NEW_AT, "--requester", "N" * 301, "--subject", "s"), 2, "",
         line=f"{POLICY} is too long: 301 characters, at most 300"),
    Case("subject-bidi", (*NEW_AT, "--requester", "A", "--subject", "s\u202d"), 2, "",
         line="the subject contains a bidirectional control character (U+202D)"),
    Case("subject-vt", (*NEW_AT, "--requester", "A", "--subject", "a\x0bb"), 2, "",
         line="the subject contains control characters (U+000B)"),
    Case("subject-too-long", (*NEW_AT, "--requester", "A", "--subject", "s" * 4001), 2, "",
         line="the subject is too long: 4001 characters, at most 4000"),
    Case("address-esc", (*NEW_AT, "--requester", "A", "--subject", "s", "--address", "1 rue\x1b[2J"),
         2, "", line="the address contains control characters (U+001B)"),
    Case("address-too-long", (*NEW_AT, "--requester", "A", "--subject", "s", "--address",
                              "a" * 1001), 2, "",
         line="the address is too long: 1001 characters, at most 1000"),
    Case("email-bidi", (*NEW_AT, "--requester", "A", "--subject", "s", "--email",
                        "a\u202e@example.org"), 2, "",
         line="invalid email address: expected the form name@domain.tld"),
    Case("email-too-long", (*NEW_AT, "--requester", "A", "--subject", "s", "--email",
                            "a" * 250 + "@example.org"), 2, "",
         line="the email address is too long: 262 characters, at most 254"),
    Case("channel-too-long", (*NEW_AT, "--requester", "A", "--subject", "s", "--channel",
                              "c" * 33), 2, "",
         line="the channel is too long: 33 characters, at most 32"),
    Case("clerk-too-long", (*NEW_AT, "--requester", "A", "--subject", "s", "--clerk", "c" * 129),
         2, "", line="the clerk is too long: 129 characters, at most 128"),
    Case("courtesy-esc", (*NEW_AT, "--requester", "A", "--subject", "s", "--courtesy", "M\x1b"),
         2, "", line="the courtesy title contains control characters (U+001B)"),
    Case("actor-too-long", (*NEW_AT, "--requester", "A", "--subject", "s"), 2, "",
         line="ATIP_USER is too long: 129 characters, at most 128", env={"ATIP_USER": "u" * 129}),
    Case("actor-control", (*NEW_AT, "--requester", "A", "--subject", "s"), 2, "",
         line="ATIP_USER contains control characters (U+001B)", env={"ATIP_USER": "u\x1b"}),
    Case("third-party-name-esc", ("request", "third-party", "1", "--notified", "2024-05-20",
                                  "--name", "T\x1b]2;x\x07"), 2, "",
         line="the third party's name contains control characters (U+001B)"),
    Case("third-party-name-bidi", ("request", "third-party", "1", "--notified", "2024-05-20",
                                   "--name", "T\u202e"), 2, "",
         line="the third party's name contains a bidirectional control character (U+202E)"),
    Case("referral-body-esc", ("request", "decide", "1", "--on", "2024-05-30", "--outcome",
                               "referred", "--referral-body", "X\x1b"), 2, "",
         line="the competent body contains control characters (U+001B)"),
    # --body: NUL, binary, escapes, bidi, length
    Case("body-nul", (*DECIDE, "--body", "{dir}/body.txt"), 2, "",
         {"body.txt": b"Un paragraphe\x00cach\xc3\xa9.\n"},
         line="the decision's text contains control characters (U+0000)"),
    Case("body-binary", (*DECIDE, "--body", "{dir}/body.txt"), 2, "",
         {"body.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10},
         line="the decision's text contains control characters (U+001A)"),
    Case("body-esc", (*DECIDE, "--body", "{dir}/body.txt"), 2, "",
         {"body.txt": b"Texte \x1b[2J clair.\n"},
         line="the decision's text contains control characters (U+001B)"),
    Case("body-bidi", (*DECIDE, "--body", "{dir}/body.txt"), 2, "",
         {"body.txt": "Texte \u202e inversé.\n".encode()},
         line="the decision's text contains a bidirectional control character (U+202E)"),
    Case("body-too-long", (*DECIDE, "--body", "{dir}/body.txt"), 2, "",
         {"body.txt": b"x" * 100_001},
         line="the decision's text is too long: 100001 characters, at most 100000"),
    # Annexes: title, source, text files, tables
    Case("annex-title-esc", (*ANNEX_TEXT, "--title", "T\x1b]0;pwned\x07"), 2, "", TEXT,
         line="the annex title contains control characters (U+001B)"),
    Case("annex-title-bel", (*ANNEX_TEXT, "--title", "T\x07"), 2, "", TEXT,
         line="the annex title contains control characters (U+0007)"),
    Case("annex-title-newline", (*ANNEX_TEXT, "--title", "T\nU"), 2, "", TEXT,
         line="the annex title must be on one line"),
    Case("annex-title-too-long", (*ANNEX_TEXT, "--title", "T" * 301), 2, "", TEXT,
         line="the annex title is too long: 301 characters, at most 300"),
    Case("annex-source-esc", (*ANNEX_TEXT, "--title", "T", "--source", "S\x1b[2J"), 2, "", TEXT,
         line="the annex source contains control characters (U+001B)"),
    Case("annex-source-bidi", (*ANNEX_TEXT, "--title", "T", "--source", "S\u202e"), 2, "", TEXT,
         line="the annex source contains a bidirectional control character (U+202E)"),
    Case("annex-text-ff", (*ANNEX_TEXT, "--title", "T"), 2, "", {"t.txt": b"Un\n\x0cdeux\n"},
         line="t.txt: line 2 contains control characters (U+000C)"),
    Case("annex-text-bidi", (*ANNEX_TEXT, "--title", "T"), 2, "",
         {"t.txt": "Un\ndeux \u202e\n".encode()},
         line="t.txt: line 2 contains a bidirectional control character (U+202E)"),
    Case("annex-table-vt", ("annex", "add", "1", "--title", "T", "--table", "{dir}/a.csv"), 2, "",
         {"a.csv": b"a,b\n1,x\x0by\n"},
         line="a.csv: line 2, column 2 contains control characters (U+000B)"),
    Case("annex-table-xlsx-esc", ("annex", "add", "1", "--title", "T", "--table",
                                  "{dir}/register.xlsx"), 2, "",
         _xlsx(("a", "b"), ("1", "x\x9b2Jy")),
         line="register.xlsx: row 2, column 2 contains control characters (U+009B)"),
    Case("annex-table-xlsx-long", ("annex", "add", "1", "--title", "T", "--table",
                                   "{dir}/register.xlsx"), 2, "",
         _xlsx(("a", "b"), ("1", "x" * 32_768)),
         line="register.xlsx: row 2, column 2 is too long: 32768 characters, at most 32767"),
    # Imported registers: the same caps in CSV and XLSX; places, never contents
    Case("import-vt", IMPORT, 2, "", _csv(HEADER + "2024-05-17,A,a\x0bb\n"),
         line="register.csv: line 2, column 3 contains control characters (U+000B)"),
    Case("import-ff", IMPORT, 2, "", _csv(HEADER + "2024-05-17,A\x0cB,s\n"),
         line="register.csv: line 2, column 2 contains control characters (U+000C)"),
    Case("import-bidi", IMPORT, 2, "", _csv(HEADER + "2024-05-17,\u202eA,s\n"),
         line="register.csv: line 2, column 2 contains a bidirectional control character "
              "(U+202E)"),
    Case("import-csv-cell-cap", IMPORT, 2, "", _csv(HEADER + "2024-05-17,A," + "x" * 32_768 + "\n"),
         line="register.csv: line 2, column 3 is too long: 32768 characters, at most 32767"),
    Case("import-xlsx-cell-cap", XLSX_IMPORT, 2, "",
         _xlsx(("received", "requester", "subject"), ("2024-05-17", "A", "x" * 32_768)),
         line="register.xlsx: row 2, column 3 is too long: 32768 characters, at most 32767"),
    Case("import-xlsx-bidi", XLSX_IMPORT, 2, "",
         _xlsx(("received", "requester", "subject"), ("2024-05-17", "A\u202eB", "s")),
         line="register.xlsx: row 2, column 2 contains a bidirectional control character "
              "(U+202E)"),
    Case("import-name-too-long", IMPORT, 2, "", _csv(HEADER + "2024-05-17," + "N" * 301 + ",s\n"),
         line="register.csv, line 2: column requester is too long: 301 characters, at most 300"),
    Case("import-name-newline", IMPORT, 2, "", _csv(HEADER + '2024-05-17,"Gisèle\nCôté",s\n'),
         line="register.csv, line 2: column requester must be on one line"),
    Case("import-misaligned-date", IMPORT, 2, "",
         _csv(HEADER + "Gisèle Côté,2024-05-17,s\n"),
         line="register.csv, line 2: column received: not a date (write 2024-05-17, 17/05/2024 "
              "or 17 mai 2024)"),
    Case("import-misaligned-bool", IMPORT, 2, "",
         _csv("received,requester,subject,accommodation\n2024-05-17,A,s,Gisèle Côté\n"),
         line="register.csv, line 2: column accommodation: expected yes or no"),
    Case("import-misaligned-kind", IMPORT, 2, "",
         _csv("received,requester,subject,kind\n2024-05-17,A,s,Gisèle Côté\n"),
         line="register.csv, line 2: column kind: not a request kind: expected documents, "
              "personal, rectification"),
    Case("import-misaligned-outcome", IMPORT, 2, "",
         _csv("received,requester,subject,decided_on,outcome\n"
              "2024-05-17,A,s,2024-05-30,Gisèle Côté\n"),
         line="register.csv, line 2: column outcome: not an outcome: expected granted, partial, "
              "refused, not-held, referred, mixed"),
    Case("import-misaligned-email", IMPORT, 2, "",
         _csv("received,requester,subject,email\n2024-05-17,A,s,Gisèle Côté\n"),
         line="register.csv, line 2: column email: invalid email address: expected the form "
              "name@domain.tld"),
    Case("import-misaligned-ref", IMPORT, 2, "",
         _csv("ref,received,requester,subject\nGisèle Côté,2024-05-17,A,s\n"),
         line="register.csv, line 2: column ref: not a reference: use letters, digits, '.', '_' "
              "or '-' (64 at most)"),
    Case("import-misaligned-articles", IMPORT, 2, "",
         _csv("received,requester,subject,decided_on,outcome,articles\n"
              "2024-05-17,A,s,2024-05-30,refused,Gisèle Côté\n"),
         line="register.csv, line 2: column articles: expected article numbers such as 53,54"),
    # A refused command creates no folder
    Case("init-newline", ("init", "{dir}/new", "--organisation", "A\nB"), 2, "",
         line="--organisation must be on one line"),
    Case("init-bidi", ("init", "{dir}/new/deeper", "--organisation", "A\u202eB"), 2, "",
         line="--organisation contains a bidirectional control character (U+202E)"),
    Case("publish-refused-no-folder", ("publish", "1", "--out", "{dir}/web/site"), 1, "",
         line="request 1 has no decision: record it with `atip request decide`"),
    Case("letter-refused-no-folder", ("letter", "1", "--out", "{dir}/letters/new"), 1, "",
         line="request 1 has no decision: record it with `atip request decide`"),
]  # fmt: skip
CASES += POLICY_CASES


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
    result = register.run(*args, env=case.env)
    assert result.exit_code == case.code, (result.exit_code, result.stderr)
    if case.line is not None:
        assert result.stderr == f"atip: {case.line.replace('{dir}', str(tmp_path))}\n"
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("atip: "), result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert case.says.lower() in result.stderr.lower(), result.stderr
    assert register.snapshot() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before


def test_the_table_covers_at_least_sixty_bad_inputs() -> None:
    assert len(CASES) >= 60
    assert len(POLICY_CASES) >= 40
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


# --------------------------------------------------------------------------- settings (issue 15)

FORMAT_HINT = "write literal letters, digits, '.', '_' or '-' with {seq}, {seq:04d} and {year}"
SETTINGS_CASES = [
    # (id, the line replaced in atip.toml, its replacement, the exact message after the path)
    ("format-attribute", 'format = "{seq}"', 'format = "{seq.__class__.__name__}"',
     "[references] format '{seq.__class__.__name__}': unexpected '{seq.__class' at position "
     f"1; {FORMAT_HINT}"),
    ("format-index", 'format = "{seq}"', 'format = "{seq[0]}"',
     f"[references] format '{{seq[0]}}': unexpected '{{seq[0]}}' at position 1; {FORMAT_HINT}"),
    ("format-positional", 'format = "{seq}"', 'format = "{0}-{seq}"',
     f"[references] format '{{0}}-{{seq}}': unexpected '{{0}}-{{seq}}' at position 1; "
     f"{FORMAT_HINT}"),
    ("format-no-seq", 'format = "{seq}"', 'format = "{year}"',
     f"[references] format '{{year}}': it must contain {{seq}} once; {FORMAT_HINT}"),
    ("format-two-seq", 'format = "{seq}"', 'format = "{seq}-{seq}"',
     f"[references] format '{{seq}}-{{seq}}': it must contain {{seq}} once; {FORMAT_HINT}"),
    ("format-slash", 'format = "{seq}"', 'format = "{year}/{seq}"',
     f"[references] format '{{year}}/{{seq}}': unexpected '/{{seq}}' at position 7; "
     f"{FORMAT_HINT}"),
    ("format-alignment", 'format = "{seq}"', 'format = "{seq:>9}"',
     f"[references] format '{{seq:>9}}': unexpected '{{seq:>9}}' at position 1; {FORMAT_HINT}"),
    ("format-year-width", 'format = "{seq}"', 'format = "{year:02d}{seq}"',
     f"[references] format '{{year:02d}}{{seq}}': {{year}} takes no width; {FORMAT_HINT}"),
    ("format-too-long", 'format = "{seq}"', 'format = "' + "A" * 60 + '{seq}"',
     f"[references] format '{'A' * 60}{{seq}}': its references would be longer than 64 "
     f"characters; {FORMAT_HINT}"),
    ("database-url-number", '# url = "postgresql+psycopg://user@host/dbname"', "url = 5",
     "[database] url must be a str"),
    ("share-with-group-text", "# share_with_group = false", 'share_with_group = "yes"',
     "[files] share_with_group must be a bool"),
    ("saturdays-number", "saturdays_closed = false", "saturdays_closed = 1",
     "[deadlines] saturdays_closed must be a bool"),
]  # fmt: skip


@pytest.mark.parametrize(
    "old, new, says", [c[1:] for c in SETTINGS_CASES], ids=[c[0] for c in SETTINGS_CASES]
)
def test_a_bad_setting_gets_its_own_line_and_changes_nothing(
    sqlite_ws: Workspace, tmp_path: Path, old: str, new: str, says: str
) -> None:
    sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    toml = sqlite_ws.path / "atip.toml"
    text_ = toml.read_text(encoding="utf-8")
    assert old in text_
    toml.write_text(text_.replace(old, new), encoding="utf-8")
    before = sqlite_ws.snapshot()
    for args in (
        ("request", "new", "--received", "2024-05-17", "--requester", "B", "--subject", "s"),
        ("letter", "1", "--kind", "acknowledgement", "--out", str(tmp_path / "out")),
    ):
        result = sqlite_ws.run(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr == f"atip: {toml}: {says}\n"
        assert sqlite_ws.snapshot() == before
        assert not (tmp_path / "out").exists()


def test_the_reference_format_language(sqlite_ws: Workspace) -> None:
    from atip.register.settings import parse_reference_format

    assert parse_reference_format("DA-{year}-{seq:04d}").render(7, 2024) == "DA-2024-0007"
    assert parse_reference_format("{seq}").render(18159, 2024) == "18159"
    toml = sqlite_ws.path / "atip.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('format = "{seq}"', 'format = "{year}.{seq:03d}"'),
        encoding="utf-8",
    )
    assert sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s") == (
        "2024.001"
    )
    assert sqlite_ws.new("--received", "2025-01-07", "--requester", "A", "--subject", "s") == (
        "2025.001"
    )


@pytest.mark.parametrize(
    "content",
    [b"this is not a database, only text " * 200, b"SQLite format 3\x00" + b"\xff" * 4080],
    ids=["text", "damaged-header"],
)
def test_a_corrupt_database_gets_its_own_line(
    sqlite_ws: Workspace, tmp_path: Path, content: bytes
) -> None:
    database = sqlite_ws.path / "db" / "atip.sqlite"
    database.write_bytes(content)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    for args in (
        ("request", "list"),
        ("request", "new", "--received", "2024-05-17", "--requester", "B", "--subject", "s"),
        ("check",),
        ("letter", "--all-due", "--out", str(tmp_path / "out")),
    ):
        result = sqlite_ws.run(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith("atip: the database is damaged or is not an atip database ")
        assert result.stderr.endswith(": restore it from a backup, or check [database] url\n")
        assert result.stderr.count("\n") == 1
        assert database.read_bytes() == content
        assert not (tmp_path / "out").exists()


def test_init_with_a_broken_name_leaves_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from atip.cli import cli

    env = {"ATIP_WORKSPACE": "", "ATIP_DATABASE_URL": "", "ATIP_LANG": "en"}
    for name, line in (
        ("A\nB", "--organisation must be on one line"),
        ("A\x1bB", "--organisation contains control characters (U+001B)"),
        ("O" * 301, "--organisation is too long: 301 characters, at most 300"),
    ):
        result = CliRunner().invoke(cli, ["init", str(tmp_path / "a" / "b"), "--organisation", name],
                                    env=env)  # fmt: skip
        assert result.exit_code == 2
        assert result.stderr == f"atip: {line}\n"
        assert list(tmp_path.iterdir()) == []


def test_init_writes_valid_toml_for_any_accepted_name(tmp_path: Path) -> None:
    import tomllib

    from click.testing import CliRunner

    from atip.cli import cli

    env = {"ATIP_WORKSPACE": "", "ATIP_DATABASE_URL": "", "ATIP_LANG": "en"}
    name = 'Ville de "Saint-Jérôme" \\ {org} # pas un commentaire'
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "ws"), "--organisation", name],
                                env=env)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    written = tomllib.loads((tmp_path / "ws" / "atip.toml").read_text(encoding="utf-8"))
    assert written["organisation"]["name"] == name


def test_a_letter_refused_after_its_folder_was_made_leaves_no_folder(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ref = sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    sqlite_ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted")
    sqlite_ws.ok("letter", ref, "--out", str(tmp_path / "first"))
    body = tmp_path / "body.txt"
    body.write_text("Un autre texte.\n", encoding="utf-8")
    sqlite_ws.ok("request", "decide", ref, "--on", "2024-05-30", "--outcome", "granted",
                 "--revise", "--why", "mediation", "--body", str(body))  # fmt: skip
    before = sqlite_ws.snapshot()
    result = sqlite_ws.run("letter", ref, "--out", str(tmp_path / "second" / "new"))
    assert result.exit_code == 1
    assert "use --reissue" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "second").exists()
    assert sqlite_ws.snapshot() == before


def test_check_does_not_hang_on_a_fifo_where_a_letter_should_be(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    import subprocess
    import sys

    ref = sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    out = tmp_path / "out"
    sqlite_ws.ok("letter", ref, "--kind", "acknowledgement", "--out", str(out), "--format", "pdf")
    letter = out / f"{ref}_acknowledgement.pdf"
    letter.unlink()
    os.mkfifo(letter)
    proc = subprocess.run(
        [sys.executable, "-m", "atip", "--workspace", str(sqlite_ws.path), "check"],
        env={**os.environ, **sqlite_ws.env, "ATIP_LANG": "en",
             "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stdout == f"not a regular file: {letter} (acknowledgement letter of {ref})\n"


def test_a_workbook_that_unzips_to_a_bomb_is_refused_before_it_is_read(
    sqlite_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from atip.register import tables

    sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    book = tmp_path / "register.xlsx"
    book.write_bytes(_xlsx(("received", "requester", "subject"), ("2024-05-17", "A", "s"))[
        "register.xlsx"])  # fmt: skip
    with zipfile.ZipFile(book, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * (3 * 1024 * 1024))  # 3 MB, a few KB zipped
    assert book.stat().st_size < 100_000
    monkeypatch.setattr(tables, "MAX_UNZIPPED", 2 * 1024 * 1024)
    monkeypatch.setattr(tables, "MAX_UNZIPPED_ANNEX", 1024 * 1024)
    before = sqlite_ws.snapshot()
    for args, limit in (
        (("request", "import", str(book)), 2),
        (("annex", "add", "1", "--title", "T", "--table", str(book)), 1),
    ):
        result = sqlite_ws.run(*args)
        assert result.exit_code == 2
        assert (
            result.stderr == f"atip: register.xlsx: the workbook unzips to more than {limit} MB\n"
        )
    assert sqlite_ws.snapshot() == before
