"""Messages about appointments, queued after a booking commits (called by scheduling.booking
and scheduling.waitlist). These only queue work: a mail problem, or even a queue problem, must
never reach the person booking (the booking has committed by now)."""

import logging
from datetime import datetime

from django.tasks import Task

from . import tasks

logger = logging.getLogger(__name__)


def _queue(task: Task, *args: object) -> None:
    try:
        task.enqueue(*args)
    except Exception:
        logger.exception("could not queue %s%r", task.name, args)


def booked(appointment_id: int, *, series: bool = False) -> None:
    """Confirmation to the patient (with .ics and manage link), notice to the practitioner.
    The reminder is queued by `reminders.queue_due` when it is due."""
    _queue(tasks.compose_booked, appointment_id, series)


def moved(appointment_id: int, *, previous_start: datetime) -> None:
    """Tell the patient and the practitioner the new time (the reminder follows the new time)."""
    _queue(tasks.compose_moved, appointment_id, previous_start.isoformat())


def cancelled(appointment_id: int) -> None:
    """Tell the patient and the practitioner (no reminder goes out for a cancelled one)."""
    _queue(tasks.compose_cancelled, appointment_id)


def waitlist_offer(offer_id: int) -> None:
    """Offer a freed time to a waitlisted patient, with accept link and expiry."""
    _queue(tasks.compose_waitlist_offer, offer_id)
