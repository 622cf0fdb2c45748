"""Rows of the role matrix for the patient portal's portal pages (see matrix.py)."""

from .matrix import MISSING, Route, outcomes

# The portal is for patients: each sees their own, staff are turned away (403).
PATIENTS_ONLY = outcomes(staff=403, patients=200)
# An id that does not exist: a patient meets the 404 past the gate, staff the gate.
PATIENTS_MISSING = outcomes(staff=403, patients=404)

ROWS: dict[str, Route] = {
    "portal:home": Route(PATIENTS_ONLY),
    "portal:consent": Route(PATIENTS_ONLY),
    "portal:consent_sign": Route(
        PATIENTS_MISSING,
        method="post",
        kwargs=lambda w: {"document_id": MISSING},
        data={"typed_name": "Juniper Halloway", "agreed": "on"},
    ),
    "portal:documents": Route(PATIENTS_ONLY),
    "portal:document": Route(PATIENTS_MISSING, kwargs=lambda w: {"document_id": MISSING}),
    "portal:diary": Route(PATIENTS_ONLY),
    "portal:profile": Route(PATIENTS_ONLY),
    "portal:my_data": Route(PATIENTS_ONLY),
    "portal:my_data_json": Route(PATIENTS_ONLY),
    "portal:my_data_summary": Route(PATIENTS_ONLY),
}
