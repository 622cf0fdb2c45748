"""`manage.py export_csv {appointments,patients,scores} [--output FILE]`: a CSV for the
clinic's own spreadsheets (interop/csv_export.py), formula-injection safe. Audited."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from acuclinic.clinic import audit
from acuclinic.interop.commands import user_named
from acuclinic.interop.csv_export import EXPORTS, write_csv

RECORD_TYPES = {
    "appointments": "scheduling.appointment",
    "patients": "patients.patient",
    "scores": "outcomes.score",
}


class Command(BaseCommand):
    help = "Export appointments, patients' contact details or outcome scores as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORTS))
        parser.add_argument("--output", help="Write to this file (default: standard output).")
        parser.add_argument("--user", help="Whom the audit entry names (default: a superuser).")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        actor = user_named(options["user"], required=False)
        if options["output"]:
            # newline="": the csv module writes its own line endings.
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                header, count = write_csv(kind, out)
            self.stderr.write(f"{count} rows written to {options['output']}.")
        else:
            header, count = write_csv(kind, sys.stdout)
        audit.record(
            action=audit.Action.EXPORT,
            record_type=RECORD_TYPES[kind],
            actor=actor,
            detail={"format": "csv", "count": count, "fields": header},
        )
