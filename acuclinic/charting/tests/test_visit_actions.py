"""The actions on a visit (actions.py): starting, the draft, signing, amendments, pain, and
the audit entry each writes."""

import pytest
from django.db.models import ProtectedError

from acuclinic.charting import actions
from acuclinic.charting.models import Amendment, NeedlePoint, Protocol, Visit, VisitStatus
from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.outcomes.models import Score, Source
from acuclinic.scheduling.models import Status

from .conftest import give_intake, make_appointment, request_as

pytestmark = pytest.mark.django_db


def entries(visit: Visit) -> list[tuple[str, dict]]:
    found = AuditEntry.objects.filter(record_type="charting.visit", record_id=str(visit.pk))
    return [(e.action, e.detail) for e in found.order_by("at", "pk")]


def test_start_from_an_appointment(personas, appointment) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    visit = actions.start_visit(patient=personas.record_a, appointment=appointment, request=request)
    assert visit.status == VisitStatus.DRAFT
    assert visit.practitioner == personas.practitioner_record
    assert visit.started_at == appointment.start
    entry = AuditEntry.objects.get(record_type="charting.visit", record_id=str(visit.pk))
    assert (entry.action, entry.patient_id, entry.actor) == (
        Action.CREATE,
        personas.record_a.pk,
        personas.practitioner,
    )
    # Starting again returns the same visit.
    again = actions.start_visit(patient=personas.record_a, appointment=appointment, request=request)
    assert again.pk == visit.pk and Visit.objects.count() == 1


def test_start_refuses(personas, appointment) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    with pytest.raises(actions.ChartingRefused):
        actions.start_visit(patient=personas.record_b, appointment=appointment, request=request)
    appointment.status = Status.CANCELLED
    appointment.save(update_fields=["status"])
    with pytest.raises(actions.ChartingRefused):
        actions.start_visit(patient=personas.record_a, appointment=appointment, request=request)
    with pytest.raises(actions.ChartingRefused, match="no earlier visit"):
        actions.start_visit(patient=personas.record_a, copy_previous=True, request=request)
    assert not Visit.objects.exists()


