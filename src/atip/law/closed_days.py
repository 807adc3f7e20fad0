"""Quebec jours fériés (Loi d'interprétation, RLRQ c. I-16, a. 61 (23°)) and period arithmetic.

Every holiday is a rule record with its French name and its citation, so that a reader checks the
law against one table (`LAW_RULES`), not against scattered `if`s. A period that ends on a closed
day ends on the next open day (I-16, a. 52). No "observed" replacement days exist under I-16: 26
December, 2 January and 25 June are ordinary days unless the review-body calendar (A-2.1, r. 6,
a. 2) or a proclamation says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter  # type: ignore[import-untyped]

from atip.i18n import _, ngettext

__all__ = [
    "I16_A52",
    "LAW_RULES",
    "R6_A2",
    "REVIEW_BODY_RULES",
    "SATURDAY_OFFICE",
    "SATURDAY_REVIEW_BODY",
    "SUNDAY",
    "Calendar",
    "Closure",
    "HolidayRule",
    "PeriodEnd",
]

I16 = "Loi d'interprétation, RLRQ c. I-16, a. 61 (23°)"
I16_A52 = "Loi d'interprétation, RLRQ c. I-16, a. 52"
R6_A2 = (
    "Règles de preuve et de procédure de la Commission d'accès à l'information, "
    "RLRQ c. A-2.1, r. 6, a. 2"
)

MONDAY, SATURDAY, SUNDAY_WD = 0, 5, 6
ONE_DAY = timedelta(days=1)
_MAX_ENDS = 200_000


@dataclass(frozen=True)
class Closure:
    """A day on which no time limit may end, with the rule that closes it."""

    day: date
    name: str
    citation: str


@dataclass(frozen=True)
class PeriodEnd:
    """The end of a period of `days` days after `start` (the start day is not counted)."""

    start: date
    days: int
    nominal: date
    due: date
    skipped: tuple[Closure, ...]


@dataclass(frozen=True)
class HolidayRule:
    """One jour férié: its key (the letter of the law), French name, computation and citation."""

    key: str
    name: str
    how: str
    citation: str
    # Returns the day in a given year (None when the rule gives no day that year); None for the
    # weekly rules, which use `weekday` instead.
    date_in: Callable[[int], date | None] | None = None
    weekday: int | None = None


def _fixed(month: int, day: int) -> Callable[[int], date | None]:
    return lambda year: date(year, month, day)


def _easter(offset: int) -> Callable[[int], date | None]:
    return lambda year: easter(year) + timedelta(days=offset)


def _nth_monday(month: int, n: int) -> Callable[[int], date | None]:
    def on(year: int) -> date:
        first = date(year, month, 1)
        return first + timedelta(days=(MONDAY - first.weekday()) % 7 + 7 * (n - 1))

    return on


def _monday_before_25_may(year: int) -> date:
    # The Monday strictly before 25 May is the Monday on or before 24 May.
    may_24 = date(year, 5, 24)
    return may_24 - timedelta(days=may_24.weekday())


def _dominion_day(year: int) -> date:
    july_1 = date(year, 7, 1)
    return july_1 + ONE_DAY if july_1.weekday() == SUNDAY_WD else july_1


SUNDAY = HolidayRule("a", "dimanche", "every Sunday", f"{I16} a)", weekday=SUNDAY_WD)

# The named jours fériés of I-16, a. 61 (23°) b) to i); j) comes from configuration.
LAW_RULES: tuple[HolidayRule, ...] = (
    SUNDAY,
    HolidayRule("b", "jour de l'An", "1 January", f"{I16} b)", _fixed(1, 1)),
    HolidayRule("c", "Vendredi saint", "Easter Sunday - 2 days", f"{I16} c)", _easter(-2)),
    HolidayRule("d", "lundi de Pâques", "Easter Sunday + 1 day", f"{I16} d)", _easter(1)),
    HolidayRule("e", "Fête nationale du Québec", "24 June", f"{I16} e)", _fixed(6, 24)),
    HolidayRule(
        "f",
        "Fête du Canada",
        "1 July, or 2 July when 1 July is a Sunday",
        f"{I16} f)",
        _dominion_day,
    ),
    HolidayRule(
        "g", "fête du Travail", "first Monday of September", f"{I16} g)", _nth_monday(9, 1)
    ),
    HolidayRule(
        "g.1", "Action de grâce", "second Monday of October", f"{I16} g.1)", _nth_monday(10, 2)
    ),
    HolidayRule("h", "jour de Noël", "25 December", f"{I16} h)", _fixed(12, 25)),
    HolidayRule(
        "i",
        "Journée nationale des patriotes (anniversaire du Souverain)",
        "the Monday before 25 May (the Sovereign's birthday fixed by proclamation)",
        f"{I16} i)",
        _monday_before_25_may,
    ),
)

# r. 6, a. 2: before the review body, time limits also skip these days.
REVIEW_BODY_RULES: tuple[HolidayRule, ...] = (
    HolidayRule("r6-26dec", "26 décembre", "26 December", R6_A2, _fixed(12, 26)),
    HolidayRule("r6-2jan", "2 janvier", "2 January", R6_A2, _fixed(1, 2)),
)

SATURDAY_REVIEW_BODY = HolidayRule("r6-sat", "samedi", "every Saturday", R6_A2, weekday=SATURDAY)
# Saturday is not a jour férié under I-16; closing it is the office's own reading of "jour
# ouvrable" in a. 52, chosen with the setting deadlines.saturdays_closed.
SATURDAY_OFFICE = HolidayRule(
    "office-sat",
    "samedi",
    "every Saturday",
    "lecture de l'organisme, paramètre deadlines.saturdays_closed; le samedi n'est pas un "
    "jour férié de la Loi d'interprétation, RLRQ c. I-16, a. 61 (23°)",
    weekday=SATURDAY,
)


class Calendar:
    """Which days are closed, and where a period of days ends (I-16, a. 52)."""

    def __init__(
        self,
        proclaimed: Mapping[date, str] | None = None,
        *,
        saturdays_closed: bool = False,
        review_body: bool = False,
    ) -> None:
        self.proclaimed: dict[date, str] = dict(proclaimed or {})
        self.saturdays_closed = saturdays_closed
        self.review_body = review_body
        self.rules: tuple[HolidayRule, ...] = LAW_RULES + (REVIEW_BODY_RULES if review_body else ())
        weekly = [SUNDAY]
        if review_body:
            weekly.append(SATURDAY_REVIEW_BODY)
        elif saturdays_closed:
            weekly.append(SATURDAY_OFFICE)
        self.weekly: tuple[HolidayRule, ...] = tuple(weekly)
        self._weekly_by_day = {r.weekday: r for r in weekly}
        # Where a period that ends on a closed day is moved to the next open day.
        self.moves_citation = R6_A2 if review_body else I16_A52
        self._years: dict[int, dict[date, Closure]] = {}
        # Thousands of requests share start days, so period ends are memoised.
        self._ends: dict[tuple[date, int], PeriodEnd] = {}

    @property
    def description(self) -> str:
        """Which days this calendar closes, and the reading chosen, in the interface language."""
        if self.review_body:
            text = _(
                "review-body calendar (A-2.1, r. 6, a. 2): jours fériés of the Loi "
                "d'interprétation, a. 61 (23°), plus Saturdays, 26 December and 2 January"
            )
        elif self.saturdays_closed:
            text = _(
                "jours fériés of the Loi d'interprétation, RLRQ c. I-16, a. 61 (23°), with "
                "Saturdays also closed (office reading, setting saturdays_closed = true)"
            )
        else:
            text = _(
                "jours fériés of the Loi d'interprétation, RLRQ c. I-16, a. 61 (23°); Saturdays "
                "are open (literal reading, setting saturdays_closed = false)"
            )
        if self.proclaimed:
            count = len(self.proclaimed)
            text = ngettext(
                "{calendar}; {count} proclaimed day(s) (a. 61 (23°) j))",
                "{calendar}; {count} proclaimed day(s) (a. 61 (23°) j))",
                count,
            ).format(calendar=text, count=count)
        return text

    def _year(self, year: int) -> dict[date, Closure]:
        named = self._years.get(year)
        if named is None:
            named = {}
            for rule in self.rules:
                if rule.date_in is None:
                    continue
                day = rule.date_in(year)
                # An earlier rule of the table keeps a day that two rules close.
                if day is not None and day not in named:
                    named[day] = Closure(day, rule.name, rule.citation)
            for day, name in self.proclaimed.items():
                if day.year == year and day not in named:
                    named[day] = Closure(day, name, f"{I16} j)")
            self._years[year] = named
        return named

    def closure(self, day: date) -> Closure | None:
        """The rule that closes `day`, or None when time limits may end on it."""
        named = self._years.get(day.year)
        if named is None:
            named = self._year(day.year)
        found = named.get(day)
        if found is not None:
            return found
        weekly = self._weekly_by_day.get(day.weekday())
        if weekly is not None:
            return Closure(day, weekly.name, weekly.citation)
        return None

    def is_closed(self, day: date) -> bool:
        """True when no time limit may end on `day`."""
        return self.closure(day) is not None

    def closures(self, year: int) -> list[Closure]:
        """The named closed days of `year` (not the weekly Sundays or Saturdays), by date."""
        return sorted(self._year(year).values(), key=lambda c: c.day)

    def period_end(self, start: date, days: int) -> PeriodEnd:
        """`start` + `days` (the start day not counted), moved past closed days (I-16, a. 52)."""
        found = self._ends.get((start, days))
        if found is not None:
            return found
        if days < 0:
            raise ValueError(f"a period cannot have a negative number of days ({days})")
        nominal = start + timedelta(days=days)
        due = nominal
        skipped: list[Closure] = []
        closed = self.closure(due)
        while closed is not None:
            skipped.append(closed)
            due += ONE_DAY
            closed = self.closure(due)
        end = PeriodEnd(start, days, nominal, due, tuple(skipped))
        if len(self._ends) >= _MAX_ENDS:
            self._ends.clear()
        self._ends[(start, days)] = end
        return end
