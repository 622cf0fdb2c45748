"""Merging duplicates: everything moves to the record kept (appointments, waitlist,
documents, signatures, family links), blanks are filled, the other record goes, in one
transaction, and the audit trail names both ids under each."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import reverse

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas
from acuclinic.patients import actions
from acuclinic.patients.actions import PatientActionRefused, merge_patients
from acuclinic.patients.models import (
    ConsentDocument,
    ConsentSignature,
    Document,
    Patient,
    PatientLink,
)

from . import files

pytestmark = pytest.mark.django_db


def request_as(user):  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/desk/patients/1/merge/", REMOTE_ADDR="198.51.100.7")
    request.user = user
    return request


def document_for(patient: Patient) -> Document:
    document = Document(
        patient=patient,
        kind="imaging",
        original_name="x-ray.pdf",
        content_type="application/pdf",
        size=len(files.PDF),
    )
    document.file.save("upload", ContentFile(files.PDF), save=True)
    return document


def sign(patient: Patient, document: ConsentDocument) -> ConsentSignature:
    return ConsentSignature.objects.create(
        patient=patient, document=document, typed_name=patient.full_name, agreed=True
    )


@pytest.fixture
def pair(personas: Personas) -> tuple[Patient, Patient]:
    """The kept record (full details) and an online booking's duplicate."""
    keep = Patient.objects.create(
        full_name="Imogen Faircloth",
        email="imogen.faircloth@example.org",
        phone="(303) 555-0181",
        city="Golden",
        region="CO",
    )
    dupe = Patient.objects.create(
        full_name="Imogen Faircloth",
        email="imogen.f@example.org",
        phone="303 555 0181",
        date_of_birth=date(1979, 8, 2),
        address_line1="9 Quarry Road",
        city="Denver",
        emergency_name="Ezra Faircloth",
        emergency_phone="(303) 555-0182",
        pronouns="she/her",
    )
    return keep, dupe


def test_everything_moves_to_the_record_kept(personas: Personas, pair) -> None:  # type: ignore[no-untyped-def]
    keep, dupe = pair
    past = files.appointment(dupe, days=-60)
    future = files.appointment(dupe, days=60)
    own = files.appointment(keep, days=-90)
    from acuclinic.scheduling.models import Service, WaitlistEntry

    waiting = WaitlistEntry.objects.create(
        patient=dupe,
        service=Service.objects.first(),
        earliest=date.today(),
        latest=date.today() + timedelta(days=7),
    )
    document = document_for(dupe)
    treatment = ConsentDocument.objects.get(kind="treatment", version=1)
    privacy = ConsentDocument.objects.get(kind="privacy", version=1)
    sign(keep, treatment)
    sign(dupe, treatment)  # both signed: the kept one's stays
    dupes_privacy = sign(dupe, privacy)
    child = Patient.objects.create(full_name="Juno Faircloth")
    sister = Patient.objects.create(full_name="Cleo Faircloth")
    PatientLink.objects.create(patient=child, related=dupe, relationship="parent", may_book=True)
    PatientLink.objects.create(patient=child, related=keep, relationship="parent")  # repeat
    PatientLink.objects.create(patient=dupe, related=sister, relationship="sibling")
    PatientLink.objects.create(patient=keep, related=dupe, relationship="other")  # self-link

    merged = merge_patients(keep=keep, remove=dupe, request=request_as(personas.practitioner))

    assert not Patient.objects.filter(pk=dupe.pk).exists()
    assert merged.removed_id == dupe.pk
    assert set(keep.appointments.all()) == {past, future, own}
    assert list(keep.waitlist.all()) == [waiting]
    assert list(keep.documents.all()) == [document]
    assert Path(Document.objects.get().file.path).read_bytes() == files.PDF  # file untouched
    assert {s.document.kind for s in keep.signatures.all()} == {"treatment", "privacy"}
    assert keep.signatures.count() == 2 and dupes_privacy in keep.signatures.all()
    links = {
        (link.patient_id, link.related_id, link.relationship) for link in PatientLink.objects.all()
    }
    assert links == {(child.pk, keep.pk, "parent"), (keep.pk, sister.pk, "sibling")}
    keep.refresh_from_db()
    # Blank groups filled from the duplicate; groups the kept record has stay its own.
    assert keep.email == "imogen.faircloth@example.org"
    assert keep.date_of_birth == date(1979, 8, 2)
    assert keep.pronouns == "she/her"
    assert (keep.emergency_name, keep.emergency_phone) == ("Ezra Faircloth", "(303) 555-0182")
    assert (keep.address_line1, keep.city, keep.region) == ("", "Golden", "CO")
    assert set(merged.filled) == {
        "date_of_birth", "pronouns", "emergency_name", "emergency_relationship",
        "emergency_phone",
    }  # fmt: skip


