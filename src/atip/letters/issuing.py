"""Issuing letters: a request's data from the database, rendered, written atomically, journaled."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from atip.errors import InputError, RefusedError
from atip.i18n import _, day
from atip.register import db
from atip.register.models import Annex, Decision, IssuedLetter, Request, Requester
from atip.register.recorder import Recorder
from atip.register.references import request_by_reference
from atip.register.settings import Settings
from atip.vocabulary import label

KINDS = ("acknowledgement", "extension", "decision")
FORMATS = {"pdf": ("pdf",), "docx": ("docx",), "both": ("docx", "pdf")}


# The Commission's two offices, by the code `[review_body] offices` names them; their
# addresses come from atip.toml (`address_quebec`, `address_montreal`).
REVIEW_OFFICES = (("quebec", "Québec"), ("montreal", "Montréal"))


def workspace_file(settings: Settings, name: str, setting: str) -> str:
    """A file named in atip.toml, relative to the workspace: its absolute path ("" if unset)."""
    if not name.strip():
        return ""
    path = Path(name).expanduser()
    if not path.is_absolute():
        path = settings.workspace / path
    if not path.is_file():
        raise InputError(_("{setting}: no file {path}").format(setting=setting, path=path))
    return str(path.resolve())


def review_offices(settings: Settings) -> tuple[tuple[str, str], ...]:
    """The offices the review paragraph names: those chosen that have an address."""
    addresses = {
        "quebec": settings.review_body_address_quebec,
        "montreal": settings.review_body_address_montreal,
    }
    chosen = settings.review_body_offices
    return tuple(
        (name, addresses[code].strip())
        for code, name in REVIEW_OFFICES
        if chosen in (code, "both") and addresses[code].strip()
    )


def profile_of(settings: Settings) -> Any:
    """The letterhead and signature data of the workspace."""
    from atip.letters.model import Profile

    return Profile(
        organisation=settings.organisation,
        unit=settings.unit,
        short_name=settings.short_name,
        city=settings.city,
        signatory_name=settings.signatory_name,
        signatory_title=settings.signatory_title,
        review_body=settings.review_body,
        review_body_url=settings.review_body_url,
        review_body_address=settings.review_body_address,
        signatory_courtesy=settings.signatory_courtesy,
        signatory_contact=settings.signatory_contact,
        address=settings.address.replace("\\n", "\n"),
        phone=settings.phone,
        website=settings.website,
        logo=workspace_file(settings, settings.logo, "[organisation] logo"),
        signature_image=workspace_file(
            settings, settings.signature_image, "[signatory] signature_image"
        ),
        salutation=settings.salutation,
        closing=settings.closing,
        reference_after_subject=settings.reference_after_subject,
        review_offices=review_offices(settings),
    )


def load_letter_case(register: Recorder, reference: str) -> Any:
    """Everything a letter of this request says, read in one session."""
    from atip.letters.model import DecisionData, LetterCase
    from atip.register.annexes import Section

    with Session(register.engine) as session:
        req = request_by_reference(session, reference)
        person = session.get(Requester, req.id) or Requester(request_id=req.id or 0)
        decision = session.get(Decision, req.id)
        annexes = session.exec(
            select(Annex).where(Annex.request_id == req.id).order_by(col(Annex.position))
        ).all()
        data = None
        if decision is not None:
            data = DecisionData(
                decided_on=decision.decided_on,
                outcome=decision.outcome,
                articles=tuple(a for a in decision.articles.split(",") if a),
                links=tuple(json.loads(decision.links or "[]")),
                paragraphs=tuple(p.strip() for p in decision.body.split("\n\n") if p.strip()),
                referral_body=decision.referral_body,
            )
        return LetterCase(
            reference=req.reference,
            kind=req.kind,
            subject=req.subject,
            received_on=req.received_on,
            clarified_on=req.clarified_on,
            requester_name=person.name or "",
            requester_address=person.address or "",
            requester_email=person.email,
            requester_courtesy=getattr(person, "courtesy", None) or "",
            response_due=req.response_due,
            extended_due=req.extended_due,
            decision_due=req.decision_due,
            extended_on=req.extended_on,
            third_party_notified_on=req.third_party_notified_on,
            decision=data,
            sections=tuple(Section.from_json(a.section) for a in annexes),
        )


def check_kind(case: Any, kind: str) -> None:
    """Refuse a letter the file does not support yet (no decision, no extension)."""
    if kind == "decision" and case.decision is None:
        raise RefusedError(
            _("request {reference} has no decision: record it with `atip request decide`").format(
                reference=case.reference
            )
        )
    if kind == "extension" and case.extended_on is None:
        raise RefusedError(
            _("request {reference} was not extended: record it with `atip request extend`").format(
                reference=case.reference
            )
        )


@dataclass(frozen=True)
class Job:
    """One letter to render: everything a worker process needs, picklable."""

    reference: str
    kind: str
    case: Any
    profile: Any
    letter_date: date
    formats: tuple[str, ...]
    out_dir: Path
    workspace: Path
    published: bool = False
    certificate: str = ""  # the PKCS#12 file that signs the PDF, or ""
    warnings: tuple[str, ...] = ()  # one line each, for stderr (articles to check)

    def stem(self) -> str:
        """File name without suffix: 18159_decision, or 18159_decision_publie."""
        return f"{self.reference}_{self.kind}" + ("_publie" if self.published else "")


@dataclass(frozen=True)
class Rendered:
    """The files a job wrote to their staging names, and their hashes."""

    job: Job
    content_sha256: str
    staged: dict[str, tuple[Path, Path, str]]  # format -> (staging path, final path, sha256)


def render_job(job: Job) -> Rendered:
    """Build the letter and write each format to a hidden staging file beside its final name."""
    from atip.law.articles import default_library
    from atip.letters.content import build_letter
    from atip.letters.docx import write_docx
    from atip.letters.pdf import write_pdf
    from atip.resources import search_path

    templates = search_path("templates", job.workspace)
    pdf_writer = write_pdf
    if job.certificate:
        from functools import partial

        pdf_writer = partial(write_pdf, certificate=job.certificate)
    letter = build_letter(
        job.kind,
        job.case,
        job.profile,
        job.letter_date,
        default_library(job.workspace),
        template_dirs=templates,
        published=job.published,
    )
    content = hashlib.sha256(letter.plain_text().encode("utf-8")).hexdigest()
    writers: dict[str, Callable[..., str]] = {"docx": write_docx, "pdf": pdf_writer}
    staged: dict[str, tuple[Path, Path, str]] = {}
    try:
        for fmt in job.formats:
            final = job.out_dir / f"{job.stem()}.{fmt}"
            stage = job.out_dir / f".{job.stem()}.{fmt}.{os.getpid()}.partial"
            staged[fmt] = (stage, final, writers[fmt](letter, stage, templates))
    except BaseException:
        discard(staged.values())
        raise
    return Rendered(job, content, staged)


def discard(staged: Iterable[tuple[Path, Path, str]]) -> None:
    """Remove staging files of a render that will not be issued."""
    for stage, _final, _sha in staged:
        stage.unlink(missing_ok=True)


def check_out_dir(out_dir: Path) -> Path:
    """The output folder, created if needed; refused when it cannot be written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RefusedError(
            _("cannot create the output folder {folder}: {reason}").format(
                folder=out_dir, reason=exc.strerror
            )
        ) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise RefusedError(_("cannot write to the output folder {folder}").format(folder=out_dir))
    return out_dir


