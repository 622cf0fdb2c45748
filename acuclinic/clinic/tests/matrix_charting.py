"""Rows of the role matrix for charting's pages under /desk/visits/ (see matrix.py).

Visits are clinical (decision 4): owner and practitioners 200; the front desk 404 on a record
page (access_visit / access_patient, exactly like a missing id) and 403 on pages that read no
patient (protocols, the point search, starting from the calendar); patients 403 everywhere.
Actions use a visit id that does not exist, so nothing changes.

The patient's aftercare notes under /portal/aftercare/: each patient opens their own list
(200), one visit's notes only their own (patient A 200, patient B 404 like a missing id), staff
403 (not their portal)."""

from pathlib import Path
from typing import Any

from .matrix import MISSING, Route, World, appointment_id, outcomes

# Record pages: the gate lets every staff role through, then the access function says 404.
RECORD = outcomes(front_desk=404)
# Changes to a visit that does not exist: staff past the gate meet the 404.
CHANGE = outcomes(staff=404)


def visit_id(world: World) -> dict[str, Any]:
    from acuclinic.charting.models import Visit

    visit, _created = Visit.objects.get_or_create(
        appointment=world.appointment,
        defaults={
            "patient": world.appointment.patient,
            "practitioner": world.appointment.practitioner,
            "created_by": world.personas.practitioner,
            "started_at": world.appointment.start,
        },
    )
    return {"visit_id": visit.pk}


def patient_id(world: World) -> dict[str, Any]:
    return {"patient_id": world.personas.record_a.pk}


def missing_visit(world: World) -> dict[str, Any]:
    return {"visit_id": MISSING}


ROWS: dict[str, Route] = {
    # Starting from the calendar's appointment reads the appointment as clinical: 404 for the
    # front desk like a record page.
    "charting:start": Route(RECORD, kwargs=appointment_id),
    "charting:walk_in": Route(RECORD, kwargs=patient_id),
    "charting:patient_visits": Route(RECORD, kwargs=patient_id),
    "charting:visit": Route(RECORD, kwargs=visit_id),
    "charting:summary_pdf": Route(RECORD, kwargs=visit_id),
    "charting:point_search": Route(outcomes(front_desk=403), query="q=bl23"),
    "charting:save_note": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:add_point": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:remove_point": Route(
        CHANGE, method="post", kwargs=lambda w: {"visit_id": MISSING, "needle_id": MISSING}
    ),
    "charting:add_modality": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:remove_modality": Route(
        CHANGE, method="post", kwargs=lambda w: {"visit_id": MISSING, "modality_id": MISSING}
    ),
    "charting:record_pain": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:acknowledge": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:sign": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:amend": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:add_adverse_event": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:follow_up_adverse_event": Route(
        CHANGE, method="post", kwargs=lambda w: {"visit_id": MISSING, "event_id": MISSING}
    ),
    "charting:save_aftercare": Route(CHANGE, method="post", kwargs=missing_visit),
    "charting:protocols": Route(outcomes(front_desk=403)),
    "charting:protocol_new": Route(outcomes(front_desk=403)),
    "charting:protocol_edit": Route(
        outcomes(staff=404, front_desk=403), kwargs=lambda w: {"protocol_id": MISSING}
    ),
}


def aftercare_id(world: World) -> dict[str, Any]:
    """Patient A's aftercare notes for the world's visit."""
    from acuclinic.charting.models import Aftercare

    note, _created = Aftercare.objects.get_or_create(
        visit_id=visit_id(world)["visit_id"],
        defaults={"text": "Keep warm.", "updated_by": world.personas.practitioner},
    )
    return {"aftercare_id": note.pk}


PORTAL_ROWS: dict[str, Route] = {
    "portal:aftercare": Route(outcomes(staff=403, patients=200)),
    "portal:aftercare_detail": Route(
        {**outcomes(staff=403, patients=200), "patient_b": 404}, kwargs=aftercare_id
    ),
}

# The portal's urls.py (the portal helper's file) mounts /portal/aftercare/ with
# `path("aftercare/", include("acuclinic.charting.portal_urls"))`. Until that line is there the
# portal rows have no route; once it is, they are required (read as text, like matrix_herbs).
_PORTAL_URLS = Path(__file__).resolve().parents[2] / "patients" / "portal" / "urls.py"
PORTAL_MOUNTED = "acuclinic.charting.portal_urls" in _PORTAL_URLS.read_text(encoding="utf-8")
if PORTAL_MOUNTED:
    ROWS.update(PORTAL_ROWS)
