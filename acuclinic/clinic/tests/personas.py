"""The people every permission test is written for (STYLE.md: personas), one of each role.

    from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401

    def test_something(personas: Personas) -> None:
        assert personas.client("front_desk").get(url).status_code == 403

Accounts are made here, not taken from the demo, so a test states the role it relies on: the
owner is an owner through the group (not a superuser), the practitioner has a practitioner
record of their own, each patient account is linked to its own patient record. All fictional;
phone numbers 555-01xx.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client

from acuclinic.clinic import roles
from acuclinic.clinic.models import Practitioner
from acuclinic.patients.models import Patient

NAMES = (
    "anonymous",
    "patient_a",
    "patient_b",
    "front_desk",
    "practitioner",
    "owner",
    "inactive_staff",
)
PASSWORD = "persona-pass-1"


@dataclass
class Personas:
    anonymous: None
    patient_a: Any
    patient_b: Any
    front_desk: Any
    practitioner: Any
    owner: Any
    inactive_staff: Any
    record_a: Patient  # patient A's own record
    record_b: Patient
    practitioner_record: Practitioner

    def user(self, name: str) -> Any:
        if name not in NAMES:
            raise KeyError(name)
        return getattr(self, name)

    def client(self, name: str) -> Client:
        """A client signed in as the persona (none for anonymous). The inactive account is
        signed in too: Django's session check must turn it away on its next request."""
        client = Client()
        user = self.user(name)
        if user is not None:
            client.force_login(user)
        return client


@cache
def _password_hash() -> str:
    # Hashed once: seven slow hashes per test would dominate every permission test.
    return make_password(PASSWORD)


def make_personas() -> Personas:
    users = get_user_model().objects

    def account(name: str, **extra: Any) -> Any:
        user = users.create_user(f"persona-{name}", f"{name}@example.org", None, **extra)
        user.password = _password_hash()
        user.save(update_fields=["password"])
        return user

    patient_a, patient_b = account("patient-a"), account("patient-b")
    record_a = Patient.objects.create(
        full_name="Juniper Halloway",
        email="juniper@example.org",
        phone="(303) 555-0161",
        user=patient_a,
    )
    record_b = Patient.objects.create(
        full_name="Bartholomew Lund",
        email="bart@example.org",
        phone="(303) 555-0162",
        user=patient_b,
    )
    front_desk = account("front-desk", first_name="Ines", last_name="Marchetti")
    roles.grant(front_desk, roles.Role.FRONT_DESK)
    practitioner = account("practitioner", first_name="Odile", last_name="Fenwick")
    roles.grant(practitioner, roles.Role.PRACTITIONER)
    practitioner_record = Practitioner.objects.create(
        user=practitioner, name="Odile Fenwick", slug="persona-odile-fenwick"
    )
    owner = account("owner", first_name="Cyrus", last_name="Abernathy")
    roles.grant(owner, roles.Role.OWNER)
    # A practitioner who left: still in the group, account switched off.
    inactive_staff = account("inactive")
    roles.grant(inactive_staff, roles.Role.PRACTITIONER)
    inactive_staff.is_active = False
    inactive_staff.save(update_fields=["is_active"])
    return Personas(
        anonymous=None,
        patient_a=patient_a,
        patient_b=patient_b,
        front_desk=front_desk,
        practitioner=practitioner,
        owner=owner,
        inactive_staff=inactive_staff,
        record_a=record_a,
        record_b=record_b,
        practitioner_record=practitioner_record,
    )


@pytest.fixture(name="personas")
def personas_fixture(db) -> Personas:  # type: ignore[no-untyped-def]
    return make_personas()
