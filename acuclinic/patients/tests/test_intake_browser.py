"""The intake on a phone, in a real browser (390 x 844, touch): a new patient signs in with the
e-mailed code from the link in their confirmation, taps the pain map front and back, marks
the worst area, fills in the rest, sees "Saved", reloads, sends. A "yes" to saddle numbness
brings the emergency advice at once; a session that ends mid-way loses nothing."""

import re
import time
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from playwright.sync_api import Page, expect

from acuclinic.clinic.signin import SEEN_AT, patient_account_for
from acuclinic.clinic.tests.test_sign_in import code_in
from acuclinic.patients.models import IntakeResponse, IntakeStatus, Patient

pytestmark = [pytest.mark.browser]

EMAIL = "wren.castellano@example.org"


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def patient(demo: None) -> Patient:
    return Patient.objects.create(full_name="Wren Castellano", email=EMAIL, phone="(303) 555-0188")


def serious_violations(page: Page) -> list:  # type: ignore[type-arg]
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in_with_cookie(page: Page, live_server: Any, user: Any) -> str:
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}]
    )
    return key


def question(page: Page, qid: str) -> Any:
    return page.locator(f"#question-{qid}")


def answer_no(page: Page, *qids: str) -> None:
    for qid in qids:
        question(page, qid).get_by_text("No", exact=True).tap()


def expect_saved(page: Page) -> None:
    expect(page.locator("[data-autosave-status]")).to_have_text("Saved")


SAFETY = [
    "rf_bladder",
    "rf_bowel",
    "rf_saddle",
    "rf_leg_weakness",
    "rf_fever",
    "rf_weight_loss",
    "rf_cancer",
    "rf_trauma",
    "rf_night_pain",
    "rf_immunosuppression",
    "rf_iv_drugs",
]


