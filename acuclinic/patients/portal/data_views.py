"""/portal/my-data/: everything the clinic holds about the patient, as a JSON file and as a
printable page (issue 4 E: the right of access). Both are audited as exports."""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from acuclinic.clinic import audit

from ..models import IntakeStatus, Patient
from . import diary
from .access import patient_required
from .records import full_export, intake_lines
from .views import appointments, clinic_zone


def _audit_export(request: HttpRequest, patient: Patient, kind: str) -> None:
    audit.record(
        action=audit.Action.EXPORT,
        record_type=patient,
        record_id=patient.pk,
        patient_id=patient.pk,
        request=request,
        detail={"format": kind},
    )


@require_safe
@patient_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/my_data.html", {"patient": request.patient})  # type: ignore[attr-defined]


@require_safe
@patient_required
def my_data_json(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    data = full_export(patient)
    _audit_export(request, patient, "json")
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-record-{stamp}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@patient_required
def my_data_summary(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    upcoming, past = appointments(patient, past_limit=None)
    submitted = (
        patient.intakes.filter(status=IntakeStatus.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    context = {
        "patient": patient,
        "visits": sorted(upcoming + past, key=lambda v: v.appointment.start),
        "signatures": patient.signatures.select_related("document").order_by("signed_at", "pk"),
        "intake": submitted,
        "intake_sections": intake_lines(submitted, get_language()) if submitted else [],
        "documents": patient.documents.order_by("uploaded_at", "pk"),
        "entries": diary.entries(patient).order_by("observed_at", "pk"),
        "zone_name": str(clinic_zone(request)),
        "printed_at": timezone.now(),
    }
    _audit_export(request, patient, "summary")
    response = render(request, "portal/summary.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
