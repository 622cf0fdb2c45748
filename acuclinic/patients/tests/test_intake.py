"""The intake's storage: drafts lose nothing, a submit validates, red flags are kept for the
calendar and need review again when they change, the pain scores become the baseline, and
only the patient and the clinical team can open it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from acuclinic.clinic.audit import AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas, personas_fixture  # noqa: F401
from acuclinic.outcomes.models import Score, Source
from acuclinic.patients import intake
from acuclinic.patients.access import Purpose
from acuclinic.patients.models import IntakeResponse, IntakeStatus
from acuclinic.patients.tests.intake_answers import complete_answers

pytestmark = pytest.mark.django_db


def request_as(user):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    request.user = user or AnonymousUser()
    return request


def test_opening_twice_gives_the_same_draft_on_the_latest_version(personas: Personas) -> None:
    first = intake.open_draft(personas.record_a)
    again = intake.open_draft(personas.record_a)
    assert first.pk == again.pk
    assert (first.questionnaire, first.version, first.status) == ("intake-back-pain", 1, "draft")
    assert intake.is_due(personas.record_a)


def test_a_draft_keeps_valid_answers_and_the_raw_text_of_invalid_ones(personas: Personas) -> None:
    draft = intake.open_draft(personas.record_a)
    saved = intake.save(draft, {"pain_now": "7", "pain_worst": "eleven"}, submit=False)
    assert not saved.submitted
    draft.refresh_from_db()
    assert draft.answers == {"pain_now": 7}
    assert draft.invalid == {"pain_worst": "eleven"}
    assert draft.status == IntakeStatus.DRAFT


def test_an_incomplete_submit_stays_a_draft_and_says_what_is_missing(personas: Personas) -> None:
    draft = intake.open_draft(personas.record_a)
    saved = intake.save(draft, complete_answers(pain_now=None), submit=True)
    assert not saved.submitted
    assert "pain_now" in saved.result.errors
    draft.refresh_from_db()
    assert draft.status == IntakeStatus.DRAFT and draft.submitted_at is None
    assert draft.answers["pain_worst"] == 8  # the rest is kept
    assert not Score.objects.exists()


def test_a_complete_submit_records_the_baseline_pain_and_closes(personas: Personas) -> None:
    draft = intake.open_draft(personas.record_a)
    saved = intake.save(
        draft, complete_answers(), submit=True, request=request_as(personas.patient_a)
    )
    assert saved.submitted and saved.flags == []
    draft.refresh_from_db()
    assert draft.status == IntakeStatus.SUBMITTED and draft.submitted_at is not None
    scores = {s.item: s.value for s in Score.objects.filter(patient=personas.record_a)}
    assert scores == {"now": Decimal(6), "average": Decimal(5), "worst": Decimal(8)}
    assert set(Score.objects.values_list("source", flat=True)) == {Source.INTAKE}
    assert not intake.is_due(personas.record_a)
    with pytest.raises(intake.IntakeClosed):
        intake.save(draft, complete_answers(pain_now=1), submit=False)
    entry = AuditEntry.objects.filter(record_type="patients.intakeresponse").latest("pk")
    assert (entry.action, entry.patient_id, entry.role) == ("sign", personas.record_a.pk, "patient")
    assert "Ibuprofen" not in str(entry.detail)  # the audit names facts, not content


def test_a_new_draft_after_a_submitted_one(personas: Personas) -> None:
    first = intake.open_draft(personas.record_a)
    intake.save(first, complete_answers(), submit=True)
    second = intake.open_draft(personas.record_a)
    assert second.pk != first.pk and second.status == IntakeStatus.DRAFT
    assert intake.latest(personas.record_a) == second


def test_red_flags_are_kept_and_a_changed_screen_needs_review_again(personas: Personas) -> None:
    draft = intake.open_draft(personas.record_a)
    saved = intake.save(draft, {"rf_fever": True}, submit=False)
    assert [f.code for f in saved.flags] == ["fever_infection"]
    draft.refresh_from_db()
    assert draft.red_flags == ["fever_infection"]
    assert draft.red_flag_severity == "see_physician" and draft.flag_open
    intake.review_flag(draft, request=request_as(personas.practitioner))
    draft.refresh_from_db()
    assert not draft.flag_open and draft.flag_reviewed_by == personas.practitioner
    intake.save(draft, {"rf_fever": True}, submit=False)  # the same screen: still reviewed
    draft.refresh_from_db()
    assert not draft.flag_open
    intake.save(draft, {"rf_fever": True, "rf_saddle": True}, submit=False)
    draft.refresh_from_db()
    assert draft.red_flags == ["saddle_numbness", "fever_infection"]
    assert draft.red_flag_severity == "emergency" and draft.flag_open
    intake.save(draft, {}, submit=False)
    draft.refresh_from_db()
    assert draft.red_flags == [] and draft.red_flag_severity == "" and not draft.flag_open


MAY_OPEN_A = {
    Purpose.CLINICAL: {"patient_a", "practitioner", "owner"},
    Purpose.CONTACT: {"patient_a", "practitioner", "owner", "front_desk"},
}


@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize("name", NAMES)
def test_who_may_open_an_intake(personas: Personas, name: str, purpose: Purpose) -> None:
    draft = intake.open_draft(personas.record_a)
    request = request_as(personas.user(name))
    if name in MAY_OPEN_A[purpose] and name != "inactive_staff":
        assert intake.access_intake(request, str(draft.pk), purpose) == draft
    else:
        with pytest.raises(Http404):
            intake.access_intake(request, str(draft.pk), purpose)
    for guess in ("0", "-1", "1.0", "999999999", "x"):
        with pytest.raises(Http404):
            intake.access_intake(request, guess, purpose)


def test_one_draft_per_patient_is_enforced_by_the_database(personas: Personas) -> None:
    from django.db import IntegrityError, transaction

    intake.open_draft(personas.record_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeResponse.objects.create(
            patient=personas.record_a, questionnaire="intake-back-pain", version=1
        )
