"""The demo year behind the outcome report (outcomes/demo.py): loaded by `make run`'s
seed_demo, left out of the test suite's base data (conftest.py), so it is checked here."""

import pytest
from django.core.management import call_command

from acuclinic.clinic.tests.personas import personas_fixture  # noqa: F401
from acuclinic.outcomes import demo
from acuclinic.outcomes.models import CourseSummary, Score
from acuclinic.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_a_year_of_fictional_courses_once(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        created = demo.seed()
    assert created > 0
    patients = Patient.objects.filter(email__endswith="@" + demo.DOMAIN)
    assert patients.count() == demo.PATIENTS
    assert all(demo.is_fictional(p.email) and not p.phone for p in patients)
    assert Score.objects.filter(patient__in=patients, source="check_in").count() > demo.PATIENTS
    assert demo.seed() == 0  # loading the demo again adds nothing
    assert not demo.is_fictional("someone@clinic-mail.com")


def test_the_report_shows_it_and_says_it_is_fictional(personas) -> None:  # type: ignore[no-untyped-def]
    demo.seed()
    call_command("rebuild_outcome_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CourseSummary.objects.exists()
    page = personas.client("owner").get("/desk/outcomes/").content.decode()
    assert "Fictional data" in page
