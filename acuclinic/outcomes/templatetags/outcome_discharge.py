"""The "Discharge from care" panel of a patient's trajectory page: `{% discharge_panel patient %}`.

A tag, so the page's own view (views.patient_trajectory) needs nothing added: the panel reads
the discharge that applies (two or three queries) and shows it with its undo button, or the form to
record one. After a refused POST, discharge_views.py renders the page with the bound form
(`discharge_form`) or the undo's error (`discharge_undo_error`) in the context, and the
panel shows those instead. The page's read is audited by the view that loaded the patient.
"""

from typing import Any

from django import template

from acuclinic.outcomes.discharge_views import UNDO, DischargeForm
from acuclinic.outcomes.models import Discharge, attended_days
from acuclinic.outcomes.schedule import FOLLOW_UP_MONTHS, add_months

register = template.Library()


@register.inclusion_tag("outcomes/_discharge.html", takes_context=True)
def discharge_panel(context: template.Context, patient: Any) -> dict[str, Any]:
    current = Discharge.objects.current_for(patient.pk)
    form = context.get("discharge_form")
    if current is None and form is None:
        form = DischargeForm(visits=attended_days(patient.pk))
    follow_ups = (
        [add_months(current.discharged_on, months) for months in FOLLOW_UP_MONTHS]
        if current
        else []
    )
    return {
        "patient": patient,
        "current": current,
        "follow_ups": follow_ups,
        "form": form,
        "undo": UNDO,
        "undo_error": context.get("discharge_undo_error", ""),
        "csrf_token": context.get("csrf_token"),
    }
