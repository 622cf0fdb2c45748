"""The availability engine: which start times a service can be booked at. Pure functions.

Inputs are plain data (a practitioner's schedule in local wall-clock time, busy intervals in UTC,
the service's duration, buffers and slot step); the output is a sorted list of UTC start times.
The caller fetches the inputs (a fixed number of queries) and books through booking.py.

Time (decision 1): working hours are local wall-clock times in the location's IANA zone; each
day's offsets come from that day's rules. A 09:00 window is 09:00 local before and after a
daylight-saving change. Slot starts are laid on the local grid from the window's start; a grid
time in the spring-forward gap does not exist and is skipped; a grid time in the autumn fold is
its first occurrence, so every slot is unique in UTC. A slot never runs past its window's end.
"""

from bisect import bisect_right
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .intervals import (
    Interval,
    StartRange,
    Timeline,
    intersect_ranges,
    subtract,
    union_ranges,
)

ONE_DAY = timedelta(days=1)
cache_times = lru_cache(maxsize=32_768)
ZERO = timedelta(0)


@dataclass(frozen=True)
class Window:
    """Working time on one local day, e.g. 09:00 to 12:30."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a window must end after it starts: {self.start}-{self.end}")


@dataclass(frozen=True)
class Schedule:
    """A practitioner's hours at one location.

    `weekly` maps a weekday (0 = Monday) to that day's windows; `exceptions` maps a date to the
    windows that replace the weekly ones on that date (an empty tuple is a day off); `time_off`
    holds absolute intervals (holidays, a dentist appointment) cut out of whatever remains.
    """

    weekly: Mapping[int, Sequence[Window]]
    exceptions: Mapping[date, Sequence[Window]] = field(default_factory=dict)
    time_off: Sequence[Interval] = ()

    def windows_on(self, day: date) -> Sequence[Window]:
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly.get(day.weekday(), ())


@dataclass(frozen=True)
class Service:
    duration: timedelta
    step: timedelta = timedelta(minutes=15)
    buffer_before: timedelta = ZERO
    buffer_after: timedelta = ZERO
    needs_room: bool = False

    def __post_init__(self) -> None:
        if self.duration <= ZERO or self.step <= ZERO:
            raise ValueError("duration and step must be positive")
        if self.buffer_before < ZERO or self.buffer_after < ZERO:
            raise ValueError("buffers cannot be negative")


# The same few wall-clock times (a clinic's opening hours) are converted for every
# practitioner and every request: remember them (a zone's rules do not change while running).
@cache_times
def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None when it does not exist (the
    spring-forward gap). In the autumn fold it is the first occurrence."""
    naive = datetime.combine(day, at)
    instant = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return instant


