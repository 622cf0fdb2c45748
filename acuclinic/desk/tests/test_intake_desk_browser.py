"""The red-flag alert in a real browser, phone-sized: a patient's submitted intake raised an
emergency flag before their visit. The front desk sees the alert on the calendar and the
appointment, with no way to the answers (the address gives 404); the practitioner sees the
alert, opens the intake from the appointment and marks the flag reviewed."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from acuclinic.clinic import roles
from acuclinic.clinic.models import Location, Practitioner
from acuclinic.patients import intake
from acuclinic.patients.models import IntakeResponse, Patient
from acuclinic.patients.tests.intake_answers import complete_answers
from acuclinic.scheduling.models import Service

from .conftest import book, local

pytestmark = [pytest.mark.browser]

ALERT = "Red flag: advised to seek emergency care"


def serious_violations(page: Page) -> list:  # type: ignore[type-arg]
    # desk/base.html's role="status" on the messages list is left out, as in the calendar's
    # browser test; everything else is checked.
    results = Axe().run(page, context={"exclude": [[".messages"]]})
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page: Page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """A signed-in session cookie: this test is about the intake, not sign-in."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def staff(username: str, role: roles.Role):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", None, first_name="Ada", last_name="Browning"
    )
    roles.grant(user, role)
    return user


def test_red_flag_from_calendar_to_review(demo, live_server, browser) -> None:  # type: ignore[no-untyped-def]
    location = Location.objects.get(slug="garrison-street")
    lena = Practitioner.objects.get(slug="lena-qiao")
    ahead = timezone.now().astimezone(location.zone).date() + timedelta(days=42)
    monday = ahead - timedelta(days=ahead.weekday())  # clear of the demo's appointments
    patient = Patient.objects.create(full_name="Perpetua Vale", phone="(303) 555-0188")
    record = intake.open_draft(patient)
    assert intake.save(record, complete_answers(rf_saddle=True), submit=True).submitted
    appointment = book(
        service=Service.objects.get(slug="chinese-herbal-medicine"),
        practitioner=lena,
        start=local(location, monday, 10),
        patient=patient,
    )
    week = f"{live_server.url}/desk/calendar/?date={monday}&show=practitioner:lena-qiao"
    intake_url = f"{live_server.url}/desk/patients/{patient.pk}/intake/{record.pk}/"
    entry_link = f'a[href="/desk/calendar/appointments/{appointment.pk}/"]'

    def phone() -> Page:
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.set_default_timeout(15_000)
        return page

    # The front desk: the alert, but no way to the answers.
    desk = phone()
    sign_in(desk, live_server, staff("browser-front-desk", roles.Role.FRONT_DESK))
    desk.goto(f"{live_server.url}/desk/")
    expect(desk.get_by_role("heading", name="Red flags before upcoming visits")).to_be_visible()
    expect(desk.get_by_role("link", name="Audit log")).to_have_count(0)  # the owner's
    assert serious_violations(desk) == []
    desk.goto(week)
    expect(desk.locator(entry_link)).to_contain_text(ALERT)
    assert serious_violations(desk) == []
    desk.locator(entry_link).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Perpetua Vale")
    expect(desk.get_by_text(ALERT)).to_be_visible()
    expect(desk.get_by_role("link", name="Open the health questionnaire")).to_have_count(0)
    expect(desk.get_by_text("cauda equina")).to_have_count(0)
    response = desk.goto(intake_url)
    assert response is not None and response.status == 404
    desk.context.close()

    # The practitioner: the alert, the intake, the review.
    page = phone()
    sign_in(page, live_server, staff("browser-practitioner", roles.Role.PRACTITIONER))
    page.goto(week)
    expect(page.locator(entry_link)).to_contain_text(ALERT)
    assert serious_violations(page) == []
    page.locator(entry_link).click()
    page.get_by_role("link", name="Open the health questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Health questionnaire: Perpetua Vale")
    expect(page.get_by_role("heading", name=ALERT)).to_be_visible()
    expect(page.get_by_text("Saddle numbness (possible cauda equina)")).to_be_visible()
    expect(page.get_by_text("Some of your answers can be a sign of pressure")).to_be_visible()
    expect(page.locator(".intake-cautions").get_by_text("Ibuprofen")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Mark red flag as reviewed").click()
    expect(page.get_by_text("The red flag is marked as reviewed.")).to_be_visible()
    expect(page.get_by_text("Reviewed by Ada Browning on")).to_be_visible()
    expect(page.get_by_role("button", name="Mark red flag as reviewed")).to_have_count(0)
    record = IntakeResponse.objects.get(pk=record.pk)
    assert record.flag_reviewed_by.username == "browser-practitioner"

    # Reviewed: the calendar no longer raises the alert.
    page.goto(week)
    expect(page.locator(entry_link)).to_contain_text("Perpetua Vale")
    expect(page.locator(entry_link)).not_to_contain_text(ALERT)
    page.context.close()
