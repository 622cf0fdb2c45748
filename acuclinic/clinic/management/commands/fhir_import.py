"""`manage.py fhir_import FILE [--user NAME]`: a Bundle from fhir_export into an EMPTY clinic,
all or nothing (interop/fhir_import.py). Audited."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from acuclinic.clinic import audit
from acuclinic.interop.commands import user_named
from acuclinic.interop.fhir_import import ImportRefused, import_bundle


class Command(BaseCommand):
    help = "Import a FHIR Bundle written by fhir_export into an empty clinic."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The Bundle JSON file.")
        parser.add_argument(
            "--user",
            help="Whom records are attributed to when their practitioner has no account "
            "(default: the first superuser).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = user_named(options["user"], required=True)
        try:
            text = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        try:
            counts = import_bundle(text, actor=actor)
        except ImportRefused as exc:
            raise CommandError(f"Nothing was imported. {exc}") from None
        audit.record(
            action=audit.Action.CREATE,
            record_type="clinic.clinic",
            actor=actor,
            detail={"format": "fhir", "count": sum(counts.values())},
        )
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(f"Imported {summary or 'nothing'}.")
