"""POST /api/bookings: one booking through scheduling.booking, clear refusals, safe retries."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acuclinic.patients.models import Patient
from acuclinic.scheduling import links
from acuclinic.scheduling.models import Appointment, AppointmentEvent, Service, Source, Status

from .conftest import DENVER, SERVICE, body, local, weekday_ahead

pytestmark = pytest.mark.django_db


def first_free(api, day, practitioner="lena-qiao", service=SERVICE) -> dict:  # type: ignore[no-untyped-def]
    return api.slots(service=service, start=str(day), days=1, practitioner=practitioner)[0]


def token_of(answer: dict) -> str:
    return answer["manage_url"].rstrip("/").rsplit("/", 1)[1]


def test_booking_a_free_time(api, tuesday) -> None:
    slot = first_free(api, tuesday)
    response = api.book(body(slot["start"]))
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {
        "id",
        "start",
        "end",
        "local_start",
        "status",
        "practitioner",
        "service",
        "location",
        "manage_url",
    }
    appointment = Appointment.objects.get(public_id=uuid.UUID(data["id"]))
    assert data["start"] == slot["start"]
    assert datetime.fromisoformat(data["start"]) == appointment.start
    assert datetime.fromisoformat(data["end"]) == appointment.end
    assert data["local_start"] == slot["local_start"]
    assert (data["status"], data["practitioner"], data["service"]) == (
        "confirmed",
        "lena-qiao",
        SERVICE,
    )
    assert data["location"] == "garrison-street"
    assert links.appointment_for(token_of(data)) == appointment
    assert appointment.source == Source.ONLINE
    assert appointment.staff_notes == ""
    assert appointment.patient.full_name == "Quentin Applebury"
    assert appointment.patient.email == "quentin.applebury@example.net"
    assert appointment.patient.phone == "+1 303 555 0199"
    assert AppointmentEvent.objects.get(appointment=appointment).actor_label == "API client"


def test_any_start_offset_names_the_same_instant(api, tuesday) -> None:
    slot = first_free(api, tuesday)
    in_denver = datetime.fromisoformat(slot["start"]).astimezone(DENVER).isoformat()
    response = api.book(body(in_denver))
    assert response.status_code == 201
    assert response.json()["start"] == slot["start"]


def test_a_known_email_books_for_the_same_patient_without_changing_it(api, tuesday) -> None:
    known = Patient.objects.get(email="avery.lindqvist@example.com")
    patients = Patient.objects.count()
    slot = first_free(api, tuesday)
    response = api.book(
        body(slot["start"], email="Avery.LINDQVIST@example.com", name="Someone Else")
    )
    assert response.status_code == 201
    assert Patient.objects.count() == patients
    appointment = Appointment.objects.get(public_id=response.json()["id"])
    assert appointment.patient == known
    known.refresh_from_db()
    assert known.full_name == "Avery Lindqvist"
    # Nothing in the answer tells a known address from a new one.
    other = api.book(body(first_free(api, tuesday)["start"], email="brand.new@example.net"))
    assert set(other.json()) == set(response.json())
    assert "Avery" not in response.content.decode()


def test_any_practitioner_books_the_first_one_free(api, tuesday) -> None:
    lena_first = first_free(api, tuesday)
    response = api.book(body(lena_first["start"], practitioner="any"))
    assert response.status_code == 201
    assert response.json()["practitioner"] == "lena-qiao"  # the usual order: by name
    # Lena is now taken at that time; Tomás is free then.
    second = api.book(body(lena_first["start"], practitioner="any", email="second@example.net"))
    assert second.status_code == 201, second.content
    assert second.json()["practitioner"] == "tomas-rivera"
    third = api.book(body(lena_first["start"], practitioner="any", email="third@example.net"))
    assert third.status_code == 409
    assert third.json()["alternatives"]


def test_the_same_time_twice_is_taken_with_alternatives(api, tuesday) -> None:
    slot = first_free(api, tuesday)
    assert api.book(body(slot["start"])).status_code == 201
    patients = Patient.objects.count()
    response = api.book(body(slot["start"], email="late.comer@example.net", name="Late Comer"))
    assert response.status_code == 409
    data = response.json()
    assert data["detail"] == "Sorry, that time was just taken."
    alternatives = data["alternatives"]
    assert 1 <= len(alternatives) <= 6
    taken = datetime.fromisoformat(slot["start"])
    assert all(
        (a["start"], a["practitioner"]) != (slot["start"], "lena-qiao") for a in alternatives
    )
    assert min(abs(datetime.fromisoformat(a["start"]) - taken) for a in alternatives) <= timedelta(
        hours=2
    )
    assert set(alternatives[0]) == {"start", "end", "local_start", "practitioner", "location"}
    # Each alternative can really be booked.
    choice = alternatives[0]
    retry = api.book(body(choice["start"], practitioner=choice["practitioner"], email="l@ex.net"))
    assert retry.status_code == 201
    # The refused caller left no patient record behind.
    assert Patient.objects.count() == patients + 1
    assert not Patient.objects.filter(email="late.comer@example.net").exists()


def test_a_taken_time_is_refused_without_writing_anything(api, tuesday) -> None:
    """The losers of a rush for one slot cost a read each, not the database's write lock."""
    slot = first_free(api, tuesday)
    assert api.book(body(slot["start"])).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = api.book(body(slot["start"], email="rush@example.net"))
    assert response.status_code == 409
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_a_time_whose_rooms_are_all_taken_is_refused_with_alternatives(api, tuesday) -> None:
    """Rooms are chosen under the write lock: Lena is free, but Tomás has the last room."""
    from acuclinic.clinic.models import Room

    lena = {s["start"] for s in api.slots(start=str(tuesday), days=1, practitioner="lena-qiao")}
    tomas = api.slots(start=str(tuesday), days=1, practitioner="tomas-rivera")
    start = next(s["start"] for s in tomas if s["start"] in lena)
    kept = Room.objects.filter(location__slug="garrison-street", is_active=True).first()
    Room.objects.filter(location__slug="garrison-street").exclude(pk=kept.pk).update(
        is_active=False
    )
    assert api.book(body(start, practitioner="tomas-rivera")).status_code == 201
    patients = Patient.objects.count()
    response = api.book(body(start, email="no.room@example.net", name="No Room"))
    assert response.status_code == 409, response.content
    assert response.json()["detail"] == "Sorry, no treatment room is free at that time."
    assert response.json()["alternatives"]
    assert Patient.objects.count() == patients  # the record made for it was removed again
    assert Appointment.objects.filter(start=datetime.fromisoformat(start)).count() == 1


