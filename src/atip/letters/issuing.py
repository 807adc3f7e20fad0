"""Issuing letters: a request as its letters read it, rendered to staging files, then journaled
(register/issued_letters.py) and made visible."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from atip import files
from atip.errors import InputError, RefusedError
from atip.i18n import _, day
from atip.letters.model import LetterCase, Profile
from atip.register.issued_letters import (
    journal_letter,
    read_letter_file,
)
from atip.register.recorder import Recorder
from atip.register.settings import Settings
from atip.vocabulary import RECIPIENT_SEPARATOR, REQUESTER, letter_code

# Letters dated their decision, whatever --date says (the dates they give run from it).
DATED_BY_DECISION = ("decision", "third-party-decision")
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


def profile_of(settings: Settings) -> Profile:
    """The letterhead and signature data of the workspace."""
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


def load_letter_case(register: Recorder, reference: str) -> LetterCase:
    """Everything a letter of this request says, as the letters read it."""
    from atip.letters.model import DecisionData, FeesData, ThirdPartyData

    found = read_letter_file(register.engine, register.rules, reference)
    req, person, decision, fees = found.request, found.requester, found.decision, found.fees
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
        requester_courtesy=person.courtesy or "",
        response_due=req.response_due,
        extended_due=req.extended_due,
        decision_due=req.decision_due,
        extended_on=req.extended_on,
        third_party_notified_on=req.third_party_notified_on,
        decision=data,
        sections=found.sections,
        third_parties=tuple(
            ThirdPartyData(
                position=p.position,
                name=p.name or "",
                address=p.address or "",
                email=p.email,
                notified_on=p.notified_on,
                observations_on=p.observations_on,
                observations_due=due,
            )
            for p, due in found.third_parties
        ),
        fees=(
            FeesData(fees.estimate, fees.estimated_on, fees.paid_on, fees.waived)
            if fees is not None
            else None
        ),
        withdrawn_on=req.withdrawn_on,
        voided_on=req.voided_on,
        observations_due=req.observations_due,
        executory_on=req.executory_on,
    )


def record(register: Recorder, rendered: Rendered, *, reissue: bool = False) -> list[Path]:
    """Journal a rendered letter and make its files visible (`issued_letters.journal_letter`)."""
    job = rendered.job
    return journal_letter(
        register,
        reference=job.reference,
        kind=job.kind,
        letter_date=job.letter_date,
        published=job.published,
        out_dir=job.out_dir,
        staged=rendered.staged,
        content_sha256=rendered.content_sha256,
        reissue=reissue,
    )


def check_kind(case: LetterCase, kind: str, recipient: int | None = None) -> None:
    """Refuse a letter the file does not support yet (no decision, no extension, no third
    party…), with one line that names the command that records it."""
    from atip.letters.content import check_letter

    check_letter(kind, case, recipient)


def split_code(code: str) -> tuple[str, str]:
    """A letter's code as issued and journaled, `third-party-notice_1`, as (kind, recipient):
    ("third-party-notice", "1"); a letter of one addressee has the recipient ""."""
    kind, _sep, recipient = code.partition(RECIPIENT_SEPARATOR)
    return kind, recipient


@dataclass(frozen=True)
class Job:
    """One letter to render: everything a worker process needs, picklable."""

    reference: str
    kind: str
    case: LetterCase
    profile: Profile
    letter_date: date
    formats: tuple[str, ...]
    out_dir: Path
    workspace: Path
    published: bool = False
    certificate: str = ""  # the PKCS#12 file that signs the PDF, or ""
    warnings: tuple[str, ...] = ()  # one line each, for stderr (articles to check)

    @property
    def letter_kind(self) -> str:
        """The kind of letter (`kind` may name its addressee: `third-party-notice_1`)."""
        return split_code(self.kind)[0]

    @property
    def recipient(self) -> int | None:
        """The position of the third party the letter is addressed to, else None."""
        recipient = split_code(self.kind)[1]
        return int(recipient) if recipient.isdigit() else None

    def stem(self) -> str:
        """File name without suffix: 18159_decision, 18159_decision_publie, or for letters of
        several addressees 18159_third-party-notice_requester, 18159_third-party-notice_1."""
        return f"{self.reference}_{self.kind}" + ("_publie" if self.published else "")


@dataclass(frozen=True)
class Rendered:
    """The files a job wrote to their staging names, and their hashes."""

    job: Job
    content_sha256: str
    staged: dict[str, tuple[Path, Path, str]]  # format -> (staging path, final path, sha256)


def build(job: Job) -> Any:
    """The job's `Letter`, as both formats will print it (refused as building it would be)."""
    from atip.law.articles import default_library
    from atip.letters.content import build_letter
    from atip.resources import search_path

    return build_letter(
        job.letter_kind,
        job.case,
        job.profile,
        job.letter_date,
        default_library(job.workspace),
        template_dirs=search_path("templates", job.workspace),
        published=job.published,
        recipient=job.recipient,
    )