def test_the_audit_trail_names_both_ids(personas: Personas, pair) -> None:  # type: ignore[no-untyped-def]
    keep, dupe = pair
    files.appointment(dupe, days=-63)
    merge_patients(keep=keep, remove=dupe, request=request_as(personas.owner))
    entries = AuditEntry.objects.filter(action=Action.MERGE)
    assert entries.count() == 2
    under_kept = entries.get(patient_id=keep.pk)
    under_removed = entries.get(patient_id=dupe.pk)
    for entry in (under_kept, under_removed):
        assert (entry.record_type, entry.record_id) == ("patients.patient", str(dupe.pk))
        assert entry.detail["merged_into"] == keep.pk
        assert (entry.actor, entry.ip_address) == (personas.owner, "198.51.100.7")
    assert under_kept.detail["count"] == 1


def test_a_portal_account_moves_to_the_record_kept(personas: Personas) -> None:
    keep = Patient.objects.create(full_name="Juniper Halloway", phone="(303) 555-0161")
    merge_patients(keep=keep, remove=personas.record_a, request=request_as(personas.owner))
    keep.refresh_from_db()
    assert keep.user == personas.patient_a


def test_refused_merges_change_nothing(personas: Personas, pair) -> None:  # type: ignore[no-untyped-def]
    keep, dupe = pair
    with pytest.raises(PatientActionRefused, match="two different records"):
        merge_patients(keep=keep, remove=keep, request=request_as(personas.owner))
    with pytest.raises(PatientActionRefused, match="portal sign-in"):
        merge_patients(
            keep=personas.record_a, remove=personas.record_b, request=request_as(personas.owner)
        )
    dupe.erased_at = dupe.created_at
    dupe.save(update_fields=["erased_at"])
    with pytest.raises(PatientActionRefused, match="erased"):
        merge_patients(keep=keep, remove=dupe, request=request_as(personas.owner))
    assert Patient.objects.filter(pk__in=[keep.pk, dupe.pk]).count() == 2
    assert not AuditEntry.objects.filter(action=Action.MERGE).exists()


