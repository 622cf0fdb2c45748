"""Django's flush, which empties every table, with the audit log's append-only guard lifted
for that moment only: otherwise SQLite's delete trigger (with entries present) and
PostgreSQL's truncate trigger refuse it, and the test runner flushes after every
transactional test. Removing all data is what this command is for; the guard is back after.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from acuclinic.clinic import audit


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with audit.guard_lifted(connections[options.get("database") or DEFAULT_DB_ALIAS]):
            super().handle(**options)
