"""Rows of the role matrix for the patient portal's intake pages (see matrix.py).

The portal is for patients: staff are turned away (403), whoever they are. Each intake page
is opened with patient A's intake: A gets it, patient B meets the 404 of a record that is not
theirs. The save is posted empty (a draft save that changes nothing)."""

from typing import Any

from acuclinic.patients import intake
from acuclinic.patients.tests.intake_answers import complete_answers

from .matrix import Route, World, outcomes

# A's own: 200 (or the redirect a page answers with), B: 404, staff: 403.
OWN_ONLY = outcomes(staff=403, patients=200) | {"patient_b": 404}


def draft_of_a(world: World) -> dict[str, Any]:
    return {"intake_id": intake.open_draft(world.personas.record_a).pk}


def sent_by_a(world: World) -> dict[str, Any]:
    record = intake.latest(world.personas.record_a)
    if record is None or record.status == "draft":
        record = intake.open_draft(world.personas.record_a)
        intake.save(record, complete_answers(), submit=True)
    return {"intake_id": record.pk}


ROWS: dict[str, Route] = {
    "portal:intake": Route(outcomes(staff=403, patients=200)),
    "portal:intake_save": Route(OWN_ONLY | {"patient_a": 302}, method="post", kwargs=draft_of_a),
    "portal:intake_answers": Route(OWN_ONLY, kwargs=sent_by_a),
    "portal:intake_done": Route(OWN_ONLY, kwargs=sent_by_a),
}
