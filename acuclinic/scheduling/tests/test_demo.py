"""The demo schedule (scheduling/demo.py, loaded by `manage.py seed_demo`)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from acuclinic.clinic.models import Location, Practitioner, Room
from acuclinic.scheduling import demo
from acuclinic.scheduling.models import (
    Appointment,
    AppointmentEvent,
    Service,
    Status,
    WorkingHours,
)
from acuclinic.website import demo_data

from .conftest import overlapping

pytestmark = pytest.mark.django_db


def inside_hours(appointment: Appointment) -> bool:
    zone = appointment.location.zone
    start, end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
    windows = WorkingHours.objects.filter(
        practitioner=appointment.practitioner_id,
        location=appointment.location_id,
        weekday=start.weekday(),
    )
    return start.date() == end.date() and any(
        w.start <= start.time() and end.time() <= w.end for w in windows
    )


def test_the_demo_clinic_as_the_tests_and_docs_describe_it() -> None:
    location = Location.objects.get(slug="garrison-street")
    assert location.time_zone == "America/Denver"
    assert sorted(Room.objects.filter(location=location).values_list("name", flat=True)) == [
        "Room 1",
        "Room 2",
    ]
    lena = Practitioner.objects.get(slug="lena-qiao")
    tomas = Practitioner.objects.get(slug="tomas-rivera")
    back = Service.objects.get(slug="acupuncture-back-pain")
    assert (back.duration_minutes, back.buffer_after_minutes, back.needs_room) == (60, 10, True)
    assert set(back.practitioners.all()) == {lena, tomas}
    herbs = Service.objects.get(slug="chinese-herbal-medicine")
    assert (herbs.needs_room, list(herbs.practitioners.all())) == (False, [lena])
    assert set(Service.objects.get(slug="massage").practitioners.all()) == {tomas}


def test_the_demo_appointments_keep_every_rule() -> None:
    appointments = list(Appointment.objects.select_related("service", "location"))
    assert len(appointments) > 100
    today = timezone.localdate()
    local_days = {a.start.astimezone(a.location.zone).date() for a in appointments}
    assert min(local_days) >= today - timedelta(days=22)
    assert max(local_days) <= today + timedelta(days=15)
    assert min(local_days) < today < max(local_days)
    now = timezone.now()
    for appointment in appointments:
        assert inside_hours(appointment), appointment
        assert (appointment.room_id is not None) == appointment.service.needs_room
        assert appointment.blocked_start == appointment.start - appointment.service.buffer_before
        assert appointment.blocked_end == appointment.end + appointment.service.buffer_after
        if appointment.end < now - timedelta(days=1):
            assert appointment.status in (Status.COMPLETED, Status.NO_SHOW)
        if appointment.start > now + timedelta(days=1):
            assert appointment.status == Status.CONFIRMED
    assert overlapping() == []
    assert AppointmentEvent.objects.filter(action="booked").count() >= len(appointments)


def test_seeding_again_adds_nothing() -> None:
    before = Appointment.objects.count()
    assert demo.seed(demo_data.CLINIC, demo_data.SERVICES) == 0
    assert Appointment.objects.count() == before


def test_a_schedule_around_a_clock_change_on_an_empty_calendar() -> None:
    """Seeded as if today were Denver's spring-forward day (2027-03-14): half-hour starts at
    local time, inside the hours, no overlaps, rooms shared with appointments without one."""
    Appointment.objects.all().delete()
    made = demo._appointments(date(2027, 3, 14))
    appointments = list(Appointment.objects.select_related("service", "location"))
    assert made > len(appointments) > 100
    for appointment in appointments:
        local = appointment.start.astimezone(appointment.location.zone)
        assert local.minute in (0, 30)
        assert inside_hours(appointment)
        assert appointment.status == Status.CONFIRMED  # all in the future
    assert overlapping() == []
    days = {a.start.astimezone(a.location.zone).date() for a in appointments}
    assert date(2027, 3, 12) in days and date(2027, 3, 16) in days
    # Appointments that need a room are made while the herbal consultations (no room) run:
    # a consultation does not make every room look taken.
    herbal = [a for a in appointments if not a.service.needs_room]
    roomy = [a for a in appointments if a.service.needs_room]
    assert any(
        h.blocked_start < r.blocked_end and r.blocked_start < h.blocked_end
        for h in herbal
        for r in roomy
    )


def test_the_same_day_gives_the_same_schedule() -> None:
    Appointment.objects.all().delete()
    demo._appointments(date(2027, 3, 14))
    # Ordered fully: two practitioners can start at the same time, and PostgreSQL does not
    # promise the order of ties.
    columns = ("practitioner", "service", "start", "room")
    first = list(Appointment.objects.order_by("start", "practitioner").values_list(*columns))
    Appointment.objects.all().delete()
    demo._appointments(date(2027, 3, 14))
    again = list(Appointment.objects.order_by("start", "practitioner").values_list(*columns))
    assert first == again


def test_a_room_is_the_first_free_one() -> None:
    location = Location.objects.get(slug="garrison-street")
    back = Service.objects.get(slug="acupuncture-back-pain")
    herbs = Service.objects.get(slug="chinese-herbal-medicine")
    day = date(2027, 6, 1)
    who = list(back.practitioners.values_list("pk", flat=True))
    inputs = demo.load_inputs(who, day, day, needs_room=True)
    room1, room2 = (r.pk for r in Room.objects.filter(location=location).order_by("name"))
    at = datetime.combine(day, time(16), tzinfo=location.zone)
    blocked = demo.Interval(at, at + timedelta(minutes=70))
    assert demo._room_for(herbs, location.pk, blocked, inputs) is None
    assert demo._room_for(back, location.pk, blocked, inputs) == room1
    inputs.room_busy[location.pk][room1].add(blocked)
    assert demo._room_for(back, location.pk, blocked, inputs) == room2
    inputs.room_busy[location.pk][room2].add(blocked)
    assert demo._room_for(back, location.pk, blocked, inputs) is None
