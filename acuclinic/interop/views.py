"""The desk's download of one patient's record as a FHIR Bundle (owner and practitioners)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acuclinic.clinic import audit
from acuclinic.desk.access import staff_role_required
from acuclinic.patients.access import Purpose, access_patient

from .fhir_export import export_patient_bundle


@require_GET
@never_cache
@staff_role_required
def patient_bundle(request: HttpRequest, patient_id: int) -> HttpResponse:
    # CLINICAL: owner and practitioners; the front desk gets the same 404 as a missing id.
    patient = access_patient(request, patient_id, Purpose.CLINICAL)
    bundle = export_patient_bundle(patient)
    audit.record(
        action=audit.Action.EXPORT,
        record_type=patient,
        record_id=patient.pk,
        patient_id=patient.pk,
        request=request,
        detail={"format": "fhir", "count": len(bundle.entry or ())},
    )
    response = HttpResponse(bundle.model_dump_json(), content_type="application/fhir+json")
    # The id only: no name in a file name that ends up in download folders and logs.
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}.fhir.json"'
    return response
