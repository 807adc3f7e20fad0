"""The data of each letter kind: what it says, in order, before any file format is chosen.

The French wording lives in Jinja templates (templates/wording/*.txt.j2) that an office may
override; they produce plain text, which is parsed here into blocks (paragraphs, bullets, tables)
so that the DOCX and the PDF are both rendered from the same `Letter` and never differ.
User text (requester, clerk, annexes) is only ever passed to templates as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from atip import french
from atip.errors import InputError, RefusedError
from atip.i18n import _
from atip.letters.blocks import (
    blocks_from_text,
    clean,
    clerk_text,
    data_annexes,
    law_annex,
    prose,
    with_leads,
)
from atip.letters.model import ENCLOSURE, SIGNED, Annex, Letter, LetterCase, Profile
from atip.letters.wording import check_decision, render_wording, wording_context
from atip.vocabulary import ENCLOSING_OUTCOMES, LETTER_KINDS, REQUEST_KINDS

if TYPE_CHECKING:
    from atip.law.articles import LawLibrary
    from atip.register.annexes import Section


# --------------------------------------------------------------------------- the letter


def build_letter(
    kind: str,
    case: LetterCase,
    profile: Profile,
    letter_date: date,
    law: LawLibrary,
    *,
    template_dirs: Sequence[Path],
    published: bool = False,
) -> Letter:
    """Assemble one letter (acknowledgement, extension or decision) of a request."""
    from atip.law.articles import ACT_TITLE

    if kind not in LETTER_KINDS:
        raise InputError(
            _("unknown letter kind {kind!r}: use one of {choices}").format(
                kind=kind, choices=", ".join(LETTER_KINDS)
            )
        )
    if case.kind not in REQUEST_KINDS:
        raise InputError(
            _("unknown request kind {kind!r}: use documents or personal").format(kind=case.kind)
        )
    decision = case.decision
    if kind == "decision":
        if decision is None:
            raise RefusedError(
                _(
                    "request {reference} has no decision: record it with `atip request decide`"
                ).format(reference=case.reference)
            )
        check_decision(case, decision)
    if kind == "extension" and case.extended_on is None:
        raise RefusedError(
            _("request {reference} was not extended: record it with `atip request extend`").format(
                reference=case.reference
            )
        )

    act_title = clean(ACT_TITLE)
    context = wording_context(kind, case, profile, letter_date, act_title, published=published)
    sections: Sequence[Section] = case.sections if kind == "decision" else ()
    inline: list[int] = []
    if kind == "decision" and decision is not None:
        before, after, inline = clerk_text(decision.paragraphs, case.reference, len(sections))
        context["before"], context["after"] = before, after

    wording = render_wording(kind, context, template_dirs)
    body = with_leads(blocks_from_text(wording.body, sections))
    subject = prose(clean(wording.subject).strip())
    salutation = prose(clean(wording.salutation).strip())
    closing = prose(clean(wording.closing).strip())

    annexes: list[Annex] = []
    if kind == "decision" and decision is not None:
        cited = law_annex(decision, law, letter_date, act_title)
        if cited is not None:
            annexes.append(cited)
        annexes.extend(data_annexes(sections, inline))
    encloses = bool(annexes) or (
        kind == "decision" and decision is not None and decision.outcome in ENCLOSING_OUTCOMES
    )

    reference = clean(case.reference).strip()
    letterhead = tuple(
        prose(line)
        for line in (clean(profile.organisation).strip(), clean(profile.unit).strip())
        if line
    )
    signatory = clean(profile.signatory_name).strip()
    signatory_courtesy = clean(profile.signatory_courtesy).strip()
    if signatory_courtesy and signatory:
        signatory = f"{signatory_courtesy}{french.NBSP}{signatory}"
    reference_line = f"{prose('N/Réf. :')} {reference}"
    return Letter(
        kind=kind,
        reference=reference,
        letter_date=letter_date,
        published=published,
        letterhead=letterhead,
        place_date=prose(french.place_and_date(clean(profile.city).strip(), letter_date)),
        addressee=() if published else _addressee(case),
        reference_line=reference_line,
        subject_line=f"{prose('Objet :')} {subject}",
        salutation=salutation,
        body=body,
        closing=closing,
        signed_by=prose(SIGNED),
        signatory_name=signatory,
        signatory_title=prose(clean(profile.signatory_title).strip()),
        enclosure=ENCLOSURE if encloses else "",
        annexes=tuple(annexes),
        metadata={
            "title": f"{KIND_TITLES.get(kind, kind)}, N/Réf. {reference}"
            + (" (copie publiée)" if published else ""),
            "author": clean(profile.organisation).strip(),
            "subject": subject.replace("\u00a0", " ").replace("\u202f", " "),
            "created": letter_date.isoformat(),
            "city": clean(profile.city).strip(),
        },
        contact=_contact(profile),
        logo=profile.logo,
        signature_image=profile.signature_image,
        signatory_contact=prose(clean(profile.signatory_contact).strip()),
        reference_after_subject=profile.reference_after_subject,
    )


# The kind of each letter in its file's title (metadata): never the requester's name.
KIND_TITLES = {
    "acknowledgement": "Accusé de réception",
    "extension": "Avis de prolongation du délai",
    "decision": "Décision",
}


def _contact(profile: Profile) -> tuple[str, ...]:
    """The letterhead's contact lines: the address, then phone and web site on one line."""
    lines = [prose(line.strip()) for line in clean(profile.address).split("\n") if line.strip()]
    reach = []
    phone = clean(profile.phone).strip()
    if phone:
        reach.append(f"{prose('Téléphone :')} {phone.replace(' ', french.NBSP)}")
    website = clean(profile.website).strip()
    if website:
        reach.append(website)
    if reach:
        lines.append(" · ".join(reach))
    return tuple(lines)


def _addressee(case: LetterCase) -> tuple[str, ...]:
    """Email mention, name and postal address lines, as the requester gave them."""
    lines: list[str] = []
    email = clean(case.requester_email).strip()
    if email:
        lines.append(f"{prose('Par courriel :')} {email}")
    name = clean(case.requester_name).strip()
    if name:
        lines.append(name)
    lines.extend(line.strip() for line in clean(case.requester_address).split("\n") if line.strip())
    return tuple(lines)
