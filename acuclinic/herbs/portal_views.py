"""The patient's own herbal prescription in the portal: the newest issued one, what is in it
and how to take it, in plain words. No safety findings, overrides or prices: those are the
practitioner's working."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from acuclinic.patients.portal.access import patient_required

from . import materia
from .access import access_prescription
from .models import Prescription, Status
from .pdf import instructions_text


@require_safe
@patient_required
def current_prescription(request: HttpRequest) -> HttpResponse:
    newest = (
        Prescription.objects.filter(patient=request.patient, status=Status.ISSUED)  # type: ignore[attr-defined]
        .order_by("-issued_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    context: dict[str, object] = {"prescription": None}
    if newest is not None:
        prescription = access_prescription(request, newest)  # audits the read
        context.update(
            prescription=prescription,
            herbs=[(materia.get(i.herb), i) for i in prescription.items.all()],
            instructions=instructions_text(prescription),
        )
    return render(request, "herbs/portal.html", context)
