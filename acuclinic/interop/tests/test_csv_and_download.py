"""CSV exports (formula injection defused, audited) and the desk's FHIR download."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from fhir.resources.R4B.bundle import Bundle

from acuclinic.clinic.audit import AuditEntry
from acuclinic.interop.csv_export import safe_cell, write_csv
from acuclinic.outcomes.models import Score
from acuclinic.patients.models import Patient

from .records import make_patient, make_record

HOSTILE = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1 555-0100", "'+1 555-0100"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ana = Bea", "Ana = Bea"),
        ("", ""),
        (None, ""),
        (7, "7"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_defused(value: Any, cell: str) -> None:
    assert safe_cell(value) == cell


def _rows(kind: str) -> list[dict[str, str]]:
    out = io.StringIO()
    write_csv(kind, out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_patient_csv_escapes_hostile_names(personas: Any) -> None:
    patient = make_patient(HOSTILE, phone="+1 555-0101", email="ana@example.com")
    rows = {row["id"]: row for row in _rows("patients")}
    row = rows[str(patient.pk)]
    assert row["full_name"] == "'" + HOSTILE
    assert row["phone"] == "'+1 555-0101"
    assert row["email"] == "ana@example.com"
    plain = rows[str(personas.record_a.pk)]
    assert plain["full_name"] == personas.record_a.full_name
    assert len(rows) == Patient.objects.filter(erased_at__isnull=True).count()


def test_appointment_and_score_csv(personas: Any, tmp_path: Path) -> None:
    patient = make_patient(HOSTILE)
    make_record(patient, personas.practitioner_record, personas.practitioner)
    appointments = [r for r in _rows("appointments") if r["patient_id"] == str(patient.pk)]
    assert len(appointments) == 3
    assert {r["patient"] for r in appointments} == {"'" + HOSTILE}
    scores = [r for r in _rows("scores") if r["patient_id"] == str(patient.pk)]
    assert [(r["measure"], r["value"]) for r in scores] == [
        (s.measure, str(s.value))
        for s in Score.objects.filter(patient=patient).order_by("observed_at", "pk")
    ]
    out = tmp_path / "scores.csv"
    call_command("export_csv", "scores", output=str(out), stderr=io.StringIO())
    assert out.read_text().startswith("id,patient_id,measure,item,value,observed_at")
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.record_type, entry.detail["format"]) == (
        "export",
        "outcomes.score",
        "csv",
    )
    assert entry.detail["count"] == Score.objects.count()


@override_settings(ROOT_URLCONF="acuclinic.interop.tests.urlconf")
def test_desk_download_for_clinicians_only(personas: Any) -> None:
    make_record(personas.record_a, personas.practitioner_record, personas.practitioner)
    url = f"/desk/interop/patients/{personas.record_a.pk}/fhir/"
    for name in ("owner", "practitioner"):
        response = personas.client(name).get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/fhir+json"
        assert "no-store" in response["Cache-Control"]
        assert personas.record_a.full_name not in response["Content-Disposition"]
        bundle = Bundle.model_validate_json(response.content)
        assert bundle.entry[0].resource.get_resource_type() in {"Location", "Practitioner"}
    entry = AuditEntry.objects.filter(action="export").order_by("-pk").first()
    assert (entry.patient_id, entry.detail["format"]) == (personas.record_a.pk, "fhir")
    assert personas.client("front_desk").get(url).status_code == 404
    assert personas.client("patient_a").get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert personas.client("owner").get("/desk/interop/patients/99999999/fhir/").status_code == 404
    assert personas.client("owner").post(url).status_code == 405
