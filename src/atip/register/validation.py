"""Checks on the values a clerk types, before anything is written."""

from __future__ import annotations

import re
from collections.abc import Sequence

from atip.errors import InputError, RefusedError
from atip.i18n import _
from atip.vocabulary import label

_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# One plain address: no spaces, control characters, brackets or separators.
_EMAIL_PART = r"[^@\s\x00-\x1f\x7f<>(),;:\"]+"
_EMAIL = re.compile(rf"^{_EMAIL_PART}@{_EMAIL_PART}\.[^@\s\x00-\x1f\x7f<>(),;:\".]+$")
_LINK = re.compile(r"^(https?://|www\.)\S+$")
# "[[annexe 2]]" on a line of the decision's text places annex 2 there.
ANNEX_MARK = re.compile(r"\[\[\s*annexe\s+(\d+)\s*\]\]", re.IGNORECASE)
# Articles cited in support of an answer rather than as a ground of refusal.
NOT_GROUNDS = ("1", "13")


def clean_text(value: str | None, what: str, *, required: bool = False) -> str | None:
    """Stripped text, None when empty; control characters other than newline and tab refused."""
    if value is None:
        if required:
            raise InputError(_("{what} is required").format(what=what))
        return None
    text = value.strip()
    if required and not text:
        raise InputError(_("{what} must not be empty").format(what=what))
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InputError(_("{what} contains control characters").format(what=what))
    return text or None


def check_email(value: str | None) -> str | None:
    """A plausible email address or None; the error never repeats it (personal information)."""
    email = value.strip() if value else None
    if email and not _EMAIL.match(email):
        raise InputError(_("invalid email address: expected the form name@domain.tld"))
    return email or None


def check_reference(reference: str) -> str:
    """A reference usable as a file name: letters, digits, '.', '_' and '-' only."""
    ref = reference.strip()
    if not _REFERENCE.match(ref):
        raise InputError(
            _(
                "invalid reference {reference!r}: use letters, digits, '.', '_' or '-' (64 at most)"
            ).format(reference=reference)
        )
    return ref


def check_link(link: str) -> str:
    """A web address published under a. 13: http(s):// or www."""
    if not _LINK.match(link):
        raise InputError(
            _("invalid link {link!r}: expected an http(s):// or www. address").format(link=link)
        )
    return link


def split_articles(text: str | None) -> tuple[str, ...]:
    """'53, 54' -> ('53', '54'); numbers like 16.1 kept; InputError for anything else."""
    if not text:
        return ()
    out: list[str] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        number = part.removeprefix("a.").strip()
        if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", number):
            raise InputError(
                _("invalid article number {article!r}: expected numbers such as 53,54").format(
                    article=part
                )
            )
        if number not in out:
            out.append(number)
    return tuple(out)


def check_decision_content(
    reference: str,
    outcome: str,
    articles: Sequence[str],
    referral_body: str | None,
    body: str,
    annex_count: int,
) -> None:
    """Refuse, when it is recorded, a decision that could never become a letter: a refusal
    without the articles that ground it (a. 50), a referral without the competent body
    (a. 48), or a text that places an annex the request does not have."""
    if outcome in ("partial", "refused") and not [a for a in articles if a not in NOT_GROUNDS]:
        raise RefusedError(
            _(
                "a {outcome} decision must cite the articles that ground the refusal (a. 50): "
                "give --articles"
            ).format(outcome=label("outcome", outcome))
        )
    if outcome == "referred" and not (referral_body or "").strip():
        raise RefusedError(
            _("a referral must name the competent body (a. 48): give --referral-body")
        )
    for match in ANNEX_MARK.finditer(body):
        number = int(match.group(1))
        if not 1 <= number <= annex_count:
            raise RefusedError(
                _(
                    "the decision text of {reference} places [[annexe {number}]] but the request "
                    "has {count} annex(es): add it with `atip annex add` first"
                ).format(reference=reference, number=number, count=annex_count)
            )
