"""Booking, move and cancellation messages, through a real SMTP server on loopback."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from acuclinic.clinic.models import Practitioner, default_clinic
from acuclinic.notifications import appointments
from acuclinic.notifications.models import Kind, MessageStatus, OutgoingMessage
from acuclinic.scheduling import booking, ical, slots
from acuclinic.scheduling.models import Service

from .conftest import (
    PATIENT_EMAIL,
    TESTER,
    everything_in,
    html_of,
    ics_of,
    ics_part,
    local,
    managed_by,
    subject_of,
    text_of,
)

LENA = "lena@example.com"
TOMAS = "tomas@example.com"

pytestmark = pytest.mark.django_db


def only(messages: list) -> object:  # type: ignore[type-arg]
    assert len(messages) == 1, [subject_of(m) for m in messages]
    return messages[0]


def calendar_of(message) -> Calendar:  # type: ignore[no-untyped-def]
    return Calendar.from_ical(ics_of(message))


def test_booking_confirms_to_patient_and_tells_practitioner(
    smtp_server, book, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(local("2027-03-15 09:00"))

    confirmation = only(smtp_server.to(PATIENT_EMAIL))
    subject = subject_of(confirmation)
    assert subject == "Your appointment on Monday 15 March 2027, 9:00 AM MDT is booked"
    text = text_of(confirmation)
    assert "Hello Maren," in text
    assert "Acupuncture" in text and "Lena Qiao" in text and "Garrison Street" in text
    assert "When: Monday 15 March 2027, 9:00 AM MDT" in text
    assert managed_by(text) == [appointment]
    clinic = default_clinic()
    assert clinic.phone_display and clinic.phone_display in text
    assert clinic.name in confirmation["From"]
    assert confirmation["Auto-Submitted"] == "auto-generated"
    html = html_of(confirmation)
    assert "<html" in html and managed_by(html) == [appointment]
    assert "Monday 15 March 2027, 9:00 AM MDT" in html

    attachment = ics_part(confirmation)
    assert attachment is not None
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "appointment.ics"
    calendar = calendar_of(confirmation)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.events
    assert event.start == local("2027-03-15 09:00")
    assert event.start.utcoffset() == timedelta(hours=-6)
    assert str(event["UID"]) == ical.uid(appointment)
    assert str(event["ORGANIZER"]).lower().startswith("mailto:")
    assert str(event["ATTENDEE"]) == f"mailto:{PATIENT_EMAIL}"
    assert managed_by(str(event["DESCRIPTION"])) == [appointment]
    assert "TZID=America/Denver" in ics_of(confirmation)
    assert "BEGIN:VTIMEZONE" in ics_of(confirmation)

    notice = only(smtp_server.to(LENA))
    assert subject_of(notice) == "New booking: Monday 15 March 2027, 9:00 AM MDT"
    assert "Maren Holt" in text_of(notice)
    assert ics_part(notice).get_param("method") == "REQUEST"
    assert "Maren Holt" in str(calendar_of(notice).events[0]["SUMMARY"])
    # Two messages, no more: nothing to anybody else.
    assert len(smtp_server.messages) == 2
    for message in smtp_server.messages:
        assert "SECRET-NOTE" not in everything_in(message)
        assert "303-555-0177" not in everything_in(message)  # the patient's own phone


@pytest.mark.parametrize(
    ("wall_clock", "said", "offset"),
    [
        ("2027-03-12 09:00", "Friday 12 March 2027, 9:00 AM MST", -7),  # before spring forward
        ("2027-03-15 09:00", "Monday 15 March 2027, 9:00 AM MDT", -6),  # after
        ("2027-11-05 14:30", "Friday 5 November 2027, 2:30 PM MDT", -6),  # before fall back
        ("2027-11-08 14:30", "Monday 8 November 2027, 2:30 PM MST", -7),  # after
    ],
)
def test_times_are_local_with_the_right_zone_name_and_offset(
    smtp_server, book, django_capture_on_commit_callbacks, wall_clock, said, offset
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        book(local(wall_clock))
    for message in (only(smtp_server.to(PATIENT_EMAIL)), only(smtp_server.to(LENA))):
        assert said in subject_of(message)
        assert said in text_of(message)
        [event] = calendar_of(message).events
        assert event.start == local(wall_clock)
        assert event.start.utcoffset() == timedelta(hours=offset)
        assert str(event.start.tzinfo) == "America/Denver"


def test_a_move_across_the_change_tells_both_the_old_and_new_time(
    smtp_server, book, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(local("2027-03-12 09:00"))
    first_sequence = calendar_of(only(smtp_server.to(PATIENT_EMAIL))).events[0]["SEQUENCE"]
    smtp_server.messages.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.move(appointment, start=local("2027-03-15 10:00"), actor=TESTER, rules=slots.STAFF)

    moved = only(smtp_server.to(PATIENT_EMAIL))
    assert subject_of(moved) == "Your appointment has moved to Monday 15 March 2027, 10:00 AM MDT"
    text = text_of(moved)
    assert "It was: Friday 12 March 2027, 9:00 AM MST" in text
    assert "When: Monday 15 March 2027, 10:00 AM MDT" in text
    assert managed_by(text) == [appointment]
    [event] = calendar_of(moved).events
    assert calendar_of(moved)["METHOD"] == "REQUEST"
    assert str(event["UID"]) == ical.uid(appointment)  # the same event, updated
    assert event["SEQUENCE"] > first_sequence
    assert event.start.utcoffset() == timedelta(hours=-6)

    notice = only(smtp_server.to(LENA))
    assert "Maren Holt" in text_of(notice)
    assert "Friday 12 March 2027, 9:00 AM MST" in text_of(notice)
    assert len(smtp_server.messages) == 2
    assert all("SECRET-NOTE" not in everything_in(m) for m in smtp_server.messages)


def test_moving_twice_to_the_same_time_tells_each_move(
    smtp_server, book, django_capture_on_commit_callbacks
) -> None:
    appointment = book(local("2027-04-05 09:00"))
    for start in ("2027-04-06 11:00", "2027-04-05 09:00", "2027-04-06 11:00"):
        with django_capture_on_commit_callbacks(execute=True):
            appointment = booking.move(
                appointment, start=local(start), actor=TESTER, rules=slots.STAFF
            )
    assert len(smtp_server.to(PATIENT_EMAIL)) == 3


def test_handing_over_to_another_practitioner_clears_the_first_ones_calendar(
    smtp_server, book, django_capture_on_commit_callbacks
) -> None:
    appointment = book(local("2027-04-06 11:00"))
    with django_capture_on_commit_callbacks(execute=True):
        booking.move(
            appointment,
            start=local("2027-04-06 11:00"),
            practitioner=Practitioner.objects.get(slug="tomas-rivera"),
            actor=TESTER,
            rules=slots.STAFF,
        )
    to_tomas = only(smtp_server.to(TOMAS))
    assert calendar_of(to_tomas)["METHOD"] == "REQUEST"
    to_lena = only(smtp_server.to(LENA))
    assert "now with Tomás Rivera" in text_of(to_lena)
    assert calendar_of(to_lena)["METHOD"] == "CANCEL"
    assert calendar_of(to_lena).events[0]["STATUS"] == "CANCELLED"
    assert "Tomás Rivera" in text_of(only(smtp_server.to(PATIENT_EMAIL)))


def test_cancellation_tells_both_and_removes_the_event(
    smtp_server, book, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(local("2027-11-08 14:30"))
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(appointment, actor=TESTER, reason="patient called")

    for address, subject in [
        (PATIENT_EMAIL, "Your appointment on Monday 8 November 2027, 2:30 PM MST is cancelled"),
        (LENA, "Cancelled: Monday 8 November 2027, 2:30 PM MST"),
    ]:
        message = only(smtp_server.to(address))
        assert subject_of(message) == subject
        assert ics_part(message).get_param("method") == "CANCEL"
        calendar = calendar_of(message)
        assert calendar["METHOD"] == "CANCEL"
        [event] = calendar.events
        assert event["STATUS"] == "CANCELLED"
        assert str(event["UID"]) == ical.uid(appointment)
        assert event.start.utcoffset() == timedelta(hours=-7)
        assert "SECRET-NOTE" not in everything_in(message)
        assert "patient called" not in everything_in(message)
    patient_text = text_of(only(smtp_server.to(PATIENT_EMAIL)))
    assert "/book/" in patient_text
    assert managed_by(patient_text) == []


def test_a_series_is_confirmed_in_one_message_with_every_time(
    smtp_server, patient, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        series = booking.book_series(
            service=Service.objects.get(slug="acupuncture-back-pain"),
            practitioner=Practitioner.objects.get(slug="lena-qiao"),
            first_start=local("2027-03-01 09:00"),
            every_days=7,
            count=3,
            patient=patient,
            actor=TESTER,
            rules=slots.STAFF,
        )
    confirmation = only(smtp_server.to(PATIENT_EMAIL))
    text = text_of(confirmation)
    assert "Your 3 appointments" in text
    for said in (
        "Monday 1 March 2027, 9:00 AM MST",
        "Monday 8 March 2027, 9:00 AM MST",
        "Monday 15 March 2027, 9:00 AM MDT",
    ):
        assert said in text
    assert managed_by(text) == series
    events = calendar_of(confirmation).events
    assert [e.start for e in events] == [a.start for a in series]
    assert [e.start.utcoffset().total_seconds() / 3600 for e in events] == [-7, -7, -6]
    assert "3 new appointments with you for Maren Holt" in text_of(only(smtp_server.to(LENA)))


def test_names_are_escaped_in_the_html(
    smtp_server, book, patient, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    patient.full_name = "<b>Maren</b> Holt"
    patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        book(local("2027-05-03 09:00"))
    html = html_of(only(smtp_server.to(PATIENT_EMAIL)))
    assert "<b>Maren</b>" not in html and "&lt;b&gt;Maren&lt;/b&gt;" in html
    assert "<b>Maren</b> Holt" not in html_of(only(smtp_server.to(LENA)))


def test_no_patient_address_means_no_patient_message(
    smtp_server, book, patient, django_capture_on_commit_callbacks
) -> None:
    patient.email = ""
    patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        book(local("2027-05-03 09:00"))
    assert [m["To"] for m in smtp_server.messages] == ["Lena Qiao <lena@example.com>"]


def test_each_message_is_recorded_once_even_if_asked_twice(
    smtp_server, book, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(local("2027-05-03 09:00"))
    # The hook again (a retried task, a double on_commit): the dedupe keys stop it.
    appointments.booked(appointment.pk)
    assert len(smtp_server.messages) == 2
    rows = OutgoingMessage.objects.filter(appointment=appointment)
    assert rows.count() == 2
    assert set(rows.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert set(rows.values_list("kind", flat=True)) == {Kind.BOOKED}
    assert all(row.sent_at and row.attempts == 1 for row in rows)


def test_a_failing_queue_never_reaches_the_booking(
    book, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    class Broken:
        name = "broken"

        def enqueue(self, *args: object) -> None:
            raise RuntimeError("queue is down")

    from acuclinic.notifications import tasks

    for name in ("compose_booked", "compose_moved", "compose_cancelled"):
        monkeypatch.setattr(tasks, name, Broken())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appointment = book(local("2027-05-03 09:00"))
        appointment = booking.move(
            appointment, start=local("2027-05-03 11:00"), actor=TESTER, rules=slots.STAFF
        )
        booking.cancel(appointment, actor=TESTER)
    assert callbacks  # the hooks ran, and swallowed the failure
    assert not OutgoingMessage.objects.exists()


def test_held_times_send_nothing_until_confirmed(smtp_server, patient) -> None:
    booking.book(
        service=Service.objects.get(slug="acupuncture-back-pain"),
        practitioner=Practitioner.objects.get(slug="lena-qiao"),
        start=local("2027-05-03 09:00"),
        patient=patient,
        actor=TESTER,
        rules=slots.STAFF,
        status="held",
        notify=False,
    )
    held = patient.appointments.get()
    appointments.booked(held.pk)  # even if asked, a held time is not a booking
    assert smtp_server.messages == []
