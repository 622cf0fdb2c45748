"""booking.py: book, move, cancel, set_status; the rules, the refusals and the audit trail."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from acuclinic.clinic.models import Location, Practitioner
from acuclinic.scheduling import booking, slots
from acuclinic.scheduling.models import (
    Appointment,
    AppointmentEvent,
    ScheduleException,
    Status,
    TimeOff,
    WorkingHours,
)

from .conftest import WINDOWS, World, overlapping

ONLINE = booking.ONLINE_PATIENT


def book(world: World, start: datetime, **kwargs) -> Appointment:  # type: ignore[no-untyped-def]
    kwargs.setdefault("service", world.treatment)
    kwargs.setdefault("practitioner", world.ana)
    kwargs.setdefault("patient", world.patient)
    kwargs.setdefault("actor", ONLINE)
    return booking.book(start=start, **kwargs)


def refusal(world: World, start: datetime, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(booking.NotBookable) as refused:
        book(world, start, **kwargs)
    assert not Appointment.objects.filter(practitioner__in=[world.ana, world.ben]).exists()
    return refused.value.message


def soon(minutes: int) -> datetime:
    return timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=minutes)


def third_practitioner(world: World) -> Practitioner:
    cy = Practitioner.objects.create(name="Cy Test", slug="cy-test")
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=cy, location=world.location, weekday=d, start=s, end=e)
        for d in range(7)
        for s, e in WINDOWS
    )
    world.treatment.practitioners.add(cy)
    return cy


# --- a booking ----------------------------------------------------------------------------


def test_a_booking_is_written_with_its_blocked_range_room_and_history(world: World) -> None:
    appointment = book(world, world.at("10:00"), staff_notes="first visit")
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
    assert (appointment.start, appointment.end) == (world.at("10:00"), world.at("11:00"))
    assert (appointment.blocked_start, appointment.blocked_end) == (
        world.at("10:00"),
        world.at("11:10"),
    )
    assert appointment.location == world.location
    assert appointment.room == world.room1
    assert appointment.source == "online"
    assert appointment.staff_notes == "first visit"
    [event] = appointment.events.all()
    assert (event.action, event.actor_label, event.actor) == ("booked", ONLINE.label, None)
    assert event.changes["status"] == "confirmed"


def test_a_service_without_a_room_gets_none(world: World) -> None:
    assert book(world, world.at("10:00"), service=world.herbs).room is None


def test_staff_bookings_record_who_booked(world: World) -> None:
    user = get_user_model().objects.create_user("desk-test", "desk@example.com", "x-pass-123")
    appointment = book(world, world.at("10:00"), actor=booking.Actor.staff(user))
    event = appointment.events.get()
    assert (event.actor, event.actor_label) == (user, "staff: desk-test")


def test_the_confirmation_goes_out_after_the_commit_only_when_asked(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        book(world, world.at("10:00"))
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        book(world, world.at("13:00"), notify=False)
        book(world, world.at("15:00"), status=Status.HELD)
    assert callbacks == []


# --- the rules, each with its own message ---------------------------------------------------


def test_a_past_time(world: World) -> None:
    message = refusal(world, world.at("10:00", days=-70))
    assert message == "That time has already passed."


def test_a_time_off_the_grid(world: World) -> None:
    assert refusal(world, world.at("10:07")) == "That is not one of the times that can be booked."
    assert refusal(world, world.at("10:00") + timedelta(seconds=1)) == (
        "That is not one of the times that can be booked."
    )


def test_a_time_inside_the_minimum_notice(world: World) -> None:
    message = refusal(world, soon(30))
    assert message == "Online bookings need 2 hours' notice; please call the clinic."
    world.herbs.min_notice_minutes = 90
    world.herbs.save()
    message = refusal(world, soon(60), service=world.herbs)
    assert message == "Online bookings need 1.5 hours' notice; please call the clinic."


def test_a_time_beyond_the_booking_horizon(world: World) -> None:
    message = refusal(world, world.at("10:00", days=60))  # 95 days ahead
    assert message == "Bookings open 90 days ahead; please choose an earlier day."


@pytest.mark.parametrize("hhmm", ["07:00", "11:15", "12:00", "12:30", "17:00", "20:00"])
def test_a_time_outside_working_hours(world: World, hhmm: str) -> None:
    """Before, after, over lunch, and 11:15 (which would run past 12:00)."""
    message = refusal(world, world.at(hhmm))
    assert message == "That time is outside working hours; please choose one of the times offered."


def test_a_day_off(world: World) -> None:
    ScheduleException.objects.create(
        practitioner=world.ana, location=world.location, date=world.day
    )
    message = refusal(world, world.at("10:00"))
    assert message == "That time is outside working hours; please choose one of the times offered."


def test_a_time_in_time_off(world: World) -> None:
    TimeOff.objects.create(practitioner=world.ana, start=world.at("10:30"), end=world.at("11:30"))
    assert refusal(world, world.at("10:00")) == "Ana Test is away at that time."
    assert refusal(world, world.at("11:00")) == "Ana Test is away at that time."
    assert book(world, world.at("10:00"), practitioner=world.ben).practitioner == world.ben


def test_a_service_the_practitioner_does_not_offer(world: World) -> None:
    message = refusal(world, world.at("10:00"), service=world.herbs, practitioner=world.ben)
    assert message == "Ben Test does not offer Test herbs."


def test_an_inactive_service(world: World) -> None:
    world.treatment.is_active = False
    world.treatment.save()
    assert refusal(world, world.at("10:00")) == "Test treatment is not offered at the moment."
    message = refusal(world, world.at("10:00"), rules=slots.STAFF)
    assert message == "Test treatment is not offered at the moment."


def test_a_service_not_bookable_online(world: World) -> None:
    world.treatment.bookable_online = False
    world.treatment.save()
    message = refusal(world, world.at("10:00"))
    assert message == "This service cannot be booked online; please call the clinic."
    # The front desk books it.
    assert book(world, world.at("10:00"), rules=slots.STAFF)


def test_an_inactive_practitioner(world: World) -> None:
    world.ana.is_active = False
    world.ana.save()
    message = refusal(world, world.at("10:00"))
    assert message == "Ana Test is not taking appointments at the moment."


def test_a_naive_datetime(world: World) -> None:
    message = refusal(world, world.at("10:00").replace(tzinfo=None))
    assert message == "The time must include its time zone."


def test_a_location_without_rooms(world: World) -> None:
    world.room1.is_active = world.room2.is_active = False
    world.room1.save()
    world.room2.save()
    message = refusal(world, world.at("10:00"))
    assert message == ("There is no treatment room for this service there; please call the clinic.")


def test_any_aware_zone_is_the_same_instant(world: World) -> None:
    from zoneinfo import ZoneInfo

    in_tokyo = world.at("10:00").astimezone(ZoneInfo("Asia/Tokyo"))
    assert book(world, in_tokyo).start == world.at("10:00")


# --- a taken time ---------------------------------------------------------------------------


def test_a_taken_time_gets_slot_taken_with_the_nearest_free_times(world: World) -> None:
    book(world, world.at("10:00"))
    with pytest.raises(booking.SlotTaken) as taken:
        book(world, world.at("10:00"), patient=world.patients[1])
    assert taken.value.message == "Sorry, that time was just taken."
    alternatives = taken.value.alternatives
    assert 1 <= len(alternatives) <= 6
    assert alternatives == sorted(alternatives)
    # Ben is free at 10:00: the nearest of all; Ana's 10:00 is not among them.
    offered = {(a.start, a.practitioner_id) for a in alternatives}
    assert (world.at("10:00"), world.ben.pk) in offered
    assert (world.at("10:00"), world.ana.pk) not in offered
    assert all(abs(a.start - world.at("10:00")) <= timedelta(hours=4) for a in alternatives)
    # Every alternative can really be booked.
    for n, alternative in enumerate(alternatives):
        practitioner = Practitioner.objects.get(pk=alternative.practitioner_id)
        patient = world.patients[2 + n % 6]
        appointment = book(world, alternative.start, practitioner=practitioner, patient=patient)
        appointment.delete()
    assert Appointment.objects.filter(practitioner=world.ana).count() == 1


def test_a_time_overlapping_another_appointment_is_taken(world: World) -> None:
    book(world, world.at("10:00"))  # blocked to 11:10
    for hhmm in ("09:15", "10:30", "11:00"):
        with pytest.raises(booking.SlotTaken):
            book(world, world.at(hhmm), patient=world.patients[1])
    book(world, world.at("13:00"), patient=world.patients[1])


def test_a_third_booking_at_the_same_time_is_refused_for_lack_of_a_room(world: World) -> None:
    cy = third_practitioner(world)
    first = book(world, world.at("10:00"), practitioner=world.ana)
    second = book(world, world.at("10:00"), practitioner=world.ben, patient=world.patients[1])
    assert {first.room, second.room} == {world.room1, world.room2}
    # Cy is free, but both rooms are not.
    assert "10:00" not in [
        s.start for s in slots.find_slots(world.treatment, first_day=world.day, last_day=world.day)
    ]
    with pytest.raises(booking.SlotTaken):
        book(world, world.at("10:00"), practitioner=cy, patient=world.patients[2])
    # Staff cannot squeeze it in either.
    with pytest.raises(booking.SlotTaken) as taken:
        book(world, world.at("10:00"), practitioner=cy, rules=slots.STAFF)
    assert taken.value.message == "Sorry, no treatment room is free at that time."
    assert Appointment.objects.filter(start=world.at("10:00")).count() == 2
    assert overlapping() == []


# --- staff rules ----------------------------------------------------------------------------


def test_staff_may_book_outside_hours_and_the_grid(world: World) -> None:
    evening = book(world, world.at("19:05"), rules=slots.STAFF, source="staff")
    assert (evening.start, evening.location) == (world.at("19:05"), world.location)
    lunch = book(world, world.at("12:00"), rules=slots.STAFF, patient=world.patients[1])
    assert lunch.room == world.room1
    # ... and at short notice, or in the past (recording a walk-in).
    assert book(world, soon(5), rules=slots.STAFF, service=world.herbs)
    assert book(world, soon(-24 * 60), rules=slots.STAFF, service=world.herbs)


def test_staff_may_book_in_time_off_but_never_over_an_appointment(world: World) -> None:
    TimeOff.objects.create(practitioner=world.ana, start=world.at("09:00"), end=world.at("17:00"))
    book(world, world.at("10:00"), rules=slots.STAFF)
    for hhmm in ("10:00", "09:30", "11:05"):
        with pytest.raises(booking.SlotTaken) as taken:
            book(world, world.at(hhmm), rules=slots.STAFF, patient=world.patients[1])
        assert taken.value.message == "Ana Test already has an appointment at that time."
    book(world, world.at("11:10"), rules=slots.STAFF, patient=world.patients[1])
    assert overlapping() == []


# --- idempotency ----------------------------------------------------------------------------


def test_the_same_key_twice_books_once(world: World) -> None:
    first = book(world, world.at("10:00"), idempotency_key="form-123")
    again = book(world, world.at("10:00"), idempotency_key="form-123")
    assert again.pk == first.pk
    assert Appointment.objects.filter(idempotency_key="form-123").count() == 1
    assert AppointmentEvent.objects.filter(appointment=first).count() == 1
    # Another key is another request: that time is taken now.
    with pytest.raises(booking.SlotTaken):
        book(world, world.at("10:00"), idempotency_key="form-456", patient=world.patients[1])


def test_the_same_key_returns_the_first_booking_even_if_the_request_differs(world: World) -> None:
    first = book(world, world.at("10:00"), idempotency_key="retry-me")
    assert book(world, world.at("14:00"), idempotency_key="retry-me").pk == first.pk
    assert not Appointment.objects.filter(start=world.at("14:00")).exists()


def test_a_key_never_hands_out_someone_elses_booking(world: World) -> None:
    book(world, world.at("10:00"), idempotency_key="guessable")
    with pytest.raises(booking.NotBookable) as refused:
        book(world, world.at("14:00"), idempotency_key="guessable", patient=world.patients[1])
    assert refused.value.message == "This booking request was already used; please start again."
    assert not Appointment.objects.filter(patient=world.patients[1]).exists()


# --- move -----------------------------------------------------------------------------------


def test_move_changes_the_time_keeps_the_room_frees_the_old_time_and_logs(
    world: World, django_capture_on_commit_callbacks
) -> None:
    appointment = book(world, world.at("10:00"))
    with django_capture_on_commit_callbacks() as callbacks:
        moved = booking.move(appointment, start=world.at("14:00"), actor=booking.PATIENT_LINK)
    assert len(callbacks) == 1  # the patient and the practitioner hear of it
    moved.refresh_from_db()
    assert (moved.pk, moved.start, moved.end) == (
        appointment.pk,
        world.at("14:00"),
        world.at("15:00"),
    )
    assert (moved.blocked_start, moved.blocked_end) == (world.at("14:00"), world.at("15:10"))
    assert moved.room == world.room1
    event = moved.events.get(action="moved")
    assert event.actor_label == booking.PATIENT_LINK.label
    assert event.changes == {
        "from": {"start": world.at("10:00").isoformat(), "practitioner": world.ana.pk},
        "to": {"start": world.at("14:00").isoformat(), "practitioner": world.ana.pk},
    }
    # The old time is free again.
    book(world, world.at("10:00"), patient=world.patients[1])


def test_move_over_its_own_old_time(world: World) -> None:
    appointment = book(world, world.at("10:00"))
    moved = booking.move(appointment, start=world.at("10:30"), actor=ONLINE)
    assert moved.start == world.at("10:30")
    assert overlapping() == []


def test_move_to_another_practitioner(world: World) -> None:
    appointment = book(world, world.at("10:00"))
    moved = booking.move(appointment, start=world.at("10:00"), practitioner=world.ben, actor=ONLINE)
    assert (moved.practitioner, moved.start) == (world.ben, world.at("10:00"))
    assert moved.events.get(action="moved").changes["to"]["practitioner"] == world.ben.pk


def test_move_onto_a_taken_time_changes_nothing(world: World) -> None:
    book(world, world.at("09:00"), patient=world.patients[1])  # blocked to 10:10
    mine = book(world, world.at("10:15"))
    with pytest.raises(booking.SlotTaken) as taken:
        booking.move(mine, start=world.at("09:30"), actor=ONLINE)
    alternatives = taken.value.alternatives
    assert all(a.practitioner_id == world.ana.pk for a in alternatives)
    # The appointment's own time counts as free among the alternatives.
    assert [a.start for a in alternatives] == [
        world.at(hhmm) for hhmm in ("10:15", "10:30", "10:45", "11:00", "13:00", "13:15")
    ]
    mine.refresh_from_db()
    assert mine.start == world.at("10:15")
    assert not mine.events.filter(action="moved").exists()


def test_move_follows_the_rules(world: World) -> None:
    mine = book(world, world.at("10:00"))
    with pytest.raises(booking.NotBookable) as refused:
        booking.move(mine, start=world.at("18:00"), actor=ONLINE)
    assert "outside working hours" in refused.value.message
    with pytest.raises(booking.NotBookable):
        booking.move(mine, start=world.at("10:00", days=-70), actor=ONLINE)
    dee = Practitioner.objects.create(name="Dee Test", slug="dee-test")
    with pytest.raises(booking.NotBookable) as refused:
        booking.move(mine, start=world.at("10:00"), actor=ONLINE, practitioner=dee)
    assert refused.value.message == "Dee Test does not offer Test treatment."
    moved = booking.move(mine, start=world.at("18:00"), actor=ONLINE, rules=slots.STAFF)
    assert moved.start == world.at("18:00")


def test_moving_to_the_same_time_changes_nothing(world: World) -> None:
    mine = book(world, world.at("10:00"))
    booking.move(mine, start=world.at("10:00"), actor=ONLINE)
    assert not mine.events.filter(action="moved").exists()


def test_a_cancelled_appointment_cannot_be_moved(world: World) -> None:
    mine = book(world, world.at("10:00"))
    booking.cancel(mine, actor=ONLINE)
    with pytest.raises(booking.NotBookable) as refused:
        booking.move(mine, start=world.at("14:00"), actor=ONLINE)
    assert refused.value.message == "This appointment was cancelled."
    stale = Appointment.objects.get(pk=mine.pk)
    stale.status = Status.CONFIRMED  # a stale copy: the database knows better
    with pytest.raises(booking.NotBookable):
        booking.move(stale, start=world.at("14:00"), actor=ONLINE)


# --- cancel ---------------------------------------------------------------------------------


def test_cancel_frees_the_time_logs_and_is_idempotent(
    world: World, django_capture_on_commit_callbacks
) -> None:
    mine = book(world, world.at("10:00"))
    with django_capture_on_commit_callbacks() as callbacks:
        cancelled = booking.cancel(mine, actor=booking.PATIENT_LINK, reason="feeling better")
    assert len(callbacks) == 2  # the message, and the offer to the waitlist
    assert cancelled.status == Status.CANCELLED
    event = cancelled.events.get(action="cancelled")
    assert event.changes == {"from": "confirmed", "reason": "feeling better"}
    with django_capture_on_commit_callbacks() as callbacks:
        again = booking.cancel(mine, actor=booking.PATIENT_LINK)
    assert callbacks == []
    assert again.status == Status.CANCELLED
    assert cancelled.events.filter(action="cancelled").count() == 1
    book(world, world.at("10:00"), patient=world.patients[1])


def test_cancelling_a_hold_tells_nobody_but_offers_the_time_on(
    world: World, django_capture_on_commit_callbacks
) -> None:
    held = book(world, world.at("10:00"), status=Status.HELD)
    with django_capture_on_commit_callbacks() as callbacks:
        booking.cancel(held, actor=booking.SYSTEM)
    assert len(callbacks) == 1


# --- set_status -----------------------------------------------------------------------------

ALLOWED = {
    ("confirmed", "arrived"),
    ("confirmed", "no_show"),
    ("confirmed", "completed"),
    ("arrived", "completed"),
    ("arrived", "confirmed"),
    ("no_show", "confirmed"),
    ("completed", "arrived"),
    ("held", "confirmed"),
}


@pytest.mark.parametrize("before", Status.values)
@pytest.mark.parametrize("after", Status.values)
def test_set_status_follows_the_allowed_transitions(world: World, before: str, after: str) -> None:
    appointment = world.raw(world.at("10:00"), status=before)
    if before == after:
        assert booking.set_status(appointment, after, actor=ONLINE).status == before
        assert not appointment.events.exists()
    elif (before, after) in ALLOWED:
        changed = booking.set_status(appointment, after, actor=ONLINE)
        changed.refresh_from_db()
        assert changed.status == after
        event = changed.events.get()
        assert (event.action, event.changes) == ("status", {"from": before, "to": after})
    else:
        with pytest.raises(booking.NotBookable) as refused:
            booking.set_status(appointment, after, actor=ONLINE)
        assert refused.value.message == (
            f"An appointment that is {Status(before).label} cannot become {Status(after).label}."
        )
        appointment.refresh_from_db()
        assert appointment.status == before


def test_set_status_walks_a_visit_and_undoes_mistakes(world: World) -> None:
    appointment = book(world, world.at("10:00"))
    for status in ("arrived", "completed", "arrived", "completed"):
        booking.set_status(appointment, status, actor=ONLINE)
    assert list(appointment.events.values_list("action", flat=True)) == ["booked"] + ["status"] * 4


def test_confirming_a_hold_clears_its_expiry(world: World) -> None:
    held = book(world, world.at("10:00"), status=Status.HELD, held_until=soon(60))
    confirmed = booking.set_status(held, Status.CONFIRMED, actor=ONLINE)
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.held_until) == (Status.CONFIRMED, None)


def test_an_unknown_status_is_refused(world: World) -> None:
    appointment = book(world, world.at("10:00"))
    with pytest.raises(booking.NotBookable):
        booking.set_status(appointment, "vanished", actor=ONLINE)


# --- retries --------------------------------------------------------------------------------


def test_a_database_that_stays_locked_becomes_busy(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(booking.clock, "sleep", lambda seconds: None)
    calls = []

    def locked() -> None:
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(booking.Busy) as busy:
        booking._with_lock_retries(locked)
    assert busy.value.message == "The booking system is very busy; please try again."
    assert len(calls) == booking.LOCK_RETRIES


def test_a_lock_that_clears_is_retried_and_other_errors_are_not(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(booking.clock, "sleep", lambda seconds: None)
    outcomes = [OperationalError("database is locked"), "done"]

    def flaky() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert booking._with_lock_retries(flaky) == "done"
    outcomes[:] = [OperationalError("deadlock detected"), "done"]
    assert booking._with_lock_retries(flaky) == "done"

    def broken() -> None:
        raise OperationalError("no such table")

    with pytest.raises(OperationalError):
        booking._with_lock_retries(broken)


def test_a_lost_race_is_looked_at_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    outcomes: list[object] = [IntegrityError("lost"), IntegrityError("lost"), "done"]

    def racing() -> object:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert booking._with_lock_retries(racing, conflicts=2) == "done"
    with pytest.raises(IntegrityError):
        booking._with_lock_retries(lambda: (_ for _ in ()).throw(IntegrityError("lost")))


def test_alternatives_are_never_in_the_past(world: World) -> None:
    found = booking.alternatives(world.treatment, timezone.now(), rules=slots.STAFF, count=20)
    assert found and all(a.start >= timezone.now() - timedelta(minutes=1) for a in found)


def test_staff_location_falls_back_to_where_the_practitioner_works(world: World) -> None:
    other = Location.objects.create(name="Annex", slug="annex")
    WorkingHours.objects.filter(practitioner=world.ben).delete()
    WorkingHours.objects.create(
        practitioner=world.ben, location=other, weekday=0, start=WINDOWS[0][0], end=WINDOWS[0][1]
    )
    # A day Ben does not work: the location he works at.
    tuesday = world.at("10:00") + timedelta(days=(1 - world.day.weekday()) % 7)
    assert booking._staff_location(world.ben, tuesday) == other
