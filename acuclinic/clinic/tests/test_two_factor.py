"""Staff: password, then an authenticator code (TOTP) or a recovery code; the owner can make a
second factor mandatory, and then no staff role reaches /desk/ or /cms/ without one."""

import time
from typing import Any

import pytest
from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client, RequestFactory
from wagtail.models import Site

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.models import ClinicSettings
from acuclinic.clinic.tests.personas import PASSWORD, Personas
from acuclinic.clinic.two_factor import ClinicMFAAdapter, has_second_factor

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a fixed base32 secret, as an app would store it
STAFF = ("owner", "practitioner", "front_desk")
AUTHENTICATE = "/accounts/2fa/authenticate/"


def totp(secret: str = SECRET) -> str:
    """The app's current code, by RFC 6238 (HMAC-SHA1, 30 s, 6 digits) as allauth computes it.
    Near the end of a step, wait for the next one so the server sees the same step."""
    if 30 - time.time() % 30 < 2:
        time.sleep(30 - time.time() % 30 + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def rfc6238_matches_allauth() -> None:
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits), i.e. 287082 in six.
    rfc_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert format_hotp_value(hotp_value(rfc_secret, 59 // 30)) == "287082"


def with_totp(user: Any) -> list[str]:
    TOTP.activate(user, SECRET)
    return RecoveryCodes.activate(user).get_unused_codes()


def require_two_factor(on: bool = True) -> None:
    ClinicSettings.objects.update(require_staff_two_factor=on)


def sign_in_with_password(client: Client, user: Any) -> Any:
    return client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})


def test_our_totp_is_the_rfc_one() -> None:
    rfc6238_matches_allauth()


def test_staff_sign_in_with_password_then_authenticator_code(personas: Personas) -> None:
    with_totp(personas.practitioner)
    client = Client()
    response = sign_in_with_password(client, personas.practitioner)
    assert response.status_code == 302 and response.url == AUTHENTICATE
    assert "_auth_user_id" not in client.session  # the password alone is not enough

    response = client.post(AUTHENTICATE, {"code": totp()})
    assert response.status_code == 302 and response.url == "/desk/"
    assert client.session["_auth_user_id"] == str(personas.practitioner.pk)
    entry = AuditEntry.objects.get(action=Action.SIGN_IN, actor=personas.practitioner)
    assert entry.detail == {"reason": "password+totp"}


def test_a_wrong_authenticator_code_fails_and_is_audited(personas: Personas) -> None:
    with_totp(personas.front_desk)
    client = Client()
    sign_in_with_password(client, personas.front_desk)
    wrong = f"{(int(totp()) + 1) % 1_000_000:06d}"
    response = client.post(AUTHENTICATE, {"code": wrong})
    assert response.status_code == 200 and "Incorrect code." in response.text
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action=Action.SIGN_IN, detail__reason="wrong_second_factor")
    assert entry.record_id == str(personas.front_desk.pk)
    assert wrong not in str(entry.detail)


def test_an_authenticator_code_works_once(personas: Personas) -> None:
    with_totp(personas.owner)
    code = totp()
    first = Client()
    sign_in_with_password(first, personas.owner)
    assert first.post(AUTHENTICATE, {"code": code}).url == "/desk/"
    second = Client()
    sign_in_with_password(second, personas.owner)
    response = second.post(AUTHENTICATE, {"code": code})  # replayed within its 30 seconds
    assert response.status_code == 200 and "_auth_user_id" not in second.session


def test_a_recovery_code_signs_in_once(personas: Personas) -> None:
    recovery = with_totp(personas.owner)
    assert len(recovery) == 10
    client = Client()
    sign_in_with_password(client, personas.owner)
    assert client.post(AUTHENTICATE, {"code": recovery[0]}).url == "/desk/"
    assert AuditEntry.objects.filter(detail__reason="password+recovery_codes").exists()

    again = Client()
    sign_in_with_password(again, personas.owner)
    assert again.post(AUTHENTICATE, {"code": recovery[0]}).status_code == 200  # used up
    assert again.post(AUTHENTICATE, {"code": recovery[1]}).url == "/desk/"


def test_wrong_second_factors_are_rate_limited(personas: Personas) -> None:
    with_totp(personas.practitioner)
    client = Client()
    sign_in_with_password(client, personas.practitioner)
    for _ in range(5):
        client.post(AUTHENTICATE, {"code": "000000"})
    response = client.post(AUTHENTICATE, {"code": totp()})
    assert "Too many attempts. For your security" in response.text
    assert "_auth_user_id" not in client.session


