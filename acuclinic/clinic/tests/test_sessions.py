"""Sessions end: after a while without activity (staff sooner), at the latest a working day
after sign-in, when the browser closes, and everywhere else at the user's word."""

import time
from typing import Any

import pytest
from django.test import Client

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.signin import SEEN_AT, SIGNED_IN_AT
from acuclinic.clinic.tests.personas import PASSWORD, Personas


def sign_in(user: Any) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def age_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_out_everywhere_ends_the_other_sessions(personas: Personas) -> None:
    office, phone = sign_in(personas.practitioner), sign_in(personas.practitioner)
    listing = office.get("/accounts/sessions/")
    assert listing.status_code == 200
    assert listing.text.count("127.0.0.1") == 2
    assert "Sign Out Other Sessions" in listing.text

    response = office.post("/accounts/sessions/")
    assert response.status_code == 302
    assert phone.get("/desk/").url.startswith("/accounts/login/")  # ended
    assert office.get("/desk/").status_code == 200  # this one goes on
    entry = AuditEntry.objects.get(action=Action.SIGN_OUT, detail__reason="other_sessions_ended")
    assert entry.actor == personas.practitioner and entry.detail["count"] == 1


@pytest.mark.parametrize("role", ["owner", "practitioner", "front_desk"])
def test_staff_are_signed_out_after_30_idle_minutes(personas: Personas, role: str) -> None:
    client = sign_in(personas.user(role))
    age_session(client, **{SEEN_AT: 29 * 60})
    assert client.get("/desk/").status_code == 200
    age_session(client, **{SEEN_AT: 31 * 60})
    response = client.get("/desk/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not signed_in(client)
    page = client.get(response.url)
    assert "You were signed out after a while without activity." in page.text
    entry = AuditEntry.objects.filter(action=Action.SIGN_OUT).latest("pk")
    assert entry.actor == personas.user(role) and entry.detail == {"reason": "idle"}


def test_patients_have_an_hour(personas: Personas) -> None:
    client = personas.client("patient_a")
    client.get("/")
    age_session(client, **{SEEN_AT: 45 * 60})
    client.get("/accounts/sessions/")
    assert signed_in(client)
    age_session(client, **{SEEN_AT: 61 * 60})
    client.get("/accounts/sessions/")
    assert not signed_in(client)


def test_activity_keeps_a_session_going(personas: Personas) -> None:
    client = sign_in(personas.front_desk)
    age_session(client, **{SEEN_AT: 20 * 60})
    client.get("/desk/")
    assert time.time() - client.session[SEEN_AT] < 5  # moved on by the request


def test_a_session_ends_a_working_day_after_sign_in(personas: Personas, settings: Any) -> None:
    client = sign_in(personas.owner)
    age_session(client, **{SIGNED_IN_AT: settings.SESSION_COOKIE_AGE + 1})
    assert client.get("/desk/").status_code == 302
    assert not signed_in(client)
    assert AuditEntry.objects.filter(detail__reason="expired", actor=personas.owner).exists()


def test_the_sign_in_cookie_ends_with_the_browser(personas: Personas) -> None:
    client = sign_in(personas.front_desk)
    cookie = client.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_signing_out_is_audited(personas: Personas) -> None:
    client = sign_in(personas.front_desk)
    assert client.post("/accounts/logout/").status_code == 302
    assert not signed_in(client)
    entry = AuditEntry.objects.get(action=Action.SIGN_OUT)
    assert entry.actor == personas.front_desk and entry.detail == {"reason": "signed_out"}
    assert entry.ip_address == "127.0.0.1"


def test_desk_pages_link_to_security_and_sessions(personas: Personas) -> None:
    page = personas.client("front_desk").get("/desk/").text
    assert 'href="/accounts/2fa/"' in page and 'href="/accounts/sessions/"' in page
