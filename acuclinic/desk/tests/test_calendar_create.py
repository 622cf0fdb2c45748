"""Booking from the desk: find or add the patient, pick a time, and hear why not."""

import re
import uuid
from datetime import date, timedelta

import pytest

from acuclinic.patients.models import Patient
from acuclinic.scheduling.models import Appointment, AppointmentEvent, Service, Source, TimeOff

from .conftest import book, local

pytestmark = pytest.mark.django_db

# booking.py's words for a time someone else has (staff see the first; a lost race the second).
TAKEN = re.compile(r"Lena Qiao already has an appointment at that time\.|that time was just taken")


@pytest.fixture
def form(lena, cupping, monday) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "service": cupping.pk,
        "practitioner": lena.pk,
        "date": str(monday),
        "time": "10:00",
        "source": "phone",
        "staff_notes": "Prefers Room 2",
        "key": uuid.uuid4().hex,
    }


def test_the_form_comes_filled_in_from_the_calendar(staff, lena, monday) -> None:
    html = staff.get(f"/desk/calendar/new/?date={monday}&practitioner={lena.pk}").content.decode()
    assert f'value="{monday}"' in html
    assert f'<option value="{lena.pk}" selected>' in html
    assert re.search(r'name="key" value="[0-9a-f]{32}"', html)
    assert "Dates and times are local to Garrison Street: America/Denver." in html


def test_booking_an_existing_patient(staff, owner, form, patient, lena, location, monday) -> None:
    response = staff.post("/desk/calendar/new/", {**form, "patient": patient.pk})
    appointment = Appointment.objects.get(patient=patient)
    assert response.status_code == 302
    assert response["Location"] == f"/desk/calendar/appointments/{appointment.pk}/"
    assert appointment.start == local(location, monday, 10)
    assert (appointment.practitioner, appointment.source) == (lena, Source.PHONE)
    assert appointment.staff_notes == "Prefers Room 2" and appointment.room is not None
    event = AppointmentEvent.objects.get(appointment=appointment)
    assert (event.action, event.actor, event.actor_label) == ("booked", owner, "staff: demo")
    page = re.sub(r"<[^>]+>", "", staff.get(response["Location"]).content.decode())
    assert "Booked Rowan Quillfeather with Lena Qiao" in page
    assert "10:00\N{EN DASH}10:30 MST" in page and "(America/Denver)" in page


def test_booking_a_new_patient_creates_them(staff, form) -> None:
    new = {"new_name": " Ines Marlowe ", "new_email": "ines@example.org", "new_phone": "555-0150"}
    staff.post("/desk/calendar/new/", {**form, **new})
    person = Patient.objects.get(email="ines@example.org")
    assert (person.full_name, person.phone) == ("Ines Marlowe", "555-0150")
    assert Appointment.objects.filter(patient=person).count() == 1


def test_the_same_new_patient_twice_is_one_record(staff, form, patient, monday) -> None:
    again = {"new_name": "rowan quillfeather", "new_email": "ROWAN@example.org"}
    staff.post("/desk/calendar/new/", {**form, **again})
    assert Patient.objects.filter(email__iexact="rowan@example.org").count() == 1
    assert Appointment.objects.filter(patient=patient).count() == 1


def test_a_mangled_key_still_books(staff, form) -> None:
    response = staff.post("/desk/calendar/new/", {**form, "new_name": "E", "key": "../../etc"})
    assert response.status_code == 302
    assert Appointment.objects.get(patient__full_name="E").idempotency_key is None


