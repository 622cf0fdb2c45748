"""outcomes/report.py on a small hand-made set of courses, every number worked out by hand."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from acuclinic.outcomes import stats
from acuclinic.outcomes.data import Episode, Visit
from acuclinic.outcomes.report import (
    Figure,
    Filters,
    Quantifier,
    TreatmentSets,
    Verdict,
    build,
    check_claim,
    first_response_visit,
    patient_status,
    thresholds,
    treated,
)
from acuclinic.outcomes.responders import Moment, Observation, Response

T0 = datetime(2031, 3, 3, 16, 0, tzinfo=UTC)
A, B = 1, 2  # practitioner ids
PERIOD = Filters(start=T0 - timedelta(days=1), end=T0 + timedelta(days=30))
NOW = T0 + timedelta(weeks=20)
BEFORE, AFTER = Moment.BEFORE, Moment.AFTER


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def episode(
    patient_id: int,
    visit_days: list[float],
    pain: list[Observation],
    practitioner: int = A,
    function: list[Observation] = (),  # type: ignore[assignment]
) -> Episode:
    visits = tuple(
        Visit(i + 1, 100 * patient_id + i, day(d), practitioner) for i, d in enumerate(visit_days)
    )
    return Episode(
        patient_id=patient_id,
        number=1,
        visits=visits,
        pain=tuple(pain),
        function=tuple(function),
        function_measure="rmdq" if function else None,
    )


# E1: intake 8, visit 2 check-in 4 (50%, 4 points: substantial), week 7 check-in 3; RMDQ 14 -> 8.
E1 = episode(
    1,
    [0, 7, 49],
    [
        Observation(day(-2), 8),
        Observation(day(0), 8, 1, BEFORE),
        Observation(day(7), 4, 2, BEFORE),
        Observation(day(49), 3, 3, BEFORE),
    ],
    function=[Observation(day(-2), 14), Observation(day(49), 8)],
)
# E2: baseline 6; visit 2: 5 (1 point: none); visit 3 at week 6: 4 (2 points, 33%: moderate);
# RMDQ 10 -> 8 (2 points, 20%: not a responder).
E2 = episode(
    2,
    [0, 7, 42],
    [
        Observation(day(0), 6, 1, BEFORE),
        Observation(day(7), 5, 2, BEFORE),
        Observation(day(42), 4, 3, BEFORE),
    ],
    function=[Observation(day(0), 10), Observation(day(49), 8)],
)
# E3 (practitioner B): one visit, baseline 5, never heard from again: a drop-out.
E3 = episode(3, [2], [Observation(day(2), 5, 1, BEFORE)], practitioner=B)
# E4: the first score was asked after treatment: no baseline; visit 2 check-in 3.
E4 = episode(
    4,
    [3, 10],
    [
        Observation(
            day(
                3,
            )
            + timedelta(minutes=40),
            7,
            1,
            AFTER,
        ),
        Observation(day(10), 3, 2, BEFORE),
    ],
)
# E5: first visit after the period; E6: scores but no visit (never started).
E5 = episode(5, [40, 47], [Observation(day(40), 9, 1, BEFORE), Observation(day(47), 2, 2, BEFORE)])
E6 = episode(6, [], [Observation(day(5), 7)])
ALL = [E1, E2, E3, E4, E5, E6]


def test_the_counts() -> None:
    r = build(ALL, PERIOD, now=NOW)
    assert r.started == 4  # E1-E4
    assert r.with_baseline == 3  # not E4
    assert r.followed_up == 3  # not E3
    assert (r.dropouts, r.too_early) == (1, 0)  # E3
    assert r.visits == 3 + 3 + 1 + 2
    assert [e.patient_id for e in r.episodes] == [1, 2, 3, 4]


def test_responder_rates_as_n_of_n_with_missing() -> None:
    r = build(ALL, PERIOD, now=NOW)
    got = {o.figure: (o.rate.n, o.rate.total, o.missing) for o in r.outcomes}
    assert got == {
        Figure.FIRST_30: (1, 2, 2),  # E1 yes, E2 no; E3 no visit-2 score, E4 no baseline
        Figure.FIRST_50: (1, 2, 2),
        Figure.END_30: (2, 2, 2),  # E1 8 -> 3, E2 6 -> 4
        Figure.END_50: (1, 2, 2),  # only E1 (62.5%)
        Figure.END_FUNCTION: (1, 2, 2),  # E1 RMDQ 6 points; E2 2 points and 20%
    }
    half = r.outcome(Figure.FIRST_30).rate
    # Wilson 95% for 1 of 2, by hand: centre (0.5 + 0.9604) / 2.9208 = 0.5, half-width
    # 1.96 / 2.9208 * sqrt(0.125 + 0.4802) = 0.4055 (0.0945 to 0.9055).
    assert half.low == pytest.approx(0.0945, abs=5e-4)
    assert half.high == pytest.approx(0.9055, abs=5e-4)
    assert r.outcome(Figure.FIRST_30).text == stats.format_rate(half)
    assert r.outcome(Figure.END_30).percent == "100%"
    assert r.outcome(Figure.END_30).interval == "34%-100%"  # Wilson 2/2: 0.342 to 1


def test_visits_to_respond() -> None:
    r = build(ALL, PERIOD, now=NOW)
    # E1 responded at visit 2, E2 at visit 3; E3 and E4 have nothing to tell it by.
    assert r.visits_to_respond == stats.VisitsToRespond(median=2.5, responded=2, never_responded=0)
    assert first_response_visit(E1) == 2
    assert first_response_visit(E2) == 3
    assert first_response_visit(E4) is None
    never = episode(
        7, [0, 7], [Observation(day(0), 6, 1, BEFORE), Observation(day(7), 6, 2, BEFORE)]
    )
    assert build([never], PERIOD, now=NOW).visits_to_respond.never_responded == 1


def test_practitioner_filter_counts_the_first_visit() -> None:
    r = build(ALL, replace(PERIOD, practitioner_id=B), now=NOW)
    assert (r.started, r.dropouts, r.followed_up) == (1, 1, 0)
    assert all(o.rate.total == 0 and o.missing == 1 for o in r.outcomes)
    assert build(ALL, replace(PERIOD, practitioner_id=99), now=NOW).started == 0


def test_period_bounds_include_the_start_and_exclude_the_end() -> None:
    exactly = Filters(start=day(0), end=day(2))
    assert [e.patient_id for e in build(ALL, exactly, now=NOW).episodes] == [1, 2]


def test_too_early_to_call_a_drop_out() -> None:
    r = build([E3], PERIOD, now=day(2) + timedelta(weeks=3))
    assert (r.dropouts, r.too_early) == (0, 1)
    r = build([E3], PERIOD, now=day(2) + timedelta(weeks=4))
    assert (r.dropouts, r.too_early) == (1, 0)


def test_empty_report() -> None:
    r = build([], PERIOD, now=NOW)
    assert r.started == 0 and all(o.rate.total == 0 for o in r.outcomes)
    assert r.outcome(Figure.FIRST_50).percent == "" and r.outcome(Figure.FIRST_50).interval == ""


def test_filters_are_checked() -> None:
    with pytest.raises(ValueError, match="aware"):
        Filters(start=datetime(2031, 1, 1), end=T0)
    with pytest.raises(ValueError, match="ends before"):
        Filters(start=T0, end=T0)
    # A treatment filter without the matching appointments is a programming error, not an
    # empty report.
    with pytest.raises(ValueError, match="TreatmentSets"):
        build([E1], replace(PERIOD, point="BL23"), now=NOW)


def test_treatment_filters_hold_for_the_course_as_a_whole() -> None:
    # E1's visits are appointments 100, 101, 102.
    sets = TreatmentSets(protocol=frozenset({101}), point=frozenset({102}), herbs=frozenset())
    assert treated(E1, replace(PERIOD, protocol_id=7), sets)
    # Protocol at one visit, point at another: both are met by the course.
    assert treated(E1, replace(PERIOD, protocol_id=7, point="BL23"), sets)
    assert treated(E1, replace(PERIOD, herbs=False), sets)
    assert not treated(E1, replace(PERIOD, herbs=True), sets)
    assert not treated(E1, replace(PERIOD, point="GB30"), replace(sets, point=frozenset({5})))
    counted = build([E1], replace(PERIOD, herbs=True), now=NOW, treatment=sets)
    assert counted.started == 0
    assert build([E1], replace(PERIOD, herbs=False), now=NOW, treatment=sets).started == 1


# --- claim check ---------------------------------------------------------------------------


def with_rate(n: int, total: int, figure: Figure = Figure.FIRST_50):  # type: ignore[no-untyped-def]
    r = build([], PERIOD, now=NOW)
    outcomes = tuple(
        replace(o, rate=stats.rate(n, total)) if o.figure == figure else o for o in r.outcomes
    )
    return replace(r, outcomes=outcomes)


@pytest.mark.parametrize(
    ("n", "total", "quantifier", "verdict"),
    [
        (45, 50, Quantifier.MOST, Verdict.SUPPORTED),  # 78.6% to 95.7%
        (45, 50, Quantifier.NEARLY_ALL, Verdict.UNCERTAIN),  # 90% inside the interval
        (26, 50, Quantifier.MOST, Verdict.UNCERTAIN),  # 38.5% to 65.3%
        (10, 50, Quantifier.MOST, Verdict.CONTRADICTED),  # 11.2% to 33.0%
        (10, 50, Quantifier.THIRD, Verdict.UNCERTAIN),  # 33.0% is above 33%... just
        (5, 50, Quantifier.THIRD, Verdict.CONTRADICTED),  # 4.3% to 21.4%
        (3, 3, Quantifier.MOST, Verdict.UNCERTAIN),  # 100%, but 3 patients: 43.9% to 100%
        (0, 0, Quantifier.MOST, Verdict.NO_DATA),
    ],
)
def test_claim_verdicts(n: int, total: int, quantifier: Quantifier, verdict: Verdict) -> None:
    check = check_claim(with_rate(n, total), quantifier, Figure.FIRST_50)
    assert check.verdict is verdict
    assert check.outcome.rate.n == n and check.outcome.rate.total == total
    assert f"{check.threshold}%" in check.rule


def test_most_is_strict_and_at_least_half_is_not() -> None:
    r = with_rate(30, 40)
    exact = stats.Rate(n=30, total=40, proportion=0.75, low=0.5, high=0.9)
    outcomes = tuple(
        replace(o, rate=exact) if o.figure == Figure.FIRST_50 else o for o in r.outcomes
    )
    r = replace(r, outcomes=outcomes)
    assert check_claim(r, Quantifier.MOST, Figure.FIRST_50).verdict is Verdict.UNCERTAIN
    assert check_claim(r, Quantifier.HALF, Figure.FIRST_50).verdict is Verdict.SUPPORTED


def test_the_claim_uses_the_figure_picked() -> None:
    r = build(ALL, PERIOD, now=NOW)
    check = check_claim(r, Quantifier.HALF, Figure.END_30)
    assert (check.outcome.rate.n, check.outcome.rate.total) == (2, 2)
    assert check.verdict is Verdict.UNCERTAIN  # 34% to 100% with 2 patients


# --- per patient ---------------------------------------------------------------------------


def test_patient_status_and_thresholds() -> None:
    base, (first, end, latest) = patient_status(E1)
    assert base == Observation(day(-2), 8)
    assert (first.point.value, first.response) == (4, Response.SUBSTANTIAL)
    assert (first.change.points, first.change.percent) == (-4, -50)
    assert (end.point.value, end.response) == (3, Response.SUBSTANTIAL)
    assert latest.point == end.point
    assert thresholds(base) == {"baseline": 8, "moderate": pytest.approx(5.6), "substantial": 4}
    # From a low baseline the 2 points decide: 3 -> at most 1 for a moderate response.
    assert thresholds(Observation(T0, 3)) == {"baseline": 3, "moderate": 1, "substantial": 1}
    assert thresholds(Observation(T0, 0)) is None and thresholds(None) is None
    base, statuses = patient_status(E4)
    assert base is None and all(s.response is None and s.change is None for s in statuses)
    assert statuses[0].point is not None  # the score is shown, only the comparison is missing
