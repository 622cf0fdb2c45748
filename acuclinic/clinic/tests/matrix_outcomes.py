"""Rows of the role matrix for the outcome pages under /desk/outcomes/ (see matrix.py).

Outcomes are clinical: the owner and practitioners only; the front desk and patients 403
(a patient's own trajectory included: the portal will show it, not the desk)."""

from .matrix import Route, outcomes

CLINICAL = outcomes(front_desk=403)

ROWS: dict[str, Route] = {
    "outcomes:report": Route(CLINICAL),
    "outcomes:export": Route(CLINICAL, query="start=2026-01-01&end=2026-12-31"),
    "outcomes:report_pdf": Route(CLINICAL, query="start=2026-01-01&end=2026-12-31"),
    "outcomes:patient": Route(CLINICAL, kwargs=lambda w: {"patient_id": w.personas.record_a.pk}),
}
