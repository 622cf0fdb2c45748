"""What the database itself guarantees about prescriptions, overrides and stock, whatever
the code above it does."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from acuclinic.herbs.models import (
    HerbPrice,
    Override,
    Prescription,
    PrescriptionItem,
    Status,
    Stock,
    validate_herb_code,
)


def _fails(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_grams_stay_between_a_tenth_and_two_hundred(prescription: Prescription) -> None:
    _fails(
        lambda: PrescriptionItem.objects.create(prescription=prescription, herb="ma-huang", grams=0)
    )
    _fails(
        lambda: PrescriptionItem.objects.create(
            prescription=prescription, herb="ma-huang", grams=-3
        )
    )
    _fails(
        lambda: PrescriptionItem.objects.create(
            prescription=prescription, herb="ma-huang", grams=201
        )
    )
    PrescriptionItem.objects.create(prescription=prescription, herb="ma-huang", grams=200)


def test_a_herb_appears_once(prescription: Prescription) -> None:
    _fails(
        lambda: PrescriptionItem.objects.create(prescription=prescription, herb="du-huo", grams=3)
    )


def test_an_override_needs_a_reason(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    by = personas.practitioner
    _fails(
        lambda: Override.objects.create(prescription=prescription, rule_id="x", reason="", by=by)
    )
    Override.objects.create(prescription=prescription, rule_id="x", reason="Because.", by=by)
    _fails(
        lambda: Override.objects.create(
            prescription=prescription, rule_id="x", reason="Again", by=by
        )
    )


def test_issued_means_when_and_by_whom(prescription: Prescription) -> None:
    _fails(lambda: Prescription.objects.filter(pk=prescription.pk).update(status=Status.ISSUED))
    _fails(lambda: Prescription.objects.filter(pk=prescription.pk).update(status="sent"))
    _fails(lambda: Prescription.objects.filter(pk=prescription.pk).update(days=0))


def test_stock_never_goes_below_zero(db) -> None:  # type: ignore[no-untyped-def]
    Stock.objects.create(herb="du-huo", grams_on_hand=10)
    _fails(lambda: Stock.objects.filter(herb="du-huo").update(grams_on_hand=-1))
    _fails(lambda: HerbPrice.objects.create(herb="du-huo", per_gram=Decimal("-0.1")))


def test_low_stock(db) -> None:  # type: ignore[no-untyped-def]
    Stock.objects.create(herb="du-huo", grams_on_hand=50, low_threshold=100)
    Stock.objects.create(herb="gan-cao", grams_on_hand=100, low_threshold=100)
    Stock.objects.create(herb="fu-ling", grams_on_hand=500, low_threshold=100)
    assert list(Stock.objects.low().values_list("herb", flat=True)) == ["du-huo", "gan-cao"]
    assert Stock.objects.get(herb="gan-cao").is_low
    assert not Stock.objects.get(herb="fu-ling").is_low


@pytest.mark.parametrize("code", ["nonsense", "Du-Huo", " du-huo", "", "du huo"])
def test_herb_codes_come_from_the_materia_medica(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_herb_code(code)
    validate_herb_code("du-huo")


def test_totals_for_the_supply(prescription: Prescription) -> None:
    item = prescription.items.get(herb="du-huo")
    assert item.total_grams(prescription.days) == Decimal("63.00")
    assert item.preparation_code == "none"
    assert prescription.items.get(herb="rou-gui").preparation_code == "add-at-end"
