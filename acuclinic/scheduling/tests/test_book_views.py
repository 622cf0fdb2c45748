"""The public booking flow at /book/, through HTTP: every step, bad input, races, links."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.clinic.models import Practitioner, default_clinic
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, links
from acuclinic.scheduling.models import (
    Appointment,
    Service,
    Status,
    WaitlistEntry,
    WaitlistOffer,
)

DENVER = ZoneInfo("America/Denver")
pytestmark = pytest.mark.django_db


def monday_after(days: int) -> date:
    """A Monday at least `days` ahead: clear of the demo appointments (up to 14 days)."""
    day = timezone.localdate() + timedelta(days=days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DENVER).astimezone(UTC)


def param(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def url(**query: str) -> str:
    return "/book/?" + "&".join(f"{k}={v}" for k, v in query.items())


DETAILS = {
    "full_name": "Robin Example",
    "email": "robin@example.com",
    "phone": "(303) 555-0177",
    "been_before": "no",
    "heard_from": "a friend",
    "request_id": "0" * 32,
}


def post_booking(client, service: str, practitioner: str, start: datetime, **changes):  # type: ignore[no-untyped-def]
    data = {**DETAILS, **changes}
    return client.post(url(service=service, practitioner=practitioner, start=param(start)), data)


def test_service_step_lists_bookable_services(client):
    response = client.get("/book/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Acupuncture for back pain" in html
    assert 'aria-current="step"' in html
    assert response["Cache-Control"] == "private, no-store"


def test_practitioner_step_offers_any_and_each_practitioner(client):
    html = client.get(url(service="acupuncture-back-pain")).content.decode()
    assert "Any practitioner" in html
    assert "Lena Qiao" in html and "Tomás Rivera" in html


def test_single_practitioner_service_skips_the_practitioner_step(client):
    html = client.get(url(service="chinese-herbal-medicine")).content.decode()
    assert "Choose a day and time" in html


def test_time_step_shows_local_times_for_the_week(client):
    monday = monday_after(30)
    response = client.get(
        url(service="acupuncture-back-pain", practitioner="lena-qiao", day=monday.isoformat())
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert monday.strftime("%A") in html
    # Lena starts at 09:00 Denver time on Mondays: the first link is 9:00 AM.
    assert f"start={param(at(monday, 9))}" in html
    assert "9:00 AM" in html
    assert "America/Denver" in html


def test_whole_flow_books_once_and_lands_on_the_manage_page(
    client, django_capture_on_commit_callbacks
):
    monday = monday_after(30)
    start = at(monday, 10)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_booking(client, "acupuncture-back-pain", "lena-qiao", start)
    assert response.status_code == 302
    assert "/book/manage/" in response["Location"] and response["Location"].endswith("?booked=1")
    appointment = Appointment.objects.get(start=start)
    assert appointment.patient.email == "robin@example.com"
    assert appointment.status == Status.CONFIRMED and appointment.source == "online"
    assert "First visit: yes." in appointment.staff_notes
    assert appointment.room is not None
    page = client.get(response["Location"]).content.decode()
    assert "booked" in page.lower() and "10:00 AM" in page
    # The same form sent again (a double click) is the same booking.
    again = post_booking(client, "acupuncture-back-pain", "lena-qiao", start)
    assert again.status_code == 302 and "/book/manage/" in again["Location"]
    # The manage link is signed with a timestamp, so compare what it leads to, not its text.
    token = again["Location"].split("/book/manage/")[1].split("/")[0]
    assert links.appointment_for(token) == appointment
    assert Appointment.objects.filter(start=start).count() == 1


def test_any_practitioner_books_whoever_is_free(client):
    tuesday = monday_after(30) + timedelta(days=1)  # both work on Tuesdays
    start = at(tuesday, 10)
    assert post_booking(client, "acupuncture-back-pain", "any", start).status_code == 302
    second = post_booking(
        client, "acupuncture-back-pain", "any", start, email="sam@example.com", request_id="1" * 32
    )
    assert second.status_code == 302
    assert {a.practitioner.slug for a in Appointment.objects.filter(start=start)} == {
        "lena-qiao",
        "tomas-rivera",
    }
    # Both rooms are now in use: a third booking at that time is refused politely.
    third = post_booking(
        client, "acupuncture-back-pain", "any", start, email="kim@example.com", request_id="2" * 32
    )
    assert third.status_code == 409
    assert "just taken" in third.content.decode()


def test_a_lost_race_offers_the_nearest_free_times(client):
    monday = monday_after(30)
    start = at(monday, 11)
    lena = Practitioner.objects.get(slug="lena-qiao")
    service = Service.objects.get(slug="acupuncture-back-pain")
    booking.book(
        service=service,
        practitioner=lena,
        start=start,
        patient=Patient.objects.create(full_name="First Come"),
        actor=booking.ONLINE_PATIENT,
    )
    response = post_booking(client, "acupuncture-back-pain", "lena-qiao", start)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Sorry, that time was just taken." in html
    assert html.count('class="time"') >= 3
    assert Appointment.objects.filter(start=start).count() == 1
    # The visitor's details are still in the form.
    assert "Robin Example" in html


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2020-01-06T16:00Z", "already passed"),
        # Off the 15-minute grid, and 22:00 the evening before: booking.py words the reason.
        ("{monday}T16:07Z", 'role="alert"'),
        ("{monday}T05:00Z", 'role="alert"'),
        ("{far}T16:00Z", "days ahead"),
    ],
)
def test_wrong_times_get_a_clear_message(client, start, message):
    start = start.format(monday=monday_after(30).isoformat(), far=monday_after(200).isoformat())
    page = client.get(url(service="acupuncture-back-pain", practitioner="lena-qiao", start=start))
    assert page.status_code == 200
    assert message in page.content.decode()
    response = client.post(
        url(service="acupuncture-back-pain", practitioner="lena-qiao", start=start), DETAILS
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.filter(patient__email="robin@example.com").exists()


def test_minimum_notice_is_explained(client):
    soon = (timezone.now() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    response = client.post(
        url(service="acupuncture-back-pain", practitioner="lena-qiao", start=param(soon)), DETAILS
    )
    assert response.status_code == 400
    assert "notice" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("service=nope", 404, "could not find that service"),
        ("service=massage&practitioner=lena-qiao", 400, "does not offer"),
        ("service=massage&practitioner=nobody", 400, "does not offer"),
        ("service=massage&practitioner=tomas-rivera&day=2026-02-30", 200, "not a date"),
        ("service=massage&practitioner=tomas-rivera&start=tomorrow", 200, "could not be read"),
        # A time without its offset is ambiguous: refused, not guessed.
        (
            "service=massage&practitioner=tomas-rivera&start=2027-01-05T10:00",
            200,
            "could not be read",
        ),
    ],
)
def test_bad_query_strings_get_clear_messages(client, query, status, message):
    response = client.get(f"/book/?{query}")
    assert response.status_code == status
    assert message in response.content.decode()


def test_invalid_details_are_explained_and_nothing_is_booked(client):
    start = at(monday_after(30), 14)
    response = post_booking(
        client, "acupuncture-back-pain", "lena-qiao", start, email="not-an-email", phone="12"
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "valid email" in html.lower()
    assert "Enter a phone number" in html
    assert 'aria-invalid="true"' in html
    assert not Appointment.objects.filter(start=start).exists()


def test_a_known_email_books_for_that_patient_without_changing_the_record(client):
    existing = Patient.objects.create(
        full_name="Avery Known", email="avery.known@example.com", phone="(303) 555-0100"
    )
    start = at(monday_after(30), 15)
    post_booking(
        client, "acupuncture-back-pain", "lena-qiao", start, email="AVERY.KNOWN@example.com"
    )
    appointment = Appointment.objects.get(start=start)
    assert appointment.patient == existing
    existing.refresh_from_db()
    assert existing.full_name == "Avery Known"
    assert "Booked online as: Robin Example" in appointment.staff_notes


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    service=st.sampled_from(["acupuncture-back-pain", "massage", "", "x" * 80, "%00"]),
    practitioner=st.sampled_from(["any", "lena-qiao", "", "🙂", "tomas-rivera"]),
    day=st.one_of(st.text(max_size=12), st.dates().map(str)),
    start=st.one_of(st.text(max_size=40), st.datetimes(timezones=st.just(UTC)).map(param)),
)
def test_no_query_string_produces_a_server_error(client, service, practitioner, day, start):
    response = client.get(
        "/book/", {"service": service, "practitioner": practitioner, "day": day, "start": start}
    )
    assert response.status_code in (200, 400, 404)


# --- signed links -----------------------------------------------------------------------


def book_one(start: datetime, email: str = "lee@example.com") -> Appointment:
    return booking.book(
        service=Service.objects.get(slug="acupuncture-back-pain"),
        practitioner=Practitioner.objects.get(slug="lena-qiao"),
        start=start,
        patient=Patient.objects.create(full_name="Lee Example", email=email),
        actor=booking.ONLINE_PATIENT,
    )


def test_manage_link_cancels_within_the_window(client, django_capture_on_commit_callbacks):
    appointment = book_one(at(monday_after(30), 9))
    path = links.manage_path(appointment)
    page = client.get(path).content.decode()
    assert "Cancel the appointment" in page and "9:00 AM" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"action": "cancel"}, follow=True)
    assert "Your appointment is cancelled" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.events.filter(action="cancelled", actor_label__contains="link").exists()


def test_manage_link_refuses_inside_the_cancellation_window(client):
    appointment = book_one(at(monday_after(30), 9))
    clinic = default_clinic()
    clinic.cancellation_notice_hours = 24 * 60  # sixty days: the appointment is inside it
    clinic.save()
    path = links.manage_path(appointment)
    assert "please call us" in client.get(path).content.decode()
    response = client.post(path, {"action": "cancel"})
    assert "too late to cancel online" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_a_tampered_link_is_not_found(client):
    appointment = book_one(at(monday_after(30), 9))
    token = links.manage_token(appointment)
    assert client.get(f"/book/manage/{token}x/").status_code == 404
    assert client.get("/book/manage/nonsense/").status_code == 404
    assert client.get("/book/offer/nonsense/").status_code == 404
    assert client.get("/book/waitlist/nonsense/").status_code == 404


def test_calendar_file_has_the_local_time_and_zone(client):
    monday = monday_after(30)
    appointment = book_one(at(monday, 9))
    response = client.get(links.manage_path(appointment) + "appointment.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert f"DTSTART;TZID=America/Denver:{monday:%Y%m%d}T090000" in body
    assert "BEGIN:VTIMEZONE" in body


def test_reschedule_moves_the_appointment(client):
    monday = monday_after(30)
    appointment = book_one(at(monday, 9))
    path = links.manage_path(appointment) + "reschedule/"
    page = client.get(path).content.decode()
    assert "Choose another time" in page
    target = at(monday, 14)
    confirm = client.get(path, {"start": param(target)}).content.decode()
    assert "Move to" in confirm and "2:00 PM" in confirm
    response = client.post(path, {"start": param(target)})
    assert response.status_code == 302 and response["Location"].endswith("?moved=1")
    appointment.refresh_from_db()
    assert appointment.start == target
    # Moving onto a taken time: refused with free alternatives, the appointment unchanged.
    other = book_one(at(monday, 16), email="other@example.com")
    refused = client.post(path, {"start": param(other.start)})
    assert refused.status_code == 409
    assert "just taken" in refused.content.decode()
    appointment.refresh_from_db()
    assert appointment.start == target


def test_times_across_daylight_saving_stay_on_the_local_clock(client):
    Service.objects.filter(slug="acupuncture-back-pain").update(max_advance_days=400)
    # America/Denver springs forward on 2027-03-14: Monday 2027-03-15 09:00 is MDT (UTC-6).
    monday = date(2027, 3, 15)
    if monday <= timezone.localdate() + timedelta(days=15):
        pytest.skip("the DST example date is in the past")
    html = client.get(
        url(service="acupuncture-back-pain", practitioner="lena-qiao", day=monday.isoformat())
    ).content.decode()
    assert "start=2027-03-15T15:00Z" in html  # 09:00 MDT
    details = client.get(
        url(service="acupuncture-back-pain", practitioner="lena-qiao", start="2027-03-15T15:00Z")
    ).content.decode()
    assert "9:00 AM MDT" in details
    # The Monday before the change, 09:00 is MST (UTC-7).
    before = client.get(
        url(service="acupuncture-back-pain", practitioner="lena-qiao", day="2027-03-08")
    ).content.decode()
    assert "start=2027-03-08T16:00Z" in before


# --- waitlist -----------------------------------------------------------------------------


def test_waitlist_join_offer_and_accept(client, django_capture_on_commit_callbacks):
    monday = monday_after(30)
    form = {
        "full_name": "Wren Waiting",
        "email": "wren@example.com",
        "phone": "(303) 555-0123",
        "earliest": monday.isoformat(),
        "latest": (monday + timedelta(days=6)).isoformat(),
    }
    response = client.post("/book/waitlist/?service=acupuncture-back-pain&practitioner=any", form)
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(patient__email="wren@example.com")
    assert "You are on the waitlist" in client.get(response["Location"]).content.decode()
    appointment = book_one(at(monday, 10), email="busy@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(appointment, actor=booking.Actor("test"))
    offer = WaitlistOffer.objects.get(entry=entry)
    assert offer.appointment.status == Status.HELD
    token = re.search(r"/book/offer/([^/]+)/", links.offer_url(offer)).group(1)
    page = client.get(f"/book/offer/{token}/").content.decode()
    assert "We are holding this time for you" in page and "10:00 AM" in page
    accepted = client.post(f"/book/offer/{token}/", {"action": "accept"})
    assert accepted.status_code == 302
    offer.appointment.refresh_from_db()
    assert offer.appointment.status == Status.CONFIRMED
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.BOOKED


def test_waitlist_form_validates_dates(client):
    response = client.post(
        "/book/waitlist/?service=acupuncture-back-pain",
        {
            "full_name": "Wren",
            "email": "wren@example.com",
            "phone": "(303) 555-0123",
            "earliest": "2020-01-01",
            "latest": "2019-01-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose today or a later day." in html
    assert "must not be before" in html
    assert not WaitlistEntry.objects.filter(patient__email="wren@example.com").exists()


def test_leaving_the_waitlist(client):
    entry = WaitlistEntry.objects.create(
        patient=Patient.objects.create(full_name="Leaving Lou"),
        service=Service.objects.get(slug="massage"),
        earliest=monday_after(30),
        latest=monday_after(30) + timedelta(days=3),
    )
    path = links.waitlist_path(entry)
    client.post(path, {"action": "leave"})
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.WITHDRAWN


# --- a course of treatment ----------------------------------------------------------------


def test_a_weekly_course_is_booked_all_at_once(client):
    monday = monday_after(30)
    start = at(monday, 13, 30)
    response = post_booking(client, "acupuncture-back-pain", "lena-qiao", start, repeat="6")
    assert response.status_code == 302
    course = Appointment.objects.filter(patient__email="robin@example.com").order_by("start")
    assert [a.start for a in course] == [at(monday + timedelta(weeks=n), 13, 30) for n in range(6)]
    assert len({a.series_id for a in course}) == 1
    page = client.get(response["Location"]).content.decode()
    assert "Your course of treatment" in page and page.count("1:30 PM") >= 6


def test_a_course_with_one_taken_week_books_nothing_and_names_that_week(client):
    monday = monday_after(30)
    start = at(monday, 15)
    third = at(monday + timedelta(weeks=2), 15)
    book_one(third, email="first@example.com")
    response = post_booking(client, "acupuncture-back-pain", "lena-qiao", start, repeat="4")
    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing has been booked" in html
    assert (monday + timedelta(weeks=2)).strftime("%A %-d %B") in html
    assert "Free that week" in html
    assert not Appointment.objects.filter(patient__email="robin@example.com").exists()