def record(register: Recorder, rendered: Rendered, *, reissue: bool = False) -> list[Path]:
    """Journal the letter and move its files into place, in one transaction."""
    job = rendered.job
    try:
        with db.transaction(register.engine) as session:
            req = request_by_reference(session, job.reference)
            previous = session.exec(
                select(IssuedLetter)
                .where(
                    IssuedLetter.request_id == req.id,
                    IssuedLetter.kind == job.kind,
                    IssuedLetter.published == job.published,
                )
                .order_by(col(IssuedLetter.id).desc())
            ).first()
            if (
                previous is not None
                and previous.content_sha256 != rendered.content_sha256
                and not reissue
            ):
                raise RefusedError(
                    _(
                        "the {kind} letter of {reference} was issued on {date} with other "
                        "content: use --reissue to issue a new one (both stay in the journal)"
                    ).format(
                        kind=label("letter", job.kind),
                        reference=job.reference,
                        date=day(previous.issued_at.date()),
                    )
                )
            paths = {fmt: final for fmt, (_stage, final, _sha) in rendered.staged.items()}
            hashes = {fmt: sha for fmt, (_stage, _final, sha) in rendered.staged.items()}
            assert req.id is not None
            row = IssuedLetter(
                request_id=req.id,
                kind=job.kind,
                letter_date=job.letter_date,
                published=job.published,
                docx_path=str(paths["docx"]) if "docx" in paths else None,
                docx_sha256=hashes.get("docx"),
                pdf_path=str(paths["pdf"]) if "pdf" in paths else None,
                pdf_sha256=hashes.get("pdf"),
                content_sha256=rendered.content_sha256,
                issued_at=datetime.now(UTC),
            )
            session.add(row)
            action = "published" if job.published else "letter"
            summary: dict[str, object] = {
                "kind": job.kind,
                "date": job.letter_date.isoformat(),
                **hashes,
            }
            if previous is not None and previous.content_sha256 != rendered.content_sha256:
                summary["reissue_of"] = previous.content_sha256
            register.event(session, req, action, job.kind, None, summary)
            session.flush()
            for stage, final, _sha in rendered.staged.values():
                os.replace(stage, final)
    finally:
        discard(rendered.staged.values())
    return [final for _stage, final, _sha in rendered.staged.values()]


