"""Letters left pending by a crash: finished, or rolled back, by the next run.

`letters/issuing.record` commits a letter's row as pending, with the hash and the staging file
of each format, before it renames any file into place; then it clears `pending`. A process
killed in between leaves a pending row whose staging files are complete and hashed: this module
renames them into place (the issue is finished), or, when they are gone, deletes the row and its
journal event (the issue is rolled back, as if the process had died before its commit). A
journaled file is never overwritten by anything but the file its latest row names, and never
left missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from atip import files
from atip.i18n import _
from atip.register import db
from atip.register.models import Event, IssuedLetter, Request
from atip.vocabulary import label

_READ_BLOCK = 1 << 20


@dataclass(frozen=True)
class Staged:
    """One format of a pending letter: its staging file, its final name, its hash."""

    fmt: str
    stage: Path
    final: Path
    sha256: str


def staging_json(staged: dict[str, tuple[Path, Path, str]]) -> str:
    """What a pending row stores of its staging files: {format: staging path}."""
    return json.dumps({fmt: str(stage) for fmt, (stage, _f, _s) in staged.items()}, sort_keys=True)


def _staged_of(row: IssuedLetter) -> list[Staged]:
    stages = json.loads(row.staging or "{}")
    out = []
    for fmt, final, sha in (
        ("docx", row.docx_path, row.docx_sha256),
        ("pdf", row.pdf_path, row.pdf_sha256),
    ):
        if final and sha and fmt in stages:
            out.append(Staged(fmt, Path(stages[fmt]), Path(final), sha))
    return out


def sha256_of(path: Path) -> str | None:
    """The SHA-256 of a regular file, None when there is none (a FIFO is never opened)."""
    try:
        if not path.is_file():
            return None
        digest = hashlib.sha256()
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            while block := handle.read(_READ_BLOCK):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def put_in_place(item: Staged, *, public: bool) -> None:
    """Rename a staging file to its final name, with the mode the letter gets."""
    os.chmod(item.stage, files.file_mode(public=public))
    os.replace(item.stage, item.final)


def recover_pending(engine: Engine) -> list[str]:
    """Finish or roll back every pending letter whose writer is gone; one line for each."""
    with Session(engine) as session:
        rows = session.exec(
            select(IssuedLetter, Request.reference)
            .join(Request, col(Request.id) == col(IssuedLetter.request_id))
            .where(col(IssuedLetter.pending).is_(True))
            .order_by(col(IssuedLetter.id))
        ).all()
    said: list[str] = []
    for row, reference in rows:
        line = _recover(engine, row, reference)
        if line:
            said.append(line)
    return said


def _recover(engine: Engine, row: IssuedLetter, reference: str) -> str | None:
    staged = _staged_of(row)
    if any(s.stage.exists() and files.writer_alive(s.stage) for s in staged):
        return None  # its own process is still issuing it
    in_place, missing = 0, 0
    for item in staged:
        if sha256_of(item.final) == item.sha256:
            in_place += 1
        elif sha256_of(item.stage) == item.sha256:
            with contextlib.suppress(OSError):
                put_in_place(item, public=row.published)
            in_place += sha256_of(item.final) == item.sha256
        else:
            missing += 1
    for item in staged:
        files.sync_folder(item.final.parent)
    what = {"kind": label("letter", row.kind), "reference": reference}
    with db.transaction(engine) as session:
        if missing and not in_place:
            # Nothing of it ever became visible: as if the process had died before its commit.
            hashes = {s.fmt: s.sha256 for s in staged}
            events = session.exec(
                select(Event).where(
                    Event.request_id == row.request_id,
                    col(Event.action).in_(("letter", "published")),
                    Event.field == row.kind,
                )
            ).all()
            for event in events:
                summary = json.loads(event.new or "{}")
                if isinstance(summary, dict) and all(
                    summary.get(fmt) == sha for fmt, sha in hashes.items()
                ):
                    session.delete(event)
            session.execute(delete(IssuedLetter).where(col(IssuedLetter.id) == row.id))
            return _(
                "rolled back the interrupted issue of the {kind} letter of {reference}"
            ).format(**what)
        session.execute(
            update(IssuedLetter)
            .where(col(IssuedLetter.id) == row.id)
            .values(pending=False, staging=None)
        )
    return _("finished the interrupted issue of the {kind} letter of {reference}").format(**what)
