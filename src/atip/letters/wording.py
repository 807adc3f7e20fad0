"""The French wording of each letter kind: Jinja templates (templates/wording/*.txt.j2) that an
office may override, given only data; what they write is parsed into blocks afterwards."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from atip import french
from atip.errors import InputError
from atip.i18n import _
from atip.letters.blocks import clean, encode_subject, unique
from atip.letters.model import DecisionData, LetterCase, Profile, ThirdPartyData
from atip.register.validation import check_decision_content
from atip.templating import environment, plain
from atip.vocabulary import GIVES_ACCESS, NOT_GROUNDS, OUTCOMES, REFUSAL_OUTCOMES


def de(name: str) -> str:
    """French "de" + a name: "le Ministère" -> "du Ministère", "les" -> "des"."""
    lowered = name.lower()
    if lowered.startswith("le "):
        return "du " + name[3:]
    if lowered.startswith("les "):
        return "des " + name[4:]
    return "de " + name


def capfirst(text: str) -> str:
    """The text with its first letter in capitals."""
    return text[:1].upper() + text[1:]


def articles_phrase(numbers: Sequence[str]) -> str:
    """ "de l'article 53 ci-joint", "des articles 53 et 54 ci-joints" (after "en vertu")."""
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"de l'article {numbers[0]} ci-joint"
    listed = ", ".join(numbers[:-1]) + " et " + numbers[-1]
    return f"des articles {listed} ci-joints"


# --------------------------------------------------------------------------- wording


FILTERS = (("de", de), ("capfirst", capfirst))


def _template_error(exc: Exception) -> InputError:
    where = getattr(exc, "filename", None) or getattr(exc, "name", None) or _("template")
    line = getattr(exc, "lineno", None)
    at = _("{file}, line {line}").format(file=where, line=line) if line else str(where)
    message = getattr(exc, "message", None) or str(exc)
    return InputError(_("{place}: {message}").format(place=at, message=message))


@dataclass(frozen=True)
class Wording:
    """What a wording template wrote, as plain text: the body and the lines around it."""

    body: str
    subject: str
    salutation: str
    closing: str


def render_wording(kind: str, context: dict[str, Any], template_dirs: Sequence[Path]) -> Wording:
    """Render templates/wording/KIND.txt.j2 with the letter's data."""
    from jinja2 import TemplateError, TemplateNotFound

    env = environment(template_dirs, FILTERS)
    name = f"wording/{kind}.txt.j2"
    try:
        module = env.get_template(name).make_module(context)
    except TemplateNotFound as exc:
        folders = ", ".join(map(str, template_dirs))
        raise InputError(
            _("template {name} not found in {folders}").format(name=exc.name, folders=folders)
        ) from None
    except TemplateError as exc:
        raise _template_error(exc) from None
    return Wording(
        body=plain(module),
        **{part: plain(getattr(module, part, "")) for part in ("subject", "salutation", "closing")},
    )


SALUTATION = "Bonjour,"
CLOSING = "Veuillez recevoir nos salutations distinguées."
# With the requester's courtesy title ("Madame"), when the office sets no formula of its own.
SALUTATION_COURTESY = "{courtesy},"
CLOSING_COURTESY = "Veuillez agréer, {courtesy}, nos salutations distinguées."
_COURTESY = "{courtesy}"
# How a letter to a third party greets it, its title being unknown.
THIRD_PARTY_COURTESY = "Madame, Monsieur"


def formula(text: str, courtesy: str) -> str:
    """A salutation or closing with the courtesy title put in; without one, taken out.

    "Nous vous prions d'agréer, {courtesy}, nos salutations" reads "Nous vous prions d'agréer
    nos salutations" without a title, and "{courtesy}," reads nothing at all.
    """
    if courtesy:
        filled = text.replace(_COURTESY, courtesy)
    else:
        filled = re.sub(r",\s*\{courtesy\}\s*,\s*", " ", text)
        filled = re.sub(r"\s*\{courtesy\}\s*", "", filled)
    filled = " ".join(filled.split())
    if not any(ch.isalpha() for ch in filled):
        return ""
    return capfirst(filled)


def formulas(profile: Profile, courtesy: str) -> dict[str, str]:
    """The salutation and the closing of a letter to someone of this courtesy title."""
    salutation = profile.salutation or (SALUTATION_COURTESY if courtesy else SALUTATION)
    closing = profile.closing or (CLOSING_COURTESY if courtesy else CLOSING)
    return {"salutation": formula(salutation, courtesy), "closing": formula(closing, courtesy)}


def no_break(text: str) -> str:
    """A date that no line break may split: "6 février 2020" with no-break spaces."""
    return text.replace(" ", french.NBSP)


