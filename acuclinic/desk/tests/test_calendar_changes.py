"""One appointment from the desk: move it, cancel it, mark arrived or no-show; its history."""

import re
from datetime import timedelta

import pytest

from acuclinic.scheduling.models import Appointment, AppointmentEvent, Status

from .conftest import book, local

pytestmark = pytest.mark.django_db

TAKEN = re.compile(r"already has an appointment at that time\.|that time was just taken")


@pytest.fixture
def appointment(location, lena, cupping, patient, monday) -> Appointment:  # type: ignore[no-untyped-def]
    return book(
        service=cupping, practitioner=lena, start=local(location, monday, 10), patient=patient
    )


def url(appointment: Appointment, action: str = "") -> str:
    return f"/desk/calendar/appointments/{appointment.pk}/{action + '/' if action else ''}"


def detail_html(staff, appointment: Appointment) -> str:  # type: ignore[no-untyped-def]
    return staff.get(url(appointment)).content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_the_detail_page(staff, appointment, monday) -> None:
    html = staff.get(url(appointment)).content.decode()
    assert "Rowan Quillfeather: Cupping" in html
    assert 'href="tel:(303) 555-0177"' in html and "rowan@example.org" in html
    assert "Back to Lena Qiao\N{RIGHT SINGLE QUOTATION MARK}s week" in html
    assert f"view=week&amp;date={monday}&amp;show=practitioner%3Alena-qiao" in html
    for label in ("Arrived", "No-show", "Completed", "Move the appointment", "Cancel the"):
        assert label in html
    assert 'value="10:00"' in html  # the move form starts at the current time


def test_moving_to_a_free_time(staff, owner, appointment, location, monday) -> None:
    data = {"practitioner": appointment.practitioner_id, "date": str(monday), "time": "14:00"}
    response = staff.post(url(appointment, "move"), data)
    assert response.status_code == 302 and response["Location"] == url(appointment)
    appointment.refresh_from_db()
    assert appointment.start == local(location, monday, 14)
    event = AppointmentEvent.objects.filter(appointment=appointment).last()
    assert (event.action, event.actor) == ("moved", owner)
    page = text(staff.get(url(appointment)).content.decode())
    assert "Moved to Mon" in page and "14:00 MST with Lena Qiao" in page
    assert "Moved from Mon" in page and "10:00 MST to Mon" in page  # the history


def test_moving_to_another_practitioner(staff, appointment, tomas, location, monday) -> None:
    tuesday = monday + timedelta(days=1)
    data = {"practitioner": tomas.pk, "date": str(tuesday), "time": "11:00"}
    assert staff.post(url(appointment, "move"), data).status_code == 302
    appointment.refresh_from_db()
    assert (appointment.practitioner, appointment.start) == (tomas, local(location, tuesday, 11))
    assert "now with Tomás Rivera" in staff.get(url(appointment)).content.decode()


