"""Free times for a service, from the database: the ORM edge of the availability engine.

The inputs are fetched in a fixed number of queries (seven: who offers the service, working
hours, schedule exceptions, time off, rooms, which practitioners use those rooms, appointments)
whatever the range of days or the number of appointments; the pure engine in availability.py
does the rest.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import CharField, Q, QuerySet, StringAgg, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from acuclinic.clinic.models import Practitioner, Room

from . import availability
from .intervals import Interval, Timeline
from .models import Appointment, ScheduleException, Service, TimeOff, WorkingHours

# Zones are at most 14 hours from UTC; a day's margin on each side covers every local day.
MARGIN = timedelta(days=1)


class Slot(NamedTuple):
    """A free time. A tuple, because thousands are made and sorted per request."""

    start: datetime  # UTC
    practitioner_id: int
    location_id: int
    end: datetime


@dataclass(frozen=True)
class Rules:
    """How strict a booking is: patients online get all the rules, staff may override hours."""

    notice: bool = True  # the service's minimum notice and how far ahead it may be booked
    hours: bool = True  # only inside working hours, on the slot grid, outside time off
    online: bool = True  # only services that patients may book online


ONLINE = Rules()
STAFF = Rules(notice=False, hours=False, online=False)


@dataclass
class Inputs:
    """Everything the engine needs for some practitioners over some days."""

    locations: dict[int, ZoneInfo]  # location -> its time zone
    schedules: dict[tuple[int, int], availability.Schedule]  # (practitioner, location)
    busy: dict[int, Timeline]  # practitioner -> blocked times (empty for anyone not found)
    room_busy: dict[int, dict[int, Timeline]]  # location -> room -> blocked times
    rooms: dict[int, list[int]]  # location -> room ids, in the order they are offered


def utc_range(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first_day, time(), tzinfo=UTC) - MARGIN
    end = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=UTC) + MARGIN
    return start, end


def load_inputs(
    practitioner_ids: Sequence[int],
    first_day: date,
    last_day: date,
    *,
    needs_room: bool,
    ignore_appointment: int | None = None,
    only_contended_rooms: bool = False,
) -> Inputs:
    """With `only_contended_rooms`, a location whose rooms cannot run out in the range gets
    one always-free room in `room_busy` instead of every room's appointments (for a one-off
    question; a caller that adds bookings to the inputs as it goes needs them all)."""
    range_start, range_end = utc_range(first_day, last_day)
    # Plain rows, not model instances: a big clinic has hundreds of weekly windows.
    fields = ("practitioner_id", "location_id", "start", "end", "location__time_zone")
    hours = list(
        WorkingHours.objects.filter(practitioner_id__in=practitioner_ids)
        .order_by()  # not the model's order: that joins the practitioner to sort by name
        .values_list("weekday", *fields, named=True)
    )
    exceptions = list(
        ScheduleException.objects.filter(
            practitioner_id__in=practitioner_ids,
            date__gte=first_day - MARGIN,
            date__lte=last_day + MARGIN,
        )
        .order_by()
        .values_list("date", *fields, named=True)
    )
    time_off = list(
        TimeOff.objects.filter(
            practitioner_id__in=practitioner_ids, start__lt=range_end, end__gt=range_start
        )
        .order_by()
        .values_list("practitioner_id", "start", "end")
    )
    zones = {row.location_id: row.location__time_zone for row in [*hours, *exceptions]}
    locations = {pk: ZoneInfo(name) for pk, name in zones.items()}
    rooms: dict[int, list[int]] = defaultdict(list)
    if needs_room and locations:
        for room_id, location_id in Room.objects.filter(
            location_id__in=locations, is_active=True
        ).values_list("id", "location_id"):
            rooms[location_id].append(room_id)
    whose = Q(practitioner_id__in=practitioner_ids)
    if only_contended_rooms:
        working_at: dict[int, set[int]] = defaultdict(set)
        for row in [*hours, *exceptions]:
            working_at[row.location_id].add(row.practitioner_id)
        contended, room_users = _contended_rooms(rooms, working_at, range_start, range_end)
    else:
        contended, room_users = rooms, None
    if room_users is None or not room_users <= set(practitioner_ids):
        # Other people's appointments in the rooms too (not needed when everyone using the
        # rooms is asked about anyway, e.g. "any practitioner": half the rows to read).
        whose |= Q(room_id__in=[r for ids in contended.values() for r in ids])
    appointments = Appointment.objects.active().overlapping(range_start, range_end).filter(whose)
    if ignore_appointment is not None:
        appointments = appointments.exclude(pk=ignore_appointment)
    if contended or connections[appointments.db].vendor != "sqlite":
        who, room, starts, ends = _blocked_columns(appointments)
        busy = _timelines(who, starts, ends)
    else:  # no room needed: each practitioner's times in one row
        busy = _blocked_per_practitioner(appointments)
    if contended:
        # Re-sorted by room (C speed); rows without a room are no room's.
        by_room_rows = sorted(
            (r, s, e) for r, s, e in zip(room, starts, ends, strict=True) if r is not None
        )
        by_room = _timelines(*map(list, zip(*by_room_rows, strict=True))) if by_room_rows else {}
    else:
        by_room = {}
    return Inputs(
        locations=locations,
        schedules=_schedules(practitioner_ids, hours, exceptions, time_off),
        busy=defaultdict(Timeline, busy),
        room_busy={
            # Where rooms cannot run out, one always-free room stands for them all.
            location: {r: by_room.get(r) or Timeline() for r in ids}
            if location in contended
            else {ids[0]: Timeline()}
            for location, ids in rooms.items()
        },
        rooms=dict(rooms),
    )


def _blocked_columns(
    appointments: QuerySet[Appointment],
) -> tuple[list[int], list[int | None], list[datetime], list[datetime]]:
    """Practitioners, rooms, blocked starts and blocked ends of the appointments, as columns
    sorted by practitioner and start.

    Read through the cursor and turned into columns without a Python loop per row: a busy
    month of a big clinic is tens of thousands of rows, and the ORM's per-value converters
    took three times as long as the query. SQLite's text (naive UTC) gets its offset in SQL
    and is parsed by `datetime.fromisoformat` through `map`."""
    connection = connections[appointments.db]
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        appointments = appointments.annotate(
            _start=Concat(Cast("blocked_start", CharField()), Value("+00:00")),
            _end=Concat(Cast("blocked_end", CharField()), Value("+00:00")),
        )
    columns = ("_start", "_end") if sqlite else ("blocked_start", "blocked_end")
    query = appointments.order_by("practitioner_id", "blocked_start").values_list(
        "practitioner_id", "room_id", *columns
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return [], [], [], []
    who, room, starts, ends = map(list, zip(*rows, strict=True))
    if sqlite:
        starts = list(map(datetime.fromisoformat, starts))
        ends = list(map(datetime.fromisoformat, ends))
    return who, room, starts, ends


def _blocked_per_practitioner(appointments: QuerySet[Appointment]) -> dict[int, Timeline]:
    """Each practitioner's blocked times, read as one row per practitioner (SQLite's
    group_concat): a third of the time of reading the month row by row. The order inside a
    group is the index's, which Timeline.of_sorted checks rather than trusts."""
    as_text = {
        name: StringAgg(Concat(Cast(f"blocked_{name}", CharField()), Value("+00:00")), Value(","))
        for name in ("start", "end")
    }
    rows = appointments.order_by().values_list("practitioner_id").annotate(**as_text)

    def parse(joined: str) -> list[datetime]:
        return list(map(datetime.fromisoformat, joined.split(",")))

    return {who: Timeline.of_sorted(parse(starts), parse(ends)) for who, starts, ends in rows}