def reauthenticate(client: Client, path: str) -> None:
    """allauth asks for the password again before a second factor is added or removed."""
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/reauthenticate/")
    client.post(response.url, {"password": PASSWORD})


def test_staff_set_up_an_authenticator_app(personas: Personas) -> None:
    client = Client()
    sign_in_with_password(client, personas.front_desk)
    reauthenticate(client, "/accounts/2fa/totp/activate/")
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.text  # shown beside the QR code, for typing into the app
    assert "data:image/svg+xml;base64," in page.text  # the QR code
    with context.request_context(page.wsgi_request):
        url = ClinicMFAAdapter().build_totp_url(personas.front_desk, secret)
    assert url.startswith("otpauth://totp/") and "issuer=Juniper%20Mesa%20Acupuncture" in url

    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302
    assert has_second_factor(personas.front_desk)
    kinds = set(
        Authenticator.objects.filter(user=personas.front_desk).values_list("type", flat=True)
    )
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_security_keys_can_be_added(personas: Personas) -> None:
    client = Client()
    sign_in_with_password(client, personas.owner)
    reauthenticate(client, "/accounts/2fa/webauthn/add/")
    page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    assert "/static/mfa/js/webauthn.js" in page.text  # allauth ships the script; no new asset


@pytest.mark.parametrize("role", STAFF)
def test_mandatory_second_factor_sends_staff_to_set_one_up(personas: Personas, role: str) -> None:
    require_two_factor()
    client = personas.client(role)
    for path in ("/desk/", "/desk/calendar/", "/cms/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url == "/accounts/2fa/", (role, path)
    # The setup pages and signing out still work.
    setup = client.get("/accounts/2fa/")
    assert setup.status_code == 200
    assert "The clinic requires a second sign-in step for staff." in setup.text
    assert client.get("/accounts/2fa/totp/activate/").status_code in (200, 302)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", STAFF)
def test_with_a_second_factor_staff_get_through(personas: Personas, role: str) -> None:
    require_two_factor()
    with_totp(personas.user(role))
    response = personas.client(role).get("/desk/")
    assert response.status_code == 200, role


@pytest.mark.parametrize("role", STAFF)
def test_optional_by_default(personas: Personas, role: str) -> None:
    assert personas.client(role).get("/desk/").status_code == 200


def test_the_rule_does_not_touch_patients_or_superusers_elsewhere(
    personas: Personas, owner: Any
) -> None:
    require_two_factor()
    assert personas.client("patient_a").get("/desk/").status_code in (302, 403)
    assert personas.client("patient_a").get("/desk/").get("Location") != "/accounts/2fa/"
    demo = Client()
    demo.force_login(owner)  # the demo superuser counts as staff too
    assert demo.get("/desk/").url == "/accounts/2fa/"
    assert demo.get("/").status_code == 200  # the public site is not behind the rule


def test_an_htmx_request_is_sent_to_the_setup_page_whole(personas: Personas) -> None:
    require_two_factor()
    response = personas.client("front_desk").get("/desk/calendar/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == "/accounts/2fa/"


def test_the_last_second_factor_stays_while_required(personas: Personas) -> None:
    with_totp(personas.practitioner)
    authenticator = Authenticator.objects.get(
        user=personas.practitioner, type=Authenticator.Type.TOTP
    )

    def deletable() -> bool:
        request = RequestFactory().get("/accounts/2fa/totp/deactivate/")
        with context.request_context(request):
            return ClinicMFAAdapter().can_delete_authenticator(authenticator)

    assert deletable()
    require_two_factor()
    assert not deletable()
    Authenticator.objects.create(
        user=personas.practitioner, type=Authenticator.Type.WEBAUTHN, data={}
    )
    assert deletable()  # a security key remains


def test_the_owner_turns_the_rule_on_in_the_clinic_settings(owner: Any) -> None:
    site = Site.objects.get(is_default_site=True)
    client = Client()
    client.force_login(owner)  # the demo owner, who edits the clinic's settings in /cms/
    page = client.get(f"/cms/settings/clinic/clinicsettings/{site.pk}/")
    assert page.status_code == 200
    assert 'name="require_staff_two_factor"' in page.text
