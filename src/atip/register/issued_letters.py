"""The letters in the register: a file as its letters read it, the letters each file is due,
and the journaling of an issued letter (committed before its files are made visible)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from atip import files
from atip.errors import RefusedError
from atip.i18n import _, day
from atip.law import deadlines
from atip.register import db
from atip.register.annexes import Section
from atip.register.facts import facts_of, third_parties_of
from atip.register.models import (
    Annex,
    Decision,
    Fees,
    IssuedLetter,
    Request,
    Requester,
    ThirdParty,
)
from atip.register.recorder import Recorder
from atip.register.references import request_by_reference
from atip.vocabulary import REQUESTER, label, letter_code

# Staged files of one letter: format -> (staging path, final path, sha256).
StagedFiles = dict[str, tuple[Path, Path, str]]


@dataclass(frozen=True)
class LetterFile:
    """The records of one request that its letters print, read in one session."""

    request: Request
    requester: Requester
    decision: Decision | None
    sections: tuple[Section, ...]
    third_parties: tuple[tuple[ThirdParty, date | None], ...]  # each with its observations due
    fees: Fees | None


def read_letter_file(engine: Engine, rules: deadlines.Rules, reference: str) -> LetterFile:
    """Everything a letter of this request says."""
    with Session(engine) as session:
        req = request_by_reference(session, reference)
        person = session.get(Requester, req.id) or Requester(request_id=req.id or 0)
        annexes = session.exec(
            select(Annex).where(Annex.request_id == req.id).order_by(col(Annex.position))
        ).all()
        parties = tuple(
            (party, _observations_due(rules, req, party))
            for party in third_parties_of(session, req.id)
        )
        return LetterFile(
            request=req,
            requester=person,
            decision=session.get(Decision, req.id),
            sections=tuple(Section.from_json(a.section) for a in annexes),
            third_parties=parties,
            fees=session.get(Fees, req.id),
        )


def _observations_due(rules: deadlines.Rules, req: Request, party: ThirdParty) -> date | None:
    """The end of this third party's 20 days for observations (a. 49 al. 3)."""
    facts = replace(
        facts_of(req),
        third_party_notified_on=party.notified_on,
        observations_on=party.observations_on,
    )
    return deadlines.compute(facts, rules, explaining=False).observations_due


# The output folders whose interrupted issues and leftovers were cleared, by engine (one run).
_RECOVERED: weakref.WeakKeyDictionary[Any, set[Path]] = weakref.WeakKeyDictionary()


def journal_letter(
    register: Recorder,
    *,
    reference: str,
    kind: str,
    letter_date: date,
    published: bool,
    out_dir: Path,
    staged: StagedFiles,
    content_sha256: str,
    reissue: bool = False,
) -> list[Path]:
    """Journal the letter as pending and commit, then move its files into place.

    The commit comes first: a crash before it leaves only staging files (removed by the next
    run), a crash after it a pending row that `atip check` or the next issue finishes
    (`register/pending.py`). A journaled file is never overwritten by an unjournaled one.
    """
    from atip.register.pending import Staged, put_in_place, recover_pending, staging_json

    cleared = _RECOVERED.setdefault(register.engine, set())
    if out_dir not in cleared:  # once per folder and run: a batch records many letters
        cleared.add(out_dir)
        recover_pending(register.engine)
        files.remove_leftovers(out_dir)
    committed = False
    try:
        files.fault("letter-staged")
        with db.transaction(register.engine) as session:
            req = request_by_reference(session, reference)
            previous = session.exec(
                select(IssuedLetter)
                .where(
                    IssuedLetter.request_id == req.id,
                    IssuedLetter.kind == kind,
                    IssuedLetter.published == published,
                )
                .order_by(col(IssuedLetter.id).desc())
            ).first()
            if previous is not None and previous.content_sha256 != content_sha256 and not reissue:
                raise RefusedError(
                    _(
                        "the {kind} letter of {reference} was issued on {date} with other "
                        "content: use --reissue to issue a new one (both stay in the journal)"
                    ).format(
                        kind=label("letter", kind),
                        reference=reference,
                        date=day(previous.issued_at.date()),
                    )
                )
            paths = {fmt: final for fmt, (_stage, final, _sha) in staged.items()}
            hashes = {fmt: sha for fmt, (_stage, _final, sha) in staged.items()}
            assert req.id is not None
            row = IssuedLetter(
                request_id=req.id,
                kind=kind,
                letter_date=letter_date,
                published=published,
                docx_path=str(paths["docx"]) if "docx" in paths else None,
                docx_sha256=hashes.get("docx"),
                pdf_path=str(paths["pdf"]) if "pdf" in paths else None,
                pdf_sha256=hashes.get("pdf"),
                content_sha256=content_sha256,
                issued_at=datetime.now(UTC),
                pending=True,
                staging=staging_json(staged),
            )
            session.add(row)
            action = "published" if published else "letter"
            summary: dict[str, object] = {
                "kind": kind,
                "date": letter_date.isoformat(),
                **hashes,
            }
            if previous is not None and previous.content_sha256 != content_sha256:
                summary["reissue_of"] = previous.content_sha256
            register.event(session, req, action, kind, None, summary)
            session.flush()
            row_id = row.id
        committed = True
        files.fault("letter-committed")
        for fmt, (stage, final, sha) in staged.items():
            put_in_place(Staged(fmt, stage, final, sha), public=published)
            files.fault(f"letter-renamed-{fmt}")
        files.sync_folder(out_dir)
        with db.transaction(register.engine) as session:
            done = session.get(IssuedLetter, row_id)
            if done is not None:
                done.pending = False
                done.staging = None
        files.fault("letter-finished")
    finally:
        if not committed:
            discard(staged)
    return [final for _stage, final, _sha in staged.values()]


