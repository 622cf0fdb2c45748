"""A practitioner's visit in a real browser: open today's appointment, start from the
back-pain protocol (its three points are on the visit), type "bl25" in the point picker and pick
it bilateral with the keyboard, add BL60 from the body chart, add cupping, record pain before
and after, acknowledge the caution the intake calls for, sign; a later amendment shows the
original beside the correction."""

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from acuclinic.charting import lines
from acuclinic.charting.models import Protocol, Visit, VisitStatus
from acuclinic.clinic import roles
from acuclinic.clinic.models import Practitioner
from acuclinic.outcomes.models import Source
from acuclinic.patients.models import Patient

from .conftest import give_intake, make_appointment

pytestmark = [pytest.mark.browser]


@pytest.fixture
def desk_page(browser) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page: Page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def serious_violations(page: Page) -> list:  # type: ignore[type-arg]
    results = Axe().run(page, context={"exclude": [[".messages"]]})
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_visit_from_start_to_amendment(demo, live_server, desk_page: Page) -> None:  # type: ignore[no-untyped-def]
    page = desk_page
    user = get_user_model().objects.create_user(
        "browser-practitioner", "bp@example.com", None, first_name="Mei", last_name="Hartwell"
    )
    roles.grant(user, roles.Role.PRACTITIONER)
    practitioner = Practitioner.objects.create(user=user, name="Mei Hartwell", slug="mei-hartwell")
    patient = Patient.objects.create(
        full_name="Peregrine Vance", email="peregrine@example.org", phone="(303) 555-0188"
    )
    give_intake(patient, bleeding_risk=True)
    needles, modalities, errors = lines.parse(
        "BL23 bilateral 25mm 20min even\nBL40 bilateral 20mm 20min\nGV4 midline 15mm 20min tonify"
    )
    assert errors == []
    protocol = Protocol.objects.create(
        name="Low back pain, kidney deficiency", needles=needles, modalities=modalities
    )
    Protocol.objects.create(name="Neck and shoulders", needles=[])  # not the one picked
    appointment = make_appointment(patient, practitioner, days=0)  # now: today, wherever
    zone = appointment.location.zone
    assert timezone.localdate(appointment.start, zone) == timezone.localdate(timezone=zone)
    sign_in(page, live_server, user)

    # The calendar links here; the first time it offers how to start: from the protocol.
    page.goto(f"{live_server.url}/desk/visits/start/{appointment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a visit")
    page.get_by_role("radio", name="A protocol").check()
    page.get_by_label("Protocol", exact=True).select_option(label=protocol.name)
    page.get_by_role("button", name="Start the visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visit: Peregrine Vance")
    row = page.locator("#points tbody tr")
    expect(row).to_have_count(3)  # the protocol's points, before anything is added
    protocol_rows = (("BL23", "Bilateral"), ("BL40", "Bilateral"), ("GV4", "Midline"))
    for i, (code, side) in enumerate(protocol_rows):
        expect(row.nth(i)).to_contain_text(code)
        expect(row.nth(i)).to_contain_text(side)
    expect(row.nth(0)).to_contain_text("25 mm")
    expect(page.locator("[data-chart-view=back] [data-needled=GV4]")).to_have_count(1)
    started = Visit.objects.get(appointment=appointment)
    assert started.protocol == protocol
    assert [(n.code, n.side) for n in started.needles.all()] == [
        ("BL23", "bilateral"),
        ("BL40", "bilateral"),
        ("GV4", "midline"),
    ]
    expect(page.get_by_text("Bleeding disorder or blood thinner")).to_be_visible()  # the intake

    page.get_by_label("Chief complaint").fill("Low back ache, left side")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("The note is saved.")).to_be_visible()

    # The picker: type, arrow down, Enter; the side by its first letter; Enter submits.
    picker = page.get_by_role("combobox", name="Point")
    picker.press_sequentially("bl25", delay=30)
    option = page.get_by_role("option", name="BL25")
    expect(option).to_be_visible()
    picker.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    picker.press("Enter")
    expect(picker).to_have_value("BL25")
    side = page.get_by_label("Side", exact=True)
    expect(side).to_be_focused()
    page.keyboard.press("b")
    expect(side).to_have_value("bilateral")
    page.keyboard.press("Tab")
    page.keyboard.type("25")  # depth
    page.keyboard.press("Tab")
    page.keyboard.type("20")  # retention
    page.keyboard.press("Enter")
    expect(page.get_by_text("BL25 is added.")).to_be_visible()
    expect(row).to_have_count(4)
    expect(row.nth(3)).to_contain_text("BL25")
    expect(row.nth(3)).to_contain_text("Bilateral")
    expect(row.nth(3)).to_contain_text("25 mm")

    # Another point from the body chart: BL60 behind the outer ankle, then its side.
    page.get_by_role("link", name="Add BL60").first.click()
    expect(picker).to_have_value("BL60")
    expect(side).to_be_focused()
    page.keyboard.press("b")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # in the depth field: submits
    expect(page.get_by_text("BL60 is added.")).to_be_visible()
    expect(row).to_have_count(5)
    # Both sides on the back figure, and the left on the side figure.
    expect(page.locator("[data-chart-view=back] [data-needled=BL60]")).to_have_count(2)
    expect(page.locator("[data-chart-view=side] [data-needled=BL60]")).to_have_count(1)

    # Cupping on the left lower back.
    page.get_by_label("Modality", exact=True).select_option("cupping")
    page.get_by_label("Type", exact=True).select_option("fixed")
    page.get_by_label("Area", exact=True).select_option("back.lower.left")
    page.get_by_label("Cups", exact=True).fill("4")
    page.get_by_label("Minutes", exact=True).fill("10")
    page.get_by_role("button", name="Add the modality").click()
    expect(page.get_by_text("The modality is added.")).to_be_visible()
    expect(page.locator("#modalities li")).to_contain_text("Left lower back")

    # Pain before and after.
    for phase, value in (("before", "7"), ("after", "3")):
        page.get_by_label("When", exact=True).select_option(phase)
        page.get_by_label("Pain now (0-10)").fill(value)
        page.get_by_role("button", name="Record pain").click()
        expect(page.get_by_text("The pain score is recorded.")).to_be_visible()
    expect(page.locator("[data-pain=before]")).to_have_text("7")
    expect(page.locator("[data-pain=after]")).to_have_text("3")

    # Signing waits for the caution the intake calls for.
    page.get_by_role("button", name="Sign the visit").click()
    expect(page.get_by_text("Acknowledge every caution before signing.")).to_be_visible()
    page.get_by_role("checkbox", name="Cupping, and the intake says").check()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("acknowledged by Mei Hartwell")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign the visit").click()
    expect(page.get_by_text("The visit is signed.")).to_be_visible()
    expect(page.get_by_role("button", name="Save the note")).to_have_count(0)

    visit = Visit.objects.get(appointment=appointment)
    assert visit.status == VisitStatus.SIGNED and visit.signed_by == user
    assert [(n.code, n.side, n.depth_mm, n.retention_min) for n in visit.needles.all()] == [
        ("BL23", "bilateral", 25, 20),
        ("BL40", "bilateral", 20, 20),
        ("GV4", "midline", 15, 20),
        ("BL25", "bilateral", 25, 20),
        ("BL60", "bilateral", None, None),
    ]
    assert [(m.kind, m.cups) for m in visit.modalities.all()] == [("cupping", 4)]
    assert (visit.pain_before.source, visit.pain_before.value) == (Source.CHECK_IN, 7)
    assert (visit.pain_after.source, visit.pain_after.value) == (Source.CHECK_OUT, 3)
    assert visit.pain_before.appointment_id == appointment.pk

    # Later: an amendment, and the original stays visible.
    page.get_by_label("Part of the note").select_option("chief_complaint")
    page.get_by_label("Amended text").fill("Low back ache, both sides")
    page.get_by_label("Reason", exact=True).fill("The patient corrected the side")
    page.get_by_role("button", name="Add the amendment").click()
    expect(page.get_by_text("The amendment is added.")).to_be_visible()
    amendment = page.locator(".chart-amendments li")
    expect(amendment.locator("del")).to_have_text("Low back ache, left side")
    expect(amendment.locator("ins")).to_have_text("Low back ache, both sides")
    expect(amendment).to_contain_text("by Mei Hartwell")
    expect(page.locator(".chart-note")).to_contain_text("Low back ache, left side")
    assert serious_violations(page) == []
