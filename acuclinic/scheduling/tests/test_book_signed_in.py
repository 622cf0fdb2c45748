"""A patient signed in to the portal books through /book/: the visit goes on their own record
(whatever the form says), and the form starts with their details."""

from datetime import timedelta

import pytest

from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.patients.models import Patient
from acuclinic.scheduling.models import Appointment, WaitlistEntry

from .test_book_views import DETAILS, at, monday_after, param, post_booking, url

pytestmark = pytest.mark.django_db


def details_page(client, start):  # type: ignore[no-untyped-def]
    query = url(service="acupuncture-back-pain", practitioner="lena-qiao", start=param(start))
    return client.get(query)


def test_the_details_form_starts_with_the_patients_own_details(personas: Personas) -> None:
    start = at(monday_after(30), 10)
    response = details_page(personas.client("patient_a"), start)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["full_name"].value() == "Juniper Halloway"
    assert form["email"].value() == "juniper@example.org"
    assert form["phone"].value() == "(303) 555-0161"
    assert "You are signed in as Juniper Halloway" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_a_visitor_or_staff_gets_an_empty_form(personas: Personas) -> None:
    start = at(monday_after(30), 10)
    for who in ("anonymous", "front_desk"):
        response = details_page(personas.client(who), start)
        form = response.context["form"]
        assert form["full_name"].value() is None and form["email"].value() is None, who
        assert "You are signed in as" not in response.content.decode()


def test_the_booking_goes_on_the_signed_in_patients_record(personas: Personas) -> None:
    start = at(monday_after(30), 10)
    before = Patient.objects.count()
    # Another patient's e-mail typed in: still the signed-in patient's visit, no other record.
    response = post_booking(
        personas.client("patient_a"),
        "acupuncture-back-pain",
        "lena-qiao",
        start,
        full_name="Juniper Halloway",
        email="bart@example.org",
        phone="(303) 555-0161",
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(start=start)
    assert appointment.patient == personas.record_a
    assert Patient.objects.count() == before
    # Shown on their portal overview, not on the other patient's.
    mine = personas.client("patient_a").get("/portal/").context["upcoming"]
    assert [v.appointment for v in mine] == [appointment]
    assert personas.client("patient_b").get("/portal/").context["upcoming"] == []


def test_changed_details_are_noted_for_staff_not_written_to_the_record(
    personas: Personas,
) -> None:
    start = at(monday_after(30), 11)
    client = personas.client("patient_a")
    response = post_booking(
        client, "acupuncture-back-pain", "lena-qiao", start,
        full_name="Juniper H.", email="juniper@example.org", phone="(303) 555-0199",
    )  # fmt: skip
    assert response.status_code == 302
    appointment = Appointment.objects.get(start=start)
    assert appointment.patient == personas.record_a
    assert "Booked online as: Juniper H., (303) 555-0199." in appointment.staff_notes
    personas.record_a.refresh_from_db()
    assert personas.record_a.phone == "(303) 555-0161"


def test_anonymous_booking_still_finds_or_creates_by_email(personas: Personas) -> None:
    start = at(monday_after(30), 14)
    response = post_booking(
        personas.client("anonymous"), "acupuncture-back-pain", "lena-qiao", start
    )
    assert response.status_code == 302
    assert Appointment.objects.get(start=start).patient.email == DETAILS["email"]


def test_the_waitlist_goes_on_the_signed_in_patients_record(personas: Personas) -> None:
    monday = monday_after(30)
    client = personas.client("patient_b")
    page = client.get("/book/waitlist/?service=acupuncture-back-pain&practitioner=any")
    assert page.context["form"]["email"].value() == "bart@example.org"
    response = client.post(
        "/book/waitlist/?service=acupuncture-back-pain&practitioner=any",
        {
            "full_name": "Bartholomew Lund",
            "email": "someone-else@example.com",
            "phone": "(303) 555-0162",
            "earliest": monday.isoformat(),
            "latest": (monday + timedelta(days=6)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert WaitlistEntry.objects.get().patient == personas.record_b
    assert not Patient.objects.filter(email="someone-else@example.com").exists()
