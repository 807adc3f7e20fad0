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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from atip.errors import InputError, RefusedError
from atip.french import weekday
from atip.i18n import _, day
from atip.law.closed_days import I16, Calendar, Closure, PeriodEnd
from atip.vocabulary import PERSONAL_INFORMATION_KINDS

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
                _('review_calendar must be "law" or "review-body", not {value!r}').format(
                    value=self.review_calendar
                )
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
    kind: str = "documents"


@dataclass(frozen=True)
class Citations:
    """The articles that set a request's time limits: a. 47 for documents, a. 98 for a
    request to see or correct one's own personal information (the same 20 days, and at most
    10 more on notice sent within them)."""

    time_limit: str
    response: str


DOCUMENTS = Citations(time_limit="a. 47", response="a. 47 al. 1")
PERSONAL_INFORMATION = Citations(time_limit="a. 98", response="a. 98 al. 1")


def citations(kind: str) -> Citations:
    """The articles that set the time limits of a request of this kind."""
    return PERSONAL_INFORMATION if kind in PERSONAL_INFORMATION_KINDS else DOCUMENTS


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


@dataclass(frozen=True)
class _Skipped:
    """A closed day as an explain sentence shows it. `{c}` is the whole day in the interface
    language; a translation may also use its parts: `{c.day}` (i18n.day), `{c.weekday}` (the
    French weekday), `{c.name}`, `{c.citation}` and `{c.why}` (the holiday's name, or
    "public holiday" for a Sunday, then the citation). English shows `{c}` only, as before."""

    closure: Closure

    @property
    def day(self) -> str:
        return day(self.closure.day)

    @property
    def weekday(self) -> str:
        return weekday(self.closure.day)

    @property
    def name(self) -> str:
        return self.closure.name

    @property
    def citation(self) -> str:
        return self.closure.citation

    @property
    def why(self) -> str:
        if self.closure.name != self.weekday:
            return f"{self.closure.name}, {self.closure.citation}"
        if self.closure.citation.startswith(I16):
            # A Sunday: the law names it a jour férié (a. 61 (23°) a)).
            return f"{_('public holiday')}, {self.closure.citation}"
        return self.closure.citation

    def __format__(self, spec: str) -> str:
        return format(_("{c.day} {c.name} ({c.citation})").format(c=self), spec)


def _moved(label: str, base: str, pe: PeriodEnd, article: str, calendar: Calendar) -> str:
    """One sentence: base + days = nominal, each closed day skipped, and the article applied.

    `label` is translated, `base` is a translated message with a `{start}` placeholder."""
    parts = {
        "label": label,
        "base": base.format(start=day(pe.start)),
        "days": pe.days,
        "nominal": day(pe.nominal),
        "article": article,
    }
    if not pe.skipped:
        return _("{label}: {base} + {days} days = {nominal} ({article}).").format(**parts)
    first, *others = (_Skipped(c) for c in pe.skipped)
    parts.update(first=first, due=day(pe.due), moves=calendar.moves_citation)
    if not others:
        return _(
            "{label}: {base} + {days} days = {nominal} ({article}), a closed day, so it moves "
            "to {due} ({moves}); skipped: {first}."
        ).format(**parts)
    separator = _("; ")
    return _(
        "{label}: {base} + {days} days = {nominal} ({article}), a closed day, so it moves "
        "to {due} ({moves}); skipped: {first}; {others}."
    ).format(others=separator.join(format(c) for c in others), **parts)


