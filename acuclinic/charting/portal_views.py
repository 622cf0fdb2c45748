"""The patient's aftercare notes in the portal (issue 5 D): the list of their visits' notes,
and one visit's notes with the body chart as a patient sees it (the figures with the treated
areas and points marked: no note, no diagnosis, no point names beyond the marks).

The list reads only the patient's own rows (request.patient, never an id from the address);
one visit's notes go through access_aftercare, so another patient's id is a 404."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from acuclinic.patients.portal.access import patient_required

from . import chart
from .access import access_aftercare
from .models import Aftercare


@require_safe
@patient_required
def aftercare_list(request: HttpRequest) -> HttpResponse:
    notes = (
        Aftercare.objects.filter(visit__patient=request.patient)  # type: ignore[attr-defined]
        .select_related("visit", "visit__practitioner")
        .order_by("-visit__started_at", "-pk")
    )
    return render(request, "charting/portal/aftercare_list.html", {"notes": notes})


@require_safe
@patient_required
def aftercare_detail(request: HttpRequest, aftercare_id: int) -> HttpResponse:
    note = access_aftercare(request, aftercare_id)  # another patient's: 404; audits the read
    visit = note.visit
    figures = chart.patient_chart(
        list(visit.needles.all()), [m.area for m in visit.modalities.all() if m.area]
    )
    return render(
        request, "charting/portal/aftercare_detail.html", {"note": note, "figures": figures}
    )
