"""The practitioner's notice of a red flag on a submitted intake: once, before the next visit,
with nothing clinical in it and no name in the subject (real SMTP on loopback)."""

import pytest

from acuclinic.clinic.models import Practitioner
from acuclinic.notifications import red_flag_notice
from acuclinic.notifications.models import OutgoingMessage
from acuclinic.patients import intake
from acuclinic.patients.tests.intake_answers import complete_answers
from acuclinic.scheduling import booking

from .conftest import everything_in, local, subject_of, text_of

pytestmark = pytest.mark.django_db

LENA = "lena.notices@example.com"


@pytest.fixture(autouse=True)
def lena_has_email(db) -> None:  # type: ignore[no-untyped-def]
    Practitioner.objects.filter(slug="lena-qiao").update(email=LENA)


def submitted(patient, **changes):  # type: ignore[no-untyped-def]
    record = intake.open_draft(patient)
    assert intake.save(record, complete_answers(**changes), submit=True).submitted
    record.refresh_from_db()
    return record


def test_the_practitioner_is_told_once_without_clinical_detail(
    smtp_server, book, patient, django_capture_on_commit_callbacks
) -> None:
    appointment = book(local("2027-04-12 09:00"))
    record = submitted(patient, rf_saddle=True, rf_cancer=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert red_flag_notice.notify.enqueue(record.pk).return_value == 1
    [message] = smtp_server.to(LENA)
    subject = " ".join(subject_of(message).split())  # unfold the long header
    assert subject == (
        "A patient's health questionnaire needs your attention before their visit on "
        "Monday 12 April 2027, 9:00 AM MDT"
    )
    assert "Maren" not in subject and "Holt" not in subject
    text = text_of(message)
    assert "Maren Holt" in text  # the body may name the patient
    assert f"/desk/patients/{patient.pk}/intake/{record.pk}/" in text
    everything = everything_in(message).lower()
    for clinical in ("saddle", "cauda", "cancer", "bladder", "red flag", "ibuprofen", "secret"):
        assert clinical not in everything
    stored = OutgoingMessage.objects.get(dedupe_key__startswith="red_flag:")
    assert (stored.appointment_id, stored.kind) == (appointment.pk, "red_flag")
    # Asked again (a retried task): the outbox keeps the one.
    with django_capture_on_commit_callbacks(execute=True):
        assert red_flag_notice.notify.enqueue(record.pk).return_value == 0
    assert len(smtp_server.to(LENA)) == 1


def test_nothing_when_reviewed_without_a_flag_or_without_a_visit(
    book, patient, personas_free_request
) -> None:
    flagged = submitted(patient, rf_fever=True)
    assert red_flag_notice.for_red_flag(flagged.pk) == []  # no visit ahead
    appointment = book(local("2027-04-13 09:00"))
    assert len(red_flag_notice.for_red_flag(flagged.pk)) == 1
    intake.review_flag(flagged, request=personas_free_request)
    assert red_flag_notice.for_red_flag(flagged.pk) == []  # reviewed already
    booking.cancel(appointment, actor=booking.SYSTEM, notify=False)
    draft = intake.open_draft(patient)
    intake.save(draft, {"rf_fever": True}, submit=False)
    book(local("2027-04-14 09:00"))
    assert red_flag_notice.for_red_flag(draft.pk) == []  # a draft is not sent yet
    quiet = intake.open_draft(patient)
    assert red_flag_notice.for_red_flag(quiet.pk) == []


def test_a_practitioner_without_an_address_gets_nothing(book, patient) -> None:
    Practitioner.objects.filter(slug="lena-qiao").update(email="")
    book(local("2027-04-15 09:00"))
    assert red_flag_notice.for_red_flag(submitted(patient, rf_trauma=True).pk) == []


@pytest.fixture
def personas_free_request(django_user_model):  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = django_user_model.objects.get(username="demo")
    return request


def test_sending_a_flagged_intake_queues_the_notice_by_itself(
    smtp_server, book, patient, django_capture_on_commit_callbacks
) -> None:
    book(local("2027-04-12 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        submitted(patient, rf_fever=True)
    assert len(smtp_server.to(LENA)) == 1
    # A flag on a draft is for the desk's badge; the mail waits until the intake is sent.
    other = intake.open_draft(patient)
    with django_capture_on_commit_callbacks(execute=True):
        intake.save(other, {"rf_saddle": True}, submit=False)
    assert len(smtp_server.to(LENA)) == 1


def test_sending_an_intake_without_a_flag_sends_no_notice(
    smtp_server, book, patient, django_capture_on_commit_callbacks
) -> None:
    book(local("2027-04-12 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        submitted(patient)
    assert smtp_server.to(LENA) == []
    assert not OutgoingMessage.objects.filter(kind="red_flag").exists()
