"""Blocks of time off from the calendar: added (with a warning over appointments), removed."""

import re
from datetime import timedelta

import pytest

from acuclinic.scheduling.models import TimeOff

from .conftest import book, local

pytestmark = pytest.mark.django_db


def form(lena, day, **change) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data = {
        "practitioner": lena.pk,
        "start_date": str(day),
        "start_time": "12:00",
        "end_date": str(day),
        "end_time": "13:00",
        "reason": "Training",
    }
    return {**data, **change}


def test_adding_a_block_shows_it_on_the_week(staff, lena, location, monday) -> None:
    response = staff.post("/desk/calendar/time-off/new/", form(lena, monday))
    block = TimeOff.objects.get(practitioner=lena, reason="Training")
    assert (block.start, block.end) == (local(location, monday, 12), local(location, monday, 13))
    assert response.status_code == 302
    assert response["Location"] == (
        f"/desk/calendar/?view=week&date={monday}&show=practitioner%3Alena-qiao"
    )
    html = staff.get(response["Location"]).content.decode()
    assert "Time off added for Lena Qiao." in html
    assert "Time off</strong> · Training" in html
    assert f'action="/desk/calendar/time-off/{block.pk}/delete/"' in html
    # Blocks belong to practitioners: a room's column does not show them.
    rooms = staff.get(f"/desk/calendar/?view=day&date={monday}&show=rooms").content.decode()
    assert "Training" not in rooms


def test_empty_times_block_whole_local_days(staff, lena, location, monday) -> None:
    data = form(lena, monday, start_time="", end_time="", end_date=str(monday + timedelta(days=2)))
    staff.post("/desk/calendar/time-off/new/", data)
    block = TimeOff.objects.get(practitioner=lena, reason="Training")
    assert block.start == local(location, monday, 0)
    assert block.end == local(location, monday + timedelta(days=3), 0)


def test_a_block_across_the_spring_change_is_23_hours_a_day(staff, lena, location) -> None:
    from datetime import date

    staff.post(
        "/desk/calendar/time-off/new/",
        form(lena, date(2027, 3, 14), start_time="", end_time=""),
    )
    block = TimeOff.objects.get(practitioner=lena, reason="Training")
    assert block.end - block.start == timedelta(hours=23)


def test_a_block_over_appointments_warns_and_lists_them(
    staff, lena, cupping, patient, location, monday
) -> None:
    a = book(service=cupping, practitioner=lena, start=local(location, monday, 12), patient=patient)
    data = form(lena, monday)
    response = staff.post("/desk/calendar/time-off/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 appointment is booked in that time:" in html
    assert f'href="/desk/calendar/appointments/{a.pk}/"' in html and "Rowan Quillfeather" in html
    assert "Block the time anyway" in html
    assert not TimeOff.objects.filter(practitioner=lena, reason="Training").exists()
    response = staff.post("/desk/calendar/time-off/new/", {**data, "confirm": "1"}, follow=True)
    assert TimeOff.objects.filter(practitioner=lena, reason="Training").count() == 1
    assert "1 appointment is still booked then: move or cancel it." in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end_time": "11:00"}, "The block must end after it starts."),
        ({"end_date": "2029-01-01"}, "A block can be at most a year long"),
        ({"start_date": "2026-02-30"}, "Enter a real date."),
        ({"start_date": "1899-01-01"}, "Choose a day between 2000 and 2100."),
        ({"end_date": ""}, "This field is required."),
        ({"start_time": "7pm"}, "Enter a time such as 09:30."),
        ({"practitioner": "999999"}, "Choose a practitioner from the list."),
        ({"reason": "x" * 121}, "at most 120 characters"),
        (
            {"start_date": "2027-03-14", "end_date": "2027-03-14", "start_time": "02:00"},
            "02:00 does not exist",
        ),
        (
            {"start_date": "2027-03-14", "end_date": "2027-03-14", "end_time": "02:30"},
            "02:30 does not exist",
        ),
    ],
)
def test_bad_blocks_are_explained(staff, lena, monday, change, message) -> None:
    response = staff.post("/desk/calendar/time-off/new/", form(lena, monday, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TimeOff.objects.filter(practitioner=lena).exists()


def test_the_form_comes_filled_in(staff, lena, monday) -> None:
    html = staff.get(
        f"/desk/calendar/time-off/new/?practitioner={lena.pk}&start_date={monday}&end_date=bogus"
    ).content.decode()
    assert f'<option value="{lena.pk}" selected>' in html and f'value="{monday}"' in html


def test_removing_a_block(staff, lena, location, monday) -> None:
    block = TimeOff.objects.create(
        practitioner=lena, start=local(location, monday, 12), end=local(location, monday, 13)
    )
    week = f"/desk/calendar/?date={monday}&show=practitioner:lena-qiao"
    response = staff.post(f"/desk/calendar/time-off/{block.pk}/delete/", {"next": week})
    assert response.status_code == 302 and response["Location"] == week
    assert not TimeOff.objects.filter(pk=block.pk).exists()
    assert "Time off removed for Lena Qiao." in staff.get(week).content.decode()
    assert staff.post(f"/desk/calendar/time-off/{block.pk}/delete/").status_code == 404


def test_removing_needs_a_post_and_a_real_id(staff, lena, location, monday) -> None:
    block = TimeOff.objects.create(
        practitioner=lena, start=local(location, monday, 12), end=local(location, monday, 13)
    )
    assert staff.get(f"/desk/calendar/time-off/{block.pk}/delete/").status_code == 405
    assert staff.post("/desk/calendar/time-off/99999999999999999999/delete/").status_code == 404
    response = staff.post(
        f"/desk/calendar/time-off/{block.pk}/delete/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/desk/calendar/"


def test_a_block_spanning_days_shows_on_each(staff, lena, location, monday) -> None:
    TimeOff.objects.create(
        practitioner=lena,
        start=local(location, monday, 15),
        end=local(location, monday + timedelta(days=2), 11),
        reason="Conference",
    )
    html = staff.get(f"/desk/calendar/?date={monday}&show=practitioner:lena-qiao").content.decode()
    days = re.findall(r'data-day="([\d-]+)"(.*?)</section>', html, re.S)
    with_block = [day for day, body in days if "Conference" in body]
    assert with_block == [str(monday + timedelta(days=n)) for n in range(3)]
