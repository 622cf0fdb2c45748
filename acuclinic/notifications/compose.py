"""What each message says, for each recipient: subject, text and HTML bodies, and the .ics.

Decision 4: nothing clinical. A message names the service, the practitioner, the time, the
place and the clinic's phone; a practitioner's copy adds the patient's name. Staff notes, the
patient's contact details and anything from their record never appear.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from acuclinic.clinic.models import ClinicSettings, default_clinic
from acuclinic.patients import intake
from acuclinic.scheduling import ical, links
from acuclinic.scheduling.models import Appointment, Status, WaitlistOffer

from .formatting import clock, utc_key, when
from .models import Audience, Kind


@dataclass(frozen=True)
class Draft:
    kind: str
    audience: str
    dedupe_key: str
    recipient: str
    recipient_name: str
    subject: str
    body_text: str
    body_html: str
    ics: str = ""
    ics_method: str = ""
    appointment_id: int | None = None
    offer_id: int | None = None
    appointment_start: datetime | None = None


INTAKE_PATH = "/portal/intake/"  # the patient's health questionnaire (patients/portal)


def clinic_address() -> str:
    """The address the clinic's mail comes from (DEFAULT_FROM_EMAIL, without a display name)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def _clinic_context(clinic: ClinicSettings, appointment: Appointment | None) -> dict[str, Any]:
    phone = clinic.phone_display or (appointment.location.phone_display if appointment else "")
    return {
        "clinic_name": clinic.name,
        "clinic_phone": phone,
        "clinic_phone_link": clinic.phone_e164,
        "clinic_address": clinic.address_lines,
        "book_url": _absolute(clinic.booking_url or "/book/"),
        "site_url": settings.SITE_URL,
    }


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL.rstrip('/')}/{path.lstrip('/')}"


def _item(appointment: Appointment) -> dict[str, Any]:
    """One appointment as the messages show it."""
    zone = appointment.location.zone
    address = [line.strip() for line in appointment.location.address.splitlines() if line.strip()]
    return {
        "service": appointment.service.name,
        "practitioner": appointment.practitioner.name,
        "when": when(appointment.start, zone),
        "until": clock(appointment.end, zone),
        "minutes": int((appointment.end - appointment.start).total_seconds() // 60),
        "place": appointment.location.name,
        "address": address,
        "room": appointment.room.name if appointment.room else "",
        "zone": appointment.location.time_zone,
    }


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    text = render_to_string(f"notifications/{template}.txt", context)
    html = render_to_string(f"notifications/{template}.html", context)
    # Template tags leave blank lines where a condition was false; one blank line is enough.
    text = re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text)
    return text.strip() + "\n", html


def _organizer(clinic: ClinicSettings) -> ical.Party:
    return (clinic.name, clinic_address())


def _patient_ics(appointments: Sequence[Appointment], clinic: ClinicSettings, method: str) -> str:
    patient = appointments[0].patient

    def description(appointment: Appointment) -> str:
        lines = []
        if appointment.status != Status.CANCELLED:
            lines.append(
                _("To cancel or reschedule: %(url)s") % {"url": links.manage_url(appointment)}
            )
        if clinic.phone_display:
            lines.append(_("Clinic phone: %(phone)s") % {"phone": clinic.phone_display})
        return "\n".join(lines)

    return ical.to_ics(
        appointments,
        for_staff=False,
        method=method,
        clinic_name=clinic.name,
        organizer=_organizer(clinic),
        attendee=(patient.full_name, patient.email),
        description=description,
    ).decode()


def _staff_ics(
    appointments: Sequence[Appointment],
    clinic: ClinicSettings,
    method: str,
    *,
    cancelled: bool | None = None,
) -> str:
    practitioner = appointments[0].practitioner
    return ical.to_ics(
        appointments,
        for_staff=True,
        method=method,
        clinic_name=clinic.name,
        organizer=_organizer(clinic),
        attendee=(practitioner.name, practitioner.email),
        cancelled=cancelled,
    ).decode()


def _load(appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("patient", "practitioner", "service", "location", "room")
        .filter(pk=appointment_id)
        .first()
    )


def _draft(
    kind: str,
    audience: str,
    key: str,
    to: tuple[str, str],
    subject: str,
    template: str,
    context: dict[str, Any],
    appointment: Appointment,
    *,
    ics: str = "",
    ics_method: str = "",
) -> Draft:
    text, html = _render(template, context | {"subject": subject})
    return Draft(
        kind=kind,
        audience=audience,
        dedupe_key=key,
        recipient=to[1],
        recipient_name=to[0],
        subject=subject,
        body_text=text,
        body_html=html,
        ics=ics,
        ics_method=ics_method,
        appointment_id=appointment.pk,
        appointment_start=appointment.start,
    )


