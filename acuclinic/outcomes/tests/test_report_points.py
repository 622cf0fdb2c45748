"""report.points and report.response_of, the report's one-pass readings, agree with the
responders module they stand in for (responders.baseline, after_first_visit, end_of_course,
nprs_response) on any series."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from acuclinic.outcomes import responders
from acuclinic.outcomes.report import function_response_of, points, response_of
from acuclinic.outcomes.responders import Moment, Observation, Response

T0 = datetime(2031, 3, 3, 16, 0, tzinfo=UTC)

values = st.one_of(
    st.integers(0, 10),
    st.decimals(0, 10, places=2).map(lambda d: Decimal(d)),
    st.none(),
)
observation = st.builds(
    lambda days, value, visit, moment: Observation(
        T0 + timedelta(days=days), value, visit, moment if visit else None
    ),
    st.integers(-10, 80),
    values,
    st.one_of(st.none(), st.integers(1, 8)),
    st.sampled_from([Moment.BEFORE, Moment.AFTER]),
)


@given(st.lists(observation, max_size=14))
def test_points_agree_with_responders(series: list[Observation]) -> None:
    series.sort(key=lambda o: o.when)
    got = points(series)
    assert got.baseline == responders.baseline(series)
    assert got.after_first_visit == responders.after_first_visit(series)
    assert got.end_of_course == responders.end_of_course(series)
    # The first response, by the definition: the first visit's check-in (visit 2 or later)
    # whose score is a moderate or substantial response to the baseline.
    base = responders.baseline(series)
    expected = None
    if base is not None:
        for o in responders._given(series):
            if o.moment is Moment.BEFORE and o.visit and o.visit >= 2:
                level = responders.nprs_response(base.value, o.value)
                if level in (Response.MODERATE, Response.SUBSTANTIAL):
                    expected = o.visit
                    break
    assert got.first_response_visit == expected


def test_response_of_matches_for_every_whole_number_pair() -> None:
    for before in range(11):
        for after in range(11):
            assert response_of(before, after) == responders.nprs_response(before, after)


@given(values, values)
def test_response_of_matches_for_decimals(before, after) -> None:  # type: ignore[no-untyped-def]
    assert response_of(before, after) == responders.nprs_response(before, after)


def test_function_response_of_matches() -> None:
    for measure, top in (("rmdq", 24), ("odi", 100)):
        for before in range(top + 1):
            for after in range(top + 1):
                expected = responders.response(measure, before, after)
                assert function_response_of(measure, before, after) == expected
    assert function_response_of("rmdq", Decimal("12.5"), 8) == responders.response(
        "rmdq", Decimal("12.5"), 8
    )
