"""Checks on the values a clerk types, before anything is written."""

from __future__ import annotations

import re
from collections.abc import Sequence

from atip.errors import InputError, RefusedError
from atip.i18n import _
from atip.vocabulary import GROUNDS_REQUIRED, NOT_GROUNDS, OUTCOMES, REQUEST_KINDS, label

_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# One plain address: no spaces, control characters, brackets or separators.
_EMAIL_PART = r"[^@\s\x00-\x1f\x7f<>(),;:\"]+"
_EMAIL = re.compile(rf"^{_EMAIL_PART}@{_EMAIL_PART}\.[^@\s\x00-\x1f\x7f<>(),;:\".]+$")
_LINK = re.compile(r"^(https?://|www\.)\S+$")
# The two forms as patterns, for the checks of many values at once (an import's quick pass).
REFERENCE_FORM = _REFERENCE
EMAIL_FORM = _EMAIL
# "[[annexe 2]]" on a line of the decision's text places annex 2 there.
ANNEX_MARK = re.compile(r"\[\[\s*annexe\s+(\d+)\s*\]\]", re.IGNORECASE)


# A cell of a CSV or XLSX file, at most (Excel's own limit): the same for both.
CELL_LIMIT = 32_767
# The one input policy of every text field, whatever its path (command line, CSV, XLSX, annex
# files, --body): its longest length, and whether it may hold line breaks and tabs. atip
# enforces it, so SQLite and PostgreSQL hold the same values (`check_field`).
FIELDS: dict[str, tuple[int, bool]] = {
    "name": (300, False),  # a requester, a third party, an organisation, a clerk
    "email": (254, False),
    "address": (1_000, True),
    "courtesy": (64, False),
    "subject": (4_000, True),
    "channel": (32, False),
    "clerk": (128, False),
    "reason": (2_000, True),  # a correction's, a cancellation's, a revision's why
    "note": (10_000, True),
    "body": (100_000, True),  # a decision's paragraphs
    "referral_body": (1_000, True),
    "title": (300, False),  # an annex's
    "source": (1_000, False),
    "cell": (CELL_LIMIT, True),  # a cell of a CSV or XLSX file
    "text": (100_000, True),  # an annex's text
    "organisation": (300, False),
}
# Characters no field holds: C0 and C1 controls (but newline and tab, where a field allows
# them), DEL, and the bidirectional controls that reorder what is shown (a name displayed
# backwards in a letter or a terminal).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029")


# What the policy refuses, as one pattern each way: a register of 100,000 rows has a million
# cells, and a scan character by character in Python is what an import would spend its time on.
_REFUSED_CHARS = "".join(sorted(_BIDI)) + "\u007f-\u009f"
_REFUSED_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f{_REFUSED_CHARS}]")
_REFUSED_ONE_LINE = re.compile(f"[\x00-\x1f{_REFUSED_CHARS}\u2028\u2029]")


def refused_character(text: str, multiline: bool) -> str | None:
    """The first character the input policy refuses in `text`, or None: control characters
    (newline and tab allowed where the field has several lines), DEL and C1 controls, bidi
    controls, and line or paragraph separators in a one-line field."""
    found = (_REFUSED_MULTILINE if multiline else _REFUSED_ONE_LINE).search(text)
    return found.group(0) if found else None


def check_field(value: str, what: str, *, field: str) -> str:
    """`value` when the policy of `field` allows it; else InputError naming `what`, never the
    value (it may be personal information)."""
    limit, multiline = FIELDS[field]
    char = refused_character(value, multiline)
    if char is not None:
        if char in _BIDI:
            raise InputError(
                _("{what} contains a bidirectional control character (U+{code:04X})").format(
                    what=what, code=ord(char)
                )
            )
        if char in "\n\r" or char in _SEPARATORS:
            raise InputError(_("{what} must be on one line").format(what=what))
        raise InputError(
            _("{what} contains control characters (U+{code:04X})").format(what=what, code=ord(char))
        )
    if len(value) > limit:
        raise InputError(
            _("{what} is too long: {length} characters, at most {limit}").format(
                what=what, length=len(value), limit=limit
            )
        )
    return value


