"""French dates, numbers and typography for the letters and reports the office writes.

Typography rules of `typography()` (SPEC §5), applied to prose, never to law texts:
- `:` `;` `?` `!` `$` and `»` get a non-breaking space (U+00A0) before them, `«` one after.
  Spaces already there (ordinary, narrow or several) become that one U+00A0.
- Where there is no space, one is inserted only when the sign closes a word: before `:` `;` `?`
  `!` that follow a letter, digit or closing mark (`)` `]` `»` `"` `’`) and are followed by a space,
  the end of the text or closing punctuation. So the labels `Source:` and `Objet:` become
  `Source :`, while `10:30`, `1:2`, `a:b`, `C:\\x`, `?id=3` and `https://…` are left alone.
  `4200$` gets one before `$` only after a digit; `«x»` gets both spaces.
- A straight apostrophe between two letters becomes `’` (`l'accès` -> `l’accès`); other straight
  quotes are left alone.
- Web addresses (`https://…`, `www.…`) and e-mail addresses are never changed. Sentence
  punctuation after an address (`www.x.ca :`) is still prose.
- Idempotent: typography(typography(x)) == typography(x).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

NBSP = "\u00a0"

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


# --------------------------------------------------------------------------- dates


def long_date(d: date) -> str:
    """`6 février 2020`; the first of a month is `1er juillet 2019`."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS[d.month - 1]} {d.year}"


def place_and_date(city: str, d: date) -> str:
    """`Montréal, le 6 février 2020` (without a city: `Le 6 février 2020`)."""
    city = city.strip()
    if not city:
        return f"Le {long_date(d)}"
    return f"{city}, le {long_date(d)}"


def date_in_letter(d: date, letter_date: date) -> str:
    """`23 mai dernier` for an earlier day of the letter's year, else the long date."""
    if d.year == letter_date.year and d < letter_date:
        day = "1er" if d.day == 1 else str(d.day)
        return f"{day} {MONTHS[d.month - 1]} dernier"
    return long_date(d)


def fiscal_year_label(start_year: int) -> str:
    """The fiscal year that starts on 1 April of `start_year`: `2023-2024`."""
    if isinstance(start_year, bool) or not isinstance(start_year, int):
        raise TypeError(f"start_year must be an int, not {type(start_year).__name__}")
    return f"{start_year}-{start_year + 1}"


# --------------------------------------------------------------------------- numbers


def _grouped(value: int | float | Decimal, pattern: str) -> str:
    from babel.numbers import format_decimal

    text = format_decimal(value, format=pattern, locale="fr_CA")
    # CLDR versions differ (U+00A0 or U+202F); the shipped font and the SPEC want U+00A0.
    return text.replace("\u202f", NBSP).replace(" ", NBSP)


def number(n: int | float | Decimal) -> str:
    """`10 114`, `12,5`: grouped by thousands with U+00A0, decimal comma."""
    return _grouped(n, "#,##0.###")


def money(amount: int | float | Decimal, *, millions: bool = False) -> str:
    """`4 200 $`, `4 200,50 $`; with millions=True an amount in dollars reads `12,5 M$`.

    Cents are shown only when there are some. In millions the amount is rounded to two
    decimals of a million (20 000 000 -> `20 M$`, 12 500 000 -> `12,5 M$`).
    """
    if millions:
        return f"{_grouped(Decimal(str(amount)) / 1_000_000, '#,##0.##')}{NBSP}M$"
    value = Decimal(str(amount))
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return f"{_grouped(value, pattern)}{NBSP}$"


# --------------------------------------------------------------------------- typography

# Spaces that French typography replaces with one non-breaking space.
_SPACES = "[ \t\u00a0\u202f\u2009]+"
_URL = re.compile(r"(?:https?://|www\.)[^\s<>«»\"]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TOKEN = re.compile("\ue000(\\d+)\ue001")
# What may close a word before a sign ("\ue001" ends a protected address).
_WORD_END = '[^\\W_]|[)\\]»"’\ue001]'
# What may follow a sign that closes a word.
_AFTER = '(?=\\s|$|[)\\]»"’.,;:!?…])'

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Spaces before a double sign or a closing guillemet become one NBSP.
    (re.compile(f"(?<=\\S){_SPACES}([:;?!»])"), NBSP + r"\1"),
    (re.compile(f"(?<=\\S){_SPACES}(\\$)"), NBSP + r"\1"),
    # Spaces after an opening guillemet become one NBSP.
    (re.compile(f"«{_SPACES}(?=\\S)"), "«" + NBSP),
    # A missing space before a sign that closes a word.
    (re.compile(f"(?<={_WORD_END})([:;?!]){_AFTER}"), NBSP + r"\1"),
    # 4200$ -> 4200 $; 20M$ is left to the writer (money() writes 20 M$).
    (re.compile("(?<=\\d)\\$"), NBSP + "$"),
    # «x» -> « x »
    (re.compile("«(?=[^\\s\u00a0])"), "«" + NBSP),
    (re.compile("(?<=[^\\s\u00a0])»"), NBSP + "»"),
    # l'accès -> l’accès
    (re.compile("(?<=[^\\W\\d_])'(?=[^\\W\\d_])"), "’"),
)


def _split_address(found: str) -> tuple[str, str]:
    """An address and the sentence punctuation after it: ("www.x.ca", ".")."""
    url, tail = found, ""
    while url and (url[-1] in ".,;:!?»'’" or (url[-1] == ")" and "(" not in url)):
        url, tail = url[:-1], url[-1] + tail
    return url, tail


def typography(text: str) -> str:
    """French typography for prose the office writes (see the module's rules); idempotent."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        address, tail = _split_address(match.group(0))
        kept.append(address)
        return f"\ue000{len(kept) - 1}\ue001{tail}"

    # Addresses are set aside first; any private-use marker already in the text is dropped
    # so that it cannot be taken for one of ours.
    out = _URL.sub(keep, text.replace("\ue000", "").replace("\ue001", ""))
    out = _EMAIL.sub(keep, out)
    for pattern, replacement in _RULES:
        out = pattern.sub(replacement, out)
    return _TOKEN.sub(lambda m: kept[int(m.group(1))], out)
