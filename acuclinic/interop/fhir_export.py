"""FHIR export (issue 8 B): the clinic's records as FHIR resources, validated by fhir.resources.

FHIR version: R4B (4.3.0). fhir.resources 8 ships R5 at its root and R4B in a subpackage; it has
no plain R4 module. R4B is R4's technical correction and the resources used here have the same
structure in both, so an R4 system reads these bundles.

Each `*_resource(instance)` function builds one resource from one model instance, reading only
the instance, its foreign-key ids and what the caller prefetched (see `_querysets`). The bundle
functions run a fixed number of queries per resource type, whatever the number of records.

Codes of our own (acupoints, TCM patterns, herbs, ...) use `urn:acuclinic:<name>` systems: a URN
names a code system without claiming a web domain we do not own (an http URL should resolve to the
code system's definition, and we publish none).

Resource ids are the database ids; entries have `urn:uuid:` fullUrls derived from (type, id) and
references point at those fullUrls, so a bundle resolves within itself.
"""

import json
import uuid
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch, Q, QuerySet
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.location import Location as FhirLocation
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from acuclinic.charting.models import Modality, NeedlePoint, Visit, VisitStatus
from acuclinic.clinic.models import Location, Practitioner
from acuclinic.herbs import materia
from acuclinic.herbs.models import Override, Prescription, PrescriptionItem
from acuclinic.outcomes.models import Score
from acuclinic.patients.models import IntakeResponse, IntakeStatus, Patient, PatientLink
from acuclinic.scheduling.models import Appointment, Status

FHIR_VERSION = "4.3.0"  # R4B
NAMESPACE = uuid.UUID("6f1d3c0e-8a54-4b8e-9d0a-5c1e2a7b9f10")  # fullUrls: uuid5(NAMESPACE, ...)
CHUNK = 500  # rows fetched at a time when streaming

LOINC = "http://loinc.org"
PAIN_LOINC = "72514-3"
PAIN_LOINC_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
ACUPUNCTURE_SNOMED = "44868003"  # Acupuncture (procedure)
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
BCP47 = "urn:ietf:bcp:47"


def system(name: str) -> str:
    """One of our code systems, e.g. system("acupoint") == "urn:acuclinic:acupoint"."""
    return f"urn:acuclinic:{name}"


def ext_url(name: str) -> str:
    return f"urn:acuclinic:extension:{name}"


ACUPOINT = system("acupoint")
MEASURE = system("measure")

# Our appointment statuses and FHIR's (both ways: the import reads this back).
APPOINTMENT_STATUS = {
    Status.HELD: "pending",
    Status.CONFIRMED: "booked",
    Status.ARRIVED: "arrived",
    Status.COMPLETED: "fulfilled",
    Status.CANCELLED: "cancelled",
    Status.NO_SHOW: "noshow",
}
GENDER = {"female": "female", "male": "male", "intersex": "other", "unknown": "unknown"}
ENCOUNTER_STATUS = {VisitStatus.DRAFT: "in-progress", VisitStatus.SIGNED: "finished"}
INTAKE_STATUS = {IntakeStatus.DRAFT: "in-progress", IntakeStatus.SUBMITTED: "completed"}


# --- small builders ------------------------------------------------------------------------


def full_url(resource_type: str, pk: int | str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{resource_type}/{pk}')}"


def ref(resource_type: str, pk: int | str | None) -> dict[str, str] | None:
    return None if pk is None else {"reference": full_url(resource_type, pk)}


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": ext_url(name), **value}


def _exts(*items: tuple[str, str, Any]) -> list[dict[str, Any]] | None:
    """Extensions from (name, value type, value), those with an empty value left out."""
    found = [_ext(name, **{kind: value}) for name, kind, value in items if value not in (None, "")]
    return found or None


def _coding(code_system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"system": code_system, "code": code, **({"display": display} if display else {})}


def _concept(code_system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(code_system, code, display)]}