@cache_times
def boundary_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Like local_to_utc, but a time in the gap becomes the first instant after the gap, so a
    window that starts or ends in it still covers the hours that exist."""
    instant = local_to_utc(day, at, zone)
    if instant is not None:
        return instant
    naive = datetime.combine(day, at)
    # Gaps are whole minutes long (usually 30 or 60); walk forward to the first valid minute.
    minute = timedelta(minutes=1)
    probe = naive.replace(second=0, microsecond=0) + minute
    while (found := local_to_utc(probe.date(), probe.time(), zone)) is None:
        probe += minute
    return found


def window_intervals(
    schedule: Schedule, zone: ZoneInfo, first_day: date, last_day: date
) -> list[Interval]:
    """Each working window of each local day in [first_day, last_day], in UTC."""
    result = []
    day = first_day
    while day <= last_day:
        for window in schedule.windows_on(day):
            start = boundary_to_utc(day, window.start, zone)
            end = boundary_to_utc(day, window.end, zone)
            if end > start:
                result.append(Interval(start, end))
        day += ONE_DAY
    return result


@cache_times
def _plain_origin(day: date, window: Window, zone: ZoneInfo) -> datetime | None:
    """The window's first grid start in UTC when no clock change falls inside the window
    (nearly always): then the grid is plain UTC arithmetic from it. None otherwise, and when
    the start is in the gap (that grid is laid from the local wall-clock time instead)."""
    start_utc = local_to_utc(day, window.start, zone)
    end_utc = boundary_to_utc(day, window.end, zone)
    if (
        start_utc is not None
        and start_utc.astimezone(zone).utcoffset() == end_utc.astimezone(zone).utcoffset()
    ):
        return start_utc
    return None


def _grid(day: date, window: Window, step: timedelta, zone: ZoneInfo) -> Iterable[datetime]:
    """Slot starts on the local grid of one window, in UTC, first occurrences only."""
    origin = _plain_origin(day, window, zone)
    if origin is not None:
        end_utc = boundary_to_utc(day, window.end, zone)
        instant = origin
        while instant < end_utc:
            yield instant
            instant += step
        return
    local = datetime.combine(day, window.start)
    local_end = datetime.combine(day, window.end)
    seen: set[datetime] = set()
    while local < local_end:
        instant = local_to_utc(local.date(), local.time(), zone)
        if instant is not None and instant not in seen:
            seen.add(instant)
            yield instant
        local += step


def room_starts(
    rooms: Sequence[Timeline | Iterable[Interval]], service: Service
) -> list[StartRange]:
    """Where `service` could start as far as rooms go: some room is free for the whole slot
    with its buffers. Computed once per location and shared by everyone working there."""
    lines = [r if isinstance(r, Timeline) else Timeline(r) for r in rooms]
    tail = service.duration + service.buffer_after
    return union_ranges(line.starts_clear(service.buffer_before, tail) for line in lines)


def free_slots(
    *,
    schedule: Schedule,
    zone: ZoneInfo,
    service: Service,
    first_day: date,
    last_day: date,
    busy: Iterable[Interval] | Timeline,
    earliest: datetime,
    latest: datetime,
    rooms: Sequence[Timeline | Iterable[Interval]] | None = None,
    rooms_free: list[StartRange] | None = None,
) -> list[datetime]:
    """UTC start times at which `service` fits, in order.

    `busy` is the practitioner's existing appointments, each already widened by its own
    buffers; the new slot, widened by the service's buffers, must not overlap any of them
    (touching is fine). Buffers need not fall inside working hours. `earliest` and `latest`
    bound the start (minimum notice, how far ahead). With `rooms`, one busy list per room, a
    slot also needs one room free for the widened slot (`rooms_free`: the same, from
    room_starts, when the caller shares it between practitioners).

    Rather than testing every grid time against every constraint, each constraint becomes
    the set of starts it allows (closed ranges), the sets are intersected, and only the grid
    times inside the result are laid: the cost follows the appointments and the answer, not
    the number of candidate times.
    """
    duration = service.duration
    if service.needs_room and rooms_free is None:
        if not rooms:
            return []
        rooms_free = room_starts(rooms, service)
    working = subtract(window_intervals(schedule, zone, first_day, last_day), schedule.time_off)
    allowed = [(w.start, w.end - duration) for w in working if w.end - duration >= w.start]
    allowed = intersect_ranges(allowed, [(earliest, latest)])
    taken = busy if isinstance(busy, Timeline) else Timeline(busy)
    tail = duration + service.buffer_after
    allowed = intersect_ranges(allowed, taken.starts_clear(service.buffer_before, tail))
    if service.needs_room and rooms_free is not None:
        allowed = intersect_ranges(allowed, rooms_free)
    return _grid_starts(schedule, zone, service, first_day, last_day, allowed)


def _grid_starts(
    schedule: Schedule,
    zone: ZoneInfo,
    service: Service,
    first_day: date,
    last_day: date,
    allowed: list[StartRange],
) -> list[datetime]:
    """The grid times of each window that fall in `allowed` and leave the slot inside the
    window."""
    if not allowed:
        return []
    lows = [lo for lo, _hi in allowed]
    step, duration = service.step, service.duration
    slots: list[datetime] = []
    day = first_day
    while day <= last_day:
        for window in schedule.windows_on(day):
            last_start = boundary_to_utc(day, window.end, zone) - duration
            origin = _plain_origin(day, window, zone)
            if origin is None:  # a clock change inside the window: walk its local grid
                for instant in _grid(day, window, step, zone):
                    if instant > last_start:
                        break
                    k = bisect_right(lows, instant) - 1
                    if k >= 0 and allowed[k][1] >= instant:
                        slots.append(instant)
                continue
            k = max(bisect_right(lows, origin) - 1, 0)
            while k < len(allowed) and allowed[k][0] <= last_start:
                lo, hi = max(allowed[k][0], origin), min(allowed[k][1], last_start)
                if lo <= hi:
                    instant = origin - ((origin - lo) // step) * step  # first grid time >= lo
                    while instant <= hi:
                        slots.append(instant)
                        instant += step
                k += 1
        day += ONE_DAY
    return sorted(set(slots))


def any_practitioner(
    options: Mapping[Hashable, Sequence[datetime]],
) -> dict[datetime, list[Hashable]]:
    """For "any practitioner": each start time with who can take it, in the given order."""
    result: dict[datetime, list[Hashable]] = {}
    for who, starts in options.items():
        for start in starts:
            result.setdefault(start, []).append(who)
    return dict(sorted(result.items()))
