"""Reading the dates a clerk types: ISO, day-first, or French words. Never a guess.

Accepted (the whole text, surrounding spaces ignored):
- ISO `2024-05-17` (month and day may have one digit: `2024-5-7`); a spreadsheet's midnight
  time `2024-05-17 00:00:00` or `2024-05-17T00:00` is accepted too, any other time is refused.
- Day first, the year in four digits: `17/05/2024`, and with the same separator throughout
  `17-05-2024` or `17.05.2024`. The SPEC fixes the day-first reading (`05/06/2024` is 5 June), and
  a four-digit year last cannot be mistaken for ISO, so the dashed form is just as unambiguous.
- French: `17 mai 2024`, `1er juillet 2019`, `1 er juillet 2019`, `1ᵉʳ juillet 2019`, with or
  without accents and capitals (`17 Fevrier 2020`), optionally `le 17 mai 2024` and a leading
  weekday (`lundi 6 janvier 2020`, `lundi, le 6 janvier 2020`), which must be the right one.
  Month names are written in full (no `janv.`); `er` goes with day 1 only.

Refused: two-digit years, a missing part (`mai 2024`, `17/05`), a day that does not exist
(`2023-02-29`, `31/04/2024`), years outside 1900-2100, and anything else.
Only the standard library is used: every command imports this module.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from datetime import date

from atip.errors import InputError

EXPECTED = "expected YYYY-MM-DD, DD/MM/YYYY or a French date such as '17 mai 2024'"
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
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
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


def _fail(text: str, reason: str = EXPECTED) -> InputError:
    return InputError(f"invalid date '{_shown(text)}': {reason}")


def _build(text: str, year: int, month: int, day: int) -> date:
    """The date, or an error that says which part is impossible."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(text, f"year {year} is out of range ({MIN_YEAR} to {MAX_YEAR})")
    if not 1 <= month <= 12:
        raise InputError(f"'{_shown(text)}' does not exist: there is no month {month}")
    if day < 1:
        raise InputError(f"'{_shown(text)}' does not exist: there is no day {day}")
    last = monthrange(year, month)[1]
    if day > last:
        raise InputError(
            f"'{_shown(text)}' does not exist: {_MONTHS_EN[month - 1]} {year} has {last} days"
        )
    return date(year, month, day)


def parse_date(text: str) -> date:
    """Read a date typed as ISO, day-first or French words; InputError for anything else."""
    raw = " ".join(str(text).split())
    if not raw:
        raise _fail(raw, f"the date is empty; {EXPECTED}")

    match = _ISO.fullmatch(raw)
    if match:
        return _build(raw, int(match[1]), int(match[2]), int(match[3]))
    if _ISO_WITH_TIME.fullmatch(raw):
        raise _fail(raw, "a date without a time is expected (YYYY-MM-DD)")

    match = _DAY_FIRST.fullmatch(raw)
    if match:
        return _build(raw, int(match[4]), int(match[3]), int(match[1]))
    if _SHORT_YEAR.fullmatch(raw):
        raise _fail(raw, "write the year with four digits (DD/MM/YYYY)")

    match = _FRENCH.fullmatch(_fold(raw))
    if not match:
        raise _fail(raw)
    month = _MONTHS.get(match["month"])
    if month is None:
        raise _fail(raw, f"unknown month '{match['month']}'; {EXPECTED}")
    day = int(match["day"])
    if match["er"] and day != 1:
        raise _fail(raw, "'er' is only written after day 1 (1er)")
    weekday = match["weekday"]
    result = _build(raw, int(match["year"]), month, day)
    if weekday is not None and _WEEKDAYS[result.weekday()] != weekday:
        actual = _WEEKDAYS[result.weekday()]
        raise _fail(raw, f"{result.isoformat()} is a {actual}, not a {weekday}")
    return result
