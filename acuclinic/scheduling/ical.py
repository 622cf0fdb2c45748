"""iCalendar (RFC 5545) for appointments: the .ics in e-mails and practitioners' private feeds.

Times are written in the location's zone with its VTIMEZONE (so Apple and Google show the right
local time on both sides of a daylight-saving change). A patient's copy names the service, the
practitioner and the clinic; a staff copy adds the patient's name. No clinical detail in either.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Appointment, Status

PRODID = "-//acuclinic//appointments//EN"


def uid(appointment: Appointment) -> str:
    return f"{appointment.public_id}@acuclinic"


def event_for(appointment: Appointment, *, for_staff: bool, clinic_name: str = "") -> Event:
    zone = appointment.location.zone
    if for_staff:
        summary = f"{appointment.patient.full_name}: {appointment.service.name}"
        where = appointment.room.name if appointment.room else appointment.location.name
    else:
        summary = f"{appointment.service.name} with {appointment.practitioner.name}"
        if clinic_name:
            summary += f" ({clinic_name})"
        where = ", ".join(
            part for part in [appointment.location.name, appointment.location.address] if part
        ).replace("\n", ", ")
    event = Event.new(
        uid=uid(appointment),
        summary=summary,
        start=appointment.start.astimezone(zone),
        end=appointment.end.astimezone(zone),
        location=where,
        stamp=timezone.now(),
        last_modified=appointment.updated_at,
        # SEQUENCE grows with each change so a calendar replaces its copy instead of adding one.
        sequence=appointment.events.count() if appointment.pk else 0,
        status="CANCELLED" if appointment.status == Status.CANCELLED else "CONFIRMED",
    )
    return event


def to_ics(
    appointments: Iterable[Appointment],
    *,
    for_staff: bool,
    method: str | None = None,
    name: str | None = None,
    clinic_name: str = "",
) -> bytes:
    """One calendar holding the appointments, with the VTIMEZONE of every zone used."""
    calendar = Calendar.new(prodid=PRODID, name=name, method=method)
    for appointment in appointments:
        calendar.add_component(event_for(appointment, for_staff=for_staff, clinic_name=clinic_name))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def starts_in(ics: bytes) -> list[datetime]:
    """The start times in an .ics file (for tests and the desk's import check)."""
    return [event.start for event in Calendar.from_ical(ics).events]
