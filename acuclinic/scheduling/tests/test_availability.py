"""The availability engine: windows, exceptions, time off, buffers, rooms, notice, time zones.

Time zone facts relied on below (checked by test_zone_changes_2026 against zoneinfo itself):
America/Denver springs forward 2026-03-08 02:00 -> 03:00 and falls back 2026-11-01 02:00 -> 01:00;
Australia/Lord_Howe (+10:30, +11:00 in summer) falls back 2026-04-05 02:00 -> 01:30 and springs
forward 2026-10-04 02:00 -> 02:30.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuclinic.scheduling.availability import (
    Schedule,
    Service,
    Window,
    any_practitioner,
    boundary_to_utc,
    free_slots,
    local_to_utc,
    window_intervals,
)
from acuclinic.scheduling.intervals import Interval

UTC_ZONE = ZoneInfo("UTC")
DENVER = ZoneInfo("America/Denver")
KOLKATA = ZoneInfo("Asia/Kolkata")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")

DENVER_SPRING = date(2026, 3, 8)
DENVER_AUTUMN = date(2026, 11, 1)
LORD_HOWE_AUTUMN = date(2026, 4, 5)
LORD_HOWE_SPRING = date(2026, 10, 4)

MONDAY = date(2026, 3, 2)
FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
MIN = timedelta(minutes=1)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def w(start: str, end: str) -> Window:
    return Window(time.fromisoformat(start), time.fromisoformat(end))


def every_day(*windows: Window) -> Schedule:
    return Schedule(weekly=dict.fromkeys(range(7), windows))


def local(zone: ZoneInfo, day: date, at: str, fold: int = 0) -> datetime:
    """An aware local datetime (fold=0: the first occurrence)."""
    return datetime.combine(day, time.fromisoformat(at), zone).replace(fold=fold)


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def at_day(day: date, at: str) -> datetime:
    """A UTC instant on `day` (for tests in the UTC zone)."""
    return local(UTC_ZONE, day, at).astimezone(UTC)


def slots(
    schedule: Schedule,
    *,
    day: date = MONDAY,
    last_day: date | None = None,
    zone: ZoneInfo = UTC_ZONE,
    service: Service | None = None,
    busy: Sequence[Interval] = (),
    earliest: datetime = FAR_PAST,
    latest: datetime = FAR_FUTURE,
    rooms: Sequence[Sequence[Interval]] | None = None,
) -> list[datetime]:
    return free_slots(
        schedule=schedule,
        zone=zone,
        service=service or Service(duration=minutes(60)),
        first_day=day,
        last_day=last_day or day,
        busy=busy,
        earliest=earliest,
        latest=latest,
        rooms=rooms,
    )


def wall(instants: Sequence[datetime], zone: ZoneInfo = UTC_ZONE) -> list[str]:
    """Local wall-clock times, for readable expectations."""
    return [i.astimezone(zone).strftime("%H:%M") for i in instants]


def span(day: date, start: str, end: str) -> Interval:
    return Interval(at_day(day, start), at_day(day, end))


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [("09:00", "09:00"), ("12:00", "09:00")])
def test_window_must_end_after_it_starts(start: str, end: str) -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        w(start, end)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"duration": timedelta(0)},
        {"duration": minutes(-15)},
        {"duration": minutes(60), "step": timedelta(0)},
        {"duration": minutes(60), "step": minutes(-15)},
        {"duration": minutes(60), "buffer_before": minutes(-1)},
        {"duration": minutes(60), "buffer_after": minutes(-1)},
    ],
)
def test_service_rejects_non_positive_duration_or_step_and_negative_buffers(
    kwargs: dict[str, timedelta],
) -> None:
    with pytest.raises(ValueError):
        Service(**kwargs)


def test_service_accepts_zero_buffers_and_defaults() -> None:
    service = Service(duration=minutes(45))
    zero = timedelta(0)
    assert (service.step, service.buffer_before, service.buffer_after) == (minutes(15), zero, zero)
    assert not service.needs_room


# --- schedule: weekly windows, exceptions, time off --------------------------------------------


def test_windows_on_uses_the_weekday_and_exceptions_replace_it() -> None:
    morning, afternoon = w("09:00", "12:00"), w("13:00", "17:00")
    schedule = Schedule(
        weekly={0: (morning, afternoon), 2: (morning,)},
        exceptions={date(2026, 3, 9): (w("14:00", "15:00"),), date(2026, 3, 16): ()},
    )
    assert schedule.windows_on(MONDAY) == (morning, afternoon)
    assert schedule.windows_on(date(2026, 3, 4)) == (morning,)  # a Wednesday
    assert tuple(schedule.windows_on(date(2026, 3, 3))) == ()  # a Tuesday: not working
    assert schedule.windows_on(date(2026, 3, 9)) == (w("14:00", "15:00"),)
    assert schedule.windows_on(date(2026, 3, 16)) == ()


def test_slots_on_the_step_grid_from_the_window_start() -> None:
    schedule = every_day(w("09:10", "10:40"))
    assert wall(slots(schedule, service=Service(duration=minutes(30)))) == [
        "09:10",
        "09:25",
        "09:40",
        "09:55",
        "10:10",
    ]


def test_slot_may_end_exactly_at_the_window_end_but_not_after() -> None:
    schedule = every_day(w("09:00", "11:00"))
    assert wall(slots(schedule)) == ["09:00", "09:15", "09:30", "09:45", "10:00"]


def test_window_shorter_than_the_service_has_no_slot() -> None:
    assert slots(every_day(w("09:00", "09:45"))) == []


def test_exception_replaces_the_weekly_windows() -> None:
    schedule = Schedule(
        weekly={0: (w("09:00", "12:00"),)},
        exceptions={MONDAY: (w("14:00", "15:30"),)},
    )
    assert wall(slots(schedule)) == ["14:00", "14:15", "14:30"]


def test_empty_exception_is_a_day_off() -> None:
    schedule = Schedule(weekly={0: (w("09:00", "12:00"),)}, exceptions={MONDAY: ()})
    assert slots(schedule) == []
    # ...and only that day: the next Monday is worked as usual.
    assert wall(slots(schedule, day=MONDAY + timedelta(days=7)))[:2] == ["09:00", "09:15"]


def test_exception_can_open_a_day_that_is_normally_off() -> None:
    sunday = date(2026, 3, 8)
    schedule = Schedule(
        weekly={0: (w("09:00", "12:00"),)}, exceptions={sunday: (w("10:00", "11:00"),)}
    )
    assert slots(schedule, day=sunday) == [at_day(sunday, "10:00")]


def test_weekday_without_windows_has_no_slots() -> None:
    schedule = Schedule(weekly={1: (w("09:00", "12:00"),)})
    assert slots(schedule, day=MONDAY) == []


def test_multiple_days_are_in_order() -> None:
    schedule = Schedule(weekly={0: (w("09:00", "10:00"),), 1: (w("16:00", "17:00"),)})
    result = slots(schedule, day=MONDAY, last_day=MONDAY + timedelta(days=2))
    assert result == [at_day(MONDAY, "09:00"), at_day(MONDAY + timedelta(days=1), "16:00")]


def test_time_off_is_cut_out_and_slots_may_touch_it() -> None:
    schedule = Schedule(
        weekly={0: (w("09:00", "13:00"),)}, time_off=(span(MONDAY, "10:30", "11:00"),)
    )
    service = Service(duration=minutes(30), step=minutes(30))
    assert wall(slots(schedule, service=service)) == [
        "09:00",
        "09:30",
        "10:00",
        "11:00",
        "11:30",
        "12:00",
        "12:30",
    ]


def test_time_off_longer_than_the_day_removes_it() -> None:
    holiday = Interval(at_day(MONDAY, "00:00"), at_day(MONDAY + timedelta(days=1), "00:00"))
    schedule = Schedule(weekly={0: (w("09:00", "17:00"),)}, time_off=(holiday,))
    assert slots(schedule) == []
    assert slots(schedule, day=MONDAY + timedelta(days=7)) != []


def test_slot_never_runs_past_its_window_even_when_windows_touch() -> None:
    """09:00-12:00 and 12:00-17:00 together cover 09:00-17:00 without a break, yet a 60-minute
    slot at 11:30 would run past the end of its window, so it is not offered (the module
    docstring: "A slot never runs past its window's end")."""
    split = slots(every_day(w("09:00", "12:00"), w("12:00", "17:00")))
    whole = slots(every_day(w("09:00", "17:00")))
    assert at_day(MONDAY, "11:30") in whole
    assert at_day(MONDAY, "11:30") not in split
    assert at_day(MONDAY, "11:45") not in split
    assert at_day(MONDAY, "11:00") in split
    assert at_day(MONDAY, "12:00") in split
    assert set(whole) - set(split) == {
        at_day(MONDAY, "11:15"),
        at_day(MONDAY, "11:30"),
        at_day(MONDAY, "11:45"),
    }


def test_overlapping_windows_give_each_start_once() -> None:
    result = slots(every_day(w("09:00", "11:00"), w("10:00", "12:00")))
    assert result == sorted(set(result))
    assert wall(result) == [f"{h:02d}:{mi:02d}" for h in (9, 10) for mi in (0, 15, 30, 45)] + [
        "11:00"
    ]


# --- appointments and buffers ------------------------------------------------------------------


def test_slots_may_touch_appointments_on_both_sides() -> None:
    busy = [span(MONDAY, "09:00", "10:00"), span(MONDAY, "11:00", "12:00")]
    result = slots(every_day(w("09:00", "12:00")), busy=busy)
    assert wall(result) == ["10:00"]  # starts as one ends, ends as the next starts


def test_slot_overlapping_an_appointment_by_a_minute_is_refused() -> None:
    busy = [span(MONDAY, "09:00", "10:01")]
    service = Service(duration=minutes(60), step=minutes(1))
    result = slots(every_day(w("09:00", "11:01")), busy=busy, service=service)
    assert wall(result) == ["10:01"]


def test_buffer_after_keeps_the_gap_before_the_next_appointment() -> None:
    schedule = every_day(w("09:00", "12:00"))
    service = Service(duration=minutes(60), step=minutes(30), buffer_after=minutes(15))
    assert wall(slots(schedule, service=service, busy=[span(MONDAY, "10:00", "11:00")])) == [
        "11:00"
    ]
    # The widened slot 09:00-10:15 touches an appointment at 10:15: allowed.
    assert wall(slots(schedule, service=service, busy=[span(MONDAY, "10:15", "11:00")])) == [
        "09:00",
        "11:00",
    ]


def test_buffer_before_keeps_the_gap_after_the_previous_appointment() -> None:
    schedule = every_day(w("09:00", "11:00"))
    service = Service(duration=minutes(60), step=minutes(15), buffer_before=minutes(10))
    # An appointment before working hours still blocks through the buffer.
    assert wall(slots(schedule, service=service, busy=[span(MONDAY, "08:00", "09:00")])) == [
        "09:15",
        "09:30",
        "09:45",
        "10:00",
    ]
    assert (
        wall(slots(schedule, service=service, busy=[span(MONDAY, "08:00", "08:50")]))[0] == "09:00"
    )


def test_buffers_need_not_fall_inside_working_hours() -> None:
    """Documented choice: only the appointment itself must fit in the window."""
    service = Service(duration=minutes(60), buffer_before=minutes(15), buffer_after=minutes(15))
    assert wall(slots(every_day(w("09:00", "10:00")), service=service)) == ["09:00"]


def test_buffers_may_fall_in_time_off() -> None:
    # Time off is taken out of working time, like the hours outside the window.
    schedule = Schedule(
        weekly={0: (w("09:00", "10:00"),)}, time_off=(span(MONDAY, "10:00", "11:00"),)
    )
    service = Service(duration=minutes(60), buffer_after=minutes(15))
    assert wall(slots(schedule, service=service)) == ["09:00"]


def test_busy_is_any_iterable() -> None:
    busy = (i for i in [span(MONDAY, "09:00", "10:00")])
    assert wall(slots(every_day(w("09:00", "11:00")), busy=busy)) == ["10:00"]


# --- earliest and latest ------------------------------------------------------------------------


def test_earliest_bounds_the_start_inclusively() -> None:
    schedule = every_day(w("09:00", "12:00"))
    service = Service(duration=minutes(60), step=minutes(30))
    assert wall(slots(schedule, service=service, earliest=at_day(MONDAY, "09:30")))[0] == "09:30"
    assert wall(slots(schedule, service=service, earliest=at_day(MONDAY, "09:31")))[0] == "10:00"


def test_latest_bounds_the_start_inclusively() -> None:
    schedule = every_day(w("09:00", "12:00"))
    service = Service(duration=minutes(60), step=minutes(30))
    assert wall(slots(schedule, service=service, latest=at_day(MONDAY, "10:30"))) == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
    ]
    assert wall(slots(schedule, service=service, latest=at_day(MONDAY, "10:29"))) == [
        "09:00",
        "09:30",
        "10:00",
    ]


def test_latest_bounds_the_start_not_the_end() -> None:
    schedule = every_day(w("09:00", "12:00"))
    result = slots(schedule, earliest=at_day(MONDAY, "10:00"), latest=at_day(MONDAY, "10:00"))
    assert wall(result) == ["10:00"]  # ends at 11:00, after `latest`


def test_earliest_and_latest_span_days() -> None:
    schedule = every_day(w("09:00", "10:00"))
    week = slots(
        schedule,
        last_day=MONDAY + timedelta(days=6),
        earliest=at_day(MONDAY, "09:01"),
        latest=at_day(MONDAY + timedelta(days=3), "09:00"),
    )
    assert week == [at_day(MONDAY + timedelta(days=d), "09:00") for d in (1, 2, 3)]


def test_earliest_in_another_zone_is_the_same_instant() -> None:
    schedule = every_day(w("09:00", "12:00"))
    earliest = at_day(MONDAY, "10:00").astimezone(KOLKATA)  # 15:30 in Kolkata
    assert wall(slots(schedule, earliest=earliest))[0] == "10:00"


# --- rooms --------------------------------------------------------------------------------------

ROOM_SERVICE = Service(duration=minutes(60), step=minutes(60), needs_room=True)


def test_room_service_needs_one_free_room() -> None:
    schedule = every_day(w("09:00", "12:00"))
    room_a = [span(MONDAY, "09:00", "10:00")]
    room_b = [span(MONDAY, "10:00", "11:00")]
    assert wall(slots(schedule, service=ROOM_SERVICE, rooms=[room_a, room_b])) == [
        "09:00",
        "10:00",
        "11:00",
    ]
    both_busy = [span(MONDAY, "09:00", "10:00")]
    assert wall(slots(schedule, service=ROOM_SERVICE, rooms=[room_a, both_busy + room_b])) == [
        "10:00",
        "11:00",
    ]


def test_room_and_practitioner_must_both_be_free() -> None:
    schedule = every_day(w("09:00", "12:00"))
    rooms = [[span(MONDAY, "10:00", "11:00")]]
    busy = [span(MONDAY, "09:00", "10:00")]
    assert wall(slots(schedule, service=ROOM_SERVICE, rooms=rooms, busy=busy)) == ["11:00"]


def test_room_is_checked_with_the_buffers() -> None:
    schedule = every_day(w("09:00", "12:00"))
    service = Service(
        duration=minutes(60), step=minutes(60), buffer_after=minutes(10), needs_room=True
    )
    rooms = [[span(MONDAY, "10:05", "10:30")]]
    assert wall(slots(schedule, service=service, rooms=rooms)) == ["11:00"]
    rooms = [[span(MONDAY, "10:10", "10:30")]]  # touching the widened 09:00 slot
    assert wall(slots(schedule, service=service, rooms=rooms)) == ["09:00", "11:00"]


def test_room_service_without_rooms_has_no_slots() -> None:
    schedule = every_day(w("09:00", "12:00"))
    assert slots(schedule, service=ROOM_SERVICE, rooms=None) == []
    assert slots(schedule, service=ROOM_SERVICE, rooms=[]) == []
    assert len(slots(schedule, service=ROOM_SERVICE, rooms=[[]])) == 3  # one idle room


def test_service_without_a_room_ignores_rooms() -> None:
    schedule = every_day(w("09:00", "10:00"))
    rooms = [[span(MONDAY, "00:00", "23:00")]]
    assert wall(slots(schedule, rooms=rooms)) == ["09:00"]


# --- any practitioner ---------------------------------------------------------------------------


def test_any_practitioner_merges_in_time_order_keeping_the_given_order_of_people() -> None:
    nine, ten, eleven = (at_day(MONDAY, t) for t in ("09:00", "10:00", "11:00"))
    merged = any_practitioner({"wei": [ten, eleven], "ana": [nine, ten], "bo": [], "li": [eleven]})
    assert list(merged.items()) == [(nine, ["ana"]), (ten, ["wei", "ana"]), (eleven, ["wei", "li"])]


def test_any_practitioner_of_nobody() -> None:
    assert any_practitioner({}) == {}
    assert any_practitioner({"ana": []}) == {}


def test_any_practitioner_over_free_slots() -> None:
    schedule = every_day(w("09:00", "11:00"))
    service = Service(duration=minutes(60), step=minutes(60))
    options = {
        7: slots(schedule, service=service, busy=[span(MONDAY, "09:00", "10:00")]),
        3: slots(schedule, service=service),
    }
    merged = any_practitioner(options)
    assert list(merged) == [at_day(MONDAY, "09:00"), at_day(MONDAY, "10:00")]
    assert list(merged.values()) == [[3], [7, 3]]


# --- time zones: conversions ----------------------------------------------------------------------


def _changes(zone: ZoneInfo, year: int) -> list[tuple[datetime, datetime]]:
    """Every offset change in `year`, as (last local minute before, first local minute after)."""
    found = []
    instant = datetime(year, 1, 1, tzinfo=UTC)
    # Both zones checked here change on a UTC half hour; a change off it would show a wrong
    # "last minute before" below and fail the test rather than pass unnoticed.
    step = timedelta(minutes=30)
    while instant.year == year:
        if instant.astimezone(zone).utcoffset() != (instant - step).astimezone(zone).utcoffset():
            found.append(((instant - MIN).astimezone(zone), instant.astimezone(zone)))
        instant += step
    return found


def _naive(pair: tuple[datetime, datetime]) -> tuple[str, str]:
    return pair[0].strftime("%Y-%m-%d %H:%M"), pair[1].strftime("%Y-%m-%d %H:%M")


def test_zone_changes_2026() -> None:
    """The dates the tests below rely on, from zoneinfo itself."""
    assert [_naive(c) for c in _changes(DENVER, 2026)] == [
        ("2026-03-08 01:59", "2026-03-08 03:00"),
        ("2026-11-01 01:59", "2026-11-01 01:00"),
    ]
    assert [_naive(c) for c in _changes(LORD_HOWE, 2026)] == [
        ("2026-04-05 01:59", "2026-04-05 01:30"),
        ("2026-10-04 01:59", "2026-10-04 02:30"),
    ]
    assert local(LORD_HOWE, date(2026, 7, 1), "12:00").utcoffset() == timedelta(
        hours=10, minutes=30
    )
    assert local(LORD_HOWE, date(2026, 1, 1), "12:00").utcoffset() == timedelta(hours=11)
    assert _changes(KOLKATA, 2026) == [] and _changes(KATHMANDU, 2026) == []


def test_local_to_utc_uses_the_offset_of_that_date() -> None:
    assert local_to_utc(date(2026, 1, 15), time(9), DENVER) == utc(2026, 1, 15, 16)
    assert local_to_utc(date(2026, 7, 15), time(9), DENVER) == utc(2026, 7, 15, 15)
    assert local_to_utc(date(2026, 7, 15), time(9), LORD_HOWE) == utc(2026, 7, 14, 22, 30)
    assert local_to_utc(date(2026, 1, 15), time(9), LORD_HOWE) == utc(2026, 1, 14, 22)
    assert local_to_utc(date(2026, 1, 15), time(9), KATHMANDU) == utc(2026, 1, 15, 3, 15)
    assert local_to_utc(date(2026, 1, 15), time(9), KOLKATA) == utc(2026, 1, 15, 3, 30)


def test_local_to_utc_returns_an_aware_utc_datetime() -> None:
    instant = local_to_utc(date(2026, 1, 15), time(9), DENVER)
    assert instant is not None and instant.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("zone", "day", "at"),
    [
        (DENVER, DENVER_SPRING, "02:00"),
        (DENVER, DENVER_SPRING, "02:30"),
        (DENVER, DENVER_SPRING, "02:59"),
        (LORD_HOWE, LORD_HOWE_SPRING, "02:00"),
        (LORD_HOWE, LORD_HOWE_SPRING, "02:29"),
    ],
)
def test_local_to_utc_has_nothing_in_the_spring_gap(zone: ZoneInfo, day: date, at: str) -> None:
    assert local_to_utc(day, time.fromisoformat(at), zone) is None


def test_local_to_utc_around_the_spring_gap() -> None:
    assert local_to_utc(DENVER_SPRING, time(1, 59), DENVER) == utc(2026, 3, 8, 8, 59)
    assert local_to_utc(DENVER_SPRING, time(3), DENVER) == utc(2026, 3, 8, 9)
    assert local_to_utc(LORD_HOWE_SPRING, time(1, 59), LORD_HOWE) == utc(2026, 10, 3, 15, 29)
    assert local_to_utc(LORD_HOWE_SPRING, time(2, 30), LORD_HOWE) == utc(2026, 10, 3, 15, 30)


def test_local_to_utc_takes_the_first_occurrence_in_the_autumn_fold() -> None:
    assert local_to_utc(DENVER_AUTUMN, time(1, 30), DENVER) == utc(2026, 11, 1, 7, 30)  # MDT
    assert local_to_utc(DENVER_AUTUMN, time(2), DENVER) == utc(2026, 11, 1, 9)  # MST
    assert local_to_utc(LORD_HOWE_AUTUMN, time(1, 45), LORD_HOWE) == utc(2026, 4, 4, 14, 45)
    assert local_to_utc(LORD_HOWE_AUTUMN, time(2), LORD_HOWE) == utc(2026, 4, 4, 15, 30)


def test_boundary_to_utc_moves_a_gap_time_to_the_end_of_the_gap() -> None:
    assert boundary_to_utc(DENVER_SPRING, time(2, 30), DENVER) == utc(2026, 3, 8, 9)
    assert boundary_to_utc(LORD_HOWE_SPRING, time(2, 10), LORD_HOWE) == utc(2026, 10, 3, 15, 30)
    # Outside the gap it is local_to_utc.
    assert boundary_to_utc(DENVER_SPRING, time(4), DENVER) == utc(2026, 3, 8, 10)
    assert boundary_to_utc(DENVER_AUTUMN, time(1, 30), DENVER) == utc(2026, 11, 1, 7, 30)


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        (DENVER, DENVER_SPRING, 3),
        (DENVER, DENVER_AUTUMN, 5),
        (LORD_HOWE, LORD_HOWE_SPRING, 3.5),
        (LORD_HOWE, LORD_HOWE_AUTUMN, 4.5),
        (DENVER, date(2026, 3, 9), 4),
        (KATHMANDU, date(2026, 3, 8), 4),
    ],
)
def test_window_intervals_last_the_real_elapsed_time(
    zone: ZoneInfo, day: date, hours: float
) -> None:
    [interval] = window_intervals(every_day(w("00:00", "04:00")), zone, day, day)
    assert interval.start == local(zone, day, "00:00")
    assert interval.duration == timedelta(hours=hours)


def test_window_intervals_over_days_with_exceptions() -> None:
    schedule = Schedule(
        weekly={0: (w("09:00", "12:00"), w("13:00", "17:00")), 1: (w("10:00", "11:00"),)},
        exceptions={MONDAY + timedelta(days=1): ()},
    )
    result = window_intervals(schedule, DENVER, MONDAY, MONDAY + timedelta(days=8))
    assert result == [
        Interval(local(DENVER, MONDAY, "09:00"), local(DENVER, MONDAY, "12:00")),
        Interval(local(DENVER, MONDAY, "13:00"), local(DENVER, MONDAY, "17:00")),
        Interval(
            local(DENVER, date(2026, 3, 9), "09:00"), local(DENVER, date(2026, 3, 9), "12:00")
        ),
        Interval(
            local(DENVER, date(2026, 3, 9), "13:00"), local(DENVER, date(2026, 3, 9), "17:00")
        ),
        Interval(
            local(DENVER, date(2026, 3, 10), "10:00"), local(DENVER, date(2026, 3, 10), "11:00")
        ),
    ]


def test_window_entirely_in_the_gap_has_no_interval_and_no_slot() -> None:
    schedule = every_day(w("02:00", "02:45"))
    assert window_intervals(schedule, DENVER, DENVER_SPRING, DENVER_SPRING) == []
    service = Service(duration=minutes(15))
    assert slots(schedule, day=DENVER_SPRING, zone=DENVER, service=service) == []


# --- time zones: slots ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        (DENVER, date(2026, 3, 6), date(2026, 3, 9)),
        (DENVER, date(2026, 10, 30), date(2026, 11, 2)),
        (LORD_HOWE, date(2026, 4, 3), date(2026, 4, 6)),
        (LORD_HOWE, date(2026, 10, 2), date(2026, 10, 5)),
    ],
)
def test_nine_stays_nine_local_across_every_change(
    zone: ZoneInfo, before: date, after: date
) -> None:
    schedule = every_day(w("09:00", "17:00"))
    first_before = slots(schedule, zone=zone, day=before)[0]
    first_after = slots(schedule, zone=zone, day=after)[0]
    assert wall([first_before, first_after], zone) == ["09:00", "09:00"]
    # The UTC instant moves by the difference of the two days' offsets, not a whole number of days.
    offset_before = first_before.astimezone(zone).utcoffset()
    offset_after = first_after.astimezone(zone).utcoffset()
    assert offset_before is not None and offset_after is not None and offset_before != offset_after
    elapsed = first_after - first_before
    assert elapsed == (after - before) - (offset_after - offset_before)


def test_each_day_uses_its_own_offset() -> None:
    schedule = every_day(w("09:00", "10:00"))
    result = slots(schedule, zone=DENVER, day=date(2026, 3, 6), last_day=date(2026, 3, 10))
    assert result == [
        utc(2026, 3, 6, 16),
        utc(2026, 3, 7, 16),
        utc(2026, 3, 8, 15),  # the change day: 09:00 is already daylight time
        utc(2026, 3, 9, 15),
        utc(2026, 3, 10, 15),
    ]
    winter = slots(schedule, zone=LORD_HOWE, day=date(2026, 7, 1))
    summer = slots(schedule, zone=LORD_HOWE, day=date(2027, 1, 1))
    assert winter == [utc(2026, 6, 30, 22, 30)]
    assert summer == [utc(2026, 12, 31, 22)]


@pytest.mark.parametrize(
    ("zone", "expected_utc"),
    [
        (KOLKATA, ["03:30", "03:50", "04:10", "04:30", "04:50", "05:10", "05:30", "05:50"]),
        (KATHMANDU, ["03:15", "03:35", "03:55", "04:15", "04:35", "04:55", "05:15", "05:35"]),
    ],
)
def test_odd_offsets_keep_slots_on_the_local_grid(zone: ZoneInfo, expected_utc: list[str]) -> None:
    schedule = every_day(w("09:00", "12:00"))
    service = Service(duration=minutes(30), step=minutes(20))
    result = slots(schedule, zone=zone, service=service)
    assert wall(result, zone) == [
        "09:00",
        "09:20",
        "09:40",
        "10:00",
        "10:20",
        "10:40",
        "11:00",
        "11:20",
    ]
    assert wall(result) == expected_utc


def test_kathmandu_quarter_hour_grid_is_odd_in_utc() -> None:
    schedule = every_day(w("09:00", "10:00"))
    result = slots(schedule, zone=KATHMANDU, service=Service(duration=minutes(15)))
    assert wall(result, KATHMANDU) == ["09:00", "09:15", "09:30", "09:45"]
    assert [s.minute for s in result] == [15, 30, 45, 0]
    assert result[0] == utc(2026, 3, 2, 3, 15)


def test_busy_in_utc_against_a_kolkata_window() -> None:
    schedule = every_day(w("09:00", "11:00"))
    busy = [Interval(utc(2026, 3, 2, 3, 30), utc(2026, 3, 2, 4, 30))]  # 09:00-10:00 Kolkata
    assert wall(slots(schedule, zone=KOLKATA, busy=busy), KOLKATA) == ["10:00"]


def _window_slots(zone: ZoneInfo, day: date, window: Window, service: Service) -> list[datetime]:
    return slots(Schedule(weekly={day.weekday(): (window,)}), zone=zone, day=day, service=service)


def assert_slots_within(
    result: list[datetime], zone: ZoneInfo, day: date, window: Window, service: Service
) -> None:
    """Each start is an existing local time on the window's grid, its first occurrence, unique, in
    order, and the appointment ends by the end of the window in real elapsed time."""
    assert all(a < b for a, b in pairwise(result)), result
    grid_origin = datetime.combine(day, window.start)
    window_end = _first_instant_at_or_after(zone, datetime.combine(day, window.end))
    for start in result:
        wall_time = start.astimezone(zone).replace(tzinfo=None)
        assert wall_time.date() == day
        assert (wall_time - grid_origin) % service.step == timedelta(0), wall_time
        assert grid_origin <= wall_time < datetime.combine(day, window.end)
        # An existing wall time, and its first occurrence (fold=0 round-trips to the same instant).
        assert wall_time.replace(tzinfo=zone, fold=0).astimezone(UTC) == start
        assert start + service.duration <= window_end


def _first_instant_at_or_after(zone: ZoneInfo, wall_time: datetime) -> datetime:
    """Brute force: the first instant whose local wall time is `wall_time` or later."""
    instant = datetime.combine(wall_time.date() - timedelta(days=1), time(), UTC)
    while instant.astimezone(zone).replace(tzinfo=None) < wall_time:
        instant += MIN
    return instant


HOUR = Service(duration=minutes(60))


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        # Spring, 1 hour lost: 00:00-04:00 lasts 3 hours; 02:00-02:45 do not exist.
        (
            DENVER,
            DENVER_SPRING,
            ["00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30", "01:45", "03:00"],
        ),
        # Autumn, 1 hour gained: 01:00-01:45 once (the first time), then 02:00 MST onwards.
        (
            DENVER,
            DENVER_AUTUMN,
            [
                *("00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30", "01:45"),
                *("02:00", "02:15", "02:30", "02:45", "03:00"),
            ],
        ),
        # Spring, 30 minutes lost: 02:00 and 02:15 do not exist; the window lasts 3.5 hours.
        (
            LORD_HOWE,
            LORD_HOWE_SPRING,
            [
                *("00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30", "01:45"),
                *("02:30", "02:45", "03:00"),
            ],
        ),
        # Autumn, 30 minutes gained: 01:30 and 01:45 once; the window lasts 4.5 hours.
        (
            LORD_HOWE,
            LORD_HOWE_AUTUMN,
            [
                *("00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30", "01:45"),
                *("02:00", "02:15", "02:30", "02:45", "03:00"),
            ],
        ),
    ],
)
def test_window_spanning_a_change(zone: ZoneInfo, day: date, expected: list[str]) -> None:
    window = w("00:00", "04:00")
    result = _window_slots(zone, day, window, HOUR)
    assert wall(result, zone) == expected
    assert_slots_within(result, zone, day, window, HOUR)
    # The last slot ends exactly at the end of the window, in real time.
    assert result[-1] + HOUR.duration == local(zone, day, "04:00")


def test_spring_day_offers_the_hour_that_crosses_the_gap() -> None:
    # 01:30 MST + 60 minutes of real time is 03:30 MDT: inside a 00:00-04:00 window.
    result = _window_slots(DENVER, DENVER_SPRING, w("01:00", "04:00"), HOUR)
    assert local(DENVER, DENVER_SPRING, "01:30") in result
    assert result[-1] == local(DENVER, DENVER_SPRING, "03:00")
    assert len(result) == 5  # 01:00, 01:15, 01:30, 01:45, 03:00: two real hours


def test_autumn_fold_slots_are_unique_and_the_first_occurrence() -> None:
    result = _window_slots(
        DENVER, DENVER_AUTUMN, w("01:00", "02:00"), Service(duration=minutes(15))
    )
    assert result == [utc(2026, 11, 1, 7, m) for m in (0, 15, 30, 45)]  # MDT, not MST


def test_autumn_fold_window_inside_the_repeated_hour() -> None:
    window = w("01:15", "01:45")
    result = _window_slots(DENVER, DENVER_AUTUMN, window, Service(duration=minutes(15)))
    assert result == [utc(2026, 11, 1, 7, 15), utc(2026, 11, 1, 7, 30)]


@pytest.mark.parametrize(
    ("zone", "day", "window", "step", "expected"),
    [
        # A window starting in the gap: its grid is still laid from 02:10, not from 03:00.
        (
            DENVER,
            DENVER_SPRING,
            w("02:10", "05:00"),
            15,
            ["03:10", "03:25", "03:40", "03:55", "04:10", "04:25", "04:40"],
        ),
        (DENVER, DENVER_SPRING, w("02:30", "04:00"), 20, ["03:10", "03:30"]),
        (
            LORD_HOWE,
            LORD_HOWE_SPRING,
            w("02:10", "04:00"),
            15,
            ["02:40", "02:55", "03:10", "03:25", "03:40"],
        ),
        (LORD_HOWE, LORD_HOWE_SPRING, w("01:50", "03:00"), 15, ["01:50", "02:35"]),
    ],
)
def test_window_starting_in_the_gap_keeps_its_grid(
    zone: ZoneInfo, day: date, window: Window, step: int, expected: list[str]
) -> None:
    service = Service(duration=minutes(15), step=minutes(step))
    result = _window_slots(zone, day, window, service)
    assert wall(result, zone) == expected
    assert_slots_within(result, zone, day, window, service)


def test_window_ending_in_the_gap_ends_where_the_gap_ends() -> None:
    window = w("00:00", "02:30")  # 00:00-02:00 MST exists; the window ends at the gap
    result = _window_slots(DENVER, DENVER_SPRING, window, HOUR)
    assert wall(result, DENVER) == ["00:00", "00:15", "00:30", "00:45", "01:00"]
    assert_slots_within(result, DENVER, DENVER_SPRING, window, HOUR)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        (DENVER, DENVER_SPRING),
        (DENVER, DENVER_AUTUMN),
        (LORD_HOWE, LORD_HOWE_SPRING),
        (LORD_HOWE, LORD_HOWE_AUTUMN),
    ],
)
@pytest.mark.parametrize("step", [5, 15, 20, 45])
@pytest.mark.parametrize("window", [w("00:00", "04:00"), w("01:05", "03:35"), w("01:40", "02:20")])
def test_change_day_windows_are_well_formed(
    zone: ZoneInfo, day: date, step: int, window: Window
) -> None:
    service = Service(duration=minutes(25), step=minutes(step))
    assert_slots_within(_window_slots(zone, day, window, service), zone, day, window, service)


# --- properties: free_slots against a brute-force reference ------------------------------------

GRAIN = 5  # minutes: every generated time is a multiple, and so is every zone offset used here

CHANGE_DAYS = {
    "America/Denver": [DENVER_SPRING, DENVER_AUTUMN],
    "Australia/Lord_Howe": [LORD_HOWE_SPRING, LORD_HOWE_AUTUMN],
}
ZONE_DAYS = {
    "UTC": [date(2026, 3, 8), date(2026, 6, 15)],
    "Asia/Kolkata": [date(2026, 3, 8), date(2026, 6, 15)],
    "Asia/Kathmandu": [date(2026, 3, 8), date(2026, 6, 15)],
    "America/Denver": [DENVER_SPRING, DENVER_SPRING - timedelta(days=1), DENVER_AUTUMN],
    "Australia/Lord_Howe": [LORD_HOWE_SPRING, LORD_HOWE_AUTUMN - timedelta(days=1)],
}


@dataclass(frozen=True)
class Case:
    zone: ZoneInfo
    schedule: Schedule
    service: Service
    first_day: date
    last_day: date
    busy: list[Interval]
    earliest: datetime
    latest: datetime
    rooms: list[list[Interval]] | None

    def run(self) -> list[datetime]:
        return free_slots(
            schedule=self.schedule,
            zone=self.zone,
            service=self.service,
            first_day=self.first_day,
            last_day=self.last_day,
            busy=self.busy,
            earliest=self.earliest,
            latest=self.latest,
            rooms=self.rooms,
        )


def _grain(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo // GRAIN, hi // GRAIN).map(lambda n: n * GRAIN)


_any_time = _grain(0, 24 * 60 - GRAIN)
# Times of day, often in the small hours where the clocks change (01:00-04:00)...
_clock = st.one_of(_any_time, _grain(60, 4 * 60), _grain(8 * 60, 18 * 60))
# ...or mostly there, with many windows starting in a gap (02:00-02:55, 02:00-02:25 on Lord Howe)
# or in a fold (01:00-01:55).
_small_hours = st.one_of(
    _any_time, _grain(0, 5 * 60), _grain(60, 115), _grain(120, 175), _grain(120, 145)
)


@st.composite
def windows(draw: st.DrawFn, clock: st.SearchStrategy[int]) -> Window:
    a = draw(clock)
    b = min(a + draw(_grain(GRAIN, 5 * 60)), 24 * 60 - GRAIN)
    if a == b:
        a -= GRAIN
    return Window(time(a // 60, a % 60), time(b // 60, b % 60))


@st.composite
def cases(draw: st.DrawFn, zone_names: Sequence[str], obstacles: bool = True) -> Case:
    """Random schedules and services; with `obstacles`, also time off, appointments, rooms and
    notice bounds (without, the windows' grid alone is under test)."""
    name = draw(st.sampled_from(zone_names))
    zone = ZoneInfo(name)
    first_day = draw(st.sampled_from(ZONE_DAYS[name] if obstacles else CHANGE_DAYS[name]))
    last_day = first_day + timedelta(days=draw(st.integers(0, 1)))
    if obstacles:
        window_lists = st.lists(windows(_clock), max_size=3)
    else:
        window_lists = st.lists(windows(_small_hours), min_size=1, max_size=3)
    weekly = {d.weekday(): draw(window_lists) for d in (first_day, last_day)}  # the others: off
    exceptions = draw(
        st.dictionaries(st.sampled_from([first_day, last_day]), window_lists, max_size=2)
    )
    # Absolute instants on the grain: anywhere from the day before to the day after, or (to
    # meet the windows often) in the local hours where _clock puts most of them.
    origin = datetime.combine(first_day - timedelta(days=1), time(), UTC)
    anywhere = _grain(0, 4 * 24 * 60).map(lambda n: origin + minutes(n))
    day_start = datetime.combine(first_day, time(), zone).astimezone(UTC)
    near_windows = st.one_of(_grain(60, 4 * 60), _grain(8 * 60, 18 * 60)).map(
        lambda n: day_start + minutes(n)
    )
    instant = st.one_of(anywhere, near_windows)

    @st.composite
    def spans(draw_: st.DrawFn) -> Interval:
        start = draw_(instant)
        return Interval(start, start + minutes(draw_(_grain(0, 240))))

    busy_lists = st.lists(spans(), max_size=5) if obstacles else st.just([])
    schedule = Schedule(weekly=weekly, exceptions=exceptions, time_off=draw(busy_lists))
    service = Service(
        duration=minutes(draw(_grain(GRAIN, 150))),
        step=minutes(draw(st.sampled_from([5, 10, 15, 20, 30, 45, 60]))),
        buffer_before=minutes(draw(_grain(0, 30))),
        buffer_after=minutes(draw(_grain(0, 30))),
        needs_room=obstacles and draw(st.booleans()),
    )
    earliest = draw(st.one_of(st.just(FAR_PAST), instant)) if obstacles else FAR_PAST
    latest = draw(st.one_of(st.just(FAR_FUTURE), instant)) if obstacles else FAR_FUTURE
    room_lists = st.one_of(st.none(), st.lists(busy_lists, min_size=1, max_size=3))
    rooms = draw(room_lists) if obstacles else None
    return Case(
        zone, schedule, service, first_day, last_day, draw(busy_lists), earliest, latest, rooms
    )


class WallClock:
    """Every instant on the grain around the case, with its local wall time: the brute-force
    view of the zone's rules (no local_to_utc, no fold arithmetic)."""

    def __init__(self, zone: ZoneInfo, first_day: date, last_day: date) -> None:
        # Every offset used is within 12 hours of UTC: a local day lies inside these UTC days.
        instant = datetime.combine(first_day - timedelta(days=1), time(), UTC)
        stop = datetime.combine(last_day + timedelta(days=2), time(), UTC)
        self.table: list[tuple[datetime, datetime]] = []
        self.first: dict[datetime, datetime] = {}  # wall time -> first instant showing it
        self._after: dict[datetime, datetime] = {}
        while instant < stop:
            wall_time = instant.astimezone(zone).replace(tzinfo=None)
            self.table.append((instant, wall_time))
            self.first.setdefault(wall_time, instant)
            instant += minutes(GRAIN)

    def at_or_after(self, wall_time: datetime) -> datetime:
        """The first instant whose wall time is `wall_time` or later."""
        if wall_time not in self._after:
            self._after[wall_time] = next(i for i, t in self.table if t >= wall_time)
        return self._after[wall_time]


def _windows_on(schedule: Schedule, day: date) -> Sequence[Window]:
    if day in schedule.exceptions:
        return schedule.exceptions[day]
    return schedule.weekly.get(day.weekday(), ())


def _days(case: Case) -> list[date]:
    return [
        case.first_day + timedelta(days=n) for n in range((case.last_day - case.first_day).days + 1)
    ]


def _clear(interval: Interval, busy: Sequence[Interval]) -> bool:
    """No instant of `interval` is in `busy` (an empty busy interval holds no instant)."""
    return not any(max(interval.start, b.start) < min(interval.end, b.end) for b in busy)


def _allowed_by_everything_but_the_window(case: Case, start: datetime) -> bool:
    service = case.service
    slot = Interval(start, start + service.duration)
    widened = slot.widen(service.buffer_before, service.buffer_after)
    if not case.earliest <= start <= case.latest:
        return False
    if not _clear(slot, case.schedule.time_off) or not _clear(widened, case.busy):
        return False
    if service.needs_room:
        return any(_clear(widened, room) for room in case.rooms or [])
    return True


def reference_slots(case: Case, clock: WallClock) -> list[datetime]:
    """Walk every window's local grid: keep the grid times that exist (first occurrence), end by
    the window's end in real time, and pass every other rule."""
    found = set()
    for day in _days(case):
        for window in _windows_on(case.schedule, day):
            wall_time = datetime.combine(day, window.start)
            wall_end = datetime.combine(day, window.end)
            end = clock.at_or_after(wall_end)
            while wall_time < wall_end:
                start = clock.first.get(wall_time)
                if (
                    start is not None
                    and start + case.service.duration <= end
                    and _allowed_by_everything_but_the_window(case, start)
                ):
                    found.add(start)
                wall_time += case.service.step
    return sorted(found)


def _in_some_window(case: Case, clock: WallClock, start: datetime) -> bool:
    wall_time = start.astimezone(case.zone).replace(tzinfo=None)
    if clock.first.get(wall_time) != start:
        return False  # not the first occurrence of its wall time
    for window in _windows_on(case.schedule, wall_time.date()):
        origin = datetime.combine(wall_time.date(), window.start)
        wall_end = datetime.combine(wall_time.date(), window.end)
        if (
            origin <= wall_time < wall_end
            and (wall_time - origin) % case.service.step == timedelta(0)
            and start + case.service.duration <= clock.at_or_after(wall_end)
        ):
            return True
    return False


def check_against_reference(case: Case, clock: WallClock | None = None) -> None:
    """Check a case; a case of its own (no clock given) is also checked in variants."""
    result = case.run()
    variants_too = clock is None
    clock = clock or WallClock(case.zone, case.first_day, case.last_day)
    # Sound: sorted, unique, and each start obeys every rule.
    assert all(a < b for a, b in pairwise(result)), result
    for start in result:
        assert start.utcoffset() == timedelta(0)
        assert case.first_day <= start.astimezone(case.zone).date() <= case.last_day
        assert _in_some_window(case, clock, start), start
        assert _allowed_by_everything_but_the_window(case, start), start
    # Complete: every grid start that obeys every rule is offered.
    expected = reference_slots(case, clock)
    assert sorted(set(expected) - set(result)) == []
    assert result == expected
    if variants_too and result:
        probe_around(case, clock, result[len(result) // 2])


def probe_around(case: Case, clock: WallClock, pick: datetime) -> None:
    """Variants of a case aimed at one offered start, each checked against the reference: the
    bounds exactly at it (inclusive), appointments touching or entering its buffers, and an
    extra room that is never free."""
    service, hour = case.service, minutes(60)
    before = pick - service.buffer_before
    after = pick + service.duration + service.buffer_after
    touching = [Interval(before - hour, before), Interval(after, after + hour)]
    variants = {
        "earliest": (replace(case, earliest=pick), True),
        "latest": (replace(case, latest=pick), True),
        "touching": (replace(case, busy=[*case.busy, *touching]), True),
        "into buffer before": (
            replace(case, busy=[*case.busy, Interval(before - hour, before + MIN)]),
            False,
        ),
        "into buffer after": (
            replace(case, busy=[*case.busy, Interval(after - MIN, after + hour)]),
            False,
        ),
    }
    if service.needs_room:
        never_free = [Interval(FAR_PAST, FAR_FUTURE)]
        variants["busy room"] = (replace(case, rooms=[*(case.rooms or []), never_free]), True)
    for name, (variant, still_offered) in variants.items():
        assert (pick in variant.run()) == still_offered, name
        check_against_reference(variant, clock)


CHANGING = ["America/Denver", "Australia/Lord_Howe"]


@settings(max_examples=80, deadline=None)
@given(cases(["UTC", "Asia/Kolkata", "Asia/Kathmandu"]))
def test_free_slots_matches_the_reference_without_dst(case: Case) -> None:
    check_against_reference(case)


@settings(max_examples=80, deadline=None)
@given(cases(CHANGING))
def test_free_slots_matches_the_reference_across_a_change(case: Case) -> None:
    check_against_reference(case)


@settings(max_examples=100, deadline=None)
@given(cases(CHANGING, obstacles=False))
def test_grid_matches_the_reference_on_change_days(case: Case) -> None:
    check_against_reference(case)