def _timelines(
    owners: list[int], starts: list[datetime], ends: list[datetime]
) -> dict[int, Timeline]:
    """One timeline per owner (practitioner or room), from rows sorted by owner and start."""
    result = {}
    i, count = 0, len(owners)
    while i < count:
        owner = owners[i]
        j = bisect_right(owners, owner, i)
        result[owner] = Timeline.of_sorted(starts[i:j], ends[i:j])
        i = j
    return result


def _contended_rooms(
    rooms: dict[int, list[int]],
    working_at: dict[int, set[int]],
    range_start: datetime,
    range_end: datetime,
) -> tuple[dict[int, list[int]], set[int]]:
    """The locations (with their rooms) where a treatment room can run out in the range for
    one of the practitioners asked about who works there (`working_at`: location -> them).

    A practitioner is in at most one room at a time (her appointments never overlap; the
    database guarantees it). So where fewer other practitioners use a location's rooms in the
    range than it has rooms, one is always free, and their appointments need not be read.
    Also returns who uses the contended rooms in the range.
    """
    location_of = {room: location for location, ids in rooms.items() for room in ids}
    if not location_of:
        return {}, set()
    users: dict[int, set[int]] = defaultdict(set)
    for room_id, who in (
        Appointment.objects.active()
        .overlapping(range_start, range_end)
        .filter(room_id__in=list(location_of))
        .order_by()
        .values_list("room_id", "practitioner_id")
        .distinct()
    ):
        users[location_of[room_id]].add(who)
    contended = {
        location: ids
        for location, ids in rooms.items()
        if any(len(users[location] - {who}) >= len(ids) for who in working_at[location])
    }
    return contended, {who for location in contended for who in users[location]}