def test_a_double_clicked_form_books_once(staff, form, patient) -> None:
    first = staff.post("/desk/calendar/new/", {**form, "new_name": "Dora Twice"})
    second = staff.post("/desk/calendar/new/", {**form, "new_name": "Dora Twice"})
    assert first["Location"] == second["Location"]
    assert Appointment.objects.filter(patient__full_name="Dora Twice").count() == 1
    assert Patient.objects.filter(full_name="Dora Twice").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "Choose a patient from the search, or enter a new one."),
        ({"patient": "PATIENT", "new_name": "Also Someone"}, "clear the new patient"),
        ({"patient": "999999", "new_name": ""}, "That patient is no longer on file"),
        ({"patient": "abc"}, "That patient is no longer on file"),
        ({"new_name": "A", "date": "2026-02-30"}, "Enter a real date."),
        ({"new_name": "A", "date": "9999-01-01"}, "Choose a day between 2000 and 2100."),
        ({"new_name": "A", "time": "25:99"}, "Enter a time such as 09:30."),
        ({"new_name": "A", "service": "999999"}, "Choose a service from the list."),
        ({"new_name": "A", "practitioner": "x"}, "Choose a practitioner from the list."),
        ({"new_name": "A", "new_email": "not-an-address"}, "Enter a valid email address."),
        ({"new_name": "A", "source": "online"}, "Select a valid choice."),
        ({"new_name": "A", "staff_notes": "x" * 2001}, "at most 2000 characters"),
        ({"new_name": "A", "date": "2027-03-14", "time": "02:30"}, "02:30 does not exist on"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_booked(staff, form, patient, change, message):
    data = {**form, **{k: (str(patient.pk) if v == "PATIENT" else v) for k, v in change.items()}}
    response = staff.post("/desk/calendar/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "Please correct the marked fields." in html
    assert (
        not Appointment.objects.filter(start__date__gte=date(2026, 12, 25))
        .exclude(patient__email__endswith="@example.com")
        .exists()
    )


def test_a_service_the_practitioner_does_not_offer(staff, form, lena) -> None:
    massage = Service.objects.get(slug="massage")  # Tomás only
    response = staff.post("/desk/calendar/new/", {**form, "service": massage.pk, "new_name": "B"})
    assert f"Lena Qiao does not offer {massage.name}" in response.content.decode()
    assert not Patient.objects.filter(full_name="B").exists()


def test_a_taken_time_offers_the_nearest_free_ones(
    staff, form, lena, cupping, patient, location, monday
):
    taken = book(
        service=cupping, practitioner=lena, start=local(location, monday, 10), patient=patient
    )
    response = staff.post("/desk/calendar/new/", {**form, "new_name": "Kit Latecomer"})
    html = response.content.decode()
    assert response.status_code == 200
    assert TAKEN.search(html)
    assert "The nearest free times" in html
    picks = re.findall(r'name="pick" value="(\d+@[^"]+)"', html.split('id="free-times"')[0])
    assert picks
    # Nothing half-done: no appointment, and the new patient was not kept.
    assert not Patient.objects.filter(full_name="Kit Latecomer").exists()
    assert Appointment.objects.filter(practitioner=lena, start=taken.start).count() == 1
    # One press on a suggestion books it.
    response = staff.post(
        "/desk/calendar/new/", {**form, "new_name": "Kit Latecomer", "pick": picks[0]}
    )
    assert response.status_code == 302
    booked = Appointment.objects.get(patient__full_name="Kit Latecomer")
    practitioner_id, start = picks[0].split("@")
    assert (booked.practitioner_id, booked.start.isoformat()) == (int(practitioner_id), start)


def test_a_forged_pick_is_just_bad_input(staff, form) -> None:
    for pick in ("999999@2027-01-01T16:00:00+00:00", "1@2027-02-30T16:00:00+00:00", "nonsense"):
        response = staff.post("/desk/calendar/new/", {**form, "new_name": "C", "pick": pick})
        assert response.status_code in (200, 302)
    assert Appointment.objects.filter(patient__full_name="C").count() <= 1


def test_autumn_fold_is_the_first_occurrence(staff, form, location) -> None:
    data = {**form, "new_name": "Fold", "date": "2027-11-07", "time": "01:30"}
    staff.post("/desk/calendar/new/", data)
    booked = Appointment.objects.get(patient__full_name="Fold")
    assert booked.start.isoformat() == "2027-11-07T07:30:00+00:00"  # 01:30 MDT


def test_booking_over_time_off_is_allowed_with_a_warning(staff, form, lena, location, monday):
    TimeOff.objects.create(
        practitioner=lena, start=local(location, monday, 9), end=local(location, monday, 12)
    )
    response = staff.post("/desk/calendar/new/", {**form, "new_name": "D"}, follow=True)
    assert "This is during Lena Qiao&#x27;s time off." in response.content.decode()
    assert Appointment.objects.filter(patient__full_name="D").exists()


def test_patient_search_as_you_type(staff, patient) -> None:
    html = staff.get("/desk/calendar/patients/?q=quill", headers={"HX-Request": "true"}).content
    html = html.decode()
    assert f'name="patient" value="{patient.pk}"' in html and "(303) 555-0177" in html
    assert "<html" not in html  # a fragment for htmx to swap in
    assert staff.get("/desk/calendar/patients/?q=555-0177").content.decode().count("Rowan") == 1
    assert 'type="radio"' not in staff.get("/desk/calendar/patients/?q=r").content.decode()
    nobody = staff.get("/desk/calendar/patients/?q=zzzqqq").content.decode()
    assert "No patient matches “zzzqqq”" in nobody


def test_search_without_javascript_keeps_what_was_typed(staff, form, patient) -> None:
    data = {**form, "q": "Quillfeather", "do": "search", "new_phone": "555"}
    response = staff.post("/desk/calendar/new/", data)
    html = response.content.decode()
    assert response.status_code == 200 and not Appointment.objects.filter(patient=patient).exists()
    assert f'name="patient" value="{patient.pk}"' in html
    assert 'value="Prefers Room 2"' in html or "Prefers Room 2</textarea>" in html
    assert "Please correct" not in html


def test_free_times_follow_working_hours(staff, lena, cupping, patient, location, monday) -> None:
    book(service=cupping, practitioner=lena, start=local(location, monday, 10), patient=patient)
    url = f"/desk/calendar/free-times/?service={cupping.pk}&practitioner={lena.pk}&date={monday}"
    html = staff.get(url).content.decode()
    times = re.findall(r"<time[^>]*>([\d:]+)</time>", html)
    assert times[0] == "9:00"  # Lena starts at 9:00 on Mondays
    assert "10:00" not in times and "10:15" not in times  # taken, with its buffer
    assert "12:00" in times and "13:00" not in times  # lunch from 12:30
    assert all(re.fullmatch(r"\d+@\S+\+00:00", v) for v in re.findall(r'value="([^"]+)"', html))


@pytest.mark.parametrize(
    "query",
    [
        "service=999999&practitioner=1&date=2027-01-04",
        "service=1&practitioner=1&date=2027-02-30",
        "service=1&practitioner=1&date=9999-12-31",
        "service=abc&practitioner=%00&date=",
        "",
    ],
)
def test_free_times_with_bad_input_just_wait_for_more(staff, query) -> None:
    response = staff.get(f"/desk/calendar/free-times/?{query}")
    assert response.status_code == 200
    assert "Choose a service, a practitioner and a day" in response.content.decode()


def test_free_times_for_a_service_not_offered(staff, lena, monday) -> None:
    massage = Service.objects.get(slug="massage")
    url = f"/desk/calendar/free-times/?service={massage.pk}&practitioner={lena.pk}&date={monday}"
    assert f"Lena Qiao does not offer {massage.name}." in staff.get(url).content.decode()


def test_past_free_times_are_not_suggested(staff, lena, cupping, location) -> None:
    yesterday = (local(location, date.today(), 12) - timedelta(days=1)).date()
    url = f"/desk/calendar/free-times/?service={cupping.pk}&practitioner={lena.pk}&date={yesterday}"
    assert 'name="pick"' not in staff.get(url).content.decode()
