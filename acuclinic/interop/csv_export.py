"""CSV exports for the clinic's own use (spreadsheets): appointments, patients' contact details,
outcome scores. One query per export, rows written as they are read.

A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return
that some programs skip before one) gets a leading apostrophe: the CSV/formula-injection
defence OWASP describes. Numbers we write ourselves (scores) are left as numbers.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from acuclinic.outcomes.models import Score
from acuclinic.patients.models import Patient
from acuclinic.scheduling.models import Appointment

CHUNK = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The text of one cell, defused if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _appointments() -> tuple[list[str], Iterator[list[Any]]]:
    header = ["id", "start_utc", "end_utc", "status", "source", "patient_id", "patient"]
    header += ["practitioner", "service", "location", "room"]
    rows = (
        Appointment.objects.select_related("patient", "practitioner", "service", "location", "room")
        .order_by("start", "pk")
        .iterator(chunk_size=CHUNK)
    )
    return header, (
        [
            a.pk,
            a.start,
            a.end,
            a.status,
            a.source,
            a.patient_id,
            a.patient.full_name,
            a.practitioner.name,
            a.service.name,
            a.location.name,
            a.room.name if a.room else "",
        ]
        for a in rows
    )


def _patients() -> tuple[list[str], Iterator[list[Any]]]:
    fields = ["full_name", "email", "phone", "date_of_birth", "preferred_language"]
    fields += ["address_line1", "address_line2", "city", "region", "postcode", "country"]
    rows = (
        Patient.objects.filter(erased_at__isnull=True)
        .order_by("full_name", "pk")
        .values_list("pk", *fields)
        .iterator(chunk_size=CHUNK)
    )
    return ["id", *fields], (list(row) for row in rows)


def _scores() -> tuple[list[str], Iterator[list[Any]]]:
    fields = ["patient_id", "measure", "item", "value", "observed_at", "source", "appointment_id"]
    rows = (
        Score.objects.order_by("patient_id", "observed_at", "pk")
        .values_list("pk", *fields)
        .iterator(chunk_size=CHUNK)
    )
    return ["id", *fields], (list(row) for row in rows)


EXPORTS: dict[str, Callable[[], tuple[list[str], Iterator[list[Any]]]]] = {
    "appointments": _appointments,
    "patients": _patients,
    "scores": _scores,
}


def write_csv(kind: str, out: IO[str]) -> tuple[list[str], int]:
    """Write one export to `out`; returns its columns and the number of rows."""
    header, rows = EXPORTS[kind]()
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(_cells(row))
        count += 1
    return header, count


def _cells(row: Iterable[Any]) -> list[str]:
    return [safe_cell(v) for v in row]