def _quantity(value: Decimal | int, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _clean(data: Any) -> Any:
    """Drop None values and empty lists, so the builders can write every key."""
    if isinstance(data, dict):
        out = {k: _clean(v) for k, v in data.items() if v is not None}
        return {k: v for k, v in out.items() if v not in ([], {})}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    return data


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# --- one resource per instance -------------------------------------------------------------


def patient_resource(patient: Patient, links: Iterable[PatientLink] = ()) -> FhirPatient:
    """The patient; `links` (their PatientLink rows) become Patient.link entries."""
    address = [
        patient.address_line1,
        patient.address_line2,
        patient.city,
        patient.region,
        patient.postcode,
        patient.country,
    ]
    contact = None
    if patient.emergency_name or patient.emergency_phone:
        contact = [
            {
                "relationship": [
                    {
                        "coding": [_coding(CONTACT_ROLE, "C", "Emergency Contact")],
                        "text": patient.emergency_relationship or None,
                    }
                ],
                "name": {"text": patient.emergency_name} if patient.emergency_name else None,
                "telecom": [{"system": "phone", "value": patient.emergency_phone}]
                if patient.emergency_phone
                else None,
            }
        ]
    data = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "extension": _exts(
            ("pronouns", "valueString", patient.pronouns),
            ("heard-from", "valueCode", patient.heard_from),
            ("heard-from-other", "valueString", patient.heard_from_other),
            ("erased", "valueDateTime", _iso(patient.erased_at)),
        ),
        "active": patient.erased_at is None,
        "name": [{"text": patient.full_name}] if patient.full_name else None,
        "telecom": [
            {"system": "email", "value": patient.email} if patient.email else None,
            {"system": "phone", "value": patient.phone} if patient.phone else None,
        ],
        "gender": GENDER.get(patient.sex),
        "birthDate": _iso(patient.date_of_birth),
        "address": [
            {
                "line": [line for line in address[:2] if line] or None,
                "city": patient.city or None,
                "state": patient.region or None,
                "postalCode": patient.postcode or None,
                "country": patient.country or None,
            }
        ]
        if any(address)
        else None,
        "contact": contact,
        "communication": [
            {
                "language": _concept(BCP47, patient.preferred_language),
                "preferred": True,
            }
        ],
        "link": [
            {
                "other": ref("Patient", link.related_id),
                "type": "seealso",
                "extension": _exts(
                    ("relationship", "valueCode", link.relationship),
                    ("may-book", "valueBoolean", link.may_book),
                ),
            }
            for link in links
        ],
    }
    data["telecom"] = [t for t in data["telecom"] if t]
    return FhirPatient.model_validate(_clean(data))


def practitioner_resource(practitioner: Practitioner) -> FhirPractitioner:
    return FhirPractitioner.model_validate(
        _clean(
            {
                "resourceType": "Practitioner",
                "id": str(practitioner.pk),
                "identifier": [{"system": system("practitioner"), "value": practitioner.slug}],
                "active": practitioner.is_active,
                "name": [{"text": practitioner.name}],
                "telecom": [{"system": "email", "value": practitioner.email}]
                if practitioner.email
                else None,
                "qualification": [{"code": {"text": practitioner.credentials}}]
                if practitioner.credentials
                else None,
            }
        )
    )


def location_resource(location: Location) -> FhirLocation:
    return FhirLocation.model_validate(
        _clean(
            {
                "resourceType": "Location",
                "id": str(location.pk),
                "extension": _exts(("time-zone", "valueString", location.time_zone)),
                "identifier": [{"system": system("location"), "value": location.slug}],
                "name": location.name,
                "address": {"text": location.address} if location.address else None,
                "telecom": [{"system": "phone", "value": location.phone_display}]
                if location.phone_display
                else None,
            }
        )
    )


def appointment_resource(appointment: Appointment) -> FhirAppointment:
    """Needs `service` loaded (select_related)."""
    service = appointment.service
    return FhirAppointment.model_validate(
        _clean(
            {
                "resourceType": "Appointment",
                "id": str(appointment.pk),
                "extension": _exts(
                    ("booking-source", "valueCode", appointment.source),
                    ("service-duration", "valueInteger", service.duration_minutes),
                ),
                "status": APPOINTMENT_STATUS[appointment.status],
                "serviceType": [_concept(system("service"), service.slug, service.name)],
                "start": _iso(appointment.start),
                "end": _iso(appointment.end),
                "comment": appointment.staff_notes or None,
                "participant": [
                    {"actor": ref("Patient", appointment.patient_id), "status": "accepted"},
                    {
                        "actor": ref("Practitioner", appointment.practitioner_id),
                        "status": "accepted",
                    },
                    {"actor": ref("Location", appointment.location_id), "status": "accepted"},
                ],
            }
        )
    )


