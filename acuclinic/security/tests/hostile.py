"""A clinic where every text field a person can fill holds an attack: the records, and the
pages (with who opens them) that show those fields back. Used by test_xss.py (through the test
client) and test_xss_browser.py (in Chromium)."""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from acuclinic.clinic.models import Location
from acuclinic.clinic.tests.personas import Personas
from acuclinic.patients.models import (
    ConsentDocument,
    ConsentSignature,
    Document,
    IntakeResponse,
    IntakeStatus,
    Patient,
)
from acuclinic.patients.tests.intake_answers import complete_answers
from acuclinic.scheduling.models import Appointment, Service

# Each vector once, numbered so a failure says which one got through. 160 characters at most
# (a name's limit); the shorter fields get SHORT.
PAYLOAD = (
    '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    "</textarea><svg onload=alert(3)>'-alert(4)-'{{7*7}}{% debug %}\u202egnp.exe"
)
SHORT = "<svg onload=alert(5)>"
EMAIL = "x<script>alert(6)</script>@example.org"
URL = "javascript:alert(7)"
assert len(PAYLOAD) <= 160

# Markup of ours that got through unescaped: a tag or an attribute the browser would run.
RAW = re.compile(
    r"<(?:img|script|svg|iframe)\b[^>]*(?:onerror|onload|alert)"
    r"|<script>alert"
    r"|(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:"
    r"|['\"]-alert\(4\)-['\"](?![^<]*>)",  # quote breaking out inside a script or attribute
    re.IGNORECASE,
)
# The payload is on the page (with RAW finding nothing, it is there as text).
SHOWN = re.compile(r"alert\([1-7]\)|&lt;(?:img|svg|script)")


def injected(html: str) -> list[str]:
    return [m.group(0) for m in RAW.finditer(html)]


@dataclass
class Hostile:
    personas: Personas
    patient: Patient
    appointment: Appointment
    visit: Any
    prescription: Any
    intake: IntakeResponse
    document: Document
    comment: Any
    pages: dict[str, str]  # url -> persona


def _deep(value: Any) -> Any:
    """The sample intake with every free-text string replaced by the payload."""
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    if isinstance(value, str) and " " in value:  # free text, not a code or a date
        return PAYLOAD
    return value


def build(personas: Personas) -> Hostile:
    from acuclinic.charting import actions as charting
    from acuclinic.charting.tests.conftest import request_as
    from acuclinic.herbs import actions as herbs
    from acuclinic.outcomes.models import Score
    from acuclinic.website.models import ArticlePage, Comment

    patient = personas.record_a
    for field in (
        "full_name", "pronouns", "address_line1", "address_line2", "city", "region",
        "country", "emergency_name", "emergency_relationship", "heard_from_other",
    ):  # fmt: skip
        limit = Patient._meta.get_field(field).max_length
        setattr(patient, field, PAYLOAD if limit >= len(PAYLOAD) else SHORT)
    patient.phone = SHORT
    patient.emergency_phone = SHORT
    patient.email = EMAIL
    patient.save()

    start = timezone.now().replace(microsecond=0, second=0) + timedelta(days=400)
    appointment = Appointment.objects.create(
        patient=patient,
        practitioner=personas.practitioner_record,
        service=Service.objects.filter(needs_room=False).first(),
        location=Location.objects.first(),
        start=start,
        end=start + timedelta(minutes=45),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=45),
        source="staff",
        staff_notes=PAYLOAD,
    )

    intake = IntakeResponse.objects.create(
        patient=patient,
        questionnaire="back-pain",
        version=1,
        status=IntakeStatus.SUBMITTED,
        submitted_at=timezone.now(),
        answers=_deep(complete_answers()),
    )
    from acuclinic.patients import intake as intakes

    definition = intakes.current_definition()
    intake.questionnaire, intake.version = definition.key, definition.version
    intake.save(update_fields=["questionnaire", "version"])

    visit = charting.start_visit(
        patient=patient, appointment=appointment, request=request_as(personas.practitioner)
    )
    for field in (
        "chief_complaint", "changes_since_last", "observations", "tongue_notes",
        "pulse_notes", "pattern_notes", "treatment_notes", "home_care",
    ):  # fmt: skip
        setattr(visit, field, PAYLOAD)
    visit.biomedical_diagnosis = SHORT
    visit.save()

    prescription = herbs.start_prescription(
        visit=visit, request=request_as(personas.practitioner), formula_code="du-huo-ji-sheng-tang"
    )
    prescription.instructions = PAYLOAD
    prescription.save(update_fields=["instructions"])

    Score.objects.create(
        patient=patient, measure="nprs", item="now", value=Decimal(4), source="diary",
        note=PAYLOAD,
    )  # fmt: skip

    consent = ConsentDocument.objects.order_by("pk").first()
    if consent is not None:
        ConsentSignature.objects.create(
            patient=patient, document=consent, typed_name=PAYLOAD, agreed=True
        )

    document = Document(
        patient=patient,
        kind="imaging",
        original_name=PAYLOAD.replace("/", "") + ".pdf",
        content_type="application/pdf",
        size=5,
        uploaded_by=personas.patient_a,
    )
    document.file.save("x.pdf", ContentFile(b"%PDF-"), save=False)
    document.save()

    article = ArticlePage.objects.live().order_by("pk").first()
    comment = Comment.objects.create(
        article=article,
        name=PAYLOAD[:80],
        email=EMAIL,
        website='https://evil.example/?"><svg/onload=alert(9)>',  # a URL the form accepts
        body=PAYLOAD + "\n\nhttps://evil.example/?q=<script>alert(8)</script> " + URL,
        status=Comment.Status.APPROVED,
    )

    pages = {
        f"/desk/patients/?q={patient.full_name[:20]}": "owner",
        f"/desk/patients/{patient.pk}/": "owner",
        f"/desk/patients/{patient.pk}/edit/": "owner",
        f"/desk/patients/{patient.pk}/links/": "owner",
        f"/desk/patients/{patient.pk}/intake/{intake.pk}/": "practitioner",
        f"/desk/patients/{patient.pk}/erase/": "owner",
        f"/desk/calendar/appointments/{appointment.pk}/": "front_desk",
        f"/desk/calendar/?date={appointment.local_start().date()}&view=day": "front_desk",
        "/desk/calendar/patients/?q=onerror": "front_desk",
        f"/desk/visits/{visit.pk}/": "practitioner",
        f"/desk/visits/patient/{patient.pk}/": "practitioner",
        f"/desk/herbs/{prescription.pk}/": "practitioner",
        f"/desk/herbs/visit/{visit.pk}/": "practitioner",
        f"/desk/outcomes/patients/{patient.pk}/": "practitioner",
        "/desk/comments/?status=approved": "owner",
        "/portal/": "patient_a",
        "/portal/profile/": "patient_a",
        "/portal/diary/": "patient_a",
        "/portal/consent/": "patient_a",
        "/portal/documents/": "patient_a",
        f"/portal/intake/{intake.pk}/": "patient_a",
        "/portal/my-data/summary/": "patient_a",
        article.url: "anonymous",
    }
    return Hostile(
        personas, patient, appointment, visit, prescription, intake, document, comment, pages
    )