def test_an_idempotency_key_makes_a_retry_one_booking(api, tuesday) -> None:
    slot = first_free(api, tuesday)
    first = api.book(body(slot["start"]), key="retry-7f3c")
    again = api.book(body(slot["start"]), key="retry-7f3c")
    assert first.status_code == again.status_code == 201
    # The same answer; the manage link is signed afresh (its timestamp may differ by a second).
    one, two = first.json(), again.json()
    assert {k: v for k, v in one.items() if k != "manage_url"} == {
        k: v for k, v in two.items() if k != "manage_url"
    }
    assert token_of(one) and links.appointment_for(token_of(one)) == links.appointment_for(
        token_of(two)
    )
    assert (
        Appointment.objects.filter(start=datetime.fromisoformat(slot["start"]))
        .filter(patient__email="quentin.applebury@example.net")
        .count()
        == 1
    )
    # Any practitioner, retried after the first attempt booked Lena: still the one booking.
    any_first = api.book(body(slot["end"], practitioner="any"), key="any-key")
    any_again = api.book(body(slot["end"], practitioner="any"), key="any-key")
    assert any_first.status_code == any_again.status_code == 201
    assert any_first.json()["id"] == any_again.json()["id"]


def test_a_key_reused_for_another_request_does_not_return_someone_elses_booking(
    api, tuesday
) -> None:
    slot = first_free(api, tuesday)
    mine = api.book(body(slot["start"]), key="shared-key")
    theirs = api.book(body(slot["start"], email="intruder@example.net"), key="shared-key")
    assert theirs.status_code == 409
    assert mine.json()["manage_url"] not in theirs.content.decode()
    assert mine.json()["id"] not in theirs.content.decode()


def test_no_csrf_token_or_cookie_is_needed(api, tuesday) -> None:
    slot = first_free(api, tuesday)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/bookings", body(slot["start"]), content_type="application/json")
    assert response.status_code == 201
    assert not response.cookies


def test_a_note_is_not_stored(api, tuesday) -> None:
    slot = first_free(api, tuesday)
    response = api.book(body(slot["start"], note="My knee hurts since the accident"))
    assert response.status_code == 201
    appointment = Appointment.objects.get(public_id=response.json()["id"])
    assert appointment.staff_notes == ""
    assert "knee" not in str(list(appointment.events.values_list("changes", flat=True)))


# --- times that cannot be booked: 400 with booking's own message ----------------------------


def refused_with_a_reason(response) -> str:  # type: ignore[no-untyped-def]
    """400 with booking.NotBookable's message (its wording belongs to scheduling.booking)."""
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"detail"}
    detail = response.json()["detail"]
    assert isinstance(detail, str) and len(detail) > 10
    return detail


def test_an_off_grid_time_is_refused(api, tuesday) -> None:
    refused_with_a_reason(api.book(body(local(tuesday, 10, 7).isoformat())))


def test_a_time_outside_working_hours_is_refused(api, tuesday) -> None:
    sunday = weekday_ahead(6)
    refused_with_a_reason(api.book(body(local(sunday, 10).isoformat(), practitioner="any")))
    refused_with_a_reason(api.book(body(local(tuesday, 13).isoformat())))  # Lena's lunch
    refused_with_a_reason(api.book(body(local(tuesday, 6).isoformat(), practitioner="any")))


