"""Patient records in a real browser, phone-sized: the front desk finds a patient and changes
the phone number; a practitioner uploads a PDF and downloads it again."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect

from acuclinic.clinic import roles
from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.patients.models import Document, Patient
from acuclinic.patients.tests import files

pytestmark = [pytest.mark.browser]


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR / "private"


def serious_violations(page: Page) -> list:  # type: ignore[type-arg]
    # desk/base.html's role="status" on the messages list is not these pages' (see the
    # calendar's browser test); everything else is checked.
    results = Axe().run(page, context={"exclude": [[".messages"]]})
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page: Page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """A signed-in session cookie: these tests are about the patient pages, not sign-in."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def staff(username: str, role: roles.Role):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user(username, f"{username}@example.com", None)
    roles.grant(user, role)
    return user


def test_front_desk_finds_a_patient_and_edits_the_phone(demo, live_server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server, staff("browser-desk", roles.Role.FRONT_DESK))
    page.goto(f"{live_server.url}/desk/")
    page.get_by_role("navigation", name="Desk").get_by_role("link", name="Patients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Patients")
    page.get_by_role("searchbox", name="Name, e-mail or phone").fill("lindq")
    page.get_by_role("button", name="Search").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Avery Lindqvist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avery Lindqvist")
    expect(page.get_by_role("heading", name="Documents")).to_have_count(0)  # not for the desk

    page.get_by_role("link", name="Edit the record").click()
    phone = page.get_by_label("Phone", exact=True)
    phone.fill("call me maybe")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Use digits, spaces and + ( ) - only")).to_be_visible()
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_value("call me maybe")  # nothing typed is lost
    assert serious_violations(page) == []
    phone.fill("(303) 555-0199")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The record is saved.")).to_be_visible()
    expect(page.get_by_text("(303) 555-0199")).to_be_visible()
    assert Patient.objects.get(full_name="Avery Lindqvist").phone == "(303) 555-0199"


def test_practitioner_uploads_a_pdf_and_downloads_it(demo, live_server, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    patient = Patient.objects.get(full_name="Bianca Ferreira")
    practitioner = staff("browser-practitioner", roles.Role.PRACTITIONER)
    sign_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/desk/patients/{patient.pk}/")
    expect(page.get_by_text("No documents uploaded.")).to_be_visible()
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("Kind of document").select_option(label="Imaging report")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "MRI lumbar spine.pdf", "mimeType": "application/pdf", "buffer": files.PDF}
    )
    assert serious_violations(page) == []
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The document is uploaded.")).to_be_visible()
    link = page.get_by_role("link", name="MRI lumbar spine.pdf")
    expect(link).to_be_visible()

    with page.expect_download() as event:
        link.click()
    download = event.value
    assert download.suggested_filename == "MRI lumbar spine.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == files.PDF
    document = Document.objects.get(patient=patient)
    assert re.fullmatch(r"documents/[0-9a-f]{32}\.pdf", document.file.name)
    read = AuditEntry.objects.filter(
        action=Action.VIEW, record_type="patients.document", record_id=str(document.pk)
    )
    assert read.get().actor == practitioner
