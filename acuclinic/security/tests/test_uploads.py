"""Uploads as an attacker sends them, through both doors (the portal's documents page and the
desk's upload form): executables and web pages under innocent names, SVG with script,
polyglots, path-traversal and script-laden names. Empty, damaged and oversized files are
tried in patients/tests/test_documents.py and test_portal_documents.py; not repeated here.

A refused file is refused with the reason next to the field and leaves nothing behind: no
row, no file. A polyglot that *is* a valid PDF, JPEG or PNG (trailing bytes after the image,
HTML inside a PDF) is accepted, as phones append data to real photos; what makes it harmless
is how it is served, checked here too: as an attachment of its checked type, never sniffed,
under a sandboxing CSP.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from acuclinic.clinic.tests.personas import Personas
from acuclinic.patients.models import Document
from acuclinic.patients.tests import files

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::ResourceWarning")]

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00"
EXE += bytes(200)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)
NOT_OURS = "not a PDF, JPEG, PNG or HEIC file"


@dataclass(frozen=True)
class Door:
    persona: str
    url: Callable[[Personas], str]
    refused: int  # the status of a page that shows a refusal


DOORS = {
    "portal": Door("patient_a", lambda p: "/portal/documents/", 400),
    "desk": Door(
        "practitioner",
        lambda p: reverse("desk:patient_document_upload", args=[p.record_a.pk]),
        200,
    ),
}


def upload(personas: Personas, door: Door, name: str, data: bytes, **extra: Any) -> Any:
    client = personas.client(door.persona)
    upload = SimpleUploadedFile(name, data, content_type=extra.pop("content_type", "text/plain"))
    return client.post(door.url(personas), {"kind": "imaging", "file": upload, **extra})


def nothing_stored(private_dir: Path) -> bool:
    return not Document.objects.exists() and not any(p.is_file() for p in private_dir.rglob("*"))


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    ("name", "data", "content_type", "message"),
    [
        ("setup.pdf", EXE, "application/pdf", "This is a .exe file."),
        ("invoice.pdf.exe", EXE, "application/octet-stream", "This is a .exe file."),
        ("photo.jpg", HTML, "image/jpeg", NOT_OURS),
        ("page.html", HTML, "text/html", NOT_OURS),
        ("drawing.svg", SVG, "image/svg+xml", NOT_OURS),
        ("drawing.png", SVG, "image/png", NOT_OURS),
        ("report.pdf", HTML + files.PDF, "application/pdf", NOT_OURS),  # HTML first: a page
        (
            "report.html",
            files.PDF,
            "text/html",
            "The file name ends in .html but the file is a PDF",
        ),
        ("letter.pdf", files.zip_archive(), "application/pdf", "This is a .zip file"),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_stored(
    personas: Personas,
    private_dir: Path,
    door: str,
    name: str,
    data: bytes,
    content_type: str,
    message: str,
) -> None:
    response = upload(personas, DOORS[door], name, data, content_type=content_type)
    assert response.status_code == DOORS[door].refused
    assert message in response.content.decode()
    assert nothing_stored(private_dir)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/var/lib/acuclinic/private/documents/x.pdf", "x.pdf"),
        ("report\x00.exe.pdf", "report.exe.pdf"),
    ],
)
def test_path_traversal_names_stay_inside(
    personas: Personas, private_dir: Path, door: str, name: str, kept: str
) -> None:
    response = upload(personas, DOORS[door], name, files.PDF, content_type="application/pdf")
    assert response.status_code == 302
    document = Document.objects.get()
    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(private_dir.resolve())
    assert stored.parent.name == "documents" and len(stored.stem) == 32  # a random name
    assert "/" not in document.original_name and "\\" not in document.original_name
    assert "\x00" not in document.original_name and ".." not in document.original_name
    assert document.original_name.endswith(kept.rsplit(".", 1)[1])
    files_written = [p for p in private_dir.parent.parent.rglob("*") if p.is_file()]
    assert files_written == [stored]


POLYGLOTS = {
    "pdf with html inside": (
        "report.pdf",
        files.PDF.replace(b"%%EOF", HTML + b"\n%%EOF"),
        "application/pdf",
    ),
    "jpeg with html after it": ("photo.jpg", files.jpeg() + HTML, "image/jpeg"),
    "png with a zip after it": ("scan.png", files.png() + files.zip_archive(), "image/png"),
}


@pytest.mark.parametrize("kind", POLYGLOTS)
def test_a_polyglot_is_only_ever_served_as_its_checked_type(
    personas: Personas, private_dir: Path, kind: str
) -> None:
    name, data, content_type = POLYGLOTS[kind]
    assert upload(personas, DOORS["portal"], name, data).status_code == 302
    document = Document.objects.get()
    assert document.content_type == content_type
    for persona, url in (
        ("patient_a", f"/portal/documents/{document.pk}/"),
        ("practitioner", reverse("desk:patient_document", args=[document.pk])),
    ):
        response = personas.client(persona).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == data


@pytest.mark.parametrize("door", DOORS)
def test_a_script_in_the_file_name_is_shown_as_text(
    personas: Personas, private_dir: Path, door: str
) -> None:
    name = '"><img src=x onerror=alert(1)><svg onload=alert(2)>.pdf'  # no "/": kept whole
    assert upload(personas, DOORS[door], name, files.PDF).status_code == 302
    pages = {
        "/portal/documents/": personas.client("patient_a"),
        reverse("desk:patient", args=[personas.record_a.pk]): personas.client("practitioner"),
    }
    shown = Document.objects.get().original_name
    assert "onload=alert(2)" in shown  # kept, as text
    for url, client in pages.items():
        html = client.get(url).content.decode()
        assert escape(shown) in html, url
        assert "<svg onload" not in html and "<img src=x" not in html, url
