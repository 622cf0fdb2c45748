"""Practitioners' private iCalendar feeds: what they hold, in which zone, and revoking them."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking
from acuclinic.scheduling.models import Appointment, Service, Status

from .conftest import book, local

pytestmark = pytest.mark.django_db


def feed_path(practitioner) -> str:  # type: ignore[no-untyped-def]
    return f"/desk/calendar/feed/{practitioner.calendar_token}.ics"


def parse(response) -> Calendar:  # type: ignore[no-untyped-def]
    return Calendar.from_ical(response.content)


def test_the_feed_needs_no_sign_in_and_is_private(lena) -> None:
    response = Client().get(feed_path(lena))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private"
    calendar = parse(response)
    assert calendar.calendar_name.startswith("Lena Qiao · ")
    assert Client().head(feed_path(lena)).status_code == 200
    assert Client().post(feed_path(lena)).status_code == 405


def test_the_feed_holds_her_active_appointments_in_range(lena, tomas, cupping, location) -> None:
    now = timezone.now()
    person = Patient.objects.create(full_name="Feed Person")
    today = now.astimezone(location.zone).date()
    far = book(
        service=cupping,
        practitioner=lena,
        start=local(location, today + timedelta(days=200), 10),
        patient=person,
    )
    old = book(
        service=cupping,
        practitioner=lena,
        start=local(location, today - timedelta(days=40), 10),
        patient=person,
    )
    gone = book(
        service=cupping,
        practitioner=lena,
        start=local(location, today + timedelta(days=50), 10),
        patient=person,
    )
    booking.cancel(gone, actor=booking.SYSTEM, notify=False)
    expected = Appointment.objects.active().filter(
        practitioner=lena, start__gte=now - timedelta(days=30), start__lte=now + timedelta(days=180)
    )
    assert expected.count() > 10  # the demo schedule, three weeks back and two ahead
    events = parse(Client().get(feed_path(lena))).events
    uids = {str(e["UID"]) for e in events}
    assert uids == {f"{a.public_id}@acuclinic" for a in expected}
    for left_out in (far, old, gone):
        assert f"{left_out.public_id}@acuclinic" not in uids
    tomas_ids = Appointment.objects.filter(practitioner=tomas).values_list("public_id", flat=True)
    assert not uids & {f"{p}@acuclinic" for p in tomas_ids}


@pytest.mark.parametrize(
    ("before", "after"),
    [(date(2027, 3, 13), date(2027, 3, 14)), (date(2027, 11, 6), date(2027, 11, 7))],
)
def test_feed_times_are_local_with_the_zone(lena, cupping, location, before, after, monkeypatch):
    person = Patient.objects.create(full_name="Dee Esstee")
    a = book(service=cupping, practitioner=lena, start=local(location, before, 9), patient=person)
    b = book(service=cupping, practitioner=lena, start=local(location, after, 9), patient=person)
    # Ask a month before, so both are inside the feed's window however far off they are.
    moment = a.start - timedelta(days=30)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    calendar = parse(Client().get(feed_path(lena)))
    assert "BEGIN:VTIMEZONE" in calendar.to_ical().decode()
    assert "TZID:America/Denver" in calendar.to_ical().decode()
    by_uid = {str(e["UID"]): e for e in calendar.events}
    for appointment, day in ((a, before), (b, after)):
        event = by_uid[f"{appointment.public_id}@acuclinic"]
        assert event.start.tzinfo is not None
        assert str(event["DTSTART"].params["TZID"]) == "America/Denver"
        assert (event.start.date(), event.start.hour, event.start.minute) == (day, 9, 0)
        assert event.start == appointment.start  # the same instant
        assert str(event["SUMMARY"]) == "Dee Esstee: Cupping"
    assert (
        by_uid[f"{a.public_id}@acuclinic"].start.utcoffset()
        != by_uid[f"{b.public_id}@acuclinic"].start.utcoffset()
    )


def test_unknown_token_is_404(lena) -> None:
    for token in ("nope", lena.calendar_token[:-1], "x" * 64, "a" * 65):
        assert Client().get(f"/desk/calendar/feed/{token}.ics").status_code == 404
    assert Client().get(f"/desk/calendar/feed/{lena.calendar_token}.ics.bak").status_code == 404


def test_replacing_the_secret_revokes_the_old_address(staff, lena) -> None:
    old = feed_path(lena)
    assert Client().get(old).status_code == 200
    response = staff.post("/desk/calendar/feeds/lena-qiao/replace/", follow=True)
    lena.refresh_from_db()
    new = feed_path(lena)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    html = response.content.decode()
    assert "The old one no longer works" in html
    assert f"http://testserver{new}" in html and f"webcal://testserver{new}" in html
    assert old not in html
    assert staff.post("/desk/calendar/feeds/nobody/replace/").status_code == 404
    assert staff.get("/desk/calendar/feeds/lena-qiao/replace/").status_code == 405


def test_the_feeds_page_explains_how_to_subscribe(staff, lena, tomas) -> None:
    html = staff.get("/desk/calendar/feeds/").content.decode()
    for practitioner in (lena, tomas):
        assert f'value="http://testserver{feed_path(practitioner)}"' in html
        assert f'href="webcal://testserver{feed_path(practitioner)}"' in html
    assert "Google Calendar" in html and "Apple Calendar" in html
    assert 'for="feed-url-lena-qiao"' in html  # the address field is labelled


def test_the_feed_reads_a_fixed_number_of_queries(
    lena, location, monday, django_assert_max_num_queries
) -> None:
    herbs = Service.objects.get(slug="chinese-herbal-medicine")
    for n in range(10):
        person = Patient.objects.create(full_name=f"Many {n}")
        day = monday + timedelta(days=n // 5)
        book(
            service=herbs, practitioner=lena, start=local(location, day, 9 + n % 5), patient=person
        )
    with django_assert_max_num_queries(6):
        response = Client().get(feed_path(lena))
    assert sum(1 for e in parse(response).events if str(e["SUMMARY"]).startswith("Many ")) == 10


def test_a_cancelled_appointment_leaves_the_feed(lena, cupping, location, monday) -> None:
    a = book(
        service=cupping,
        practitioner=lena,
        start=local(location, monday, 10),
        patient=Patient.objects.create(full_name="Soon Gone"),
    )
    assert f"{a.public_id}@acuclinic" in Client().get(feed_path(lena)).content.decode()
    booking.cancel(a, actor=booking.SYSTEM, notify=False)
    a.refresh_from_db()
    assert a.status == Status.CANCELLED
    assert f"{a.public_id}@acuclinic" not in Client().get(feed_path(lena)).content.decode()
