"""slots.find_slots: the engine's inputs from the database, in a fixed number of queries."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from acuclinic.clinic.models import Location, Practitioner, Room
from acuclinic.scheduling import slots
from acuclinic.scheduling.models import (
    Appointment,
    ScheduleException,
    Service,
    Source,
    Status,
    TimeOff,
    WorkingHours,
)

from ..intervals import Interval, Timeline
from .conftest import DENVER, World


def starts(found: list[slots.Slot], who: Practitioner | None = None) -> list[str]:
    """Local HH:MM of each slot (of one practitioner), for readable assertions."""
    return [
        s.start.astimezone(DENVER).strftime("%H:%M")
        for s in found
        if who is None or s.practitioner_id == who.pk
    ]


def day_slots(world: World, service: Service | None = None, **kwargs) -> list[slots.Slot]:  # type: ignore[no-untyped-def]
    kwargs.setdefault("now", world.at("08:00", days=-30))
    return slots.find_slots(
        service or world.treatment, first_day=world.day, last_day=world.day, **kwargs
    )


MORNING = ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00"]
AFTERNOON = [f"{h}:{m}" for h in (13, 14, 15) for m in ("00", "15", "30", "45")] + ["16:00"]


# --- the fixed number of queries ---------------------------------------------------------


def many_appointments(world: World, count: int) -> None:
    """`count` appointments of Ana's and Ben's, a dozen a day from `world.day` on."""
    rows = []
    for n in range(count):
        who = world.ana if n % 2 else world.ben
        day, slot = divmod(n // 2, 6)
        start = world.at("09:00", days=day) + timedelta(minutes=45 * slot)
        rows.append(
            Appointment(
                patient=world.patient,
                practitioner=who,
                service=world.herbs,
                location=world.location,
                start=start,
                end=start + timedelta(minutes=30),
                blocked_start=start,
                blocked_end=start + timedelta(minutes=30),
                source=Source.STAFF,
            )
        )
    Appointment.objects.bulk_create(rows)


@pytest.mark.parametrize("appointments", [10, 1000])
@pytest.mark.parametrize("days", [1, 90])
def test_find_slots_reads_its_inputs_in_seven_queries_whatever_the_range_or_load(
    world: World, django_assert_num_queries, appointments: int, days: int
) -> None:
    many_appointments(world, appointments)
    TimeOff.objects.create(
        practitioner=world.ana, start=world.at("13:00", days=3), end=world.at("17:00", days=3)
    )
    ScheduleException.objects.create(
        practitioner=world.ben, location=world.location, date=world.day + timedelta(days=1)
    )
    last = world.day + timedelta(days=days - 1)
    # Who offers it, hours, exceptions, time off, rooms, who uses the rooms, appointments.
    with django_assert_num_queries(7):
        found = slots.find_slots(
            world.treatment, first_day=world.day, last_day=last, now=world.at("08:00", days=-30)
        )
    assert found
    with django_assert_num_queries(7):
        slots.find_slots(
            world.treatment,
            first_day=world.day,
            last_day=last,
            practitioner_ids=[world.ana.pk],
            now=world.at("08:00", days=-30),
        )
    # A service without a room needs no rooms.
    with django_assert_num_queries(5):
        slots.find_slots(world.herbs, first_day=world.day, last_day=last, now=world.at("08:00"))


def test_the_appointments_loaded_are_the_ones_that_count(world: World) -> None:
    many_appointments(world, 1000)
    found = slots.find_slots(
        world.herbs,
        first_day=world.day,
        last_day=world.day + timedelta(days=89),
        now=world.at("08:00", days=-30),
    )
    busy = Timeline(
        Interval(a.blocked_start, a.blocked_end)
        for a in Appointment.objects.filter(practitioner=world.ana)
    )
    assert found and all(busy.is_free(s.start, s.end) for s in found)
    # Ana's mornings are full (09:00-09:30, 09:45-10:15, ..., 12:45-13:15): no 45 minutes free.
    assert starts(found)[:3] == ["13:15", "13:30", "13:45"]


# --- what a slot needs --------------------------------------------------------------------


def test_a_free_day_has_every_start_inside_the_windows(world: World) -> None:
    found = day_slots(world, practitioner_ids=[world.ana.pk])
    # 60 minutes fit from 09:00 to 11:00 and from 13:00 to 16:00 (lunch at 12-13).
    assert starts(found) == MORNING + AFTERNOON
    assert all(s.end - s.start == timedelta(minutes=60) for s in found)
    assert {s.location_id for s in found} == {world.location.pk}


def test_any_practitioner_searches_everyone_who_offers_the_service(world: World) -> None:
    found = day_slots(world)
    assert starts(found, world.ana) == MORNING + AFTERNOON
    assert starts(found, world.ben) == MORNING + AFTERNOON
    assert found == sorted(found)
    # Only Ana offers the herbs.
    assert {s.practitioner_id for s in day_slots(world, world.herbs)} == {world.ana.pk}
    # Someone inactive is not offered, nor is someone who does not offer the service.
    world.ben.is_active = False
    world.ben.save()
    assert {s.practitioner_id for s in day_slots(world)} == {world.ana.pk}
    assert day_slots(world, world.herbs, practitioner_ids=[world.ben.pk]) == []


def test_existing_appointments_with_their_buffers_block(world: World) -> None:
    world.raw(world.at("10:00"))  # blocked 10:00-11:10
    found = day_slots(world, practitioner_ids=[world.ana.pk])
    # 09:00 would run (with its buffer) into 10:00; 11:15 would end after 12:00.
    assert starts(found) == AFTERNOON
    world.raw(world.at("14:00"), service=world.herbs, room=None)  # blocked 14:00-14:45
    found = day_slots(world, practitioner_ids=[world.ana.pk])
    # 13:00 would block 13:00-14:10, into the herbs; 14:45 starts as they end.
    assert starts(found) == ["14:45", "15:00", "15:15", "15:30", "15:45", "16:00"]


def test_a_cancelled_appointment_does_not_block(world: World) -> None:
    world.raw(world.at("10:00"), status=Status.CANCELLED)
    assert starts(day_slots(world, practitioner_ids=[world.ana.pk])) == MORNING + AFTERNOON


def test_a_slot_needs_a_free_room_as_well_as_the_practitioner(world: World) -> None:
    cy = Practitioner.objects.create(name="Cy Test", slug="cy-test")
    world.raw(world.at("10:00"), practitioner=cy, room=world.room1)
    found = day_slots(world)
    assert "10:00" in starts(found, world.ana)  # Room B is free
    world.raw(world.at("10:00"), practitioner=cy, room=world.room2, status=Status.CANCELLED)
    world.raw(world.at("10:00"), practitioner=world.ben, room=world.room2)
    found = day_slots(world)
    # Both rooms are in use 10:00-11:10: no treatment fits in the morning (09:00 would keep
    # its room until 10:10).
    assert starts(found, world.ana) == AFTERNOON
    # The herbs need no room: Ana is free for them.
    assert "10:00" in starts(day_slots(world, world.herbs))


def test_an_inactive_room_is_not_offered_and_no_room_means_no_slot(world: World) -> None:
    world.raw(world.at("10:00"), practitioner=world.ben, room=world.room1)
    world.room2.is_active = False
    world.room2.save()
    assert "10:00" not in starts(day_slots(world), world.ana)
    world.room1.is_active = False
    world.room1.save()
    assert day_slots(world) == []
    assert day_slots(world, world.herbs)


def test_rooms_of_another_location_do_not_count(world: World) -> None:
    elsewhere = Location.objects.create(name="Elsewhere", slug="elsewhere")
    other_room = Room.objects.create(location=elsewhere, name="Room A")
    world.raw(world.at("10:00"), practitioner=world.ben, room=world.room1)
    world.raw(world.at("10:00"), practitioner=world.ben, room=other_room, status="cancelled")
    assert "10:00" in starts(day_slots(world), world.ana)


def test_time_off_is_cut_out(world: World) -> None:
    TimeOff.objects.create(
        practitioner=world.ana, start=world.at("13:30"), end=world.at("15:00"), reason="dentist"
    )
    found = day_slots(world, practitioner_ids=[world.ana.pk])
    assert starts(found) == [*MORNING, "15:00", "15:15", "15:30", "15:45", "16:00"]
    # A holiday over several days.
    TimeOff.objects.create(
        practitioner=world.ana, start=world.at("00:00", days=-2), end=world.at("00:00", days=2)
    )
    assert day_slots(world, practitioner_ids=[world.ana.pk]) == []
    assert starts(day_slots(world), world.ben) == MORNING + AFTERNOON


def test_schedule_exceptions_replace_the_day(world: World) -> None:
    ScheduleException.objects.create(
        practitioner=world.ana, location=world.location, date=world.day
    )  # a day off
    ScheduleException.objects.create(
        practitioner=world.ben,
        location=world.location,
        date=world.day,
        start=time(18),
        end=time(20),
    )  # an evening instead
    assert day_slots(world, practitioner_ids=[world.ana.pk]) == []
    found = day_slots(world, practitioner_ids=[world.ben.pk])
    assert starts(found) == ["18:00", "18:15", "18:30", "18:45", "19:00"]
    nextday = slots.find_slots(
        world.treatment,
        first_day=world.day + timedelta(days=1),
        last_day=world.day + timedelta(days=1),
        now=world.at("08:00"),
    )
    assert starts(nextday, world.ana) == MORNING + AFTERNOON


def test_notice_and_horizon_bound_the_starts_for_patients_not_for_staff(world: World) -> None:
    now = world.at("09:40")  # 120 minutes' notice: 11:40 at the earliest
    found = day_slots(world, now=now, practitioner_ids=[world.ana.pk])
    assert starts(found) == AFTERNOON
    found = day_slots(world, now=now, practitioner_ids=[world.ana.pk], rules=slots.STAFF)
    assert starts(found) == MORNING + AFTERNOON
    # 90 days ahead at most (90 times 24 hours: a clock change may lie between).
    too_early = world.at("09:00") - timedelta(days=90, minutes=1)
    assert day_slots(world, now=too_early) == []
    edge = world.at("11:00") - timedelta(days=90)
    assert starts(day_slots(world, now=edge, practitioner_ids=[world.ana.pk])) == MORNING


def test_an_inactive_service_or_one_not_bookable_online(world: World) -> None:
    world.treatment.bookable_online = False
    world.treatment.save()
    assert day_slots(world) == []
    assert starts(day_slots(world, rules=slots.STAFF), world.ana) == MORNING + AFTERNOON
    world.treatment.is_active = False
    world.treatment.save()
    assert day_slots(world, rules=slots.STAFF) == []


def test_ignore_appointment_frees_its_own_time_for_a_move(world: World) -> None:
    mine = world.raw(world.at("10:00"))
    found = day_slots(world, practitioner_ids=[world.ana.pk], ignore_appointment=mine.pk)
    assert starts(found) == MORNING + AFTERNOON
    empty = day_slots(world, practitioner_ids=[world.ana.pk], ignore_appointments=True)
    assert starts(empty) == MORNING + AFTERNOON


def test_days_are_the_locations_local_days_across_a_clock_change(db) -> None:  # type: ignore[no-untyped-def]
    """2027-03-14: Denver springs forward. 09:00 is 16:00 UTC the day before, 15:00 after."""
    from .conftest import make_world

    world = make_world(day=date(2027, 3, 13))
    before = slots.find_slots(
        world.herbs,
        first_day=date(2027, 3, 13),
        last_day=date(2027, 3, 15),
        now=datetime(2027, 3, 1, tzinfo=DENVER),
    )
    by_day: dict[date, list[slots.Slot]] = {}
    for slot in before:
        by_day.setdefault(slot.start.astimezone(DENVER).date(), []).append(slot)
    assert sorted(by_day) == [date(2027, 3, 13), date(2027, 3, 14), date(2027, 3, 15)]
    firsts = [by_day[d][0].start for d in sorted(by_day)]
    assert [f.astimezone(DENVER).strftime("%H:%M") for f in firsts] == ["09:00"] * 3
    assert [f.hour for f in firsts] == [16, 15, 15]
    assert all(len(v) == len(by_day[date(2027, 3, 13)]) for v in by_day.values())


def test_a_second_location_in_another_zone(world: World) -> None:
    """Each location's windows are its own wall-clock time."""
    tokyo = Location.objects.create(name="Tokyo", slug="tokyo", time_zone="Asia/Tokyo")
    Room.objects.create(location=tokyo, name="Room T")
    WorkingHours.objects.create(
        practitioner=world.ben,
        location=tokyo,
        weekday=world.day.weekday(),
        start=time(9),
        end=time(10),
    )
    found = day_slots(world, practitioner_ids=[world.ben.pk])
    in_tokyo = [s for s in found if s.location_id == tokyo.pk]
    assert [s.start.astimezone(tokyo.zone).strftime("%H:%M") for s in in_tokyo] == ["09:00"]


