"""Rows of the role matrix for the patient portal's portal pages (see matrix.py)."""

from .matrix import Route, outcomes

# The portal is for patients: each sees their own, staff are turned away (403).
PATIENTS_ONLY = outcomes(staff=403, patients=200)

ROWS: dict[str, Route] = {
    "portal:home": Route(PATIENTS_ONLY),
}