def issued_decision_date(register: Recorder, reference: str) -> date:
    """The date of the last decision letter issued, else the decision's own date."""
    with Session(register.engine) as session:
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


def make_job(
    register: Recorder,
    settings: Settings,
    reference: str,
    kind: str,
    *,
    formats: tuple[str, ...],
    out_dir: Path,
    letter_date: date | None = None,
    published: bool = False,
) -> Job:
    """Read the request and check that this letter can be written.

    Without `letter_date`, the letter is dated the day of the event it notifies (`default_date`).
    A decision letter is dated its decision: another date is refused (revise the decision).
    """
    case = load_letter_case(register, reference)
    check_kind(case, kind)
    if letter_date is None:
        letter_date = default_date(case, kind)
    if published:
        from atip.register.redaction import redact

        case = redact(case)
    if case.decision is not None and kind == "decision" and letter_date < case.decision.decided_on:
        raise RefusedError(
            _("the letter date {date} is before the decision of {decided}").format(
                date=day(letter_date), decided=day(case.decision.decided_on)
            )
        )
    if (
        case.decision is not None
        and kind == "decision"
        and not published
        and letter_date != case.decision.decided_on
    ):
        raise RefusedError(
            _(
                "a decision letter is dated its decision, {decided}: to change that date, "
                "revise the decision with `atip request decide --revise`"
            ).format(decided=day(case.decision.decided_on))
        )
    if letter_date < case.received_on:
        raise RefusedError(
            _("the letter date {date} is before the receipt {received}").format(
                date=day(letter_date), received=day(case.received_on)
            )
        )
    certificate = ""
    if "pdf" in formats and settings.certificate.strip():
        from atip.letters.signing import load_signer

        certificate = workspace_file(settings, settings.certificate, "[signatory] certificate")
        load_signer(certificate)  # a wrong password is refused now, before anything is written
    return Job(
        reference=case.reference,
        kind=kind,
        case=case,
        profile=profile_of(settings),
        letter_date=letter_date,
        formats=formats,
        out_dir=out_dir,
        workspace=settings.workspace,
        published=published,
        certificate=certificate,
        warnings=article_warnings(case, kind, letter_date, settings.workspace),
    )


def default_date(case: Any, kind: str) -> date:
    """The date a letter bears by default: that of the event it notifies.

    An acknowledgement is sent when the request is received, an extension notice on the day
    the extension was recorded, a decision on its decision date.
    """
    if kind == "decision" and case.decision is not None:
        return case.decision.decided_on  # type: ignore[no-any-return]
    if kind == "extension" and case.extended_on is not None:
        return case.extended_on  # type: ignore[no-any-return]
    return case.received_on  # type: ignore[no-any-return]


def cited_articles(case: Any, kind: str) -> list[str]:
    """The articles whose text a letter of this kind attaches (a decision's, and 13 for links)."""
    from atip.letters.blocks import unique

    if kind != "decision" or case.decision is None:
        return []
    cited = unique(case.decision.articles)
    if case.decision.links and "13" not in cited:
        cited.append("13")
    return cited


def article_warnings(case: Any, kind: str, on: date, workspace: Path) -> tuple[str, ...]:
    """One line for each cited article whose text is unverified or known current only to a
    date well before the letter (`LawLibrary.warnings_on`); the letter is still written."""
    from atip.errors import AtipError
    from atip.law.articles import default_library

    numbers = cited_articles(case, kind)
    if not numbers:
        return ()
    law = default_library(workspace)
    lines: list[str] = []
    for number in numbers:
        try:
            found = law.warnings_on(number, on)
        except AtipError:
            continue  # refused when the letter is built, with its own message
        if found:
            lines.append(found[0].message)  # one line per article: unverified says enough
    return tuple(lines)


def issue(register: Recorder, job: Job, *, reissue: bool = False) -> list[Path]:
    """Render one letter and record it."""
    return record(register, render_job(job), reissue=reissue)


def due_letters(register: Recorder) -> list[tuple[str, str]]:
    """(reference, kind) of every letter a request should have and that was never issued."""
    with Session(register.engine) as session:
        issued = set(
            session.exec(
                select(IssuedLetter.request_id, IssuedLetter.kind).where(
                    col(IssuedLetter.published).is_(False)
                )
            ).all()
        )
        rows = session.exec(
            select(
                col(Request.id),
                Request.reference,
                col(Request.extended_on),
                col(Request.decided_on),
            ).order_by(col(Request.id))
        ).all()
    due: list[tuple[str, str]] = []
    for request_id, reference, extended_on, decided_on in rows:
        wanted = ["acknowledgement"]
        if extended_on is not None:
            wanted.append("extension")
        if decided_on is not None:
            wanted.append("decision")
        due.extend((reference, kind) for kind in wanted if (request_id, kind) not in issued)
    return due
