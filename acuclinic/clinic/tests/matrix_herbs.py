"""Rows of the role matrix for the herbal prescription pages under /desk/herbs/ and the
patient's page under /portal/herbs/ (see matrix.py).

Prescriptions are clinical (decision 4): owner and practitioners 200; the front desk 404 on a
record page (access_visit / access_prescription, exactly like a missing id) and 403 on the herb
search, which reads no patient; the stock list holds no patient data, so every staff role
opens it. Patients 403 everywhere on the desk. Actions use an id that does not exist, so
nothing changes. In the portal, each patient sees their own (200), staff 403."""

from pathlib import Path
from typing import Any

from .matrix import MISSING, Route, World, outcomes
from .matrix_charting import visit_id

RECORD = outcomes(front_desk=404)
CHANGE = outcomes(staff=404)


def prescription_id(world: World) -> dict[str, Any]:
    from acuclinic.charting.models import Visit
    from acuclinic.herbs.models import Prescription

    visit = Visit.objects.get(pk=visit_id(world)["visit_id"])
    prescription, _created = Prescription.objects.get_or_create(
        visit=visit,
        defaults={"patient": visit.patient, "created_by": world.personas.practitioner},
    )
    prescription.items.get_or_create(herb="du-huo", defaults={"grams": 9, "order": 1})
    return {"prescription_id": prescription.pk}


def missing_prescription(world: World) -> dict[str, Any]:
    return {"prescription_id": MISSING}


def missing_item(world: World) -> dict[str, Any]:
    return {"prescription_id": MISSING, "item_id": MISSING}


DESK_ROWS: dict[str, Route] = {
    "herbs:visit": Route(RECORD, kwargs=visit_id),
    "herbs:start": Route(CHANGE, method="post", kwargs=lambda w: {"visit_id": MISSING}),
    "herbs:search": Route(outcomes(front_desk=403), query="q=duhuo"),
    "herbs:stock": Route(outcomes()),
    "herbs:prescription": Route(RECORD, kwargs=prescription_id),
    "herbs:pdf": Route(RECORD, kwargs=prescription_id),
    "herbs:label": Route(CHANGE, kwargs=missing_prescription),
    "herbs:add_item": Route(CHANGE, method="post", kwargs=missing_prescription),
    "herbs:change_item": Route(CHANGE, method="post", kwargs=missing_item),
    "herbs:remove_item": Route(CHANGE, method="post", kwargs=missing_item),
    "herbs:details": Route(CHANGE, method="post", kwargs=missing_prescription),
    "herbs:override": Route(CHANGE, method="post", kwargs=missing_prescription),
    "herbs:issue": Route(CHANGE, method="post", kwargs=missing_prescription),
    "herbs:dispense": Route(CHANGE, method="post", kwargs=missing_prescription),
}

PORTAL_ROWS: dict[str, Route] = {
    "portal:herbs_prescription": Route(outcomes(staff=403, patients=200)),
}

# The portal's urls.py (the portal helper's file) mounts /portal/herbs/ with
# `path("herbs/", include("acuclinic.herbs.portal_urls"))`. Until that line is there, the
# portal row has no route; once it is, the row is required. (Read as text: importing the URL
# configuration at collection would fix settings too early, see test_role_matrix.py.)
_PORTAL_URLS = Path(__file__).resolve().parents[2] / "patients" / "portal" / "urls.py"
PORTAL_MOUNTED = "acuclinic.herbs.portal_urls" in _PORTAL_URLS.read_text(encoding="utf-8")

ROWS: dict[str, Route] = {**DESK_ROWS, **(PORTAL_ROWS if PORTAL_MOUNTED else {})}
