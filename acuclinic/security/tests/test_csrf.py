"""CSRF: every URL of the project (walked from the resolver, urlwalk.py) refuses a POST that
carries no CSRF token, signed in or not, before the view does anything: a 403 from Django's
CSRF check. A GET-only view meets the same check (the middleware runs before the view), so
the walk needs no list of which views accept POST; the exceptions are named below with why.

A control beside it: the same POST with the token gets past the check, so the 403 above is the
token's doing and not a permission refusal.
"""

import secrets
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from acuclinic.clinic.tests.personas import Personas

from .urlwalk import Route, routes

# Not behind the CSRF check, on purpose.
EXEMPT = {
    # The booking API: no cookies, no session, no authentication at all (api/README.md); ninja
    # marks its views csrf_exempt. Nothing a browser's cookie could authorise happens there:
    # a booking needs nothing a stranger lacks, a cancel needs the token from the patient's
    # link. (Its GETs meet no check either.)
    "api:availability": "booking API: no cookies or session (api/README.md)",
    "api:cancel_booking": "booking API: the cancel token in the body is the authority",
    "api:create_booking": "booking API: anyone may book, no cookie grants anything more",
    "api:embed_page": "ninja view; GET only: a POST is 405 (tested below)",
    "api:practitioners": "booking API, read only: a POST is 405",
    "api:services": "booking API, read only: a POST is 405",
}


SIGN_IN_PAGES = ("/accounts/login/", "/cms/login/", "/admin/login/")


def is_csrf_refusal(response: Any) -> bool:
    # Django's CSRF failure page (non-debug: "CSRF verification failed. Request aborted.");
    # the Wagtail admin API (Django REST framework) says "CSRF Failed: ...".
    return response.status_code == 403 and b"CSRF" in response.content


def signed_in(personas: Personas, route: Route) -> Client:
    """The persona the page is for: a patient in the portal, the demo's superuser in the CMS
    and the admin, else the clinic's owner (every desk page is open to the owner)."""
    client = Client(enforce_csrf_checks=True)
    if route.path.startswith("/portal/"):
        user = personas.patient_a
    elif route.path.startswith(("/cms/", "/admin/")):
        user = get_user_model().objects.get(username="demo")
    else:
        user = personas.owner
    client.force_login(user)
    return client


def test_the_walk_covers_the_project() -> None:
    names = {route.name for route in routes()}
    for expected in (
        "desk:calendar_cancel",
        "portal:documents",
        "account_login",
        "account_logout",
        "booking:start",
        "wagtail_serve",
        "api:create_booking",
        "comment_challenge",
        "admin:index",
        "wagtailadmin_home",
    ):
        assert expected in names
    assert set(EXEMPT) <= names, "an exemption for a route that is gone"


def sent_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN_PAGES)


def test_every_post_without_a_token_is_refused(personas: Personas) -> None:
    not_refused = {}
    for route in routes():
        anonymous = Client(enforce_csrf_checks=True).post(route.path, {"anything": "1"})
        # A view that checks the sign-in before the token (the upload views, csrf_exempt
        # only to limit the size first) sends a stranger to sign in: nothing happened.
        if not (is_csrf_refusal(anonymous) or sent_to_sign_in(anonymous)):
            not_refused[route.name] = ("anonymous", route.path, anonymous.status_code)
        response = signed_in(personas, route).post(route.path, {"anything": "1"})
        if not is_csrf_refusal(response):
            not_refused[route.name] = ("signed in", route.path, response.status_code)
    assert set(not_refused) == set(EXEMPT), {
        name: got for name, got in not_refused.items() if name not in EXEMPT
    }


@pytest.mark.parametrize("name", ["api:services", "api:practitioners", "api:embed_page"])
def test_the_read_only_api_refuses_post(name: str) -> None:
    route = next(route for route in routes() if route.name == name)
    assert Client(enforce_csrf_checks=True).post(route.path).status_code == 405


@pytest.mark.parametrize(
    ("path", "persona", "status"),
    [
        ("/desk/calendar/appointments/999999/cancel/", "owner", 404),
        ("/portal/profile/", "patient_a", 400),  # the form, with what is missing
        ("/accounts/logout/", "owner", 302),
    ],
)
def test_with_the_token_the_same_post_gets_through(
    personas: Personas, path: str, persona: str, status: int
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.user(persona))
    token = secrets.token_hex(16)  # a CSRF secret: 32 characters, as the cookie holds one
    client.cookies["csrftoken"] = token
    assert is_csrf_refusal(client.post(path, {}))
    response = client.post(path, {"csrfmiddlewaretoken": token})
    assert not is_csrf_refusal(response)
    assert response.status_code == status
