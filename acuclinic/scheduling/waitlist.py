"""The waitlist: a cancellation offers the freed time to the first patient waiting for it.

The freed time is held for that patient (a `held` appointment, so nobody else can take it)
until they accept through the link in their e-mail or the offer expires; then it goes to the
next in line. First come, first served: entries are offered in the order they were made.
A patient is offered a given time once: declining it or letting it expire puts them back in
line for other times, not for that one.
"""

import functools
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from acuclinic.clinic.models import Practitioner, default_clinic
from acuclinic.patients.models import Patient

from . import booking
from .models import (
    Appointment,
    Service,
    Source,
    Status,
    WaitlistEntry,
    WaitlistOffer,
)

WAITLIST = booking.Actor("waitlist")
# A hold keeps to the working hours and the grid; notice does not apply (the time is near).
HOLD = booking.slot_finder.Rules(notice=False, hours=True, online=False)


class _EntryGone(Exception):
    """The entry was withdrawn or offered another time while this one was being held."""


def join(
    *,
    patient: Patient,
    service: Service,
    practitioner: Practitioner | None,
    earliest: date,
    latest: date,
) -> WaitlistEntry:
    if latest < earliest:
        raise booking.NotBookable(_("The last day must not be before the first."))
    entry, _created = WaitlistEntry.objects.get_or_create(
        patient=patient,
        service=service,
        practitioner=practitioner,
        state=WaitlistEntry.State.WAITING,
        defaults={"earliest": earliest, "latest": latest},
    )
    if not _created:
        entry.earliest, entry.latest = earliest, latest
        entry.save(update_fields=["earliest", "latest"])
    return entry


def _candidates(appointment: Appointment) -> list[WaitlistEntry]:
    day = appointment.start.astimezone(appointment.location.zone).date()
    already_offered = WaitlistOffer.objects.filter(
        appointment__practitioner=appointment.practitioner_id,
        appointment__start=appointment.start,
    ).values("entry_id")
    return list(
        WaitlistEntry.objects.filter(
            Q(practitioner__isnull=True) | Q(practitioner=appointment.practitioner_id),
            state=WaitlistEntry.State.WAITING,
            service=appointment.service_id,
            earliest__lte=day,
            latest__gte=day,
            service__practitioners=appointment.practitioner_id,
        )
        .exclude(pk__in=already_offered)
        .exclude(patient=appointment.patient_id)  # who just cancelled it does not want it
        .select_related("patient", "service")
        .order_by("created_at", "id")
    )


def offer_freed_time(appointment_id: int, *, now: datetime | None = None) -> WaitlistOffer | None:
    """Hold the time a cancellation freed for the first waiting patient who wants it."""
    now = now or timezone.now()
    freed = Appointment.objects.select_related("location", "service", "practitioner").get(
        pk=appointment_id
    )
    if freed.status != Status.CANCELLED or freed.start <= now:
        return None
    hours = default_clinic().waitlist_offer_hours
    # Never hold past the point where the patient could still come.
    expires_at = min(now + timedelta(hours=hours), freed.start - timedelta(minutes=30))
    if expires_at <= now:
        return None
    for entry in _candidates(freed):
        try:
            # The hold and its offer are written together: a hold without an offer would
            # keep the time from everyone, with nothing to ever release it.
            with transaction.atomic():
                held = booking.book(
                    service=freed.service,
                    practitioner=freed.practitioner,
                    start=freed.start,
                    patient=entry.patient,
                    actor=WAITLIST,
                    source=Source.WAITLIST,
                    rules=HOLD,
                    status=Status.HELD,
                    held_until=expires_at,
                    notify=False,
                )
                taken = WaitlistEntry.objects.filter(
                    pk=entry.pk, state=WaitlistEntry.State.WAITING
                ).update(state=WaitlistEntry.State.OFFERED)
                if not taken:  # withdrawn or offered something else meanwhile
                    raise _EntryGone
                offer = WaitlistOffer.objects.create(
                    entry=entry, appointment=held, expires_at=expires_at
                )
                transaction.on_commit(functools.partial(_send_offer, offer.pk), robust=True)
        except _EntryGone:
            continue
        except booking.BookingError:
            return None  # someone booked the time already: nothing to offer
        return offer
    return None


def _send_offer(offer_id: int) -> None:
    from acuclinic.notifications import appointments as messages

    messages.waitlist_offer(offer_id)


class OfferGone(booking.BookingError):
    pass


def accept(offer: WaitlistOffer, *, now: datetime | None = None) -> Appointment:
    """The patient takes the held time: it becomes a confirmed appointment."""
    now = now or timezone.now()
    with transaction.atomic():
        offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
        appointment = offer.appointment
        if offer.accepted_at is not None:
            return appointment
        if (
            offer.released_at is not None
            or offer.expires_at <= now
            or appointment.status == Status.CANCELLED
        ):
            raise OfferGone(_("Sorry, this offer has expired and the time went to someone else."))
        if appointment.status == Status.HELD:
            booking.set_status(appointment, Status.CONFIRMED, actor=booking.PATIENT_LINK)
        offer.accepted_at = now
        offer.save(update_fields=["accepted_at"])
        WaitlistEntry.objects.filter(pk=offer.entry_id).update(state=WaitlistEntry.State.BOOKED)
        transaction.on_commit(booking._notify("booked", appointment.pk), robust=True)
    appointment.refresh_from_db()
    return appointment


def decline(offer: WaitlistOffer) -> None:
    """The patient does not want this time; it goes to the next in line at once."""
    _release(offer.pk, back_to_waiting=True)


def release_expired(now: datetime | None = None) -> int:
    """Free every held time whose offer has run out (run every minute by `manage.py sweep`)."""
    now = now or timezone.now()
    expired = WaitlistOffer.objects.filter(
        accepted_at__isnull=True, released_at__isnull=True, expires_at__lte=now
    ).values_list("pk", flat=True)
    return sum(_release(pk, back_to_waiting=True) for pk in list(expired))


def _release(offer_id: int, *, back_to_waiting: bool) -> int:
    with transaction.atomic():
        offer = (
            WaitlistOffer.objects.select_for_update()
            .select_related("appointment")
            .filter(pk=offer_id, accepted_at__isnull=True, released_at__isnull=True)
            .first()
        )
        if offer is None:
            return 0
        if offer.appointment.status not in (Status.HELD, Status.CANCELLED):
            # Staff confirmed the held time (the patient phoned, say): it is taken, not free.
            offer.accepted_at = timezone.now()
            offer.save(update_fields=["accepted_at"])
            WaitlistEntry.objects.filter(pk=offer.entry_id).update(state=WaitlistEntry.State.BOOKED)
            return 0
        offer.released_at = timezone.now()
        offer.save(update_fields=["released_at"])
        if back_to_waiting:
            WaitlistEntry.objects.filter(
                pk=offer.entry_id, state=WaitlistEntry.State.OFFERED
            ).update(state=WaitlistEntry.State.WAITING)
        # Cancelling the hold frees the time and, after the commit, offers it to the next.
        booking.cancel(offer.appointment, actor=WAITLIST, notify=False)
    return 1
