"""The prescription writer in a real browser: a practitioner opens a visit's prescriptions,
starts from Du Huo Ji Sheng Tang, adds a herb with the keyboard picker, raises Xi Xin to 6 g,
meets the finding that needs a reason, records one, issues, and fetches the printable PDF."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import make_personas
from acuclinic.herbs.models import Override, Prescription, Status

from . import pdftext
from .conftest import make_visit

pytestmark = [pytest.mark.browser]


def serious_violations(page: Page) -> list:  # type: ignore[type-arg]
    # desk/base.html's role="status" on the messages list is not this page's (see the
    # calendar's browser test); everything else is checked.
    results = Axe().run(page, context={"exclude": [[".messages"]]})
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page: Page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_write_override_issue_print(demo, live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    personas = make_personas()
    visit = make_visit(personas)
    sign_in(page, live_server, personas.practitioner)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/desk/herbs/visit/{visit.pk}/")
    page.get_by_label("A classical formula").check()
    page.get_by_label("Formula:").select_option("du-huo-ji-sheng-tang")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("The prescription is started.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Herbal prescription: Juniper Halloway"
    )
    assert serious_violations(page) == []

    # The picker: type pinyin without tones, arrow down, Enter; the focus moves to the grams.
    herb = page.get_by_role("combobox", name="Herb")
    herb.press_sequentially("huang qi", delay=30)
    expect(page.get_by_role("option").first).to_contain_text("Huáng Qí")
    herb.press("ArrowDown")
    herb.press("Enter")
    expect(herb).to_have_value("huang-qi")
    expect(page.get_by_label("Grams a day:", exact=True)).to_be_focused()
    page.keyboard.type("12")
    page.get_by_role("button", name="Add the herb").click()
    expect(page.get_by_text("Huáng Qí 黄芪 is added.")).to_be_visible()

    grams = page.get_by_label("Grams a day of Xì Xīn")
    expect(grams).to_have_value("3")
    grams.fill("6")
    page.get_by_role("button", name="Save Xì Xīn").click()
    finding = page.locator(".herbs-finding", has_text="Xì Xīn at 6 g a day is at least twice")
    expect(finding).to_be_visible()
    expect(finding).to_contain_text("Source: ChP 2020 Vol. I: 细辛")
    expect(page.get_by_text("1 finding stands in the way of issuing.")).to_be_visible()

    page.get_by_role("button", name="Issue the prescription").click()
    expect(page.get_by_text("Not issued: 1 finding still needs a recorded reason.")).to_be_visible()

    finding = page.locator(".herbs-finding", has_text="Xì Xīn at 6 g a day is at least twice")
    finding.get_by_label("Reason to go ahead").fill("Severe cold bi; decocted 60 minutes.")
    finding.get_by_role("button", name="Override with this reason").click()
    expect(
        page.get_by_text("Going ahead because: Severe cold bi; decocted 60 minutes.")
    ).to_be_visible()
    page.get_by_role("button", name="Issue the prescription").click()
    expect(page.get_by_text("The prescription is issued.")).to_be_visible()
    assert serious_violations(page) == []

    prescription = Prescription.objects.get(visit=visit)
    assert prescription.status == Status.ISSUED
    assert Override.objects.get(prescription=prescription).rule_id == "dose:xi-xin"

    link = page.get_by_role("link", name="Print the prescription (PDF)")
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-")
    text = pdftext.text(body)
    assert "Xì Xīn" in text and "Huáng Qí" in text and "Juniper Halloway" in text
    assert "DRAFT" not in text
    exported = AuditEntry.objects.filter(action=Action.EXPORT, record_id=str(prescription.pk))
    assert exported.get().actor == personas.practitioner
