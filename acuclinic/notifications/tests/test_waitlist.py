"""The waitlist offer: a freed time, the accept link and when the hold ends."""

from datetime import date

import pytest

from acuclinic.clinic.models import Practitioner
from acuclinic.notifications.models import Kind, MessageStatus, OutgoingMessage
from acuclinic.notifications.tasks import send_message
from acuclinic.patients.models import Patient
from acuclinic.scheduling import booking, waitlist
from acuclinic.scheduling.models import Service, WaitlistOffer

from .conftest import (
    DENVER,
    PATIENT_EMAIL,
    TESTER,
    everything_in,
    local,
    offers_in,
    subject_of,
    text_of,
)

pytestmark = pytest.mark.django_db
WAITING = "noor.waits@example.com"


@pytest.fixture
def waiting() -> Patient:
    patient = Patient.objects.create(full_name="Noor Abadi", email=WAITING)
    waitlist.join(
        patient=patient,
        service=Service.objects.get(slug="acupuncture-back-pain"),
        practitioner=Practitioner.objects.get(slug="lena-qiao"),
        earliest=date(2027, 3, 1),
        latest=date(2027, 3, 31),
    )
    return patient


def test_a_cancellation_offers_the_time_to_the_waitlist(
    smtp_server, book, waiting, django_capture_on_commit_callbacks
) -> None:
    appointment = book(local("2027-03-15 09:00"))  # inside Lena's Monday hours
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(appointment, actor=TESTER)

    offer = WaitlistOffer.objects.get()
    [message] = smtp_server.to(WAITING)
    assert subject_of(message) == "A time is free for you: Monday 15 March 2027, 9:00 AM MDT"
    text = text_of(message)
    assert "Hello Noor," in text
    assert offers_in(text) == [offer]
    expires = offer.expires_at.astimezone(DENVER)
    hour = expires.strftime("%I").lstrip("0")
    assert f"until {expires:%A} {expires.day} {expires:%B %Y}, {hour}:{expires:%M %p %Z}" in text
    assert "SECRET-NOTE" not in everything_in(message)
    # The cancelled patient heard about their cancellation, and about nothing else.
    assert [subject_of(m) for m in smtp_server.to(PATIENT_EMAIL)] == [
        "Your appointment on Monday 15 March 2027, 9:00 AM MDT is cancelled"
    ]
    # The held time is not a booking: no confirmation to Noor or to Lena yet.
    assert len(smtp_server.to(WAITING)) == 1
    assert [subject_of(m) for m in smtp_server.to("lena@example.com")] == [
        "Cancelled: Monday 15 March 2027, 9:00 AM MDT"
    ]

    # Accepting makes it a booking: now the confirmation goes out.
    with django_capture_on_commit_callbacks(execute=True):
        waitlist.accept(offer)
    assert [subject_of(m) for m in smtp_server.to(WAITING)][1] == (
        "Your appointment on Monday 15 March 2027, 9:00 AM MDT is booked"
    )


def test_an_offer_taken_or_gone_before_sending_is_not_sent(
    smtp_server, book, waiting, settings, django_capture_on_commit_callbacks
) -> None:
    appointment = book(local("2027-03-15 09:00"))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(appointment, actor=TESTER, notify=False)
    offer = WaitlistOffer.objects.get()
    row = OutgoingMessage.objects.get(kind=Kind.WAITLIST_OFFER)
    assert row.status == MessageStatus.SENT
    # Asked again for the same offer: still one message.
    from acuclinic.notifications import appointments

    appointments.waitlist_offer(offer.pk)
    assert len(smtp_server.to(WAITING)) == 1

    # A retry that comes after the patient declined sends nothing.
    OutgoingMessage.objects.filter(pk=row.pk).update(status=MessageStatus.PENDING)
    waitlist.decline(offer)
    assert send_message.call(row.pk) == "skipped"
    assert len(smtp_server.to(WAITING)) == 1
