"""Signing in in a real browser, phone-sized: staff with password and authenticator code,
a patient with the code from the e-mail (read from the SMTP server the live server sends to)."""

import re
from typing import Any

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from acuclinic.clinic.auth import patient_home_url
from acuclinic.clinic.tests.test_sign_in import code_in
from acuclinic.clinic.tests.test_two_factor import SECRET, totp
from acuclinic.patients.models import Patient
from acuclinic.website.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser]


def serious_violations(page: Page) -> list:  # type: ignore[type-arg]
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_staff_sign_in_with_password_and_authenticator_code(
    demo: None, live_server: Any, page: Page
) -> None:
    reception = get_user_model().objects.get(username="reception")
    TOTP.activate(reception, SECRET)
    RecoveryCodes.activate(reception)

    page.goto(f"{live_server.url}/desk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert serious_violations(page) == []
    page.get_by_label("Login").fill("reception")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    assert serious_violations(page) == []

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    page.get_by_label("Code").fill(totp())
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.get_by_role("link", name="Sign out everywhere")).to_be_visible()


def test_a_patient_signs_in_with_the_emailed_code(
    demo: None, live_server: Any, page: Page, smtp_server: Any
) -> None:
    address = Patient.objects.get(full_name="Avery Lindqvist").email

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="E-mail me a sign-in code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with a code")
    assert serious_violations(page) == []
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Send me a code").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    assert serious_violations(page) == []
    page.get_by_label("Code").fill(code_in(smtp_server, address))
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(re.escape(live_server.url + patient_home_url()) + "$"))
    account = Patient.objects.get(full_name="Avery Lindqvist").user
    assert account is not None and not account.has_usable_password()


def test_staff_add_a_security_key_and_sign_in_with_it(
    demo: None, live_server: Any, page: Page
) -> None:
    # Chromium's virtual authenticator stands in for a USB key; the server side is allauth's
    # WebAuthn over the installed fido2, with allauth's own scripts.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    def password_sign_in() -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Login").fill("demo")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()

    password_sign_in()
    expect(page).to_have_url(f"{live_server.url}/desk/")
    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(DEMO_PASSWORD)  # allauth asks again before a change
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Name").fill("Desk key")
    page.wait_for_load_state("load")  # allauth's script hooks the button up once loaded
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")

    page.goto(f"{live_server.url}/desk/")
    page.get_by_role("button", name="Sign out", exact=True).click()
    password_sign_in()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Use a security key").click()
    expect(page).to_have_url(f"{live_server.url}/desk/")