# --- the messages ------------------------------------------------------------------------


def for_booking(appointment_id: int, *, series: bool = False) -> list[Draft]:
    """The patient's confirmation (every appointment of a series in one message) and the
    practitioner's notice."""
    appointment = _load(appointment_id)
    if appointment is None or appointment.status in (Status.CANCELLED, Status.HELD):
        return []
    appointments = [appointment]
    if series and appointment.series_id:
        appointments = list(
            Appointment.objects.active()
            .filter(series_id=appointment.series_id)
            .select_related("patient", "practitioner", "service", "location", "room")
            .order_by("start")
        )
    clinic = default_clinic()
    items = [_item(a) | {"manage_url": links.manage_url(a)} for a in appointments]
    context = _clinic_context(clinic, appointment) | {
        "items": items,
        "series": len(items) > 1,
        "manage_url": links.manage_url(appointment),
        "notice_hours": clinic.cancellation_notice_hours,
    }
    first = items[0]
    drafts = []
    patient = appointment.patient
    if patient.email:
        # Only the link: it leads to sign-in by e-mailed code, then to the questionnaire.
        intake_url = _absolute(INTAKE_PATH) if intake.is_due(patient) else ""
        drafts.append(
            _draft(
                Kind.BOOKED,
                Audience.PATIENT,
                f"booked:{appointment.pk}:patient",
                (patient.full_name, patient.email),
                _("Your appointment on %(when)s is booked") % {"when": first["when"]},
                "booked_patient",
                context | {"name": patient.first_name, "intake_url": intake_url},
                appointment,
                ics=_patient_ics(appointments, clinic, "REQUEST"),
                ics_method="REQUEST",
            )
        )
    practitioner = appointment.practitioner
    if practitioner.email:
        drafts.append(
            _draft(
                Kind.BOOKED,
                Audience.STAFF,
                f"booked:{appointment.pk}:staff:{practitioner.pk}",
                (practitioner.name, practitioner.email),
                _("New booking: %(when)s") % {"when": first["when"]},
                "booked_staff",
                context
                | {
                    "name": practitioner.name,
                    "patient": patient.full_name,
                    "source": appointment.get_source_display(),
                },
                appointment,
                ics=_staff_ics(appointments, clinic, "REQUEST"),
                ics_method="REQUEST",
            )
        )
    return drafts


def _move_event(appointment: Appointment, previous_start: datetime) -> tuple[str, int | None]:
    """A key for this move (the audit event that recorded it) and who had it before."""
    before = previous_start.isoformat()
    for event in appointment.events.filter(action="moved").order_by("-id"):
        origin = (event.changes or {}).get("from") or {}
        start = origin.get("start")
        if start and datetime.fromisoformat(start) == previous_start:
            return f"event{event.pk}", origin.get("practitioner")
    return f"from{before}", None


def for_move(appointment_id: int, *, previous_start: datetime) -> list[Draft]:
    """The new time, to the patient and the practitioner (and to the practitioner who had the
    appointment before, if it was handed over, with a cancelling .ics for their calendar)."""
    appointment = _load(appointment_id)
    if appointment is None or not appointment.is_active or appointment.status == Status.HELD:
        return []
    marker, previous_practitioner_id = _move_event(appointment, previous_start)
    clinic = default_clinic()
    item = _item(appointment)
    zone = appointment.location.zone
    context = _clinic_context(clinic, appointment) | {
        "item": item,
        "previous_when": when(previous_start, zone),
        "manage_url": links.manage_url(appointment),
    }
    subject_args = {"when": item["when"]}
    drafts = []
    patient = appointment.patient
    if patient.email:
        drafts.append(
            _draft(
                Kind.MOVED,
                Audience.PATIENT,
                f"moved:{appointment.pk}:{marker}:patient",
                (patient.full_name, patient.email),
                _("Your appointment has moved to %(when)s") % subject_args,
                "moved_patient",
                context | {"name": patient.first_name},
                appointment,
                ics=_patient_ics([appointment], clinic, "REQUEST"),
                ics_method="REQUEST",
            )
        )
    staff_context = context | {"patient": patient.full_name}
    practitioner = appointment.practitioner
    if practitioner.email:
        drafts.append(
            _draft(
                Kind.MOVED,
                Audience.STAFF,
                f"moved:{appointment.pk}:{marker}:staff:{practitioner.pk}",
                (practitioner.name, practitioner.email),
                _("Appointment moved to %(when)s") % subject_args,
                "moved_staff",
                staff_context | {"name": practitioner.name},
                appointment,
                ics=_staff_ics([appointment], clinic, "REQUEST"),
                ics_method="REQUEST",
            )
        )
    if previous_practitioner_id and previous_practitioner_id != practitioner.pk:
        from acuclinic.clinic.models import Practitioner

        before = Practitioner.objects.filter(pk=previous_practitioner_id).first()
        if before is not None and before.email:
            drafts.append(
                _draft(
                    Kind.MOVED,
                    Audience.STAFF,
                    f"moved:{appointment.pk}:{marker}:staff:{before.pk}",
                    (before.name, before.email),
                    _("Appointment moved to %(when)s") % subject_args,
                    "moved_staff",
                    staff_context | {"name": before.name, "handed_over": True},
                    appointment,
                    ics=_staff_ics([appointment], clinic, "CANCEL", cancelled=True),
                    ics_method="CANCEL",
                )
            )
    return drafts


