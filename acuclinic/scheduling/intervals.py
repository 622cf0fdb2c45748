"""Half-open time intervals [start, end) and the arithmetic availability is built from.

Pure: aware datetimes in, aware datetimes out. No ORM, no request, no time zone rules (those
live in availability.py).
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import compress, repeat
from operator import add, le, lt, sub
from typing import NamedTuple

# A closed range [lo, hi] of instants (where a slot may start). Closed because a start exactly
# at `hi` still fits: the slot then ends exactly where the next busy time begins.
StartRange = tuple[datetime, datetime]
# Stand-ins for "no limit", far enough that no arithmetic with a day's buffer overflows.
DAWN = datetime(2, 1, 1, tzinfo=UTC)
DUSK = datetime(9998, 1, 1, tzinfo=UTC)


class _Span(NamedTuple):
    start: datetime
    end: datetime


class Interval(_Span):
    """A tuple underneath: a month of a big clinic is tens of thousands of intervals, and
    tuples are made, sorted and compared at C speed."""

    __slots__ = ()

    def __new__(cls, start: datetime, end: datetime) -> "Interval":
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("intervals take aware datetimes")
        if end < start:
            raise ValueError(f"interval ends before it starts: {start} > {end}")
        return super().__new__(cls, start, end)

    @classmethod
    def trusted(cls, start: datetime, end: datetime) -> "Interval":
        """Without the checks, for values the database already guarantees (aware, ordered)."""
        return tuple.__new__(cls, (start, end))

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: "Interval") -> bool:
        """Touching intervals ([9:00, 10:00) and [10:00, 11:00)) do not overlap."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Interval") -> bool:
        return self.start <= other.start and other.end <= self.end

    def widen(self, before: timedelta, after: timedelta) -> "Interval":
        return Interval(self.start - before, self.end + after)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined; empty ones dropped."""
    result: list[Interval] = []
    for interval in sorted(i for i in intervals if i.end > i.start):
        if result and interval.start <= result[-1].end:
            if interval.end > result[-1].end:
                result[-1] = Interval(result[-1].start, interval.end)
        else:
            result.append(interval)
    return result


def subtract(intervals: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """What is left of `intervals` once every hole is cut out (sorted, merged)."""
    remaining = merge(intervals)
    cuts = merge(holes)
    result: list[Interval] = []
    j = 0
    for interval in remaining:
        start = interval.start
        while j < len(cuts) and cuts[j].end <= start:
            j += 1
        k = j
        while k < len(cuts) and cuts[k].start < interval.end:
            if cuts[k].start > start:
                result.append(Interval(start, cuts[k].start))
            start = max(start, cuts[k].end)
            k += 1
        if start < interval.end:
            result.append(Interval(start, interval.end))
    return result


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    left, right = merge(a), merge(b)
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            result.append(Interval(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return result


class Timeline:
    """Merged busy intervals with a fast "is this free?" question (binary search)."""

    def __init__(self, busy: Iterable[tuple[datetime, datetime]] = ()) -> None:
        # Merged into two parallel lists without building new Interval objects: a practitioner
        # with thousands of appointments must cost milliseconds (issue 3's figure: <= 10 ms).
        starts: list[datetime] = []
        ends: list[datetime] = []
        for start, end in sorted(busy):
            if end <= start:
                continue
            if ends and start <= ends[-1]:
                if end > ends[-1]:
                    ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
        self._starts, self._ends = starts, ends

    @classmethod
    def of_sorted(cls, starts: list[datetime], ends: list[datetime]) -> "Timeline":
        """From busy times already in order and apart (touching is fine): one practitioner's
        or one room's appointments, which the database keeps from overlapping. That is
        checked here at C speed, without a Python loop; anything else is merged as usual."""
        if all(map(lt, starts, ends)) and all(map(le, ends, starts[1:])):
            line = cls()
            line._starts, line._ends = starts, ends
            return line
        return cls(zip(starts, ends, strict=True))

    def __len__(self) -> int:
        return len(self._starts)

    def add(self, interval: tuple[datetime, datetime]) -> None:
        """One more busy time (e.g. a booking made while planning several)."""
        start, end = interval
        if end <= start:
            return
        lo = bisect_left(self._ends, start)  # the first that ends at or after `start`
        hi = bisect_right(self._starts, end)  # past the last that starts at or before `end`
        if lo < hi:  # overlapping or touching ones: join them
            start, end = min(start, self._starts[lo]), max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]

    @property
    def busy(self) -> list[Interval]:
        return [Interval(s, e) for s, e in zip(self._starts, self._ends, strict=True)]

    def is_free(self, start: datetime, end: datetime) -> bool:
        """No busy interval overlaps [start, end). (Plain datetimes: this is the hot path.)"""
        # The first busy interval ending after `start` is the only one that can overlap.
        k = bisect_right(self._ends, start)
        return k == len(self._ends) or self._starts[k] >= end

    def covers(self, start: datetime, end: datetime) -> bool:
        """One merged interval holds all of [start, end) (used for working time)."""
        k = bisect_right(self._starts, start) - 1
        return k >= 0 and self._ends[k] >= end

    def starts_clear(self, lead: timedelta, tail: timedelta) -> list[StartRange]:
        """The starts s for which [s - lead, s + tail) overlaps no busy interval, as sorted,
        disjoint closed ranges (the gaps between busy times, shrunk by lead and tail)."""
        # map/compress rather than a loop: this runs over every appointment of the month.
        lows = [DAWN, *map(add, self._ends, repeat(lead))]
        highs = [*map(sub, self._starts, repeat(tail)), DUSK]
        return list(compress(zip(lows, highs, strict=True), map(le, lows, highs)))

    def between(self, start: datetime, end: datetime) -> list[Interval]:
        lo = bisect_right(self._ends, start)
        hi = bisect_left(self._starts, end)
        return [Interval(s, e) for s, e in zip(self._starts[lo:hi], self._ends[lo:hi], strict=True)]


def intersect_ranges(a: list[StartRange], b: list[StartRange]) -> list[StartRange]:
    """Where two sorted lists of disjoint closed ranges both hold.

    Walks the shorter list and finds its place in the longer one by binary search: a
    practitioner's few working windows against a month of gaps between room bookings costs
    the windows, not the month."""
    if len(a) > len(b):
        a, b = b, a
    if not a:
        return []
    b_highs = [hi for _lo, hi in b]
    result = []
    count = len(b)
    for lo, hi in a:
        k = bisect_left(b_highs, lo)  # the first range of b that does not end before lo
        while k < count and b[k][0] <= hi:
            b_lo, b_hi = b[k]
            result.append((lo if lo > b_lo else b_lo, hi if hi < b_hi else b_hi))
            k += 1
    return result


def union_ranges(lists: Iterable[list[StartRange]]) -> list[StartRange]:
    """Where any of several lists of closed ranges holds, as sorted, disjoint ranges."""
    result: list[StartRange] = []
    for lo, hi in sorted(r for ranges in lists for r in ranges):
        if result and lo <= result[-1][1]:
            if hi > result[-1][1]:
                result[-1] = (result[-1][0], hi)
        else:
            result.append((lo, hi))
    return result
