"""/portal/diary/: the pain diary (portal/diary.py), with the entries so far as a table and a
small line of the last CHART_ENTRIES scores drawn by the template."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..models import Patient
from . import diary
from .access import patient_required
from .forms import DiaryForm
from .views import clinic_zone

LISTED = 100


@require_http_methods(["GET", "HEAD", "POST"])
@patient_required
def diary_page(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    zone = clinic_zone(request)
    today = timezone.now().astimezone(zone).date()
    form = DiaryForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = diary.record_entry(
            patient=patient,
            value=data["score"],
            when=diary.observed_at(data["day"], zone=zone),
            note=data["note"],
            request=request,
        )
        if recorded.created:
            messages.success(request, _("Your pain score is saved."))
        else:
            messages.info(request, _("This score was already saved; it is listed once."))
        return redirect("portal:diary")
    listed = list(diary.entries(patient).order_by("-observed_at", "-pk")[:LISTED])
    charted = [int(e.value) for e in reversed(listed[: diary.CHART_ENTRIES])]
    context = {
        "patient": patient,
        "form": form,
        "entries": listed,
        "zone_name": str(zone),
        "points": diary.sparkline(charted),
        "charted": len(charted),
        "chart_width": diary.CHART_WIDTH,
        "chart_height": diary.CHART_HEIGHT,
    }
    status = 400 if form.errors else 200
    return render(request, "portal/diary.html", context, status=status)
