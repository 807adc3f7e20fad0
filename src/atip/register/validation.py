"""Checks on the values a clerk types, before anything is written."""

from __future__ import annotations

import re

from atip.errors import InputError
from atip.i18n import _

_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# One plain address: no spaces, control characters, brackets or separators.
_EMAIL_PART = r"[^@\s\x00-\x1f\x7f<>(),;:\"]+"
_EMAIL = re.compile(rf"^{_EMAIL_PART}@{_EMAIL_PART}\.[^@\s\x00-\x1f\x7f<>(),;:\".]+$")
_LINK = re.compile(r"^(https?://|www\.)\S+$")


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
