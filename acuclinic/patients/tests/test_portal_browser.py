"""The portal on a phone (390 x 844), in a real browser: a signed-in patient sees the coming
appointment, signs the consent, uploads a small PDF, adds a diary entry and opens the
printable summary; axe finds nothing serious on the overview."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect

from acuclinic.outcomes.models import Score
from acuclinic.patients.models import ConsentSignature, Document, Patient

from . import files

pytestmark = [pytest.mark.browser]


def serious_violations(page: Page) -> list:  # type: ignore[type-arg]
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page: Page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """A signed-in session cookie: the e-mailed code has its own browser test."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_a_patient_uses_the_portal_on_a_phone(demo, live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user("marisol-portal", "marisol@example.org", None)
    patient = Patient.objects.create(
        full_name="Marisol Quintero", email="marisol@example.org", phone="(303) 555-0193", user=user
    )
    appointment = files.appointment(patient, days=40)
    sign_in(page, live_server, user)

    page.goto(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Marisol")
    upcoming = page.locator(".visit").first
    expect(upcoming).to_contain_text(appointment.practitioner.name)
    expect(upcoming).to_contain_text(appointment.local_start().strftime("%A"))
    expect(upcoming.get_by_role("link", name="Reschedule")).to_be_visible()
    expect(upcoming.get_by_role("link", name="Cancel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert serious_violations(page) == []

    nav = page.get_by_role("navigation", name="Your account")
    nav.get_by_role("link", name="Consent forms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent forms")
    form = page.locator("form.consent-form").first
    form.get_by_label("Type your full name").fill("Marisol Q.")
    form.get_by_label("I have read and agree").check()
    form.get_by_role("button").click()
    expect(page.get_by_text("does not match the name on your record")).to_be_visible()
    form = page.locator("form.consent-form").first
    form.get_by_label("Type your full name").fill("Marisol Quintero")
    form.get_by_label("I have read and agree").check()
    form.get_by_role("button").click()
    expect(page.get_by_text("Thank you: you have signed")).to_be_visible()
    assert ConsentSignature.objects.filter(patient=patient).count() == 1
    assert serious_violations(page) == []

    nav.get_by_role("link", name="Documents").click()
    page.get_by_label("Kind of document").select_option(label="Imaging report")
    page.get_by_label("File").set_input_files(
        {"name": "MRI lumbar.pdf", "mimeType": "application/pdf", "buffer": files.PDF}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Your document is uploaded.")).to_be_visible()
    expect(page.get_by_role("link", name="MRI lumbar.pdf")).to_be_visible()
    assert Document.objects.get().patient == patient

    nav.get_by_role("link", name="Pain diary").click()
    page.get_by_role("radio", name="7", exact=True).check()
    page.get_by_label("Note (optional)").fill("Better after the second visit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your pain score is saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Better after the second visit")).to_be_visible()
    assert Score.objects.get(patient=patient).value == 7
    assert serious_violations(page) == []

    nav.get_by_role("link", name="My data").click()
    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of my record")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(page.get_by_text("MRI lumbar.pdf")).to_be_visible()
    expect(page.get_by_role("cell", name="Better after the second visit")).to_be_visible()
    page.emulate_media(media="print")
    expect(nav).to_be_hidden()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
