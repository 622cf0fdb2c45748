"""Booking confirmations that went missing, composed by the once-a-minute sweep.

A confirmation is composed by a task queued after the booking commits (appointments.booked).
A web worker killed between the commit and the enqueue, or a task worker killed while running
compose_booked (django_tasks_db does not run a task again once it was RUNNING), loses it, and
nothing else would compose it: the reminder is no substitute (a booking made less than the
reminder's lead time ahead gets none, since the confirmation "has just told them").

So the sweep (`reminders.queue_due`, `manage.py sweep`) looks for confirmed appointments

- that the booking engine confirmed with a message (an online, API or desk booking, a series,
  a waitlist offer accepted) and not with `notify=False`: demo data, imported appointments and
  waitlist holds have no such event, so they never get one;
- created in the last LOOK_BACK hours, at least GRACE ago (the task's turn first), starting in
  the future;
- without a `booked` row for the patient (who has an address) or for the practitioner (who has
  one),

and composes the same drafts the task does, under the same dedupe keys: the task and the sweep
racing, or two sweeps, leave one row per recipient, and the outbox sends each once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation

from acuclinic.scheduling.models import Appointment, AppointmentEvent, Status

from . import compose, outbox
from .models import Audience, Kind, OutgoingMessage

LOOK_BACK = timedelta(hours=48)
GRACE = timedelta(minutes=2)
MOST_PER_SWEEP = 200  # a bounded sweep; the next one (a minute later) takes the rest

# The events of a booking that was meant to be confirmed by e-mail (scheduling.booking):
# book() with status confirmed, unless with notify=False (its event then says "notify": false),
# book_series(), and a held time becoming confirmed (a waitlist offer accepted).
CONFIRMING = (
    (Q(action="booked", changes__status=Status.CONFIRMED) & ~Q(changes__has_key="notify"))
    | Q(action="booked", changes__has_key="series")
    | Q(action="status", changes__from=Status.HELD, changes__to=Status.CONFIRMED)
)


def candidates(now: datetime) -> list[Appointment]:
    """Recent confirmed appointments ahead, booked to be confirmed, with a recipient missing
    their `booked` row. A series is confirmed in one message, composed for its first
    appointment (as the task does): `lead_id` is that appointment, or the appointment itself."""
    events = AppointmentEvent.objects.filter(appointment=OuterRef("pk"))
    first_of_series = (
        Appointment.objects.filter(series_id=OuterRef("series_id")).order_by("pk").values("pk")
    )
    booked = OutgoingMessage.objects.filter(kind=Kind.BOOKED, appointment_id=OuterRef("lead_id"))
    found = (
        Appointment.objects.filter(
            status=Status.CONFIRMED,
            start__gt=now,
            created_at__gte=now - LOOK_BACK,
            created_at__lte=now - GRACE,
        )
        .filter(Exists(events.filter(CONFIRMING)))
        .annotate(lead_id=Coalesce(Subquery(first_of_series[:1]), F("pk")))
        .annotate(
            patient_told=Exists(booked.filter(audience=Audience.PATIENT)),
            staff_told=Exists(booked.filter(audience=Audience.STAFF)),
        )
        .filter(
            Q(patient_told=False, patient__email__gt="")
            | Q(staff_told=False, practitioner__email__gt="")
        )
        .order_by("created_at", "pk")
    )
    by_lead: dict[int, Appointment] = {}
    for appointment in found[:MOST_PER_SWEEP]:
        by_lead.setdefault(appointment.lead_id, appointment)  # type: ignore[attr-defined]
    return list(by_lead.values())


def queue_missing(now: datetime) -> int:
    """Compose the confirmations `candidates` finds; returns how many messages were new."""
    drafts: list[compose.Draft] = []
    with translation.override(settings.LANGUAGE_CODE):  # as the task: the clinic's language
        for appointment in candidates(now):
            series = appointment.series_id is not None
            drafts += compose.for_booking(appointment.lead_id, series=series)  # type: ignore[attr-defined]
    return outbox.post(drafts)
