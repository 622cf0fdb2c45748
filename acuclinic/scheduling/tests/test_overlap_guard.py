"""Decision 2: the database itself refuses a double booking, whoever writes.

These tests write through the ORM directly (`Appointment.objects.create`, `update()`), past
booking.py and its checks: only the exclusion constraints (PostgreSQL) or the triggers (SQLite)
stand in the way. Run on both: `DATABASE_URL=postgres://... pytest acuclinic/scheduling`.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from acuclinic.scheduling import overlap_guard
from acuclinic.scheduling.models import Appointment, Status

from .conftest import World, make_world, overlapping


def refused(action) -> IntegrityError:  # type: ignore[no-untyped-def]
    """Run `action` expecting the guard to refuse it; the test's transaction stays usable."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        action()
    assert "no_overlap" in str(caught.value)
    return caught.value


def guard_names() -> set[str]:
    names = overlap_guard.POSTGRES if connection.vendor == "postgresql" else overlap_guard.SQLITE
    return set(names)


# --- inserts ----------------------------------------------------------------------------


def test_the_guard_is_installed_by_the_migrations(db) -> None:  # type: ignore[no-untyped-def]
    assert guard_names() <= overlap_guard.installed(connection)


def test_same_practitioner_overlapping_is_refused_even_in_another_room(world: World) -> None:
    world.raw(world.at("10:00"), room=world.room1)
    refused(lambda: world.raw(world.at("10:30"), room=world.room2))
    refused(lambda: world.raw(world.at("09:30"), room=world.room2))
    refused(lambda: world.raw(world.at("10:00"), room=world.room2))
    assert Appointment.objects.filter(practitioner=world.ana).count() == 1


def test_same_room_overlapping_is_refused_even_for_another_practitioner(world: World) -> None:
    world.raw(world.at("10:00"), practitioner=world.ana, room=world.room1)
    refused(lambda: world.raw(world.at("10:45"), practitioner=world.ben, room=world.room1))
    refused(lambda: world.raw(world.at("09:15"), practitioner=world.ben, room=world.room1))
    # The same time with another practitioner in the other room is fine.
    world.raw(world.at("10:00"), practitioner=world.ben, room=world.room2)
    assert overlapping() == []


def test_an_appointment_inside_another_is_refused(world: World) -> None:
    world.raw(world.at("09:00"), minutes=180)
    refused(lambda: world.raw(world.at("10:00"), service=world.herbs, room=None, minutes=15))


def test_buffers_count_the_blocked_range_is_what_is_guarded(world: World) -> None:
    first = world.raw(world.at("10:00"))  # 60 minutes + 10 after: blocked 10:00-11:10
    assert (first.blocked_start, first.blocked_end) == (world.at("10:00"), world.at("11:10"))
    # Starts when the first one's time ends, but inside its buffer: refused, by practitioner
    # and by room alike.
    refused(lambda: world.raw(world.at("11:00"), room=world.room2))
    refused(lambda: world.raw(world.at("11:05"), practitioner=world.ben, room=world.room1))
    # A buffer before the new appointment counts as well.
    world.herbs.buffer_before_minutes = 15
    world.herbs.save()
    refused(lambda: world.raw(world.at("11:20"), service=world.herbs, room=None))


def test_touching_ranges_are_allowed(world: World) -> None:
    world.raw(world.at("10:00"))  # blocked until 11:10
    world.raw(world.at("11:10"))  # same practitioner, same room, starts as the other is free
    world.raw(world.at("08:50"), minutes=60, service=world.herbs, room=None)  # ends 09:50
    world.raw(world.at("09:50"), minutes=10, service=world.herbs, room=None)  # ends 10:00
    assert Appointment.objects.filter(practitioner=world.ana).count() == 4
    assert overlapping() == []


def test_a_cancelled_appointment_does_not_block(world: World) -> None:
    world.raw(world.at("10:00"), status=Status.CANCELLED)
    world.raw(world.at("10:00"))  # same practitioner and room
    # ... and a cancelled one may be written over an active one (history keeps its time).
    world.raw(world.at("10:30"), status=Status.CANCELLED)
    assert Appointment.objects.filter(practitioner=world.ana).count() == 3


@pytest.mark.parametrize(
    "status", [Status.HELD, Status.CONFIRMED, Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW]
)
def test_every_status_but_cancelled_blocks(world: World, status: str) -> None:
    world.raw(world.at("10:00"), status=status)
    refused(lambda: world.raw(world.at("10:30"), room=world.room2))


def test_appointments_without_a_room_only_clash_by_practitioner(world: World) -> None:
    world.raw(world.at("10:00"), service=world.herbs, practitioner=world.ana, room=None)
    world.raw(world.at("10:00"), service=world.herbs, practitioner=world.ben, room=None)
    refused(lambda: world.raw(world.at("10:15"), service=world.herbs, room=None))


