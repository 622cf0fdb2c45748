"""booking.book_series: a course of treatment, at the same local time each week, all or nothing."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from acuclinic.scheduling import booking, slots
from acuclinic.scheduling.availability import local_to_utc
from acuclinic.scheduling.models import Appointment, AppointmentEvent, AppointmentSeries, TimeOff

from .conftest import DENVER, World


def next_spring_forward() -> date:
    """Denver's next spring-forward day (the second Sunday of March) at least three weeks away:
    2027-03-14 when this was written."""
    today = timezone.localdate(timezone.now(), DENVER)
    year = today.year
    while True:
        march = date(year, 3, 8)
        sunday = march + timedelta(days=(6 - march.weekday()) % 7)
        if sunday - today >= timedelta(days=21):
            return sunday
        year += 1


def local(day: date, hhmm: str) -> datetime:
    instant = local_to_utc(day, time.fromisoformat(hhmm), DENVER)
    assert instant is not None
    return instant


def series(world: World, first: datetime, **kwargs) -> list[Appointment]:  # type: ignore[no-untyped-def]
    kwargs.setdefault("every_days", 7)
    kwargs.setdefault("count", 6)
    kwargs.setdefault("service", world.treatment)
    kwargs.setdefault("practitioner", world.ana)
    kwargs.setdefault("patient", world.patient)
    kwargs.setdefault("actor", booking.ONLINE_PATIENT)
    return booking.book_series(first_start=first, **kwargs)


def nothing_written() -> None:
    assert not AppointmentSeries.objects.exists()
    assert not Appointment.objects.filter(patient__full_name__startswith="Test ").exists()
    assert not AppointmentEvent.objects.filter(actor_label=booking.ONLINE_PATIENT.label).exists()


@pytest.fixture
def far(world: World) -> World:
    """The treatment may be booked far enough ahead to reach past the clock change."""
    horizon = next_spring_forward() + timedelta(days=60) - timezone.localdate()
    world.treatment.max_advance_days = horizon.days
    world.treatment.save()
    return world


def test_weekly_across_the_clock_change_stays_at_nine_local(far: World) -> None:
    change = next_spring_forward()
    first_monday = change - timedelta(days=13)  # two Mondays before, four after
    booked = series(far, local(first_monday, "09:00"))
    assert len(booked) == 6
    local_starts = [a.start.astimezone(DENVER) for a in booked]
    assert [s.date() for s in local_starts] == [first_monday + timedelta(weeks=n) for n in range(6)]
    assert {s.strftime("%H:%M") for s in local_starts} == {"09:00"}
    # Mountain Standard Time (UTC-7) before, Daylight Time (UTC-6) after.
    assert [a.start.hour for a in booked] == [16, 16, 15, 15, 15, 15]
    assert [a.start - b.start for a, b in zip(booked[1:], booked, strict=False)] == [
        timedelta(days=7),
        timedelta(days=7) - timedelta(hours=1),
        timedelta(days=7),
        timedelta(days=7),
        timedelta(days=7),
    ]
    [course] = AppointmentSeries.objects.all()
    assert (course.count, course.every_days) == (6, 7)
    assert all(a.series_id == course.pk for a in booked)
    assert all(a.room_id == far.room1.pk for a in booked)
    assert AppointmentEvent.objects.filter(appointment__in=booked, action="booked").count() == 6


def test_one_conflicting_week_refuses_the_whole_series_and_lists_it(world: World) -> None:
    first = world.at("10:00")
    third_week = world.at("10:00", days=14)
    taken = world.raw(third_week - timedelta(minutes=30), practitioner=world.ana, room=world.room2)
    before = Appointment.objects.count()
    with pytest.raises(booking.SeriesConflict) as refused:
        series(world, first, count=4)
    assert refused.value.message == "1 of the times in this series are not free."
    [conflict] = refused.value.conflicts
    assert conflict.start == third_week
    assert conflict.reason == "Sorry, that time was just taken."
    # Alternatives near that week, with Ana, free.
    assert 1 <= len(conflict.alternatives) <= 3
    for alternative in conflict.alternatives:
        assert alternative.practitioner_id == world.ana.pk
        assert abs(alternative.start - third_week) < timedelta(days=1)
        assert alternative.start >= taken.blocked_end or alternative.end <= taken.blocked_start
    # All or nothing: not one appointment of the series was written.
    assert Appointment.objects.count() == before
    assert not AppointmentSeries.objects.exists()


def test_a_conflict_in_the_first_week_is_a_series_conflict_too(world: World) -> None:
    world.raw(world.at("10:00"))
    with pytest.raises(booking.SeriesConflict) as refused:
        series(world, world.at("10:00"), count=3)
    assert [c.start for c in refused.value.conflicts] == [world.at("10:00")]
    assert not AppointmentSeries.objects.exists()


def test_every_bad_week_is_listed_with_its_reason(far: World) -> None:
    first = far.at("10:00")
    far.raw(far.at("10:00", days=7))
    TimeOff.objects.create(
        practitioner=far.ana, start=far.at("00:00", days=21), end=far.at("00:00", days=22)
    )
    far.treatment.max_advance_days = 35 + 30
    far.treatment.save()
    with pytest.raises(booking.SeriesConflict) as refused:
        series(far, first, count=6)
    reasons = [(c.start, c.reason) for c in refused.value.conflicts]
    assert reasons == [
        (far.at("10:00", days=7), "Sorry, that time was just taken."),
        (far.at("10:00", days=21), "Ana Test is away at that time."),
        (far.at("10:00", days=35), "Bookings open 65 days ahead; please choose an earlier day."),
    ]
    assert refused.value.message == "3 of the times in this series are not free."


def test_the_same_key_twice_books_the_series_once(world: World) -> None:
    first = series(world, world.at("10:00"), count=3, idempotency_key="course-1")
    again = series(world, world.at("10:00"), count=3, idempotency_key="course-1")
    assert [a.pk for a in again] == [a.pk for a in first]
    assert AppointmentSeries.objects.count() == 1
    assert Appointment.objects.filter(series__idempotency_key="course-1").count() == 3
    with pytest.raises(booking.NotBookable):
        series(world, world.at("10:00"), idempotency_key="course-1", patient=world.patients[1])


def test_a_series_notifies_once_after_the_commit(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        series(world, world.at("10:00"), count=3)
    assert len(callbacks) == 1


@pytest.mark.parametrize(("count", "every_days"), [(0, 7), (53, 7), (4, 0), (4, 91)])
def test_series_bounds(world: World, count: int, every_days: int) -> None:
    with pytest.raises(booking.NotBookable) as refused:
        series(world, world.at("10:00"), count=count, every_days=every_days)
    assert refused.value.message == "A series has 1 to 52 appointments, 1 to 90 days apart."
    nothing_written()


def test_the_request_itself_is_checked_first(world: World) -> None:
    with pytest.raises(booking.NotBookable) as refused:
        series(world, world.at("10:00"), service=world.herbs, practitioner=world.ben)
    assert refused.value.message == "Ben Test does not offer Test herbs."
    with pytest.raises(booking.NotBookable):
        series(world, world.at("10:00").replace(tzinfo=None))
    nothing_written()


def test_a_local_time_that_does_not_exist_is_reported_on_its_own_day(far: World) -> None:
    """Daily at 02:30 (staff, outside hours) across the spring-forward night: that night has
    no 02:30, and the conflict names that day, not the first."""
    change = next_spring_forward()
    with pytest.raises(booking.SeriesConflict) as refused:
        series(
            far,
            local(change - timedelta(days=2), "02:30"),
            service=far.herbs,
            count=4,
            every_days=1,
            rules=slots.STAFF,
        )
    [conflict] = refused.value.conflicts
    assert conflict.start.astimezone(DENVER).date() == change
    assert conflict.reason == "That local time does not exist that day."
    assert not AppointmentSeries.objects.exists()


def test_staff_series_outside_hours_every_two_weeks(world: World) -> None:
    booked = series(world, world.at("18:00"), count=3, every_days=14, rules=slots.STAFF)
    assert [a.start for a in booked] == [world.at("18:00", days=d) for d in (0, 14, 28)]
