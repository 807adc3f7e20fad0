"""Quebec jours fériés (Loi d'interprétation, a. 61 (23°)) and period ends (a. 52).

The tables below were written by hand from the law, not from the code's output.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atip.law.closed_days import LAW_RULES, Calendar

D = date.fromisoformat

# Easter Sunday 2019-2030 (Western computus): 04-21, 04-12, 04-04, 04-17, 04-09, 03-31, 04-20,
# 04-05, 03-28, 04-16, 04-01, 04-21. Good Friday is two days before, Easter Monday the day after.
# Columns: 1 Jan (b), Good Friday (c), Easter Monday (d), Monday before 25 May (i), 24 June (e),
# 1 July or 2 July (f), 1st Monday of September (g), 2nd Monday of October (g.1), 25 Dec (h).
HOLIDAYS_BY_YEAR: dict[int, tuple[str, ...]] = {
    2019: ("01-01", "04-19", "04-22", "05-20", "06-24", "07-01", "09-02", "10-14", "12-25"),
    2020: ("01-01", "04-10", "04-13", "05-18", "06-24", "07-01", "09-07", "10-12", "12-25"),
    2021: ("01-01", "04-02", "04-05", "05-24", "06-24", "07-01", "09-06", "10-11", "12-25"),
    2022: ("01-01", "04-15", "04-18", "05-23", "06-24", "07-01", "09-05", "10-10", "12-25"),
    2023: ("01-01", "04-07", "04-10", "05-22", "06-24", "07-01", "09-04", "10-09", "12-25"),
    2024: ("01-01", "03-29", "04-01", "05-20", "06-24", "07-01", "09-02", "10-14", "12-25"),
    2025: ("01-01", "04-18", "04-21", "05-19", "06-24", "07-01", "09-01", "10-13", "12-25"),
    2026: ("01-01", "04-03", "04-06", "05-18", "06-24", "07-01", "09-07", "10-12", "12-25"),
    2027: ("01-01", "03-26", "03-29", "05-24", "06-24", "07-01", "09-06", "10-11", "12-25"),
    2028: ("01-01", "04-14", "04-17", "05-22", "06-24", "07-01", "09-04", "10-09", "12-25"),
    # 1 July 2029 is a Sunday: the holiday of a. 61 (23°) f) is 2 July.
    2029: ("01-01", "03-30", "04-02", "05-21", "06-24", "07-02", "09-03", "10-08", "12-25"),
    2030: ("01-01", "04-19", "04-22", "05-20", "06-24", "07-01", "09-02", "10-14", "12-25"),
}
NAMES = (
    "jour de l'An",
    "Vendredi saint",
    "lundi de Pâques",
    "Journée nationale des patriotes (anniversaire du Souverain)",
    "Fête nationale du Québec",
    "Fête du Canada",
    "fête du Travail",
    "Action de grâce",
    "jour de Noël",
)
LETTERS = ("b", "c", "d", "i", "e", "f", "g", "g.1", "h")
I16 = "Loi d'interprétation, RLRQ c. I-16, a. 61 (23°)"
R6 = (
    "Règles de preuve et de procédure de la Commission d'accès à l'information, "
    "RLRQ c. A-2.1, r. 6, a. 2"
)

LAW = Calendar()
SATURDAYS = Calendar(saturdays_closed=True)
REVIEW = Calendar(review_body=True)


@pytest.mark.parametrize("year", sorted(HOLIDAYS_BY_YEAR))
def test_named_holidays_of_each_year(year: int) -> None:
    expected = [
        (date.fromisoformat(f"{year}-{md}"), name, f"{I16} {letter})")
        for md, name, letter in zip(HOLIDAYS_BY_YEAR[year], NAMES, LETTERS, strict=True)
    ]
    got = [(c.day, c.name, c.citation) for c in LAW.closures(year)]
    assert got == sorted(expected)


@pytest.mark.parametrize("year", sorted(HOLIDAYS_BY_YEAR))
def test_each_holiday_is_closed_and_the_day_before_christmas_is_not(year: int) -> None:
    for md in HOLIDAYS_BY_YEAR[year]:
        assert LAW.closure(date.fromisoformat(f"{year}-{md}")) is not None
    assert LAW.closure(date(year, 12, 24)) is None or date(year, 12, 24).weekday() == 6


@pytest.mark.parametrize(
    "day",
    [
        # No "observed" days: 26 December, 2 January, 31 December and 24 December are open.
        "2024-12-26",
        "2024-12-24",
        "2024-12-31",
        "2025-01-02",
        "2023-01-02",  # the day python-holidays calls "Jour de l'an (observé)"
        "2022-12-26",
        "2021-12-27",  # Monday after Christmas on a Saturday: not férié
        "2029-06-25",  # 24 June 2029 is a Sunday; 25 June is not férié
        "2029-07-03",  # 2 July 2029 is the holiday, not 3 July
        "2024-07-02",  # 1 July 2024 is a Monday: 2 July is an ordinary day
        "2024-05-24",  # the Friday before 25 May
        "2024-05-27",  # the Monday after 25 May
        "2024-03-30",  # Holy Saturday: Saturdays are open by default
        "2024-06-22",  # a Saturday
        "2024-11-11",  # Remembrance Day is not in a. 61 (23°)
        "2024-09-30",  # National Day for Truth and Reconciliation is federal
        "2024-08-05",  # Civic holiday of other provinces
    ],
)
def test_days_that_are_not_feries(day: str) -> None:
    assert LAW.closure(D(day)) is None


def test_every_sunday_is_closed_with_rule_a() -> None:
    closure = LAW.closure(D("2024-06-16"))
    assert closure is not None
    assert (closure.name, closure.citation) == ("dimanche", f"{I16} a)")
    day = D("2019-01-06")
    while day.year < 2031:
        assert LAW.closure(day) is not None
        day += timedelta(days=7)


def test_a_named_holiday_on_a_sunday_keeps_its_name() -> None:
    closure = LAW.closure(D("2029-06-24"))
    assert closure is not None
    assert closure.name == "Fête nationale du Québec"
    # 1 July 2029 is a Sunday: closed as a Sunday, the f) holiday being 2 July.
    sunday = LAW.closure(D("2029-07-01"))
    monday = LAW.closure(D("2029-07-02"))
    assert sunday is not None and sunday.name == "dimanche"
    assert monday is not None and monday.citation == f"{I16} f)"


def test_monday_before_25_may_when_25_may_is_a_monday() -> None:
    # 25 May 2026 and 2020 are Mondays: the holiday is the Monday a week earlier.
    assert LAW.closure(D("2026-05-18")) is not None
    assert LAW.closure(D("2026-05-25")) is None
    assert LAW.closure(D("2020-05-18")) is not None
    assert LAW.closure(D("2020-05-25")) is None


def test_saturdays_closed_is_a_named_office_reading() -> None:
    assert LAW.closure(D("2024-06-22")) is None
    closure = SATURDAYS.closure(D("2024-06-22"))
    assert closure is not None
    assert closure.name == "samedi"
    assert "saturdays_closed" in closure.citation
    assert "n'est pas un jour férié" in closure.citation
    # Saturdays are weekly rules, not named holidays of the year.
    assert SATURDAYS.closures(2024) == LAW.closures(2024)
    assert "Saturdays also closed" in SATURDAYS.description
    assert "Saturdays are open" in LAW.description


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2024-12-26", "26 décembre"),
        ("2025-01-02", "2 janvier"),
        ("2024-06-22", "samedi"),
        ("2024-06-23", "dimanche"),
        ("2024-12-25", "jour de Noël"),
    ],
)
def test_review_body_calendar_closes_saturdays_26_december_and_2_january(
    day: str, name: str
) -> None:
    closure = REVIEW.closure(D(day))
    assert closure is not None
    assert closure.name == name
    if name in ("26 décembre", "2 janvier", "samedi"):
        assert closure.citation == R6
    assert "A-2.1, r. 6, a. 2" in REVIEW.description


def test_review_body_named_days_add_26_december_and_2_january() -> None:
    law_days = {c.day for c in LAW.closures(2025)}
    review_days = {c.day for c in REVIEW.closures(2025)}
    assert review_days - law_days == {D("2025-01-02"), D("2025-12-26")}


def test_proclaimed_days_rule_j() -> None:
    cal = Calendar({D("2025-08-15"): "Jour proclamé pour essai"})
    closure = cal.closure(D("2025-08-15"))
    assert closure is not None
    assert closure.name == "Jour proclamé pour essai"
    assert closure.citation == f"{I16} j)"
    assert D("2025-08-15") in {c.day for c in cal.closures(2025)}
    assert D("2025-08-15") not in {c.day for c in cal.closures(2026)}
    assert LAW.closure(D("2025-08-15")) is None
    # A proclaimed day moves a period end: 2025-07-26 + 20 days = 2025-08-15.
    assert cal.period_end(D("2025-07-26"), 20).due == D("2025-08-16")
    assert LAW.period_end(D("2025-07-26"), 20).due == D("2025-08-15")


def test_rules_are_data_with_citations() -> None:
    keys = [rule.key for rule in LAW_RULES]
    assert keys == ["a", "b", "c", "d", "e", "f", "g", "g.1", "h", "i"]
    for rule in LAW_RULES:
        assert rule.citation == f"{I16} {rule.key})"
        assert rule.name and rule.how


@pytest.mark.parametrize(
    ("start", "days", "nominal", "due", "skipped"),
    [
        # 2024-05-17 + 30 = Sunday 16 June -> Monday 17 June.
        ("2024-05-17", 30, "2024-06-16", "2024-06-17", ("dimanche",)),
        # 2024-03-09 + 20 = Good Friday; Saturday is open by default.
        ("2024-03-09", 20, "2024-03-29", "2024-03-30", ("Vendredi saint",)),
        # 2021-12-05 + 20 = Christmas on a Saturday, then Sunday 26 Dec -> Monday 27 Dec.
        ("2021-12-05", 20, "2021-12-25", "2021-12-27", ("jour de Noël", "dimanche")),
        # 2029-06-11 + 20 = Sunday 1 July, then 2 July (f) -> Tuesday 3 July.
        ("2029-06-11", 20, "2029-07-01", "2029-07-03", ("dimanche", "Fête du Canada")),
        ("2024-05-17", 20, "2024-06-06", "2024-06-06", ()),
        ("2024-05-17", 0, "2024-05-17", "2024-05-17", ()),
    ],
)
def test_period_end(
    start: str, days: int, nominal: str, due: str, skipped: tuple[str, ...]
) -> None:
    end = LAW.period_end(D(start), days)
    assert (end.start, end.days, end.nominal, end.due) == (D(start), days, D(nominal), D(due))
    assert tuple(c.name for c in end.skipped) == skipped


def test_period_end_with_saturdays_closed_skips_the_whole_easter_weekend() -> None:
    end = SATURDAYS.period_end(D("2024-03-09"), 20)
    assert end.due == D("2024-04-02")
    assert [c.name for c in end.skipped] == [
        "Vendredi saint",
        "samedi",
        "dimanche",
        "lundi de Pâques",
    ]


def test_negative_period_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        LAW.period_end(D("2024-01-01"), -1)


def _python_holidays(year: int) -> set[date]:
    theirs = set(
        holidays.country_holidays(
            "CA", subdiv="QC", categories=("public", "optional"), observed=False, years=year
        )
    )
    july_1 = date(year, 7, 1)
    if july_1.weekday() == 6:
        # I-16 a. 61 (23°) f): the holiday is 2 July when 1 July is a Sunday (1 July stays
        # closed as a Sunday). python-holidays keeps 1 July and drops 2 July with observed=False.
        theirs.discard(july_1)
        theirs.add(date(year, 7, 2))
    return theirs


def test_cross_check_with_python_holidays_2003_to_2100() -> None:
    # Before 2003 python-holidays has no Monday in May for QC (law/research.md §5.2).
    mismatches = {}
    for year in range(2003, 2101):
        ours = {c.day for c in LAW.closures(year)}
        theirs = _python_holidays(year)
        if ours != theirs:
            mismatches[year] = (sorted(ours - theirs), sorted(theirs - ours))
    assert mismatches == {}


CALENDARS = st.sampled_from(
    [
        LAW,
        SATURDAYS,
        REVIEW,
        Calendar({D("2030-08-16"): "Jour proclamé", D("2030-08-19"): "Autre jour"}),
    ]
)
DAYS = st.dates(min_value=D("2000-01-01"), max_value=D("2099-12-31"))


@settings(max_examples=300, deadline=None)
@given(cal=CALENDARS, start=DAYS, days=st.integers(min_value=0, max_value=60))
def test_period_end_properties(cal: Calendar, start: date, days: int) -> None:
    end = cal.period_end(start, days)
    assert end.nominal == start + timedelta(days=days)
    assert end.due >= end.nominal
    assert cal.closure(end.due) is None
    # The skipped days are exactly the closed days from the nominal day up to the due day.
    assert [c.day for c in end.skipped] == [
        end.nominal + timedelta(days=i) for i in range((end.due - end.nominal).days)
    ]
    for closure in end.skipped:
        assert cal.closure(closure.day) == closure


@settings(max_examples=200, deadline=None)
@given(day=DAYS)
def test_review_body_closes_everything_the_law_closes(day: date) -> None:
    if LAW.closure(day) is not None:
        assert REVIEW.closure(day) is not None
    if SATURDAYS.closure(day) is not None:
        assert REVIEW.closure(day) is not None
