"""The e-mail reminder for due outcome questionnaires: real SMTP on loopback, once per due
date however often the command runs, nothing clinical in it, nothing when nothing is due."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import include, path
from django.utils import timezone

import acuclinic.urls
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.notifications.models import OutgoingMessage
from acuclinic.notifications.tests.conftest import everything_in, subject_of, text_of
from acuclinic.outcomes.models import Score, Source
from acuclinic.outcomes.tests import factories

urlpatterns = [
    path("portal/questionnaires/", include("acuclinic.outcomes.portal_urls")),
    *acuclinic.urls.urlpatterns,
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def run(capture) -> str:  # type: ignore[no-untyped-def]
    out = StringIO()
    with capture(execute=True):
        call_command("send_outcome_reminders", stdout=out)
    return out.getvalue()


def test_one_reminder_per_due_date_without_clinical_detail(
    personas: Personas, smtp_server, settings, django_capture_on_commit_callbacks
) -> None:
    settings.OUTCOME_QUESTIONNAIRE_DIR = None  # our own questionnaires only: PSFS is due
    record = personas.record_a
    visited = timezone.now() - timedelta(hours=2)
    factories.visit(record, factories.practitioner(), visited)
    assert run(django_capture_on_commit_callbacks).startswith("1 reminder")
    [message] = smtp_server.to(record.email)
    assert subject_of(message) == "A short questionnaire is waiting for you"
    assert "/portal/questionnaires/" in text_of(message)
    everything = everything_in(message).lower()
    for clinical in ("back", "pain", "roland", "oswestry", "functional", "psfs", "visit"):
        assert not re.search(rf"\b{clinical}\b", everything), clinical
    stored = OutgoingMessage.objects.get()
    # The due date is the visit's local day (yesterday, when the test runs just after midnight).
    due = timezone.localdate(visited)
    assert stored.dedupe_key == f"outcome_questionnaire:{record.pk}:{due}"
    # Run again (the periodic job), and after the patient answered: no second message.
    assert run(django_capture_on_commit_callbacks).startswith("0 reminder")
    Score.objects.create(patient=record, measure="psfs", value=5, source=Source.QUESTIONNAIRE)
    assert run(django_capture_on_commit_callbacks).startswith("0 reminder")
    assert len(smtp_server.to(record.email)) == 1


def test_nothing_when_nothing_is_due(
    personas: Personas, smtp_server, django_capture_on_commit_callbacks
) -> None:
    # A visit 20 days ago: its window closed; patient B has no visit at all.
    old = timezone.now() - timedelta(days=20)
    factories.visit(personas.record_a, factories.practitioner(), old)
    assert run(django_capture_on_commit_callbacks).startswith("0 reminder")
    assert smtp_server.messages == []
    assert not OutgoingMessage.objects.exists()