def encounter_resource(visit: Visit) -> Encounter:
    return Encounter.model_validate(
        _clean(
            {
                "resourceType": "Encounter",
                "id": str(visit.pk),
                "extension": _exts(("signed", "valueDateTime", _iso(visit.signed_at))),
                "status": ENCOUNTER_STATUS[visit.status],
                "class": _coding(ACT_CODE, "AMB", "ambulatory"),
                "subject": ref("Patient", visit.patient_id),
                "participant": [{"individual": ref("Practitioner", visit.practitioner_id)}]
                if visit.practitioner_id
                else None,
                "appointment": [ref("Appointment", visit.appointment_id)]
                if visit.appointment_id
                else None,
                "period": {"start": _iso(visit.started_at)},
                "reasonCode": [{"text": visit.chief_complaint}] if visit.chief_complaint else None,
            }
        )
    )


def condition_resource(visit: Visit) -> Condition | None:
    """The visit's assessment (ICD-10 code, biomedical diagnosis, TCM pattern); None if empty."""
    if not (visit.icd10_code or visit.pattern or visit.biomedical_diagnosis):
        return None
    codings = []
    if visit.icd10_code:
        codings.append(_coding(ICD10, visit.icd10_code))
    if visit.pattern:
        codings.append(_coding(system("tcm-pattern"), visit.pattern, visit.get_pattern_display()))
    return Condition.model_validate(
        _clean(
            {
                "resourceType": "Condition",
                "id": str(visit.pk),
                "category": [
                    _concept(
                        "http://terminology.hl7.org/CodeSystem/condition-category",
                        "encounter-diagnosis",
                    )
                ],
                "code": {"coding": codings, "text": visit.biomedical_diagnosis or None},
                "subject": ref("Patient", visit.patient_id),
                "encounter": ref("Encounter", visit.pk),
                "recordedDate": _iso(visit.started_at),
                "note": [{"text": visit.pattern_notes}] if visit.pattern_notes else None,
            }
        )
    )


def _needle_site(needle: NeedlePoint) -> dict[str, Any]:
    return {
        "coding": [_coding(ACUPOINT, needle.code)],
        "text": f"{needle.code} ({needle.side})",
        "extension": _exts(
            ("side", "valueCode", needle.side),
            ("depth-mm", "valueInteger", needle.depth_mm),
            ("retention-min", "valueInteger", needle.retention_min),
            ("technique", "valueCode", needle.technique),
            ("de-qi", "valueBoolean", needle.de_qi),
            ("electro-hz", "valueInteger", needle.electro_hz),
            ("electro-min", "valueInteger", needle.electro_min),
            ("moxa-on-needle", "valueBoolean", needle.moxa_on_needle),
        ),
    }


def procedure_resources(visit: Visit) -> list[Procedure]:
    """Acupuncture (the points as body sites) and one Procedure per other modality row.
    Needs `needles` and `modalities` prefetched."""
    status = "completed" if visit.is_signed else "in-progress"
    common = {
        "status": status,
        "subject": ref("Patient", visit.patient_id),
        "encounter": ref("Encounter", visit.pk),
        "performedDateTime": _iso(visit.started_at),
        "performer": [{"actor": ref("Practitioner", visit.practitioner_id)}]
        if visit.practitioner_id
        else None,
    }
    found = []
    needles = list(visit.needles.all())
    if needles or visit.treatment_notes:
        found.append(
            {
                "resourceType": "Procedure",
                "id": f"{visit.pk}-acupuncture",
                **common,
                "code": {
                    "coding": [_coding(SNOMED, ACUPUNCTURE_SNOMED, "Acupuncture")],
                    "text": "Acupuncture",
                },
                "bodySite": [_needle_site(n) for n in needles],
                "note": [{"text": visit.treatment_notes}] if visit.treatment_notes else None,
            }
        )
    for row in visit.modalities.all():
        row: Modality
        site = None
        if row.area or row.area_text or row.point_code:
            codings = []
            if row.area:
                codings.append(_coding(system("body-region"), row.area))
            if row.point_code:
                codings.append(_coding(ACUPOINT, row.point_code))
            site = [{"coding": codings, "text": row.area_text or None}]
        found.append(
            {
                "resourceType": "Procedure",
                "id": f"{visit.pk}-modality-{row.pk}",
                **common,
                "extension": _exts(
                    ("method", "valueCode", row.method),
                    ("minutes", "valueInteger", row.minutes),
                    ("cups", "valueInteger", row.cups),
                    ("sha-colour", "valueCode", row.sha_colour),
                ),
                "code": _concept(system("modality"), row.kind, row.get_kind_display()),
                "bodySite": site,
                "note": [{"text": row.notes}] if row.notes else None,
            }
        )
    return [Procedure.model_validate(_clean(p)) for p in found]


