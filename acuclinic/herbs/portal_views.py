"""The patient's own herbal prescription in the portal: the newest issued one, what is in it
and how to take it, in plain words. No safety findings, overrides or prices: those are the
practitioner's working."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from acuclinic.patients.portal.access import patient_required

from . import materia
from .access import access_prescription
from .models import Dispensing, Prescription, Status
from .pdf import instructions_text
from .supply import Supply, supply


def newest_issued(patient_id: int) -> int | None:
    return (
        Prescription.objects.filter(patient_id=patient_id, status=Status.ISSUED)
        .order_by("-issued_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def supply_of(prescription_id: int, issued_at: object, days: int, today: date) -> Supply:
    """From the day it was handed over (dispensing), else the day it was issued."""
    handed = Dispensing.objects.filter(prescription_id=prescription_id).values_list("at", flat=True)
    started = handed.first() or issued_at
    return supply(timezone.localdate(started), days, today)  # type: ignore[arg-type]


def current_supply(patient_id: int, today: date) -> Supply | None:
    """The newest issued prescription's supply, for the portal home's to-do list: dates and
    a day count only, no content of the prescription (which its own page shows, audited)."""
    newest = (
        Prescription.objects.filter(patient_id=patient_id, status=Status.ISSUED)
        .order_by("-issued_at", "-pk")
        .values_list("pk", "issued_at", "days")
        .first()
    )
    if newest is None:
        return None
    found = supply_of(*newest, today)
    return found if found.worth_mentioning else None


@require_safe
@patient_required
def current_prescription(request: HttpRequest) -> HttpResponse:
    newest = newest_issued(request.patient.pk)  # type: ignore[attr-defined]
    context: dict[str, object] = {"prescription": None}
    if newest is not None:
        prescription = access_prescription(request, newest)  # audits the read
        context.update(
            prescription=prescription,
            herbs=[(materia.get(i.herb), i) for i in prescription.items.all()],
            instructions=instructions_text(prescription),
            supply=supply_of(
                prescription.pk, prescription.issued_at, prescription.days, timezone.localdate()
            ),
        )
    return render(request, "herbs/portal.html", context)