def discard(staged: StagedFiles) -> None:
    """Remove the staging files of a letter that will not be issued."""
    for stage, _final, _sha in staged.values():
        stage.unlink(missing_ok=True)


def issued_decision_date(engine: Engine, reference: str) -> date:
    """The date of the last decision letter issued, else the decision's own date."""
    with Session(engine) as session:
        req = request_by_reference(session, reference)
        letter = session.exec(
            select(IssuedLetter)
            .where(
                IssuedLetter.request_id == req.id,
                IssuedLetter.kind == "decision",
                col(IssuedLetter.published).is_(False),
            )
            .order_by(col(IssuedLetter.id).desc())
        ).first()
        if letter is not None:
            return letter.letter_date
        if req.decided_on is None:
            raise RefusedError(
                _(
                    "request {reference} has no decision: record it with `atip request decide`"
                ).format(reference=reference)
            )
        return req.decided_on


def due_letters(engine: Engine) -> list[tuple[str, str, bool]]:
    """(reference, letter code, reissue) of every letter a request should have and that was
    never issued, or was issued before a correction, cancellation or revision of the file
    (`reader.letters_to_reissue`: it is due again, as a reissue). Never for a void entry.

    Acknowledgement always; extension when extended; decision when decided; the third-party
    notices when third parties are recorded, and the decision to each of them when decided;
    the fee estimate when one is recorded (not waived); the withdrawal when withdrawn.
    """
    from atip.register.reader import letters_to_reissue
    from atip.register.sql import of_session

    due: list[tuple[str, str, bool]] = []
    with Session(engine) as session:
        conn = of_session(session)
        issued = set(
            session.exec(
                select(IssuedLetter.request_id, IssuedLetter.kind).where(
                    col(IssuedLetter.published).is_(False)
                )
            ).all()
        )
        with_fees = {
            row.request_id: row
            for row in session.exec(select(Fees).where(col(Fees.estimate).is_not(None))).all()
        }
        requests = session.exec(
            select(Request).where(col(Request.voided_on).is_(None)).order_by(col(Request.id))
        ).all()
        for req in requests:
            wanted = ["acknowledgement"]
            if req.extended_on is not None:
                wanted.append("extension")
            if req.decided_on is not None:
                wanted.append("decision")
            parties = third_parties_of(session, req.id)
            named = [str(p.position) for p in parties if (p.name or "").strip()]
            if parties:
                wanted += [letter_code("third-party-notice", r) for r in (REQUESTER, *named)]
            if req.decided_on is not None:
                wanted += [letter_code("third-party-decision", r) for r in named]
            fees = with_fees.get(req.id or 0)
            if fees is not None and fees.estimated_on is not None and not fees.waived:
                wanted.append("fees")
            if req.withdrawn_on is not None:
                wanted.append("withdrawal")
            again = set(letters_to_reissue(conn, req)) if issued else set()
            for kind in wanted:
                if (req.id, kind) not in issued:
                    due.append((req.reference, kind, False))
                elif kind in again:
                    due.append((req.reference, kind, True))
    return due
