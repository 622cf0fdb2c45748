"""The gate to a prescription (patients/access.py): clinical, so the owner and practitioners
see every one, a patient only their own, the front desk none (404 like a missing id); the
read is audited."""

from django.http import HttpRequest

from acuclinic.patients.access import Purpose, load

from .models import Prescription


def access_prescription(request: HttpRequest, prescription_id: object) -> Prescription:
    queryset = Prescription.objects.select_related(
        "visit", "patient", "practitioner", "issued_by", "created_by"
    )
    return load(request, queryset, prescription_id, Purpose.CLINICAL, patient_path="patient")
