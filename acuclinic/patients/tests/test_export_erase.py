"""Export (everything held about one patient, as JSON, audited) and erasure (the owner's,
with a confirmation step: personal data gone, past appointments kept without a name, the
audit trail whole)."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas
from acuclinic.patients.actions import ERASED_NAME
from acuclinic.patients.models import (
    ConsentDocument,
    ConsentSignature,
    Document,
    Patient,
    PatientLink,
)

from . import files

pytestmark = pytest.mark.django_db


def outcome(response) -> int | str:  # type: ignore[no-untyped-def]
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    return response.status_code


@pytest.fixture
def full(personas: Personas) -> Patient:
    """Patient A with something of everything."""
    patient = personas.record_a
    patient.date_of_birth = date(1990, 4, 12)
    patient.city = "Lakewood"
    patient.emergency_name = "Rafe Halloway"
    patient.emergency_phone = "(303) 555-0163"
    patient.save()
    files.appointment(patient, days=-70, staff_notes="Prefers the quiet room; son Otto.")
    cancelled = files.appointment(patient, days=-100, status="cancelled")
    cancelled.events.create(
        actor_label="staff: reception",
        action="cancelled",
        changes={"from": "confirmed", "reason": "Otto has the flu"},
    )
    ConsentSignature.objects.create(
        patient=patient,
        document=ConsentDocument.objects.get(kind="treatment", version=1),
        typed_name="Juniper Halloway",
        agreed=True,
        ip_address="203.0.113.5",
    )
    document = Document(patient=patient, kind="referral", original_name="GP letter.pdf",
                        content_type="application/pdf", size=len(files.PDF))  # fmt: skip
    document.file.save("upload", ContentFile(files.PDF), save=True)
    child = Patient.objects.create(full_name="Otto Halloway")
    PatientLink.objects.create(patient=child, related=patient, relationship="parent", may_book=True)
    return patient


def export_url(patient: Patient) -> str:
    return reverse("desk:patient_export", args=[patient.pk])


def erase_url(patient: Patient) -> str:
    return reverse("desk:patient_erase", args=[patient.pk])


# --- export -------------------------------------------------------------------------------


def test_export_holds_everything(personas: Personas, full: Patient) -> None:
    response = personas.client("practitioner").get(export_url(full))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="patient-{full.pk}-')
    assert "Halloway" not in response["Content-Disposition"]  # no name in a file name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["format"] == "acuclinic.patient-export" and data["format_version"] == 1
    record = data["patient"]
    assert record["id"] == full.pk
    assert (record["full_name"], record["email"], record["phone"]) == (
        "Juniper Halloway",
        "juniper@example.org",
        "(303) 555-0161",
    )
    assert record["date_of_birth"] == "1990-04-12"
    assert record["emergency_name"] == "Rafe Halloway"
    assert record["has_portal_account"] is True
    assert [a["status"] for a in data["appointments"]] == ["cancelled", "confirmed"]
    assert data["appointments"][1]["staff_notes"].startswith("Prefers the quiet room")
    assert {"start", "end", "service", "practitioner", "location"} <= set(data["appointments"][0])
    (signed,) = data["consents"]
    assert (signed["kind"], signed["version"], signed["typed_name"]) == (
        "treatment",
        1,
        "Juniper Halloway",
    )
    assert signed["ip_address"] == "203.0.113.5" and "cupping" in signed["text"]
    (document,) = data["documents"]
    assert (document["file_name"], document["kind"], document["size"]) == (
        "GP letter.pdf",
        "referral",
        len(files.PDF),
    )
    assert "%PDF" not in response.content.decode()  # listed, not embedded
    (link,) = data["linked_family"]
    assert link["person"] == "Otto Halloway" and link["this_patient_is_their"] == "parent"


def test_export_is_audited(personas: Personas, full: Patient) -> None:
    personas.client("owner").get(export_url(full))
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert (entry.record_type, entry.record_id, entry.patient_id) == (
        "patients.patient",
        str(full.pk),
        full.pk,
    )
    assert (entry.actor, entry.detail) == (personas.owner, {"format": "json"})


def test_export_query_count(
    personas: Personas, full: Patient, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        files.appointment(full, days=-200 - _)
    client = personas.client("owner")
    with django_assert_max_num_queries(20):
        assert client.get(export_url(full)).status_code == 200


def test_export_holds_the_intake_and_the_scores(personas: Personas, full: Patient) -> None:
    from acuclinic.patients import intake
    from acuclinic.patients.tests.intake_answers import complete_answers

    sent = intake.open_draft(full)
    intake.save(sent, complete_answers(), submit=True)
    draft = intake.open_draft(full)
    intake.save(draft, {"pain_now": "eleven"}, submit=False)
    data = json.loads(personas.client("owner").get(export_url(full)).content)
    assert [i["status"] for i in data["intakes"]] == ["submitted", "draft"]
    assert data["intakes"][0]["answers"]["chief_complaint"].startswith("Low back pain")
    assert data["intakes"][1]["unfinished_answers"] == {"pain_now": "eleven"}
    assert {(s["item"], s["value"], s["source"]) for s in data["scores"]} == {
        ("now", 6, "intake"),
        ("average", 5, "intake"),
        ("worst", 8, "intake"),
    }


EXPORTS = {"practitioner": 200, "owner": 200, "front_desk": 403, "patient_a": 403,
           "patient_b": 403, "anonymous": "login", "inactive_staff": "login"}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_who_may_export(personas: Personas, full: Patient, name: str) -> None:
    response = personas.client(name).get(export_url(full))
    assert outcome(response) == EXPORTS[name]
    assert AuditEntry.objects.filter(action=Action.EXPORT).exists() == (EXPORTS[name] == 200)
    assert (b"juniper@example.org" in response.content) == (EXPORTS[name] == 200)


@pytest.mark.parametrize("guess", ["999999", "0"])
def test_export_guessed_ids(personas: Personas, guess: str) -> None:
    assert personas.client("owner").get(f"/desk/patients/{guess}/export/").status_code == 404


# --- erase --------------------------------------------------------------------------------


def test_erase_asks_first_and_says_what_goes(personas: Personas, full: Patient) -> None:
    client = personas.client("owner")
    page = client.get(erase_url(full)).content.decode()
    assert "What is removed" in page and "What is kept" in page
    assert "2 past or cancelled appointments" in page and "1 uploaded document" in page
    wrong = client.post(erase_url(full), {"typed_name": "Juniper Hallowell", "confirm": "on"})
    assert "That is not the patient&#x27;s name as recorded." in wrong.content.decode()
    unticked = client.post(erase_url(full), {"typed_name": "Juniper Halloway"})
    assert "Tick the box to confirm." in unticked.content.decode()
    full.refresh_from_db()
    assert full.erased_at is None and full.email
    assert not AuditEntry.objects.filter(action=Action.ERASE).exists()


def test_erase_removes_personal_data_and_keeps_past_appointments(
    personas: Personas,
    full: Patient,
    private_dir: Path,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    stored = Path(Document.objects.get().file.path)
    assert stored.exists()
    earlier = AuditEntry.objects.filter(patient_id=full.pk).count()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once committed
        response = personas.client("owner").post(
            erase_url(full), {"typed_name": " juniper  HALLOWAY ", "confirm": "on"}
        )
    assert response.status_code == 302 and response["Location"] == "/desk/patients/"
    full.refresh_from_db()
    assert full.full_name == ERASED_NAME and full.erased_at is not None
    for field in ("email", "phone", "city", "emergency_name", "emergency_phone", "pronouns"):
        assert getattr(full, field) == "", field
    assert full.date_of_birth is None and full.user is None
    appointments = list(full.appointments.all())
    assert len(appointments) == 2
    assert all(a.staff_notes == "" for a in appointments)
    (event,) = [e for a in appointments for e in a.events.all()]
    assert event.changes == {"from": "confirmed", "reason": ""}
    assert not Document.objects.exists() and not stored.exists()
    assert not ConsentSignature.objects.exists()
    assert not PatientLink.objects.exists()
    assert not get_user_model().objects.filter(pk=personas.patient_a.pk).exists()
    # The trail stays, and gains the erasure.
    assert AuditEntry.objects.filter(patient_id=full.pk).count() > earlier
    entry = AuditEntry.objects.get(action=Action.ERASE)
    assert (entry.patient_id, entry.actor, entry.detail) == (full.pk, personas.owner, {"count": 2})
    # Gone from the list and from every page that would change it.
    client = personas.client("owner")
    assert "Erased patient" not in client.get("/desk/patients/").content.decode()
    assert client.get(reverse("desk:patient_edit", args=[full.pk])).status_code == 404
    assert client.get(erase_url(full)).status_code == 404
    page = client.get(reverse("desk:patient", args=[full.pk])).content.decode()
    assert "This record was erased" in page


def test_erase_without_appointments_deletes_the_record(personas: Personas) -> None:
    patient = Patient.objects.create(full_name="Sable Whitcombe", email="sable@example.org")
    personas.client("owner").post(erase_url(patient), {"typed_name": "Sable Whitcombe",
                                                       "confirm": "on"})  # fmt: skip
    assert not Patient.objects.filter(pk=patient.pk).exists()
    assert AuditEntry.objects.get(action=Action.ERASE).patient_id == patient.pk


def test_erase_waits_for_upcoming_appointments(personas: Personas) -> None:
    patient = Patient.objects.create(full_name="Sable Whitcombe", email="sable@example.org")
    files.appointment(patient, days=90)
    response = personas.client("owner").post(
        erase_url(patient), {"typed_name": "Sable Whitcombe", "confirm": "on"}
    )
    assert "Cancel them first" in response.content.decode()
    patient.refresh_from_db()
    assert patient.email == "sable@example.org"
    assert not AuditEntry.objects.filter(action=Action.ERASE).exists()


def test_a_staff_account_linked_to_a_record_is_not_deleted(personas: Personas) -> None:
    patient = Patient.objects.create(full_name="Odile Fenwick", user=personas.practitioner)
    personas.client("owner").post(erase_url(patient), {"typed_name": "Odile Fenwick",
                                                       "confirm": "on"})  # fmt: skip
    assert get_user_model().objects.filter(pk=personas.practitioner.pk).exists()
    assert not Patient.objects.filter(pk=patient.pk).exists()


ERASERS = {"owner": 302, "practitioner": 403, "front_desk": 403, "patient_a": 403,
           "patient_b": 403, "anonymous": "login", "inactive_staff": "login"}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_who_may_erase(personas: Personas, name: str) -> None:
    patient = personas.record_b
    response = personas.client(name).post(
        erase_url(patient), {"typed_name": "Bartholomew Lund", "confirm": "on"}
    )
    assert outcome(response) == ERASERS[name]
    assert Patient.objects.filter(pk=patient.pk).exists() == (ERASERS[name] != 302)


def test_erase_guessed_ids(personas: Personas) -> None:
    response = personas.client("owner").post("/desk/patients/999999/erase/",
                                             {"typed_name": "x", "confirm": "on"})  # fmt: skip
    assert response.status_code == 404


def test_erase_takes_the_intakes_and_scores_too(personas: Personas, full: Patient) -> None:
    from acuclinic.outcomes.models import Score
    from acuclinic.patients import intake
    from acuclinic.patients.tests.intake_answers import complete_answers

    intake.save(intake.open_draft(full), complete_answers(), submit=True)
    intake.save(intake.open_draft(full), {"chief_complaint": "a draft"}, submit=False)
    assert full.intakes.count() == 2 and Score.objects.filter(patient=full).count() == 3
    client = personas.client("owner")
    assert "2 health questionnaires" in client.get(erase_url(full)).content.decode()
    client.post(erase_url(full), {"typed_name": "Juniper Halloway", "confirm": "on"})
    full.refresh_from_db()
    assert full.erased_at is not None  # kept for its past appointments, but empty
    assert not full.intakes.exists() and not Score.objects.filter(patient=full).exists()


def test_erase_is_refused_while_there_are_treatment_records(
    personas: Personas, full: Patient
) -> None:
    from django.test import RequestFactory

    from acuclinic.charting import actions as charting

    request = RequestFactory().post("/")
    request.user = personas.practitioner
    charting.start_visit(patient=full, request=request, practitioner=personas.practitioner_record)
    client = personas.client("owner")
    page = client.get(erase_url(full)).content.decode()
    assert "This patient has treatment records" in page
    refused = client.post(erase_url(full), {"typed_name": "Juniper Halloway", "confirm": "on"})
    assert refused.status_code == 200
    assert "must be kept for the years the law sets" in refused.content.decode()
    full.refresh_from_db()
    assert full.erased_at is None and full.full_name == "Juniper Halloway"
    assert not AuditEntry.objects.filter(action=Action.ERASE).exists()


def test_export_holds_the_visits_and_prescriptions(
    personas: Personas, full: Patient, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """The patient's copy of the clinical record: notes, points, amendments, formulas."""
    from django.test import RequestFactory

    from acuclinic.charting import actions as charting
    from acuclinic.herbs import actions as herbs

    request = RequestFactory().post("/")
    request.user = personas.practitioner

    def visit_with_a_prescription(note: str) -> None:
        visit = charting.start_visit(
            patient=full, request=request, practitioner=personas.practitioner_record
        )
        charting.save_note(visit=visit, fields={"chief_complaint": note}, request=request)
        charting.add_needle(
            visit=visit, data={"code": "BL23", "side": "bilateral"}, request=request
        )
        prescription = herbs.start_prescription(visit=visit, request=request)
        herbs.add_item(prescription=prescription, herb="du-huo", grams="9", request=request)

    visit_with_a_prescription("Low back ache after gardening.")
    client = personas.client("owner")
    data = json.loads(client.get(export_url(full)).content)
    (visit,) = data["visits"]
    assert visit["chief_complaint"] == "Low back ache after gardening."
    assert [(n["code"], n["side"]["value"]) for n in visit["needles"]] == [("BL23", "bilateral")]
    assert visit["practitioner"] == "Odile Fenwick"
    (prescription,) = data["prescriptions"]
    assert [(i["herb"], i["grams"]) for i in prescription["items"]] == [("du-huo", 9)]
    for _ in range(3):
        visit_with_a_prescription("Another visit.")
    with django_assert_max_num_queries(40):  # the same with four visits as with one
        assert len(json.loads(client.get(export_url(full)).content)["visits"]) == 4
