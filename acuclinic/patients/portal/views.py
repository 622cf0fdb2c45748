"""The patient's own pages: what is coming up and what is due (the overview), and their
contact details. Each view takes the record from `request.patient` (portal/access.py)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from acuclinic.clinic.models import ClinicSettings
from acuclinic.scheduling import links
from acuclinic.scheduling.models import Appointment, Status

from .. import actions, consent, intake
from ..models import IntakeStatus, Patient
from . import diary
from .access import patient_required
from .forms import ProfileForm

PAST_SHOWN = 50


def clinic_zone(request: HttpRequest) -> ZoneInfo:
    """The clinic's time zone (its settings), for days the patient picks and times shown."""
    return ZoneInfo(ClinicSettings.for_request(request).time_zone)


@dataclass(frozen=True)
class Visit:
    appointment: Appointment
    local_start: datetime
    local_end: datetime
    zone: str
    manage_url: str = ""
    reschedule_url: str = ""


def _visit(appointment: Appointment, *, links_too: bool) -> Visit:
    manage = reschedule = ""
    if links_too and appointment.status == Status.CONFIRMED:
        # The patient's signed manage link: its page applies the clinic's cancellation rules.
        token = links.manage_token(appointment)
        manage = reverse("booking:manage", args=[token])
        reschedule = reverse("booking:reschedule", args=[token])
    return Visit(
        appointment,
        appointment.local_start(),
        appointment.local_end(),
        appointment.location.time_zone,
        manage,
        reschedule,
    )


def appointments(
    patient: Patient, *, past_limit: int | None = PAST_SHOWN
) -> tuple[list[Visit], list[Visit]]:
    """Upcoming (soonest first, with their manage links) and past or cancelled (latest
    first, at most `past_limit`; None: all); two queries."""
    now = timezone.now()
    related = patient.appointments.select_related("service", "practitioner", "location")
    coming = related.filter(end__gt=now).exclude(status=Status.CANCELLED).order_by("start", "pk")
    upcoming = [_visit(a, links_too=True) for a in coming]
    shown = {v.appointment.pk for v in upcoming}
    earlier = related.exclude(pk__in=shown).filter(Q(start__lte=now) | Q(status=Status.CANCELLED))
    earlier = earlier.order_by("-start", "-pk")
    past = [_visit(a, links_too=False) for a in earlier[:past_limit]]
    return upcoming, past


@require_safe
@patient_required
def home(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    upcoming, past = appointments(patient)
    latest_intake = intake.latest(patient)
    last_entry = diary.entries(patient).order_by("-observed_at", "-pk").first()
    context: dict[str, Any] = {
        "patient": patient,
        "upcoming": upcoming,
        "past": past,
        "intake": latest_intake,
        "intake_submitted": latest_intake is not None
        and latest_intake.status == IntakeStatus.SUBMITTED,
        "to_sign": consent.outstanding(patient),
        "document_count": patient.documents.count(),
        "last_entry": last_entry,
        "zone_name": str(clinic_zone(request)),
        "outcome_due": _outcome_questionnaires_due(patient),
        "herbs_supply": _herbs_supply(patient),
    }
    return render(request, "portal/home.html", context)


def _herbs_supply(patient: Patient) -> Any:
    from django.utils import timezone

    from acuclinic.herbs.portal_views import current_supply  # herbs builds on patients

    return current_supply(patient.pk, timezone.localdate())


def _outcome_questionnaires_due(patient: Patient) -> list[Any]:
    from django.utils import timezone

    from acuclinic.outcomes import questionnaires  # outcomes builds on patients

    return questionnaires.due_for(patient.pk, timezone.localdate())


@require_http_methods(["GET", "HEAD", "POST"])
@patient_required
def profile(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    form = ProfileForm(request.POST or None, instance=patient)
    if request.method == "POST":
        if form.is_valid():
            actions.update_patient(patient=patient, fields=form.changed_fields(), request=request)
            messages.success(request, _("Your details are saved."))
            return redirect("portal:profile")
        patient.refresh_from_db()  # the page's other details as stored, not as typed
    status = 400 if form.errors else 200
    return render(request, "portal/profile.html", {"patient": patient, "form": form}, status=status)
