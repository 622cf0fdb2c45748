"""Decision 2 under load: many people booking at the same moment, against the real database.

Each thread has its own database connection (closed at its end), as web processes do; a
barrier releases them together. SQLite serialises the writers (IMMEDIATE transactions, busy
timeout); PostgreSQL lets them race into the exclusion constraints. Either way exactly one
booking per time, the losers hear "just taken", and no "database is locked" escapes.
Run on both: `DATABASE_URL=postgres://... pytest acuclinic/scheduling`.
"""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from acuclinic.scheduling import booking
from acuclinic.scheduling.models import Appointment, Status

from .conftest import World, make_world, overlapping

N = 20


def together(count: int, action: Callable[[int], Any]) -> list[tuple[str, Any]]:
    """Run action(0) ... action(count - 1) in threads released at one moment; each result is
    ("ok", value) or ("error", exception)."""
    barrier = threading.Barrier(count)
    results: list[tuple[str, Any]] = [("missing", None)] * count

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = ("ok", action(n))
        except BaseException as error:
            results[n] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def clinic(demo) -> World:  # type: ignore[no-untyped-def]
    """The test clinic, committed (so that every thread's connection sees it)."""
    return make_world()


def errors(results: list[tuple[str, Any]]) -> list[BaseException]:
    return [value for kind, value in results if kind == "error"]


def test_many_people_booking_the_same_slot_one_gets_it(clinic: World) -> None:
    start = clinic.at("10:00")
    patients = [clinic.patients[n % len(clinic.patients)] for n in range(N)]

    def attempt(n: int) -> Appointment:
        return booking.book(
            service=clinic.treatment,
            practitioner=clinic.ana,
            start=start,
            patient=patients[n],
            actor=booking.ONLINE_PATIENT,
            notify=False,
        )

    results = together(N, attempt)
    won = [value for kind, value in results if kind == "ok"]
    lost = errors(results)
    assert len(won) == 1, lost
    assert len(lost) == N - 1
    for error in lost:
        assert type(error) is booking.SlotTaken, repr(error)
        assert error.message == "Sorry, that time was just taken."
        assert error.alternatives  # the nearest free times, e.g. Ben at 10:00
    assert Appointment.objects.filter(start=start, status=Status.CONFIRMED).count() == 1
    assert Appointment.objects.get(start=start).pk == won[0].pk
    assert overlapping() == []


def test_many_people_booking_different_slots_all_get_them(clinic: World) -> None:
    """Ana and Ben at the same times: on PostgreSQL both race for the first room, and the
    loser must get the second room, not a refusal."""

    def attempt(n: int) -> Appointment:
        day, ben = divmod(n, 2)
        return booking.book(
            service=clinic.treatment,
            practitioner=clinic.ben if ben else clinic.ana,
            start=clinic.at("10:00", days=day),
            patient=clinic.patients[n % len(clinic.patients)],
            actor=booking.ONLINE_PATIENT,
            notify=False,
        )

    results = together(N, attempt)
    assert errors(results) == []
    made = Appointment.objects.filter(practitioner__in=[clinic.ana, clinic.ben])
    assert made.count() == N
    for day in range(N // 2):
        rooms = made.filter(start=clinic.at("10:00", days=day)).values_list("room", flat=True)
        assert sorted(rooms) == sorted([clinic.room1.pk, clinic.room2.pk])
    assert overlapping() == []


def test_the_same_key_sent_many_times_at_once_books_once(clinic: World) -> None:
    """A retried API call, many times over: everyone gets the one booking."""

    def attempt(n: int) -> Appointment:
        return booking.book(
            service=clinic.treatment,
            practitioner=clinic.ana,
            start=clinic.at("14:00"),
            patient=clinic.patient,
            actor=booking.API_CLIENT,
            idempotency_key="the-same-request",
            notify=False,
        )

    results = together(N, attempt)
    assert errors(results) == []
    assert {value.pk for _kind, value in results} == {
        Appointment.objects.get(idempotency_key="the-same-request").pk
    }


def test_moves_racing_for_one_time_one_gets_it(clinic: World) -> None:
    """Appointments of Ana's on other days all moved to one free time at once."""
    mine = [
        booking.book(
            service=clinic.herbs,
            practitioner=clinic.ana,
            start=clinic.at("10:00", days=1 + n),
            patient=clinic.patients[n % len(clinic.patients)],
            actor=booking.ONLINE_PATIENT,
            notify=False,
        )
        for n in range(8)
    ]

    def attempt(n: int) -> Appointment:
        return booking.move(mine[n], start=clinic.at("15:00"), actor=booking.ONLINE_PATIENT)

    results = together(len(mine), attempt)
    assert len([r for r in results if r[0] == "ok"]) == 1
    assert all(type(e) is booking.SlotTaken for e in errors(results)), errors(results)
    assert Appointment.objects.filter(start=clinic.at("15:00")).count() == 1
    assert (
        Appointment.objects.filter(start__gt=clinic.at("15:00") + timedelta(hours=12)).count() == 7
    )
    assert overlapping() == []