def _schedules(
    practitioner_ids: Iterable[int],
    hours: Iterable[Any],  # WorkingHours rows: practitioner_id, location_id, weekday, start, end
    exceptions: Iterable[Any],  # ScheduleException rows: the same with date for weekday
    time_off: Iterable[tuple[int, datetime, datetime]],
) -> dict[tuple[int, int], availability.Schedule]:
    weekly: dict[tuple[int, int], dict[int, list[availability.Window]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in hours:
        weekly[row.practitioner_id, row.location_id][row.weekday].append(
            availability.Window(row.start, row.end)
        )
    # An exception date replaces the practitioner's windows at every location that day: she
    # cannot be at the usual place when her day has been rearranged.
    changed_days: dict[int, set[date]] = defaultdict(set)
    exception_windows: dict[tuple[int, int], dict[date, list[availability.Window]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in exceptions:
        changed_days[row.practitioner_id].add(row.date)
        if row.start is not None and row.end is not None:
            exception_windows[row.practitioner_id, row.location_id][row.date].append(
                availability.Window(row.start, row.end)
            )
    off: dict[int, list[Interval]] = defaultdict(list)
    for who, start, end in time_off:
        off[who].append(Interval(start, end))
    schedules = {}
    for key in {*weekly, *exception_windows}:
        who, _location = key
        days = exception_windows.get(key, {})
        schedules[key] = availability.Schedule(
            weekly={day: sorted(w, key=lambda w: w.start) for day, w in weekly[key].items()},
            exceptions={
                day: sorted(days.get(day, []), key=lambda w: w.start) for day in changed_days[who]
            },
            time_off=off.get(who, []),
        )
    return schedules


def bounds(service: Service, now: datetime, rules: Rules) -> tuple[datetime, datetime]:
    if not rules.notice:
        return datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)
    earliest = now + timedelta(minutes=service.min_notice_minutes)
    return earliest, now + timedelta(days=service.max_advance_days)


def find_slots(
    service: Service,
    *,
    first_day: date,
    last_day: date,
    practitioner_ids: Sequence[int] | None = None,
    now: datetime | None = None,
    rules: Rules = ONLINE,
    ignore_appointment: int | None = None,
    ignore_appointments: bool = False,
    one_per_start: bool = False,
) -> list[Slot]:
    """Every free start for `service` on the local days [first_day, last_day], by start time.

    Only what could really be booked: an inactive service has no free times, nor (for online
    rules) one that is not bookable online; only active practitioners who offer the service
    are asked (everyone who does when `practitioner_ids` is None: "any practitioner").
    Each location's days are its own local days. `ignore_appointments` answers "would this
    time be bookable on an empty calendar?" (to tell a taken time from a wrong one).
    With `one_per_start`, each start appears once, with the practitioner an "any practitioner"
    booking would get (the first free in `offering` order).
    """
    who, inputs = inputs_for(
        service,
        first_day=first_day,
        last_day=last_day,
        practitioner_ids=practitioner_ids,
        rules=rules,
        ignore_appointment=ignore_appointment,
    )
    if inputs is None:
        return []
    return slots_from(
        inputs,
        service,
        who,
        first_day=first_day,
        last_day=last_day,
        now=now or timezone.now(),
        rules=rules,
        ignore_appointments=ignore_appointments,
        one_per_start=one_per_start,
    )


def inputs_for(
    service: Service,
    *,
    first_day: date,
    last_day: date,
    practitioner_ids: Sequence[int] | None,
    rules: Rules,
    ignore_appointment: int | None = None,
    rooms: bool = True,
) -> tuple[list[int], Inputs | None]:
    """Who may be asked for `service`, and their inputs; None when nobody can be booked.
    `rooms=False` leaves rooms out (for a caller that picks the room under the write lock)."""
    if not service.is_active or (rules.online and not service.bookable_online):
        return [], None
    if last_day < first_day:
        return [], None
    who = offering(service, among=practitioner_ids)
    if not who:
        return [], None
    inputs = load_inputs(
        who,
        first_day,
        last_day,
        needs_room=service.needs_room and rooms,
        ignore_appointment=ignore_appointment,
        only_contended_rooms=True,
    )
    return who, inputs


def slots_from(
    inputs: Inputs,
    service: Service,
    practitioner_ids: Sequence[int],
    *,
    first_day: date,
    last_day: date,
    now: datetime,
    rules: Rules = ONLINE,
    ignore_appointments: bool = False,
    one_per_start: bool = False,
    rooms: bool = True,
) -> list[Slot]:
    """find_slots' pure half: the free starts in inputs already loaded (no queries).
    `rooms=False`: as if the service needed no room (inputs loaded without them).

    With `one_per_start`, the first practitioner of `practitioner_ids` free at each start
    (first_free's answer, without making the slots of everyone else first)."""
    engine_service = service.as_engine_service()
    if not rooms:
        engine_service = replace(engine_service, needs_room=False)
    earliest, latest = bounds(service, now, rules)
    duration = service.duration
    found: list[Slot] = []
    # Where a room is free, once per location, shared by every practitioner working there.
    rooms_free = (
        {
            location_id: availability.room_starts(
                [[] if ignore_appointments else b for b in busy.values()], engine_service
            )
            for location_id, busy in inputs.room_busy.items()
        }
        if engine_service.needs_room
        else {}
    )
    rank = {who: n for n, who in enumerate(practitioner_ids)}
    seen: set[datetime] = set()
    asked = sorted(
        (rank[who], location_id, schedule)
        for (who, location_id), schedule in inputs.schedules.items()
        if who in rank
    )
    for n, location_id, schedule in asked:
        who = practitioner_ids[n]
        zone = inputs.locations[location_id]
        starts = availability.free_slots(
            schedule=schedule,
            zone=zone,
            service=engine_service,
            first_day=first_day,
            last_day=last_day,
            busy=[] if ignore_appointments else inputs.busy.get(who, []),
            earliest=earliest,
            latest=latest,
            rooms_free=rooms_free.get(location_id, []) if engine_service.needs_room else None,
        )
        if one_per_start:
            starts = [s for s in starts if s not in seen]
            seen.update(starts)
        found.extend(Slot(s, who, location_id, s + duration) for s in starts)
    found.sort()
    return found


def offering(service: Service, among: Sequence[int] | None = None) -> list[int]:
    """Who may be booked for the service (of `among`, when given), in a stable order."""
    who = Practitioner.objects.filter(services=service, is_active=True)
    if among is not None:
        if not among:
            return []
        who = who.filter(pk__in=list(among))
    return list(who.order_by("name", "id").values_list("id", flat=True))


def first_free(slots: Iterable[Slot], order: Sequence[int]) -> list[Slot]:
    """One slot per start time: the one whose practitioner comes first in `order`."""
    rank = {who: n for n, who in enumerate(order)}
    chosen: dict[datetime, Slot] = {}
    for slot in slots:
        kept = chosen.get(slot.start)
        if kept is None or rank[slot.practitioner_id] < rank[kept.practitioner_id]:
            chosen[slot.start] = slot
    return sorted(chosen.values())


def nearest(slots: Iterable[Slot], to: datetime, count: int = 6) -> list[Slot]:
    """The `count` free times closest to `to`, in time order, one per start time."""
    by_start: dict[datetime, Slot] = {}
    for slot in slots:
        by_start.setdefault(slot.start, slot)
    closest = sorted(by_start.values(), key=lambda s: (abs(s.start - to), s.start))[:count]
    return sorted(closest)