def test_moving_onto_a_taken_time_offers_the_nearest_free_ones(
    staff, appointment, lena, cupping, location, monday
) -> None:
    from acuclinic.patients.models import Patient

    other = book(
        service=cupping,
        practitioner=lena,
        start=local(location, monday, 14),
        patient=Patient.objects.create(full_name="Sam Other"),
    )
    data = {"practitioner": lena.pk, "date": str(monday), "time": "14:00"}
    response = staff.post(url(appointment, "move"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert TAKEN.search(html) and "The nearest free times" in html
    picks = re.findall(r'name="pick" value="(\d+@[^"]+)"', html)
    assert picks and all(p.startswith(f"{lena.pk}@") for p in picks)
    appointment.refresh_from_db()
    assert appointment.start == local(location, monday, 10)  # unchanged
    assert Appointment.objects.get(pk=other.pk).start == local(location, monday, 14)
    # Pressing a suggestion moves it there.
    assert staff.post(url(appointment, "move"), {**data, "pick": picks[-1]}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.start.isoformat() == picks[-1].split("@")[1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2026-02-30", "time": "10:00"}, "Enter a real date."),
        ({"date": "2027-03-14", "time": "02:15"}, "02:15 does not exist on Sun 14 Mar 2027"),
        ({"date": "", "time": ""}, "This field is required."),
        ({"time": "noon"}, "Enter a time such as 09:30."),
        ({"practitioner": "999999"}, "Choose a practitioner from the list."),
    ],
)
def test_bad_move_input_is_explained(staff, appointment, monday, data, message) -> None:
    form = {"practitioner": appointment.practitioner_id, "date": str(monday), "time": "14:00"}
    response = staff.post(url(appointment, "move"), {**form, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    before = appointment.start
    appointment.refresh_from_db()
    assert appointment.start == before


def test_moving_to_someone_who_does_not_offer_the_service(staff, monday, location, patient):
    from acuclinic.clinic.models import Practitioner
    from acuclinic.scheduling.models import Service

    massage = Service.objects.get(slug="massage")  # Tomás only
    tomas = Practitioner.objects.get(slug="tomas-rivera")
    tuesday = monday + timedelta(days=1)
    a = book(
        service=massage, practitioner=tomas, start=local(location, tuesday, 10), patient=patient
    )
    lena = Practitioner.objects.get(slug="lena-qiao")
    data = {"practitioner": lena.pk, "date": str(tuesday), "time": "15:00"}
    response = staff.post(url(a, "move"), data)
    assert "Choose a practitioner from the list." in response.content.decode()
    assert f'<option value="{lena.pk}"' not in response.content.decode()


def test_cancelling_frees_the_time(staff, appointment, lena, cupping, patient) -> None:
    response = staff.post(url(appointment, "cancel"), {"reason": "Called in sick"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    event = AppointmentEvent.objects.filter(appointment=appointment).last()
    assert (event.action, event.changes["reason"]) == ("cancelled", "Called in sick")
    page = staff.get(url(appointment), follow=True).content.decode()
    assert "This appointment was cancelled; its time is free." in page
    assert "Cancelled: Called in sick" in page
    assert "Move the appointment" not in page
    again = book(service=cupping, practitioner=lena, start=appointment.start, patient=patient)
    assert again.pk != appointment.pk
    # Cancelling twice is harmless; moving a cancelled one explains why not.
    response = staff.post(url(appointment, "cancel"), follow=True)
    assert "already cancelled" in response.content.decode()
    data = {"practitioner": lena.pk, "date": "2027-06-01", "time": "10:00"}
    assert (
        "This appointment was cancelled."
        in staff.post(url(appointment, "move"), data).content.decode()
    )


def test_cancel_reason_too_long(staff, appointment) -> None:
    response = staff.post(url(appointment, "cancel"), {"reason": "x" * 201})
    assert response.status_code == 200 and "at most 200 characters" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_cancel_goes_back_to_a_calendar_page_only(staff, appointment, lena, cupping, patient):
    back = staff.post(url(appointment, "cancel"), {"next": "/desk/calendar/today/?date=2027-01-04"})
    assert back["Location"] == "/desk/calendar/today/?date=2027-01-04"
    for evil in ("https://evil.example/desk/calendar/", "//evil.example/", "/desk/calendar\\@x"):
        other = book(service=cupping, practitioner=lena, start=appointment.start, patient=patient)
        assert staff.post(url(other, "cancel"), {"next": evil})["Location"] == url(other)


def test_marking_arrived_then_completed(staff, owner, appointment) -> None:
    response = staff.post(url(appointment, "status"), {"status": "arrived"}, follow=True)
    appointment.refresh_from_db()
    assert appointment.status == Status.ARRIVED
    assert "Rowan Quillfeather: arrived." in response.content.decode()
    event = AppointmentEvent.objects.filter(appointment=appointment).last()
    assert (event.action, event.changes, event.actor) == (
        "status",
        {"from": "confirmed", "to": "arrived"},
        owner,
    )
    assert "Marked arrived (was confirmed)" in response.content.decode()
    staff.post(url(appointment, "status"), {"status": "completed"})
    appointment.refresh_from_db()
    assert appointment.status == Status.COMPLETED
    # A completed visit offers only the undo, worded as one.
    buttons = re.findall(
        r'<button class="button button-small[^"]*" type="submit">([^<]+)<',
        detail_html(staff, appointment),
    )
    assert buttons == ["Back to arrived"]


def test_no_show_from_the_days_list_with_htmx(staff, appointment) -> None:
    headers = {"HX-Request": "true"}
    data = {"status": "no_show", "next": "/desk/calendar/today/?date=2027-01-04"}
    response = staff.post(url(appointment, "status"), data, headers=headers)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<tr")
    assert "Rowan Quillfeather: no-show." in html
    assert 'value="confirmed"' in html  # the undo button
    appointment.refresh_from_db()
    assert appointment.status == Status.NO_SHOW


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("cancelled", "That is not a status the desk can set."),
        ("held", "That is not a status the desk can set."),
        ("", "This field is required."),
    ],
)
def test_bad_status_is_explained(staff, appointment, status, message) -> None:
    response = staff.post(url(appointment, "status"), {"status": status}, follow=True)
    assert message in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_a_status_change_booking_py_refuses(staff, appointment) -> None:
    staff.post(url(appointment, "status"), {"status": "no_show"})
    response = staff.post(
        url(appointment, "status"), {"status": "arrived"}, headers={"HX-Request": "true"}
    )
    assert "An appointment that is no-show cannot become arrived." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.NO_SHOW


@pytest.mark.parametrize("action", ["", "move", "cancel", "status"])
def test_unknown_and_huge_ids_are_404(staff, action) -> None:
    for pk in ("999999", "99999999999999999999999"):
        path = f"/desk/calendar/appointments/{pk}/{action + '/' if action else ''}"
        method = staff.get if not action else staff.post
        assert method(path, {"status": "arrived"}).status_code == 404


@pytest.mark.parametrize("action", ["move", "cancel", "status"])
def test_changes_need_a_post(staff, appointment, action) -> None:
    assert staff.get(url(appointment, action)).status_code == 405
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED
