"""French dates, numbers and typography: reading what a clerk types, writing what the office sends.

Only the standard library is imported at load time (Babel only when a number is formatted):
every command reads dates.

## Reading dates
Reading the dates a clerk types: ISO, day-first, or French words. Never a guess.

Accepted (the whole text, surrounding spaces ignored):
- ISO `2024-05-17` (month and day may have one digit: `2024-5-7`); a spreadsheet's midnight
  time `2024-05-17 00:00:00` or `2024-05-17T00:00` is accepted too, any other time is refused.
- Day first, the year in four digits: `17/05/2024`, and with the same separator throughout
  `17-05-2024` or `17.05.2024`. Quebec writes the day first (`05/06/2024` is 5 June), and a
  four-digit year last cannot be mistaken for ISO, so the dashed form is just as unambiguous.
- French: `17 mai 2024`, `1er juillet 2019`, `1 er juillet 2019`, `1ᵉʳ juillet 2019`, with or
  without accents and capitals (`17 Fevrier 2020`), optionally `le 17 mai 2024` and a leading
  weekday (`lundi 6 janvier 2020`, `lundi, le 6 janvier 2020`), which must be the right one.
  Month names are written in full (no `janv.`); `er` goes with day 1 only.

Refused: two-digit years, a missing part (`mai 2024`, `17/05`), a day that does not exist
(`2023-02-29`, `31/04/2024`), years outside 1900-2100, and anything else.

## Typography
Typography rules of `typography()` (the OQLF's rules), applied to prose, never to law texts:
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
import unicodedata
from calendar import monthrange
from datetime import date
from decimal import Decimal

from atip.errors import InputError
from atip.i18n import N_, _, day

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


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def long_date(d: date) -> str:
    """`6 février 2020`; the first of a month is `1er juillet 2019`."""
    number = "1er" if d.day == 1 else str(d.day)
    return f"{number} {MONTHS[d.month - 1]} {d.year}"


def weekday(d: date) -> str:
    """The French name of the day of the week: `lundi` … `dimanche`."""
    return WEEKDAYS[d.weekday()]


def place_and_date(city: str, d: date) -> str:
    """`Montréal, le 6 février 2020` (without a city: `Le 6 février 2020`)."""
    city = city.strip()
    if not city:
        return f"Le {long_date(d)}"
    return f"{city}, le {long_date(d)}"


def date_in_letter(d: date, letter_date: date) -> str:
    """`23 mai dernier` for an earlier day of the letter's year, else the long date."""
    if d.year == letter_date.year and d < letter_date:
        number = "1er" if d.day == 1 else str(d.day)
        return f"{number} {MONTHS[d.month - 1]} dernier"
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
    # CLDR versions differ (U+00A0 or U+202F); the shipped font has only U+00A0.
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
# A web address as written in prose: "https://…" or "www.…", up to a space or a quote.
URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s<>«»\"]+", re.IGNORECASE)
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


def split_address(found: str) -> tuple[str, str]:
    """An address and the sentence punctuation after it: ("www.x.ca", ".")."""
    url, tail = found, ""
    while url and (url[-1] in ".,;:!?»'’" or (url[-1] == ")" and "(" not in url)):
        url, tail = url[:-1], url[-1] + tail
    return url, tail


