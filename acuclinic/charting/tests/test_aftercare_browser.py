"""In a real browser: the practitioner records an adverse event on a signed visit (noticed
after signing), and the patient, on a phone, reads the aftercare notes in the portal with the
body chart of what was treated and nothing clinical."""

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from acuclinic.charting import actions
from acuclinic.charting.models import AdverseEvent
from acuclinic.clinic import roles
from acuclinic.clinic.models import Practitioner
from acuclinic.patients.models import Patient

from .conftest import make_appointment, request_as
from .test_visit_browser import serious_violations, sign_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def desk_page(browser) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_adverse_event_then_aftercare_on_a_phone(  # type: ignore[no-untyped-def]
    demo, live_server, settings, desk_page: Page, page: Page
) -> None:
    settings.ROOT_URLCONF = "acuclinic.charting.tests.portal_urlconf"  # /portal/aftercare/
    users = get_user_model().objects
    user = users.create_user("aftercare-practitioner", "ap@example.com", None, first_name="Mei")
    roles.grant(user, roles.Role.PRACTITIONER)
    practitioner = Practitioner.objects.create(user=user, name="Mei Hartwell", slug="mei-ac")
    account = users.create_user("aftercare-patient", "rowan@example.org", None)
    patient = Patient.objects.create(
        full_name="Rowan Ellery", email="rowan@example.org", phone="(303) 555-0187", user=account
    )
    request = request_as(user)
    visit = actions.start_visit(
        patient=patient, appointment=make_appointment(patient, practitioner), request=request
    )
    actions.save_note(visit=visit, fields={"chief_complaint": "Sciatica, left"}, request=request)
    actions.add_needle(visit=visit, data={"code": "ST36", "side": "bilateral"}, request=request)
    actions.add_modality(
        visit=visit,
        data={"kind": "cupping", "method": "fixed", "cup_type": "fire", "area": "back.lower.left"},
        request=request,
    )
    actions.sign_visit(visit=visit, request=request)

    # The practitioner hears of a bruise the next day and records it on the signed visit.
    sign_in(desk_page, live_server, user)
    desk_page.goto(f"{live_server.url}/desk/visits/{visit.pk}/")
    expect(desk_page.locator("#aftercare textarea")).to_contain_text("After cupping")
    desk_page.get_by_label("What happened").select_option("bruising")
    desk_page.get_by_label("Severity").select_option("mild")
    desk_page.get_by_label("Description").fill("Bruise at ST36 on the right")
    desk_page.get_by_role("button", name="Record the adverse event").click()
    expect(desk_page.get_by_text("The adverse event is recorded.")).to_be_visible()
    expect(desk_page.locator("[data-adverse-event]")).to_contain_text("Bruise at ST36")
    assert serious_violations(desk_page) == []
    assert AdverseEvent.objects.get(visit=visit).kind == "bruising"
    desk_page.goto(f"{live_server.url}/desk/visits/patient/{patient.pk}/")
    expect(desk_page.locator("#patient-adverse-events")).to_contain_text("Bruising")

    # The patient, on a phone (the `page` fixture is 390 x 844).
    sign_in(page, live_server, account)
    page.goto(f"{live_server.url}/portal/aftercare/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aftercare")
    expect(page.locator(".chart-aftercare-text").first).to_contain_text("3 to 10 days")
    page.get_by_role("link", name="After your visit on").click()
    expect(page.get_by_role("heading", name="Where we treated")).to_be_visible()
    # ST36 both legs on the front figure, and the left leg on the side figure.
    expect(page.locator("[data-patient-mark]")).to_have_count(3)
    for figure in page.locator(".chart-figures-patient svg").all():
        expect(figure).to_be_visible()
    body = page.locator("body")
    for clinical in ("Sciatica", "ST36", "Bruise", "Kidney"):
        expect(body).not_to_contain_text(clinical)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []
