"""Booking from the desk: create, look at, move, cancel, and mark arrived or no-show.

Every change goes through scheduling/booking.py with the staff rules, so the database's
guarantee against double booking holds here too; a refusal is shown with its message and the
nearest free times, each of which books (or moves) with one press.
"""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acuclinic.clinic.models import Practitioner
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, slots
from acuclinic.scheduling.models import Appointment, Service, TimeOff

from .calendar_access import calendar_staff
from .calendar_forms import (
    AppointmentForm,
    CancelForm,
    MoveForm,
    StatusForm,
    date_field,
    pick_value,
)
from .calendar_queries import MAX_DAY, MIN_DAY, describe, when, with_intake_flag
from .calendar_views import calendar_url, pick_location, render_local, safe_next, status_actions

SEARCH_LIMIT = 10
INITIAL_FIELDS = (
    "q",
    "patient",
    "new_name",
    "new_email",
    "new_phone",
    "service",
    "practitioner",
    "date",
    "time",
    "source",
    "staff_notes",
    "key",
)


def _related() -> QuerySet[Appointment]:
    return with_intake_flag(
        Appointment.objects.select_related("patient", "service", "practitioner", "room", "location")
    )


def _detail_url(appointment: Appointment) -> str:
    return reverse("desk:calendar_appointment", args=[appointment.pk])


def _times(found: Sequence[slots.Slot]) -> list[dict[str, Any]]:
    """Suggested times as buttons: when, with whom, and the value the button sends."""
    names = dict(Practitioner.objects.values_list("id", "name"))
    return [
        {
            "start": s.start,
            "practitioner": names.get(s.practitioner_id, ""),
            "value": pick_value(s.practitioner_id, s.start),
        }
        for s in found
    ]


def search_patients(query: str) -> list[Patient]:
    query = query.replace("\x00", "").strip()  # PostgreSQL refuses NUL in any string
    if len(query) < 2:
        return []
    match = Q(full_name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query)
    return list(Patient.objects.filter(match).order_by("full_name", "pk")[:SEARCH_LIMIT])


def _chosen_patient(value: object) -> Patient | None:
    pk = _int(value)
    return Patient.objects.filter(pk=pk).first() if pk is not None else None


def free_starts(service: Service, practitioner: Practitioner, day: date) -> list[slots.Slot]:
    """Free times inside the practitioner's working hours that day, from now on."""
    now = timezone.now()
    found = slots.find_slots(
        service,
        first_day=day,
        last_day=day,
        practitioner_ids=[practitioner.pk],
        now=now,
        rules=slots.STAFF,
    )
    return [s for s in found if s.start >= now]


def _free_times_for(data: dict[str, Any]) -> dict[str, Any]:
    """The free-times box of the new-appointment form, when service, person and day are known."""
    service = Service.objects.filter(is_active=True, pk=_int(data.get("service"))).first()
    practitioner = Practitioner.objects.filter(
        is_active=True, pk=_int(data.get("practitioner"))
    ).first()
    try:
        day = date_field("").clean(data.get("date") or "")
    except ValidationError:  # no day yet, or not a real one: no suggestions yet
        day = None
    if day is not None and not MIN_DAY <= day <= MAX_DAY:
        day = None
    if not (service and practitioner and day):
        return {"free_ready": False}
    if not service.practitioners.filter(pk=practitioner.pk).exists():
        return {
            "free_ready": True,
            "free_problem": _("%(name)s does not offer %(service)s.")
            % {"name": practitioner.name, "service": service.name},
        }
    return {
        "free_ready": True,
        "free_day": day,
        "free_practitioner": practitioner,
        "free_times": _times(free_starts(service, practitioner, day)),
    }