def observation_resource(score: Score) -> Observation:
    codings = [_coding(MEASURE, score.measure)]
    if score.measure == "nprs":
        codings.insert(0, _coding(LOINC, PAIN_LOINC, PAIN_LOINC_DISPLAY))
    return Observation.model_validate(
        _clean(
            {
                "resourceType": "Observation",
                "id": str(score.pk),
                "extension": _exts(
                    ("score-item", "valueCode", score.item),
                    ("score-source", "valueCode", score.source),
                    ("appointment", "valueReference", ref("Appointment", score.appointment_id)),
                ),
                "status": "final",
                "category": [
                    _concept("http://terminology.hl7.org/CodeSystem/observation-category", "survey")
                ],
                "code": {"coding": codings},
                "subject": ref("Patient", score.patient_id),
                "effectiveDateTime": _iso(score.observed_at),
                "valueQuantity": {
                    "value": score.value,
                    "unit": "{score}",
                    "system": UCUM,
                    "code": "{score}",
                },
                "note": [{"text": score.note}] if score.note else None,
            }
        )
    )


def _answers(value: Any) -> tuple[list[dict[str, Any]], bool]:
    """QuestionnaireResponse answers for a stored answer, and whether it is JSON text: a list
    of plain values is several answers; a structured answer (body map, list of rows) is kept
    whole as JSON text, marked by the `json` extension."""
    plain = (bool, int, float, str)

    def simple(v: Any) -> bool:  # FHIR strings are never empty
        return isinstance(v, plain) and v != ""

    if simple(value):
        return [_answer_value(value)], False
    if isinstance(value, list) and value and all(simple(v) for v in value):
        return [_answer_value(v) for v in value], False
    return [{"valueString": json.dumps(value, sort_keys=True)}], True


def _answer_value(value: bool | int | float | str) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": value}


def questionnaire_response_resource(intake: IntakeResponse) -> QuestionnaireResponse:
    """The answers with their questionnaire key and version (the canonical's `|version`)."""
    items = []
    for key, value in (intake.answers or {}).items():
        answers, is_json = _answers(value)
        items.append(
            {
                "linkId": key,
                "extension": [_ext("json", valueBoolean=True)] if is_json else None,
                "answer": answers,
            }
        )
    return QuestionnaireResponse.model_validate(
        _clean(
            {
                "resourceType": "QuestionnaireResponse",
                "id": str(intake.pk),
                "extension": _exts(
                    ("started", "valueDateTime", _iso(intake.started_at)),
                    ("appointment", "valueReference", ref("Appointment", intake.appointment_id)),
                ),
                "questionnaire": f"{system('questionnaire')}:{intake.questionnaire}"
                f"|{intake.version}",
                "status": INTAKE_STATUS[intake.status],
                "subject": ref("Patient", intake.patient_id),
                "authored": _iso(intake.submitted_at),
                "item": items,
            }
        )
    )


def _ingredient(item: PrescriptionItem) -> dict[str, Any]:
    herb = materia.get(item.herb)
    return {
        "extension": _exts(("preparation", "valueCode", item.preparation)),
        "itemCodeableConcept": _concept(system("herb"), item.herb, herb.pinyin if herb else None),
        "isActive": True,
        "strength": {"numerator": _quantity(item.grams, "g"), "denominator": _quantity(1, "d")},
    }


def medication_request_resource(rx: Prescription) -> MedicationRequest:
    """The formula as a contained Medication with its herbs and grams a day. Needs `items`
    prefetched."""
    formula = rx.formula
    medication = {
        "resourceType": "Medication",
        "id": "formula",
        "code": {
            "coding": [_coding(system("formula"), rx.formula_code)] if rx.formula_code else None,
            "text": formula.pinyin if formula is not None else "Herbal formula",
        },
        "form": _concept(system("herb-form"), rx.form, rx.get_form_display()),
        "ingredient": [_ingredient(item) for item in rx.items.all()],
    }
    return MedicationRequest.model_validate(
        _clean(
            {
                "resourceType": "MedicationRequest",
                "id": str(rx.pk),
                "contained": [medication],
                "extension": _exts(
                    ("granule-ratio", "valueDecimal", rx.granule_ratio),
                    ("decoct-minutes", "valueInteger", rx.decoct_minutes),
                    ("started-from", "valueCode", rx.started_from),
                    ("issued", "valueDateTime", _iso(rx.issued_at)),
                    ("previous", "valueReference", ref("MedicationRequest", rx.previous_id)),
                ),
                "status": "active" if rx.is_issued else "draft",
                "intent": "order",
                "medicationReference": {"reference": "#formula"},
                "subject": ref("Patient", rx.patient_id),
                "encounter": ref("Encounter", rx.visit_id),
                "authoredOn": _iso(rx.created_at),
                "requester": ref("Practitioner", rx.practitioner_id),
                "note": [{"text": rx.instructions}] if rx.instructions else None,
                "dosageInstruction": [
                    {
                        "timing": {
                            "repeat": {
                                "frequency": rx.doses_per_day,
                                "period": 1,
                                "periodUnit": "d",
                            }
                        },
                        "additionalInstruction": [
                            _concept(system("herb-timing"), rx.timing, rx.get_timing_display())
                        ],
                    }
                ],
                "dispenseRequest": {"expectedSupplyDuration": _quantity(rx.days, "d")},
            }
        )
    )


def detected_issue_resource(override: Override, patient_id: int) -> DetectedIssue:
    """An overridden safety warning: the rule, the prescription, and the reason given."""
    return DetectedIssue.model_validate(
        _clean(
            {
                "resourceType": "DetectedIssue",
                "id": str(override.pk),
                "status": "final",
                "code": _concept(system("herb-safety-rule"), override.rule_id),
                "patient": ref("Patient", patient_id),
                "identifiedDateTime": _iso(override.at),
                "implicated": [ref("MedicationRequest", override.prescription_id)],
                "mitigation": [
                    {
                        "action": {
                            "coding": [_coding(system("mitigation"), "override", "Overridden")],
                            "text": override.reason,
                        },
                        "date": _iso(override.at),
                    }
                ],
            }
        )
    )


# --- bundles -------------------------------------------------------------------------------


def _querysets(patient: Patient | None) -> dict[str, QuerySet[Any]]:
    """One queryset per resource type (plus its prefetches), for one patient or the clinic."""
    mine = Q() if patient is None else Q(patient=patient)
    items = PrescriptionItem.objects.order_by("order", "pk")
    practitioners = Practitioner.objects.all()
    locations = Location.objects.all()
    patients = Patient.objects.all()
    if patient is not None:
        # Everyone the patient's records refer to (subqueries: no join fan-out, no DISTINCT).
        practitioners = practitioners.filter(
            Q(pk__in=Appointment.objects.filter(patient=patient).values("practitioner_id"))
            | Q(pk__in=Visit.objects.filter(patient=patient).values("practitioner_id"))
            | Q(pk__in=Prescription.objects.filter(patient=patient).values("practitioner_id"))
        )
        locations = locations.filter(
            pk__in=Appointment.objects.filter(patient=patient).values("location_id")
        )
        patients = patients.filter(pk=patient.pk)
        links = PatientLink.objects.none()  # the related person is not in this bundle
    else:
        links = PatientLink.objects.order_by("pk")
    return {
        "Location": locations.order_by("pk"),
        "Practitioner": practitioners.order_by("pk"),
        "Patient": patients.order_by("pk").prefetch_related(Prefetch("links", queryset=links)),
        "Appointment": Appointment.objects.filter(mine).select_related("service").order_by("pk"),
        "Encounter": Visit.objects.filter(mine)
        .prefetch_related(
            Prefetch("needles", queryset=NeedlePoint.objects.order_by("order", "pk")),
            Prefetch("modalities", queryset=Modality.objects.order_by("order", "pk")),
        )
        .order_by("pk"),
        "Observation": Score.objects.filter(mine).order_by("pk"),
        "QuestionnaireResponse": IntakeResponse.objects.filter(mine).order_by("pk"),
        "MedicationRequest": Prescription.objects.filter(mine)
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("pk"),
        "DetectedIssue": Override.objects.filter(
            Q() if patient is None else Q(prescription__patient=patient)
        )
        .select_related("prescription")
        .only("pk", "rule_id", "reason", "at", "prescription_id", "prescription__patient_id")
        .order_by("pk"),
    }


def _rows(queryset: QuerySet[Any], stream: bool) -> Iterable[Any]:
    return queryset.iterator(chunk_size=CHUNK) if stream else queryset


def iter_resources(patient: Patient | None = None, *, stream: bool = False) -> Iterator[Resource]:
    """Every resource of one patient (or of the clinic), in a fixed order: Location,
    Practitioner, Patient, Appointment, Encounter, Condition, Procedure, Observation,
    QuestionnaireResponse, MedicationRequest, DetectedIssue. `stream` reads rows in chunks
    instead of all at once."""
    qs = _querysets(patient)
    for row in _rows(qs["Location"], stream):
        yield location_resource(row)
    for row in _rows(qs["Practitioner"], stream):
        yield practitioner_resource(row)
    for row in _rows(qs["Patient"], stream):
        yield patient_resource(row, row.links.all())
    for row in _rows(qs["Appointment"], stream):
        yield appointment_resource(row)
    # Encounters, their conditions and procedures come from the same visit rows.
    for row in _rows(qs["Encounter"], stream):
        yield encounter_resource(row)
        if (condition := condition_resource(row)) is not None:
            yield condition
        yield from procedure_resources(row)
    for row in _rows(qs["Observation"], stream):
        yield observation_resource(row)
    for row in _rows(qs["QuestionnaireResponse"], stream):
        yield questionnaire_response_resource(row)
    for row in _rows(qs["MedicationRequest"], stream):
        yield medication_request_resource(row)
    for row in _rows(qs["DetectedIssue"], stream):
        yield detected_issue_resource(row, row.prescription.patient_id)


def entry(resource: Resource) -> dict[str, Any]:
    return {
        "fullUrl": full_url(resource.get_resource_type(), resource.id),
        "resource": resource,
    }


def _bundle(resources: Iterable[Resource]) -> Bundle:
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "meta": {"tag": [_coding(system("fhir-version"), FHIR_VERSION)]},
            "entry": [entry(r) for r in resources],
        }
    )


def export_patient_bundle(patient: Patient) -> Bundle:
    """One patient's record: them, the practitioners and locations they met, and everything
    that refers to them."""
    return _bundle(iter_resources(patient))


def export_clinic_bundle() -> Bundle:
    """The whole clinic in one Bundle, in memory: fine for a small clinic. For a large one use
    `write_clinic(stream)`, which never holds more than a chunk of rows."""
    return _bundle(iter_resources())


def write_bundle(out: IO[str], patient: Patient | None = None, *, ndjson: bool = False) -> int:
    """Write the Bundle JSON (or NDJSON, one resource a line) to `out`, resource by resource;
    returns the number of resources. The rows are read in chunks of CHUNK."""
    count = 0
    if not ndjson:
        out.write('{"resourceType":"Bundle","type":"collection","meta":{"tag":[')
        out.write(json.dumps(_coding(system("fhir-version"), FHIR_VERSION)))
        out.write(']},"entry":[')
    for resource in iter_resources(patient, stream=True):
        body = resource.model_dump_json()
        if ndjson:
            out.write(body + "\n")
        else:
            url = full_url(resource.get_resource_type(), resource.id)
            out.write(("," if count else "") + f'{{"fullUrl":{json.dumps(url)},"resource":{body}}}')
        count += 1
    if not ndjson:
        out.write("]}")
    return count
