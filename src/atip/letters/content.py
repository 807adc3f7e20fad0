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
    articles_annex,
    blocks_from_text,
    clean,
    clerk_text,
    data_annexes,
    law_annex,
    prose,
    with_leads,
)
from atip.letters.model import (
    ENCLOSURE,
    SIGNED,
    Annex,
    Letter,
    LetterCase,
    Profile,
    ThirdPartyData,
)
from atip.letters.wording import check_decision, render_wording, wording_context
from atip.vocabulary import ENCLOSING_OUTCOMES, LETTER_KINDS, REQUEST_KINDS, label

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
    recipient: int | None = None,
) -> Letter:
    """Assemble one letter of a request; `recipient` is the position of the third party a
    third-party letter is addressed to (None: the requester)."""
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
    check_letter(kind, case, recipient)
    decision = case.decision
    party = case.third_party(recipient) if recipient is not None else None
    if kind in TO_THIRD_PARTY and party is None:
        raise InputError(
            _("the {kind} letter of {reference} is addressed to a third party").format(
                kind=label("letter", kind), reference=case.reference
            )
        )

    act_title = clean(ACT_TITLE)
    context = wording_context(
        kind, case, profile, letter_date, act_title, published=published, party=party
    )
    sections: Sequence[Section] = case.sections if kind == "decision" else ()
    inline: list[int] = []
    if kind == "decision" and decision is not None:
        before, after, inline = clerk_text(decision.paragraphs, case.reference, len(sections))
        context["before"], context["after"] = before, after

    wording = render_wording(wording_name(kind, recipient), context, template_dirs)
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
    cited_law = KIND_ARTICLES.get(kind, ())
    if cited_law:
        annexes.append(articles_annex(cited_law, law, letter_date, act_title))
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
        addressee=() if published else (_party_addressee(party) if party else _addressee(case)),
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
            "title": f"{kind_title(kind, recipient)}, N/Réf. {reference}"
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
    "precision": "Demande de précisions",
    "referral": "Avis de renvoi à l’organisme compétent",
    "third-party-notice": "Avis au tiers",
    "third-party-decision": "Avis de décision au tiers",
    "fees": "Estimation des frais",
    "withdrawal": "Confirmation du désistement",
}
# The articles whose verbatim text a letter of these kinds attaches (from the law library).
KIND_ARTICLES: dict[str, tuple[str, ...]] = {
    "third-party-notice": ("49",),
    "third-party-decision": ("49",),
}
# Letters whose addressee is a third party (a. 49), never the requester.
TO_THIRD_PARTY = ("third-party-decision",)


def kind_title(kind: str, recipient: int | None) -> str:
    """The title of a letter in its file's metadata: its kind, and for the requester's notice
    of a third party, that it is addressed to the requester."""
    if kind == "third-party-notice" and recipient is None:
        return "Avis au requérant de l’avis au tiers"
    return KIND_TITLES.get(kind, kind)


def wording_name(kind: str, recipient: int | None) -> str:
    """The wording template of a letter: the kind's, and `third-party-notice-requester` for
    the notice a. 49 requires to the requester."""
    if kind == "third-party-notice" and recipient is None:
        return "third-party-notice-requester"
    return kind


def check_letter(kind: str, case: LetterCase, recipient: int | None = None) -> None:
    """Refuse a letter the file does not support, with the command that records what it needs."""
    ref = case.reference
    decision = case.decision
    if case.voided_on is not None:
        raise RefusedError(
            _("request {reference} is void: it has no letters").format(reference=ref)
        )
    if kind in ("decision", "third-party-decision") and decision is None:
        raise RefusedError(
            _("request {reference} has no decision: record it with `atip request decide`").format(
                reference=ref
            )
        )
    if kind == "decision" and decision is not None:
        check_decision(case, decision)
    if kind == "extension" and case.extended_on is None:
        raise RefusedError(
            _("request {reference} was not extended: record it with `atip request extend`").format(
                reference=ref
            )
        )
    if kind == "referral" and (
        decision is None
        or decision.outcome != "referred"
        or not clean(decision.referral_body).strip()
    ):
        raise RefusedError(
            _(
                "request {reference} was not referred to another body: record it with "
                "`atip request decide --outcome referred --referral-body TEXT`"
            ).format(reference=ref)
        )
    if kind in ("third-party-notice", "third-party-decision"):
        if not case.third_parties:
            raise RefusedError(
                _(
                    "request {reference} has no third party: record it with "
                    "`atip request third-party --notified DATE --name NAME --address TEXT`"
                ).format(reference=ref)
            )
        if recipient is not None:
            try:
                party = case.third_party(recipient)
            except KeyError:
                raise RefusedError(
                    _("request {reference} has no third party {number}").format(
                        reference=ref, number=recipient
                    )
                ) from None
            if not clean(party.name).strip():
                raise RefusedError(
                    _(
                        "third party {number} of request {reference} has no name: record it with "
                        "`atip request third-party --notified DATE --name NAME --address TEXT`"
                    ).format(number=recipient, reference=ref)
                )
    if kind == "fees":
        fees = case.fees
        if fees is None or fees.estimate is None or fees.estimated_on is None:
            raise RefusedError(
                _(
                    "request {reference} has no fee estimate: record it with "
                    "`atip request fees --estimate AMOUNT --on DATE`"
                ).format(reference=ref)
            )
        if fees.waived:
            raise RefusedError(
                _(
                    "the fees of request {reference} are waived: there is no estimate to send"
                ).format(reference=ref)
            )
    if kind == "withdrawal" and case.withdrawn_on is None:
        raise RefusedError(
            _(
                "request {reference} was not withdrawn: record it with `atip request withdraw`"
            ).format(reference=ref)
        )


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


def _party_addressee(party: ThirdPartyData) -> tuple[str, ...]:
    """A third party's email mention, name and address: never the requester's identity."""
    return _address_block(party.email, party.name, party.address)


def _addressee(case: LetterCase) -> tuple[str, ...]:
    """Email mention, name and postal address lines, as the requester gave them."""
    return _address_block(case.requester_email, case.requester_name, case.requester_address)


def _address_block(email: str | None, name: str | None, address: str | None) -> tuple[str, ...]:
    """`Par courriel : …`, the name, and each line of the postal address."""
    lines: list[str] = []
    shown = clean(email).strip()
    if shown:
        lines.append(f"{prose('Par courriel :')} {shown}")
    if clean(name).strip():
        lines.append(clean(name).strip())
    lines.extend(line.strip() for line in clean(address).split("\n") if line.strip())
    return tuple(lines)
