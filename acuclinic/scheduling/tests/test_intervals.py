"""The interval arithmetic availability is built from: examples, then properties (hypothesis).

Every generated endpoint is a whole minute after BASE, so whether an instant lies in a union of
half-open intervals only changes at whole minutes: sampling every whole and half minute of the
range checks "covers exactly" without gaps.
"""

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuclinic.scheduling.intervals import (
    Interval,
    StartRange,
    Timeline,
    intersect,
    intersect_ranges,
    merge,
    subtract,
    union_ranges,
)

BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SPAN = 60  # generated endpoints lie in [BASE, BASE + SPAN minutes]
SAMPLES = [BASE + timedelta(minutes=m / 2) for m in range(-4, 2 * SPAN + 5)]
# The same instant written in other zones: the arithmetic must compare instants, not wall times.
ZONES = [UTC, timezone(timedelta(hours=5, minutes=30)), ZoneInfo("America/Denver")]

PROPERTY = settings(max_examples=120, deadline=None)


def m(minutes: float) -> datetime:
    return BASE + timedelta(minutes=minutes)


def iv(a: float, b: float) -> Interval:
    return Interval(m(a), m(b))


def inside(t: datetime, intervals: list[Interval]) -> bool:
    return any(i.start <= t < i.end for i in intervals)


def share_an_instant(a: Interval, b: Interval) -> bool:
    """Brute-force overlap: some instant lies in both (an empty interval holds none)."""
    return max(a.start, b.start) < min(a.end, b.end)


def assert_canonical(result: list[Interval]) -> None:
    """Sorted, non-empty, disjoint and not touching: the shape every operation returns."""
    assert all(i.end > i.start for i in result), result
    assert all(a.end < b.start for a, b in pairwise(result)), result


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    return m(draw(st.integers(0, SPAN))).astimezone(draw(st.sampled_from(ZONES)))


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    a, b = sorted([draw(instants()), draw(instants())])
    return Interval(a, b)  # sometimes empty (a == b)


interval_lists = st.lists(intervals(), max_size=8)


# --- Interval ----------------------------------------------------------------------------------


def test_interval_rejects_naive_start() -> None:
    with pytest.raises(ValueError, match="aware"):
        Interval(datetime(2026, 3, 2, 9, 0), m(60))


def test_interval_rejects_naive_end() -> None:
    with pytest.raises(ValueError, match="aware"):
        Interval(m(0), datetime(2026, 3, 2, 10, 0))


def test_interval_rejects_end_before_start() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        iv(10, 9)


def test_interval_compares_instants_across_zones() -> None:
    # 14:30 in Kolkata is 09:00 UTC: a larger wall time, yet the same instant as BASE.
    kolkata = ZoneInfo("Asia/Kolkata")
    assert Interval(m(0), m(30).astimezone(kolkata)).duration == timedelta(minutes=30)
    with pytest.raises(ValueError):
        Interval(m(30), m(0).astimezone(kolkata))


def test_empty_interval_is_allowed() -> None:
    assert iv(5, 5).duration == timedelta(0)


def test_touching_intervals_do_not_overlap() -> None:
    assert not iv(0, 60).overlaps(iv(60, 120))
    assert not iv(60, 120).overlaps(iv(0, 60))
    assert iv(0, 61).overlaps(iv(60, 120))
    assert iv(60, 120).overlaps(iv(0, 61))
    assert iv(0, 120).overlaps(iv(30, 40))


def test_contains_and_widen() -> None:
    assert iv(0, 60).contains(iv(0, 60))
    assert iv(0, 60).contains(iv(10, 20))
    assert not iv(0, 60).contains(iv(10, 61))
    assert not iv(0, 60).contains(iv(-1, 10))
    assert iv(30, 60).widen(timedelta(minutes=10), timedelta(minutes=5)) == iv(20, 65)


# --- merge, subtract, intersect: examples ------------------------------------------------------


def test_merge_joins_overlapping_and_touching_and_drops_empty() -> None:
    given_ = [iv(50, 60), iv(0, 10), iv(10, 20), iv(15, 18), iv(30, 30), iv(25, 40), iv(39, 45)]
    assert merge(given_) == [iv(0, 20), iv(25, 45), iv(50, 60)]


def test_merge_keeps_a_gap_of_one_minute() -> None:
    assert merge([iv(0, 10), iv(11, 20)]) == [iv(0, 10), iv(11, 20)]


def test_merge_of_nothing() -> None:
    assert merge([]) == []
    assert merge([iv(3, 3)]) == []


def test_subtract_cuts_holes() -> None:
    assert subtract([iv(0, 60)], [iv(10, 20), iv(30, 40)]) == [iv(0, 10), iv(20, 30), iv(40, 60)]