def render_job(job: Job) -> Rendered:
    """Build the letter and write each format to a hidden staging file beside its final name."""
    from atip.letters.docx import write_docx
    from atip.letters.pdf import write_pdf
    from atip.resources import search_path

    templates = search_path("templates", job.workspace)
    pdf_writer = write_pdf
    if job.certificate:
        from functools import partial

        pdf_writer = partial(write_pdf, certificate=job.certificate)
    letter = build(job)
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
        files.make_dirs(out_dir)  # 0700 (0750 shared); removed again if the command is refused
    except OSError as exc:
        raise RefusedError(
            _("cannot create the output folder {folder}: {reason}").format(
                folder=out_dir, reason=exc.strerror
            )
        ) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise RefusedError(_("cannot write to the output folder {folder}").format(folder=out_dir))
    return out_dir


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
    case: LetterCase | None = None,
) -> Job:
    """Read the request and check that this letter can be written.

    `kind` is a letter kind, or for a letter of several addressees the code of one of them
    (`third-party-notice_requester`, `third-party-notice_1`: see `make_jobs`).
    Without `letter_date`, the letter is dated the day of the event it notifies (`default_date`).
    A decision letter is dated its decision: another date is refused (revise the decision).
    """
    if case is None:
        case = load_letter_case(register, reference)
    letter_kind, to = split_code(kind)
    recipient = int(to) if to.isdigit() else None
    check_kind(case, letter_kind, recipient)
    if letter_date is None:
        letter_date = default_date(case, kind, settings)
    if published:
        from atip.register.redaction import redact

        case = redact(case)
    decided = case.decision.decided_on if case.decision is not None else None
    if decided is not None and letter_kind in DATED_BY_DECISION and letter_date < decided:
        raise RefusedError(
            _("the letter date {date} is before the decision of {decided}").format(
                date=day(letter_date), decided=day(decided)
            )
        )
    if (
        decided is not None
        and letter_kind in DATED_BY_DECISION
        and not published
        and letter_date != decided
    ):
        raise RefusedError(
            _(
                "a decision letter is dated its decision, {decided}: to change that date, "
                "revise the decision with `atip request decide --revise`"
            ).format(decided=day(decided))
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
        warnings=article_warnings(case, letter_kind, letter_date, settings.workspace),
    )


def letter_codes(case: LetterCase, kind: str) -> list[str]:
    """The letters one kind means for this file: itself, or one per addressee.

    A third-party notice (a. 49) is a letter to each named third party and the notice to the
    requester that a. 49 al. 1 also requires; a third-party decision, one to each named third
    party (the requester's is the decision letter). A third party recorded without a name
    gets no letter: it was notified another way (a. 49 al. 2).
    """
    named = [p.position for p in case.third_parties if p.name.strip()]
    if kind == "third-party-notice":
        return [letter_code(kind, REQUESTER)] + [letter_code(kind, str(n)) for n in named]
    if kind == "third-party-decision":
        if case.third_parties and not named:
            check_kind(case, kind, case.third_parties[0].position)  # refused: no name
        return [letter_code(kind, str(n)) for n in named] or [kind]
    return [kind]


def make_jobs(
    register: Recorder,
    settings: Settings,
    reference: str,
    kind: str,
    **options: Any,
) -> list[Job]:
    """Every letter `atip letter REF --kind KIND` writes: one, or one per addressee."""
    case = load_letter_case(register, reference)
    check_kind(case, kind)
    return [
        make_job(register, settings, reference, each, case=case, **options)
        for each in letter_codes(case, kind)
    ]


def unnamed_warnings(case: LetterCase, kind: str) -> list[str]:
    """One line for each third party that gets no letter of this kind, having no name."""
    if kind not in ("third-party-notice", "third-party-decision"):
        return []
    return [
        _(
            "third party {number} of request {reference} has no name: no letter is addressed "
            "to it (record it with `atip request third-party --name NAME --address TEXT`)"
        ).format(number=p.position, reference=case.reference)
        for p in case.third_parties
        if not p.name.strip()
    ]


def default_date(case: LetterCase, kind: str, settings: Settings | None = None) -> date:
    """The date a letter bears by default: that of the event it notifies.

    An acknowledgement is sent when the request is received, an extension notice on the day
    the extension was recorded, a decision (and its notice to a third party, and a referral)
    on its decision date, a notice to a third party on the day it was notified (the
    requester's notice, on the first of them), a fee estimate on the day it was made, a
    confirmation of withdrawal on the day of the withdrawal; a request for precisions today.
    """
    letter_kind, recipient = split_code(kind)
    decision = case.decision
    if letter_kind in ("decision", "third-party-decision", "referral") and decision is not None:
        return decision.decided_on
    if letter_kind == "extension" and case.extended_on is not None:
        return case.extended_on
    if letter_kind == "third-party-notice" and case.third_parties:
        if recipient.isdigit():
            return case.third_party(int(recipient)).notified_on
        return min(p.notified_on for p in case.third_parties)
    if letter_kind == "fees" and case.fees is not None and case.fees.estimated_on is not None:
        return case.fees.estimated_on
    if letter_kind == "withdrawal" and case.withdrawn_on is not None:
        return case.withdrawn_on
    if letter_kind == "precision":
        from atip.clock import today

        received: date = case.received_on
        return max(today(settings.timezone if settings else None), received)
    return case.received_on


def cited_articles(case: LetterCase, kind: str) -> list[str]:
    """The articles whose text a letter of this kind attaches (a decision's, and 13 for links;
    49 for the letters of a third party)."""
    from atip.letters.blocks import unique
    from atip.letters.content import KIND_ARTICLES

    if kind in KIND_ARTICLES:
        return list(KIND_ARTICLES[kind])
    if kind != "decision" or case.decision is None:
        return []
    cited = unique(case.decision.articles)
    if case.decision.links and "13" not in cited:
        cited.append("13")
    return cited


def article_warnings(case: LetterCase, kind: str, on: date, workspace: Path) -> tuple[str, ...]:
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
