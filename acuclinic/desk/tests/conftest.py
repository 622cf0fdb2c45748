"""Fixtures for the staff calendar's tests: the demo clinic's people and a booking helper.

Appointments the tests make are at least 30 days ahead, clear of the demo schedule."""

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from acuclinic.clinic import roles
from acuclinic.clinic.models import Location, Practitioner
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, slots
from acuclinic.scheduling.availability import local_to_utc
from acuclinic.scheduling.models import Appointment, Service, Source

DENVER_SLUG = "garrison-street"


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def moderator(moderator):  # type: ignore[no-untyped-def]
    """The root conftest's staff personas, given the front-desk role: since roles arrived,
    `is_staff` alone no longer opens the calendar (calendar_access.can_use_calendar)."""
    roles.grant(moderator, roles.Role.FRONT_DESK)
    return moderator


@pytest.fixture
def staff_without_permission(staff_without_permission):  # type: ignore[no-untyped-def]
    roles.grant(staff_without_permission, roles.Role.FRONT_DESK)
    return staff_without_permission


@pytest.fixture
def location(db) -> Location:  # type: ignore[no-untyped-def]
    return Location.objects.get(slug=DENVER_SLUG)


@pytest.fixture
def lena(db) -> Practitioner:  # type: ignore[no-untyped-def]
    return Practitioner.objects.get(slug="lena-qiao")


@pytest.fixture
def tomas(db) -> Practitioner:  # type: ignore[no-untyped-def]
    return Practitioner.objects.get(slug="tomas-rivera")


@pytest.fixture
def cupping(db) -> Service:  # type: ignore[no-untyped-def]
    return Service.objects.get(slug="cupping")  # 30 minutes, 10 after, needs a room


@pytest.fixture
def patient(db) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(
        full_name="Rowan Quillfeather", email="rowan@example.org", phone="(303) 555-0177"
    )


@pytest.fixture
def staff(owner) -> Client:  # type: ignore[no-untyped-def]
    return as_user(owner)


@pytest.fixture
def monday(location) -> date:  # type: ignore[no-untyped-def]
    """A Monday six to seven weeks ahead, in the clinic's zone."""
    today = timezone.now().astimezone(location.zone).date() + timedelta(days=42)
    return today - timedelta(days=today.weekday())


def local(location: Location, day: date, hour: int, minute: int = 0) -> datetime:
    instant = local_to_utc(day, time(hour, minute), location.zone)
    assert instant is not None
    return instant


def book(
    *, service: Service, practitioner: Practitioner, start: datetime, patient: Patient
) -> Appointment:
    return booking.book(
        service=service,
        practitioner=practitioner,
        start=start,
        patient=patient,
        actor=booking.SYSTEM,
        source=Source.STAFF,
        rules=slots.STAFF,
        notify=False,
    )