def test_a_failure_half_way_rolls_everything_back(
    personas: Personas,
    pair,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    keep, dupe = pair
    appointment = files.appointment(dupe, days=-65)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_fill", broken)
    with pytest.raises(RuntimeError):
        merge_patients(keep=keep, remove=dupe, request=request_as(personas.owner))
    appointment.refresh_from_db()
    assert appointment.patient_id == dupe.pk
    assert Patient.objects.filter(pk=dupe.pk).exists()


# --- through the desk ---------------------------------------------------------------------


def merge_url(patient: Patient) -> str:
    return reverse("desk:patient_merge", args=[patient.pk])


def test_side_by_side_then_merge(personas: Personas, pair) -> None:  # type: ignore[no-untyped-def]
    keep, dupe = pair
    client = personas.client("practitioner")
    found = client.get(merge_url(keep), {"q": "imogen.f@"})
    assert f"?other={dupe.pk}" in found.content.decode()
    compare = client.get(merge_url(keep), {"other": dupe.pk})
    html = compare.content.decode()
    assert compare.status_code == 200
    assert "imogen.faircloth@example.org" in html and "imogen.f@example.org" in html
    assert "9 Quarry Road" in html
    refused = client.post(merge_url(keep), {"other": dupe.pk, "keep": "this"})
    assert "Tick the box to confirm they are the same person." in refused.content.decode()
    assert Patient.objects.filter(pk=dupe.pk).exists()
    done = client.post(merge_url(keep), {"other": dupe.pk, "keep": "other", "confirm": "on"})
    assert done.status_code == 302
    assert done["Location"] == reverse("desk:patient", args=[dupe.pk])  # kept the other one
    assert not Patient.objects.filter(pk=keep.pk).exists()


def test_merging_with_itself_or_a_guess(personas: Personas, pair) -> None:  # type: ignore[no-untyped-def]
    keep, _dupe = pair
    client = personas.client("owner")
    response = client.get(merge_url(keep), {"other": keep.pk})
    assert "cannot be merged with itself" in response.content.decode()
    response = client.post(merge_url(keep), {"other": keep.pk, "keep": "this", "confirm": "on"})
    assert "cannot be merged with itself" in response.content.decode()
    for guess in ("999999", "-1", "abc"):
        response = client.post(merge_url(keep), {"other": guess, "keep": "this", "confirm": "on"})
        assert response.status_code == 404
    assert Patient.objects.filter(pk=keep.pk).exists()


MERGERS = {"practitioner": 302, "owner": 302, "front_desk": 403, "patient_a": 403,
           "patient_b": 403, "anonymous": "login", "inactive_staff": "login"}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_who_may_merge(personas: Personas, pair, name: str) -> None:  # type: ignore[no-untyped-def]
    keep, dupe = pair
    response = personas.client(name).post(
        merge_url(keep), {"other": dupe.pk, "keep": "this", "confirm": "on"}
    )
    got = response.status_code
    if got == 302 and response["Location"].startswith("/accounts/login/"):
        got = "login"
    assert got == MERGERS[name]
    assert Patient.objects.filter(pk=dupe.pk).exists() == (got != 302)


def test_two_open_questionnaires(personas: Personas, pair) -> None:  # type: ignore[no-untyped-def]
    """One open draft per patient: an empty one of the duplicate goes; two with answers wait
    for the patient to send one (nothing they typed is dropped or mixed)."""
    from acuclinic.patients import intake

    keep, dupe = pair
    intake.save(intake.open_draft(keep), {"chief_complaint": "kept's answers"}, submit=False)
    empty = intake.open_draft(dupe)
    merge_patients(keep=keep, remove=dupe, request=request_as(personas.owner))
    assert not type(empty).objects.filter(pk=empty.pk).exists()
    assert [i.answers for i in keep.intakes.all()] == [{"chief_complaint": "kept's answers"}]

    other = Patient.objects.create(full_name="Imogen Faircloth", email="if@example.org")
    intake.save(intake.open_draft(other), {"chief_complaint": "other's answers"}, submit=False)
    with pytest.raises(PatientActionRefused, match="started and not sent"):
        merge_patients(keep=keep, remove=other, request=request_as(personas.owner))
    assert other.intakes.get().answers == {"chief_complaint": "other's answers"}
    # Once the duplicate's questionnaire is sent, the merge goes through and keeps both.
    intake.save(other.intakes.get(), _complete(), submit=True)
    merge_patients(keep=keep, remove=other, request=request_as(personas.owner))
    assert sorted(keep.intakes.values_list("status", flat=True)) == ["draft", "submitted"]


def _complete():  # type: ignore[no-untyped-def]
    from acuclinic.patients.tests.intake_answers import complete_answers

    return complete_answers()


def test_the_outcome_summaries_follow_the_merge(
    personas: Personas, pair, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Scores and visits move with update() (no signals): the merge rebuilds the summaries."""
    from acuclinic.outcomes.models import CourseSummary, Score, Source

    keep, dupe = pair
    with django_capture_on_commit_callbacks(execute=True):
        visit = files.appointment(dupe, days=-300, status="completed")
        Score.objects.create(
            patient=dupe, measure="nprs", item="now", value=6, source=Source.CHECK_IN,
            appointment=visit, observed_at=visit.start,
        )  # fmt: skip
    assert CourseSummary.objects.filter(patient=dupe).exists()
    assert not CourseSummary.objects.filter(patient=keep).exists()
    with django_capture_on_commit_callbacks(execute=True):
        merge_patients(keep=keep, remove=dupe, request=request_as(personas.owner))
    assert CourseSummary.objects.filter(patient=keep).count() == 1
