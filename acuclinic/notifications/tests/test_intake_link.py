"""The booking confirmation carries the intake link while the patient still has the
questionnaire to send, and only the link: nothing from the answers (real SMTP on loopback)."""

import pytest
from django.conf import settings

from acuclinic.notifications import compose
from acuclinic.patients import intake
from acuclinic.patients.tests.intake_answers import complete_answers

from .conftest import PATIENT_EMAIL, everything_in, html_of, local, text_of

pytestmark = pytest.mark.django_db

LINE = "Before your first visit, please fill in the health questionnaire:"


def confirmation(smtp_server, book, capture, start: str):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        book(local(start))
    [message] = smtp_server.to(PATIENT_EMAIL)[-1:]
    return message


def test_the_link_is_in_the_confirmation_while_the_intake_is_due(
    smtp_server, book, patient, django_capture_on_commit_callbacks
) -> None:
    url = f"{settings.SITE_URL}/portal/intake/"
    message = confirmation(
        smtp_server, book, django_capture_on_commit_callbacks, "2027-03-15 09:00"
    )
    text = text_of(message).replace("\r\n", "\n")  # SMTP sends CRLF
    assert f"{LINE}\n{url}\n" in text
    assert f'<a href="{url}">{url}</a>' in html_of(message)

    # a half-filled draft is still due: the link stays, and none of the answers go with it
    draft = intake.open_draft(patient)
    typed = {"chief_complaint": "Sciatica down the left leg", "rf_saddle": True}
    intake.save(draft, typed, submit=False)
    message = confirmation(
        smtp_server, book, django_capture_on_commit_callbacks, "2027-03-16 09:00"
    )
    assert LINE in text_of(message)
    everything = everything_in(message)
    assert "Sciatica" not in everything and "saddle" not in everything.lower()


def test_no_link_once_the_intake_is_sent(
    smtp_server, book, patient, django_capture_on_commit_callbacks
) -> None:
    draft = intake.open_draft(patient)
    assert intake.save(draft, complete_answers(), submit=True).submitted
    message = confirmation(
        smtp_server, book, django_capture_on_commit_callbacks, "2027-03-15 09:00"
    )
    assert LINE not in text_of(message) and "/portal/intake/" not in html_of(message)
    assert "Low back pain" not in everything_in(message)


def test_the_composed_draft_uses_the_site_address(settings, book, patient) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://clinic.example"
    appointment = book(local("2027-03-15 09:00"))
    [to_patient] = [d for d in compose.for_booking(appointment.pk) if d.audience == "patient"]
    assert f"{LINE}\nhttps://clinic.example/portal/intake/\n" in to_patient.body_text
    staff = [d for d in compose.for_booking(appointment.pk) if d.audience != "patient"]
    assert staff and all("/portal/intake/" not in d.body_text for d in staff)
