"""The one gate to a visit (STYLE.md: access functions): patients/access.py's `load` with the
visit's queryset, CLINICAL purpose. The front desk, another patient and a guessed id all get
404; every read is audited there."""

from django.http import HttpRequest

from acuclinic.patients.access import Purpose, load

from .models import Aftercare, Visit


def access_visit(request: HttpRequest, visit_id: object) -> Visit:
    queryset = Visit.objects.select_related(
        "patient",
        "practitioner",
        "appointment",
        "signed_by",
        "protocol",
        "pain_before",
        "pain_after",
    )
    return load(request, queryset, visit_id, Purpose.CLINICAL, patient_path="patient")


def access_aftercare(request: HttpRequest, aftercare_id: object) -> Aftercare:
    """One visit's aftercare notes: the patient's own (the portal), or a clinician's."""
    queryset = Aftercare.objects.select_related("visit", "visit__practitioner")
    return load(request, queryset, aftercare_id, Purpose.CLINICAL, patient_path="visit__patient")
