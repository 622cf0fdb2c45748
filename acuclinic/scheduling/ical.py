"""iCalendar (RFC 5545) for appointments: the .ics in e-mails and practitioners' private feeds.

Times are written in the location's zone with its VTIMEZONE (so Apple and Google show the right
local time on both sides of a daylight-saving change). A patient's copy names the service, the
practitioner and the clinic; a staff copy adds the patient's name. No clinical detail in either.

E-mailed copies are iTIP messages (RFC 5546): METHOD:REQUEST to add or update, METHOD:CANCEL
to remove. Those carry an ORGANIZER (the clinic) and the ATTENDEE the copy is for, as the RFC
asks, so calendar programs update the one event (same UID, higher SEQUENCE) instead of adding
another.
"""

from collections.abc import Callable, Iterable
from datetime import datetime

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from .models import Appointment, Status

PRODID = "-//acuclinic//appointments//EN"

# (name, e-mail address)
Party = tuple[str, str]


def uid(appointment: Appointment) -> str:
    return f"{appointment.public_id}@acuclinic"


def _address(party: Party, **params: object) -> vCalAddress:
    name, email = party
    return vCalAddress.new(email, cn=name or None, **params)  # type: ignore[arg-type]


def event_for(
    appointment: Appointment,
    *,
    for_staff: bool,
    clinic_name: str = "",
    organizer: Party | None = None,
    attendee: Party | None = None,
    description: str = "",
    cancelled: bool | None = None,
) -> Event:
    """`cancelled` overrides the appointment's own state (for a practitioner the appointment
    was moved away from, it is gone from their calendar though still booked)."""
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
    if cancelled is None:
        cancelled = appointment.status == Status.CANCELLED
    event = Event.new(
        uid=uid(appointment),
        summary=summary,
        start=appointment.start.astimezone(zone),
        end=appointment.end.astimezone(zone),
        location=where,
        description=description or None,
        organizer=_address(organizer) if organizer else None,
        attendees=[_address(attendee, role="REQ-PARTICIPANT", partstat="ACCEPTED", rsvp=False)]
        if attendee
        else None,
        stamp=timezone.now(),
        last_modified=appointment.updated_at,
        # SEQUENCE grows with each change so a calendar replaces its copy instead of adding one.
        sequence=appointment.events.count() if appointment.pk else 0,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    return event


def to_ics(
    appointments: Iterable[Appointment],
    *,
    for_staff: bool,
    method: str | None = None,
    name: str | None = None,
    clinic_name: str = "",
    organizer: Party | None = None,
    attendee: Party | None = None,
    description: Callable[[Appointment], str] | None = None,
    cancelled: bool | None = None,
) -> bytes:
    """One calendar holding the appointments, with the VTIMEZONE of every zone used."""
    calendar = Calendar.new(prodid=PRODID, name=name, method=method)
    for appointment in appointments:
        calendar.add_component(
            event_for(
                appointment,
                for_staff=for_staff,
                clinic_name=clinic_name,
                organizer=organizer,
                attendee=attendee,
                description=description(appointment) if description else "",
                cancelled=cancelled,
            )
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def starts_in(ics: bytes) -> list[datetime]:
    """The start times in an .ics file (for tests and the desk's import check)."""
    return [event.start for event in Calendar.from_ical(ics).events]
