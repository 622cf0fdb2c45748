"""Rows of the role matrix for the outcome questionnaires in the portal (/portal/questionnaires/,
acuclinic/outcomes/portal_urls.py; see matrix.py).

Patients only, each their own (the record comes from the account, never the address): the list
opens for both patients; a questionnaire that is not due for the patient (the matrix world has
no attended visit) is a 404 past the gate, for staff the gate's 403."""

from .matrix import Route, outcomes

ROWS: dict[str, Route] = {
    "outcome_portal:list": Route(outcomes(staff=403, patients=200)),
    "outcome_portal:answer": Route(
        outcomes(staff=403, patients=404), kwargs=lambda w: {"code": "b"}
    ),
    # /portal/progress/: each patient's own trajectory (none yet in the matrix world: 200).
    "outcome_progress:progress": Route(outcomes(staff=403, patients=200)),
}
