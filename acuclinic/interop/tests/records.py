"""A full record to export: appointments, a signed and a draft visit with points, modalities and
an assessment, pain and function scores, a submitted and a draft intake, an issued herbal
prescription with an overridden warning, and a family link. Dates are 400+ days ahead, clear
of the demo schedule."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from acuclinic.charting.models import Modality, NeedlePoint, Visit
from acuclinic.clinic.models import Location, Practitioner
from acuclinic.herbs.models import Override, Prescription, PrescriptionItem
from acuclinic.outcomes.models import Score
from acuclinic.patients.models import IntakeResponse, Patient
from acuclinic.patients.tests.intake_answers import complete_answers
from acuclinic.scheduling.models import Appointment, Service


def make_patient(name: str = "Rowan Ashby", **fields: Any) -> Patient:
    values = {
        "email": "rowan@example.com",
        "phone": "555-0123",
        "date_of_birth": "1985-04-12",
        "sex": "intersex",
        "pronouns": "they/them",
        "address_line1": "12 Elm Street",
        "address_line2": "Apt 3",
        "city": "Lakewood",
        "region": "CO",
        "postcode": "80215",
        "country": "US",
        "emergency_name": "Sam Ashby",
        "emergency_relationship": "sister",
        "emergency_phone": "555-0124",
        "preferred_language": "es",
        "heard_from": "other",
        "heard_from_other": '=HYPERLINK("http://evil.example")',
    }
    values.update(fields)
    return Patient.objects.create(full_name=name, **values)


def make_record(patient: Patient, practitioner: Practitioner, user: Any, days: int = 400) -> None:
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    service = Service.objects.filter(needs_room=False).order_by("pk").first()
    location = Location.objects.order_by("pk").first()
    appointments = []
    for n, status in enumerate(["completed", "confirmed", "cancelled"]):
        at = start + timedelta(days=7 * n)
        appointments.append(
            Appointment.objects.create(
                patient=patient,
                practitioner=practitioner,
                service=service,
                location=location,
                start=at,
                end=at + service.duration,
                blocked_start=at - service.buffer_before,
                blocked_end=at + service.duration + service.buffer_after,
                status=status,
                source="phone",
                staff_notes="Prefers the quiet room",
            )
        )
    signed = Visit.objects.create(
        patient=patient,
        practitioner=practitioner,
        appointment=appointments[0],
        started_at=start,
        created_by=user,
        status="signed",
        signed_by=user,
        signed_at=start + timedelta(hours=1),
        chief_complaint="Low back pain",
        icd10_code="M54.50",
        biomedical_diagnosis="Low back pain, unspecified",
        pattern="kidney_yang_def",
        pattern_notes="Worse with cold",
        treatment_notes="Patient relaxed",
    )
    NeedlePoint.objects.create(
        visit=signed,
        order=0,
        code="BL23",
        side="bilateral",
        depth_mm=25,
        retention_min=20,
        technique="tonify",
        de_qi=True,
    )
    NeedlePoint.objects.create(
        visit=signed,
        order=1,
        code="GV4",
        side="midline",
        electro_hz=2,
        electro_min=15,
        moxa_on_needle=True,
    )
    Modality.objects.create(
        visit=signed,
        order=0,
        kind="cupping",
        method="fixed",
        area="back",
        area_text="lower back",
        minutes=10,
        cups=4,
        notes="mild marks",
    )
    Modality.objects.create(
        visit=signed, order=1, kind="moxa", method="stick", point_code="ST36", minutes=5
    )
    Visit.objects.create(
        patient=patient, practitioner=None, started_at=start + timedelta(days=1), created_by=user
    )
    Score.objects.create(
        patient=patient,
        measure="nprs",
        item="now",
        value=Decimal("6"),
        observed_at=start,
        source="check_in",
        appointment=appointments[0],
    )
    Score.objects.create(
        patient=patient,
        measure="nprs",
        item="now",
        value=Decimal("3.5"),
        observed_at=start + timedelta(hours=1),
        source="check_out",
        appointment=appointments[0],
        note="+ better",
    )
    Score.objects.create(
        patient=patient,
        measure="odi",
        value=Decimal("24.44"),
        observed_at=start,
        source="questionnaire",
    )
    answers = complete_answers()
    answers["empty_text"] = ""
    answers["nothing"] = []
    answers["ratio"] = 2.5
    IntakeResponse.objects.create(
        patient=patient,
        appointment=appointments[0],
        questionnaire="back_pain_intake",
        version=1,
        status="submitted",
        answers=answers,
        started_at=start - timedelta(days=2),
        submitted_at=start - timedelta(days=1),
    )
    IntakeResponse.objects.create(
        patient=patient,
        questionnaire="other_form",
        version=3,
        answers={"q1": "yes"},
        started_at=start,
    )
    rx = Prescription.objects.create(
        visit=signed,
        patient=patient,
        practitioner=practitioner,
        created_by=user,
        created_at=start,
        form="granules",
        granule_ratio=Decimal("5.0"),
        days=14,
        doses_per_day=3,
        decoct_minutes=30,
        timing="before",
        instructions="Warm water",
        status="issued",
        issued_at=start + timedelta(minutes=50),
        issued_by=user,
    )
    for order, (herb, grams) in enumerate([("gui-zhi", "9.00"), ("sheng-jiang", "6.50")]):
        PrescriptionItem.objects.create(
            prescription=rx, herb=herb, grams=Decimal(grams), order=order
        )
    Override.objects.create(
        prescription=rx,
        rule_id="pregnancy:gui-zhi",
        reason="Not pregnant, confirmed today",
        by=user,
        at=start,
    )
