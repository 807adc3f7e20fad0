"""From a request's facts to its dates, each with the sentence that explains it.

Readings chosen where the law leaves a doubt (each is a setting, and `explain` states it):
- the day of the event is not counted ("dans les vingt jours qui suivent");
- the extension is counted as 30 days from the clock start, not 10 days from a day 20 that a
  jour férié moved; the holiday rule (I-16, a. 52) is applied once, to the final day;
- a clarified request starts the clock again at the clarified date (setting
  clarification_restarts_clock, default true), unless the clerk keeps the clock;
- Saturdays are open days (setting saturdays_closed, default false);
- the third party's 15 days run from its observations, or from the end of its 20-day period
  (moved off a jour férié) when it presented none or presented them late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from atip.errors import InputError, RefusedError
from atip.law.closed_days import Calendar, PeriodEnd

__all__ = [
    "Deadlines",
    "Facts",
    "Rules",
    "check_extension",
    "check_facts",
    "check_third_party",
    "clock_start",
    "compute",
    "days_left",
    "deemed_refusal",
]

RESPONSE_DAYS = 20  # a. 47 al. 1
EXTENDED_DAYS = 30  # a. 47: the 20 days plus at most 10
OBSERVATION_DAYS = 20  # a. 49 al. 3
THIRD_PARTY_DECISION_DAYS = 15  # a. 49 al. 4
EXECUTORY_DAYS = 15  # a. 49 al. 4
REVIEW_DAYS = 30  # a. 135

# Calendars are shared between equal Rules so that their per-year holiday caches are reused.
_CALENDARS: dict[tuple[object, ...], tuple[Calendar, Calendar]] = {}


@dataclass(frozen=True)
class Rules:
    """Deadline settings of a workspace ; the defaults are the law's literal reading."""

    saturdays_closed: bool = False
    clarification_restarts_clock: bool = True
    review_calendar: Literal["law", "review-body"] = "law"
    proclaimed: Mapping[date, str] = field(default_factory=dict)
    law_calendar: Calendar = field(init=False, repr=False, compare=False)
    review_body_calendar: Calendar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.review_calendar not in ("law", "review-body"):
            raise InputError(
                f'review_calendar must be "law" or "review-body", not {self.review_calendar!r}'
            )
        key = (self.saturdays_closed, tuple(sorted(self.proclaimed.items())))
        calendars = _CALENDARS.get(key)
        if calendars is None:
            calendars = (
                Calendar(self.proclaimed, saturdays_closed=self.saturdays_closed),
                Calendar(self.proclaimed, saturdays_closed=self.saturdays_closed, review_body=True),
            )
            if len(_CALENDARS) > 64:
                _CALENDARS.clear()
            _CALENDARS[key] = calendars
        object.__setattr__(self, "law_calendar", calendars[0])
        object.__setattr__(self, "review_body_calendar", calendars[1])

    @property
    def review_deadline_calendar(self) -> Calendar:
        """The calendar used for the art. 135 review date."""
        if self.review_calendar == "review-body":
            return self.review_body_calendar
        return self.law_calendar


@dataclass(frozen=True)
class Facts:
    """What the clerk recorded about one request (dates only)."""

    received_on: date
    clarified_on: date | None = None
    keep_clock: bool = False
    extended_on: date | None = None
    third_party_notified_on: date | None = None
    observations_on: date | None = None
    decided_on: date | None = None


@dataclass(frozen=True)
class Deadlines:
    """The dates of one request and the sentences that explain how each was reached."""

    clock_starts_on: date
    response_due: date
    extended: bool
    extended_due: date
    observations_due: date | None
    third_party_due: date | None
    decision_due: date
    review_deadline: date
    executory_on: date | None
    explain: tuple[str, ...]


_DEFAULT_RULES = Rules()


def clock_start(facts: Facts, rules: Rules = _DEFAULT_RULES) -> date:
    """The day the 20 days count from: the received date, or the clarified date (setting)."""
    if (
        facts.clarified_on is not None
        and rules.clarification_restarts_clock
        and not facts.keep_clock
    ):
        return facts.clarified_on
    return facts.received_on


def _moved(label: str, base: str, pe: PeriodEnd, article: str, calendar: Calendar) -> str:
    """One sentence: base + days = nominal, each closed day skipped, and the article applied."""
    head = f"{label}: {base} {pe.start.isoformat()} + {pe.days} days = {pe.nominal.isoformat()}"
    if not pe.skipped:
        return f"{head} ({article})."
    skipped = "; ".join(f"{c.day.isoformat()} {c.name} ({c.citation})" for c in pe.skipped)
    return (
        f"{head} ({article}), a closed day, so it moves to {pe.due.isoformat()} "
        f"({calendar.moves_citation}); skipped: {skipped}."
    )