def _int(value: object) -> int | None:
    """An id from a query string or form, or None for anything that is not one."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _warn_time_off(request: HttpRequest, appointment: Appointment) -> None:
    """Staff may book over time off (booking.py's staff rules); say so, so it is on purpose."""
    if TimeOff.objects.filter(
        practitioner=appointment.practitioner_id,
        start__lt=appointment.end,
        end__gt=appointment.start,
    ).exists():
        messages.warning(
            request,
            _("This is during %(name)s's time off.") % {"name": appointment.practitioner.name},
        )


# --- create --------------------------------------------------------------------------------


@calendar_staff
def new(request: HttpRequest) -> HttpResponse:
    locations, location = pick_location(request)
    zone = location.zone
    refusal: booking.BookingError | None = None
    # "Search" and "Show free times" (without JavaScript) post the form only to redisplay it.
    if request.method == "POST" and not request.POST.get("do"):
        form = AppointmentForm(request.POST, zone=zone)
        if form.is_valid():
            data = form.cleaned_data
            key = data["key"] or None
            if key and (done := Appointment.objects.filter(idempotency_key=key).first()):
                return redirect(_detail_url(done))
            try:
                # A new patient is only kept if the booking is.
                with transaction.atomic():
                    appointment = booking.book(
                        service=data["service"],
                        practitioner=data["practitioner"],
                        start=data["start"],
                        patient=form.patient_or_new(),
                        actor=booking.Actor.staff(request.user),
                        source=data["source"],
                        rules=slots.STAFF,
                        staff_notes=data["staff_notes"].strip(),
                        idempotency_key=key,
                    )
            except booking.BookingError as error:
                refusal = error
            else:
                messages.success(
                    request,
                    _("Booked %(patient)s with %(name)s, %(when)s.")
                    % {
                        "patient": appointment.patient.full_name,
                        "name": appointment.practitioner.name,
                        "when": when(appointment.start, appointment.location.zone),
                    },
                )
                _warn_time_off(request, appointment)
                return redirect(_detail_url(appointment))
        values: dict[str, Any] = dict(form.data.items())
    else:
        given = request.POST if request.method == "POST" else request.GET
        values = {k: given[k] for k in INITIAL_FIELDS if given.get(k)}
        values.setdefault("key", uuid.uuid4().hex)
        form = AppointmentForm(initial=values, zone=zone)
    context = {
        "form": form,
        "location": location,
        "locations": locations,
        "refusal": refusal,
        "alternatives": _times(refusal.alternatives) if refusal else [],
        "patients": search_patients(str(values.get("q", ""))),
        "chosen": _chosen_patient(values.get("patient")),
        "q": values.get("q", ""),
        **_free_times_for(values),
    }
    return render_local(request, "desk/calendar/new.html", context, zone)


@calendar_staff
def patient_search(request: HttpRequest) -> HttpResponse:
    """The search box's results, swapped into the form by htmx as staff type."""
    query = request.GET.get("q", "")[:100]
    context = {
        "patients": search_patients(query),
        "chosen": _chosen_patient(request.GET.get("patient")),
        "q": query,
    }
    return render(request, "desk/calendar/_patient_results.html", context)


@calendar_staff
def free_times(request: HttpRequest) -> HttpResponse:
    """The free times box, refreshed by htmx when service, practitioner or day change."""
    _locations, location = pick_location(request)
    context = _free_times_for(request.GET.dict())
    return render_local(request, "desk/calendar/_free_times.html", context, location.zone)


# --- one appointment -----------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    appointment: Appointment,
    *,
    move_form: MoveForm | None = None,
    cancel_form: CancelForm | None = None,
    refusal: booking.BookingError | None = None,
) -> HttpResponse:
    zone = appointment.location.zone
    if move_form is None:
        local = appointment.start.astimezone(zone)
        move_form = MoveForm(
            initial={
                "practitioner": appointment.practitioner_id,
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
            },
            zone=zone,
            service=appointment.service,
        )
    names = dict(Practitioner.objects.values_list("id", "name"))
    history = [(event, describe(event, zone, names)) for event in appointment.events.all()]
    week = appointment.start.astimezone(zone).date()
    context = {
        "appointment": appointment,
        "actions": status_actions(appointment),
        "move_form": move_form,
        "cancel_form": cancel_form or CancelForm(),
        "refusal": refusal,
        "alternatives": _times(refusal.alternatives) if refusal else [],
        "history": history,
        "week_url": calendar_url(
            view="week", date=week, show=f"practitioner:{appointment.practitioner.slug}"
        ),
    }
    return render_local(request, "desk/calendar/appointment.html", context, zone)


@calendar_staff
def detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    return _detail(request, get_object_or_404(_related(), pk=appointment_id))


@require_POST
@calendar_staff
def move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(_related(), pk=appointment_id)
    form = MoveForm(request.POST, zone=appointment.location.zone, service=appointment.service)
    if not form.is_valid():
        return _detail(request, appointment, move_form=form)
    try:
        moved = booking.move(
            appointment,
            start=form.cleaned_data["start"],
            practitioner=form.cleaned_data["practitioner"],
            actor=booking.Actor.staff(request.user),
            rules=slots.STAFF,
        )
    except booking.BookingError as error:
        return _detail(request, appointment, move_form=form, refusal=error)
    moved = _related().get(pk=moved.pk)
    messages.success(
        request,
        _("Moved to %(when)s with %(name)s.")
        % {"when": when(moved.start, moved.location.zone), "name": moved.practitioner.name},
    )
    _warn_time_off(request, moved)
    return redirect(_detail_url(moved))


@require_POST
@calendar_staff
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(_related(), pk=appointment_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _detail(request, appointment, cancel_form=form)
    if not appointment.is_active:
        messages.info(request, _("This appointment was already cancelled."))
        return redirect(safe_next(request, _detail_url(appointment)))
    try:
        booking.cancel(
            appointment,
            actor=booking.Actor.staff(request.user),
            reason=form.cleaned_data["reason"].strip(),
        )
    except booking.BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Cancelled; the time is free again."))
    return redirect(safe_next(request, _detail_url(appointment)))


@require_POST
@calendar_staff
def set_status(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(_related(), pk=appointment_id)
    form = StatusForm(request.POST)
    done, problem = "", ""
    if not form.is_valid():
        problem = " ".join(form.errors["status"])
    else:
        try:
            booking.set_status(
                appointment, form.cleaned_data["status"], actor=booking.Actor.staff(request.user)
            )
        except booking.BookingError as error:
            problem = error.message
        else:
            appointment = _related().get(pk=appointment.pk)
            done = _("%(patient)s: %(status)s.") % {
                "patient": appointment.patient.full_name,
                "status": appointment.get_status_display(),
            }
    if request.htmx:
        # The day's list swaps the row in place; the list keeps its scroll position.
        context = {
            "appointment": appointment,
            "actions": status_actions(appointment),
            "done": done,
            "problem": problem,
            "here": safe_next(request, reverse("desk:calendar_today")),
        }
        return render_local(
            request, "desk/calendar/_today_row.html", context, appointment.location.zone
        )
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect(safe_next(request, _detail_url(appointment)))
