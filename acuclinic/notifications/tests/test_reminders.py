"""Reminders: due N hours ahead, once, for the current time only, none when cancelled."""

from datetime import datetime, timedelta

import pytest

from acuclinic.clinic.models import ClinicSettings
from acuclinic.notifications import reminders
from acuclinic.notifications.models import Kind, MessageStatus, OutgoingMessage
from acuclinic.notifications.tasks import send_message
from acuclinic.scheduling import booking, slots
from acuclinic.scheduling.models import AppointmentEvent

from .conftest import (
    PATIENT_EMAIL,
    TESTER,
    everything_in,
    ics_part,
    local,
    managed_by,
    subject_of,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """reminders.queue_due as `manage.py sweep` runs it: its on-commit work done."""

    def run(now: datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.queue_due(now=now)

    return run


def reminders_to(smtp_server, address: str = PATIENT_EMAIL) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [m for m in smtp_server.to(address) if subject_of(m).startswith("Reminder")]


def set_lead(hours: int) -> None:
    ClinicSettings.objects.update(reminder_hours_before=hours)


def test_a_reminder_goes_out_once_when_due(smtp_server, sweep, book) -> None:
    appointment = book(local("2027-03-15 09:00"))  # Monday, the day after the change
    start = appointment.start

    assert sweep(now=start - timedelta(hours=24, minutes=1)) == 0
    assert reminders_to(smtp_server) == []

    assert sweep(now=start - timedelta(hours=23, minutes=59)) == 1
    [reminder] = reminders_to(smtp_server)
    assert subject_of(reminder) == "Reminder: your appointment on Monday 15 March 2027, 9:00 AM MDT"
    text = text_of(reminder)
    assert "When: Monday 15 March 2027, 9:00 AM MDT" in text
    assert managed_by(text) == [appointment]
    assert "SECRET-NOTE" not in everything_in(reminder)
    assert ics_part(reminder) is None
    # Every later sweep finds it done: one reminder, ever.
    for minutes in (1, 30, 600):
        assert sweep(now=start - timedelta(hours=23, minutes=59 - minutes)) == 0
    assert len(reminders_to(smtp_server)) == 1
    assert smtp_server.to("lena@example.com") == []  # patients only
    row = OutgoingMessage.objects.get(kind=Kind.REMINDER)
    assert row.status == MessageStatus.SENT
    assert row.dedupe_key == f"reminder:{appointment.pk}:2027-03-15T15:00:00+00:00"


def test_the_lead_time_is_the_clinics_setting(smtp_server, sweep, book) -> None:
    set_lead(48)
    appointment = book(local("2027-11-08 14:30"))
    assert sweep(now=appointment.start - timedelta(hours=49)) == 0
    assert sweep(now=appointment.start - timedelta(hours=47)) == 1
    assert "Monday 8 November 2027, 2:30 PM MST" in subject_of(reminders_to(smtp_server)[0])


def test_zero_hours_sends_no_reminders(smtp_server, sweep, book) -> None:
    set_lead(0)
    appointment = book(local("2027-04-05 09:00"))
    for hours in (48, 24, 2, 0.5):
        assert sweep(now=appointment.start - timedelta(hours=hours)) == 0
    assert smtp_server.messages == []


def test_a_moved_appointment_is_reminded_of_its_new_time_only(smtp_server, sweep, book) -> None:
    appointment = book(local("2027-04-05 09:00"))
    old_start = appointment.start
    appointment = booking.move(
        appointment, start=local("2027-04-08 11:00"), actor=TESTER, rules=slots.STAFF
    )
    assert sweep(now=old_start - timedelta(hours=23)) == 0
    assert sweep(now=appointment.start - timedelta(hours=23)) == 1
    [reminder] = reminders_to(smtp_server)
    assert "Thursday 8 April 2027, 11:00 AM MDT" in subject_of(reminder)


def test_moving_after_the_reminder_reminds_again_for_the_new_time(smtp_server, sweep, book) -> None:
    appointment = book(local("2027-04-05 09:00"))
    assert sweep(now=appointment.start - timedelta(hours=20)) == 1
    # Moved to later that week (the move is made now, long before either time).
    appointment = booking.move(
        appointment, start=local("2027-04-09 09:00"), actor=TESTER, rules=slots.STAFF
    )
    assert sweep(now=appointment.start - timedelta(hours=20)) == 1
    subjects = [subject_of(m) for m in reminders_to(smtp_server)]
    assert len(subjects) == 2
    assert "Monday 5 April" in subjects[0] and "Friday 9 April" in subjects[1]


def test_a_reminder_queued_before_a_move_is_not_sent(smtp_server, sweep, book, settings) -> None:
    appointment = book(local("2027-04-05 09:00"))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert sweep(now=appointment.start - timedelta(hours=20)) == 1
    row = OutgoingMessage.objects.get(kind=Kind.REMINDER)
    booking.move(appointment, start=local("2027-04-05 13:00"), actor=TESTER, rules=slots.STAFF)
    assert send_message.call(row.pk) == "skipped"
    row.refresh_from_db()
    assert row.status == MessageStatus.SKIPPED and "moved" in row.last_error
    assert reminders_to(smtp_server) == []


def test_a_cancelled_appointment_gets_no_reminder(smtp_server, sweep, book, settings) -> None:
    appointment = book(local("2027-04-05 09:00"))
    booking.cancel(appointment, actor=TESTER)
    assert sweep(now=appointment.start - timedelta(hours=20)) == 0

    # Nor one queued just before the cancellation.
    other = book(local("2027-04-06 11:00"))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert sweep(now=other.start - timedelta(hours=20)) == 1
    booking.cancel(other, actor=TESTER)
    row = OutgoingMessage.objects.get(kind=Kind.REMINDER)
    assert send_message.call(row.pk) == "skipped"
    assert reminders_to(smtp_server) == []


def test_no_reminder_right_after_a_late_booking(smtp_server, sweep, book) -> None:
    appointment = book(local("2027-04-05 09:00"))
    # Booked ten hours before it starts: the confirmation is the reminder.
    AppointmentEvent.objects.filter(appointment=appointment).update(
        at=appointment.start - timedelta(hours=10)
    )
    assert sweep(now=appointment.start - timedelta(hours=9)) == 0
    assert reminders_to(smtp_server) == []


def test_no_reminder_for_past_appointments_or_patients_without_email(
    smtp_server, sweep, book, patient
) -> None:
    appointment = book(local("2027-04-05 09:00"))
    assert sweep(now=appointment.start + timedelta(minutes=1)) == 0
    patient.email = ""
    patient.save()
    assert sweep(now=appointment.start - timedelta(hours=1)) == 0
    assert smtp_server.messages == []


def test_the_sweep_command_queues_due_reminders(
    smtp_server, book, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    appointment = book(local("2027-04-05 09:00"))
    monkeypatch.setattr(timezone, "now", lambda: appointment.start - timedelta(hours=2))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("sweep")
        assert len(reminders_to(smtp_server)) == 1
