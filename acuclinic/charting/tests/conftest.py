"""Fixtures for the charting tests: personas, an appointment of patient A with the persona
practitioner (400 days ahead, clear of the demo schedule), a visit for it, and an intake."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from acuclinic.charting.models import Visit
from acuclinic.clinic.models import Location
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.patients import intake as intakes
from acuclinic.patients.models import IntakeResponse, IntakeStatus, Patient
from acuclinic.patients.tests.intake_answers import complete_answers
from acuclinic.scheduling.models import Appointment, Service


def make_appointment(patient: Patient, practitioner: Any, *, days: int = 400) -> Appointment:
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return Appointment.objects.create(
        patient=patient,
        practitioner=practitioner,
        service=Service.objects.filter(needs_room=False).first(),
        location=Location.objects.first(),
        start=start,
        end=start + timedelta(minutes=45),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=45),
        source="staff",
    )


def give_intake(patient: Patient, **changes: Any) -> IntakeResponse:
    definition = intakes.current_definition()
    return IntakeResponse.objects.create(
        patient=patient,
        questionnaire=definition.key,
        version=definition.version,
        status=IntakeStatus.SUBMITTED,
        submitted_at=timezone.now(),
        answers=complete_answers(**changes),
    )


def request_as(user: Any) -> Any:
    """A request for calling actions directly: the user and an address, as a view has."""
    request = RequestFactory().post("/")
    request.user = user
    return request


def client_as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def appointment(personas: Personas) -> Appointment:
    return make_appointment(personas.record_a, personas.practitioner_record)


@pytest.fixture
def visit(personas: Personas, appointment: Appointment) -> Visit:
    from acuclinic.charting import actions

    return actions.start_visit(
        patient=personas.record_a,
        appointment=appointment,
        request=request_as(personas.practitioner),
    )


@pytest.fixture
def practitioner(personas: Personas) -> Client:
    return client_as(personas.practitioner)
