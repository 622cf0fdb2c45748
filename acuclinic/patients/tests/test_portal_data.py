"""My data: the JSON of everything the clinic holds about the patient and the printable
summary, each audited as an export, each the patient's own only."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import Personas
from acuclinic.outcomes.models import Score, Source
from acuclinic.patients import consent, intake
from acuclinic.patients.models import IntakeResponse, IntakeStatus

from . import files
from .intake_answers import complete_answers

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::ResourceWarning")]


@pytest.fixture
def record(personas: Personas):  # type: ignore[no-untyped-def]
    """Patient A with one of everything; patient B with things of their own."""
    a, b = personas.record_a, personas.record_b
    files.appointment(a, days=45)
    files.appointment(b, days=46)
    client = personas.client("patient_a")
    client.post(
        f"/portal/consent/{consent.current_documents()[0].pk}/sign/",
        {"typed_name": "Juniper Halloway", "agreed": "on"},
    )
    client.post(
        "/portal/documents/",
        {"kind": "imaging", "file": SimpleUploadedFile("MRI report.pdf", files.PDF)},
    )
    Score.objects.create(
        patient=a, measure="nprs", item="now", value=6, source=Source.DIARY, note="stiff morning"
    )
    Score.objects.create(
        patient=b, measure="nprs", item="now", value=2, source=Source.DIARY, note="bart's note"
    )
    draft = intake.open_draft(a)
    saved = intake.save(draft, complete_answers(), submit=True)
    assert saved.submitted, saved.result.errors
    return a


def test_json_export_holds_everything_and_is_audited(personas: Personas, record) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("patient_a")
    response = client.get("/portal/my-data/my-record.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-record-')
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["patient"]["full_name"] == "Juniper Halloway"
    assert len(data["appointments"]) == 1
    assert [c["kind"] for c in data["consents"]] == [consent.current_documents()[0].kind]
    assert [d["file_name"] for d in data["documents"]] == ["MRI report.pdf"]
    assert [i["status"] for i in data["intakes"]] == ["submitted"]
    assert data["intakes"][0]["answers"] == IntakeResponse.objects.get().answers
    diary = [s for s in data["scores"] if s["source"] == "diary"]
    assert diary and all(s["note"] == "stiff morning" and s["value"] == 6 for s in diary)
    assert "bart" not in response.content.decode().lower()
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.patient_id == record.pk and entry.detail == {"format": "json"}


def test_printable_summary_lists_the_record_and_is_audited(personas: Personas, record) -> None:  # type: ignore[no-untyped-def]
    response = personas.client("patient_a").get("/portal/my-data/summary/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Summary of my record" in html and "Juniper Halloway" in html
    assert "(303) 555-0161" in html
    assert "MRI report.pdf" in html and "stiff morning" in html
    assert "Consent to treatment" in html or "Privacy notice" in html
    assert "signed on" in html
    # Intake answers under the questionnaire's own labels.
    assert "Where does it hurt?" in html and "Sent on" in html
    assert "bart" not in html.lower()
    assert "js/portal-print.js" in html and "data-print" in html
    assert "css/portal.css" in html
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.detail == {"format": "summary"}


def test_a_draft_intake_is_not_in_the_summary(personas: Personas) -> None:
    intake.open_draft(personas.record_a)
    html = personas.client("patient_a").get("/portal/my-data/summary/").content.decode()
    assert "Not sent yet." in html


def test_the_other_patient_sees_only_their_own(personas: Personas, record) -> None:  # type: ignore[no-untyped-def]
    response = personas.client("patient_b").get("/portal/my-data/my-record.json")
    data = json.loads(response.content)
    assert data["patient"]["full_name"] == "Bartholomew Lund"
    assert data["documents"] == [] and data["consents"] == [] and data["intakes"] == []
    assert [s["note"] for s in data["scores"]] == ["bart's note"]
    html = personas.client("patient_b").get("/portal/my-data/summary/").content.decode()
    assert "Halloway" not in html and "stiff morning" not in html


def test_my_data_page_links_both(personas: Personas) -> None:
    html = personas.client("patient_a").get("/portal/my-data/").content.decode()
    assert 'href="/portal/my-data/summary/"' in html
    assert 'href="/portal/my-data/my-record.json"' in html
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_intake_answer_lines_use_the_version_answered(personas: Personas) -> None:
    from acuclinic.patients.portal.records import intake_lines

    draft = intake.open_draft(personas.record_a)
    intake.save(draft, complete_answers(), submit=True)
    submitted = IntakeResponse.objects.get(status=IntakeStatus.SUBMITTED)
    sections = intake_lines(submitted, "en")
    labels = [line.label for s in sections for line in s.lines]
    assert "Where does it hurt?" in labels
    values = {line.label: line.value for s in sections for line in s.lines}
    assert "(worst)" in values["Where does it hurt?"]
    assert intake_lines(IntakeResponse(questionnaire="gone", version=7, answers={})) == []
