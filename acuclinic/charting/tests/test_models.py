"""What the database itself refuses, whatever code writes the rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from acuclinic.charting.models import (
    Acknowledgement,
    Amendment,
    Modality,
    NeedlePoint,
    Protocol,
    Visit,
    VisitStatus,
)

pytestmark = pytest.mark.django_db


def refused(**fields) -> None:  # type: ignore[no-untyped-def]
    model = fields.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def test_needle_ranges(visit) -> None:  # type: ignore[no-untyped-def]
    NeedlePoint.objects.create(
        visit=visit, code="BL23", side="left", depth_mm=150, retention_min=120
    )
    refused(model=NeedlePoint, visit=visit, code="BL23", side="left", depth_mm=151)
    refused(model=NeedlePoint, visit=visit, code="BL23", side="left", retention_min=121)
    refused(model=NeedlePoint, visit=visit, code="BL23", side="up")
    refused(model=NeedlePoint, visit=visit, code="BL23", side="left", electro_hz=2)
    refused(model=NeedlePoint, visit=visit, code="BL23", side="left", electro_min=20)
    refused(
        model=NeedlePoint, visit=visit, code="BL23", side="left", electro_hz=500, electro_min=20
    )


def test_needle_clean_checks_the_catalogue(visit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        NeedlePoint(visit=visit, code="BL99", side="left").clean()
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        NeedlePoint(visit=visit, code="GV4", side="bilateral").clean()
    assert "side" in error.value.message_dict
    needle = NeedlePoint(visit=visit, code="du 4", side="midline")
    needle.clean()
    assert needle.code == "GV4"


def test_modality_rules(visit) -> None:  # type: ignore[no-untyped-def]
    Modality.objects.create(visit=visit, kind="cupping", method="fixed", area="back.sacrum", cups=3)
    refused(model=Modality, visit=visit, kind="massage", cups=3)
    refused(model=Modality, visit=visit, kind="cupping", sha_colour="red")
    refused(model=Modality, visit=visit, kind="reiki")
    with pytest.raises(ValidationError):
        Modality(visit=visit, kind="cupping", method="box", area="back.sacrum").clean()


def test_signed_needs_signer_and_time(visit, personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.SIGNED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(signed_at=timezone.now())
    Visit.objects.filter(pk=visit.pk).update(
        status=VisitStatus.SIGNED, signed_at=timezone.now(), signed_by=personas.practitioner
    )


def test_one_visit_per_appointment(visit, personas) -> None:  # type: ignore[no-untyped-def]
    refused(
        model=Visit,
        patient=visit.patient,
        appointment=visit.appointment,
        created_by=personas.practitioner,
    )


def test_amendment_needs_reason_and_a_known_field(visit, personas) -> None:  # type: ignore[no-untyped-def]
    base = {"model": Amendment, "visit": visit, "author": personas.practitioner, "new_value": "x"}
    refused(**base, field="home_care", reason="")
    refused(**base, field="patient", reason="typo")


def test_acknowledged_once(visit, personas) -> None:  # type: ignore[no-untyped-def]
    Acknowledgement.objects.create(visit=visit, code="pregnancy:LI4", by=personas.practitioner)
    refused(model=Acknowledgement, visit=visit, code="pregnancy:LI4", by=personas.owner)


def test_visit_clean_checks_icd10_and_pulse(visit) -> None:  # type: ignore[no-untyped-def]
    visit.icd10_code, visit.pulse = "m545", {"left_chi": ["wiry", "deep"]}
    visit.clean()
    assert (visit.icd10_code, visit.pulse) == ("M54.5", {"left_chi": ["deep", "wiry"]})
    visit.icd10_code, visit.pulse = "back pain", {"left_chi": ["bouncy"]}
    with pytest.raises(ValidationError) as error:
        visit.clean()
    assert set(error.value.message_dict) == {"icd10_code", "pulse"}


def test_protocol_clean(personas) -> None:  # type: ignore[no-untyped-def]
    protocol = Protocol(
        name="Low back pain, kidney deficiency",
        needles=[{"code": "ub23", "side": "bilateral"}],
        modalities=[{"kind": "cupping", "method": "fixed", "area": "back.sacrum"}],
    )
    protocol.clean()
    assert protocol.needles[0]["code"] == "BL23"
    protocol.needles = [{"code": "GV4", "side": "left"}, "BL23"]
    with pytest.raises(ValidationError) as error:
        protocol.clean()
    assert len(error.value.messages) == 2
    protocol.needles = {"code": "BL23"}
    with pytest.raises(ValidationError):
        protocol.clean()


def test_str_has_no_clinical_detail(visit) -> None:  # type: ignore[no-untyped-def]
    assert str(visit) == f"Visit {visit.pk}"
