"""DATE input (SPEC §3): ISO, day first and French text; incomplete or impossible dates refused."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from atip.errors import InputError
from atip.french import EXPECTED, parse_date

ACCEPTED = [
    # ISO
    ("2024-05-17", date(2024, 5, 17)),
    ("2024-02-29", date(2024, 2, 29)),  # leap year
    ("2000-02-29", date(2000, 2, 29)),  # divisible by 400: leap
    ("2024-5-7", date(2024, 5, 7)),
    (" 2024-05-17 ", date(2024, 5, 17)),
    ("2024-05-17 00:00:00", date(2024, 5, 17)),  # a spreadsheet date cell as text
    ("2024-05-17T00:00", date(2024, 5, 17)),
    # day first
    ("17/05/2024", date(2024, 5, 17)),
    ("05/06/2024", date(2024, 6, 5)),  # day first, never month first
    ("1/7/2019", date(2019, 7, 1)),
    ("29/02/2024", date(2024, 2, 29)),
    ("17-05-2024", date(2024, 5, 17)),
    ("17.05.2024", date(2024, 5, 17)),
    ("31/12/2023", date(2023, 12, 31)),
    # French, every month
    ("17 janvier 2024", date(2024, 1, 17)),
    ("17 février 2020", date(2020, 2, 17)),
    ("17 mars 2024", date(2024, 3, 17)),
    ("17 avril 2024", date(2024, 4, 17)),
    ("17 mai 2024", date(2024, 5, 17)),
    ("17 juin 2024", date(2024, 6, 17)),
    ("17 juillet 2024", date(2024, 7, 17)),
    ("12 août 2019", date(2019, 8, 12)),
    ("17 septembre 2024", date(2024, 9, 17)),
    ("17 octobre 2024", date(2024, 10, 17)),
    ("17 novembre 2024", date(2024, 11, 17)),
    ("16 décembre 2019", date(2019, 12, 16)),
    # 1er, accents, capitals, spaces
    ("1er juillet 2019", date(2019, 7, 1)),
    ("1 er juillet 2019", date(2019, 7, 1)),
    ("1ᵉʳ juillet 2019", date(2019, 7, 1)),
    ("1 juillet 2019", date(2019, 7, 1)),
    ("17 Fevrier 2020", date(2020, 2, 17)),
    ("17 FÉVRIER 2020", date(2020, 2, 17)),
    ("12 aout 2019", date(2019, 8, 12)),
    ("16 Decembre 2019", date(2019, 12, 16)),
    ("  17   mai\t2024  ", date(2024, 5, 17)),
    ("17\u00a0mai\u00a02024", date(2024, 5, 17)),
    ("6 février 2020", date(2020, 2, 6)),
    # weekday and "le"
    ("lundi 6 janvier 2020", date(2020, 1, 6)),
    ("Jeudi 6 février 2020", date(2020, 2, 6)),
    ("lundi, le 6 janvier 2020", date(2020, 1, 6)),
    ("le 17 mai 2024", date(2024, 5, 17)),
    ("jeudi 29 février 2024", date(2024, 2, 29)),
]

REFUSED = [
    "",
    "   ",
    "mai 2024",  # no day
    "17 mai",  # no year
    "17/05",  # no year
    "2024-05",  # no day
    "2024",
    "17/05/24",  # two-digit year: which century?
    "2023-02-29",  # not a leap year
    "1900-02-29",  # divisible by 100, not by 400
    "29/02/2023",
    "31/04/2024",  # April has 30 days
    "31 juin 2024",
    "2024-13-01",  # no month 13
    "17/13/2024",
    "00/05/2024",  # no day 0
    "32 mai 2024",
    "2er mai 2024",  # "er" only after 1
    "mardi 6 janvier 2020",  # 6 January 2020 was a Monday
    "17 mays 2024",  # not a month
    "17 janv. 2024",  # abbreviations are not read
    "17 May 2024",  # English
    "17/05-2024",  # mixed separators
    "2024/05/17",
    "2024-05-17 10:30",  # a time that is not midnight
    "17 mai 2024 et 18 mai 2024",
    "demain",
    "17 mai 0024",  # out of range
    "١٧/٠٥/٢٠٢٤",  # other scripts' digits
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", REFUSED)
def test_refused(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text)
    message = info.value.message
    assert "\n" not in message
    assert message.startswith(f"invalid date '{' '.join(text.split())}'") or "does not exist" in (
        message
    )


def test_tables_are_large_enough() -> None:
    assert len(ACCEPTED) >= 25 and len(REFUSED) >= 20


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mai 2024", f"invalid date 'mai 2024': {EXPECTED}"),
        (
            "17/05",
            "invalid date '17/05': expected YYYY-MM-DD, DD/MM/YYYY or a French date such as "
            "'17 mai 2024'",
        ),
        ("2023-02-29", "'2023-02-29' does not exist: February 2023 has 28 days"),
        ("31/04/2024", "'31/04/2024' does not exist: April 2024 has 30 days"),
        ("2024-13-01", "'2024-13-01' does not exist: there is no month 13"),
        ("17/05/24", "invalid date '17/05/24': write the year with four digits (DD/MM/YYYY)"),
        (
            "mardi 6 janvier 2020",
            "invalid date 'mardi 6 janvier 2020': 2020-01-06 is a lundi, not a mardi",
        ),
        ("2er mai 2024", "invalid date '2er mai 2024': 'er' is only written after day 1 (1er)"),
    ],
)  # fmt: skip
def test_refusal_messages_are_specific(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text)
    assert info.value.message == message
    assert info.value.exit_code == 2


def test_a_pasted_page_is_not_echoed_whole() -> None:
    with pytest.raises(InputError) as info:
        parse_date("x" * 5000)
    assert len(info.value.message) < 200


def test_every_day_of_a_leap_year_round_trips_in_all_three_forms() -> None:
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
    day = date(2024, 1, 1)
    while day.year == 2024:
        french = f"{'1er' if day.day == 1 else day.day} {months[day.month - 1]} {day.year}"
        for text in (day.isoformat(), day.strftime("%d/%m/%Y"), french):
            assert parse_date(text) == day
        day = date.fromordinal(day.toordinal() + 1)


def test_importing_dates_stays_cheap() -> None:
    code = (
        "import sys, atip.french; "
        "print(sorted(m for m in ('babel', 'dateutil') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
