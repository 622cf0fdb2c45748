"""Documents: uploads judged by content (empty, one byte over the limit, a PNG called .pdf,
a truncated JPEG, a zip called .pdf, a PDF without its end), names cleaned of path parts and
control characters, files stored outside the web root under random names, and downloads only
through the access check, audited, as attachments nothing renders or caches."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas
from acuclinic.patients import documents
from acuclinic.patients.documents import MAX_BYTES, Refused, check_bytes, clean_filename
from acuclinic.patients.models import Document

from . import files

# --- the check, directly ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", files.PDF, "application/pdf"),
        ("REPORT.PDF", files.PDF, "application/pdf"),
        ("photo.jpg", files.jpeg(), "image/jpeg"),
        ("photo.jpeg", files.jpeg(), "image/jpeg"),
        ("scan.png", files.png(), "image/png"),
        ("IMG_0001.HEIC", files.heic(), "image/heic"),
        ("no extension", files.PDF, "application/pdf"),
        ("exactly-the-limit.pdf", files.pdf_of_size(MAX_BYTES), "application/pdf"),
    ],
)
def test_accepted(name: str, data: bytes, content_type: str) -> None:
    checked = check_bytes(data, name)
    assert (checked.content_type, checked.size) == (content_type, len(data))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "The file is empty."),
        ("big.pdf", files.pdf_of_size(MAX_BYTES + 1), "larger than 15 MB"),
        ("scan.pdf", files.png(), "ends in .pdf but the file is a PNG"),
        ("photo.png", files.jpeg(), "ends in .png but the file is a JPEG"),
        ("letter.pdf", files.zip_archive(), "This is a .zip file"),
        ("cut.jpg", files.jpeg()[:-400], "incomplete or damaged"),
        ("cut.png", files.png()[:-20], "incomplete or damaged"),
        ("cut.pdf", files.PDF[:-7], "PDF is incomplete or damaged"),
        ("late.pdf", b"  " + files.PDF, "not a PDF, JPEG, PNG or HEIC file"),
        ("notes.txt", b"just some words\n", "not a PDF, JPEG, PNG or HEIC file"),
        ("page.html", b"<html><script>alert(1)</script></html>", "not a PDF"),
        ("photo.gif", b"GIF89a" + b"\x00" * 64, "This is a .gif file"),
        ("evil.svg.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a PDF"),
    ],
)
def test_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(Refused, match=message):
        check_bytes(data, name)


def test_too_many_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_PIXELS", 100)
    with pytest.raises(Refused, match="too many pixels"):
        check_bytes(files.png(), "big.png")


def test_heic_refused_without_pillow_heif(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "heic_supported", lambda: False)
    with pytest.raises(Refused, match=r"This is a \.heic file. Only PDF, JPEG or PNG"):
        check_bytes(files.heic(), "IMG_0001.HEIC")


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\scan.pdf", "scan.pdf"),
        ("/var/www/../x.pdf", "x.pdf"),
        ("re\x00port\x1b[31m.pdf", "report[31m.pdf"),
        ("line\nbreak\r.pdf", "linebreak.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("  ...hidden.pdf  ", "hidden.pdf"),
        ("non\u00a0breaking   spaces.pdf", "non breaking spaces.pdf"),
        ("Resonancia magnética.pdf", "Resonancia magnética.pdf"),
        ("e\u0301.pdf", "\u00e9.pdf"),  # NFC
        ("", "document"),
        ("../", "document"),
        ("\x00\x01", "document"),
    ],
)
def test_clean_filename(name: str, clean: str) -> None:
    assert clean_filename(name) == clean


def test_long_names_keep_their_extension() -> None:
    name = clean_filename("a" * 500 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")


# --- through the desk ---------------------------------------------------------------------

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def upload_url(personas: Personas) -> str:
    return reverse("desk:patient_document_upload", args=[personas.record_a.pk])


def outcome(response) -> int | str:  # type: ignore[no-untyped-def]
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    return response.status_code


def upload(client, url: str, name: str, data: bytes, kind: str = "imaging"):  # type: ignore[no-untyped-def]
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_practitioner_uploads_and_the_file_is_private(
    personas: Personas, private_dir: Path
) -> None:
    client = personas.client("practitioner")
    response = upload(client, upload_url(personas), "../../MRI lumbar\x07.pdf", files.PDF)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/desk/patients/{personas.record_a.pk}/#documents")
    document = Document.objects.get()
    assert document.patient == personas.record_a
    assert document.original_name == "MRI lumbar.pdf"
    assert (document.content_type, document.size) == ("application/pdf", len(files.PDF))
    assert document.uploaded_by == personas.practitioner
    stored = Path(document.file.path)
    assert stored.read_bytes() == files.PDF
    assert stored.is_relative_to(private_dir.resolve())
    assert stored.parent.name == "documents"
    assert len(stored.stem) == 32 and stored.suffix == ".pdf"  # random, nothing of the upload
    assert "MRI" not in document.file.name
    assert stored.stat().st_mode & 0o077 == 0  # owner-only
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not stored.is_relative_to(Path(public).resolve())
    with pytest.raises(ValueError, match="no URL"):
        document.file.url  # noqa: B018
    entry = AuditEntry.objects.get(action=Action.CREATE, record_type="patients.document")
    assert (entry.patient_id, entry.record_id) == (personas.record_a.pk, str(document.pk))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "The file is empty."),
        ("big.pdf", files.pdf_of_size(MAX_BYTES + 1), "The file is larger than 15 MB."),
        ("scan.pdf", files.png(), "ends in .pdf but the file is a PNG"),
        ("cut.jpg", files.jpeg()[:-400], "This image is incomplete or damaged"),
        ("letter.pdf", files.zip_archive(), "This is a .zip file"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(
    personas: Personas, private_dir: Path, name: str, data: bytes, message: str
) -> None:
    response = upload(personas.client("owner"), upload_url(personas), name, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html and 'id="id_file_error"' in html
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in private_dir.rglob("*"))


@pytest.mark.django_db
def test_a_huge_upload_is_dropped_while_it_is_read(personas: Personas) -> None:
    handler = documents.SizeLimit()
    handler.receive_data_chunk(b"x" * 1024, MAX_BYTES - 1024)  # up to the limit: passes
    from django.core.files.uploadhandler import SkipFile

    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 1025, MAX_BYTES - 1024)
    assert handler.too_big


@pytest.mark.django_db
def test_over_the_limit_is_never_read_into_the_check(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("acuclinic.patients.forms.check_upload", lambda upload: pytest.fail())
    data = files.pdf_of_size(MAX_BYTES + 1)
    response = upload(personas.client("owner"), upload_url(personas), "big.pdf", data)
    assert "The file is larger than 15 MB." in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_no_file_and_a_wrong_kind(personas: Personas) -> None:
    client = personas.client("owner")
    response = client.post(upload_url(personas), {"kind": "imaging"})
    assert "Choose a file to upload." in response.content.decode()
    response = upload(client, upload_url(personas), "a.pdf", files.PDF, kind="selfie")
    assert response.status_code == 200 and not Document.objects.exists()


@pytest.mark.django_db
def test_upload_needs_the_csrf_token(personas: Personas) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.owner)
    response = upload(client, upload_url(personas), "a.pdf", files.PDF)
    assert response.status_code == 403
    assert not Document.objects.exists()


UPLOADS = {"practitioner": 302, "owner": 302, "front_desk": 403, "patient_a": 403,
           "patient_b": 403, "anonymous": "login", "inactive_staff": "login"}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_who_may_upload(personas: Personas, name: str) -> None:
    response = upload(personas.client(name), upload_url(personas), "a.pdf", files.PDF)
    assert outcome(response) == UPLOADS[name]
    assert Document.objects.exists() == (UPLOADS[name] == 302)


@pytest.fixture
def stored(personas: Personas) -> Document:
    response = upload(personas.client("owner"), upload_url(personas), "Referral \u2013 Dr Moss.pdf",
                      files.PDF, kind="referral")  # fmt: skip
    assert response.status_code == 302
    return Document.objects.get()


@pytest.mark.django_db
def test_download_is_an_audited_attachment(personas: Personas, stored: Document) -> None:
    before = AuditEntry.objects.filter(action=Action.VIEW).count()
    response = personas.client("practitioner").get(
        reverse("desk:patient_document", args=[stored.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Referral%20%E2%80%93%20Dr%20Moss.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    views = AuditEntry.objects.filter(action=Action.VIEW).order_by("-pk")
    assert views.count() == before + 1
    entry = views.first()
    assert (entry.record_type, entry.record_id) == ("patients.document", str(stored.pk))
    assert (entry.patient_id, entry.actor) == (personas.record_a.pk, personas.practitioner)
    assert entry.detail == {"purpose": "clinical"}


DOWNLOADS = {"practitioner": 200, "owner": 200, "front_desk": 403, "patient_a": 403,
             "patient_b": 403, "anonymous": "login", "inactive_staff": "login"}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_who_may_download(personas: Personas, stored: Document, name: str) -> None:
    response = personas.client(name).get(reverse("desk:patient_document", args=[stored.pk]))
    assert outcome(response) == DOWNLOADS[name]
    if response.status_code != 200:
        assert b"%PDF" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("guess", ["999999", "0", "99999999999999999999999"])
def test_guessed_document_ids(personas: Personas, stored: Document, guess: str) -> None:
    response = personas.client("owner").get(f"/desk/patients/documents/{guess}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_file_missing_on_disk_is_a_404(personas: Personas, stored: Document) -> None:
    Path(stored.file.path).unlink()
    response = personas.client("owner").get(reverse("desk:patient_document", args=[stored.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_no_upload_for_another_patient_by_guess(personas: Personas) -> None:
    response = upload(personas.client("owner"), "/desk/patients/999999/documents/new/",
                      "a.pdf", files.PDF)  # fmt: skip
    assert response.status_code == 404
    assert not Document.objects.exists()