def test_walk_in_from_a_protocol_then_from_the_previous_visit(personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    protocol = Protocol.objects.create(
        name="Low back pain, kidney deficiency",
        needles=[
            {"code": "BL23", "side": "bilateral", "depth_mm": 25, "retention_min": 20},
            {"code": "GV3", "side": "midline"},
        ],
        modalities=[{"kind": "cupping", "method": "fixed", "area": "back.sacrum", "cups": 2}],
    )
    first = actions.start_visit(patient=personas.record_a, protocol=protocol, request=request)
    assert first.appointment is None and first.protocol == protocol
    assert [(n.code, n.side, n.depth_mm) for n in first.needles.all()] == [
        ("BL23", "bilateral", 25),
        ("GV3", "midline", None),
    ]
    assert [m.kind for m in first.modalities.all()] == ["cupping"]
    actions.add_needle(visit=first, data={"code": "KI3", "side": "left"}, request=request)
    second = actions.start_visit(patient=personas.record_a, copy_previous=True, request=request)
    assert [n.code for n in second.needles.all()] == ["BL23", "GV3", "KI3"]
    assert second.modalities.count() == 1
    assert first.needles.count() == 3  # copied, not moved
    assert ("create", {"reason": "previous_visit", "count": 4}) in entries(second)
    with pytest.raises(actions.ChartingRefused):
        actions.start_visit(
            patient=personas.record_a, protocol=protocol, copy_previous=True, request=request
        )


def test_a_broken_protocol_is_refused(personas) -> None:  # type: ignore[no-untyped-def]
    protocol = Protocol.objects.create(name="Broken", needles=[{"code": "GV4", "side": "left"}])
    with pytest.raises(actions.ChartingRefused, match="Point 1"):
        actions.start_visit(
            patient=personas.record_a, protocol=protocol, request=request_as(personas.owner)
        )


def test_save_note_audits_field_names_only(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    changed = actions.save_note(
        visit=visit,
        fields={
            "chief_complaint": "Low back ache",
            "pulse": {"left_chi": ["deep"]},
            "home_care": "",
        },
        request=request,
    )
    assert changed == ["chief_complaint", "pulse"]
    visit.refresh_from_db()
    assert visit.chief_complaint == "Low back ache" and visit.pulse == {"left_chi": ["deep"]}
    action, detail = entries(visit)[-1]
    assert action == "update" and detail == {"fields": ["chief_complaint", "pulse"]}
    assert "Low back" not in str(entries(visit))
    with pytest.raises(ValueError):
        actions.save_note(visit=visit, fields={"status": "signed"}, request=request)


def test_signing_locks_the_visit(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    needle = actions.add_needle(
        visit=visit, data={"code": "BL23", "side": "bilateral"}, request=request
    )
    modality = actions.add_modality(
        visit=visit,
        data={"kind": "massage", "area_text": "lower back", "minutes": 10},
        request=request,
    )
    actions.sign_visit(visit=visit, request=request)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SIGNED and visit.signed_by == personas.practitioner
    assert visit.signed_at is not None
    locked = [
        lambda: actions.save_note(visit=visit, fields={"home_care": "Rest"}, request=request),
        lambda: actions.add_needle(
            visit=visit, data={"code": "KI3", "side": "left"}, request=request
        ),
        lambda: actions.remove_needle(visit=visit, needle_id=needle.pk, request=request),
        lambda: actions.add_modality(
            visit=visit, data={"kind": "massage", "area_text": "x"}, request=request
        ),
        lambda: actions.remove_modality(visit=visit, modality_id=modality.pk, request=request),
        lambda: actions.record_pain(visit=visit, phase="after", value=2, request=request),
        lambda: actions.acknowledge(visit=visit, codes=["x"], request=request),
        lambda: actions.sign_visit(visit=visit, request=request),
    ]
    for attempt in locked:
        with pytest.raises(actions.ChartingRefused, match="signed"):
            attempt()
    assert visit.needles.count() == 1 and visit.modalities.count() == 1
    assert [a for a, _d in entries(visit)].count("sign") == 1


def test_signing_waits_for_acknowledged_cautions(personas, visit) -> None:  # type: ignore[no-untyped-def]
    give_intake(personas.record_a, pregnancy=["pregnant"], pacemaker=True)
    request = request_as(personas.practitioner)
    for code in ("LI4", "SP6"):
        actions.add_needle(visit=visit, data={"code": code, "side": "bilateral"}, request=request)
    actions.add_needle(
        visit=visit,
        data={"code": "BL25", "side": "left", "electro_hz": 2, "electro_min": 20},
        request=request,
    )
    with pytest.raises(actions.Unacknowledged) as refused:
        actions.sign_visit(visit=visit, request=request)
    assert [w.code for w in refused.value.warnings] == [
        "pregnancy:LI4",
        "pregnancy:SP6",
        "electro-pacemaker",
    ]
    # Unknown codes are ignored; the ones given are kept with who and when.
    assert actions.acknowledge(
        visit=visit, codes=["pregnancy:LI4", "made-up"], request=request
    ) == ["pregnancy:LI4"]
    with pytest.raises(actions.Unacknowledged):
        actions.sign_visit(visit=visit, request=request)
    actions.acknowledge(
        visit=visit,
        codes=["pregnancy:SP6", "electro-pacemaker"],
        request=request_as(personas.owner),
    )
    ack = visit.acknowledgements.get(code="pregnancy:LI4")
    assert ack.by == personas.practitioner and ack.at is not None
    # A new caution after acknowledging needs its own.
    actions.add_needle(visit=visit, data={"code": "GB21", "side": "left"}, request=request)
    with pytest.raises(actions.Unacknowledged) as refused:
        actions.sign_visit(visit=visit, request=request)
    assert [w.code for w in refused.value.warnings] == ["pregnancy:GB21"]
    actions.acknowledge(visit=visit, codes=["pregnancy:GB21"], request=request)
    actions.sign_visit(visit=visit, request=request)
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.SIGNED


def test_amendments_keep_the_original(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    actions.save_note(visit=visit, fields={"home_care": "Heat twice a day"}, request=request)
    with pytest.raises(actions.ChartingRefused, match="signed visit"):
        actions.amend_visit(
            visit=visit, field="home_care", new_value="x", reason="typo", request=request
        )
    actions.sign_visit(visit=visit, request=request)
    first = actions.amend_visit(
        visit=visit,
        field="home_care",
        new_value="Heat three times a day",
        reason="Said twice by mistake",
        request=request,
    )
    second = actions.amend_visit(
        visit=visit,
        field="home_care",
        new_value="Heat three times a day; walk daily",
        reason="Added walking",
        request=request_as(personas.owner),
    )
    visit.refresh_from_db()
    assert visit.home_care == "Heat twice a day"  # the signed text stays
    assert (first.old_value, first.new_value) == ("Heat twice a day", "Heat three times a day")
    assert second.old_value == "Heat three times a day" and second.author == personas.owner
    assert actions.current_value(visit, "home_care", visit.amendments.all()) == (
        "Heat three times a day; walk daily"
    )
    for field, value, reason, error in [
        ("patient", "x", "why", "field"),
        ("home_care", "x", " ", "reason"),
        ("home_care", "  ", "why", "new_value"),
        ("home_care", "Heat three times a day; walk daily", "why", "new_value"),
        ("icd10_code", "not a code", "why", "new_value"),
    ]:
        with pytest.raises(actions.Invalid) as invalid:
            actions.amend_visit(
                visit=visit, field=field, new_value=value, reason=reason, request=request
            )
        assert error in invalid.value.errors
    addendum = actions.amend_visit(
        visit=visit,
        field="addendum",
        new_value="Called: feels better",
        reason="Follow-up",
        request=request,
    )
    assert addendum.old_value == ""
    assert Amendment.objects.filter(visit=visit).count() == 3
    assert [a for a, _d in entries(visit)].count("amend") == 3
    with pytest.raises(ProtectedError):
        visit.delete()


def test_pain_before_and_after_as_outcome_scores(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    before = actions.record_pain(visit=visit, phase="before", value=7, request=request)
    after = actions.record_pain(visit=visit, phase="after", value=4, request=request)
    again = actions.record_pain(visit=visit, phase="after", value=3, request=request)
    assert again.pk == after.pk  # a correction, not a second score
    scores = Score.objects.filter(patient=personas.record_a).order_by("source")
    assert [(s.source, s.value, s.measure, s.item, s.appointment_id) for s in scores] == [
        (Source.CHECK_IN, 7, "nprs", "now", visit.appointment_id),
        (Source.CHECK_OUT, 3, "nprs", "now", visit.appointment_id),
    ]
    visit.refresh_from_db()
    assert (visit.pain_before, visit.pain_after) == (before, after)
    for phase, value in [("before", 11), ("before", -1), ("during", 5), ("after", True)]:
        with pytest.raises(actions.ChartingRefused):
            actions.record_pain(visit=visit, phase=phase, value=value, request=request)  # type: ignore[arg-type]


def test_walk_in_pain_has_no_appointment(personas) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    visit = actions.start_visit(patient=personas.record_b, request=request)
    score = actions.record_pain(visit=visit, phase="before", value=5, request=request)
    assert score.appointment_id is None and score.source == Source.CHECK_IN


def test_remove_rows(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    needle = actions.add_needle(visit=visit, data={"code": "BL40", "side": "left"}, request=request)
    actions.remove_needle(visit=visit, needle_id=needle.pk, request=request)
    assert not NeedlePoint.objects.filter(pk=needle.pk).exists()
    with pytest.raises(actions.ChartingRefused):
        actions.remove_needle(visit=visit, needle_id=needle.pk, request=request)
    other = actions.start_visit(
        patient=personas.record_a,
        appointment=make_appointment(personas.record_a, personas.practitioner_record, days=401),
        request=request,
    )
    foreign = actions.add_needle(
        visit=other, data={"code": "BL40", "side": "left"}, request=request
    )
    with pytest.raises(actions.ChartingRefused):  # a row of another visit
        actions.remove_needle(visit=visit, needle_id=foreign.pk, request=request)
    with pytest.raises(actions.Invalid):
        actions.add_needle(visit=visit, data={"code": "BL99", "side": "left"}, request=request)