def clean_text(
    value: str | None, what: str, *, required: bool = False, field: str = "note"
) -> str | None:
    """Stripped text, None when empty, checked by the input policy of `field`."""
    if value is None:
        if required:
            raise InputError(_("{what} is required").format(what=what))
        return None
    text = value.strip()
    if required and not text:
        raise InputError(_("{what} must not be empty").format(what=what))
    check_field(text, what, field=field)
    return text or None


def check_email(value: str | None) -> str | None:
    """A plausible email address or None; the error never repeats it (personal information)."""
    email = value.strip() if value else None
    if email and (not _EMAIL.match(email) or refused_character(email, False)):
        raise InputError(_("invalid email address: expected the form name@domain.tld"))
    if email:
        check_field(email, _("the email address"), field="email")
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


# "a." or "art." before an article's number, with or without a space: "a. 53", "art.53".
_ARTICLE_PREFIX = re.compile(r"(?<![\w.])(?:a|art)\.\s*(?=\d)", re.IGNORECASE)
_ARTICLE_SEPARATORS = re.compile(r"[,;\s]+")
_ARTICLE_NUMBER = re.compile(r"\d{1,3}(\.\d{1,2})?")


def split_articles(text: str | None) -> tuple[str, ...]:
    """'53, 54' -> ('53', '54'); 'a. 53; art. 54' the same; numbers like 16.1 kept;
    InputError for anything else."""
    if not text:
        return ()
    out: list[str] = []
    for part in _ARTICLE_SEPARATORS.split(_ARTICLE_PREFIX.sub("", text.strip())):
        if not part:
            continue
        number = part
        if not _ARTICLE_NUMBER.fullmatch(number):
            raise InputError(
                _("invalid article number {article!r}: expected numbers such as 53,54").format(
                    article=part
                )
            )
        if number not in out:
            out.append(number)
    return tuple(out)


def placed_annexes(body: str) -> list[int]:
    """The annex numbers the decision's text places: a paragraph that is only `[[annexe N]]`."""
    chunks = re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n"))
    return [int(m.group(1)) for c in chunks if (m := ANNEX_MARK.fullmatch(c.strip()))]


def check_placed_annexes(reference: str, numbers: Sequence[int], annex_count: int) -> None:
    """RefusedError when the decision's text places an annex the request does not have."""
    for number in numbers:
        if not 1 <= number <= annex_count:
            raise RefusedError(
                _(
                    "the decision text of {reference} places [[annexe {number}]] but the request "
                    "has {count} annex(es): add it with `atip annex add` first"
                ).format(reference=reference, number=number, count=annex_count)
            )


def check_decision_content(
    reference: str,
    outcome: str,
    articles: Sequence[str],
    referral_body: str | None,
    body: str,
    annex_count: int,
) -> None:
    """Refuse a decision that could never become a letter: a refusal without the articles that
    ground it (a. 50), a referral without the competent body (a. 48), or a text that places an
    annex the request does not have. Checked when it is recorded, and again at the letter."""
    if outcome in GROUNDS_REQUIRED and not [a for a in articles if a not in NOT_GROUNDS]:
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
    check_placed_annexes(reference, placed_annexes(body), annex_count)


def check_outcome(outcome: str | None) -> None:
    """InputError unless the outcome is one of the codes (or None)."""
    if outcome is not None and outcome not in OUTCOMES:
        raise InputError(
            _("invalid outcome {outcome!r}: expected {outcomes}").format(
                outcome=outcome, outcomes=", ".join(label("outcome", o) for o in OUTCOMES)
            )
        )


def check_kind(kind: str) -> None:
    """InputError unless the request kind is one of the codes."""
    if kind not in REQUEST_KINDS:
        raise InputError(
            _("invalid kind {kind!r}: expected {kinds}").format(
                kind=kind, kinds=", ".join(label("kind", k) for k in REQUEST_KINDS)
            )
        )
