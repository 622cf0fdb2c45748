"""The waitlist: a cancelled time is held for the first patient waiting for it, in turn."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from acuclinic.clinic.models import default_clinic
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, slots, tasks, waitlist
from acuclinic.scheduling.models import (
    Appointment,
    Service,
    Source,
    Status,
    WaitlistEntry,
    WaitlistOffer,
)

from .conftest import World

WAITING = WaitlistEntry.State.WAITING
OFFERED = WaitlistEntry.State.OFFERED
BOOKED = WaitlistEntry.State.BOOKED


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run what would run after the commit (the task that offers a freed time, at once)."""

    def run(action, *args, **kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def join(world: World, patient: Patient, **kwargs) -> WaitlistEntry:  # type: ignore[no-untyped-def]
    kwargs.setdefault("service", world.treatment)
    kwargs.setdefault("practitioner", None)
    kwargs.setdefault("earliest", world.day - timedelta(days=3))
    kwargs.setdefault("latest", world.day + timedelta(days=3))
    return waitlist.join(patient=patient, **kwargs)


def booked_at(world: World, start: datetime, patient: Patient | None = None) -> Appointment:
    return booking.book(
        service=world.treatment,
        practitioner=world.ana,
        start=start,
        patient=patient or world.patient,
        actor=booking.ONLINE_PATIENT,
        notify=False,
    )


def state(entry: WaitlistEntry) -> str:
    entry.refresh_from_db()
    return entry.state


@pytest.fixture
def line(world: World) -> list[WaitlistEntry]:
    """Patients 1, 2 and 3 wait, in that order, for the treatment with anyone."""
    return [join(world, world.patients[n]) for n in (1, 2, 3)]


@pytest.fixture
def freed(world: World, line, run_on_commit) -> Appointment:  # type: ignore[no-untyped-def]
    """Patient 0's 10:00 appointment, cancelled (the first in line is offered it)."""
    appointment = booked_at(world, world.at("10:00"))
    run_on_commit(booking.cancel, appointment, actor=booking.PATIENT_LINK)
    return appointment


def test_joining_twice_updates_the_entry(world: World) -> None:
    entry = join(world, world.patients[1])
    again = join(world, world.patients[1], latest=world.day + timedelta(days=9))
    assert again.pk == entry.pk
    assert WaitlistEntry.objects.filter(patient=world.patients[1]).count() == 1
    assert again.latest == world.day + timedelta(days=9)
    with pytest.raises(booking.NotBookable) as refused:
        join(world, world.patients[1], earliest=world.day, latest=world.day - timedelta(days=1))
    assert refused.value.message == "The last day must not be before the first."


def test_a_cancellation_holds_the_time_for_the_first_in_line(
    world: World, line: list[WaitlistEntry], freed: Appointment
) -> None:
    offer = WaitlistOffer.objects.get()
    assert offer.entry == line[0]
    held = offer.appointment
    assert held.pk != freed.pk
    assert (held.status, held.source, held.patient) == (
        Status.HELD,
        Source.WAITLIST,
        world.patients[1],
    )
    assert (held.start, held.practitioner, held.service) == (
        world.at("10:00"),
        world.ana,
        world.treatment,
    )
    # Held for the clinic's offer hours (the time is weeks away).
    hours = default_clinic().waitlist_offer_hours
    assert abs(offer.expires_at - (timezone.now() + timedelta(hours=hours))) < timedelta(minutes=1)
    assert held.held_until == offer.expires_at
    assert [state(e) for e in line] == [OFFERED, WAITING, WAITING]
    # Nobody else can take the held time.
    with pytest.raises(booking.SlotTaken):
        booked_at(world, world.at("10:00"), world.patients[5])


def test_accept_confirms_the_held_time(
    world: World, line: list[WaitlistEntry], freed: Appointment, django_capture_on_commit_callbacks
) -> None:
    offer = WaitlistOffer.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        appointment = waitlist.accept(offer)
    assert len(callbacks) == 1  # the confirmation
    assert (appointment.status, appointment.held_until) == (Status.CONFIRMED, None)
    offer.refresh_from_db()
    assert offer.accepted_at is not None and offer.released_at is None
    assert [state(e) for e in line] == [BOOKED, WAITING, WAITING]
    assert list(appointment.events.values_list("action", "actor_label")) == [
        ("booked", "waitlist"),
        ("status", booking.PATIENT_LINK.label),
    ]
    # Accepting twice (a double click) is the same answer; the sweep leaves it alone.
    assert waitlist.accept(offer).pk == appointment.pk
    assert waitlist.release_expired(now=offer.expires_at + timedelta(minutes=1)) == 0
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_expiry_releases_the_time_and_offers_it_to_the_next(
    world: World, line: list[WaitlistEntry], freed: Appointment, run_on_commit
) -> None:
    first = WaitlistOffer.objects.get()
    # Not yet.
    assert run_on_commit(waitlist.release_expired, now=first.expires_at - timedelta(minutes=1)) == 0
    assert run_on_commit(waitlist.release_expired, now=first.expires_at) == 1
    first.refresh_from_db()
    assert first.released_at is not None
    assert first.appointment.status == Status.CANCELLED
    second = WaitlistOffer.objects.exclude(pk=first.pk).get()
    assert second.entry == line[1]
    assert second.appointment.start == world.at("10:00")
    # The first is back in line for other times, but is not offered this one again.
    assert [state(e) for e in line] == [WAITING, OFFERED, WAITING]
    # Too late to accept the first offer.
    with pytest.raises(waitlist.OfferGone) as gone:
        waitlist.accept(first)
    assert gone.value.message == "Sorry, this offer has expired and the time went to someone else."
    # Expired but not yet swept: too late as well.
    with pytest.raises(waitlist.OfferGone):
        waitlist.accept(second, now=second.expires_at)
    # Sweeping again changes nothing.
    assert run_on_commit(waitlist.release_expired, now=first.expires_at) == 0


def test_declining_offers_it_to_the_next_and_then_nobody(
    world: World, line: list[WaitlistEntry], freed: Appointment, run_on_commit
) -> None:
    for n in range(3):
        offer = WaitlistOffer.objects.get(released_at__isnull=True)
        assert offer.entry == line[n]
        run_on_commit(waitlist.decline, offer)
    # Everyone declined it: the time is free for anyone.
    assert WaitlistOffer.objects.filter(released_at__isnull=True).count() == 0
    assert WaitlistOffer.objects.count() == 3
    assert [state(e) for e in line] == [WAITING, WAITING, WAITING]
    assert booked_at(world, world.at("10:00"), world.patients[6]).status == Status.CONFIRMED
    # Declining again is nothing.
    run_on_commit(waitlist.decline, WaitlistOffer.objects.first())
    assert WaitlistOffer.objects.count() == 3


def test_an_entry_already_offered_that_time_is_not_offered_it_again(
    world: World, line: list[WaitlistEntry], freed: Appointment, run_on_commit
) -> None:
    run_on_commit(waitlist.decline, WaitlistOffer.objects.get())
    # The same time freed again by another route (e.g. the next patient's hold is cancelled by
    # the desk): the first entry is still not offered it.
    second = WaitlistOffer.objects.get(released_at__isnull=True)
    run_on_commit(booking.cancel, second.appointment, actor=booking.SYSTEM)
    third = WaitlistOffer.objects.filter(released_at__isnull=True).exclude(pk=second.pk).get()
    assert third.entry == line[2]


def test_only_matching_entries_are_offered(world: World, run_on_commit) -> None:
    herbs_only = join(world, world.patients[1], service=world.herbs)
    with_ben = join(world, world.patients[2], practitioner=world.ben)
    too_late = join(
        world,
        world.patients[3],
        earliest=world.day + timedelta(days=1),
        latest=world.day + timedelta(days=5),
    )
    withdrawn = join(world, world.patients[4])
    WaitlistEntry.objects.filter(pk=withdrawn.pk).update(state=WaitlistEntry.State.WITHDRAWN)
    the_canceller = join(world, world.patient)
    with_ana = join(world, world.patients[5], practitioner=world.ana)
    appointment = booked_at(world, world.at("10:00"))
    run_on_commit(booking.cancel, appointment, actor=booking.PATIENT_LINK)
    assert WaitlistOffer.objects.get().entry == with_ana
    for entry in (herbs_only, with_ben, too_late, withdrawn, the_canceller):
        assert state(entry) != OFFERED


def test_nothing_is_offered_for_a_past_time_or_one_too_close(
    world: World, line: list[WaitlistEntry], run_on_commit
) -> None:
    past = world.raw(timezone.now() - timedelta(hours=3), status=Status.COMPLETED)
    run_on_commit(booking.cancel, past, actor=booking.SYSTEM)
    assert not WaitlistOffer.objects.exists()
    future = booked_at(world, world.at("10:00"))
    booking.cancel(future, actor=booking.SYSTEM)  # callbacks not run: offered by hand below
    assert waitlist.offer_freed_time(future.pk, now=world.at("10:01")) is None
    assert waitlist.offer_freed_time(future.pk, now=world.at("09:35")) is None  # < 30 min
    offer = waitlist.offer_freed_time(future.pk, now=world.at("08:00"))
    assert offer is not None
    # Held until 30 minutes before, at the latest.
    assert offer.expires_at == world.at("09:30")


def test_an_active_appointment_frees_nothing(world: World, line: list[WaitlistEntry]) -> None:
    appointment = booked_at(world, world.at("10:00"))
    assert waitlist.offer_freed_time(appointment.pk) is None
    assert not WaitlistOffer.objects.exists()


def test_a_time_taken_again_meanwhile_is_not_offered(
    world: World, line: list[WaitlistEntry]
) -> None:
    appointment = booked_at(world, world.at("10:00"))
    booking.cancel(appointment, actor=booking.SYSTEM)
    booked_at(world, world.at("10:00"), world.patients[6])  # someone quicker
    assert waitlist.offer_freed_time(appointment.pk) is None
    assert not WaitlistOffer.objects.exists()
    assert [state(e) for e in line] == [WAITING, WAITING, WAITING]
    assert Appointment.objects.filter(status=Status.HELD).count() == 0


def test_a_hold_keeps_to_the_hours_and_grid(world: World, line: list[WaitlistEntry]) -> None:
    """A time the desk booked off the grid is not offered (a hold is a patient's booking)."""
    odd = booking.book(
        service=world.treatment,
        practitioner=world.ana,
        start=world.at("10:07"),
        patient=world.patient,
        actor=booking.SYSTEM,
        rules=slots.STAFF,
        notify=False,
    )
    booking.cancel(odd, actor=booking.SYSTEM)
    assert waitlist.offer_freed_time(odd.pk) is None
    assert [state(e) for e in line] == [WAITING, WAITING, WAITING]


def test_a_hold_for_a_service_not_bookable_online(world: World, run_on_commit) -> None:
    Service.objects.filter(pk=world.treatment.pk).update(bookable_online=False)
    entry = join(world, world.patients[1])
    appointment = booking.book(
        service=world.treatment,
        practitioner=world.ana,
        start=world.at("10:00"),
        patient=world.patient,
        actor=booking.SYSTEM,
        rules=slots.STAFF,
        notify=False,
    )
    run_on_commit(booking.cancel, appointment, actor=booking.SYSTEM)
    assert WaitlistOffer.objects.get().entry == entry


def test_the_desk_confirming_a_hold_is_not_undone_by_the_sweep(
    world: World, line: list[WaitlistEntry], freed: Appointment, run_on_commit
) -> None:
    """The patient phoned instead of clicking: staff confirm the held appointment. The offer
    then must not expire into a cancellation of a confirmed appointment."""
    offer = WaitlistOffer.objects.get()
    booking.set_status(offer.appointment, Status.CONFIRMED, actor=booking.SYSTEM)
    assert run_on_commit(waitlist.release_expired, now=offer.expires_at) == 0
    offer.refresh_from_db()
    offer.appointment.refresh_from_db()
    assert offer.appointment.status == Status.CONFIRMED
    assert offer.accepted_at is not None
    assert [state(e) for e in line] == [BOOKED, WAITING, WAITING]
    assert WaitlistOffer.objects.count() == 1
    # Accepting through the link afterwards is fine too.
    assert waitlist.accept(offer).status == Status.CONFIRMED


def test_the_desk_cancelling_a_hold_moves_the_line_on(
    world: World, line: list[WaitlistEntry], freed: Appointment, run_on_commit
) -> None:
    first = WaitlistOffer.objects.get()
    run_on_commit(booking.cancel, first.appointment, actor=booking.SYSTEM)
    assert WaitlistOffer.objects.exclude(pk=first.pk).get().entry == line[1]
    with pytest.raises(waitlist.OfferGone):
        waitlist.accept(first)
    # Its expiry later only tidies up: the first is back in line, the second keeps its offer.
    assert run_on_commit(waitlist.release_expired, now=first.expires_at) == 1
    assert [state(e) for e in line] == [WAITING, OFFERED, WAITING]
    assert WaitlistOffer.objects.count() == 2


def test_the_task_is_safe_to_run_twice(world: World, line: list[WaitlistEntry]) -> None:
    appointment = booked_at(world, world.at("10:00"))
    booking.cancel(appointment, actor=booking.SYSTEM)
    tasks.offer_freed_time.enqueue(appointment.pk)
    tasks.offer_freed_time.enqueue(appointment.pk)
    assert WaitlistOffer.objects.count() == 1
    assert Appointment.objects.filter(status=Status.HELD).count() == 1
    assert [state(e) for e in line] == [OFFERED, WAITING, WAITING]
