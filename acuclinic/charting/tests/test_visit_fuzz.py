"""No input gets a 500 from the note, point, modality, pain and amendment forms: whatever is
posted, the answer is a redirect (saved) or the page again with messages (400)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.charting import actions
from acuclinic.charting.forms import NoteForm
from acuclinic.charting.models import Visit

from .conftest import request_as

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ODD = st.sampled_from(
    [
        "",
        "\x00",
        "9" * 30,
        "-1",
        "٣",
        "1e3",
        "2.5",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "x" * 5000,
        "\u202e",
        "midline",
        "bilateral",
        "BL23",
        "GV4",
        "cupping",
        "back.sacrum",
        "on",
    ]
)
VALUE = ODD | st.text(max_size=60)
NOTE_FIELDS = [*NoteForm.Meta.fields, "pulse_left_cun", "pulse_right_chi"]
POINT_FIELDS = [
    "code",
    "side",
    "depth_mm",
    "retention_min",
    "technique",
    "de_qi",
    "electro_hz",
    "electro_min",
    "moxa_on_needle",
]
MODALITY_FIELDS = [
    "kind",
    "method",
    "area",
    "area_text",
    "point_code",
    "minutes",
    "cups",
    "sha_colour",
    "notes",
]


def data_for(fields: list[str]) -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(
        st.sampled_from(fields) | st.text(max_size=10),
        VALUE | st.lists(VALUE, max_size=3),
        max_size=8,
    )


@FUZZ
@given(data=data_for(NOTE_FIELDS))
def test_note_form(visit, practitioner, data) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.post(f"/desk/visits/{visit.pk}/note/", data)
    assert response.status_code in (302, 400), response.content[:500]


@FUZZ
@given(data=data_for(POINT_FIELDS))
def test_point_form(visit, practitioner, data) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.post(f"/desk/visits/{visit.pk}/points/", data)
    assert response.status_code in (302, 400), response.content[:500]


@FUZZ
@given(data=data_for(MODALITY_FIELDS))
def test_modality_form(visit, practitioner, data) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.post(f"/desk/visits/{visit.pk}/modalities/", data)
    assert response.status_code in (302, 400), response.content[:500]


@FUZZ
@given(data=data_for(["phase", "value", "codes"]))
def test_pain_and_cautions(visit, practitioner, data) -> None:  # type: ignore[no-untyped-def]
    for action in ("pain", "cautions"):
        response = practitioner.post(f"/desk/visits/{visit.pk}/{action}/", data)
        assert response.status_code in (302, 400), response.content[:500]


@FUZZ
@given(data=data_for(["field", "new_value", "reason"]))
def test_amend_form(personas, signed_visit, practitioner, data) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.post(f"/desk/visits/{signed_visit.pk}/amend/", data)
    assert response.status_code in (302, 400), response.content[:500]


@FUZZ
@given(data=data_for(["start", "protocol", "practitioner"]))
def test_start_form(personas, appointment, practitioner, data) -> None:  # type: ignore[no-untyped-def]
    for page in (
        f"/desk/visits/start/{appointment.pk}/",
        f"/desk/visits/walk-in/{personas.record_b.pk}/",
    ):
        response = practitioner.post(page, data)
        assert response.status_code in (200, 302), response.content[:500]


@FUZZ
@given(data=data_for(["name", "description", "treatment"]))
def test_protocol_form(practitioner, data) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.post("/desk/visits/protocols/new/", data)
    assert response.status_code in (200, 302), response.content[:500]


@pytest.fixture
def signed_visit(personas, visit) -> Visit:  # type: ignore[no-untyped-def]
    return actions.sign_visit(visit=visit, request=request_as(personas.practitioner))


@pytest.mark.parametrize(
    "path",
    ["abc/", "0/", "-1/", "99999999999999999999999/", "1.5/"],
)
def test_odd_ids(practitioner, path: str) -> None:  # type: ignore[no-untyped-def]
    assert practitioner.get(f"/desk/visits/{path}").status_code == 404
