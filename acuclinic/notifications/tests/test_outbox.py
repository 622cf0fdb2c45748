"""Sending: retries with backoff, giving up visibly, and once-only delivery with two senders."""

import socket
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from acuclinic.clinic.models import ClinicSettings, Practitioner
from acuclinic.notifications import outbox, reminders, tasks
from acuclinic.notifications.models import Audience, MessageStatus, OutgoingMessage
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, slots
from acuclinic.scheduling.models import Appointment, Service
from acuclinic.settings import mailer_from_url

from .conftest import PATIENT_EMAIL, TESTER, local

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_backoff_doubles_and_is_capped() -> None:
    minutes = [outbox.backoff(n) / timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried_with_backoff_then_left_failed(
    smtp_server, settings, book, django_capture_on_commit_callbacks
) -> None:
    ClinicSettings.objects.update(reminder_hours_before=0)  # only the retries in these sweeps
    working = settings.MAILERS
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{closed_port()}")}
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(local("2027-05-03 09:00"))
    rows = OutgoingMessage.objects.filter(appointment=appointment)
    assert rows.count() == 2
    assert set(rows.values_list("status", "attempts")) == {(MessageStatus.PENDING, 1)}
    row = rows.get(audience=Audience.PATIENT)
    assert "Connection" in row.last_error  # e.g. ConnectionRefusedError

    waits = []
    while row.status == MessageStatus.PENDING:
        waits.append(round((row.next_attempt_at - row.claimed_at) / timedelta(minutes=1)))
        attempts = row.attempts
        reminders.queue_due(now=row.next_attempt_at - timedelta(seconds=5))  # not yet
        row.refresh_from_db()
        assert row.attempts == attempts
        reminders.queue_due(now=row.next_attempt_at)
        row.refresh_from_db()
        assert row.attempts == attempts + 1
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    assert row.status == MessageStatus.FAILED and row.attempts == outbox.MAX_ATTEMPTS
    assert row.sent_at is None and row.last_error
    # A failed message stays failed: later sweeps leave it alone.
    reminders.queue_due(now=timezone.now() + timedelta(days=2))
    row.refresh_from_db()
    assert row.attempts == outbox.MAX_ATTEMPTS
    assert smtp_server.messages == []

    # The mail server is back; staff send it again from the admin.
    settings.MAILERS = working
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.send_again([row.pk]) == 1
    assert len(smtp_server.to(PATIENT_EMAIL)) == 1
    row.refresh_from_db()
    assert row.status == MessageStatus.SENT and row.attempts == 1 and row.last_error == ""
    assert outbox.send_again([row.pk]) == 0  # only failed ones


@pytest.mark.django_db
def test_a_server_that_recovers_gets_the_message_on_the_next_attempt(
    smtp_server, settings, book, django_capture_on_commit_callbacks
) -> None:
    ClinicSettings.objects.update(reminder_hours_before=0)
    working = settings.MAILERS
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{closed_port()}")}
    with django_capture_on_commit_callbacks(execute=True):
        book(local("2027-05-03 09:00"))
    settings.MAILERS = working
    assert reminders.queue_due(now=timezone.now() + timedelta(minutes=2)) == 2
    assert len(smtp_server.messages) == 2
    assert set(OutgoingMessage.objects.values_list("status", "attempts")) == {
        (MessageStatus.SENT, 2)
    }


@pytest.mark.django_db
def test_sending_twice_sends_once(smtp_server, book, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        book(local("2027-05-03 09:00"))
    assert len(smtp_server.messages) == 2
    for row in OutgoingMessage.objects.all():
        assert tasks.send_message.call(row.pk) == "not claimed"
        tasks.send_message.enqueue(row.pk)
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db
def test_a_sender_that_died_mid_send_is_not_retried_blindly(smtp_server, book, settings) -> None:
    settings.TASKS = DUMMY_TASKS
    ClinicSettings.objects.update(reminder_hours_before=0)
    appointment = book(local("2027-05-03 09:00"))
    tasks.compose_booked.call(appointment.pk)
    row = OutgoingMessage.objects.first()
    OutgoingMessage.objects.filter(pk=row.pk).update(
        status=MessageStatus.SENDING, claimed_at=timezone.now() - timedelta(minutes=20)
    )
    reminders.queue_due()
    row.refresh_from_db()
    assert row.status == MessageStatus.FAILED and "send again" in row.last_error
    assert smtp_server.messages == []


# --- two workers at once ------------------------------------------------------------------


def _book_without_sending(settings) -> list[int]:  # type: ignore[no-untyped-def]
    """A booking whose messages are recorded and waiting, as a worker would find them."""
    settings.TASKS = DUMMY_TASKS
    patient = Patient.objects.create(full_name="Ada Brandt", email="ada.brandt@example.com")
    appointment = booking.book(
        service=Service.objects.get(slug="acupuncture-back-pain"),
        practitioner=Practitioner.objects.get(slug="lena-qiao"),
        start=local("2027-06-07 09:00"),
        patient=patient,
        actor=TESTER,
        rules=slots.STAFF,
    )
    assert tasks.compose_booked.call(appointment.pk) == 2
    return list(
        OutgoingMessage.objects.filter(appointment=appointment).values_list("pk", flat=True)
    )


def _in_thread(work, results: list) -> threading.Thread:  # type: ignore[no-untyped-def,type-arg]
    def run() -> None:
        try:
            results.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_the_same_messages_send_each_once(
    demo, settings, smtp_server
) -> None:
    ids = _book_without_sending(settings)
    results: list[str] = []
    for pk in ids:
        start = threading.Barrier(2)

        def send(pk: int = pk, start: threading.Barrier = start) -> str:
            start.wait(timeout=10)
            return outbox.deliver(pk)

        threads = [_in_thread(send, results) for _ in range(2)]
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(results) == ["not claimed", "not claimed", "sent", "sent"]
    assert len(smtp_server.messages) == 2
    assert len(smtp_server.to("ada.brandt@example.com")) == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_finds_the_message_claimed_while_the_first_sends(
    demo, settings, smtp_server, monkeypatch
) -> None:
    [pk, *_] = _book_without_sending(settings)
    first_is_sending = threading.Event()
    second_has_tried = threading.Event()
    build = outbox.build_email

    def slow_build(message):  # type: ignore[no-untyped-def]
        first_is_sending.set()
        assert second_has_tried.wait(timeout=10)
        return build(message)

    monkeypatch.setattr(outbox, "build_email", slow_build)
    first: list[str] = []
    thread = _in_thread(lambda: outbox.deliver(pk), first)
    assert first_is_sending.wait(timeout=10)
    second: list[str] = []
    _in_thread(lambda: outbox.deliver(pk), second).join(timeout=30)
    second_has_tried.set()
    thread.join(timeout=30)
    assert second == ["not claimed"]
    assert first == ["sent"]
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_each_message_once(demo, settings, smtp_server) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    patient = Patient.objects.create(full_name="Ada Brandt", email="ada.brandt@example.com")
    appointment = booking.book(
        service=Service.objects.get(slug="acupuncture-back-pain"),
        practitioner=Practitioner.objects.get(slug="lena-qiao"),
        start=local("2027-06-07 09:00"),
        patient=patient,
        actor=TESTER,
        rules=slots.STAFF,
    )
    assert smtp_server.messages == []  # queued, not sent, until a worker runs
    assert DBTaskResult.objects.filter(task_path__endswith="compose_booked").count() == 1

    call_command("db_worker", "--batch", "--queue-name", "*")
    assert len(smtp_server.messages) == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    # The same work queued again (a retry after a crash, a second sweep) sends nothing more.
    tasks.compose_booked.enqueue(appointment.pk)
    for pk in OutgoingMessage.objects.values_list("pk", flat=True):
        tasks.send_message.enqueue(pk)
        tasks.send_message.enqueue(pk)
    call_command("db_worker", "--batch", "--queue-name", "*")
    assert len(smtp_server.messages) == 2
    assert Appointment.objects.get(pk=appointment.pk).messages.count() == 2


@pytest.mark.django_db
def test_the_admin_lists_messages_and_sends_failed_ones_again(
    client, django_user_model, smtp_server, settings, book, django_capture_on_commit_callbacks
) -> None:
    working = settings.MAILERS
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{closed_port()}")}
    with django_capture_on_commit_callbacks(execute=True):
        book(local("2027-05-03 09:00"))
    OutgoingMessage.objects.update(status=MessageStatus.FAILED)
    settings.MAILERS = working
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345-x")
    client.force_login(admin)
    url = "/admin/notifications/outgoingmessage/"
    page = client.get(url)
    assert page.status_code == 200 and PATIENT_EMAIL in page.content.decode()
    ids = [str(pk) for pk in OutgoingMessage.objects.values_list("pk", flat=True)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send_again", "_selected_action": ids})
    assert response.status_code == 302
    assert len(smtp_server.messages) == 2
    detail = client.get(f"{url}{ids[0]}/change/")
    assert detail.status_code == 200
