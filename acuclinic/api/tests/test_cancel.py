"""POST /api/bookings/cancel with the token from the patient's manage link."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from acuclinic.clinic.models import Practitioner, default_clinic
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, links, slots
from acuclinic.scheduling.models import Appointment, AppointmentEvent, Service, Status

from .conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(api, tuesday) -> Appointment:  # type: ignore[no-untyped-def]
    slot = api.slots(start=str(tuesday), days=1, practitioner="lena-qiao")[0]
    response = api.book(body(slot["start"]))
    assert response.status_code == 201
    return Appointment.objects.get(public_id=response.json()["id"])


def cancel(api, token):  # type: ignore[no-untyped-def]
    return api.post_json("/api/bookings/cancel", {"token": token})


def test_cancelling_frees_the_time(api, booked) -> None:
    token = links.manage_token(booked)
    response = cancel(api, token)
    assert response.status_code == 200
    assert response.json() == {"status": "cancelled"}
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    event = AppointmentEvent.objects.filter(appointment=booked, action="cancelled").get()
    assert event.actor_label == "API client"
    day = booked.start.astimezone(booked.location.zone).date()
    starts = [s["start"] for s in api.slots(start=str(day), days=1, practitioner="lena-qiao")]
    assert booked.start.isoformat().replace("+00:00", "Z") in starts


def test_the_token_in_the_booking_answer_cancels(api, tuesday) -> None:
    slot = api.slots(start=str(tuesday), days=1)[0]
    manage_url = api.book(body(slot["start"], practitioner="any")).json()["manage_url"]
    token = manage_url.rstrip("/").rsplit("/", 1)[1]
    assert cancel(api, token).status_code == 200


def test_cancelling_twice_is_not_an_error(api, booked) -> None:
    token = links.manage_token(booked)
    assert cancel(api, token).status_code == 200
    again = cancel(api, token)
    assert again.status_code == 200
    assert again.json() == {"status": "cancelled"}
    assert booked.events.filter(action="cancelled").count() == 1


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "x" * 500,
        "a:b:c",
        signing.dumps("00000000-0000-0000-0000-000000000000", salt=links.MANAGE),
        signing.dumps("not-a-uuid", salt="another.salt"),
    ],
)
def test_a_bad_token_is_not_found(api, booked, token) -> None:
    response = cancel(api, token)
    assert response.status_code == 404
    assert response.json() == {"detail": "This link is not valid."}
    booked.refresh_from_db()
    assert booked.status == Status.CONFIRMED


def test_a_tampered_token_is_not_found(api, booked) -> None:
    token = links.manage_token(booked)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert cancel(api, tampered).status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"token": ""},
        {"token": 5},
        {"token": "x" * 501},
        {"token": "ünï:tøken"},
        {"token": "\ud800"},
    ],
)
def test_a_missing_or_malformed_token_is_a_field_error(api, payload) -> None:
    response = api.post_json("/api/bookings/cancel", payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:1] == ["body"]


def test_inside_the_cancellation_window_the_patient_must_call(api, booked) -> None:
    # The booking is a month ahead: a window of 60 days covers it, one of 24 hours does not.
    clinic = default_clinic()
    clinic.cancellation_notice_hours = 24 * 60
    clinic.save()
    response = cancel(api, links.manage_token(booked))
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Appointments can be cancelled online up to 1440 hours before; please call the clinic."
    )
    booked.refresh_from_db()
    assert booked.status == Status.CONFIRMED
    clinic.cancellation_notice_hours = 24
    clinic.save()
    assert cancel(api, links.manage_token(booked)).status_code == 200


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.ARRIVED, Status.NO_SHOW])
def test_a_visit_that_happened_cannot_be_cancelled(api, booked, status) -> None:
    Appointment.objects.filter(pk=booked.pk).update(status=status)
    response = cancel(api, links.manage_token(booked))
    assert response.status_code == 400
    assert response.json()["detail"] == "This appointment can no longer be cancelled online."


def test_a_past_appointment_cannot_be_cancelled(api) -> None:
    # Sixty days back: before the demo's appointments, so the staff booking has the room free.
    start = (timezone.now() - timedelta(days=60)).replace(minute=0, second=0, microsecond=0)
    past = booking.book(
        service=Service.objects.get(slug="acupuncture-back-pain"),
        practitioner=Practitioner.objects.get(slug="lena-qiao"),
        start=start,
        patient=Patient.objects.create(full_name="Past Patient", email="past@example.com"),
        actor=booking.Actor("test"),
        rules=slots.STAFF,
        notify=False,
    )
    assert past.status == Status.CONFIRMED
    response = cancel(api, links.manage_token(past))
    assert response.status_code == 400