def for_cancellation(appointment_id: int) -> list[Draft]:
    appointment = _load(appointment_id)
    if appointment is None or appointment.status != Status.CANCELLED:
        return []
    clinic = default_clinic()
    item = _item(appointment)
    context = _clinic_context(clinic, appointment) | {"item": item}
    drafts = []
    patient = appointment.patient
    if patient.email:
        drafts.append(
            _draft(
                Kind.CANCELLED,
                Audience.PATIENT,
                f"cancelled:{appointment.pk}:patient",
                (patient.full_name, patient.email),
                _("Your appointment on %(when)s is cancelled") % {"when": item["when"]},
                "cancelled_patient",
                context | {"name": patient.first_name},
                appointment,
                ics=_patient_ics([appointment], clinic, "CANCEL"),
                ics_method="CANCEL",
            )
        )
    practitioner = appointment.practitioner
    if practitioner.email:
        drafts.append(
            _draft(
                Kind.CANCELLED,
                Audience.STAFF,
                f"cancelled:{appointment.pk}:staff:{practitioner.pk}",
                (practitioner.name, practitioner.email),
                _("Cancelled: %(when)s") % {"when": item["when"]},
                "cancelled_staff",
                context | {"name": practitioner.name, "patient": patient.full_name},
                appointment,
                ics=_staff_ics([appointment], clinic, "CANCEL"),
                ics_method="CANCEL",
            )
        )
    return drafts


def reminder_key(appointment: Appointment) -> str:
    """One reminder per appointment and time: a moved appointment is reminded of its new time."""
    return f"reminder:{appointment.pk}:{utc_key(appointment.start)}"


def reminder(appointment: Appointment, clinic: ClinicSettings) -> Draft | None:
    patient = appointment.patient
    if not patient.email:
        return None
    item = _item(appointment)
    context = _clinic_context(clinic, appointment) | {
        "item": item,
        "name": patient.first_name,
        "manage_url": links.manage_url(appointment),
        "notice_hours": clinic.cancellation_notice_hours,
    }
    return _draft(
        Kind.REMINDER,
        Audience.PATIENT,
        reminder_key(appointment),
        (patient.full_name, patient.email),
        _("Reminder: your appointment on %(when)s") % {"when": item["when"]},
        "reminder_patient",
        context,
        appointment,
    )


def waitlist_offer(offer_id: int) -> list[Draft]:
    offer = (
        WaitlistOffer.objects.select_related(
            "entry__patient",
            "appointment__service",
            "appointment__practitioner",
            "appointment__location",
            "appointment__room",
            "appointment__patient",
        )
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or offer.accepted_at or offer.released_at:
        return []
    patient = offer.entry.patient
    if not patient.email:
        return []
    appointment = offer.appointment
    clinic = default_clinic()
    item = _item(appointment)
    context = _clinic_context(clinic, appointment) | {
        "item": item,
        "name": patient.first_name,
        "accept_url": links.offer_url(offer),
        "expires": when(offer.expires_at, appointment.location.zone),
    }
    draft = _draft(
        Kind.WAITLIST_OFFER,
        Audience.PATIENT,
        f"waitlist_offer:{offer.pk}",
        (patient.full_name, patient.email),
        _("A time is free for you: %(when)s") % {"when": item["when"]},
        "waitlist_offer_patient",
        context,
        appointment,
    )
    # The offer, not the held appointment, decides whether the message still stands.
    return [replace(draft, offer_id=offer.pk)]
