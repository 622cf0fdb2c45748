"""What the endpoints do, kept out of them: look-ups that answer 422 for a wrong slug, the
"any practitioner" booking, the patient by e-mail, cancelling by the patient's signed link.

All booking goes through scheduling.booking with the online rules, as on the /book/ page.
"""

import hashlib
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, ProtectedError, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError, ValidationError

from acuclinic.clinic.models import Practitioner, default_clinic
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, links
from acuclinic.scheduling import slots as slot_finder
from acuclinic.scheduling.models import Appointment, Service, Source, Status

from .schemas import BookingIn

ANY = "any"
# Availability may start a day early (a caller west of the clinic is still on yesterday) and
# at most a year ahead, which also keeps date arithmetic far from its limits.
LOOK_BACK = timedelta(days=1)
LOOK_AHEAD = timedelta(days=366)
CANCELLABLE = {Status.CONFIRMED, Status.HELD}


def field_error(
    source: str, field: str, message: str, kind: str = "value_error"
) -> ValidationError:
    """A 422 shaped like ninja's own validation errors."""
    return ValidationError([{"loc": [source, field], "msg": message, "type": kind}])


def online_service(slug: str, source: str) -> Service:
    found = Service.objects.bookable_online().filter(slug=slug).first()
    if found is None:
        raise field_error(source, "service", _("No service with this slug is bookable online."))
    return found


def practitioner_for(service: Service, slug: str, source: str) -> Practitioner | None:
    """The practitioner asked for, or None for "any"."""
    if slug == ANY:
        return None
    offers = Service.practitioners.through.objects.filter(
        service=service, practitioner=OuterRef("pk")
    )
    found = (
        Practitioner.objects.filter(slug=slug, is_active=True)
        .annotate(offers=Exists(offers))
        .first()
    )
    if found is None:
        raise field_error(source, "practitioner", _("No practitioner with this slug."))
    if not found.offers:
        raise field_error(
            source,
            "practitioner",
            _("%(name)s does not offer %(service)s.")
            % {"name": found.name, "service": service.name},
        )
    return found


def first_day(requested: date | None, today: date) -> date:
    day = requested or today
    if day < today - LOOK_BACK:
        raise field_error("query", "start", _("The first day cannot be in the past."))
    if day > today + LOOK_AHEAD:
        raise field_error("query", "start", _("The first day must be within a year from today."))
    return day


# --- booking --------------------------------------------------------------------------------


def check_start(service: Service, start: datetime) -> None:
    """Refuse a past or far-future time before any date arithmetic on it (year 9999 would
    overflow); booking.book() has the same rules and the final word."""
    now = timezone.now()
    if start < now:
        raise booking.NotBookable(_("That time has already passed."))
    if start > now + timedelta(days=service.max_advance_days):
        raise booking.NotBookable(
            _("Bookings open %(days)d days ahead; please choose an earlier day.")
            % {"days": service.max_advance_days}
        )


def idempotency_key(raw: str | None, request: BookingIn, start: datetime) -> str | None:
    """The stored key: the caller's key bound to what was asked. Keys are global, so another
    caller guessing or reusing one must not receive someone else's booking (and its manage
    link); the same request retried maps to the same stored key."""
    if not raw:
        return None
    parts = ["api", raw, request.email.lower(), request.service, request.practitioner]
    parts.append(start.isoformat())
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def patient_for(request: BookingIn) -> tuple[Patient, bool]:
    """The patient with this e-mail (case-insensitive), else a new one. A known patient's
    details are not changed from an anonymous request, and the answer is the same either way."""
    known = (
        Patient.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=Lower(Value(request.email)))
        .order_by("pk")
        .first()
    )
    if known is not None:
        return known, False
    created = Patient.objects.create(
        full_name=request.name, email=request.email, phone=request.phone
    )
    return created, True


def forget(patient: Patient) -> None:
    """Remove a patient created for a booking that failed: no record without a reason to keep it."""
    try:
        with transaction.atomic():
            Patient.objects.filter(pk=patient.pk, appointments=None).delete()
    except (ProtectedError, IntegrityError):
        pass  # a concurrent booking has just used the record: it stays


