"""Fixtures for the prescription tests: personas, a visit of patient A with the persona
practitioner (400 days ahead, clear of the demo schedule), an intake, a prescription started
from Du Huo Ji Sheng Tang."""

from typing import Any

import pytest
from django.test import Client

from acuclinic.charting.models import Visit
from acuclinic.charting.tests.conftest import give_intake, make_appointment, request_as
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.herbs import actions
from acuclinic.herbs.models import Prescription

__all__ = ["give_intake", "request_as"]

DHJST = "du-huo-ji-sheng-tang"


def make_visit(personas: Personas, patient: Any = None, *, days: int = 400) -> Visit:
    from acuclinic.charting import actions as charting

    patient = patient or personas.record_a
    appointment = make_appointment(patient, personas.practitioner_record, days=days)
    return charting.start_visit(
        patient=patient, appointment=appointment, request=request_as(personas.practitioner)
    )


@pytest.fixture
def visit(personas: Personas) -> Visit:
    return make_visit(personas)


@pytest.fixture
def prescription(personas: Personas, visit: Visit) -> Prescription:
    give_intake(personas.record_a)
    return actions.start_prescription(
        visit=visit, request=request_as(personas.practitioner), formula_code=DHJST
    )


@pytest.fixture
def practitioner(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.practitioner)
    return client
