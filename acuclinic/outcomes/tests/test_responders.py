"""Change since baseline, responder status and time points. No database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuclinic.outcomes import responders as r
from acuclinic.outcomes.responders import Moment, Observation, Response

# --- change ----------------------------------------------------------------------------------


def test_change_in_points_and_percent() -> None:
    c = r.change(8, 4)
    assert c is not None
    assert (c.points, c.percent, c.improvement, c.improvement_percent) == (-4, -50, 4, 50)


def test_change_where_higher_is_better() -> None:
    c = r.change(4, 6, higher_is_better=True)
    assert c is not None
    assert (c.points, c.percent, c.improvement, c.improvement_percent) == (2, 50, 2, 50)


def test_change_from_a_baseline_of_0_has_points_but_no_percent() -> None:
    c = r.change(0, 3)
    assert c is not None
    assert (c.points, c.percent, c.improvement_percent) == (3, None, None)


def test_missing_scores_give_no_change() -> None:
    assert r.change(None, 3) is None
    assert r.change(5, None) is None


def test_odi_decimals_are_compared_as_shown() -> None:
    # 10.1 -> 7.07 is exactly 30% of the shown baseline; binary floats would say 29.999...%.
    assert (10.1 - 7.07) / 10.1 * 100 < 30
    assert r.odi_responder(10.1, 7.07) is True
    assert r.odi_responder(Decimal("10.1"), Decimal("7.08")) is False


# --- NPRS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [
        (10, 7, Response.MODERATE),  # exactly 30% and 3 points
        (10, 8, Response.NONE),  # 20%
        (7, 5, Response.NONE),  # exactly 2 points but 28.6%: both criteria are needed
        (6, 4, Response.MODERATE),  # exactly 2 points and 33%
        (5, 4, Response.NONE),  # 20%, 1 point
        (3, 2, Response.NONE),  # 33% but only 1 point
        (4, 2, Response.SUBSTANTIAL),  # exactly 50% and exactly 2 points
        (2, 1, Response.NONE),  # 50% but 1 point: not even moderate
        (2, 0, Response.SUBSTANTIAL),  # 100%, 2 points
        (8, 4, Response.SUBSTANTIAL),
        (8, 5, Response.MODERATE),  # 37.5%
        (5, 7, Response.NONE),  # worse
    ],
)
def test_nprs_response_boundaries(baseline: int, current: int, expected: Response) -> None:
    assert r.nprs_response(baseline, current) is expected


def test_nprs_response_is_none_when_missing_or_baseline_0() -> None:
    assert r.nprs_response(None, 3) is None
    assert r.nprs_response(6, None) is None
    assert r.nprs_response(0, 0) is None


# --- RMDQ and ODI ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [
        (20, 15, True),  # exactly 5 points (25%)
        (20, 16, False),  # 4 points, 20%
        (10, 7, True),  # exactly 30%, 3 points
        (10, 8, False),  # 20%, 2 points
        (3, 2, True),  # 33%: the percentage alone suffices
        (0, 0, None),
        (None, 4, None),
    ],
)
def test_rmdq_responder(baseline: int | None, current: int, expected: bool | None) -> None:
    assert r.rmdq_responder(baseline, current) is expected


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [
        (60, 50, True),  # exactly 10 points (16.7%)
        (60, 52, False),
        (20, 14, True),  # exactly 30%, 6 points
        (20, 15, False),
        (0, 10, None),
        (40, None, None),
    ],
)
def test_odi_responder(baseline: float, current: float | None, expected: bool | None) -> None:
    assert r.odi_responder(baseline, current) is expected


def test_response_by_measure_key() -> None:
    assert r.response("nprs", 8, 4) is Response.SUBSTANTIAL
    assert r.response("rmdq", 12, 6) is Response.MODERATE
    assert r.response("odi", 40, 38) is Response.NONE
    assert r.response("odi", None, 38) is None
    with pytest.raises(ValueError, match="psfs"):
        r.response("psfs", 3, 5)


scores = st.integers(0, 10)


@given(baseline=scores, worse=scores, better=scores)
def test_nprs_response_is_monotonic_in_improvement(baseline: int, worse: int, better: int) -> None:
    lower, higher = sorted((worse, better))  # `lower` pain is the better outcome
    a, b = r.nprs_response(baseline, higher), r.nprs_response(baseline, lower)
    if baseline == 0:
        assert a is None and b is None
        return
    assert a is not None and b is not None
    assert r.RESPONSE_ORDER.index(a) <= r.RESPONSE_ORDER.index(b)


@given(baseline=st.integers(0, 24), worse=st.integers(0, 24), better=st.integers(0, 24))
def test_function_responder_is_monotonic(baseline: int, worse: int, better: int) -> None:
    lower, higher = sorted((worse, better))
    for check in (r.rmdq_responder, r.odi_responder):
        a, b = check(baseline, higher), check(baseline, lower)
        if baseline == 0:
            assert a is None and b is None
        else:
            assert a is not None and b is not None and a <= b


@given(baseline=st.integers(1, 10), current=st.integers(0, 10))
def test_a_substantial_nprs_responder_meets_the_moderate_criteria(
    baseline: int, current: int
) -> None:
    if r.nprs_response(baseline, current) is not Response.NONE:
        assert baseline - current >= 2 and (baseline - current) * 10 >= 3 * baseline


# --- time points -----------------------------------------------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def obs(
    days: float, value: int | None, visit: int | None = None, moment: Moment | None = None
) -> Observation:
    return Observation(T0 + timedelta(days=days), value, visit, moment)


EPISODE = [
    obs(0, 7, 1, Moment.BEFORE),
    obs(0.05, 3, 1, Moment.AFTER),
    obs(3, 5),  # pain diary
    obs(7, 5, 2, Moment.BEFORE),
    obs(7.05, 3, 2, Moment.AFTER),
    obs(40, 4, 6, Moment.BEFORE),
    obs(50, 2, 7, Moment.BEFORE),
    obs(57, 3),  # 8 weeks + 1 day: outside
    obs(180, 1),
]


def test_baseline_is_the_first_score_given() -> None:
    assert r.baseline(list(reversed(EPISODE))) == EPISODE[0]
    assert r.baseline([obs(-2, None), *EPISODE]) == EPISODE[0]
    assert r.baseline([]) is None
    assert r.baseline([obs(-3, 8), *EPISODE]).value == 8  # the intake, before visit 1


def test_a_first_score_asked_after_treatment_is_no_baseline() -> None:
    blank_check_in = [obs(0, None, 1, Moment.BEFORE), *EPISODE[1:]]
    assert r.baseline(blank_check_in) is None
    assert r.baseline(EPISODE[3:]) is None  # first seen at visit 2


def test_after_first_visit_is_the_check_in_score_of_visit_2() -> None:
    assert r.after_first_visit(EPISODE) == EPISODE[3]
    assert r.immediately_after_first_visit(EPISODE) == EPISODE[1]


def test_after_first_visit_is_missing_when_not_given() -> None:
    skipped = [o if o.visit != 2 else obs(7, None, 2, Moment.BEFORE) for o in EPISODE]
    assert r.after_first_visit(skipped) is None  # no falling back to visit 2's after-score
    assert r.after_first_visit(EPISODE[:3]) is None  # did not come back


def test_end_of_course_is_the_last_score_within_6_to_8_weeks() -> None:
    assert r.end_of_course(EPISODE) == EPISODE[6]
    assert r.end_of_course(EPISODE[:6]) is None  # day 40 is before the window
    assert r.end_of_course([]) is None


def test_window_ends_are_included() -> None:
    edge = [obs(0, 6), obs(42, 5), obs(56, 4)]
    assert r.end_of_course(edge) == edge[2]
    assert r.last_in_window(edge, T0, r.Window(timedelta(0), timedelta(days=42))) == edge[1]


def test_six_months() -> None:
    assert r.last_in_window(EPISODE, T0, r.SIX_MONTHS) == EPISODE[8]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        r.baseline([Observation(datetime(2026, 3, 2, 9, 0), 5)])
