"""/desk/outcomes/patients/<id>/: one patient's pain and function over time, and its table."""

import json
import re
from datetime import timedelta

import pytest

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas, personas_fixture  # noqa: F401
from acuclinic.outcomes.models import Source
from acuclinic.outcomes.trajectory import trajectory_context

from . import factories as f
from .factories import T0


def url(patient_id: int) -> str:
    return f"/desk/outcomes/patients/{patient_id}/"


@pytest.fixture
def treated(personas: Personas):  # type: ignore[no-untyped-def]
    p = personas.record_a
    by = f.practitioner()
    f.score(p, 8, T0 - timedelta(days=2), Source.INTAKE)
    f.score(p, 16, T0 - timedelta(days=2), Source.QUESTIONNAIRE, measure="rmdq")
    f.course(p, by, [8, 5, None, 3], [6, 4, 4, None])
    f.score(p, 9, T0 + timedelta(weeks=4), Source.QUESTIONNAIRE, measure="rmdq")
    return p


def test_who_may_see_it(personas: Personas, treated) -> None:  # type: ignore[no-untyped-def]
    got = {name: personas.client(name).get(url(treated.pk)).status_code for name in NAMES}
    assert got == {
        "anonymous": 302,
        "inactive_staff": 302,
        "patient_a": 403,  # their own, but through the desk: no
        "patient_b": 403,
        "front_desk": 403,
        "practitioner": 200,
        "owner": 200,
    }
    for missing in (999_999_999, 0):
        assert personas.client("owner").get(url(missing)).status_code == 404


def test_the_read_is_audited(personas: Personas, treated) -> None:  # type: ignore[no-untyped-def]
    personas.client("practitioner").get(url(treated.pk))
    entry = AuditEntry.objects.filter(actor=personas.practitioner).get()
    assert (entry.action, entry.patient_id, entry.detail) == (
        Action.VIEW,
        treated.pk,
        {"purpose": "clinical"},
    )


def test_the_page_has_the_numbers_as_text_and_for_the_plot(personas: Personas, treated) -> None:  # type: ignore[no-untyped-def]
    page = personas.client("owner").get(url(treated.pk)).content.decode()
    assert '<canvas data-trajectory="trajectory-data"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "js/outcomes-trajectory.js" in page
    assert "<script>" not in page  # no inline script: json_script is type application/json
    chart = json.loads(
        re.search(r'id="trajectory-data" type="application/json">(.*?)</script>', page, re.S).group(
            1
        )
    )
    assert [p["y"] for p in chart["pain"]["before"]] == [8, 5, 3]  # visit 3's is missing
    assert [p["visit"] for p in chart["pain"]["before"]] == [1, 2, 4]
    assert [p["y"] for p in chart["pain"]["after"]] == [6, 4, 4]
    assert [p["y"] for p in chart["pain"]["portal"]] == [8]
    assert chart["pain"]["portal"][0]["x"] == -2
    assert [v["x"] for v in chart["visits"]] == [0, 7, 14, 21]
    assert chart["thresholds"] == {"baseline": 8, "moderate": pytest.approx(5.6), "substantial": 4}
    assert [p["y"] for p in chart["function"]] == [16, 9] and chart["function_max"] == 24
    # The same numbers as a table, with the change since baseline.
    assert "-3.0 points (-38%)" in page  # 8 -> 5 at visit 2's check-in
    assert "-5.0 points (-63%)" in page  # 8 -> 3 (62.5%, rounded half up)
    # After the first visit (visit 2's check-in, not visit 1's check-out): 8 -> 5, moderate;
    # end of course (6-8 weeks): no score then, missing; latest: 8 -> 3, substantial.
    statuses = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", page, re.S)
    told = {k: " ".join(v.split()) for k, v in statuses}
    assert (
        "responder (at least 30% and 2 points)"
        in told["After the first visit (check-in at visit 2)"]
    )
    assert told["End of course (6 to 8 weeks)"] == "missing"
    assert "substantial responder (at least 50%)" in told["Latest score"]
    assert "16 to 9: -7.0 points (-44%)" in page  # RMDQ


@pytest.mark.django_db
def test_nothing_yet_and_missing_baseline(personas: Personas) -> None:
    assert trajectory_context(personas.record_b.pk) == {"episode": None}
    page = personas.client("owner").get(url(personas.record_b.pk)).content.decode()
    assert "No scores yet." in page
    by = f.practitioner()
    f.course(personas.record_b, by, [None, 6], [5, None])  # first score after treatment
    context = trajectory_context(personas.record_b.pk)
    assert context["baseline"] is None and context["lines"] is None
    page = personas.client("owner").get(url(personas.record_b.pk)).content.decode()
    assert "missing (no pain score before treatment)" in page
    assert "no baseline to compare with" in page