def compute(facts: Facts, rules: Rules = _DEFAULT_RULES) -> Deadlines:
    """Every date of a request, with the readings of the module docstring; refuses bad facts."""
    check_facts(facts, rules)
    law = rules.law_calendar
    explain: list[str] = []

    start = clock_start(facts, rules)
    if facts.clarified_on is None:
        explain.append(
            f"Clock starts on {start.isoformat()}, the date the request was received; "
            "the day of the event is not counted (a. 47: «dans les vingt jours qui suivent»)."
        )
    elif start == facts.clarified_on:
        explain.append(
            f"Clock starts on {start.isoformat()}, the date the request was clarified "
            f"(received {facts.received_on.isoformat()}; setting clarification_restarts_clock "
            "= true: a clarified request is treated as received on that date); the day of the "
            "event is not counted."
        )
    else:
        why = (
            "the clerk kept the clock (--keep-clock)"
            if facts.keep_clock
            else "setting clarification_restarts_clock = false"
        )
        explain.append(
            f"Clock starts on {start.isoformat()}, the date the request was received, although "
            f"it was clarified on {facts.clarified_on.isoformat()} ({why}); the day of the event "
            "is not counted."
        )
    explain.append(f"Calendar: {law.description}.")

    response = law.period_end(start, RESPONSE_DAYS)
    explain.append(_moved("Response due", "clock start", response, "a. 47 al. 1", law))

    extended_pe = law.period_end(start, EXTENDED_DAYS)
    extended = facts.extended_on is not None and facts.extended_on <= response.due
    explain.append(
        _moved(
            "Extended due",
            "clock start",
            extended_pe,
            "a. 47: at most 10 more days, read as 30 days from the clock start, not 10 days "
            "from a moved day 20",
            law,
        )
    )
    if facts.extended_on is None:
        explain.append(
            "No extension notice: the extended date is the latest an extension can reach."
        )
    elif extended:
        explain.append(
            f"Extension notice sent on {facts.extended_on.isoformat()}, on or before the response "
            f"date {response.due.isoformat()}: the extended date applies (a. 47)."
        )
    else:
        explain.append(
            f"Extension notice sent on {facts.extended_on.isoformat()}, after the response date "
            f"{response.due.isoformat()}: it does not extend the time limit (a. 47)."
        )

    observations_due: date | None = None
    third_party_due: date | None = None
    if facts.third_party_notified_on is not None:
        obs_pe = law.period_end(facts.third_party_notified_on, OBSERVATION_DAYS)
        observations_due = obs_pe.due
        explain.append(_moved("Observations due", "third-party notice", obs_pe, "a. 49 al. 3", law))
        if facts.observations_on is not None and facts.observations_on <= observations_due:
            tp_pe = law.period_end(facts.observations_on, THIRD_PARTY_DECISION_DAYS)
            base = "observations presented"
        else:
            if facts.observations_on is not None:
                explain.append(
                    f"Observations presented on {facts.observations_on.isoformat()}, after their "
                    f"time limit {observations_due.isoformat()}: the third party is deemed to "
                    "consent, and the 15 days run from the end of its 20 days (a. 49 al. 3)."
                )
            tp_pe = law.period_end(observations_due, THIRD_PARTY_DECISION_DAYS)
            base = "end of the observation period"
        third_party_due = tp_pe.due
        explain.append(_moved("Third-party decision due", base, tp_pe, "a. 49 al. 4", law))

    if third_party_due is not None:
        decision_due = third_party_due
        explain.append(
            f"Decision due: {decision_due.isoformat()}, the third-party date (a. 49 al. 4)."
        )
    elif extended:
        decision_due = extended_pe.due
        explain.append(f"Decision due: {decision_due.isoformat()}, the extended date (a. 47).")
    else:
        decision_due = response.due
        explain.append(
            f"Decision due: {decision_due.isoformat()}, the response date (a. 47 al. 1)."
        )

    review_cal = rules.review_deadline_calendar
    if facts.decided_on is not None:
        review_pe = review_cal.period_end(facts.decided_on, REVIEW_DAYS)
        base = "decision"
    else:
        review_pe = review_cal.period_end(decision_due, REVIEW_DAYS)
        base = "deemed refusal (no decision by the due date)"
    article = "a. 135"
    if rules.review_calendar == "review-body":
        article += "; review-body calendar, setting review_calendar = review-body"
    else:
        article += "; law calendar, setting review_calendar = law"
    explain.append(_moved("Review deadline", base, review_pe, article, review_cal))

    executory_on: date | None = None
    if facts.third_party_notified_on is not None and facts.decided_on is not None:
        exec_pe = law.period_end(facts.decided_on, EXECUTORY_DAYS)
        executory_on = exec_pe.due
        explain.append(
            _moved(
                "Executory (if the decision gives access)",
                "decision mailed",
                exec_pe,
                "a. 49 al. 4",
                law,
            )
        )

    return Deadlines(
        clock_starts_on=start,
        response_due=response.due,
        extended=extended,
        extended_due=extended_pe.due,
        observations_due=observations_due,
        third_party_due=third_party_due,
        decision_due=decision_due,
        review_deadline=review_pe.due,
        executory_on=executory_on,
        explain=tuple(explain),
    )


