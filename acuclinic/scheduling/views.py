"""The public booking flow at /book/: service -> practitioner (or any) -> day and time ->
details -> done, plus the patient's signed links (manage, reschedule, waitlist offers).

Every step is a plain GET page whose state lives in the query string (service, practitioner,
day, start), so it works without JavaScript, can be bookmarked and the browser's back button
does the obvious thing. Only the final step writes, through booking.py.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from acuclinic.clinic.models import Location, Practitioner, default_clinic

from . import booking, links, slots, waitlist
from .forms import (
    DetailsForm,
    WaitlistForm,
    details_initial,
    find_or_create_patient,
    signed_in_patient,
)
from .ical import to_ics
from .models import Appointment, Service, Source, Status, WaitlistEntry
from .picker import TimeOption, days_with_times, parse_day, parse_start

DAYS_SHOWN = 7
ANY = "any"


@dataclass
class Choice:
    """What the visitor has chosen so far, read from the query string."""

    service: Service | None = None
    practitioner: Practitioner | None = None  # None with `any` True means anyone
    any: bool = False
    day: date | None = None
    start: datetime | None = None

    def query(self, **changes: object) -> str:
        values: dict[str, object] = {
            "service": self.service.slug if self.service else None,
            "practitioner": ANY
            if self.any
            else (self.practitioner.slug if self.practitioner else None),
            "day": self.day.isoformat() if self.day else None,
        }
        values.update(changes)
        return "?" + urlencode({k: v for k, v in values.items() if v is not None})

    @property
    def practitioner_ids(self) -> list[int] | None:
        return None if self.any or self.practitioner is None else [self.practitioner.pk]


def _zone_for(service: Service):  # type: ignore[no-untyped-def]
    location = Location.objects.order_by("id").first()
    if location is not None:
        return location.zone
    return timezone.get_current_timezone()


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"  # free times change by the minute
    return response


def _slug(value: str) -> str:
    """A slug from the address, or "" (matches nothing). PostgreSQL refuses NUL bytes in text
    outright, so anything that cannot be a slug never reaches the query."""
    return value if _SLUG.fullmatch(value) else ""


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    choice = Choice()
    errors: list[str] = []
    services = Service.objects.bookable_online().prefetch_related("practitioners")
    slug = request.GET.get("service", "")
    if slug:
        choice.service = services.filter(slug=_slug(slug)).first()
        if choice.service is None:
            errors.append(_("We could not find that service; please choose one below."))
    if choice.service is None:
        return _render(
            request,
            "booking/choose_service.html",
            {"services": services, "errors": errors, "step": 1},
            status=404 if errors else 200,
        )

    offered = [p for p in choice.service.practitioners.all() if p.is_active]
    who = request.GET.get("practitioner", "")
    if who == ANY or (not who and len(offered) == 1):
        choice.any = who == ANY
        choice.practitioner = None if who == ANY else offered[0]
    elif who:
        choice.practitioner = next((p for p in offered if p.slug == who), None)
        if choice.practitioner is None:
            errors.append(
                _("That practitioner does not offer %(service)s; please choose below.")
                % {"service": choice.service.name}
            )
    if choice.practitioner is None and not choice.any:
        return _render(
            request,
            "booking/choose_practitioner.html",
            {"choice": choice, "practitioners": offered, "errors": errors, "step": 2},
            status=400 if errors else 200,
        )

    zone = _zone_for(choice.service)
    today = timezone.now().astimezone(zone).date()
    last_bookable = today + timedelta(days=choice.service.max_advance_days)
    raw_day = request.GET.get("day", "")
    choice.day = parse_day(raw_day) if raw_day else today
    if choice.day is None:
        errors.append(_("That is not a date we understand; showing this week instead."))
        choice.day = today
    choice.day = min(max(choice.day, today), last_bookable)

    raw_start = request.GET.get("start", "") or request.POST.get("start", "")
    if raw_start:
        choice.start = parse_start(raw_start)
        if choice.start is None:
            errors.append(_("That time could not be read; please pick one below."))
        else:
            return _details(request, choice, zone)
    return _times(request, choice, zone, today, last_bookable, errors)


def _times(
    request,
    choice: Choice,
    zone,
    today: date,
    last_bookable: date,
    errors: list[str],
    status: int = 200,
):  # type: ignore[no-untyped-def]
    assert choice.service is not None and choice.day is not None
    last_day = min(choice.day + timedelta(days=DAYS_SHOWN - 1), last_bookable)
    found = slots.find_slots(
        choice.service,
        first_day=choice.day,
        last_day=last_day,
        practitioner_ids=choice.practitioner_ids,
    )
    days = days_with_times(found, zone, choice.day, (last_day - choice.day).days + 1)
    previous_day = max(choice.day - timedelta(days=DAYS_SHOWN), today)
    next_day = choice.day + timedelta(days=DAYS_SHOWN)
    names = {p.pk: p.name for p in choice.service.practitioners.all()}
    context = {
        "choice": choice,
        "days": days,
        "names": names,
        "zone_name": str(zone),
        "errors": errors,
        "step": 3,
        "previous_query": choice.query(day=previous_day.isoformat())
        if choice.day > today
        else None,
        "next_query": choice.query(day=next_day.isoformat()) if next_day <= last_bookable else None,
        "any_free": any(day.times for day in days),
        "waitlist_query": choice.query(),
    }
    return _render(request, "booking/choose_time.html", context, status=status)


def _details(request: HttpRequest, choice: Choice, zone) -> HttpResponse:  # type: ignore[no-untyped-def]
    assert choice.service is not None and choice.start is not None
    service = choice.service
    start = choice.start
    alternatives: list[slots.Slot] = []
    conflicts: list[tuple[datetime, str, list[TimeOption]]] = []
    error = ""
    own = signed_in_patient(request.user)
    form = DetailsForm(request.POST or None, initial=details_initial(own))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = own or find_or_create_patient(data["full_name"], data["email"], data["phone"])
        note = form.staff_note()
        if patient.full_name != data["full_name"] or patient.phone != data["phone"]:
            note += f" Booked online as: {data['full_name']}, {data['phone']}."
        try:
            if data["repeat"] > 1:
                appointment = _book_course(
                    choice, start, patient, data["repeat"], data["request_id"]
                )
            else:
                appointment = _book(choice, start, patient, note, data["request_id"])
        except booking.SeriesConflict as conflict:
            error = conflict.message
            conflicts = [
                (c.start.astimezone(zone), c.reason, _rows(c.alternatives, zone))
                for c in conflict.conflicts
            ]
        except booking.SlotTaken as taken:
            error, alternatives = taken.message, taken.alternatives
        except booking.BookingError as refused:
            error = refused.message
        else:
            return redirect(links.manage_path(appointment) + "?booked=1")
    elif request.method == "GET":
        # Say at once if the time went while the visitor was looking, not after they type.
        free = _free_at(choice, start)
        if not free:
            try:
                _check_bookable(choice, start)
                error = _("Sorry, that time was just taken.")
            except booking.SlotTaken as taken:
                error = taken.message
            except booking.BookingError as refused:
                # A wrong time (past, off the grid...): back to the list, with the reason.
                zone_today = timezone.now().astimezone(zone).date()
                last = zone_today + timedelta(days=service.max_advance_days)
                choice.day = min(max(start.astimezone(zone).date(), zone_today), last)
                return _times(request, choice, zone, zone_today, last, [refused.message])
            alternatives = booking.alternatives(
                service, start, practitioner_ids=choice.practitioner_ids
            )
    context = {
        "choice": choice,
        "start_local": start.astimezone(zone),
        "start_param": start.strftime("%Y-%m-%dT%H:%MZ"),
        "zone_name": str(zone),
        "form": form,
        "error": error,
        "alternatives": _rows(alternatives, zone),
        "conflicts": conflicts,
        "names": {p.pk: p.name for p in service.practitioners.all()},
        "step": 4,
        "back_query": choice.query(day=start.astimezone(zone).date().isoformat()),
        "signed_in_patient": own,
    }
    status = 200
    if request.method == "POST":
        status = 409 if alternatives or conflicts else 400 if error or form.errors else 200
    return _render(request, "booking/details.html", context, status=status)


def _rows(alternatives: list[slots.Slot], zone) -> list[TimeOption]:  # type: ignore[no-untyped-def]
    return [
        TimeOption(a.start, a.start.astimezone(zone), [a.practitioner_id]) for a in alternatives
    ]


def _free_at(choice: Choice, start: datetime) -> list[slots.Slot]:
    assert choice.service is not None
    day = start.date()
    found = slots.find_slots(
        choice.service,
        first_day=day - timedelta(days=1),
        last_day=day + timedelta(days=1),
        practitioner_ids=choice.practitioner_ids,
    )
    return [s for s in found if s.start == start]


def _check_bookable(choice: Choice, start: datetime) -> None:
    """Raise the NotBookable that explains why a time is wrong (past, notice, off-grid...)."""
    assert choice.service is not None
    practitioners = [choice.practitioner] if choice.practitioner else []
    if not practitioners:
        practitioners = list(choice.service.practitioners.filter(is_active=True))
    for practitioner in practitioners:
        booking.check(service=choice.service, practitioner=practitioner, start=start)


def _book(choice: Choice, start: datetime, patient, note: str, key: str) -> Appointment:  # type: ignore[no-untyped-def]
    """Book with the chosen practitioner, or with "any": whoever is free then, in order."""
    assert choice.service is not None
    # The same person sending the form again from a reloaded page (a new request id): the
    # booking they already have, not a "just taken" about their own appointment.
    already = (
        Appointment.objects.active()
        .filter(patient=patient, service=choice.service, start=start)
        .first()
    )
    if already is not None:
        return already
    if choice.practitioner is not None:
        candidates = [choice.practitioner]
    else:
        free = {s.practitioner_id for s in _free_at(choice, start)}
        candidates = [
            p
            for p in choice.service.practitioners.filter(is_active=True).order_by("name", "id")
            if p.pk in free
        ]
        if not candidates:
            candidates = list(
                choice.service.practitioners.filter(is_active=True).order_by("name", "id")
            )[:1]
    last_error: booking.BookingError | None = None
    for practitioner in candidates:
        try:
            return booking.book(
                service=choice.service,
                practitioner=practitioner,
                start=start,
                patient=patient,
                actor=booking.ONLINE_PATIENT,
                source=Source.ONLINE,
                staff_notes=note,
                idempotency_key=key,
            )
        except booking.SlotTaken as taken:
            last_error = taken
    assert last_error is not None
    if choice.any and isinstance(last_error, booking.SlotTaken):
        raise booking.SlotTaken(
            last_error.message, alternatives=booking.alternatives(choice.service, start)
        )
    raise last_error


def _book_course(choice: Choice, start: datetime, patient, count: int, key: str) -> Appointment:  # type: ignore[no-untyped-def]
    """A weekly course, all or nothing, with one practitioner (the chosen one, or the first
    with every week free)."""
    assert choice.service is not None
    if choice.practitioner is not None:
        candidates = [choice.practitioner]
    else:
        free = {s.practitioner_id for s in _free_at(choice, start)}
        candidates = [
            p
            for p in choice.service.practitioners.filter(is_active=True).order_by("name", "id")
            if p.pk in free
        ] or list(choice.service.practitioners.filter(is_active=True).order_by("name", "id")[:1])
    last_error: booking.BookingError | None = None
    for practitioner in candidates:
        try:
            booked = booking.book_series(
                service=choice.service,
                practitioner=practitioner,
                first_start=start,
                every_days=7,
                count=count,
                patient=patient,
                actor=booking.ONLINE_PATIENT,
                source=Source.ONLINE,
                idempotency_key=key,
            )
            return booked[0]
        except (booking.SeriesConflict, booking.SlotTaken) as refused:
            last_error = refused
    assert last_error is not None
    raise last_error


# --- the patient's signed links ------------------------------------------------------------


def _appointment_or_404(token: str) -> Appointment:
    appointment = links.appointment_for(token)
    if appointment is None:
        raise Http404(_("This link is not valid. Please use the link in your latest e-mail."))
    return appointment


def _can_change(appointment: Appointment) -> bool:
    if not appointment.is_active or appointment.status != Status.CONFIRMED:
        return False
    hours = default_clinic().cancellation_notice_hours
    return timezone.now() <= appointment.start - timedelta(hours=hours)


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment_or_404(token)
    message = ""
    if request.GET.get("cancelled") == "1" and appointment.status == Status.CANCELLED:
        message = _("Your appointment is cancelled. We have sent you an e-mail.")
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if _can_change(appointment):
            booking.cancel(appointment, actor=booking.PATIENT_LINK, reason="patient link")
            return redirect(reverse("booking:manage", args=[token]) + "?cancelled=1")
        else:
            message = _("It is too late to cancel online; please call the clinic.")
    course = []
    if appointment.series_id is not None:
        course = [
            a.start.astimezone(appointment.location.zone)
            for a in appointment.series.appointments.active().order_by("start")
        ]
    context = {
        "appointment": appointment,
        "course": course,
        "local_start": appointment.local_start(),
        "local_end": appointment.local_end(),
        "zone_name": appointment.location.time_zone,
        "can_change": _can_change(appointment),
        "notice_hours": default_clinic().cancellation_notice_hours,
        "token": token,
        "booked": request.GET.get("booked") == "1",
        "message": message,
    }
    return _render(request, "booking/manage.html", context)


def manage_ics(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment_or_404(token)
    body = to_ics(
        [appointment], for_staff=False, method="PUBLISH", clinic_name=default_clinic().name
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment_or_404(token)
    if not _can_change(appointment):
        return redirect("booking:manage", token=token)
    service = appointment.service
    zone = appointment.location.zone
    today = timezone.now().astimezone(zone).date()
    last_bookable = today + timedelta(days=service.max_advance_days)
    errors: list[str] = []
    alternatives: list[TimeOption] = []
    raw_start = request.POST.get("start") or request.GET.get("start", "")
    chosen = parse_start(raw_start) if raw_start else None
    if raw_start and chosen is None:
        errors.append(_("That time could not be read; please pick one below."))
    if request.method == "POST" and chosen is not None:
        try:
            booking.move(appointment, start=chosen, actor=booking.PATIENT_LINK)
        except booking.BookingError as refused:
            errors.append(refused.message)
            alternatives = _rows(refused.alternatives, zone)
        else:
            return redirect(reverse("booking:manage", args=[token]) + "?moved=1")
    day = parse_day(request.GET.get("day", "")) or today
    day = min(max(day, today), last_bookable)
    last_day = min(day + timedelta(days=DAYS_SHOWN - 1), last_bookable)
    found = slots.find_slots(
        service,
        first_day=day,
        last_day=last_day,
        practitioner_ids=[appointment.practitioner_id],
        ignore_appointment=appointment.pk,
    )
    context = {
        "appointment": appointment,
        "token": token,
        "chosen": chosen.astimezone(zone) if chosen and request.method == "GET" else None,
        "chosen_param": raw_start,
        "days": days_with_times(found, zone, day, (last_day - day).days + 1),
        "zone_name": str(zone),
        "errors": errors,
        "alternatives": alternatives,
        "previous_day": max(day - timedelta(days=DAYS_SHOWN), today) if day > today else None,
        "next_day": day + timedelta(days=DAYS_SHOWN)
        if day + timedelta(days=DAYS_SHOWN) <= last_bookable
        else None,
    }
    return _render(
        request,
        "booking/reschedule.html",
        context,
        status=409 if errors and request.method == "POST" else 200,
    )


# --- waitlist ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def waitlist_join(request: HttpRequest) -> HttpResponse:
    service = (
        Service.objects.bookable_online().filter(slug=_slug(request.GET.get("service", ""))).first()
    )
    if service is None:
        return redirect("booking:start")
    who = request.GET.get("practitioner", "")
    practitioner = (
        service.practitioners.filter(slug=who[:50], is_active=True).first() if who != ANY else None
    )
    zone = _zone_for(service)
    today = timezone.now().astimezone(zone).date()
    own = signed_in_patient(request.user)
    initial = {**details_initial(own), "earliest": today, "latest": today + timedelta(days=14)}
    form = WaitlistForm(
        request.POST or None, today=today, max_days=service.max_advance_days, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = own or find_or_create_patient(data["full_name"], data["email"], data["phone"])
        entry = waitlist.join(
            patient=patient,
            service=service,
            practitioner=practitioner,
            earliest=data["earliest"],
            latest=data["latest"],
        )
        return redirect(links.waitlist_path(entry) + "?joined=1")
    context = {"service": service, "practitioner": practitioner, "form": form}
    return _render(
        request, "booking/waitlist_join.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def waitlist_entry(request: HttpRequest, token: str) -> HttpResponse:
    entry = links.waitlist_entry_for(token)
    if entry is None:
        raise Http404(_("This link is not valid."))
    if request.method == "POST" and request.POST.get("action") == "leave":
        WaitlistEntry.objects.filter(pk=entry.pk, state=WaitlistEntry.State.WAITING).update(
            state=WaitlistEntry.State.WITHDRAWN
        )
        entry.refresh_from_db()
    context = {"entry": entry, "joined": request.GET.get("joined") == "1"}
    return _render(request, "booking/waitlist_entry.html", context)


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    found = links.offer_for(token)
    if found is None:
        raise Http404(_("This link is not valid."))
    message = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                appointment = waitlist.accept(found)
                return redirect(links.manage_path(appointment) + "?booked=1")
            if action == "decline":
                waitlist.decline(found)
                message = _("Thank you; we have offered the time to the next person waiting.")
        except booking.BookingError as refused:
            message = refused.message
        found.refresh_from_db()
    appointment = found.appointment
    expired = found.released_at is not None or found.expires_at <= timezone.now()
    context = {
        "offer": found,
        "appointment": appointment,
        "local_start": appointment.local_start(),
        "zone_name": appointment.location.time_zone,
        "expired": expired and found.accepted_at is None,
        "message": message,
    }
    return _render(request, "booking/offer.html", context)
