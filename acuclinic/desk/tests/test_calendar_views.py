"""Day and week views, the day's list: what they show, in local time, and bad input."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acuclinic.clinic.models import Room
from acuclinic.patients.models import Patient
from acuclinic.scheduling.models import Appointment, Service

from .conftest import as_user, book, local

pytestmark = pytest.mark.django_db


def entries(html: str) -> list[dict[str, str]]:
    """Each appointment on the grid: its column's day, start label and place on the grid."""
    found = []
    for day, body in re.findall(r'data-day="([\d-]+)"(.*?)</section>', html, re.S):
        for top, start, iso in re.findall(
            r'class="cal-entry cal-appointment[^"]*" data-top="(\d+)".*?data-start="([\d:]+)">'
            r'.*?<time datetime="([^"]+)"',
            body,
            re.S,
        ):
            found.append({"day": day, "top": top, "start": start, "iso": iso})
    return found


def test_week_view_shows_my_week_with_the_demo_appointments(staff, lena, location) -> None:
    response = staff.get("/desk/calendar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lena Qiao: week of" in html  # the demo user is Lena: her own week first
    assert "Times are local to Garrison Street: America/Denver." in html
    today = local_today = response.context["today"]
    monday = local_today - timedelta(days=today.weekday())
    shown = {e["iso"] for e in entries(html)}
    week = Appointment.objects.active().filter(
        practitioner=lena,
        start__gte=local(location, monday, 0),
        start__lt=local(location, monday + timedelta(days=7), 0),
    )
    assert week.exists()  # the demo schedule fills this week
    for appointment in week:
        assert f"/desk/calendar/appointments/{appointment.pk}/" in html
        assert appointment.start.astimezone(location.zone).isoformat() in shown
    assert len(entries(html)) == week.count()


def test_day_view_has_a_column_per_practitioner_or_room(
    staff, lena, tomas, cupping, patient, location, monday
) -> None:
    tuesday = monday + timedelta(days=1)  # both work on Tuesdays
    a = book(
        service=cupping, practitioner=lena, start=local(location, tuesday, 10), patient=patient
    )
    b = book(
        service=cupping, practitioner=tomas, start=local(location, tuesday, 10), patient=patient
    )
    html = staff.get(f"/desk/calendar/?view=day&date={tuesday}").content.decode()
    headings = re.findall(r'<h2 id="cal-col-\d+">([^<]+)', html)
    assert [h.strip() for h in headings] == ["Lena Qiao", "Tomás Rivera"]
    assert len(entries(html)) == 2
    by_rooms = staff.get(f"/desk/calendar/?view=day&date={tuesday}&show=rooms").content.decode()
    headings = [h.strip() for h in re.findall(r'<h2 id="cal-col-\d+">([^<]+)', by_rooms)]
    assert headings == ["Room 1", "Room 2"]
    room = a.room
    one_room = staff.get(f"/desk/calendar/?view=day&date={tuesday}&show=room:{room.pk}")
    html = one_room.content.decode()
    assert f"/appointments/{a.pk}/" in html and f"/appointments/{b.pk}/" not in html
    week = staff.get(f"/desk/calendar/?date={tuesday}&show=practitioner:tomas-rivera")
    html = week.content.decode()
    assert f"/appointments/{b.pk}/" in html and f"/appointments/{a.pk}/" not in html


def test_cancelled_appointments_leave_the_grid(staff, lena, cupping, patient, location, monday):
    from acuclinic.scheduling import booking

    a = book(service=cupping, practitioner=lena, start=local(location, monday, 10), patient=patient)
    url = f"/desk/calendar/?date={monday}&show=practitioner:lena-qiao"
    assert f"/appointments/{a.pk}/" in staff.get(url).content.decode()
    booking.cancel(a, actor=booking.SYSTEM, notify=False)
    assert f"/appointments/{a.pk}/" not in staff.get(url).content.decode()


@pytest.mark.parametrize(
    ("before", "after", "names"),
    [
        (date(2027, 3, 13), date(2027, 3, 14), ("MST", "MST → MDT")),
        (date(2027, 11, 6), date(2027, 11, 7), ("MDT", "MDT → MST")),
    ],
)
def test_nine_oclock_stays_at_nine_across_daylight_saving(
    staff, lena, cupping, patient, location, before, after, names
) -> None:
    """The week holds a clock change: 9:00 is 9:00 on the grid on both sides."""
    first = book(
        service=cupping, practitioner=lena, start=local(location, before, 9), patient=patient
    )
    second = book(
        service=cupping, practitioner=lena, start=local(location, after, 9), patient=patient
    )
    assert second.start - first.start != timedelta(days=1)  # 23 or 25 hours apart in UTC
    html = staff.get(f"/desk/calendar/?date={before}&show=practitioner:lena-qiao").content.decode()
    shown = {e["day"]: e for e in entries(html)}
    assert shown[str(before)]["start"] == shown[str(after)]["start"] == "9:00"
    assert shown[str(before)]["top"] == shown[str(after)]["top"]
    assert shown[str(before)]["iso"] == first.start.astimezone(location.zone).isoformat()
    assert shown[str(after)]["iso"] == second.start.astimezone(location.zone).isoformat()
    assert shown[str(before)]["iso"][-6:] != shown[str(after)]["iso"][-6:]  # offsets differ
    assert f"{names[0]}</small>" in html and f"{names[1]}</small>" in html
    # The day of the change itself (23 or 25 hours long) shows it at 9:00 too.
    day = staff.get(f"/desk/calendar/?view=day&date={after}&show=practitioner:lena-qiao")
    assert [e["start"] for e in entries(day.content.decode())] == ["9:00"]


def test_week_view_reads_a_fixed_number_of_queries(
    staff, lena, patient, location, monday, django_assert_max_num_queries
) -> None:
    url = f"/desk/calendar/?date={monday}&show=practitioners"
    herbs = Service.objects.get(slug="chinese-herbal-medicine")  # needs no room
    book(service=herbs, practitioner=lena, start=local(location, monday, 9), patient=patient)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for n in range(5):
        for hour in (10, 11, 12, 14, 15):
            person = Patient.objects.create(full_name=f"Patient {n}-{hour}")
            day = monday + timedelta(days=n)
            book(service=herbs, practitioner=lena, start=local(location, day, hour), patient=person)
    with django_assert_max_num_queries(10):
        response = staff.get(url)
    assert len(entries(response.content.decode())) == 26
    with CaptureQueriesContext(connection) as many:
        staff.get(url)
    assert len(many) == len(few)


def test_todays_list_shows_everyone_in_order(staff, lena, tomas, cupping, patient, location):
    today = staff.get("/desk/calendar/today/").context["day"]
    rows = staff.get(f"/desk/calendar/today/?date={today}").content.decode()
    expected = Appointment.objects.filter(
        location=location,
        start__gte=local(location, today, 0),
        start__lt=local(location, today + timedelta(days=1), 0),
    ).order_by("start", "practitioner__name", "pk")
    assert re.findall(r'<tr id="appointment-(\d+)"', rows) == [str(a.pk) for a in expected]


def test_the_days_list_has_arrival_buttons(staff, tomas, cupping, patient, location, monday):
    tuesday = monday + timedelta(days=1)
    a = book(
        service=cupping, practitioner=tomas, start=local(location, tuesday, 11), patient=patient
    )
    html = staff.get(f"/desk/calendar/today/?date={tuesday}").content.decode()
    assert "Rowan Quillfeather" in html and "(303) 555-0177" in html
    assert 'name="status" value="arrived"' in html and 'name="status" value="no_show"' in html
    assert f'hx-post="/desk/calendar/appointments/{a.pk}/status/"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date=2026-02-30", "“2026-02-30” is not a date"),
        ("date=yesterday", "“yesterday” is not a date"),
        ("date=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%97-01-01", "is not a date"),  # full-width digits
        ("date=9999-12-31", "The calendar runs from 2000 to 2100"),
        ("date=1999-12-31", "The calendar runs from 2000 to 2100"),
        ("date=10000-01-01", "is not a date"),
        ("view=month", "There is no “month” view"),
        ("show=everything", "The calendar cannot show “everything”"),
    ],
)
def test_bad_query_strings_explain_and_show_today(staff, query, message) -> None:
    for page in ("/desk/calendar/", "/desk/calendar/today/"):
        response = staff.get(f"{page}?{query}", follow=True)
        assert response.status_code == 200
        if page.endswith("today/") and not query.startswith("date"):
            continue
        assert message in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["show=practitioner:nobody", "show=room:999999", "show=room:abc", "location=nowhere"],
)
def test_unknown_practitioner_room_or_location_is_404(staff, query) -> None:
    assert staff.get(f"/desk/calendar/?{query}").status_code == 404


def test_a_room_of_another_location_is_404(staff, location) -> None:
    from acuclinic.clinic.models import Location

    elsewhere = Location.objects.create(
        name="Zion Branch", slug="elsewhere", time_zone="Asia/Tokyo"
    )
    room = Room.objects.create(location=elsewhere, name="Far room")
    assert staff.get(f"/desk/calendar/?show=room:{room.pk}").status_code == 404
    # With two locations the page offers a choice; the other one is in its own zone.
    html = staff.get(f"/desk/calendar/?location=elsewhere&show=room:{room.pk}").content.decode()
    assert "Asia/Tokyo" in html and 'name="location"' in html


def test_the_ends_of_the_calendar_have_no_link_beyond(staff) -> None:
    first = staff.get("/desk/calendar/?view=day&date=2000-01-01").content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first
    last = staff.get("/desk/calendar/?view=day&date=2100-12-31").content.decode()
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert staff.get("/desk/calendar/?date=2100-12-31").status_code == 200
    assert staff.get("/desk/calendar/today/?date=2000-01-01").status_code == 200


def test_calendar_link_in_the_desk_navigation(moderator) -> None:
    html = as_user(moderator).get("/desk/").content.decode()
    assert 'href="/desk/calendar/"' in html
