"""Rows of the role matrix for recording a discharge (outcomes:discharge, see matrix.py).

A POST that changes a clinical record: the owner and practitioners only. The row uses a
patient id that does not exist, so clinical staff meet the 404 that proves they passed the
gate and nothing changed; the front desk and patients get 403 before any lookup."""

from .matrix import MISSING, Route, outcomes

ROWS: dict[str, Route] = {
    "outcomes:discharge": Route(
        outcomes(staff=404, front_desk=403),
        method="post",
        kwargs=lambda w: {"patient_id": MISSING},
    ),
}