def test_a_new_patient_fills_in_the_intake_on_a_phone(
    patient: Patient, live_server: Any, phone: Page, smtp_server: Any
) -> None:
    page = phone
    # The link from the confirmation e-mail, signed out: sign in by code, land on the form.
    page.goto(f"{live_server.url}/portal/intake/")
    page.get_by_role("link", name="E-mail me a sign-in code").tap()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Send me a code").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    page.get_by_label("Code").fill(code_in(smtp_server, EMAIL))
    page.get_by_role("button", name="Sign in").tap()
    expect(page).to_have_url(f"{live_server.url}/portal/intake/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before your first visit")
    assert serious_violations(page) == []

    page.get_by_label("Date of birth").fill("1985-04-12")
    page.get_by_label("What would you like help with?").fill("Low back pain when I sit.")

    # The pain map: tap front and back, then mark the worst.
    # (The hip wraps round the abdomen: its box's centre is not the hip, so tap near its edge.)
    taps = {"back.lower.left": None, "back.sacrum": None, "front.hip.right": {"x": 8, "y": 30}}
    for code, position in taps.items():
        region = page.locator(f'[data-region="{code}"]')
        region.tap(position=position)
        expect(region).to_have_attribute("aria-pressed", "true")
    page.locator('[data-region="back.sacrum"]').tap()  # changed their mind
    expect(page.locator('[data-region="back.sacrum"]')).to_have_attribute("aria-pressed", "false")
    page.get_by_label("Hurts most: Left lower back").check()
    expect(page.locator('[data-region="back.lower.left"]')).to_have_class(re.compile("is-worst"))
    # ... and from the keyboard
    page.locator('[data-region="front.neck"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-region="front.neck"]')).to_have_attribute("aria-pressed", "true")
    page.keyboard.press(" ")
    expect(page.locator('[data-region="front.neck"]')).to_have_attribute("aria-pressed", "false")

    for qid, score in (("pain_now", 6), ("pain_average", 5), ("pain_worst", 8)):
        page.locator(f"#q-{qid}-{score}").tap()  # the box over the number
    page.get_by_label("How many", exact=True).fill("4")
    page.get_by_label("Unit", exact=True).select_option("months")
    question(page, "eases").get_by_text("Heat").tap()

    # Conditions: the finding and date appear once a scan is chosen.
    expect(question(page, "imaging_finding")).to_be_hidden()
    question(page, "imaging").get_by_text("MRI scan").tap()
    expect(question(page, "imaging_finding")).to_be_visible()
    question(page, "imaging_finding").get_by_text("A bulging, protruding or slipped disc").tap()
    page.get_by_label("When was the most recent one done?").fill("2026-01")

    question(page, "takes_medications").get_by_text("Yes", exact=True).tap()
    expect(question(page, "medications")).to_be_visible()
    page.locator("#q-medications-0-name").fill("Ibuprofen")
    page.get_by_role("button", name="Add another medicine").tap()
    page.locator("#q-medications-1-name").fill("Magnesium")
    answer_no(page, "has_allergies", "bleeding_risk", "pacemaker", "needle_fear", "fainting")
    question(page, "pregnancy").get_by_text("None of these").tap()
    answer_no(page, *SAFETY)
    expect_saved(page)
    expect(page.get_by_role("alert")).to_have_count(0)

    # Everything survives a reload.
    page.reload()
    expect(page.locator('[data-region="back.lower.left"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator('[data-region="front.hip.right"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#q-pain_now-6")).to_be_checked()
    expect(page.locator("#q-medications-1-name")).to_have_value("Magnesium")
    expect(page.get_by_label("Hurts most: Left lower back")).to_be_checked()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Send").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("Your practitioner will read it before your visit")).to_be_visible()
    assert serious_violations(page) == []
    record = IntakeResponse.objects.get(patient=patient)
    assert record.status == IntakeStatus.SUBMITTED
    assert record.answers["pain_map"] == {
        "regions": ["front.hip.right", "back.lower.left"],
        "worst": "back.lower.left",
    }
    assert record.answers["medications"] == [{"name": "Ibuprofen"}, {"name": "Magnesium"}]
    assert record.answers["pain_duration"] == {"amount": 4, "unit": "months"}
    assert page.evaluate("Object.keys(localStorage)") == []


def test_saddle_numbness_brings_the_emergency_advice_at_once(
    patient: Patient, live_server: Any, phone: Page
) -> None:
    page = phone
    user = patient_account_for(EMAIL)
    sign_in_with_cookie(page, live_server, user)
    page.goto(f"{live_server.url}/portal/intake/")
    question(page, "rf_saddle").get_by_text("Yes", exact=True).tap()
    alert = page.get_by_role("alert").filter(has_text="Please get medical help now")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Go to an emergency department now")
    # however far down the page, the sticky bar points to it
    bar = page.get_by_role("link", name="Please get medical help now: read our advice")
    expect(bar).to_be_in_viewport()
    bar.tap()
    expect(alert).to_be_in_viewport()
    expect_saved(page)
    assert serious_violations(page) == []
    record = IntakeResponse.objects.get(patient=patient)
    assert record.red_flag_severity == "emergency"
    assert "medical help" not in page.title().lower()

    question(page, "rf_saddle").get_by_text("No", exact=True).tap()
    expect(alert).to_have_count(0)
    expect(bar).to_be_hidden()


def test_answers_typed_after_the_session_ended_come_back_after_signing_in(
    patient: Patient, live_server: Any, phone: Page
) -> None:
    page = phone
    user = patient_account_for(EMAIL)
    key = sign_in_with_cookie(page, live_server, user)
    page.goto(f"{live_server.url}/portal/intake/")
    page.get_by_label("What would you like help with?").fill("Before the break.")
    expect_saved(page)

    session = SessionStore(session_key=key)  # the phone was left alone too long
    session[SEEN_AT] = time.time() - 24 * 3600
    session.save()
    page.get_by_label("What would you like help with?").fill("Typed after the session ended.")
    status = page.locator("[data-autosave-status]")
    expect(status).to_contain_text("You were signed out")
    expect(status.get_by_role("link", name="Sign in again")).to_have_attribute(
        "href", "/accounts/login/?next=/portal/intake/"
    )
    record = IntakeResponse.objects.get(patient=patient)
    assert record.answers["chief_complaint"] == "Before the break."

    # Signed in afresh in a new session (so the copy the server kept in the old one is gone
    # too): the browser's copy comes back into the form and is saved.
    page.context.clear_cookies()
    sign_in_with_cookie(page, live_server, user)
    page.goto(f"{live_server.url}/portal/intake/")
    field = page.get_by_label("What would you like help with?")
    expect(field).to_have_value("Typed after the session ended.")
    expect(page.locator("[data-restored-note]")).to_be_visible()
    expect_saved(page)
    for _ in range(50):
        record.refresh_from_db()
        if record.answers.get("chief_complaint") == "Typed after the session ended.":
            break
        time.sleep(0.1)
    assert record.answers["chief_complaint"] == "Typed after the session ended."
    assert page.evaluate("Object.keys(localStorage)") == []


def test_signing_out_forgets_an_unsent_copy_on_a_shared_phone(
    patient: Patient, live_server: Any, phone: Page
) -> None:
    page = phone
    sign_in_with_cookie(page, live_server, patient_account_for(EMAIL))
    page.goto(f"{live_server.url}/portal/")
    page.evaluate(
        """() => {
            localStorage.setItem("acuclinic-intake-999", '{"chief_complaint": "unsent"}');
            localStorage.setItem("someone-elses-key", "kept");
        }"""
    )
    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_url(re.compile(r"^(?!.*/portal/).*$"))
    assert page.evaluate("Object.keys(localStorage)") == ["someone-elses-key"]