def test_a_past_time_is_refused(api) -> None:
    past = (timezone.now() - timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    response = api.book(body(past.isoformat()))
    assert response.status_code == 400
    assert response.json()["detail"] == "That time has already passed."
    for extreme in ("0001-01-01T00:00:00+14:00", "1970-01-01T00:00:00Z"):
        assert api.book(body(extreme)).status_code == 400


def test_a_time_too_soon_is_refused(api) -> None:
    soon = timezone.now() + timedelta(minutes=30)
    soon = soon.replace(minute=soon.minute // 15 * 15, second=0, microsecond=0)
    refused_with_a_reason(api.book(body(soon.isoformat(), practitioner="any")))


def test_a_time_too_far_ahead_is_refused(api) -> None:
    far = weekday_ahead(1, at_least=120)
    response = api.book(body(local(far, 10).isoformat()))
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Bookings open 90 days ahead; please choose an earlier day."
    )
    assert api.book(body("9999-12-31T23:45:00-14:00")).status_code == 400


def test_a_time_that_does_not_exist_locally_is_not_bookable(api) -> None:
    """02:30 on the spring-forward Sunday does not exist in Denver. Sent with an offset it is
    an instant (03:30 or 01:30 local), which is not a bookable time; sent naive it is refused."""
    Service.objects.filter(slug=SERVICE).update(max_advance_days=400)
    today = timezone.now().astimezone(DENVER).date()
    for n in range(1, 367):
        day = today + timedelta(days=n)
        naive = datetime(day.year, day.month, day.day, 2, 30)
        if naive.replace(tzinfo=DENVER).astimezone(UTC).astimezone(DENVER).hour != 2:
            break
    for offset in ("-07:00", "-06:00"):
        response = api.book(body(naive.isoformat() + offset))
        assert response.status_code == 400, response.content
    assert api.book(body(naive.isoformat())).status_code == 422


# --- malformed input: 422 with field errors ------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"service": "no-such-service"}, "service"),
        ({"service": "massage"}, "practitioner"),  # Lena does not offer massage
        ({"practitioner": "nobody"}, "practitioner"),
        ({"practitioner": "../../etc"}, "practitioner"),
        ({"start": "2027-01-05T10:00:00"}, "start"),  # naive
        ({"start": "2027-01-05"}, "start"),
        ({"start": "tomorrow at ten"}, "start"),
        ({"start": 1800000000}, "start"),
        ({"start": "2027-02-30T10:00:00Z"}, "start"),
        ({"start": "2027-01-05T10:00:00+25:00"}, "start"),
        ({"start": None}, "start"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 161}, "name"),
        ({"name": "Null\x00Byte"}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": ["a@example.com"]}, "email"),
        ({"phone": "call me maybe"}, "phone"),
        ({"service": 42}, "service"),
    ],
)
def test_bad_fields_get_a_field_error(api, tuesday, changes, field) -> None:
    data = body(local(tuesday, 10).isoformat())
    data.update(changes)
    patients = Patient.objects.count()
    response = api.book(data)
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert [e["loc"] for e in errors] == [["body", field]]
    assert all(e["msg"] and "input" not in e for e in errors)
    assert Patient.objects.count() == patients


def test_missing_fields_are_each_named(api) -> None:
    response = api.book({"service": SERVICE})
    assert response.status_code == 422
    fields = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert fields == {("body", "start"), ("body", "name"), ("body", "email")}


@pytest.mark.parametrize("raw", ["{bad json", "", "[]", "null", '"text"', "\xff\xfe"])
def test_a_body_that_is_not_an_object_is_refused(api, raw) -> None:
    response = api.post_json("/api/bookings", raw.encode("latin-1"))
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.parametrize("key", ["x" * 256, "has space", "tab\tkey", "ünïcode"])
def test_a_malformed_idempotency_key_is_refused(api, tuesday, key) -> None:
    response = api.post(
        "/api/bookings",
        body(local(tuesday, 10).isoformat()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


def test_a_huge_body_is_refused_as_too_large(api, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.book(body("2027-01-05T10:00:00Z", name="x" * 5000))
    assert response.status_code == 413
    assert response.json()["detail"] == "The request is too large."


# --- a real race: two callers at the same moment --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_callers_racing_for_one_time_get_one_booking(demo) -> None:
    day = weekday_ahead(3)  # a Thursday
    start = local(day, 16).astimezone(UTC).isoformat()
    barrier = threading.Barrier(2)
    results: list[int] = []
    bodies: list[dict] = []

    def call(n: int) -> None:
        try:
            client = Client(enforce_csrf_checks=True)
            barrier.wait()
            response = client.post(
                "/api/bookings",
                body(start, email=f"racer{n}@example.net"),
                content_type="application/json",
            )
            results.append(response.status_code)
            bodies.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201, 409], bodies
    lost = next(b for b in bodies if "alternatives" in b)
    assert lost["detail"] == "Sorry, that time was just taken."
    assert lost["alternatives"]
    assert (
        Appointment.objects.filter(start=datetime.fromisoformat(start))
        .exclude(status=Status.CANCELLED)
        .filter(practitioner__slug="lena-qiao")
        .count()
        == 1
    )
