"""Open redirects: every place that honours a `next=` (or another address to go back to) is
given someone else's site in the usual disguises, and the answer stays on ours.

The places were found with grep (`"next"`, `url_has_allowed_host_and_scheme`,
`REDIRECT_FIELD_NAME`, `redirect_to_login`); the first test repeats that search, so a new one
fails here until it is added below. No language switch exists (no `set_language` route), and
booking takes no address to return to.
"""

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from acuclinic.clinic.tests.personas import PASSWORD, Personas
from acuclinic.clinic.tests.test_sign_in import code_in
from acuclinic.clinic.tests.test_two_factor import with_totp
from acuclinic.scheduling.models import Appointment

EVIL = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    " //evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "https://testserver@evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    quote("//evil.example", safe=""),
    "/%2F%2Fevil.example",
    "/desk/\r\nLocation: https://evil.example/",
    "https://evil.example/desk/calendar/",
    "/desk/calendar/?x=1#//evil.example",
]

PACKAGE = Path(__file__).resolve().parents[2]
HONOURS_NEXT = re.compile(
    r"""["']next["']|url_has_allowed_host_and_scheme|REDIRECT_FIELD_NAME|redirect_to_login"""
)
# file -> what honours an address there, and where it is tried below.
KNOWN = {
    "desk/calendar_views.py": "safe_next(): the calendar's actions go back to the page they "
    "came from (test_calendar_actions_go_back_only_to_the_calendar)",
    "patients/portal/intake_views.py": "redirect_to_login(the form's own URL): not taken "
    "from the request",
    "api/embed.py": "redirect_to_login(request.get_full_path()): our own path; the sign-in "
    "page judges it like any next (test_sign_in_*)",
}


def stays_here(location: str) -> bool:
    """A Location a browser would follow to this site only (browsers read `\\` as `/` and
    drop tabs and newlines, so those fail too)."""
    if any(c in location for c in "\\\t\r\n") or not location.isprintable():
        return False
    parts = urlsplit(location)
    if parts.scheme not in ("", "http", "https"):
        return False
    if parts.scheme or parts.netloc:
        return parts.netloc == "testserver"
    return not location.startswith("//")  # a path here (a relative one too)


def test_stays_here_can_tell() -> None:
    assert stays_here("/desk/") and stays_here("http://testserver/portal/")
    assert not any(stays_here(url) for url in EVIL[:13])


def test_every_place_that_honours_next_is_known() -> None:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in relative or relative.startswith("security/"):
            continue
        if HONOURS_NEXT.search(path.read_text()):
            found.add(relative)
    assert found == set(KNOWN), "a new place takes an address to go to: try it here"


def location(response: Any) -> str:
    assert response.status_code in (301, 302, 303), response.status_code
    return response["Location"]


@pytest.fixture(autouse=True)
def _no_padding(settings: Any) -> None:
    settings.LOGIN_CODE_MIN_SECONDS = 0


@pytest.mark.parametrize("evil", EVIL)
def test_sign_in_with_a_password(personas: Personas, quick_passwords: Any, evil: str) -> None:
    quick_passwords(personas.front_desk)
    for via in ("query", "form"):
        client = Client()
        query = f"?next={quote(evil, safe='')}" if via == "query" else ""
        data = {"login": personas.front_desk.username, "password": PASSWORD}
        if via == "form":
            data["next"] = evil
        response = client.post(f"/accounts/login/{query}", data)
        assert stays_here(location(response)), (via, response["Location"])
        assert client.session["_auth_user_id"] == str(personas.front_desk.pk)
        # Signed in already, the sign-in page sends the visitor on: not to `next` elsewhere.
        again = client.get(f"/accounts/login/?next={quote(evil, safe='')}")
        if again.status_code in (301, 302, 303):
            assert stays_here(again["Location"]), again["Location"]


@pytest.mark.parametrize("evil", EVIL)
def test_sign_in_with_a_password_and_second_factor(
    personas: Personas, quick_passwords: Any, evil: str
) -> None:
    quick_passwords(personas.practitioner)
    recovery = with_totp(personas.practitioner)
    client = Client()
    response = client.post(
        f"/accounts/login/?next={quote(evil, safe='')}",
        {"login": personas.practitioner.username, "password": PASSWORD, "next": evil},
    )
    assert location(response) == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": recovery[0]})
    assert stays_here(location(response)), response["Location"]
    assert client.session["_auth_user_id"] == str(personas.practitioner.pk)


@pytest.mark.parametrize("evil", EVIL)
def test_sign_in_with_an_emailed_code(personas: Personas, smtp_server: Any, evil: str) -> None:
    client = Client()
    response = client.post(
        f"/accounts/login/code/?next={quote(evil, safe='')}",
        {"email": "juniper@example.org", "next": evil},
    )
    assert stays_here(location(response)), response["Location"]
    confirm = urlsplit(response["Location"]).path
    code = code_in(smtp_server, "juniper@example.org")
    response = client.post(f"{confirm}?next={quote(evil, safe='')}", {"code": code, "next": evil})
    assert stays_here(location(response)), response["Location"]
    assert client.session["_auth_user_id"] == str(personas.patient_a.pk)


@pytest.mark.parametrize("evil", EVIL)
def test_sign_out(personas: Personas, evil: str) -> None:
    for persona in ("owner", "patient_a"):
        client = personas.client(persona)
        response = client.post(f"/accounts/logout/?next={quote(evil, safe='')}", {"next": evil})
        assert stays_here(location(response)), response["Location"]
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("evil", EVIL)
def test_cms_and_admin_sign_in(db: None, quick_passwords: Any, evil: str) -> None:
    quick_passwords(get_user_model().objects.get(username="demo"))
    for page in ("/cms/login/", "/admin/login/"):
        client = Client()
        response = client.post(
            f"{page}?next={quote(evil, safe='')}",
            {"username": "demo", "password": PASSWORD, "next": evil},
        )
        assert stays_here(location(response)), (page, response["Location"])


@pytest.mark.parametrize("evil", EVIL)
def test_calendar_actions_go_back_only_to_the_calendar(personas: Personas, evil: str) -> None:
    appointment = Appointment.objects.filter(start__gt=timezone.now()).order_by("pk").first()
    assert appointment is not None
    before = (appointment.status, appointment.updated_at)
    client = personas.client("front_desk")
    url = f"/desk/calendar/appointments/{appointment.pk}/status/?next={quote(evil, safe='')}"
    # Not a status at all: nothing changes, and the page says so where it sends the desk.
    response = client.post(url, {"status": "no-such-status", "next": evil})
    assert stays_here(location(response)), response["Location"]
    if not evil.startswith("/desk/calendar/"):  # a calendar page of ours may be honoured
        assert response["Location"] == f"/desk/calendar/appointments/{appointment.pk}/"
    appointment.refresh_from_db()
    assert (appointment.status, appointment.updated_at) == before


def test_the_calendar_keeps_a_next_of_its_own(personas: Personas) -> None:
    """The control: a calendar page of ours is honoured, so the refusals above are the
    check's doing."""
    appointment = Appointment.objects.filter(start__gt=timezone.now()).order_by("pk").first()
    assert appointment is not None
    client = personas.client("front_desk")
    own = "/desk/calendar/?day=2030-01-01"
    url = f"/desk/calendar/appointments/{appointment.pk}/status/"
    response = client.post(url, {"status": "no-such-status", "next": own})
    assert location(response) == own
