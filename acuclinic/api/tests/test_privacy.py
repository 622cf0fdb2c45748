"""No patient data leaves through the API: not in answers, errors, alternatives or the schema."""

import pytest
from django.utils import timezone

from acuclinic.patients.models import Patient
from acuclinic.scheduling import links
from acuclinic.scheduling.models import Appointment

from .conftest import DENVER, SERVICE, body, local

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Zebedee Quarrington", "zebedee.q@example.org", "+1 720 555 0177"


def secrets_of_patients() -> set[str]:
    found = set()
    for name, email, phone in Patient.objects.values_list("full_name", "email", "phone"):
        found |= {name, email, phone, email.split("@")[0]}
        found |= {part for part in name.split() if len(part) > 3}
    return {s for s in found if s}


def test_no_response_carries_a_patients_details(api, tuesday) -> None:
    today = timezone.now().astimezone(DENVER).date()
    slot = api.slots(start=str(tuesday), days=1, practitioner="lena-qiao")[0]
    mine = dict(body(slot["start"]), name=NAME, email=EMAIL, phone=PHONE)
    responses = [
        api.book(mine, key="privacy-key"),
        api.book(mine, key="privacy-key"),  # the retry's answer
        # Someone else trying the same time sees alternatives, not who has it.
        api.book(dict(mine, email="other@example.net", name="Other Person")),
        api.book(dict(mine, start=local(tuesday, 10, 7).isoformat())),
        api.book(dict(mine, email="zebedee-not-an-email")),
        api.book(dict(mine, name="Zebedee\x00Quarrington")),
        api.get("/api/services"),
        api.get("/api/practitioners"),
        # Three weeks of demo appointments behind, two ahead, and the new one.
        api.get("/api/availability", {"service": SERVICE, "start": str(today), "days": 62}),
        api.get("/api/availability", {"service": SERVICE, "start": str(tuesday), "days": 1}),
        api.get("/api/openapi.json"),
        api.get("/api/bookings"),
        api.get(f"/api/bookings/{Appointment.objects.first().public_id}"),
    ]
    booked = responses[0].json()
    assert responses[0].status_code == 201
    responses.append(api.post_json("/api/bookings/cancel", {"token": "wrong"}))
    token = booked["manage_url"].rstrip("/").rsplit("/", 1)[1]
    responses.append(api.post_json("/api/bookings/cancel", {"token": token}))
    secrets = secrets_of_patients()
    assert {NAME, EMAIL, PHONE} <= secrets
    for response in responses:
        text = response.content.decode()
        assert not [s for s in secrets if s in text], (response.status_code, text[:300])
        assert "Set-Cookie" not in response
    # The rejected e-mail is not echoed back either.
    assert "zebedee-not-an-email" not in responses[4].content.decode()


def test_nothing_lists_appointments_or_patients(api) -> None:
    schema = api.get("/api/openapi.json").json()
    assert {m for item in schema["paths"].values() for m in item} == {"get", "post"}
    answers = {
        ref.rsplit("/", 1)[1]
        for item in schema["paths"].values()
        for operation in item.values()
        for response in operation["responses"].values()
        for ref in _refs(response)
    }
    assert "BookingOut" in answers and "BookingIn" not in answers
    components = schema["components"]["schemas"]
    fields = {f for name in answers for f in components[name].get("properties", {})}
    nested = {ref.rsplit("/", 1)[1] for name in answers for ref in _refs(components[name])}
    fields |= {f for name in nested for f in components[name].get("properties", {})}
    assert not fields & {"email", "phone", "full_name", "patient", "staff_notes", "note"}
    appointment = Appointment.objects.first()
    for path in (
        "/api/bookings",
        f"/api/bookings/{appointment.public_id}",
        "/api/patients",
        "/api/appointments",
    ):
        response = api.get(path, follow=True)  # unknown paths may gain a slash, then 404
        assert response.status_code in (404, 405)
        assert appointment.patient.full_name not in response.content.decode()


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_a_manage_link_is_only_in_the_answer_to_the_booking_itself(api, tuesday) -> None:
    slot = api.slots(start=str(tuesday), days=1, practitioner="lena-qiao")[0]
    first = api.book(body(slot["start"]))
    appointment = Appointment.objects.get(public_id=first.json()["id"])
    token = links.manage_token(appointment)
    later = [
        api.book(body(slot["start"], email="someone.else@example.net")),
        api.get("/api/availability", {"service": SERVICE, "start": str(tuesday), "days": 1}),
    ]
    for response in later:
        assert token not in response.content.decode()
        assert str(appointment.public_id) not in response.content.decode()