def _before(what: str, day: date, other: str, other_day: date) -> RefusedError:
    return RefusedError(
        f"the {what} {day.isoformat()} is before the {other} {other_day.isoformat()}"
    )


def check_facts(facts: Facts, rules: Rules = _DEFAULT_RULES) -> None:
    """Raise RefusedError naming both dates when the facts of a request are out of order."""
    received = facts.received_on
    clarified = facts.clarified_on
    extended = facts.extended_on
    notified = facts.third_party_notified_on
    observed = facts.observations_on
    decided = facts.decided_on

    if clarified is not None and clarified < received:
        raise _before("clarification date", clarified, "received date", received)
    start = clock_start(facts, rules)
    if decided is not None:
        if decided < received:
            raise _before("decision date", decided, "received date", received)
        if clarified is not None and decided < clarified:
            raise _before("decision date", decided, "clarification date", clarified)
    if extended is not None:
        if extended < start:
            raise _before("extension date", extended, "clock start", start)
        if decided is not None and decided < extended:
            raise _before("decision date", decided, "extension date", extended)
    if notified is not None:
        if notified < start:
            raise _before("third-party notice date", notified, "clock start", start)
        if decided is not None and decided < notified:
            raise _before("decision date", decided, "third-party notice date", notified)
    if observed is not None:
        if notified is None:
            raise RefusedError(
                f"the observations date {observed.isoformat()} has no third-party notice date"
            )
        if observed < notified:
            raise _before("observations date", observed, "third-party notice date", notified)
        if decided is not None and decided < observed:
            raise _before("decision date", decided, "observations date", observed)


def check_extension(facts: Facts, on: date, rules: Rules = _DEFAULT_RULES) -> None:
    """Raise RefusedError when an extension notice sent on `on` is not allowed (a. 47)."""
    if facts.extended_on is not None:
        raise RefusedError(
            f"the request was already extended on {facts.extended_on.isoformat()} "
            "(a. 47 allows one extension of at most 10 days)"
        )
    _check_notice(facts, on, "extension", "it can no longer be extended", "a. 47", rules)


def check_third_party(facts: Facts, notified_on: date, rules: Rules = _DEFAULT_RULES) -> None:
    """Raise RefusedError when a third-party notice sent on `notified_on` is not allowed (a. 49)."""
    _check_notice(
        facts,
        notified_on,
        "third-party notice",
        "a third party can no longer be notified",
        "a. 49 al. 1",
        rules,
    )


def _check_notice(
    facts: Facts, on: date, notice: str, too_late: str, article: str, rules: Rules
) -> None:
    """A notice the law wants sent within the response period: after the clock start, on or
    before the response date, and before any decision."""
    if facts.decided_on is not None:
        raise RefusedError(f"the request was decided on {facts.decided_on.isoformat()}; {too_late}")
    start = clock_start(facts, rules)
    if on < start:
        raise _before(f"{notice} date", on, "clock start", start)
    response_due = rules.law_calendar.period_end(start, RESPONSE_DAYS).due
    if on > response_due:
        name = "extension notice" if notice == "extension" else notice
        raise RefusedError(
            f"the {name} must be sent on or before the response date "
            f"{response_due.isoformat()} ({article}); {on.isoformat()} is too late"
        )


def days_left(deadlines: Deadlines, as_of: date) -> int:
    """Days from `as_of` to the governing due date; negative when late."""
    return (deadlines.decision_due - as_of).days


def deemed_refusal(deadlines: Deadlines, decided_on: date | None, as_of: date) -> bool:
    """True when the governing due date has passed with no decision (a. 52)."""
    return decided_on is None and as_of > deadlines.decision_due
