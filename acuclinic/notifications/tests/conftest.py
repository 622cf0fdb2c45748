"""Fixtures for the notification tests: a patient, booking helpers, and e-mail part readers."""

import re
from collections.abc import Callable
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from zoneinfo import ZoneInfo

import pytest

from acuclinic.clinic.models import Practitioner
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, links, slots
from acuclinic.scheduling.models import Appointment, Service, Source, WaitlistOffer

DENVER = ZoneInfo("America/Denver")
STAFF_NOTE = "SECRET-NOTE: lumbar disc, on warfarin"
PATIENT_EMAIL = "maren.holt@example.com"
TESTER = booking.Actor("test")


def local(text: str) -> datetime:
    """A Denver wall-clock time, e.g. local("2027-03-15 09:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=DENVER)


@pytest.fixture
def patient(db) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(full_name="Maren Holt", email=PATIENT_EMAIL, phone="303-555-0177")


@pytest.fixture
def book(patient: Patient) -> Callable[..., Appointment]:
    """Book as staff (any hour), with a staff note that must never reach a message."""

    def make(
        start: datetime,
        *,
        practitioner: str = "lena-qiao",
        service: str = "acupuncture-back-pain",
        who: Patient | None = None,
    ) -> Appointment:
        return booking.book(
            service=Service.objects.get(slug=service),
            practitioner=Practitioner.objects.get(slug=practitioner),
            start=start,
            patient=who or patient,
            actor=TESTER,
            source=Source.STAFF,
            rules=slots.STAFF,
            staff_notes=STAFF_NOTE,
        )

    return make


SIGNED_LINK = re.compile(r"https?://[^\s\"<>]+/book/(manage|offer)/([^/\s\"<>]+)/")


def managed_by(text: str) -> list[Appointment]:
    """The appointments whose signed manage links appear in `text` (the tokens hold a
    timestamp, so compare what a link opens, not its spelling)."""
    found = [
        links.appointment_for(token)
        for kind, token in SIGNED_LINK.findall(text)
        if kind == "manage"
    ]
    return [appointment for appointment in found if appointment is not None]


def offers_in(text: str) -> list[WaitlistOffer]:
    found = [links.offer_for(token) for kind, token in SIGNED_LINK.findall(text) if kind == "offer"]
    return [offer for offer in found if offer is not None]


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def text_of(message: Message) -> str:
    return _part(message, "text/plain")


def html_of(message: Message) -> str:
    return _part(message, "text/html")


def ics_of(message: Message) -> str:
    return _part(message, "text/calendar")


def ics_part(message: Message) -> Message | None:
    return next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)


def _part(message: Message, content_type: str) -> str:
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def everything_in(message: Message) -> str:
    """Subject, every text part and the calendar: where clinical detail must never be."""
    return "\n".join([subject_of(message), text_of(message), html_of(message), ics_of(message)])
