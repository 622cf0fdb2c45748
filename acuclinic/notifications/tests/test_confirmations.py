"""Booking confirmations whose task was lost are composed by the sweep, once, and only for
bookings that were meant to be confirmed.

A booking made in a test commits without its on-commit work unless the test runs it: that is
the web worker killed between the commit and the enqueue. Mail goes to a real SMTP server.
"""

import threading
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from acuclinic.clinic.models import Practitioner
from acuclinic.notifications import confirmations, reminders, tasks
from acuclinic.notifications.models import Audience, Kind, MessageStatus, OutgoingMessage
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, slots, waitlist
from acuclinic.scheduling.models import Appointment, Service, Source, Status, WaitlistOffer

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

LENA = "lena@example.com"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def later(minutes: int = 3) -> datetime:
    """The sweep's clock a few minutes after the booking: past the task's grace period."""
    return timezone.now() + timedelta(minutes=minutes)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """reminders.queue_due as `manage.py sweep` runs it (its on-commit sends done); returns
    how many confirmation rows it wrote (it also reminds the demo clinic's patients)."""

    def run(now: datetime | None = None) -> int:
        before = OutgoingMessage.objects.filter(kind=Kind.BOOKED).count()
        with django_capture_on_commit_callbacks(execute=True):
            reminders.queue_due(now=now or later())
        return OutgoingMessage.objects.filter(kind=Kind.BOOKED).count() - before

    return run


def confirmations_in(smtp_server) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [
        m
        for m in smtp_server.messages
        if subject_of(m).endswith(" is booked") or subject_of(m).startswith("New booking")
    ]


def booked_rows() -> list[tuple[int, str]]:
    return sorted(
        OutgoingMessage.objects.filter(kind=Kind.BOOKED).values_list("appointment_id", "audience")
    )


def lena() -> Practitioner:
    return Practitioner.objects.get(slug="lena-qiao")


def back_pain() -> Service:
    return Service.objects.get(slug="acupuncture-back-pain")


@pytest.mark.django_db
def test_a_confirmation_lost_after_the_commit_comes_from_the_sweep(  # type: ignore[no-untyped-def]
    smtp_server, sweep, book
) -> None:
    appointment = book(local("2027-03-15 09:00"))  # its task was never queued
    assert OutgoingMessage.objects.count() == 0
    # Within the grace period the task has its turn; the sweep waits.
    assert sweep(now=timezone.now()) == 0
    assert confirmations_in(smtp_server) == []

    assert sweep() == 2
    [mine] = smtp_server.to(PATIENT_EMAIL)
    assert subject_of(mine) == "Your appointment on Monday 15 March 2027, 9:00 AM MDT is booked"
    assert managed_by(text_of(mine)) == [appointment]
    assert ics_part(mine) is not None
    assert "SECRET-NOTE" not in everything_in(mine)
    [theirs] = smtp_server.to(LENA)
    assert subject_of(theirs) == "New booking: Monday 15 March 2027, 9:00 AM MDT"
    rows = OutgoingMessage.objects.filter(kind=Kind.BOOKED)
    keys = set(rows.values_list("dedupe_key", flat=True))
    pk = appointment.pk
    assert keys == {f"booked:{pk}:patient", f"booked:{pk}:staff:{lena().pk}"}
    assert set(rows.values_list("status", flat=True)) == {MessageStatus.SENT}

    # Every later sweep finds it done; so does the task, should it run after all.
    for minutes in (4, 60, 600):
        assert sweep(now=later(minutes)) == 0
    assert tasks.compose_booked.call(appointment.pk) == 0
    assert len(confirmations_in(smtp_server)) == 2


