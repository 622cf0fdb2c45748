"""A patient's trajectory where it is read: the visit screen (practitioners) and the portal's
/portal/progress/ (the patient, their own only), in pages and in a real browser."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.outcomes.models import Source

from . import factories as f
from .factories import T0

pytestmark = pytest.mark.django_db
URL = "/portal/progress/"


def scores_for(personas: Personas) -> None:
    """Patient A: an intake score and a course of four visits (before and after each)."""
    by = f.practitioner()
    f.score(personas.record_a, 8, T0 - timedelta(days=2), Source.INTAKE)
    f.course(personas.record_a, by, [8, 5, 4, 3], [6, 4, 3, 2])


def test_the_patient_sees_their_own_trajectory(personas: Personas) -> None:
    scores_for(personas)
    html = personas.client("patient_a").get(URL).content.decode()
    assert "Your progress" in html and 'data-trajectory="trajectory-data"' in html
    assert html.count("<tr><td>2031-") == 1 + 8  # intake + 4 check-ins + 4 check-outs
    assert "Response thresholds" in html  # baseline 8: the 30% and 50% lines
    entry = AuditEntry.objects.get(actor=personas.patient_a, record_type="outcomes.trajectory")
    assert (entry.action, entry.patient_id) == (Action.VIEW, personas.record_a.pk)
    # Patient B has no scores: their page says so, and shows nothing of A's.
    other = personas.client("patient_b").get(URL).content.decode()
    assert "No scores yet." in other and "2031-" not in other
    assert personas.client("practitioner").get(URL).status_code == 403
    assert "Your progress" in personas.client("patient_a").get("/portal/").content.decode()


def test_the_visit_screen_carries_the_trajectory(personas: Personas) -> None:
    from acuclinic.charting.models import Visit

    scores_for(personas)
    appointment = personas.record_a.appointments.order_by("start").last()
    visit = Visit.objects.create(
        patient=personas.record_a,
        practitioner=appointment.practitioner,
        appointment=appointment,
        created_by=personas.practitioner,
    )
    html = personas.client("practitioner").get(f"/desk/visits/{visit.pk}/").content.decode()
    assert html.count('id="trajectory-data"') == 1
    assert "Pain and function over time" in html
    assert html.count("<tr><td>2031-") == 1 + 8


@pytest.mark.browser
def test_the_portal_plot_is_drawn(demo, personas: Personas, live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    scores_for(personas)
    client = Client()
    client.force_login(personas.patient_a)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}{URL}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-trajectory]'))"
    )
    points = page.evaluate(
        """() => Object.fromEntries(
            Chart.getChart(document.querySelector('canvas[data-trajectory]'))
                .data.datasets.map(d => [d.label, d.data.length]))"""
    )
    assert points["Pain before the visit"] == 4 and points["Visit"] == 4
    assert problems == []
