"""Messages about appointments, queued after a booking commits (called by scheduling.booking)."""

from datetime import datetime


def booked(appointment_id: int, *, series: bool = False) -> None:
    """Confirmation to the patient (with .ics and manage link), notice to the practitioner,
    and the reminder scheduled."""


def moved(appointment_id: int, *, previous_start: datetime) -> None:
    """Tell the patient and the practitioner the new time; reschedule the reminder."""


def cancelled(appointment_id: int) -> None:
    """Tell the patient and the practitioner."""


def waitlist_offer(offer_id: int) -> None:
    """Offer a freed time to a waitlisted patient, with accept link and expiry."""
