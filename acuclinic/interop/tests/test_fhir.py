"""FHIR export and import: every resource validates, the codes are the right ones, the export
runs a fixed number of queries, and a clinic exported, emptied and imported exports the same."""

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from acuclinic.clinic.audit import AuditEntry
from acuclinic.clinic.models import Practitioner
from acuclinic.interop import fhir_export as fx
from acuclinic.interop.compare import normalized
from acuclinic.interop.fhir_import import ImportRefused, import_bundle
from acuclinic.patients.models import Patient, PatientLink

from .records import make_patient, make_record

TYPES = {
    "Location",
    "Practitioner",
    "Patient",
    "Appointment",
    "Encounter",
    "Condition",
    "Procedure",
    "Observation",
    "QuestionnaireResponse",
    "MedicationRequest",
    "DetectedIssue",
}


def _resources(bundle: Bundle, kind: str) -> list[Any]:
    return [e.resource for e in bundle.entry if e.resource.get_resource_type() == kind]


def _references(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in _references(v)]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


@pytest.fixture
def record(personas: Any) -> Patient:
    patient = make_patient()
    make_record(patient, personas.practitioner_record, personas.practitioner)
    return patient


def test_every_resource_of_a_patient_validates(record: Patient) -> None:
    bundle = fx.export_patient_bundle(record)
    kinds = Counter(e.resource.get_resource_type() for e in bundle.entry)
    assert set(kinds) == TYPES
    assert kinds["Patient"] == 1 and kinds["Appointment"] == 3 and kinds["Encounter"] == 2
    assert kinds["Procedure"] == 3  # acupuncture and two modalities
    text = bundle.model_dump_json()
    assert Bundle.model_validate_json(text) == bundle
    for item in bundle.entry:
        resource = item.resource
        assert type(resource).model_validate_json(resource.model_dump_json()) == resource
        assert item.fullUrl == fx.full_url(resource.get_resource_type(), resource.id)
    # Every reference resolves inside the bundle (or to the contained formula).
    urls = {e.fullUrl for e in bundle.entry}
    references = _references(json.loads(text))
    assert references and set(references) <= urls | {"#formula"}


def test_pain_scores_carry_the_loinc_code(record: Patient) -> None:
    bundle = fx.export_patient_bundle(record)
    pain = [o for o in _resources(bundle, "Observation") if o.code.coding[0].system == fx.LOINC]
    assert len(pain) == 2
    for obs in pain:
        assert obs.code.coding[0].code == "72514-3"
        assert obs.code.coding[0].display == fx.PAIN_LOINC_DISPLAY
        assert obs.valueQuantity.value is not None
    function = [o for o in _resources(bundle, "Observation") if o not in pain]
    assert [c.system for c in function[0].code.coding] == [fx.MEASURE]  # no LOINC on the ODI


def test_points_ingredients_and_overrides(record: Patient) -> None:
    bundle = fx.export_patient_bundle(record)
    acupuncture = next(
        p for p in _resources(bundle, "Procedure") if p.code.coding[0].code == fx.ACUPUNCTURE_SNOMED
    )
    assert [(s.coding[0].system, s.coding[0].code) for s in acupuncture.bodySite] == [
        ("urn:acuclinic:acupoint", "BL23"),
        ("urn:acuclinic:acupoint", "GV4"),
    ]
    [rx] = _resources(bundle, "MedicationRequest")
    [formula] = rx.contained
    assert [
        (
            i.itemCodeableConcept.coding[0].code,
            str(i.strength.numerator.value),
            i.strength.numerator.code,
            i.strength.denominator.code,
        )
        for i in formula.ingredient
    ] == [("gui-zhi", "9.00", "g", "d"), ("sheng-jiang", "6.50", "g", "d")]
    assert rx.medicationReference.reference == "#formula"
    [issue] = _resources(bundle, "DetectedIssue")
    assert issue.mitigation[0].action.text == "Not pregnant, confirmed today"
    assert issue.implicated[0].reference == fx.full_url("MedicationRequest", rx.id)
    [submitted, _draft] = _resources(bundle, "QuestionnaireResponse")
    assert submitted.questionnaire == "urn:acuclinic:questionnaire:back_pain_intake|1"
    [condition] = _resources(bundle, "Condition")
    assert condition.code.coding[0].code == "M54.50"


def _count_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        fx.export_clinic_bundle()
    return len(queries.captured_queries)


def test_the_export_runs_a_fixed_number_of_queries(record: Patient, personas: Any) -> None:
    before = _count_queries()
    for n in range(3):
        make_record(
            make_patient(f"Other {n}"),
            personas.practitioner_record,
            personas.practitioner,
            days=500 + 40 * n,
        )
    assert _count_queries() == before
    with CaptureQueriesContext(connection) as queries:
        fx.write_bundle(io.StringIO(), record)
    assert len(queries.captured_queries) <= before


def test_import_refuses_a_clinic_with_patients(record: Patient, personas: Any) -> None:
    text = fx.export_patient_bundle(record).model_dump_json()
    before = Patient.objects.count()
    with pytest.raises(ImportRefused, match="already has patients"):
        import_bundle(text, actor=personas.owner)
    assert Patient.objects.count() == before