def wording_context(
    letter_kind: str,
    case: LetterCase,
    profile: Profile,
    letter_date: date,
    act_title: str,
    *,
    published: bool = False,
    party: ThirdPartyData | None = None,
) -> dict[str, Any]:
    """Everything a wording template may say, as plain text (user text cleaned, not escaped).

    With `party`, the letter is addressed to that third party: its salutation and closing are
    those of a letter to someone whose title is not known ("Madame, Monsieur"), and nothing of
    the requester is given (a. 53: the requester's identity is personal information)."""
    decision = case.decision
    org = {
        name: clean(getattr(profile, name)).strip()
        for name in (
            "organisation",
            "unit",
            "short_name",
            "city",
            "signatory_name",
            "signatory_title",
            "review_body",
            "review_body_url",
        )
    }
    org["review_body_address"] = _one_line(profile.review_body_address)
    offices = [(clean(n).strip(), _one_line(a)) for n, a in profile.review_offices]
    offices = [(n, a) for n, a in offices if a]
    if not offices and org["review_body_address"]:
        offices = [("", org["review_body_address"])]
    courtesy = "" if published else clean(case.requester_courtesy).strip()
    if party is not None:
        courtesy = THIRD_PARTY_COURTESY
    long_date = lambda d: no_break(french.long_date(d))  # noqa: E731
    context: dict[str, Any] = {
        "letter_kind": letter_kind,
        "kind": case.kind,
        "org": org,
        "act_title": act_title,
        "review_offices": offices,
        "formula": formulas(profile, clean(courtesy).strip()),
        "courtesy": courtesy,
        "reference": clean(case.reference),
        "received": long_date(case.received_on),
        "clarified": (
            no_break(french.date_in_letter(case.clarified_on, letter_date))
            if case.clarified_on
            else None
        ),
        "subject": encode_subject(case.subject),
        "response_due": long_date(case.response_due),
        "extended_due": long_date(case.extended_due),
        "decision_due": long_date(case.decision_due),
        "extended_on": long_date(case.extended_on) if case.extended_on else None,
        "third_party_notified": (
            long_date(case.third_party_notified_on) if case.third_party_notified_on else None
        ),
        "outcome": decision.outcome if decision else None,
        "grounds": "",
        "links": [],
        "referral_body": "",
        "before": "",
        "after": "",
        "gives_access": bool(decision and decision.outcome in GIVES_ACCESS),
        "decided": long_date(decision.decided_on) if decision else None,
        "third_party_count": len(case.third_parties),
        "observations_due": long_date(case.observations_due) if case.observations_due else None,
        "executory_on": long_date(case.executory_on) if case.executory_on else None,
        "withdrawn": long_date(case.withdrawn_on) if case.withdrawn_on else None,
        "party": None,
        "fees": None,
    }
    if party is not None:
        context["party"] = {
            "name": clean(party.name).strip(),
            "notified": long_date(party.notified_on),
            "observations_due": (
                long_date(party.observations_due) if party.observations_due else None
            ),
            "observations": (long_date(party.observations_on) if party.observations_on else None),
        }
    if case.fees is not None and case.fees.estimate is not None:
        context["fees"] = {
            "estimate": french.money(case.fees.estimate),
            "estimated_on": (long_date(case.fees.estimated_on) if case.fees.estimated_on else None),
        }
    if decision is not None and letter_kind in ("referral", "third-party-decision"):
        context["referral_body"] = _one_line((decision.referral_body or "").replace("\\n", "\n"))
    if decision is not None and letter_kind == "decision":
        cited = unique(decision.articles)
        grounds = [n for n in cited if n not in NOT_GROUNDS]
        if decision.outcome in REFUSAL_OUTCOMES:
            context["grounds"] = articles_phrase(grounds)
        context["links"] = [clean(u).strip() for u in decision.links if clean(u).strip()]
        context["referral_body"] = clean(decision.referral_body).strip()
    return context


def _one_line(address: str) -> str:
    """A postal address typed on several lines, on one: "525, boulevard …, Québec (Québec)"."""
    return ", ".join(line.strip() for line in clean(address).split("\n") if line.strip())


def check_decision(case: LetterCase, decision: DecisionData) -> None:
    if decision.outcome not in OUTCOMES:
        raise InputError(
            _("unknown outcome {outcome!r}: use one of {choices}").format(
                outcome=decision.outcome, choices=", ".join(OUTCOMES)
            )
        )
    check_decision_content(
        case.reference,
        decision.outcome,
        unique(decision.articles),
        clean(decision.referral_body).strip(),
        "",
        len(case.sections),
    )