def test_subtract_touching_hole_leaves_the_interval_whole() -> None:
    assert subtract([iv(10, 20)], [iv(0, 10), iv(20, 30)]) == [iv(10, 20)]


def test_subtract_one_hole_across_two_intervals() -> None:
    assert subtract([iv(0, 10), iv(20, 30)], [iv(5, 25)]) == [iv(0, 5), iv(25, 30)]


def test_subtract_hole_covering_everything() -> None:
    assert subtract([iv(10, 20), iv(30, 40)], [iv(0, 50)]) == []


def test_subtract_merges_its_inputs_first() -> None:
    assert subtract([iv(0, 10), iv(10, 20)], []) == [iv(0, 20)]
    assert subtract([iv(0, 20)], [iv(5, 8), iv(7, 12)]) == [iv(0, 5), iv(12, 20)]


def test_intersect_examples() -> None:
    a = [iv(0, 10), iv(20, 30), iv(40, 50)]
    b = [iv(5, 25), iv(28, 45)]
    assert intersect(a, b) == [iv(5, 10), iv(20, 25), iv(28, 30), iv(40, 45)]
    assert intersect(a, []) == []
    assert intersect([iv(0, 10)], [iv(10, 20)]) == []  # touching shares no instant


# --- Timeline: examples ------------------------------------------------------------------------


def test_timeline_merges_busy_intervals() -> None:
    line = Timeline([iv(30, 40), iv(0, 10), iv(10, 20), iv(5, 5), iv(35, 50)])
    assert line.busy == [iv(0, 20), iv(30, 50)]


def test_timeline_is_free_allows_touching_on_both_sides() -> None:
    line = Timeline([iv(0, 10), iv(30, 40)])
    assert line.is_free(m(10), m(30))  # starts when one ends, ends when the next starts
    assert not line.is_free(m(9), m(30))
    assert not line.is_free(m(10), m(31))
    assert not line.is_free(m(-5), m(50))  # swallows a busy interval whole
    assert not line.is_free(m(32), m(33))  # inside a busy interval
    assert line.is_free(m(20), m(25))
    assert line.is_free(m(-5), m(0))
    assert line.is_free(m(40), m(100))


def test_empty_busy_intervals_block_nothing() -> None:
    line = Timeline([iv(5, 5), iv(20, 30)])
    assert line.is_free(m(0), m(10))
    assert not line.covers(m(5), m(6))
    assert line.between(m(0), m(10)) == []


def test_empty_timeline_is_free_and_covers_nothing() -> None:
    line = Timeline([])
    assert line.is_free(m(0), m(10))
    assert not line.covers(m(0), m(10))
    assert line.between(m(0), m(10)) == []


def test_timeline_covers_across_touching_intervals_but_not_a_gap() -> None:
    line = Timeline([iv(0, 10), iv(10, 20), iv(25, 40)])
    assert line.covers(m(0), m(20))
    assert line.covers(m(5), m(15))
    assert line.covers(m(25), m(40))
    assert not line.covers(m(15), m(30))
    assert not line.covers(m(-1), m(5))
    assert not line.covers(m(30), m(41))
    assert not line.covers(m(20), m(25))


def test_timeline_between_returns_the_overlapping_busy_intervals() -> None:
    line = Timeline([iv(0, 10), iv(20, 30), iv(40, 50)])
    assert line.between(m(10), m(40)) == [iv(20, 30)]  # touching ones are left out
    assert line.between(m(9), m(41)) == [iv(0, 10), iv(20, 30), iv(40, 50)]
    assert line.between(m(31), m(39)) == []


# --- properties --------------------------------------------------------------------------------


@PROPERTY
@given(interval_lists)
def test_merge_is_canonical_and_covers_exactly_the_union(given_: list[Interval]) -> None:
    result = merge(given_)
    assert_canonical(result)
    for t in SAMPLES:
        assert inside(t, result) == inside(t, given_), t


@PROPERTY
@given(interval_lists)
def test_merge_is_idempotent(given_: list[Interval]) -> None:
    once = merge(given_)
    assert merge(once) == once
    assert merge(reversed(given_)) == once


@PROPERTY
@given(interval_lists, interval_lists)
def test_subtract_covers_exactly_a_and_not_b(a: list[Interval], b: list[Interval]) -> None:
    result = subtract(a, b)
    assert_canonical(result)
    for t in SAMPLES:
        assert inside(t, result) == (inside(t, a) and not inside(t, b)), t


@PROPERTY
@given(interval_lists, interval_lists)
def test_intersect_covers_exactly_a_and_b(a: list[Interval], b: list[Interval]) -> None:
    result = intersect(a, b)
    assert_canonical(result)
    assert intersect(b, a) == result
    for t in SAMPLES:
        assert inside(t, result) == (inside(t, a) and inside(t, b)), t