def book(
    service: Service,
    practitioner: Practitioner | None,
    start: datetime,
    request: BookingIn,
    key: str | None,
) -> Appointment:
    """Book with the practitioner asked for, or with the first one free at `start`.

    A time already taken is refused before anything is written (the losers of a rush for one
    slot then cost a read, not a write lock); the patient record is made only for a time that
    looked free, and removed again if the booking still fails.
    """
    try:
        candidates = _candidates(service, practitioner, start)
    except booking.SlotTaken:
        if key and (done := Appointment.objects.filter(idempotency_key=key).first()):
            return done  # a retry: the time is taken by the first answer
        raise
    patient, created = patient_for(request)
    try:
        return _first_that_books(service, candidates, start, patient, key)
    except booking.BookingError:
        if created:
            forget(patient)
        raise


Candidate = tuple[Practitioner, slot_finder.Slot | None]  # with the slot found, if one was


def _first_that_books(
    service: Service,
    candidates: list[Candidate],
    start: datetime,
    patient: Patient,
    key: str | None,
) -> Appointment:
    taken: booking.SlotTaken | None = None
    for candidate, slot in candidates:
        try:
            return booking.book(
                service=service,
                practitioner=candidate,
                start=start,
                patient=patient,
                actor=booking.API_CLIENT,
                source=Source.ONLINE,
                rules=slot_finder.ONLINE,
                idempotency_key=key,
                slot=slot,
            )
        except booking.SlotTaken as error:
            taken = taken or error  # someone was quicker: try the next one free
    if taken is None:
        raise booking.NotBookable(_("That is not one of the times that can be booked."))
    raise taken


def _candidates(
    service: Service, practitioner: Practitioner | None, start: datetime
) -> list[Candidate]:
    """Who to try, in order; or the refusal, when it is clear before writing anything.
    The slot found is handed to book(), which then need not look again; rooms are left to
    book(), which picks one under the write lock."""
    if practitioner is None:
        return _free_at(service, start)
    try:
        slot = booking.check(
            service=service,
            practitioner=practitioner,
            start=start,
            rules=slot_finder.ONLINE,
            rooms=False,
        )
    except booking.SlotTaken:
        raise _taken(service, start) from None
    return [(practitioner, slot)]


def _around(start: datetime) -> dict[str, date]:
    return {
        "first_day": (start - timedelta(days=1)).date(),
        "last_day": (start + timedelta(days=1)).date(),
    }


def _on_grid(service: Service, start: datetime, ids: list[int]) -> bool:
    """Whether `start` would be offered on an empty calendar (a time taken, not a wrong one)."""
    empty = slot_finder.find_slots(
        service, **_around(start), practitioner_ids=ids, ignore_appointments=True
    )
    return any(s.start == start for s in empty)


def _taken(service: Service, start: datetime) -> booking.SlotTaken:
    return booking.SlotTaken(
        _("Sorry, that time was just taken."), alternatives=booking.alternatives(service, start)
    )


def _free_at(service: Service, start: datetime) -> list[Candidate]:
    """Everyone free at `start`, in the usual order; when nobody is, the refusal."""
    ids = slot_finder.offering(service)
    if not ids:
        raise booking.NotBookable(
            _("No one offers this service online at the moment; please call the clinic.")
        )
    found = slot_finder.find_slots(service, **_around(start), practitioner_ids=ids)
    free = {s.practitioner_id: s for s in found if s.start == start}
    if free:
        by_id = Practitioner.objects.in_bulk(free)
        return [(by_id[pk], free[pk]) for pk in ids if pk in free]
    if _on_grid(service, start, ids):
        raise _taken(service, start)
    # Not a time anyone could be booked at: book() with the first explains why (notice, grid).
    return [(Practitioner.objects.get(pk=ids[0]), None)]


# --- cancelling -----------------------------------------------------------------------------


def cancel(token: str) -> Appointment:
    appointment = links.appointment_for(token)
    if appointment is None:
        raise HttpError(404, _("This link is not valid."))
    if appointment.status == Status.CANCELLED:
        return appointment  # asking twice is not an error
    hours = default_clinic().cancellation_notice_hours
    if appointment.status not in CANCELLABLE or appointment.start < timezone.now():
        raise HttpError(400, _("This appointment can no longer be cancelled online."))
    if appointment.start - timezone.now() < timedelta(hours=hours):
        raise HttpError(
            400,
            _(
                "Appointments can be cancelled online up to %(hours)d hours before; "
                "please call the clinic."
            )
            % {"hours": hours},
        )
    return booking.cancel(appointment, actor=booking.API_CLIENT, reason="cancelled through the API")