def compute(facts: Facts, rules: Rules = _DEFAULT_RULES, *, explaining: bool = True) -> Deadlines:
    """Every date of a request, with the readings of the module docstring; refuses bad facts.

    `explaining=False` skips the sentences (an import or a recompute of many requests stores
    only the dates); the dates are the same."""
    check_facts(facts, rules)
    law = rules.law_calendar
    explain: list[str] = []

    start = clock_start(facts, rules)
    cite = citations(facts.kind)
    if facts.clarified_on is None:
        if explaining:
            explain.append(
                _(
                    "Clock starts on {start}, the date the request was received; the day of the "
                    "event is not counted ({article}: «dans les vingt jours qui suivent»)."
                ).format(start=day(start), article=cite.time_limit)
            )
    elif start == facts.clarified_on:
        if explaining:
            explain.append(
                _(
                    "Clock starts on {start}, the date the request was clarified (received "
                    "{received}; setting clarification_restarts_clock = true: a clarified request "
                    "is treated as received on that date); the day of the event is not counted."
                ).format(start=day(start), received=day(facts.received_on))
            )
    else:
        why = (
            _("the clerk kept the clock (--keep-clock)")
            if facts.keep_clock
            else _("setting clarification_restarts_clock = false")
        )
        if explaining:
            explain.append(
                _(
                    "Clock starts on {start}, the date the request was received, although it was "
                    "clarified on {clarified} ({why}); the day of the event is not counted."
                ).format(start=day(start), clarified=day(facts.clarified_on), why=why)
            )
    if explaining:
        explain.append(_("Calendar: {description}.").format(description=law.description))

    response = law.period_end(start, RESPONSE_DAYS)
    clock = _("clock start {start}")
    if explaining:
        explain.append(_moved(_("Response due"), clock, response, cite.response, law))

    extended_pe = law.period_end(start, EXTENDED_DAYS)
    extended = facts.extended_on is not None and facts.extended_on <= response.due
    if explaining:
        explain.append(
            _moved(
                _("Extended due"),
                clock,
                extended_pe,
                _(
                    "{article}: at most 10 more days, read as 30 days from the clock start, not 10 "
                    "days from a moved day 20"
                ).format(article=cite.time_limit),
                law,
            )
        )
    if facts.extended_on is None:
        if explaining:
            explain.append(
                _("No extension notice: the extended date is the latest an extension can reach.")
            )
    elif extended:
        if explaining:
            explain.append(
                _(
                    "Extension notice sent on {sent}, on or before the response date {due}: the "
                    "extended date applies ({article})."
                ).format(
                    sent=day(facts.extended_on), due=day(response.due), article=cite.time_limit
                )
            )
    else:
        if explaining:
            explain.append(
                _(
                    "Extension notice sent on {sent}, after the response date {due}: it does not "
                    "extend the time limit ({article})."
                ).format(
                    sent=day(facts.extended_on), due=day(response.due), article=cite.time_limit
                )
            )

    observations_due: date | None = None
    third_party_due: date | None = None
    if facts.third_party_notified_on is not None:
        obs_pe = law.period_end(facts.third_party_notified_on, OBSERVATION_DAYS)
        observations_due = obs_pe.due
        if explaining:
            explain.append(
                _moved(
                    _("Observations due"),
                    _("third-party notice {start}"),
                    obs_pe,
                    "a. 49 al. 3",
                    law,
                )
            )
        if facts.observations_on is not None and facts.observations_on <= observations_due:
            tp_pe = law.period_end(facts.observations_on, THIRD_PARTY_DECISION_DAYS)
            base = _("observations presented {start}")
        else:
            if facts.observations_on is not None and explaining:
                explain.append(
                    _(
                        "Observations presented on {presented}, after their time limit {due}: "
                        "the third party is deemed to consent, and the 15 days run from the end "
                        "of its 20 days (a. 49 al. 3)."
                    ).format(presented=day(facts.observations_on), due=day(observations_due))
                )
            tp_pe = law.period_end(observations_due, THIRD_PARTY_DECISION_DAYS)
            base = _("end of the observation period {start}")
        third_party_due = tp_pe.due
        if explaining:
            explain.append(_moved(_("Third-party decision due"), base, tp_pe, "a. 49 al. 4", law))

    if third_party_due is not None:
        decision_due = third_party_due
        if explaining:
            explain.append(
                _("Decision due: {due}, the third-party date (a. 49 al. 4).").format(
                    due=day(decision_due)
                )
            )
    elif extended:
        decision_due = extended_pe.due
        if explaining:
            explain.append(
                _("Decision due: {due}, the extended date ({article}).").format(
                    due=day(decision_due), article=cite.time_limit
                )
            )
    else:
        decision_due = response.due
        if explaining:
            explain.append(
                _("Decision due: {due}, the response date ({article}).").format(
                    due=day(decision_due), article=cite.response
                )
            )

    review_cal = rules.review_deadline_calendar
    if facts.decided_on is not None:
        review_pe = review_cal.period_end(facts.decided_on, REVIEW_DAYS)
        base = _("decision {start}")
    else:
        review_pe = review_cal.period_end(decision_due, REVIEW_DAYS)
        base = _("deemed refusal (no decision by the due date) {start}")
    if rules.review_calendar == "review-body":
        article = _("a. 135; review-body calendar, setting review_calendar = review-body")
    else:
        article = _("a. 135; law calendar, setting review_calendar = law")
    if explaining:
        explain.append(_moved(_("Review deadline"), base, review_pe, article, review_cal))

    executory_on: date | None = None
    if facts.third_party_notified_on is not None and facts.decided_on is not None:
        exec_pe = law.period_end(facts.decided_on, EXECUTORY_DAYS)
        executory_on = exec_pe.due
        if explaining:
            explain.append(
                _moved(
                    _("Executory (if the decision gives access)"),
                    _("decision mailed {start}"),
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


def _before(what: str, when: date, other: str, other_when: date) -> RefusedError:
    """`what` and `other` are translated names of dates ("decision date", "clock start")."""
    return RefusedError(
        _("the {what} {day} is before the {other} {other_day}").format(
            what=what, day=day(when), other=other, other_day=day(other_when)
        )
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
        raise _before(_("clarification date"), clarified, _("received date"), received)
    start = clock_start(facts, rules)
    if decided is not None:
        if decided < received:
            raise _before(_("decision date"), decided, _("received date"), received)
        if clarified is not None and decided < clarified:
            raise _before(_("decision date"), decided, _("clarification date"), clarified)
    if extended is not None:
        if extended < start:
            raise _before(_("extension date"), extended, _("clock start"), start)
        if decided is not None and decided < extended:
            raise _before(_("decision date"), decided, _("extension date"), extended)
    if notified is not None:
        if notified < start:
            raise _before(_("third-party notice date"), notified, _("clock start"), start)
        if decided is not None and decided < notified:
            raise _before(_("decision date"), decided, _("third-party notice date"), notified)
    if observed is not None:
        if notified is None:
            raise RefusedError(
                _("the observations date {day} has no third-party notice date").format(
                    day=day(observed)
                )
            )
        if observed < notified:
            raise _before(_("observations date"), observed, _("third-party notice date"), notified)
        if decided is not None and decided < observed:
            raise _before(_("decision date"), decided, _("observations date"), observed)


def check_extension(facts: Facts, on: date, rules: Rules = _DEFAULT_RULES) -> None:
    """Raise RefusedError when an extension notice sent on `on` is not allowed (a. 47)."""
    if facts.extended_on is not None:
        raise RefusedError(
            _(
                "the request was already extended on {day} (a. 47 allows one extension of at "
                "most 10 days)"
            ).format(day=day(facts.extended_on))
        )
    _check_notice(
        facts,
        on,
        _("extension date"),
        _("it can no longer be extended"),
        _(
            "the extension notice must be sent on or before the response date {due} "
            "({article}); {on} is too late"
        ),
        "a. 47",
        rules,
    )


def check_third_party(facts: Facts, notified_on: date, rules: Rules = _DEFAULT_RULES) -> None:
    """Raise RefusedError when a third-party notice sent on `notified_on` is not allowed (a. 49)."""
    _check_notice(
        facts,
        notified_on,
        _("third-party notice date"),
        _("a third party can no longer be notified"),
        _(
            "the third-party notice must be sent on or before the response date {due} "
            "({article}); {on} is too late"
        ),
        "a. 49 al. 1",
        rules,
    )


def _check_notice(
    facts: Facts,
    on: date,
    notice_date: str,
    too_late: str,
    late: str,
    article: str,
    rules: Rules,
) -> None:
    """A notice the law wants sent within the response period: after the clock start, on or
    before the response date, and before any decision. The messages are translated; `late`
    has the placeholders {due}, {article} and {on}."""
    if facts.decided_on is not None:
        raise RefusedError(
            _("the request was decided on {day}; {too_late}").format(
                day=day(facts.decided_on), too_late=too_late
            )
        )
    start = clock_start(facts, rules)
    if on < start:
        raise _before(notice_date, on, _("clock start"), start)
    response_due = rules.law_calendar.period_end(start, RESPONSE_DAYS).due
    if on > response_due:
        raise RefusedError(late.format(due=day(response_due), article=article, on=day(on)))


def governing_third_party(
    facts: Facts,
    parties: Sequence[tuple[date, date | None]],
    rules: Rules = _DEFAULT_RULES,
) -> tuple[date | None, date | None]:
    """Of several third parties, each (notified, observations), the one whose time limits end
    last: the decision cannot be given before every third party's periods have run (a. 49).
    (None, None) when there is none."""
    if not parties:
        return None, None

    def ends(party: tuple[date, date | None]) -> tuple[date, date]:
        notified, observed = party
        due = compute(
            replace(facts, third_party_notified_on=notified, observations_on=observed),
            rules,
            explaining=False,
        ).third_party_due
        assert due is not None
        return due, notified

    return max(parties, key=ends)


def days_left(deadlines: Deadlines, as_of: date) -> int:
    """Days from `as_of` to the governing due date; negative when late."""
    return (deadlines.decision_due - as_of).days


def deemed_refusal(deadlines: Deadlines, decided_on: date | None, as_of: date) -> bool:
    """True when the governing due date has passed with no decision (a. 52)."""
    return decided_on is None and as_of > deadlines.decision_due
