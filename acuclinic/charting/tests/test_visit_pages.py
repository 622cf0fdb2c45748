"""The visit screen and its forms through HTTP: who may open what, the audit entry for a read,
the messages for bad input, the point picker's search, and a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acuclinic.charting import actions
from acuclinic.charting.models import Protocol, Visit, VisitStatus
from acuclinic.clinic.audit import AuditEntry
from acuclinic.clinic.tests.personas import NAMES

from .conftest import give_intake, make_appointment, request_as

pytestmark = pytest.mark.django_db


def url(visit: Visit, action: str = "") -> str:
    return f"/desk/visits/{visit.pk}/{action + '/' if action else ''}"


def status_of(response) -> int | str:  # type: ignore[no-untyped-def]
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    return response.status_code


def test_who_opens_a_visit(personas, visit) -> None:  # type: ignore[no-untyped-def]
    got = {name: status_of(personas.client(name).get(url(visit))) for name in NAMES}
    assert got == {
        "anonymous": "login",
        "inactive_staff": "login",
        "patient_a": 403,  # even their own: the desk is for staff
        "patient_b": 403,
        "front_desk": 404,  # clinical: like a visit that does not exist
        "practitioner": 200,
        "owner": 200,
    }


def test_front_desk_changes_nothing(personas, visit) -> None:  # type: ignore[no-untyped-def]
    desk = personas.client("front_desk")
    posts = {
        "note": {"chief_complaint": "x"},
        "points": {"code": "BL23", "side": "left"},
        "modalities": {"kind": "massage", "area_text": "x"},
        "pain": {"phase": "before", "value": "5"},
        "sign": {},
        "amend": {"field": "home_care", "new_value": "x", "reason": "y"},
    }
    for action, data in posts.items():
        assert desk.post(url(visit, action), data).status_code == 404, action
    assert desk.get("/desk/visits/points/search/?q=bl23").status_code == 403
    assert desk.get(f"/desk/visits/start/{visit.appointment_id}/").status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DRAFT and not visit.needles.exists()
    assert visit.pain_before is None and visit.chief_complaint == ""


def test_reading_a_visit_is_audited(personas, visit) -> None:  # type: ignore[no-untyped-def]
    before = AuditEntry.objects.count()
    personas.client("owner").get(url(visit))
    entry = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.record_type, entry.record_id, entry.patient_id) == (
        "view",
        "charting.visit",
        str(visit.pk),
        personas.record_a.pk,
    )
    assert entry.actor == personas.owner and entry.detail == {"purpose": "clinical"}


def test_every_change_through_the_pages_is_audited(personas, visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    posts = [
        ("note", {"chief_complaint": "Back ache", "pulse_left_chi": ["deep", "wiry"]}),
        ("points", {"code": "bl23", "side": "bilateral", "depth_mm": "20"}),
        ("modalities", {"kind": "cupping", "method": "fixed", "area": "back.sacrum"}),
        ("pain", {"phase": "before", "value": "6"}),
        ("sign", {}),
        ("amend", {"field": "chief_complaint", "new_value": "Back ache, left", "reason": "Side"}),
    ]
    for action, data in posts:
        response = practitioner.post(url(visit, action), data)
        assert response.status_code == 302, (action, response.content[:300])
    changes = AuditEntry.objects.filter(record_id=str(visit.pk), record_type="charting.visit")
    assert list(changes.exclude(action="view").order_by("pk").values_list("action", flat=True)) == [
        "create",
        "update",
        "update",
        "update",
        "update",
        "sign",
        "create",  # the patient's aftercare notes, written at signing
        "amend",
    ]
    visit.refresh_from_db()
    assert visit.pulse == {"left_chi": ["deep", "wiry"]}
    page = practitioner.get(url(visit)).content.decode()
    assert "Back ache, left" in page and "<del>Back ache</del>" in page


def test_the_note_form_says_what_is_wrong(personas, visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.post(
        url(visit, "note"),
        {"icd10_code": "low back", "tongue_colour": "green", "pulse_left_cun": ["bouncy"]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an ICD-10 code such as M54.5" in html
    assert "Select a valid choice" in html
    assert 'value="low back"' in html  # what was typed is shown again
    visit.refresh_from_db()
    assert visit.icd10_code == "" and visit.tongue_colour == ""


def test_the_point_form_says_what_is_wrong(visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    cases = [
        ({"code": "bl99", "side": "left"}, "Choose a point from the list"),
        ({"code": "GV4", "side": "bilateral"}, "GV4 is on the midline"),
        ({"code": "BL23", "side": "midline"}, "BL23 is a paired point"),
        ({"code": "BL23", "side": "left", "depth_mm": "151"}, "less than or equal to 150"),
        ({"code": "BL23", "side": "left", "electro_hz": "2"}, "give both the frequency and"),
        ({"code": "BL23"}, "Choose the side."),
    ]
    for data, message in cases:
        response = practitioner.post(url(visit, "points"), data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not visit.needles.exists()
    # A midline point needs no side: midline is the only one.
    assert practitioner.post(url(visit, "points"), {"code": "du 4"}).status_code == 302
    assert [(n.code, n.side) for n in visit.needles.all()] == [("GV4", "midline")]


def test_modality_and_pain_forms(visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.post(url(visit, "modalities"), {"kind": "cupping", "method": "stick"})
    assert response.status_code == 400
    assert "Choose the type of cupping" in response.content.decode()
    response = practitioner.post(url(visit, "pain"), {"phase": "before", "value": "11"})
    assert response.status_code == 400
    assert "less than or equal to 10" in response.content.decode()
    assert visit.modalities.count() == 0 and Visit.objects.get(pk=visit.pk).pain_before is None


def test_sign_refuses_with_unacknowledged_cautions(personas, visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    give_intake(personas.record_a, pregnancy=["pregnant"])
    practitioner.post(url(visit, "points"), {"code": "LI4", "side": "bilateral"})
    page = practitioner.get(url(visit)).content.decode()
    assert "LI4 is traditionally avoided in pregnancy" in page
    assert "Pregnant, or might be" in page  # the intake summary beside the note
    response = practitioner.post(url(visit, "sign"), follow=True)
    assert "Acknowledge every caution before signing." in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.DRAFT
    response = practitioner.post(url(visit, "cautions"), {})
    assert response.status_code == 400
    assert "Tick the cautions you have considered." in response.content.decode()
    practitioner.post(url(visit, "cautions"), {"codes": ["pregnancy:LI4"]})
    practitioner.post(url(visit, "sign"))
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.SIGNED
    page = practitioner.get(url(visit)).content.decode()
    assert "acknowledged by Odile Fenwick" in page


def test_the_intake_beside_the_note(personas, visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    intake = give_intake(personas.record_a, bleeding_risk=True)
    page = practitioner.get(url(visit)).content.decode()
    assert f'href="/desk/patients/{personas.record_a.pk}/intake/{intake.pk}/"' in page
    assert "Low back pain on the left side" in page  # the chief complaint
    assert "Left lower back" in page and "Base of the spine (sacrum)" in page
    assert "Bleeding disorder or blood thinner" in page


def test_the_body_chart(personas, visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    give_intake(personas.record_a)  # pain on the left lower back and the sacrum
    request = request_as(personas.practitioner)
    actions.add_needle(visit=visit, data={"code": "BL23", "side": "left"}, request=request)
    actions.add_modality(
        visit=visit,
        data={"kind": "cupping", "method": "fixed", "area": "back.sacrum"},
        request=request,
    )
    html = practitioner.get(url(visit)).content.decode()
    assert html.count('data-needled="BL23"') == 1  # the left side only
    assert 'data-chart-point="BL52"' in html  # points to add from the chart
    assert html.count("is-pain") == 2 and "is-pain is-treated" in html  # the sacrum: both


def test_signed_page_has_no_edit_forms(personas, visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    actions.sign_visit(visit=visit, request=request_as(personas.practitioner))
    page = practitioner.get(url(visit)).content.decode()
    assert "Save the note" not in page and "Add the point" not in page
    assert "Add the amendment" in page
    response = practitioner.post(url(visit, "note"), {"chief_complaint": "changed"}, follow=True)
    assert "This visit is signed" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).chief_complaint == ""


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("bl23", "BL23"),
        ("shenshu", "BL23"),
        ("weizhong", "BL40"),
        ("UB 23", "BL23"),
        ("Du 4", "GV4"),
    ],
)
def test_the_picker_search(practitioner, query: str, first: str) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.get("/desk/visits/points/search/", {"q": query})
    assert response.status_code == 200
    codes = re.findall(r'data-code="([^"]+)"', response.content.decode())
    assert codes[0] == first


def test_the_picker_search_odd_input(practitioner) -> None:  # type: ignore[no-untyped-def]
    for query in ["", "zzzz", "\x00", "<script>", "x" * 5000, "%", "肾俞"]:
        response = practitioner.get("/desk/visits/points/search/", {"q": query})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()
    html = practitioner.get("/desk/visits/points/search/", {"q": "肾俞"}).content.decode()
    assert 'data-code="BL23"' in html
    html = practitioner.get("/desk/visits/points/search/", {"q": "gv4"}).content.decode()
    assert 'data-midline="1"' in html


def test_start_from_the_calendar(personas, appointment, practitioner) -> None:  # type: ignore[no-untyped-def]
    start = f"/desk/visits/start/{appointment.pk}/"
    assert practitioner.get(start).status_code == 200
    response = practitioner.post(start, {"start": "protocol"})
    assert response.status_code == 200 and "Choose the protocol." in response.content.decode()
    response = practitioner.post(start, {"start": "blank"})
    visit = Visit.objects.get(appointment=appointment)
    assert response["Location"] == f"/desk/visits/{visit.pk}/"
    assert practitioner.get(start)["Location"] == f"/desk/visits/{visit.pk}/"
    assert practitioner.get("/desk/visits/start/999999/").status_code == 404


def test_walk_in_and_the_visit_list(personas, practitioner) -> None:  # type: ignore[no-untyped-def]
    patient = personas.record_b
    protocol = Protocol.objects.create(name="Neck", needles=[{"code": "GB20", "side": "bilateral"}])
    response = practitioner.post(
        f"/desk/visits/walk-in/{patient.pk}/", {"start": "protocol", "protocol": protocol.pk}
    )
    visit = Visit.objects.get(patient=patient)
    assert response["Location"] == f"/desk/visits/{visit.pk}/"
    assert visit.practitioner == personas.practitioner_record  # the signed-in practitioner
    page = practitioner.get(f"/desk/visits/patient/{patient.pk}/").content.decode()
    assert "GB20" in page and f"/desk/visits/{visit.pk}/" in page


def test_protocol_pages(personas, practitioner, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    actions.add_needle(
        visit=visit, data={"code": "BL23", "side": "bilateral", "depth_mm": 25}, request=request
    )
    page = practitioner.get(f"/desk/visits/protocols/new/?from_visit={visit.pk}").content.decode()
    assert "BL23 bilateral 25mm" in page
    assert (
        personas.client("owner").get("/desk/visits/protocols/new/?from_visit=999999").status_code
        == 404
    )
    response = practitioner.post(
        "/desk/visits/protocols/new/",
        {"name": "Back", "treatment": "BL23 bilateral 25mm\nGV4 left"},
    )
    assert response.status_code == 200
    assert "Line 2" in response.content.decode() and "midline" in response.content.decode()
    response = practitioner.post(
        "/desk/visits/protocols/new/",
        {
            "name": "Back",
            "treatment": "BL23 bilateral 25mm\nGV4 midline\ncupping fixed back.sacrum",
        },
    )
    assert response.status_code == 302
    protocol = Protocol.objects.get(name="Back")
    assert [n["code"] for n in protocol.needles] == ["BL23", "GV4"]
    assert protocol.created_by == personas.practitioner
    edit = f"/desk/visits/protocols/{protocol.pk}/"
    assert "GV4 midline" in practitioner.get(edit).content.decode()
    practitioner.post(edit, {"name": "Back pain", "treatment": "KI3 left"})
    protocol.refresh_from_db()
    assert protocol.name == "Back pain" and [n["code"] for n in protocol.needles] == ["KI3"]
    assert "Back pain" in practitioner.get("/desk/visits/protocols/").content.decode()
    response = practitioner.post("/desk/visits/protocols/new/", {"name": "Back pain"})
    assert "already exists" in response.content.decode()


def test_the_visit_screen_in_a_fixed_number_of_queries(personas, practitioner) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    give_intake(personas.record_a)

    def visit_with_history(days: int) -> Visit:
        v = actions.start_visit(
            patient=personas.record_a,
            appointment=make_appointment(
                personas.record_a, personas.practitioner_record, days=days
            ),
            request=request,
        )
        for code in ("BL23", "BL40", "KI3"):
            actions.add_needle(visit=v, data={"code": code, "side": "bilateral"}, request=request)
        actions.add_modality(
            visit=v, data={"kind": "massage", "area_text": "back"}, request=request
        )
        actions.record_pain(visit=v, phase="before", value=6, request=request)
        actions.record_pain(visit=v, phase="after", value=3, request=request)
        return v

    def count(visit: Visit) -> int:
        practitioner.get(url(visit))  # warm the session and role caches alike
        with CaptureQueriesContext(connection) as queries:
            assert practitioner.get(url(visit)).status_code == 200
        return len(queries)

    for day in range(2):
        visit_with_history(500 + day)
    few = count(visit_with_history(600))
    for day in range(50):
        visit_with_history(700 + day)
    many = count(visit_with_history(800))
    assert many == few, (few, many)
    assert few <= 24, few  # 17 when written; 21 with the trajectory (data.episodes and its reads)


def test_the_printable_summary(personas, visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    from acuclinic.herbs.tests.pdftext import text as pdf_text

    request = request_as(personas.practitioner)
    actions.save_note(
        visit=visit,
        fields={
            "chief_complaint": "Low back ache",
            "pattern": "kidney_yang_def",
            "icd10_code": "M54.5",
        },
        request=request,
    )
    actions.add_needle(
        visit=visit, data={"code": "BL23", "side": "bilateral", "depth_mm": 25}, request=request
    )
    actions.add_modality(
        visit=visit,
        data={"kind": "cupping", "method": "fixed", "area": "back.sacrum", "cups": 3},
        request=request,
    )
    actions.record_pain(visit=visit, phase="before", value=7, request=request)
    draft = pdf_text(practitioner.get(url(visit, "summary.pdf")[:-1]).content)
    assert "DRAFT: not signed." in draft
    actions.sign_visit(visit=visit, request=request)
    actions.amend_visit(
        visit=visit,
        field="chief_complaint",
        new_value="Low back ache, both sides",
        reason="Side",
        request=request,
    )
    before = AuditEntry.objects.count()
    response = practitioner.get(f"/desk/visits/{visit.pk}/summary.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="visit-{visit.pk}.pdf"'
    text = pdf_text(response.content)
    for expected in (
        "Juniper Halloway",
        "Chief complaint: Low back ache",
        "Kidney yang deficiency",
        "M54.5",
        "BL23",
        "Bilateral, 25 mm",
        "Cupping, Fixed (stationary), Base of the spine (sacrum)",
        "before 7",
        "Signed by Odile Fenwick",
        "Was: Low back ache",
        "Now: Low back ache, both sides",
    ):
        assert expected in text, expected
    assert "DRAFT" not in text
    actions_written = AuditEntry.objects.order_by("pk")[before:].values_list("action", "detail")
    assert list(actions_written) == [
        ("view", {"purpose": "clinical"}),
        ("export", {"format": "pdf"}),
    ]
    assert (
        personas.client("front_desk").get(f"/desk/visits/{visit.pk}/summary.pdf").status_code == 404
    )