def typography(text: str) -> str:
    """French typography for prose the office writes (see the module's rules); idempotent."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        address, tail = split_address(match.group(0))
        kept.append(address)
        return f"\ue000{len(kept) - 1}\ue001{tail}"

    # Addresses are set aside first; any private-use marker already in the text is dropped
    # so that it cannot be taken for one of ours.
    out = URL_PATTERN.sub(keep, text.replace("\ue000", "").replace("\ue001", ""))
    out = _EMAIL.sub(keep, out)
    for pattern, replacement in _RULES:
        out = pattern.sub(replacement, out)
    return _TOKEN.sub(lambda m: kept[int(m.group(1))], out)


# --------------------------------------------------------------------------- reading dates


# In English, as the code and its tests compare it; _(EXPECTED) where a message shows it.
EXPECTED = N_("expected YYYY-MM-DD, DD/MM/YYYY or a French date such as '17 mai 2024'")
MIN_YEAR, MAX_YEAR = 1900, 2100

# Month names without accents, as _fold() leaves them.
_MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
# The month as an error message names it (translated where shown).
_MONTHS_EN = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)

# re.ASCII: \d is 0-9 only, so other scripts' digits are not read as a date.
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?", re.ASCII)
_ISO_WITH_TIME = re.compile(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}.*", re.ASCII)
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})", re.ASCII)
_SHORT_YEAR = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{2}", re.ASCII)
_FRENCH = re.compile(
    r"(?:(?P<weekday>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s*,?\s+)?"
    r"(?:le\s+)?"
    r"(?P<day>\d{1,2})(?:\s?(?P<er>er))?\s+"
    r"(?P<month>[a-z]+)\s+"
    r"(?P<year>\d{4})",
    re.ASCII,
)


def _fold(text: str) -> str:
    """Lower case, no accents, superscripts made plain (ᵉʳ -> er), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def _shown(text: str) -> str:
    """The input as quoted in a message: one line, and not a whole pasted page."""
    return text if len(text) <= 60 else text[:57] + "…"


def _fail(text: str, reason: str | None = None) -> InputError:
    return InputError(
        _("invalid date '{text}': {reason}").format(
            text=_shown(text), reason=_(EXPECTED) if reason is None else reason
        )
    )


def _build(text: str, year: int, month: int, day_number: int) -> date:
    """The date, or an error that says which part is impossible."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(
            text,
            _("year {year} is out of range ({first} to {last})").format(
                year=year, first=MIN_YEAR, last=MAX_YEAR
            ),
        )
    if not 1 <= month <= 12:
        raise InputError(
            _("'{text}' does not exist: there is no month {month}").format(
                text=_shown(text), month=month
            )
        )
    if day_number < 1:
        raise InputError(
            _("'{text}' does not exist: there is no day {day}").format(
                text=_shown(text), day=day_number
            )
        )
    last = monthrange(year, month)[1]
    if day_number > last:
        raise InputError(
            _("'{text}' does not exist: {month} {year} has {days} days").format(
                text=_shown(text), month=_(_MONTHS_EN[month - 1]), year=year, days=last
            )
        )
    return date(year, month, day_number)


def parse_date(text: str) -> date:
    """Read a date typed as ISO, day-first or French words; InputError for anything else."""
    raw = " ".join(str(text).split())
    if not raw:
        raise _fail(raw, _("the date is empty; {expected}").format(expected=_(EXPECTED)))

    match = _ISO.fullmatch(raw)
    if match:
        return _build(raw, int(match[1]), int(match[2]), int(match[3]))
    if _ISO_WITH_TIME.fullmatch(raw):
        raise _fail(raw, _("a date without a time is expected (YYYY-MM-DD)"))

    match = _DAY_FIRST.fullmatch(raw)
    if match:
        return _build(raw, int(match[4]), int(match[3]), int(match[1]))
    if _SHORT_YEAR.fullmatch(raw):
        raise _fail(raw, _("write the year with four digits (DD/MM/YYYY)"))

    match = _FRENCH.fullmatch(_fold(raw))
    if not match:
        raise _fail(raw)
    month = _MONTHS.get(match["month"])
    if month is None:
        raise _fail(
            raw,
            _("unknown month '{month}'; {expected}").format(
                month=match["month"], expected=_(EXPECTED)
            ),
        )
    day_number = int(match["day"])
    if match["er"] and day_number != 1:
        raise _fail(raw, _("'er' is only written after day 1 (1er)"))
    typed_weekday = match["weekday"]
    result = _build(raw, int(match["year"]), month, day_number)
    if typed_weekday is not None and weekday(result) != typed_weekday:
        raise _fail(
            raw,
            _("{date} is a {actual}, not a {weekday}").format(
                date=day(result), actual=weekday(result), weekday=typed_weekday
            ),
        )
    return result
