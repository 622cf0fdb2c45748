"""Property-based tests of the booking core against the real database (hypothesis).

Each example runs in a savepoint that is rolled back, on the test clinic of conftest.py:
random sequences of bookings, moves and cancellations (online and by staff, on and off the
grid, inside and outside the hours) must never leave two active appointments overlapping for
one practitioner or one room; an online booking must succeed exactly when find_slots offers
that time, and every time find_slots offers must be bookable.
"""

import contextlib
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.clinic.models import Practitioner, Room
from acuclinic.scheduling import booking, slots
from acuclinic.scheduling.models import Appointment, Service

from .conftest import DENVER, World, overlapping

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

practitioners = st.sampled_from(["ana", "ben"])
services = st.sampled_from(["treatment", "herbs"])
days = st.integers(0, 1)
# 08:00 to 18:55 local, in 5-minute steps: on and off the 15-minute grid, in and out of hours.
minutes = st.integers(0, 131).map(lambda n: 5 * n)
rules = st.sampled_from(["online", "staff"])
RULES = {"online": slots.ONLINE, "staff": slots.STAFF}

book_op = st.tuples(st.just("book"), practitioners, services, days, minutes, rules)
move_op = st.tuples(st.just("move"), st.integers(0, 50), practitioners, days, minutes, rules)
cancel_op = st.tuples(st.just("cancel"), st.integers(0, 50))
operations = st.lists(st.one_of(book_op, book_op, move_op, cancel_op), min_size=1, max_size=10)


def when(world: World, day: int, minute: int) -> datetime:
    return world.at("08:00", days=day) + timedelta(minutes=minute)


def offered(service: Service, practitioner: Practitioner, start: datetime, **kwargs) -> bool:  # type: ignore[no-untyped-def]
    local_day = start.astimezone(DENVER).date()
    found = slots.find_slots(
        service,
        first_day=local_day - timedelta(days=1),
        last_day=local_day + timedelta(days=1),
        practitioner_ids=[practitioner.pk],
        **kwargs,
    )
    return any(s.start == start for s in found)


def staff_can(
    world: World,
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    ignore: int | None = None,
) -> bool:
    """The staff rule, worked out independently: the practitioner free, and a room if needed."""
    blocked = (start - service.buffer_before, start + service.duration + service.buffer_after)
    clash = Appointment.objects.active().overlapping(*blocked).exclude(pk=ignore)
    if clash.filter(practitioner=practitioner).exists():
        return False
    if not service.needs_room:
        return True
    rooms = set(Room.objects.filter(location=world.location).values_list("pk", flat=True))
    return bool(rooms - set(clash.values_list("room_id", flat=True)))


def run(world: World, ops: list[tuple]) -> None:  # type: ignore[type-arg]
    made: list[Appointment] = []
    for op in ops:
        if op[0] == "book":
            _, who, what, day, minute, rule = op
            practitioner, service = getattr(world, who), getattr(world, what)
            start = when(world, day, minute)
            if rule == "online":
                expected = offered(service, practitioner, start)
            else:
                offers = service.practitioners.filter(pk=practitioner.pk).exists()
                expected = offers and staff_can(world, service, practitioner, start)
            try:
                made.append(
                    booking.book(
                        service=service,
                        practitioner=practitioner,
                        start=start,
                        patient=world.patients[len(made) % len(world.patients)],
                        actor=booking.SYSTEM,
                        rules=RULES[rule],
                        notify=False,
                    )
                )
                succeeded = True
            except booking.BookingError:
                succeeded = False
            assert succeeded == expected, op
        elif op[0] == "move" and made:
            _, index, who, day, minute, rule = op
            appointment = Appointment.objects.get(pk=made[index % len(made)].pk)
            practitioner = getattr(world, who)
            start = when(world, day, minute)
            service = appointment.service
            same = appointment.start == start and appointment.practitioner_id == practitioner.pk
            offers = service.practitioners.filter(pk=practitioner.pk).exists()
            if rule == "online":
                free = offered(service, practitioner, start, ignore_appointment=appointment.pk)
            else:
                free = staff_can(world, service, practitioner, start, ignore=appointment.pk)
            expected = appointment.is_active and offers and (same or free)
            try:
                booking.move(
                    appointment,
                    start=start,
                    practitioner=practitioner,
                    actor=booking.SYSTEM,
                    rules=RULES[rule],
                )
                succeeded = True
            except booking.BookingError:
                succeeded = False
            assert succeeded == expected, op
        elif op[0] == "cancel" and made:
            booking.cancel(made[op[1] % len(made)], actor=booking.SYSTEM, notify=False)
        assert overlapping() == [], op


@pytest.mark.django_db
@PROPERTY
@given(ops=operations)
def test_random_bookings_moves_and_cancellations_never_overlap(world: World, ops) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        run(world, ops)
        transaction.set_rollback(True)


existing = st.lists(st.tuples(practitioners, services, days, minutes), max_size=8)


@pytest.mark.django_db
@PROPERTY
@given(existing=existing, picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=4))
def test_every_slot_find_slots_offers_is_bookable(world: World, existing, picks) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        for n, (who, what, day, minute) in enumerate(existing):
            with contextlib.suppress(booking.BookingError):  # some overlap: fine
                booking.book(
                    service=getattr(world, what),
                    practitioner=getattr(world, who),
                    start=when(world, day, minute),
                    patient=world.patients[n % len(world.patients)],
                    actor=booking.SYSTEM,
                    rules=slots.STAFF,
                    notify=False,
                )
        for service in (world.treatment, world.herbs):
            found = slots.find_slots(
                service, first_day=world.day, last_day=world.day + timedelta(days=1)
            )
            for pick in picks if found else []:
                slot = found[pick % len(found)]
                with transaction.atomic():
                    appointment = booking.book(
                        service=service,
                        practitioner=Practitioner.objects.get(pk=slot.practitioner_id),
                        start=slot.start,
                        patient=world.patient,
                        actor=booking.ONLINE_PATIENT,
                        notify=False,
                    )
                    assert (appointment.start, appointment.end) == (slot.start, slot.end)
                    assert appointment.location_id == slot.location_id
                    transaction.set_rollback(True)
        transaction.set_rollback(True)
