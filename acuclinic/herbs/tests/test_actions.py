"""The prescription actions: starting (empty, formula, refill), editing a draft, the check
with the patient's facts, overrides, issuing, dispensing and stock; and their audit entries."""

from decimal import Decimal

import pytest

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.herbs import actions
from acuclinic.herbs.actions import PrescriptionRefused
from acuclinic.herbs.models import (
    Dispensing,
    HerbPrice,
    Override,
    Prescription,
    StartedFrom,
    Status,
    Stock,
)
from acuclinic.herbs.safety import Severity

from .conftest import DHJST, give_intake, make_visit, request_as


def _entries(record_type: str, action: Action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(record_type=record_type, action=action).order_by("pk"))


def _xi_xin(prescription: Prescription) -> int:
    return prescription.items.get(herb="xi-xin").pk


# --- starting ------------------------------------------------------------------------------


def test_start_from_a_formula(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    assert prescription.status == Status.DRAFT
    assert prescription.started_from == StartedFrom.FORMULA
    assert prescription.formula_code == DHJST
    assert prescription.practitioner == personas.practitioner_record
    lines = list(prescription.items.values_list("herb", "grams", "order"))
    assert len(lines) == 15
    assert lines[0] == ("du-huo", Decimal("9.00"), 1)
    assert ("xi-xin", Decimal("3.00"), 5) in lines
    created = _entries("herbs.prescription", Action.CREATE)
    assert [(e.record_id, e.patient_id, e.detail) for e in created] == [
        (str(prescription.pk), personas.record_a.pk, {"count": 15})
    ]


def test_start_empty_and_refuse_nonsense(visit, personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    empty = actions.start_prescription(visit=visit, request=request)
    assert empty.items.count() == 0 and empty.started_from == StartedFrom.EMPTY
    with pytest.raises(PrescriptionRefused, match="not in the list"):
        actions.start_prescription(visit=visit, request=request, formula_code="no-such-tang")
    with pytest.raises(PrescriptionRefused, match="not both"):
        actions.start_prescription(visit=visit, request=request, formula_code=DHJST, previous=empty)


def test_a_refill_copies_and_is_checked_against_todays_intake(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    give_intake(personas.record_a)  # not pregnant
    first = actions.start_prescription(visit=visit, request=request)
    actions.add_item(prescription=first, herb="san-leng", grams=6, request=request)
    actions.add_item(prescription=first, herb="dang-gui", grams=9, request=request)
    actions.save_details(
        prescription=first, fields={"days": 10, "instructions": "Warm."}, request=request
    )
    actions.issue(prescription=first, request=request)

    # Months later she is pregnant: a new intake, a new visit, the same herbs.
    give_intake(personas.record_a, pregnancy=["pregnant"])
    later = make_visit(personas, days=460)
    refill = actions.start_prescription(visit=later, request=request, previous=first)
    assert refill.started_from == StartedFrom.PREVIOUS and refill.previous == first
    assert (refill.days, refill.instructions) == (10, "Warm.")
    assert list(refill.items.values_list("herb", "grams")) == [
        ("san-leng", Decimal("6.00")),
        ("dang-gui", Decimal("9.00")),
    ]
    findings = {f.rule_id: f.severity for f in actions.check(refill)}
    assert findings["pregnancy:san-leng"] is Severity.BLOCK
    with pytest.raises(PrescriptionRefused, match="blocks this prescription"):
        actions.issue(prescription=refill, request=request)
    # The original was issued when she was not pregnant, and stays as it was.
    assert Prescription.objects.get(pk=first.pk).status == Status.ISSUED


def test_a_refill_is_of_the_same_patient(personas, prescription) -> None:  # type: ignore[no-untyped-def]
    other_visit = make_visit(personas, personas.record_b, days=420)
    with pytest.raises(PrescriptionRefused, match="another patient"):
        actions.start_prescription(
            visit=other_visit, request=request_as(personas.practitioner), previous=prescription
        )


# --- editing -------------------------------------------------------------------------------


def test_add_change_remove(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    item = actions.add_item(prescription=prescription, herb="huang-qi", grams="15", request=request)
    assert (item.herb, item.grams, item.order) == ("huang-qi", Decimal("15.00"), 16)
    with pytest.raises(PrescriptionRefused, match="already in the prescription"):
        actions.add_item(prescription=prescription, herb="huang-qi", grams=9, request=request)
    with pytest.raises(PrescriptionRefused, match="not in the materia medica"):
        actions.add_item(prescription=prescription, herb="tiger-balm", grams=9, request=request)
    for grams in ("0", "-1", "200.01", "NaN", "Infinity", "nine", None):
        with pytest.raises(PrescriptionRefused):
            actions.change_item(
                prescription=prescription, item_id=item.pk, grams=grams, request=request
            )
    actions.change_item(prescription=prescription, item_id=item.pk, grams="4.5", request=request)
    assert prescription.items.get(pk=item.pk).grams == Decimal("4.50")
    actions.remove_item(prescription=prescription, item_id=item.pk, request=request)
    with pytest.raises(PrescriptionRefused, match="no longer in the prescription"):
        actions.remove_item(prescription=prescription, item_id=item.pk, request=request)
    updates = _entries("herbs.prescription", Action.UPDATE)
    assert len(updates) == 3 and all(e.detail == {"fields": ["items"]} for e in updates)


def test_an_issued_prescription_is_locked(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    actions.change_item(
        prescription=prescription, item_id=_xi_xin(prescription), grams=3, request=request
    )
    actions.issue(prescription=prescription, request=request)
    for attempt in (
        lambda: actions.add_item(
            prescription=prescription, herb="huang-qi", grams=9, request=request
        ),
        lambda: actions.change_item(
            prescription=prescription, item_id=_xi_xin(prescription), grams=6, request=request
        ),
        lambda: actions.remove_item(
            prescription=prescription, item_id=_xi_xin(prescription), request=request
        ),
        lambda: actions.save_details(
            prescription=prescription, fields={"days": 3}, request=request
        ),
        lambda: actions.issue(prescription=prescription, request=request),
    ):
        with pytest.raises(PrescriptionRefused, match="issued"):
            attempt()
    assert prescription.items.get(herb="xi-xin").grams == Decimal("3.00")


# --- the check, overrides, issuing ------------------------------------------------------------


def test_the_check_reads_the_intake(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    give_intake(
        personas.record_a,
        medications=[{"name": "Coumadin", "dose": "5 mg"}],
        has_allergies=True,
        allergies="Penicillin: rash.",
        pregnancy=["trying"],
    )
    facts = actions.patient_facts(personas.record_a)
    assert facts == actions.Facts(
        pregnant=False,
        trying_to_conceive=True,
        medications=("Coumadin 5 mg",),
        allergies="Penicillin: rash.",
        has_intake=True,
    )
    prescription = actions.start_prescription(visit=visit, request=request, formula_code=DHJST)
    found = {f.rule_id: f for f in actions.check(prescription)}
    assert found["interaction:dang-gui+anticoagulant"].medications == ("Coumadin 5 mg",)
    assert found["pregnancy:niu-xi"].severity in (Severity.WARNING, Severity.NEEDS_REASON)


def test_no_intake_no_facts(personas) -> None:  # type: ignore[no-untyped-def]
    assert actions.patient_facts(personas.record_b) == actions.Facts()


def test_jurisdiction_from_the_setting(prescription: Prescription, personas, settings) -> None:  # type: ignore[no-untyped-def]
    actions.add_item(
        prescription=prescription, herb="ma-huang", grams=6, request=request_as(personas.owner)
    )
    settings.HERBS_JURISDICTION = "US"
    assert "ephedra-us:ma-huang" in {f.rule_id for f in actions.check(prescription)}
    settings.HERBS_JURISDICTION = "CA"
    assert "ephedra-us:ma-huang" not in {f.rule_id for f in actions.check(prescription)}


def test_override_then_issue(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    actions.change_item(
        prescription=prescription, item_id=_xi_xin(prescription), grams=6, request=request
    )
    with pytest.raises(PrescriptionRefused, match="1 finding still needs a recorded reason"):
        actions.issue(prescription=prescription, request=request)
    for reason in ("", "   ", None, "x" * 501, "a\x00b"):
        with pytest.raises(PrescriptionRefused):
            actions.override(
                prescription=prescription, rule_id="dose:xi-xin", reason=reason, request=request
            )
    with pytest.raises(PrescriptionRefused, match="no longer applies"):
        actions.override(
            prescription=prescription, rule_id="dose:ma-huang", reason="Why not", request=request
        )
    with pytest.raises(PrescriptionRefused, match="A note needs no override"):
        actions.override(
            prescription=prescription,
            rule_id="dose:fu-ling",
            reason="Low on purpose",
            request=request,
        )
    override = actions.override(
        prescription=prescription,
        rule_id="dose:xi-xin",
        reason="  Severe cold bi; decocted 60 minutes.  ",
        request=request,
    )
    assert override.reason == "Severe cold bi; decocted 60 minutes."
    finding = next(f for f in actions.check(prescription) if f.rule_id == "dose:xi-xin")
    assert finding.overridden and finding.reason == override.reason
    issued = actions.issue(prescription=prescription, request=request)
    assert issued.status == Status.ISSUED and issued.issued_by == personas.practitioner
    assert issued.issued_at is not None
    entry = _entries("herbs.override", Action.CREATE)[0]
    assert entry.detail == {"fields": ["reason"]}  # the reason itself stays in the record
    assert entry.actor == personas.practitioner and entry.patient_id == personas.record_a.pk
    assert [e.record_id for e in _entries("herbs.prescription", Action.SIGN)] == [str(issued.pk)]


def test_a_block_is_never_overridden(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    actions.add_item(prescription=prescription, herb="guang-fang-ji", grams=6, request=request)
    with pytest.raises(PrescriptionRefused, match="A block cannot be overridden"):
        actions.override(
            prescription=prescription,
            rule_id="aristolochic-acid:guang-fang-ji",
            reason="The patient insists",
            request=request,
        )
    assert not Override.objects.exists()
    with pytest.raises(PrescriptionRefused, match="blocks this prescription"):
        actions.issue(prescription=prescription, request=request)


def test_an_empty_prescription_is_not_issued(visit, personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    empty = actions.start_prescription(visit=visit, request=request)
    with pytest.raises(PrescriptionRefused, match="at least one herb"):
        actions.issue(prescription=empty, request=request)


# --- dispensing and stock -----------------------------------------------------------------


def _issued(prescription: Prescription, personas) -> Prescription:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    actions.change_item(
        prescription=prescription, item_id=_xi_xin(prescription), grams=3, request=request
    )
    return actions.issue(prescription=prescription, request=request)


def test_dispense_draws_the_stock_down(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.front_desk)
    with pytest.raises(PrescriptionRefused, match="Only an issued"):
        actions.dispense(prescription=prescription, request=request)
    _issued(prescription, personas)
    Stock.objects.create(herb="du-huo", grams_on_hand=100)  # 9 g x 7 days = 63 g
    Stock.objects.create(herb="xi-xin", grams_on_hand=21)  # 3 g x 7 days: exactly enough
    dispensing = actions.dispense(prescription=prescription, request=request, notes=" Bag 2 ")
    assert (dispensing.weighed_by, dispensing.notes) == (personas.front_desk, "Bag 2")
    stock = dict(Stock.objects.values_list("herb", "grams_on_hand"))
    assert stock == {"du-huo": Decimal("37.00"), "xi-xin": Decimal("0.00")}
    with pytest.raises(PrescriptionRefused, match="already dispensed"):
        actions.dispense(prescription=prescription, request=request)
    assert [e.record_id for e in _entries("herbs.dispensing", Action.CREATE)] == [
        str(dispensing.pk)
    ]


def test_not_enough_stock_dispenses_nothing(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    _issued(prescription, personas)
    Stock.objects.create(herb="du-huo", grams_on_hand=100)
    Stock.objects.create(herb="xi-xin", grams_on_hand=20)  # one gram short
    with pytest.raises(actions.NotEnoughStock, match="Not enough in stock of Xì Xīn"):
        actions.dispense(prescription=prescription, request=request_as(personas.practitioner))
    stock = dict(Stock.objects.values_list("herb", "grams_on_hand"))
    assert stock == {"du-huo": Decimal("100.00"), "xi-xin": Decimal("20.00")}
    assert not Dispensing.objects.exists()


def test_cost_estimate(prescription: Prescription, settings) -> None:  # type: ignore[no-untyped-def]
    settings.HERBS_CURRENCY = "EUR"
    HerbPrice.objects.create(herb="du-huo", per_gram=Decimal("0.05"), currency="EUR")
    HerbPrice.objects.create(herb="xi-xin", per_gram=Decimal("0.20"), currency="EUR")
    HerbPrice.objects.create(herb="gan-cao", per_gram=Decimal("9"), currency="USD")  # not ours
    cost = actions.cost_estimate(prescription, prescription.items.all())
    # 63 g x 0.05 + 21 g x 0.20 = 3.15 + 4.20
    assert (cost.total, cost.currency, cost.priced) == (Decimal("7.35"), "EUR", 2)
    assert len(cost.unpriced) == 13 and "gan-cao" in cost.unpriced
