"""Deadlines of A-2.1 (a. 47, 49, 135) from a request's facts, written from the law and SPEC §4."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from atip.errors import InputError, RefusedError
from atip.law.deadlines import (
    Facts,
    Rules,
    check_extension,
    check_facts,
    check_third_party,
    compute,
    days_left,
    deemed_refusal,
)

D = date.fromisoformat
A = Rules()  # policy A: Saturdays open (literal reading of I-16)
B = Rules(saturdays_closed=True)  # policy B: Saturdays closed
REVIEW = Rules(review_calendar="review-body")


# law/research.md §5.3: receipt, +20 under A, +20 under B, +30 under A, +30 under B.
WORKED_EXAMPLES = [
    ("2024-05-17", "2024-06-06", "2024-06-06", "2024-06-17", "2024-06-17"),
    ("2024-05-23", "2024-06-12", "2024-06-12", "2024-06-22", "2024-06-25"),
    ("2019-12-16", "2020-01-06", "2020-01-06", "2020-01-15", "2020-01-15"),
    ("2024-03-09", "2024-03-30", "2024-04-02", "2024-04-08", "2024-04-08"),
    ("2021-12-05", "2021-12-27", "2021-12-27", "2022-01-04", "2022-01-04"),
    ("2029-06-04", "2029-06-25", "2029-06-25", "2029-07-04", "2029-07-04"),
    ("2029-06-11", "2029-07-03", "2029-07-03", "2029-07-11", "2029-07-11"),
    ("2024-02-09", "2024-02-29", "2024-02-29", "2024-03-11", "2024-03-11"),
]


@pytest.mark.parametrize(("received", "due_a", "due_b", "ext_a", "ext_b"), WORKED_EXAMPLES)
def test_worked_examples(received: str, due_a: str, due_b: str, ext_a: str, ext_b: str) -> None:
    facts = Facts(received_on=D(received))
    a = compute(facts, A)
    b = compute(facts, B)
    assert (a.clock_starts_on, a.response_due, a.extended_due) == (D(received), D(due_a), D(ext_a))
    assert (b.response_due, b.extended_due) == (D(due_b), D(ext_b))
    assert a.decision_due == a.response_due and not a.extended
    assert b.decision_due == b.response_due


@pytest.mark.parametrize(
    ("received", "policy", "response_due"),
    [
        # Year end: 2024-12-10 + 20 = Monday 30 December.
        ("2024-12-10", A, "2024-12-30"),
        # 2024-12-05 + 20 = Christmas (Wed); 26 December is not férié under I-16.
        ("2024-12-05", A, "2024-12-26"),
        ("2024-12-05", B, "2024-12-26"),
        # 2024-12-15 + 20 = Saturday 4 January 2025: open under A; under B, Sunday 5 too.
        ("2024-12-15", A, "2025-01-04"),
        ("2024-12-15", B, "2025-01-06"),
        # 2025-12-12 + 20 = 1 January 2026 (Thu); 2 January is not férié.
        ("2025-12-12", A, "2026-01-02"),
        # Fiscal-year end: 2025-03-11 + 20 = Monday 31 March; 2025-03-12 + 20 = 1 April.
        ("2025-03-11", A, "2025-03-31"),
        ("2025-03-12", A, "2025-04-01"),
        # 2024-03-11 + 20 = Easter Sunday 31 March, then Easter Monday 1 April -> 2 April.
        ("2024-03-11", A, "2024-04-02"),
        ("2024-03-11", B, "2024-04-02"),
        # 2026-03-14 + 20 = Good Friday 3 April 2026: Saturday 4 under A, Tuesday 7 under B.
        ("2026-03-14", A, "2026-04-04"),
        ("2026-03-14", B, "2026-04-07"),
        # Leap days: 2024-02-09 and 2028-02-09 + 20 = 29 February; not in 2025 or 2100.
        ("2024-02-09", A, "2024-02-29"),
        ("2028-02-09", A, "2028-02-29"),
        ("2025-02-09", A, "2025-03-01"),
        ("2100-02-09", A, "2100-03-01"),
        # Across the leap day: 2024-02-20 + 20 = 11 March.
        ("2024-02-20", A, "2024-03-11"),
    ],
)
def test_year_ends_fiscal_year_and_leap_days(
    received: str, policy: Rules, response_due: str
) -> None:
    assert compute(Facts(received_on=D(received)), policy).response_due == D(response_due)


def test_clarification_restarts_the_clock_by_default() -> None:
    facts = Facts(received_on=D("2024-05-17"), clarified_on=D("2024-05-23"))
    d = compute(facts)
    assert (d.clock_starts_on, d.response_due) == (D("2024-05-23"), D("2024-06-12"))
    assert any("clarification_restarts_clock = true" in s for s in d.explain)


def test_keep_clock_and_the_setting_keep_the_received_date() -> None:
    kept = compute(Facts(D("2024-05-17"), clarified_on=D("2024-05-23"), keep_clock=True))
    assert (kept.clock_starts_on, kept.response_due) == (D("2024-05-17"), D("2024-06-06"))
    assert any("--keep-clock" in s for s in kept.explain)
    setting = compute(
        Facts(D("2024-05-17"), clarified_on=D("2024-05-23")),
        Rules(clarification_restarts_clock=False),
    )
    assert setting.clock_starts_on == D("2024-05-17")
    assert any("clarification_restarts_clock = false" in s for s in setting.explain)


def test_extension_chain_with_a_sunday_inside() -> None:
    # 2024-05-17 + 30 = Sunday 16 June -> 17 June; the notice sent on the response date itself.
    facts = Facts(received_on=D("2024-05-17"), extended_on=D("2024-06-06"))
    check_extension(Facts(received_on=D("2024-05-17")), D("2024-06-06"))
    d = compute(facts)
    assert d.extended
    assert (d.response_due, d.extended_due, d.decision_due) == (
        D("2024-06-06"),
        D("2024-06-17"),
        D("2024-06-17"),
    )


def test_extension_counts_30_days_from_the_start_not_10_from_a_moved_day_20() -> None:
    # 2024-03-09 + 20 = Good Friday, moved to Saturday 30 March (policy A). Ten days from the
    # moved day would be 9 April; the engine reads 30 days from the start: 8 April.
    d = compute(Facts(received_on=D("2024-03-09"), extended_on=D("2024-03-20")))
    assert d.response_due == D("2024-03-30")
    assert d.decision_due == D("2024-04-08")
    assert any("30 days from the clock start" in s for s in d.explain)


def test_extension_one_day_late_is_refused() -> None:
    facts = Facts(received_on=D("2024-05-17"))
    with pytest.raises(RefusedError) as err:
        check_extension(facts, D("2024-06-07"))
    assert err.value.message == (
        "the extension notice must be sent on or before the response date 2024-06-06 (a. 47); "
        "2024-06-07 is too late"
    )


def test_extension_on_a_moved_response_date_is_accepted() -> None:
    # 2024-03-09 + 20 = Good Friday: under policy B the response date is Tuesday 2 April.
    facts = Facts(received_on=D("2024-03-09"))
    check_extension(facts, D("2024-04-02"), B)
    with pytest.raises(RefusedError, match="response date 2024-03-30"):
        check_extension(facts, D("2024-04-02"), A)


@pytest.mark.parametrize(
    ("facts", "on", "message"),
    [
        (
            Facts(D("2024-05-17"), extended_on=D("2024-05-30")),
            "2024-06-01",
            "the request was already extended on 2024-05-30 "
            "(a. 47 allows one extension of at most 10 days)",
        ),
        (
            Facts(D("2024-05-17"), decided_on=D("2024-05-30")),
            "2024-06-01",
            "the request was decided on 2024-05-30; it can no longer be extended",
        ),
        (
            Facts(D("2024-05-17"), clarified_on=D("2024-05-23")),
            "2024-05-20",
            "the extension date 2024-05-20 is before the clock start 2024-05-23",
        ),
    ],
)
def test_extension_refusals(facts: Facts, on: str, message: str) -> None:
    with pytest.raises(RefusedError) as err:
        check_extension(facts, D(on))
    assert err.value.message == message


def test_late_extension_recorded_anyway_does_not_extend() -> None:
    d = compute(Facts(received_on=D("2024-05-17"), extended_on=D("2024-06-07")))
    assert not d.extended
    assert d.decision_due == D("2024-06-06")
    assert any("does not extend" in s for s in d.explain)


def test_third_party_chain_with_fete_nationale_inside() -> None:
    # Notice 4 June 2024 + 20 = 24 June (Fête nationale) -> 25 June; + 15 = 10 July.
    facts = Facts(received_on=D("2024-05-17"), third_party_notified_on=D("2024-06-04"))
    check_third_party(Facts(received_on=D("2024-05-17")), D("2024-06-04"))
    d = compute(facts)
    assert d.observations_due == D("2024-06-25")
    assert d.third_party_due == D("2024-07-10")
    assert d.decision_due == D("2024-07-10")
    assert d.executory_on is None
    assert any("Fête nationale du Québec" in s and "a. 61 (23°) e)" in s for s in d.explain)
    decided = compute(replace(facts, decided_on=D("2024-07-09")))
    # a. 49 al. 4: executory 15 days after mailing; a. 135: 30 days after the decision.
    assert decided.executory_on == D("2024-07-24")
    assert decided.review_deadline == D("2024-08-08")


def test_third_party_observations_presented_run_the_15_days() -> None:
    # Observations 16 June 2024 + 15 = 1 July (Fête du Canada) -> 2 July.
    facts = Facts(
        received_on=D("2024-05-17"),
        third_party_notified_on=D("2024-06-04"),
        observations_on=D("2024-06-16"),
    )
    d = compute(facts)
    assert d.third_party_due == D("2024-07-02")
    assert d.decision_due == D("2024-07-02")
    assert any("Fête du Canada" in s for s in d.explain)


def test_third_party_late_observations_do_not_move_the_decision() -> None:
    facts = Facts(
        received_on=D("2024-05-17"),
        third_party_notified_on=D("2024-06-04"),
        observations_on=D("2024-06-28"),
    )
    assert compute(facts).third_party_due == D("2024-07-10")


def test_third_party_notice_refusals() -> None:
    facts = Facts(received_on=D("2024-05-17"))
    check_third_party(facts, D("2024-06-06"))  # on the response date itself
    with pytest.raises(RefusedError) as err:
        check_third_party(facts, D("2024-06-07"))
    assert err.value.message == (
        "the third-party notice must be sent on or before the response date 2024-06-06 "
        "(a. 49 al. 1); 2024-06-07 is too late"
    )
    with pytest.raises(RefusedError) as err:
        check_third_party(facts, D("2024-05-16"))
    assert err.value.message == (
        "the third-party notice date 2024-05-16 is before the clock start 2024-05-17"
    )
    with pytest.raises(RefusedError, match="decided on 2024-05-30"):
        check_third_party(replace(facts, decided_on=D("2024-05-30")), D("2024-05-31"))


def test_deemed_refusal_and_review_deadline() -> None:
    d = compute(Facts(received_on=D("2024-05-17")))
    assert d.decision_due == D("2024-06-06")
    assert days_left(d, D("2024-06-01")) == 5
    assert days_left(d, D("2024-06-06")) == 0
    assert days_left(d, D("2024-06-10")) == -4
    assert not deemed_refusal(d, None, D("2024-06-06"))
    assert deemed_refusal(d, None, D("2024-06-07"))
    assert not deemed_refusal(d, D("2024-06-05"), D("2024-06-07"))
    # a. 135: 30 days after the due date: 6 July 2024 is a Saturday, open on the law calendar.
    assert d.review_deadline == D("2024-07-06")
    assert any("deemed refusal" in s for s in d.explain)
    # The review body's calendar (A-2.1, r. 6, a. 2) closes Saturdays: Monday 8 July.
    r = compute(Facts(received_on=D("2024-05-17")), REVIEW)
    assert r.review_deadline == D("2024-07-08")
    assert r.response_due == D("2024-06-06")  # the review calendar is for a. 135 only
    assert any("review-body calendar" in s and "samedi" in s for s in r.explain)


@pytest.mark.parametrize(
    ("decided", "law_due", "review_due"),
    [
        # 2024-11-26 + 30 = 26 December: open under I-16, closed for the review body.
        ("2024-11-26", "2024-12-26", "2024-12-27"),
        # 2024-12-03 + 30 = 2 January 2025: same.
        ("2024-12-03", "2025-01-02", "2025-01-03"),
        # 2024-11-25 + 30 = Christmas: both move; the review body also skips 26 December.
        ("2024-11-25", "2024-12-26", "2024-12-27"),
    ],
)
def test_review_deadline_at_year_end(decided: str, law_due: str, review_due: str) -> None:
    facts = Facts(received_on=D("2024-11-20"), decided_on=D(decided))
    assert compute(facts, A).review_deadline == D(law_due)
    assert compute(facts, REVIEW).review_deadline == D(review_due)


def test_explain_names_the_start_the_articles_and_the_holidays_skipped() -> None:
    d = compute(Facts(received_on=D("2024-03-09")), B)
    text = "\n".join(d.explain)
    assert "Clock starts on 2024-03-09" in text
    assert "2024-03-09 + 20 days = 2024-03-29" in text
    assert "a. 47 al. 1" in text
    for name in ("Vendredi saint", "samedi", "dimanche", "lundi de Pâques"):
        assert name in text
    assert "a. 61 (23°) c)" in text
    assert "Loi d'interprétation, RLRQ c. I-16, a. 52" in text
    assert "saturdays_closed = true" in text
    assert "saturdays_closed = false" in "\n".join(compute(Facts(D("2024-03-09"))).explain)


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (
            Facts(D("2024-05-17"), clarified_on=D("2024-05-10")),
            "the clarification date 2024-05-10 is before the received date 2024-05-17",
        ),
        (
            Facts(D("2024-05-17"), decided_on=D("2024-05-16")),
            "the decision date 2024-05-16 is before the received date 2024-05-17",
        ),
        (
            Facts(D("2024-05-17"), clarified_on=D("2024-05-23"), decided_on=D("2024-05-20")),
            "the decision date 2024-05-20 is before the clarification date 2024-05-23",
        ),
        (
            Facts(D("2024-05-17"), extended_on=D("2024-05-16")),
            "the extension date 2024-05-16 is before the clock start 2024-05-17",
        ),
        (
            Facts(D("2024-05-17"), clarified_on=D("2024-05-23"), extended_on=D("2024-05-20")),
            "the extension date 2024-05-20 is before the clock start 2024-05-23",
        ),
        (
            Facts(D("2024-05-17"), extended_on=D("2024-06-01"), decided_on=D("2024-05-30")),
            "the decision date 2024-05-30 is before the extension date 2024-06-01",
        ),
        (
            Facts(D("2024-05-17"), third_party_notified_on=D("2024-05-01")),
            "the third-party notice date 2024-05-01 is before the clock start 2024-05-17",
        ),
        (
            Facts(
                D("2024-05-17"),
                third_party_notified_on=D("2024-06-04"),
                observations_on=D("2024-06-03"),
            ),
            "the observations date 2024-06-03 is before the third-party notice date 2024-06-04",
        ),
        (
            Facts(D("2024-05-17"), observations_on=D("2024-06-03")),
            "the observations date 2024-06-03 has no third-party notice date",
        ),
        (
            Facts(
                D("2024-05-17"),
                third_party_notified_on=D("2024-06-04"),
                decided_on=D("2024-06-03"),
            ),
            "the decision date 2024-06-03 is before the third-party notice date 2024-06-04",
        ),
        (
            Facts(
                D("2024-05-17"),
                third_party_notified_on=D("2024-06-04"),
                observations_on=D("2024-06-20"),
                decided_on=D("2024-06-10"),
            ),
            "the decision date 2024-06-10 is before the observations date 2024-06-20",
        ),
    ],
)
def test_check_facts_order_errors(facts: Facts, message: str) -> None:
    with pytest.raises(RefusedError) as err:
        check_facts(facts)
    assert err.value.message == message
    with pytest.raises(RefusedError):
        compute(facts)


def test_check_facts_accepts_same_day_events() -> None:
    same = D("2024-05-17")
    check_facts(Facts(same, clarified_on=same, extended_on=same, decided_on=same))
    check_facts(Facts(same, third_party_notified_on=same, observations_on=same, decided_on=same))


def test_bad_review_calendar_setting() -> None:
    with pytest.raises(InputError, match="review_calendar"):
        Rules(review_calendar="commission")  # type: ignore[arg-type]


def test_proclaimed_day_moves_the_response_date() -> None:
    rules = Rules(proclaimed={D("2025-08-15"): "Jour proclamé pour essai"})
    d = compute(Facts(received_on=D("2025-07-26")), rules)
    assert d.response_due == D("2025-08-16")
    assert any("Jour proclamé pour essai" in s and "a. 61 (23°) j)" in s for s in d.explain)
    assert compute(Facts(received_on=D("2025-07-26"))).response_due == D("2025-08-15")


# Properties ---------------------------------------------------------------------------------

RULES = st.sampled_from([A, B, REVIEW, Rules(saturdays_closed=True, review_calendar="review-body")])
STARTS = st.dates(min_value=D("2001-01-01"), max_value=D("2098-12-31"))
OFFSET = st.integers(min_value=0, max_value=60)


@st.composite
def facts_strategy(draw: st.DrawFn) -> Facts:
    received = draw(STARTS)
    clarified = received + timedelta(days=draw(OFFSET)) if draw(st.booleans()) else None
    start = clarified or received
    extended = start + timedelta(days=draw(st.integers(0, 20))) if draw(st.booleans()) else None
    notified = start + timedelta(days=draw(st.integers(0, 20))) if draw(st.booleans()) else None
    observed = (
        notified + timedelta(days=draw(st.integers(0, 30)))
        if notified is not None and draw(st.booleans())
        else None
    )
    latest = max(d for d in (start, extended, notified, observed) if d is not None)
    decided = latest + timedelta(days=draw(OFFSET)) if draw(st.booleans()) else None
    return Facts(
        received_on=received,
        clarified_on=clarified,
        extended_on=extended,
        third_party_notified_on=notified,
        observations_on=observed,
        decided_on=decided,
    )


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy(), rules=RULES)
def test_dates_never_land_on_a_closed_day(facts: Facts, rules: Rules) -> None:
    d = compute(facts, rules)
    law = rules.law_calendar
    for day in (d.response_due, d.extended_due, d.decision_due, d.observations_due, d.executory_on):
        if day is not None:
            assert law.closure(day) is None
    review = rules.review_body_calendar if rules.review_calendar == "review-body" else law
    assert review.closure(d.review_deadline) is None
    assert d.response_due <= d.extended_due
    assert d.decision_due >= d.clock_starts_on + timedelta(days=15)


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy(), rules=RULES)
def test_extension_never_gives_an_earlier_decision_date(facts: Facts, rules: Rules) -> None:
    base = replace(facts, extended_on=None)
    start = compute(base, rules).clock_starts_on
    on = start + timedelta(days=5)
    assume(facts.decided_on is None or facts.decided_on >= on)
    without = compute(base, rules)
    with_ext = compute(replace(base, extended_on=on), rules)
    assert with_ext.decision_due >= without.decision_due
    if facts.third_party_notified_on is None:
        assert with_ext.extended and with_ext.decision_due == with_ext.extended_due


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy(), rules=RULES)
def test_review_deadline_is_after_the_decision(facts: Facts, rules: Rules) -> None:
    d = compute(facts, rules)
    anchor = facts.decided_on if facts.decided_on is not None else d.decision_due
    assert d.review_deadline >= anchor + timedelta(days=30)
    assert d.review_deadline > anchor
    if facts.decided_on is not None:
        assert d.review_deadline > facts.decided_on


# Several third parties (a. 49): the decision waits for the one whose periods end last.
@pytest.mark.parametrize(
    ("parties", "governing"),
    [
        ([], (None, None)),
        # Notified Mon 20 May 2024: observations by Mon 10 June (9 June is a Sunday), decision
        # 15 days on: Tue 25 June. Notified Mon 27 May: Mon 17 June, then Tue 2 July (1 July
        # is Canada Day). The later notice governs.
        ([(date(2024, 5, 20), None), (date(2024, 5, 27), None)], (date(2024, 5, 27), None)),
        # The later one presented its observations on Mon 3 June: 15 days, Tue 18 June. The
        # first one's 25 June now governs.
        (
            [(date(2024, 5, 20), None), (date(2024, 5, 27), date(2024, 6, 3))],
            (date(2024, 5, 20), None),
        ),
    ],
)
def test_the_last_third_party_period_governs(parties, governing):
    facts = Facts(received_on=date(2024, 5, 13))
    from atip.law.deadlines import governing_third_party

    assert governing_third_party(facts, parties) == governing


@settings(max_examples=300, deadline=None)
@given(
    received=st.dates(date(2019, 1, 1), date(2027, 12, 31)),
    clarified=st.one_of(st.none(), st.integers(0, 30)),
    extended=st.one_of(st.none(), st.integers(0, 30)),
    notified=st.one_of(st.none(), st.integers(0, 25)),
    decided=st.one_of(st.none(), st.integers(0, 90)),
)
def test_the_dates_are_the_same_without_the_sentences(
    received, clarified, extended, notified, decided
):
    """An import or a recompute computes without `explain`: the dates must not change."""
    later = lambda days: None if days is None else received + timedelta(days=days)  # noqa: E731
    facts = Facts(
        received_on=received,
        clarified_on=later(clarified),
        extended_on=later(extended),
        third_party_notified_on=later(notified),
        decided_on=later(decided),
    )
    try:
        explained = compute(facts)
    except RefusedError:
        assume(False)
    quiet = compute(facts, explaining=False)
    assert replace(quiet, explain=explained.explain) == explained
    assert quiet.explain == ()
