"""Half-open time intervals [start, end) and the arithmetic availability is built from.

Pure: aware datetimes in, aware datetimes out. No ORM, no request, no time zone rules (those
live in availability.py).
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, order=True, slots=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("intervals take aware datetimes")
        if self.end < self.start:
            raise ValueError(f"interval ends before it starts: {self.start} > {self.end}")

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

    def __init__(self, busy: Iterable[Interval]) -> None:
        # Merged into two parallel lists without building new Interval objects: a practitioner
        # with thousands of appointments must cost milliseconds (issue 3's figure: <= 10 ms).
        starts: list[datetime] = []
        ends: list[datetime] = []
        for start, end in sorted((i.start, i.end) for i in busy):
            if end <= start:
                continue
            if ends and start <= ends[-1]:
                if end > ends[-1]:
                    ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
        self._starts, self._ends = starts, ends

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

    def between(self, start: datetime, end: datetime) -> list[Interval]:
        lo = bisect_right(self._ends, start)
        hi = bisect_left(self._starts, end)
        return [Interval(s, e) for s, e in zip(self._starts[lo:hi], self._ends[lo:hi], strict=True)]