@pytest.mark.django_db
def test_the_task_first_then_the_sweep_finds_nothing_to_do(  # type: ignore[no-untyped-def]
    smtp_server, sweep, book, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        book(local("2027-03-15 09:00"))  # the task runs (immediate backend in tests)
    assert len(confirmations_in(smtp_server)) == 2
    assert sweep() == 0
    assert len(confirmations_in(smtp_server)) == 2


@pytest.mark.django_db
def test_only_the_missing_recipient_is_composed(smtp_server, sweep, book) -> None:  # type: ignore[no-untyped-def]
    appointment = book(local("2027-03-15 09:00"))
    # The task died between writing the patient's row and the practitioner's.
    assert tasks.compose_booked.call(appointment.pk) == 2
    OutgoingMessage.objects.filter(audience=Audience.STAFF).delete()
    OutgoingMessage.objects.update(status=MessageStatus.SENT)  # as if it went out
    assert sweep() == 1
    assert [subject_of(m) for m in confirmations_in(smtp_server)] == [
        "New booking: Monday 15 March 2027, 9:00 AM MDT"
    ]


@pytest.mark.django_db
def test_a_series_is_confirmed_in_one_message_as_the_task_would(  # type: ignore[no-untyped-def]
    sweep, smtp_server, patient
) -> None:
    series = booking.book_series(
        service=back_pain(),
        practitioner=lena(),
        first_start=local("2027-03-01 09:00"),
        every_days=7,
        count=3,
        patient=patient,
        actor=TESTER,
        rules=slots.STAFF,
    )
    first = min(series, key=lambda a: a.pk)
    assert sweep() == 2
    assert booked_rows() == [(first.pk, Audience.PATIENT), (first.pk, Audience.STAFF)]
    [mine] = smtp_server.to(PATIENT_EMAIL)
    assert sorted(a.pk for a in managed_by(text_of(mine))) == sorted(a.pk for a in series)
    assert sweep() == 0
    assert tasks.compose_booked.call(first.pk, True) == 0  # the task's keys are the same


@pytest.mark.django_db
def test_an_accepted_waitlist_offer_whose_confirmation_was_lost(  # type: ignore[no-untyped-def]
    sweep, smtp_server, book, django_capture_on_commit_callbacks
) -> None:
    waiting = Patient.objects.create(full_name="Noor Abadi", email="noor.waits@example.com")
    waitlist.join(
        patient=waiting,
        service=back_pain(),
        practitioner=lena(),
        earliest=local("2027-03-01 00:00").date(),
        latest=local("2027-03-31 00:00").date(),
    )
    appointment = book(local("2027-03-15 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(appointment, actor=TESTER)  # the time is held for Noor, offered
    OutgoingMessage.objects.all().delete()
    smtp_server.messages.clear()
    assert sweep() == 0  # a hold is no booking: nothing to confirm
    offer = WaitlistOffer.objects.get()
    waitlist.accept(offer)  # the confirmation's task is lost
    assert sweep() == 2
    assert [subject_of(m) for m in smtp_server.to("noor.waits@example.com")] == [
        "Your appointment on Monday 15 March 2027, 9:00 AM MDT is booked"
    ]


@pytest.mark.django_db
def test_no_confirmation_where_none_was_meant(sweep, smtp_server, book, patient) -> None:  # type: ignore[no-untyped-def]
    # The demo clinic's appointments were made by seed_demo (this session, so recent): none.
    recent_demo = Appointment.objects.filter(
        status=Status.CONFIRMED,
        start__gt=timezone.now(),
        created_at__gte=timezone.now() - confirmations.LOOK_BACK,
    )
    assert recent_demo.count() > 10
    # Cancelled before the sweep.
    cancelled = book(local("2027-03-15 09:00"))
    booking.cancel(cancelled, actor=TESTER, notify=False)
    # Booked with notify=False (the API's "do not tell anyone").
    booking.book(
        service=back_pain(),
        practitioner=lena(),
        start=local("2027-03-16 09:00"),
        patient=patient,
        actor=TESTER,
        rules=slots.STAFF,
        notify=False,
    )
    # Imported (interop.fhir_import writes the row itself, with no booking event).
    start = local("2027-03-17 09:00")
    Appointment.objects.create(
        patient=patient,
        practitioner=lena(),
        service=back_pain(),
        location=cancelled.location,
        start=start,
        end=start + timedelta(minutes=60),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=60),
        status=Status.CONFIRMED,
        source=Source.STAFF,
    )
    # Booked more than two days ago (older than the sweep looks back).
    old = book(local("2027-03-18 09:00"))
    Appointment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - confirmations.LOOK_BACK - timedelta(minutes=5)
    )
    # Already begun by the time of the sweep.
    begun = book(local("2027-03-19 09:00"))
    Appointment.objects.filter(pk=begun.pk).update(created_at=begun.start - timedelta(hours=1))

    assert sweep() == 0
    assert sweep(now=begun.start + timedelta(minutes=1)) == 0
    assert booked_rows() == []
    assert confirmations_in(smtp_server) == []


@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_killed_worker(  # type: ignore[no-untyped-def]
    demo, settings, smtp_server, book, monkeypatch
) -> None:
    """The queued task was claimed by a db_worker that was then killed: django_tasks_db leaves
    it RUNNING and never runs it again. The sweep composes it; the worker sends it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    book(local("2027-03-15 09:00"))  # committed; its task queued in the database
    task = DBTaskResult.objects.get(task_path__endswith="compose_booked")
    DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING", started_at=timezone.now())
    call_command("db_worker", "--batch", "--queue-name", "*")
    assert OutgoingMessage.objects.count() == 0 and smtp_server.messages == []

    then = later()
    monkeypatch.setattr(timezone, "now", lambda: then)
    call_command("sweep")
    call_command("db_worker", "--batch", "--queue-name", "*")
    assert sorted(m["To"] for m in confirmations_in(smtp_server)) == [
        f"Lena Qiao <{LENA}>",
        f"Maren Holt <{PATIENT_EMAIL}>",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_task_and_the_sweep_at_once_make_one_message_each(demo, smtp_server) -> None:  # type: ignore[no-untyped-def]
    patient = Patient.objects.create(full_name="Ada Brandt", email="ada.brandt@example.com")
    appointment = booking.book(
        service=back_pain(),
        practitioner=lena(),
        start=local("2027-06-07 09:00"),
        patient=patient,
        actor=TESTER,
        rules=slots.STAFF,
    )
    # book() queued the task after its commit and the immediate backend ran it: undo that,
    # so the task and the sweep both find nothing and race to compose.
    OutgoingMessage.objects.all().delete()
    smtp_server.messages.clear()
    start = threading.Barrier(2)
    results: list[int] = []

    def run(work) -> threading.Thread:  # type: ignore[no-untyped-def]
        def body() -> None:
            try:
                start.wait(timeout=10)
                results.append(work())
            finally:
                connections.close_all()

        thread = threading.Thread(target=body)
        thread.start()
        return thread

    when = later()
    threads = [
        run(lambda: tasks.compose_booked.call(appointment.pk)),
        run(lambda: confirmations.queue_missing(when)),
    ]
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 2 and len(results) == 2
    assert booked_rows() == [(appointment.pk, Audience.PATIENT), (appointment.pk, Audience.STAFF)]
    assert len(smtp_server.to("ada.brandt@example.com")) == 1
    assert len(smtp_server.to(LENA)) == 1
