"""Stock under contention: several dispensings of the same herb at the same moment, against the
real database (each thread its own connection, released together by a barrier, as in
scheduling/tests/test_concurrency.py). The stock never goes below zero; those that do not fit
hear "not enough in stock" and dispense nothing. Run on both: `DATABASE_URL=postgres://...`."""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from acuclinic.clinic.tests.personas import Personas, make_personas
from acuclinic.herbs import actions
from acuclinic.herbs.models import Dispensing, Prescription, Stock

from .conftest import make_visit, request_as


def together(count: int, action: Callable[[int], Any]) -> list[tuple[str, Any]]:
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
def people(demo) -> Personas:  # type: ignore[no-untyped-def]
    return make_personas()


def _issued(personas: Personas, count: int) -> list[Prescription]:
    """`count` issued prescriptions of Du Huo 9 g a day for 7 days: 63 g each."""
    request = request_as(personas.practitioner)
    found = []
    for n in range(count):
        visit = make_visit(personas, days=400 + n)
        prescription = actions.start_prescription(visit=visit, request=request)
        actions.add_item(prescription=prescription, herb="du-huo", grams=9, request=request)
        found.append(actions.issue(prescription=prescription, request=request))
    return found


@pytest.mark.parametrize(("count", "on_hand", "fit"), [(2, 100, 1), (6, 200, 3)])
def test_dispensing_at_once_never_goes_below_zero(
    people: Personas, count: int, on_hand: int, fit: int
) -> None:
    prescriptions = _issued(people, count)
    Stock.objects.create(herb="du-huo", grams_on_hand=on_hand)
    request = request_as(people.practitioner)

    results = together(
        count, lambda n: actions.dispense(prescription=prescriptions[n], request=request)
    )
    won = [value for kind, value in results if kind == "ok"]
    lost = [value for kind, value in results if kind == "error"]
    assert len(won) == fit, lost
    assert all(type(error) is actions.NotEnoughStock for error in lost), lost
    assert Stock.objects.get(herb="du-huo").grams_on_hand == Decimal(on_hand - 63 * fit)
    assert Dispensing.objects.count() == fit


def test_the_same_prescription_twice_at_once_is_dispensed_once(people: Personas) -> None:
    (prescription,) = _issued(people, 1)
    Stock.objects.create(herb="du-huo", grams_on_hand=1000)
    request = request_as(people.practitioner)
    results = together(4, lambda n: actions.dispense(prescription=prescription, request=request))
    assert [kind for kind, _ in results].count("ok") == 1, results
    errors = [value for kind, value in results if kind == "error"]
    assert all(isinstance(e, actions.PrescriptionRefused) for e in errors), errors
    assert Stock.objects.get(herb="du-huo").grams_on_hand == Decimal(1000 - 63)
