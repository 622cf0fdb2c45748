"""Every persona against every staff and patient page (issue 4: the matrix is generated, not
hand-picked). The routes come from the URL resolver: each named route under /desk/ and
/portal/ must have a row in EXPECTED below, so a new page without one fails here until
someone decides who may open it. (The resolver is walked inside a test, not at collection:
importing the URL configuration that early would fix settings such as MEDIA_ROOT in it before
the test session overrides them.)

Outcomes: "login" (sent to sign in), or the status code. Ids of records that someone may not
see are the real ones where the page reads a record (a patient must not reach their own
appointment through the desk); actions that would change something use an id that does not
exist, so staff meet the 404 that proves they got past the gate and nothing changes.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from acuclinic.clinic.models import Location
from acuclinic.scheduling.models import Appointment, Service

from . import (
    matrix_charting,
    matrix_discharge,
    matrix_herbs,
    matrix_intake,
    matrix_outcomes,
    matrix_portal,
    matrix_questionnaires,
)
from .matrix import (
    LOGIN,
    MISSING,
    PREFIXES,
    Route,
    World,
    appointment_id,
    missing_appointment,
    outcomes,
)
from .personas import NAMES, Personas

# Comment moderation is a Django permission (website.moderate_comment): the owner's group
# carries it (clinic/roles.py ROLE_PERMISSIONS); practitioners and the front desk get 403.
MODERATORS = outcomes(staff=403, owner=200)


def intake_of_a(world: World) -> dict[str, Any]:
    """Patient A's intake (a draft, opened once): real ids, so the front desk's 404 is the
    CLINICAL rule and not a missing record."""
    from acuclinic.patients import intake

    record = intake.open_draft(world.personas.record_a)
    return {"patient_id": record.patient_id, "intake_id": record.pk}


EXPECTED: dict[str, Route] = {
    "desk:home": Route(outcomes()),
    "desk:comments": Route(MODERATORS),
    "desk:moderate": Route(
        outcomes(staff=403, owner=404),  # past the gate, the comment does not exist
        method="post",
        kwargs=lambda w: {"comment_id": MISSING, "action": "approve"},
    ),
    "desk:audit": Route(outcomes(staff=403, owner=200)),
    "desk:calendar": Route(outcomes()),
    "desk:calendar_today": Route(outcomes()),
    "desk:calendar_new": Route(outcomes()),
    "desk:calendar_patients": Route(outcomes(), query="q=Juniper"),
    "desk:calendar_free_times": Route(outcomes()),
    "desk:calendar_appointment": Route(outcomes(), kwargs=appointment_id),
    "desk:calendar_move": Route(outcomes(staff=404), method="post", kwargs=missing_appointment),
    "desk:calendar_cancel": Route(outcomes(staff=404), method="post", kwargs=missing_appointment),
    "desk:calendar_status": Route(
        outcomes(staff=404), method="post", kwargs=missing_appointment, data={"status": "arrived"}
    ),
    "desk:calendar_time_off": Route(outcomes()),
    "desk:calendar_time_off_delete": Route(
        outcomes(staff=404), method="post", kwargs=lambda w: {"time_off_id": MISSING}
    ),
    "desk:calendar_feeds": Route(outcomes()),
    # Patient records: contact pages for every staff role, clinical ones for the owner and
    # practitioners, erasure for the owner (desk/patient_views.py).
    "desk:patients": Route(outcomes(), query="q=Juniper"),
    "desk:patient": Route(outcomes(), kwargs=lambda w: {"patient_id": w.personas.record_a.pk}),
    "desk:patient_edit": Route(outcomes(), kwargs=lambda w: {"patient_id": w.personas.record_a.pk}),
    "desk:patient_links": Route(
        outcomes(), kwargs=lambda w: {"patient_id": w.personas.record_a.pk}
    ),
    "desk:patient_unlink": Route(
        outcomes(staff=404),
        method="post",
        kwargs=lambda w: {"patient_id": w.personas.record_a.pk, "link_id": MISSING},
    ),
    "desk:patient_document_upload": Route(
        outcomes(front_desk=403), kwargs=lambda w: {"patient_id": w.personas.record_a.pk}
    ),
    "desk:patient_document": Route(
        outcomes(staff=404, front_desk=403), kwargs=lambda w: {"document_id": MISSING}
    ),
    "desk:patient_merge": Route(
        outcomes(front_desk=403), kwargs=lambda w: {"patient_id": w.personas.record_a.pk}
    ),
    "desk:patient_export": Route(
        outcomes(front_desk=403), kwargs=lambda w: {"patient_id": w.personas.record_a.pk}
    ),
    # The intake's answers are clinical: the front desk meets the same 404 as a wrong id
    # (access_intake, CLINICAL); reviewing the red flag (none here) redirects back.
    "desk:patient_intake": Route(outcomes(front_desk=404), kwargs=intake_of_a),
    "desk:patient_intake_review": Route(
        outcomes(staff=302, front_desk=404), method="post", kwargs=intake_of_a
    ),
    "desk:patient_erase": Route(
        outcomes(staff=403, owner=200), kwargs=lambda w: {"patient_id": w.personas.record_a.pk}
    ),
    # Someone else's feed: a practitioner manages only their own (calendar_access.py).
    "desk:calendar_feed_replace": Route(
        outcomes(staff=302, practitioner=403), method="post", kwargs=lambda w: {"slug": "lena-qiao"}
    ),
    # The private feed: no sign-in, the token in the address is the secret.
    "desk:calendar_feed": Route(
        outcomes(everyone=200),
        kwargs=lambda w: {"token": w.personas.practitioner_record.calendar_token},
    ),
    # One patient's FHIR Bundle (interop/views.py): clinical, like the JSON export.
    "interop:patient_bundle": Route(
        outcomes(front_desk=404), kwargs=lambda w: {"patient_id": w.personas.record_a.pk}
    ),
    **matrix_portal.ROWS,
    **matrix_intake.ROWS,
    **matrix_charting.ROWS,
    **matrix_outcomes.ROWS,
    **matrix_discharge.ROWS,
    **matrix_herbs.ROWS,
    **matrix_questionnaires.ROWS,
}


def routes() -> dict[str, str]:
    """Every named route under the prefixes: {"namespace:name": "desk/route/"}."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.setdefault(f"{namespace}{pattern.name}", prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "", "")
    return {name: route for name, route in found.items() if route.startswith(PREFIXES)}


@pytest.fixture
def world(personas: Personas) -> World:
    start = timezone.now() + timedelta(days=400)
    appointment = Appointment.objects.create(
        patient=personas.record_a,
        practitioner=personas.practitioner_record,
        service=Service.objects.filter(needs_room=False).first(),
        location=Location.objects.first(),
        start=start,
        end=start + timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=30),
        source="staff",
    )
    return World(personas=personas, appointment=appointment)


def outcome(response) -> int | str:  # type: ignore[no-untyped-def]
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    found = routes()
    assert found["desk:calendar"] == "desk/calendar/"  # the walk works
    missing = {name: route for name, route in found.items() if name not in EXPECTED}
    assert not missing, f"routes with no row in EXPECTED (who may open them?): {missing}"
    assert not set(EXPECTED) - set(found), "rows in EXPECTED for routes that are gone"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_persona_on_every_route(name: str, world: World) -> None:
    route = EXPECTED[name]
    url = reverse(name, kwargs=route.kwargs(world))
    if route.query:
        url = f"{url}?{route.query}"
    got = {}
    for persona in NAMES:
        client = world.personas.client(persona)
        response = getattr(client, route.method)(url, route.data)
        got[persona] = outcome(response)
    assert got == route.expect, url
