"""The public booking flow in a real browser, on a phone-sized screen, as a visitor in another
time zone: from a service page to "You're booked", by mouse and by keyboard, checked by axe."""

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from acuclinic.scheduling.models import Appointment, Status

pytestmark = [pytest.mark.browser]


@pytest.fixture
def phone(browser) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    # A visitor in Berlin booking a clinic in Denver: both clocks must be shown right.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, timezone_id="Europe/Berlin", locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def serious_violations(page: Page) -> list:
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_book_from_a_service_page_on_a_phone(demo, live_server, phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(live_server.url + "/services/acupuncture-back-pain/")
    page.get_by_role("link", name="Book this").first.click()
    expect(page.get_by_role("heading", name="With whom?")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Any practitioner").click()
    expect(page.get_by_role("heading", name="Choose a day and time")).to_be_visible()
    # Two weeks on, past the demo's booked days.
    page.get_by_role("link", name="Later →").first.click()
    page.get_by_role("link", name="Later →").first.click()
    first_time = page.locator("a.time").first
    expect(first_time).to_be_visible()
    # The visitor's own (Berlin) time is shown beside the clinic's.
    expect(first_time.locator(".visitor-time")).to_contain_text("GMT+1")
    assert serious_violations(page) == []
    first_time.click()
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Your name").fill("Robin Browser")
    page.get_by_label("E-mail").fill("robin.browser@example.com")
    page.get_by_label("Phone").fill("(303) 555-0188")
    page.get_by_label("No, this is my first visit").check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    expect(page.get_by_text("Add to my calendar (.ics)")).to_be_visible()
    assert serious_violations(page) == []
    appointment = Appointment.objects.get(patient__email="robin.browser@example.com")
    assert appointment.status == Status.CONFIRMED
    # Back and submit again (the page reloads with a new form): still one booking.
    page.go_back()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    assert Appointment.objects.filter(patient__email="robin.browser@example.com").count() == 1


def test_keyboard_only_booking_with_a_mistake_on_the_way(demo, live_server, phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(live_server.url + "/book/?service=chinese-herbal-medicine")
    page.get_by_role("link", name="Later →").first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Later →").first.focus()
    page.keyboard.press("Enter")
    page.locator("a.time").first.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Your name").focus()
    page.keyboard.type("Kai Keys")
    page.keyboard.press("Tab")
    page.keyboard.type("not-an-address")
    page.keyboard.press("Tab")
    page.keyboard.type("(303) 555-0166")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Book this time").focus()
    page.keyboard.press("Enter")
    # The mistake is explained next to its field, and what was typed is kept.
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Kai Keys")
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("E-mail").fill("kai.keys@example.com")
    page.get_by_role("button", name="Book this time").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    assert Appointment.objects.filter(patient__email="kai.keys@example.com").count() == 1


def test_cancel_through_the_manage_page(demo, live_server, phone) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(live_server.url + "/book/?service=cupping&practitioner=lena-qiao")
    page.get_by_role("link", name="Later →").first.click()
    page.get_by_role("link", name="Later →").first.click()
    page.locator("a.time").first.click()
    page.get_by_label("Your name").fill("Casey Cancel")
    page.get_by_label("E-mail").fill("casey@example.com")
    page.get_by_label("Phone").fill("(303) 555-0155")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the appointment").click()
    expect(page.get_by_role("status")).to_contain_text("Your appointment is cancelled")
    appointment = Appointment.objects.get(patient__email="casey@example.com")
    assert appointment.status == Status.CANCELLED