@PROPERTY
@given(
    interval_lists,
    st.lists(
        st.tuples(instants(), instants()).filter(lambda q: q[0] != q[1]), min_size=1, max_size=8
    ),
)
def test_timeline_agrees_with_brute_force(
    busy: list[Interval], queries: list[tuple[datetime, datetime]]
) -> None:
    line = Timeline(busy)
    assert line.busy == merge(busy)
    # ...and queries touching each busy interval from either side.
    five = timedelta(minutes=5)
    queries += [(i.start - five, i.start) for i in busy] + [(i.end, i.end + five) for i in busy]
    for a, b in queries:
        start, end = min(a, b), max(a, b)
        query = Interval(start, end)
        assert line.is_free(start, end) == (not any(share_an_instant(query, i) for i in busy))
        assert line.between(start, end) == [i for i in merge(busy) if share_an_instant(i, query)]
        every_instant_busy = all(inside(t, busy) for t in SAMPLES if start <= t < end)
        assert line.covers(start, end) == every_instant_busy, query


@PROPERTY
@given(interval_lists)
def test_a_timeline_built_by_adding_is_the_one_built_at_once(busy: list[Interval]) -> None:
    line = Timeline()
    for interval in busy:
        line.add(interval)
    assert line.busy == merge(busy)
    assert len(line) == len(merge(busy))


@PROPERTY
@given(interval_lists, st.lists(st.tuples(instants(), instants()), min_size=1, max_size=8))
def test_of_sorted_answers_like_the_general_constructor(
    busy: list[Interval], queries: list[tuple[datetime, datetime]]
) -> None:
    """Rows in start order, overlapping or not (the fast path takes only apart ones)."""
    rows = sorted(i for i in busy if i.end > i.start)
    line = Timeline.of_sorted([i.start for i in rows], [i.end for i in rows])
    reference = Timeline(busy)
    for a, b in queries:
        start, end = min(a, b), max(a, b)
        assert line.is_free(start, end) == reference.is_free(start, end)


def test_of_sorted_keeps_touching_appointments_apart_and_answers_right() -> None:
    line = Timeline.of_sorted([m(0), m(10)], [m(10), m(20)])
    assert len(line) == 2  # taken as given: no merge loop
    assert not line.is_free(m(5), m(15)) and not line.is_free(m(10), m(11))
    assert line.is_free(m(20), m(30)) and line.is_free(m(-10), m(0))


def in_ranges(t: datetime, ranges: list[StartRange]) -> bool:
    return any(lo <= t <= hi for lo, hi in ranges)


def assert_sorted_and_apart(ranges: list[StartRange]) -> None:
    assert all(lo <= hi for lo, hi in ranges), ranges
    assert all(a[1] < b[0] for a, b in pairwise(ranges)), ranges


@PROPERTY
@given(interval_lists, st.integers(0, 20), st.integers(1, 20))
def test_starts_clear_holds_exactly_the_starts_whose_span_is_free(
    busy: list[Interval], lead: int, tail: int
) -> None:
    ranges = Timeline(busy).starts_clear(timedelta(minutes=lead), timedelta(minutes=tail))
    assert_sorted_and_apart(ranges)
    for t in SAMPLES:
        span = Interval(t - timedelta(minutes=lead), t + timedelta(minutes=tail))
        assert in_ranges(t, ranges) == (not any(share_an_instant(span, i) for i in busy)), t


range_lists = st.lists(intervals().filter(lambda i: i.end > i.start), max_size=6).map(
    lambda found: [(i.start, i.end) for i in merge(found)]
)


@PROPERTY
@given(range_lists, range_lists)
def test_intersect_ranges_holds_exactly_where_both_do(
    a: list[StartRange], b: list[StartRange]
) -> None:
    both = intersect_ranges(a, b)
    assert both == intersect_ranges(b, a)
    assert_sorted_and_apart(both)
    for t in SAMPLES + [lo for lo, _ in a + b] + [hi for _, hi in a + b]:
        assert in_ranges(t, both) == (in_ranges(t, a) and in_ranges(t, b)), t


@PROPERTY
@given(st.lists(range_lists, max_size=4))
def test_union_ranges_holds_exactly_where_any_does(lists: list[list[StartRange]]) -> None:
    union = union_ranges(lists)
    assert_sorted_and_apart(union)
    every = [r for ranges in lists for r in ranges]
    for t in SAMPLES + [lo for lo, _ in every] + [hi for _, hi in every]:
        assert in_ranges(t, union) == any(in_ranges(t, ranges) for ranges in lists), t
