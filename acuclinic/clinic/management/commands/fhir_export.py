"""`manage.py fhir_export [--patient ID] [--output FILE] [--ndjson]`: the clinic (or one
patient) as a FHIR R4B Bundle (interop/fhir_export.py), written as it is read. Audited."""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from acuclinic.clinic import audit
from acuclinic.interop.commands import user_named
from acuclinic.interop.fhir_export import write_bundle
from acuclinic.patients.models import Patient


class Command(BaseCommand):
    help = "Export the clinic, or one patient, as a FHIR R4B Bundle (JSON) or NDJSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patient", type=int, help="Only this patient's record (their id).")
        parser.add_argument("--output", help="Write to this file (default: standard output).")
        parser.add_argument("--ndjson", action="store_true", help="One resource per line.")
        parser.add_argument("--user", help="Whom the audit entry names (default: a superuser).")

    def handle(self, *args: Any, **options: Any) -> None:
        patient = None
        if options["patient"] is not None:
            patient = Patient.objects.filter(pk=options["patient"]).first()
            if patient is None:
                raise CommandError(f"No patient with id {options['patient']}.")
        actor = user_named(options["user"], required=False)
        started = time.monotonic()
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                count = write_bundle(out, patient, ndjson=options["ndjson"])
        else:
            count = write_bundle(sys.stdout, patient, ndjson=options["ndjson"])
        audit.record(
            action=audit.Action.EXPORT,
            record_type=Patient if patient else "clinic.clinic",
            record_id=patient.pk if patient else "",
            patient_id=patient.pk if patient else None,
            actor=actor,
            detail={"format": "fhir", "count": count},
        )
        if options["output"]:
            self.stderr.write(
                f"{count} resources written to {options['output']} "
                f"in {time.monotonic() - started:.2f} s."
            )
