"""The outcome pages in a real browser: a patient's trajectory is drawn by the vendored
Chart.js without a console error, and the clinic report shows n/N with an interval."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect

from acuclinic.clinic import roles
from acuclinic.outcomes.models import Source

from . import factories as f
from .factories import T0

pytestmark = [pytest.mark.browser]


def sign_in(page: Page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_trajectory_plot_and_report(demo, live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user("browser-outcomes", "bo@example.com", None)
    roles.grant(user, roles.Role.PRACTITIONER)
    by = f.practitioner()
    patient = f.patient("Linnea Brightwater")
    f.score(patient, 8, T0 - timedelta(days=2), Source.INTAKE)
    f.score(patient, 15, T0 - timedelta(days=2), Source.QUESTIONNAIRE, measure="rmdq")
    f.course(patient, by, [8, 4, 3, 2], [6, 3, 2, 2])
    other = f.patient("Osric Penhallow")
    f.course(other, by, [6, 5], start=T0 + timedelta(hours=2))
    problems: list[str] = []

    def console(message) -> None:  # type: ignore[no-untyped-def]
        # The browser asks for /favicon.ico on its own; the site has none at that address.
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live_server, user)

    page.goto(f"{live_server.url}/desk/outcomes/patients/{patient.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcomes: Linnea Brightwater")
    canvas = page.locator("canvas[data-trajectory]")
    expect(canvas).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-trajectory]'))"
    )
    drawn = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.querySelector('canvas[data-trajectory]'));
            const c = chart.canvas;
            const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let ink = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
            return {sets: chart.data.datasets.map(d => [d.label, d.data.length]), ink, w: c.width};
        }"""
    )
    assert drawn["w"] > 0 and drawn["ink"] > 1000  # something was painted
    sets = dict(drawn["sets"])
    assert sets["Pain before the visit"] == 4 and sets["Visit"] == 4
    assert sets["Baseline"] == 2 and sets["50% better"] == 2  # the threshold lines
    assert sets["Roland-Morris Disability Questionnaire"] == 1
    # The text alternative holds the same numbers.
    table = page.get_by_role("table", name="Pain scores (the numbers in the plot)")
    expect(table.get_by_role("row")).to_have_count(1 + 9)  # intake + 4 check-ins + 4 check-outs

    page.goto(
        f"{live_server.url}/desk/outcomes/?start=2031-03-01&end=2031-03-31&practitioner={by.pk}"
    )
    row = page.get_by_role("row", name="Pain at least 50% better after the first visit")
    expect(row).to_contain_text("1/2")  # Linnea 8 -> 4; Osric 6 -> 5
    expect(row).to_contain_text("9%-91%")
    expect(page.get_by_text("Haake et al. 2007 (GERAC)")).to_be_visible()
    assert problems == []
