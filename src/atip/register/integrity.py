"""The integrity check: the database itself, and every issued letter against its hashes."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from atip.i18n import N_, _
from atip.register.settings import Settings

_READ_BLOCK = 1 << 20
# How a problem names a letter: (the letter, its published copy), by letter kind.
_LETTER_NAMES = {
    "acknowledgement": (
        N_("acknowledgement letter of {reference}"),
        N_("acknowledgement letter of {reference} (published copy)"),
    ),
    "extension": (
        N_("extension letter of {reference}"),
        N_("extension letter of {reference} (published copy)"),
    ),
    "decision": (
        N_("decision letter of {reference}"),
        N_("decision letter of {reference} (published copy)"),
    ),
}
_OTHER_LETTER = (
    N_("{kind} letter of {reference}"),
    N_("{kind} letter of {reference} (published copy)"),
)


def check_workspace(settings: Settings, engine: Engine) -> list[str]:
    """Every problem found, one line each: database integrity, then issued letters' files."""
    try:
        problems = _database_problems(engine)
    except DBAPIError as exc:
        return [_("database: {problem}").format(problem=_first_line(exc))]
    try:
        problems += letter_problems(engine, settings.workspace)
    except DBAPIError as exc:
        problems.append(
            _("database: cannot read the issued letters: {error}").format(error=_first_line(exc))
        )
    return problems


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig or exc).strip().splitlines()[0]


def _database_problems(engine: Engine) -> list[str]:
    if engine.dialect.name != "sqlite":
        # PostgreSQL checks its own pages; reaching every table proves the schema is there.
        with engine.connect() as conn:
            for table in ("requests", "requesters", "decisions", "events", "letters"):
                conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1"))
        return []
    problems: list[str] = []
    with engine.connect() as conn:
        # At most 100 findings (SQLite's default); one finding may span several lines.
        for (finding,) in conn.exec_driver_sql("PRAGMA integrity_check"):
            if finding != "ok":
                problems += [
                    _("database: {problem}").format(problem=line)
                    for line in finding.splitlines()
                    if line
                ]
        for row in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(
                _("database: row {row} of table {table} points to no {parent}").format(
                    row=row[1], table=row[0], parent=row[2]
                )
            )
    return problems


def letter_problems(engine: Engine, workspace: Path) -> list[str]:
    """Issued letters whose file is missing or no longer has the SHA-256 recorded."""
    query = text(
        "SELECT r.reference, l.kind, l.published, l.docx_path, l.docx_sha256, l.pdf_path, "
        "l.pdf_sha256 FROM letters l JOIN requests r ON r.id = l.request_id "
        "WHERE NOT l.pending ORDER BY l.id"
    )
    # A reissued letter replaces the file of the same name: only the latest row names its hash.
    latest: dict[Path, tuple[str, str]] = {}
    with engine.connect() as conn:
        for ref, kind, published, docx, docx_sha, pdf, pdf_sha in conn.execute(query):
            what = _letter_name(kind, bool(published)).format(kind=kind, reference=ref)
            for stored, sha in ((docx, docx_sha), (pdf, pdf_sha)):
                if stored and sha:
                    path = Path(stored)
                    if not path.is_absolute():
                        path = workspace / path
                    latest[path] = (sha, what)
    problems = []
    for path, (sha, what) in latest.items():
        if path.exists() and not path.is_file():
            problems.append(
                _("not a regular file: {path} ({letter})").format(path=path, letter=what)
            )
            continue
        actual = _sha256(path)
        if actual is None:
            problems.append(_("missing: {path} ({letter})").format(path=path, letter=what))
            continue
        if actual != sha:
            problems.append(
                _("changed: {path} ({letter}): its SHA-256 is not the one recorded").format(
                    path=path, letter=what
                )
            )
        if path.suffix.lower() == ".pdf":
            problems += [
                _("signature: {path} ({letter}): {problem}").format(
                    path=path, letter=what, problem=problem
                )
                for problem in signature_problems(path)
            ]
    return problems


def signature_problems(path: Path) -> list[str]:
    """What is wrong with the digital signatures of a PDF (none signed: nothing).

    Each signature must be intact (the signed bytes unchanged), cryptographically valid, and
    the last one must cover the whole file. Trust in the certificate is the office's to judge:
    it is not checked here.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if b"/ByteRange" not in data:
        return []  # not signed: pyHanko is not even imported
    import io
    import logging

    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError) as exc:
        return [_("cannot read its signatures: {error}").format(error=exc)]
    problems: list[str] = []
    for number, signature in enumerate(signatures, 1):
        try:
            context = ValidationContext(trust_roots=[signature.signer_cert], allow_fetching=False)
            status = validate_pdf_signature(signature, context)
        except Exception as exc:  # a damaged signature fails in many ways; each is one line
            problems.append(
                _("signature {number} cannot be validated: {error}").format(
                    number=number, error=str(exc).splitlines()[0] if str(exc) else type(exc)
                )
            )
            continue
        if not status.intact:
            problems.append(
                _("signature {number}: the signed content was changed").format(number=number)
            )
        elif not status.valid:
            problems.append(_("signature {number} is not valid").format(number=number))
        elif number == len(signatures) and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            problems.append(
                _("signature {number} does not cover the whole file").format(number=number)
            )
    return problems


def _letter_name(kind: str, published: bool) -> str:
    """The words naming a letter in a problem line, {kind} and {reference} to fill."""
    return _(_LETTER_NAMES.get(kind, _OTHER_LETTER)[published])


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        # Never blocks: a FIFO or a device put where a letter should be is not read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return ""
            while block := handle.read(_READ_BLOCK):
                digest.update(block)
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    return digest.hexdigest()


def recover(settings: Settings, engine: Engine) -> list[str]:
    """Finish or roll back the letters a crash left pending, and remove the temporary files
    killed runs left beside the letters and in the workspace; one line for each."""
    from atip import files
    from atip.register.pending import recover_pending

    try:
        said = recover_pending(engine)
        folders = _letter_folders(engine)
    except DBAPIError:
        return []  # the database check that follows says what is wrong
    folders |= {settings.workspace, settings.workspace / "db", settings.workspace / "letters"}
    for folder in sorted(folders):
        said += [
            _("removed a temporary file left by an interrupted run: {path}").format(path=path)
            for path in files.remove_leftovers(folder)
        ]
    return said


def _letter_folders(engine: Engine) -> set[Path]:
    query = text("SELECT docx_path, pdf_path FROM letters")
    with engine.connect() as conn:
        return {Path(p).parent for row in conn.execute(query) for p in row if p}
