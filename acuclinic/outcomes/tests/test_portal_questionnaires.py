"""/portal/questionnaires/: a patient answers their own due questionnaires, which are scored
and saved as Score rows; a questionnaire not due is a 404; staff are turned away; nothing
clinical in the address; no input makes a 500."""

from datetime import timedelta

import pytest
from django.urls import include, path
from django.utils import timezone

import acuclinic.urls
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.outcomes.models import Score, Source
from acuclinic.outcomes.tests import factories
from acuclinic.outcomes.tests.test_questionnaires import _fake_licensed

# Wired as acuclinic/urls.py will be (the include line is the lead's to add).
urlpatterns = [
    path("portal/questionnaires/", include("acuclinic.outcomes.portal_urls")),
    *acuclinic.urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
LIST = "/portal/questionnaires/"
RMDQ = "/portal/questionnaires/d/"
PSFS = "/portal/questionnaires/b/"


@pytest.fixture
def licensed(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.OUTCOME_QUESTIONNAIRE_DIR = str(tmp_path)
    _fake_licensed(tmp_path, "outcome-rmdq")
    return tmp_path


@pytest.fixture
def first_visit_today(personas: Personas):  # type: ignore[no-untyped-def]
    start = timezone.now() - timedelta(hours=1)
    return factories.visit(personas.record_a, factories.practitioner(), start)


def test_due_questionnaires_are_listed_answered_and_scored(
    personas: Personas, licensed, first_visit_today
) -> None:
    client = personas.client("patient_a")
    html = client.get(LIST).content.decode()
    assert RMDQ in html and PSFS in html and "/portal/questionnaires/c/" not in html
    form = client.get(RMDQ)
    assert form.status_code == 200 and "FAKE licensed text" in form.content.decode()
    response = client.post(RMDQ, {"statements": ["item_2", "item_5", "item_9"]})
    assert response.status_code == 302 and response["Location"] == LIST
    [score] = Score.objects.filter(patient=personas.record_a)
    assert (score.measure, score.value, score.source) == ("rmdq", 3, Source.QUESTIONNAIRE)
    assert score.note == "outcome-rmdq v1"
    # Answered: no longer due, and no second answer.
    assert RMDQ not in client.get(LIST).content.decode()
    assert client.post(RMDQ, {"statements": ["none"]}).status_code == 404
    # The PSFS: three activities, each rated; the mean and each activity stored.
    data = {"activity_1": "Socks", "rating_1": "2", "activity_2": "Stairs", "rating_2": "4",
            "activity_3": "Driving", "rating_3": "6"}  # fmt: skip
    assert client.post(PSFS, data).status_code == 302
    psfs = Score.objects.filter(patient=personas.record_a, measure="psfs").order_by("item")
    assert [(s.item, s.value) for s in psfs] == [("", 4), ("1", 2), ("2", 4), ("3", 6)]
    assert "data-nothing-due" in client.get(LIST).content.decode()


def test_bad_answers_are_shown_back_and_nothing_is_saved(
    personas: Personas, licensed, first_visit_today
) -> None:
    client = personas.client("patient_a")
    response = client.post(RMDQ, {})
    assert response.status_code == 400 and "Please answer this question." in response.text
    for hostile in ({"statements": ["item_99", "<script>"]}, {"statements": ["none", "item_1"]}):
        assert client.post(RMDQ, hostile).status_code == 400
    response = client.post(PSFS, {"activity_1": "Socks", "activity_2": "Stairs", "rating_1": "x"})
    assert response.status_code == 400 and "Please rate this activity." in response.text
    assert not Score.objects.filter(patient=personas.record_a).exists()


def test_only_the_patients_own_and_only_when_due(
    personas: Personas, licensed, first_visit_today
) -> None:
    other = personas.client("patient_b")  # no visits: nothing due
    assert "data-nothing-due" in other.get(LIST).content.decode()
    assert other.get(RMDQ).status_code == 404
    assert other.post(RMDQ, {"statements": ["item_1"]}).status_code == 404
    assert other.get("/portal/questionnaires/zz/").status_code == 404
    for staff in ("front_desk", "practitioner", "owner"):
        assert personas.client(staff).get(LIST).status_code == 403
    assert personas.client("anonymous").get(LIST).status_code == 302
    assert not Score.objects.exists()


def test_without_the_licensed_file_only_our_own_questionnaires_are_asked(
    personas: Personas, settings, first_visit_today
) -> None:
    settings.OUTCOME_QUESTIONNAIRE_DIR = None
    client = personas.client("patient_a")
    html = client.get(LIST).content.decode()
    assert PSFS in html and RMDQ not in html
    assert client.get(RMDQ).status_code == 404


def test_the_role_matrix_rows(personas: Personas) -> None:
    """The rows handed to test_role_matrix.py hold on this urlconf too."""
    from django.urls import reverse

    from acuclinic.clinic.tests.matrix import NAMES, World
    from acuclinic.clinic.tests.matrix_questionnaires import ROWS

    world = World(personas=personas, appointment=None)  # type: ignore[arg-type]
    for name, route in ROWS.items():
        url = reverse(name, kwargs=route.kwargs(world))
        got = {}
        for persona in NAMES:
            response = getattr(personas.client(persona), route.method)(url, route.data)
            login = response.status_code == 302 and "/accounts/login/" in response["Location"]
            got[persona] = "login" if login else response.status_code
        assert got == route.expect, name
