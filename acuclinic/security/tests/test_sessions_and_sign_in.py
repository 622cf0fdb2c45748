"""Sign-in as an attacker tries it: guessing passwords across accounts and codes across tries
(the rate limits; clinic/tests/test_sign_in.py and test_two_factor.py cover one account and
one address), session fixation (a session the attacker planted is never the one signed in,
for a password, a password and second factor, and a patient's e-mailed code), and the flags
of the session cookie."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from acuclinic.clinic.signin import TOO_MANY_CODE_TRIES
from acuclinic.clinic.tests.personas import PASSWORD, Personas
from acuclinic.clinic.tests.test_sign_in import code_in
from acuclinic.clinic.tests.test_two_factor import AUTHENTICATE, with_totp

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
CONFIRM = "/accounts/login/code/confirm/"
TOO_MANY = "Too many attempts. For your security"


@pytest.fixture(autouse=True)
def _no_padding(settings: Any) -> None:
    settings.LOGIN_CODE_MIN_SECONDS = 0


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


# --- brute force ---------------------------------------------------------------------------


def test_guessing_across_accounts_from_one_address_hits_the_limit(
    personas: Personas, quick_passwords: Any
) -> None:
    """Password spraying: one wrong password per account, many accounts, one address. The
    per-address limit on failures (10 a minute) stops it; then even a right password waits."""
    users = [personas.front_desk, personas.practitioner, personas.owner]
    for user in users:
        quick_passwords(user)
    refused = []
    for attempt in range(12):
        user = users[attempt % len(users)]
        response = Client().post(LOGIN, {"login": user.username, "password": f"guess-{attempt}"})
        refused.append(TOO_MANY in response.text or response.status_code == 429)
    # Four tries per account stay under the per-account limit (5): the address's limit bites.
    assert refused == [False] * 10 + [True] * 2
    response = Client().post(LOGIN, {"login": personas.owner.username, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert TOO_MANY in response.text or response.status_code == 429


def test_guessing_codes_from_one_address_hits_the_limit(
    personas: Personas, smtp_server: Any, settings: Any
) -> None:
    """Code attempts are counted per address (IP) as well as per e-mail: with the per-e-mail
    limit out of the way, the per-IP one still stops the guessing."""
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "confirm_login_code": "2/m/ip,1000/h/key",
    }
    client = Client()
    client.post(CODE, {"email": "juniper@example.org"})
    assert code_in(smtp_server, "juniper@example.org")
    for guess in ("AAAA-BBBB", "CCCC-DDDD"):
        assert "Incorrect code." in client.post(CONFIRM, {"code": guess}).text
    other = Client()
    other.post(CODE, {"email": "bart@example.org"})
    response = other.post(CONFIRM, {"code": code_in(smtp_server, "bart@example.org")})
    assert str(TOO_MANY_CODE_TRIES) in response.text
    assert signed_in_as(other) is None


def test_asking_for_codes_for_many_addresses_hits_the_limit(db: None, smtp_server: Any) -> None:
    """An attacker asking for codes (mail bombing, or probing addresses): 20 a minute from
    one address, whatever the e-mail, and no mail after that."""
    for n in range(20):
        Client().post(CODE, {"email": f"probe{n}@example.net"})
    sent = len(smtp_server.messages)
    response = Client().post(CODE, {"email": "probe-last@example.net"})
    assert response.status_code == 200 and TOO_MANY in response.text
    assert len(smtp_server.messages) == sent


# --- session fixation ----------------------------------------------------------------------


def planted(client: Client) -> str:
    """A session the attacker made and handed to the victim's browser (a cookie set from a
    sibling subdomain, or a link), with something in it so it is stored."""
    session = SessionStore()
    session["planted"] = True
    session.save()
    assert session.session_key is not None
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def assert_not_fixed(client: Client, key: str, user: Any) -> None:
    assert signed_in_as(client) == str(user.pk)
    now = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert now != key
    assert not SessionStore().exists(key), "the planted session outlived the sign-in"
    assert SessionStore(session_key=key).load() == {}  # nothing signed in under it


def test_password_sign_in_gets_a_new_session(personas: Personas, quick_passwords: Any) -> None:
    quick_passwords(personas.front_desk)
    client = Client()
    key = planted(client)
    client.post(LOGIN, {"login": personas.front_desk.username, "password": PASSWORD})
    assert_not_fixed(client, key, personas.front_desk)


def test_second_factor_sign_in_gets_a_new_session(personas: Personas, quick_passwords: Any) -> None:
    quick_passwords(personas.practitioner)
    recovery = with_totp(personas.practitioner)
    client = Client()
    key = planted(client)
    response = client.post(LOGIN, {"login": personas.practitioner.username, "password": PASSWORD})
    assert response["Location"] == AUTHENTICATE
    assert signed_in_as(client) is None  # half-way: nobody is signed in yet
    halfway = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(AUTHENTICATE, {"code": recovery[0]})
    assert_not_fixed(client, key, personas.practitioner)
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value != halfway


def test_code_sign_in_gets_a_new_session(personas: Personas, smtp_server: Any) -> None:
    client = Client()
    key = planted(client)
    client.post(CODE, {"email": "juniper@example.org"})
    client.post(CONFIRM, {"code": code_in(smtp_server, "juniper@example.org")})
    assert_not_fixed(client, key, personas.patient_a)


def test_a_made_up_session_key_is_not_adopted(personas: Personas, quick_passwords: Any) -> None:
    quick_passwords(personas.owner)
    client = Client()
    chosen = "attackerchosenkey0000000000000001"
    client.cookies[django_settings.SESSION_COOKIE_NAME] = chosen
    client.post(LOGIN, {"login": personas.owner.username, "password": PASSWORD})
    assert signed_in_as(client) == str(personas.owner.pk)
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value != chosen
    assert not SessionStore().exists(chosen)


# --- the cookie ----------------------------------------------------------------------------


def session_cookie(response: Any) -> Any:
    return response.cookies[django_settings.SESSION_COOKIE_NAME]


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_flags(
    personas: Personas, quick_passwords: Any, settings: Any, secure: bool
) -> None:
    """HttpOnly (no script reads it), SameSite=Lax (not sent on another site's POST), no
    expiry (gone with the browser), and Secure whenever the site runs on HTTPS (production's
    settings turn it on: clinic/tests/test_deploy_settings.py)."""
    settings.SESSION_COOKIE_SECURE = secure
    quick_passwords(personas.front_desk)
    response = Client().post(LOGIN, {"login": personas.front_desk.username, "password": PASSWORD})
    cookie = session_cookie(response)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert bool(cookie["secure"]) is secure
    assert cookie["path"] == "/" and cookie["domain"] == ""
