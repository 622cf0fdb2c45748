"""Appointment reminders, and the minute-by-minute upkeep of the outbox.

`queue_due` runs once a minute (`manage.py sweep`). It does not rely on a task's `run_after`
(not every task backend has it): it looks for confirmed appointments that start within
`ClinicSettings.reminder_hours_before` hours, writes one reminder row per appointment and start
time (the dedupe key), and queues it. A moved appointment therefore gets a reminder for its
new time only, and a cancelled one none (the send step checks again, in case it changed after
queuing). Overlapping sweeps are harmless: the key lets one row exist, the claim one send.
The same sweep composes booking confirmations whose task was lost (confirmations.py).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation

from acuclinic.clinic.models import default_clinic
from acuclinic.scheduling.models import Appointment, AppointmentEvent, Status

from . import compose, confirmations, outbox
from .models import OutgoingMessage

# Changes that fix an appointment's time (booked, moved, confirmed from a waitlist hold).
SCHEDULING_ACTIONS = ["booked", "moved", "status"]


def queue_due(now: datetime | None = None) -> int:
    """Queue every reminder that is due and not yet sent, every message due for another
    attempt, and every booking confirmation that went missing (confirmations.py); returns how
    many were queued."""
    now = now or timezone.now()
    outbox.give_up_stale_claims(now)
    retried = outbox.requeue_due(now)  # first, so it does not count a reminder made just now
    return retried + confirmations.queue_missing(now) + _queue_reminders(now)


def _due_appointments(now: datetime, lead: timedelta) -> list[Appointment]:
    last_scheduled = (
        AppointmentEvent.objects.filter(appointment=OuterRef("pk"), action__in=SCHEDULING_ACTIONS)
        .order_by("-at")
        .values("at")[:1]
    )
    upcoming = (
        Appointment.objects.filter(status=Status.CONFIRMED, start__gt=now, start__lte=now + lead)
        .exclude(patient__email="")
        .select_related("patient", "practitioner", "service", "location", "room")
        .annotate(scheduled_at=Subquery(last_scheduled))
    )
    # Booked (or moved) less than the lead time ahead: the confirmation has just told them.
    return [
        appointment
        for appointment in upcoming
        if (appointment.scheduled_at or appointment.created_at) <= appointment.start - lead
    ]


def _queue_reminders(now: datetime) -> int:
    clinic = default_clinic()
    if not clinic.reminder_hours_before:
        return 0
    due = _due_appointments(now, timedelta(hours=clinic.reminder_hours_before))
    keys = {compose.reminder_key(appointment): appointment for appointment in due}
    done = set(
        OutgoingMessage.objects.filter(dedupe_key__in=list(keys)).values_list(
            "dedupe_key", flat=True
        )
    )
    drafts = []
    with translation.override(settings.LANGUAGE_CODE):
        for key, appointment in keys.items():
            if key not in done and (draft := compose.reminder(appointment, clinic)):
                drafts.append(draft)
    return outbox.post(drafts)