def test_no_one_offering_or_an_empty_range(world: World, django_assert_num_queries) -> None:
    lonely = Service.objects.create(name="Nobody's", slug="nobodys", duration_minutes=30)
    assert slots.find_slots(lonely, first_day=world.day, last_day=world.day) == []
    with django_assert_num_queries(0):
        assert (
            slots.find_slots(
                world.treatment, first_day=world.day, last_day=world.day - timedelta(days=1)
            )
            == []
        )


def test_nearest_picks_the_closest_starts_in_time_order(world: World) -> None:
    found = day_slots(world)
    # One per start time (Ana and Ben are both free), the closest on either side.
    assert starts(slots.nearest(found, world.at("13:05"), count=3)) == ["13:00", "13:15", "13:30"]
    assert starts(slots.nearest(found, world.at("12:10"), count=3)) == ["11:00", "13:00", "13:15"]
    assert slots.nearest([], timezone.now()) == []


# --- reading fewer rows gives the same answers --------------------------------------------


def test_skipping_rooms_that_cannot_run_out_changes_no_answer(world: World) -> None:
    """find_slots reads room bookings only where a room can run out for someone asked about
    who works there, and skips other people's rows when everyone using the rooms is asked
    anyway. Against a full read of everything, on a random busy week at two locations, one
    of them with fewer rooms than the people who work there."""
    import random

    from django.db import IntegrityError, transaction

    elsewhere = Location.objects.create(name="Elsewhere", slug="elsewhere", time_zone="UTC")
    lone_room = Room.objects.create(location=elsewhere, name="Room E")
    cy = Practitioner.objects.create(name="Cy Test", slug="cy-test")
    dee = Practitioner.objects.create(name="Dee Test", slug="dee-test")  # offers nothing
    world.treatment.practitioners.add(cy)
    for who, where in ((cy, elsewhere), (dee, world.location), (world.ben, elsewhere)):
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=who, location=where, weekday=d, start=time(8), end=time(18))
            for d in range(7)
        )
    rng = random.Random(3)
    rooms = {world.location.pk: [world.room1, world.room2], elsewhere.pk: [lone_room]}
    for _ in range(160):
        who = rng.choice([world.ana, world.ben, cy, dee])
        place = rng.choice([world.location, elsewhere])
        start = world.at("07:00", days=rng.randrange(7)) + timedelta(minutes=15 * rng.randrange(48))
        try:
            with transaction.atomic():  # the database refuses overlaps: skip those
                appointment = world.raw(start, practitioner=who, room=rng.choice(rooms[place.pk]))
                Appointment.objects.filter(pk=appointment.pk).update(location=place)
        except IntegrityError:
            pass
    now = world.at("08:00", days=-30)
    last = world.day + timedelta(days=6)
    for asked in (None, [world.ana.pk], [world.ben.pk], [cy.pk], [world.ana.pk, cy.pk]):
        who = slots.offering(world.treatment, among=asked)
        full = slots.load_inputs(who, world.day, last, needs_room=True)
        expected = slots.slots_from(
            full, world.treatment, who, first_day=world.day, last_day=last, now=now
        )
        found = slots.find_slots(
            world.treatment, first_day=world.day, last_day=last, practitioner_ids=asked, now=now
        )
        assert found == expected, asked
        assert len(found) > 50, "a busy week still has free times to compare"
        once = slots.find_slots(
            world.treatment,
            first_day=world.day,
            last_day=last,
            practitioner_ids=asked,
            now=now,
            one_per_start=True,
        )
        assert once == slots.first_free(expected, who), asked