def test_commands_write_valid_files_and_are_audited(
    record: Patient, personas: Any, tmp_path: Path
) -> None:
    out = tmp_path / "one.json"
    call_command(
        "fhir_export",
        patient=record.pk,
        output=str(out),
        user=personas.owner.get_username(),
        stderr=io.StringIO(),
    )
    bundle = Bundle.model_validate_json(out.read_text())
    assert normalized(bundle.model_dump_json()) == normalized(
        fx.export_patient_bundle(record).model_dump_json()
    )
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.patient_id, entry.detail["format"]) == ("export", record.pk, "fhir")
    assert (entry.actor, entry.role) == (personas.owner, "owner")
    assert entry.detail["count"] == len(bundle.entry)
    whole = tmp_path / "all.ndjson"
    call_command("fhir_export", output=str(whole), ndjson=True, stderr=io.StringIO())
    lines = whole.read_text().splitlines()
    assert len(lines) > len(bundle.entry)
    assert {json.loads(line)["resourceType"] for line in lines} == TYPES
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.record_type, entry.patient_id) == ("export", "clinic.clinic", None)
    with pytest.raises(CommandError, match="No patient"):
        call_command("fhir_export", patient=10**12)


# --- the round trip and refusals, with transactions: the target clinic must be empty --------


def _flush() -> None:
    call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_round_trip_gives_back_the_same_records(demo: None) -> None:
    user = get_user_model().objects.create_user("clinician", password="x")
    practitioner = Practitioner.objects.order_by("pk").first()
    first, second = make_patient(), make_patient("Jo Ashby", sex="", pronouns="", email="")
    make_record(first, practitioner, user)
    make_record(second, practitioner, user, days=460)
    PatientLink.objects.create(patient=second, related=first, relationship="parent", may_book=True)
    streamed = io.StringIO()
    fx.write_bundle(streamed)
    source = streamed.getvalue()
    assert normalized(source) == normalized(fx.export_clinic_bundle().model_dump_json())
    assert len(json.loads(source)["entry"]) > 200  # the demo clinic and the two records

    _flush()
    importer = get_user_model().objects.create_superuser("importer", password="x")
    counts = import_bundle(source, actor=importer)
    assert set(counts) == TYPES
    target = fx.export_clinic_bundle().model_dump_json()
    a, b = normalized(source), normalized(target)
    for left, right in zip(a["entry"], b["entry"], strict=True):
        assert left == right
    assert a == b
    assert PatientLink.objects.get().may_book is True


def _bundle_of(*resources: dict[str, Any]) -> str:
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": fx.full_url(r["resourceType"], r["id"]), "resource": r}
                for r in resources
            ],
        }
    )


PATIENT = {"resourceType": "Patient", "id": "1", "name": [{"text": "Ana Test"}]}


@pytest.mark.django_db(transaction=True)
def test_malformed_bundles_are_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    _flush()
    user = get_user_model().objects.create_superuser("importer", password="x")
    dangling = {
        "resourceType": "Observation",
        "id": "9",
        "status": "final",
        "code": {"coding": [{"system": fx.MEASURE, "code": "nprs"}]},
        "subject": {"reference": fx.full_url("Patient", "404")},
        "valueQuantity": {"value": 3},
    }
    visit = {
        "resourceType": "Encounter",
        "id": "5",
        "status": "in-progress",
        "class": {"code": "AMB"},
        "subject": {"reference": fx.full_url("Patient", "1")},
    }
    bad_side = {
        "resourceType": "Procedure",
        "id": "6",
        "status": "completed",
        "subject": {"reference": fx.full_url("Patient", "1")},
        "encounter": {"reference": fx.full_url("Encounter", "5")},
        "code": {"coding": [{"system": fx.SNOMED, "code": fx.ACUPUNCTURE_SNOMED}]},
        "bodySite": [
            {
                "coding": [{"system": fx.ACUPOINT, "code": "LI4"}],
                "extension": [{"url": fx.ext_url("side"), "valueCode": "sideways"}],
            }
        ],
    }
    cases = {
        "not JSON": "{nope",
        "not a FHIR Bundle": json.dumps(PATIENT),
        "not valid FHIR": _bundle_of({**PATIENT, "birthDate": "last spring"}),
        "does not point": _bundle_of(PATIENT, dangling),
        "refused by the database": _bundle_of(PATIENT, visit, bad_side),
        "does not import": _bundle_of(
            PATIENT, {"resourceType": "Basic", "id": "1", "code": {"text": "x"}}
        ),
    }
    for message, text in cases.items():
        with pytest.raises(ImportRefused, match=message):
            import_bundle(text, actor=user)
        assert not Patient.objects.exists(), message
    path = tmp_path / "bad.json"
    path.write_text(cases["does not point"])
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("fhir_import", str(path))
    assert not Patient.objects.exists()
    # The same bundle without the broken resource goes in, and says so.
    path.write_text(_bundle_of(PATIENT, visit))
    output = io.StringIO()
    call_command("fhir_import", str(path), stdout=output)
    assert "1 Patient, 1 Encounter" in output.getvalue()
    assert Patient.objects.get().full_name == "Ana Test"
    assert AuditEntry.objects.filter(action="create", detail__format="fhir").count() == 1