def test_rooms_of_one_practitioner_at_two_times_and_two_practitioners_at_one(world: World) -> None:
    """Another practitioner in another room at the same time is no conflict at all."""
    world.raw(world.at("10:00"), practitioner=world.ana, room=world.room1)
    world.raw(world.at("10:00"), practitioner=world.ben, room=world.room2)
    refused(lambda: world.raw(world.at("10:00"), practitioner=world.ben, room=world.room1))


# --- updates ----------------------------------------------------------------------------


def test_update_moving_one_onto_another_is_refused(world: World) -> None:
    world.raw(world.at("10:00"), room=world.room1)
    later = world.raw(world.at("14:00"), room=world.room2)

    def move_onto_the_first():  # type: ignore[no-untyped-def]
        Appointment.objects.filter(pk=later.pk).update(
            start=world.at("10:30"),
            end=world.at("11:30"),
            blocked_start=world.at("10:30"),
            blocked_end=world.at("11:40"),
        )

    refused(move_onto_the_first)
    later.refresh_from_db()
    assert later.start == world.at("14:00")


def test_update_moving_into_a_room_in_use_is_refused(world: World) -> None:
    world.raw(world.at("10:00"), practitioner=world.ana, room=world.room1)
    bens = world.raw(world.at("10:00"), practitioner=world.ben, room=world.room2)
    refused(lambda: Appointment.objects.filter(pk=bens.pk).update(room=world.room1))
    refused(lambda: Appointment.objects.filter(pk=bens.pk).update(practitioner=world.ana))


def test_update_through_save_is_guarded_too(world: World) -> None:
    world.raw(world.at("10:00"))
    other = world.raw(world.at("12:00"), room=world.room2, service=world.herbs, minutes=30)
    other.start, other.end = world.at("10:30"), world.at("11:00")
    other.blocked_start, other.blocked_end = other.start, other.end
    refused(other.save)


def test_an_appointment_may_be_moved_over_its_own_old_time(world: World) -> None:
    appointment = world.raw(world.at("10:00"))
    Appointment.objects.filter(pk=appointment.pk).update(
        start=world.at("10:15"),
        end=world.at("11:15"),
        blocked_start=world.at("10:15"),
        blocked_end=world.at("11:25"),
    )
    appointment.refresh_from_db()
    assert appointment.start == world.at("10:15")


def test_uncancelling_onto_a_taken_time_is_refused(world: World) -> None:
    cancelled = world.raw(world.at("10:00"), status=Status.CANCELLED)
    world.raw(world.at("10:00"), room=world.room2)
    refused(lambda: Appointment.objects.filter(pk=cancelled.pk).update(status=Status.CONFIRMED))
    # Cancelling (and other status changes) are never refused.
    Appointment.objects.filter(practitioner=world.ana).update(status=Status.CANCELLED)
    Appointment.objects.filter(pk=cancelled.pk).update(status=Status.CONFIRMED)


def test_bulk_writes_are_guarded(world: World) -> None:
    start = world.at("10:00")

    def clashing_bulk():  # type: ignore[no-untyped-def]
        Appointment.objects.bulk_create(
            [
                Appointment(
                    patient=world.patient,
                    practitioner=world.ana,
                    service=world.herbs,
                    location=world.location,
                    start=start + timedelta(minutes=m),
                    end=start + timedelta(minutes=m + 45),
                    blocked_start=start + timedelta(minutes=m),
                    blocked_end=start + timedelta(minutes=m + 45),
                    source="staff",
                )
                for m in (0, 30)
            ]
        )

    refused(clashing_bulk)
    assert not Appointment.objects.filter(practitioner=world.ana).exists()


# --- the guard's life cycle ---------------------------------------------------------------


def test_ensure_installed_is_idempotent(world: World) -> None:
    before = overlap_guard.installed(connection)
    overlap_guard.ensure_installed(connection)
    overlap_guard.ensure_installed(connection)
    assert overlap_guard.installed(connection) == before
    world.raw(world.at("10:00"))
    refused(lambda: world.raw(world.at("10:30"), room=world.room2))


def test_migrate_reinstalls_a_missing_guard(world: World) -> None:
    overlap_guard.remove(connection)
    assert not guard_names() & overlap_guard.installed(connection)
    call_command("migrate", verbosity=0)  # nothing to apply; post_migrate still runs
    assert guard_names() <= overlap_guard.installed(connection)
    world.raw(world.at("10:00"))
    refused(lambda: world.raw(world.at("10:30"), room=world.room2))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite rebuilds tables")
@pytest.mark.django_db(transaction=True)
def test_the_guard_survives_a_migration_that_rebuilds_the_table() -> None:
    """SQLite alters most columns by copying the table, which drops its triggers: post_migrate
    puts them back."""
    with connection.schema_editor() as editor:
        editor._remake_table(Appointment)  # what AlterField and friends do on SQLite
    assert not guard_names() & overlap_guard.installed(connection)
    call_command("migrate", verbosity=0)
    assert guard_names() <= overlap_guard.installed(connection)
    world = make_world()
    world.raw(world.at("10:00"))
    refused(lambda: world.raw(world.at("10:30"), room=world.room2))
    assert overlapping() == []
