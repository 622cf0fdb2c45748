"""The mail server down for an hour: messages wait, with backoff, and go out once when it is back.

The hour is simulated by moving the outbox's clock: every simulated minute, each waiting row's
due time moves a minute closer (what an hour of real time would do), then the once-a-minute
sweep (`reminders.queue_due`) runs. Sending is real: SMTP to 127.0.0.1, first to a port where
nothing listens, then to an aiosmtpd server that counts what arrives.
"""

import socket
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from acuclinic.notifications import appointments, reminders
from acuclinic.notifications.models import MessageStatus, OutgoingMessage
from acuclinic.notifications.tests.conftest import local
from acuclinic.settings import mailer_from_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_down(settings):  # type: ignore[no-untyped-def]
    with socket.socket() as probe:  # a port where nothing listens: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{port}")}


def one_minute_passes() -> None:
    OutgoingMessage.objects.filter(status=MessageStatus.PENDING).update(
        next_attempt_at=F("next_attempt_at") - timedelta(minutes=1)
    )
    reminders.queue_due(timezone.now())


def test_an_hour_without_mail_then_each_message_once(  # type: ignore[no-untyped-def]
    book, mail_down, settings, request, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = book(local("2027-03-15 09:00"))
        second = book(local("2027-03-16 10:00"))
        for appointment in (first, second):
            appointments.booked(appointment.pk)
    rows = OutgoingMessage.objects.order_by("pk")
    assert rows.count() == 4  # patient and practitioner, twice
    assert set(rows.values_list("status", flat=True)) == {MessageStatus.PENDING}
    assert set(rows.values_list("attempts", flat=True)) == {1}

    attempts_at: list[int] = []
    for minute in range(1, 61):
        before = sum(rows.values_list("attempts", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            one_minute_passes()
        if sum(rows.values_list("attempts", flat=True)) > before:
            attempts_at.append(minute)
        # Waiting, never given up within the hour, never sent.
        assert set(rows.values_list("status", flat=True)) == {MessageStatus.PENDING}
    # Backoff 1, 2, 4, 8, 16, 32 minutes: tries at 1, 3, 7, 15, 31 (and 63, after the hour).
    assert attempts_at == [1, 3, 7, 15, 31]
    assert set(rows.values_list("attempts", flat=True)) == {6}
    assert all("ConnectionRefusedError" in e for e in rows.values_list("last_error", flat=True))

    mailbox = request.getfixturevalue("smtp_server")  # the mail server is back
    for _ in range(40):  # 40 more minutes of sweeps, far more than the next due time
        with django_capture_on_commit_callbacks(execute=True):
            one_minute_passes()
    assert set(rows.values_list("status", flat=True)) == {MessageStatus.SENT}
    ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(ids) == 4 and len(set(ids)) == 4  # each once
    assert set(rows.values_list("attempts", flat=True)) == {7}
