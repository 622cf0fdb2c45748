"""Documents in the portal: the patient's own list and downloads (through the access check,
audited), uploads of a scan report or referral letter checked like the desk's, no deleting."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import Personas
from acuclinic.patients.documents import MAX_BYTES
from acuclinic.patients.models import Document

from . import files

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::ResourceWarning")]
URL = "/portal/documents/"


def upload(client, name: str, data: bytes, kind: str = "imaging"):  # type: ignore[no-untyped-def]
    return client.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_a_patient_uploads_a_pdf_to_their_own_record(personas: Personas, private_dir: Path) -> None:
    client = personas.client("patient_a")
    response = upload(client, "MRI report.pdf", files.PDF)
    assert response.status_code == 302 and response["Location"] == URL
    document = Document.objects.get()
    assert document.patient == personas.record_a and document.uploaded_by == personas.patient_a
    assert document.kind == "imaging" and document.original_name == "MRI report.pdf"
    assert Path(document.file.path).is_relative_to(private_dir.resolve())
    entry = AuditEntry.objects.get(action=Action.CREATE, record_type="patients.document")
    assert entry.patient_id == personas.record_a.pk and entry.actor == personas.patient_a
    page = client.get(URL).content.decode()
    assert "Your document is uploaded." in page
    assert f'href="/portal/documents/{document.pk}/"' in page and "uploaded by you" in page


def test_a_photo_of_a_referral_letter(personas: Personas) -> None:
    response = upload(personas.client("patient_a"), "letter.png", files.png(), kind="referral")
    assert response.status_code == 302
    assert Document.objects.get().content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data", "kind", "message"),
    [
        ("empty.pdf", b"", "imaging", "The file is empty."),
        ("scan.pdf", files.png(), "imaging", "ends in .pdf but the file is a PNG"),
        ("cut.jpg", files.jpeg()[:-400], "imaging", "This image is incomplete or damaged"),
        ("half.pdf", files.PDF[:40], "imaging", "This PDF is incomplete or damaged"),
        ("letter.pdf", files.zip_archive(), "imaging", "This is a .zip file"),
        ("notes.txt", b"just some text", "imaging", "or it is damaged"),
        ("a.pdf", files.PDF, "other", "Choose imaging report or referral letter."),
        ("a.pdf", files.PDF, "selfie", "Choose imaging report or referral letter."),
        ("a.pdf", files.PDF, "", "Choose imaging report or referral letter."),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(
    personas: Personas, private_dir: Path, name: str, data: bytes, kind: str, message: str
) -> None:
    response = upload(personas.client("patient_a"), name, data, kind)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in private_dir.rglob("*"))


def test_no_file_chosen(personas: Personas) -> None:
    response = personas.client("patient_a").post(URL, {"kind": "imaging"})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_a_huge_file_is_refused_with_the_limit(personas: Personas, private_dir: Path) -> None:
    data = files.pdf_of_size(MAX_BYTES + 1)
    response = upload(personas.client("patient_a"), "big.pdf", data)
    assert response.status_code == 400
    assert "The file is larger than 15 MB." in response.content.decode()
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in private_dir.rglob("*"))


def test_upload_needs_the_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.patient_a)
    assert upload(client, "a.pdf", files.PDF).status_code == 403
    assert not Document.objects.exists()


def test_list_and_download_are_the_patients_own(personas: Personas) -> None:
    upload(personas.client("patient_a"), "mine.pdf", files.PDF)
    upload(personas.client("patient_b"), "bart-scan.pdf", files.PDF)
    mine = Document.objects.get(patient=personas.record_a)
    theirs = Document.objects.get(patient=personas.record_b)
    client = personas.client("patient_a")
    page = client.get(URL).content.decode()
    assert "mine.pdf" in page and "bart-scan.pdf" not in page
    response = client.get(f"/portal/documents/{mine.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert 'attachment; filename="mine.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    read = AuditEntry.objects.get(action=Action.VIEW, record_type="patients.document")
    assert (read.record_id, read.actor) == (str(mine.pk), personas.patient_a)
    # Another patient's document, guessed: the same 404 as one that does not exist.
    assert client.get(f"/portal/documents/{theirs.pk}/").status_code == 404
    assert client.get("/portal/documents/999999/").status_code == 404
    assert client.get("/portal/documents/99999999999999999999/").status_code == 404


def test_documents_the_clinic_added_are_listed_and_none_can_be_deleted(
    personas: Personas,
) -> None:
    staff = personas.client("practitioner")
    staff.post(
        f"/desk/patients/{personas.record_a.pk}/documents/new/",
        {"kind": "referral", "file": SimpleUploadedFile("Referral.pdf", files.PDF)},
    )
    document = Document.objects.get()
    client = personas.client("patient_a")
    page = client.get(URL).content.decode()
    assert "Referral.pdf" in page and "added by the clinic" in page
    assert "cannot delete them here" in page and "ask the clinic" in page
    assert "delete" not in page.lower().replace("cannot delete them here", "")
    assert client.delete(f"/portal/documents/{document.pk}/").status_code == 405
    assert client.post(f"/portal/documents/{document.pk}/").status_code == 405
    assert Document.objects.filter(pk=document.pk).exists()
