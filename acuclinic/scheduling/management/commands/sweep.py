"""Once a minute (started by `make run`): release expired waitlist holds, queue due reminders."""

from typing import Any

from django.core.management.base import BaseCommand

from acuclinic.notifications import reminders
from acuclinic.scheduling import waitlist


class Command(BaseCommand):
    help = "Release expired waitlist offers and queue reminders that are due. Safe to overlap."

    def handle(self, *args: Any, **options: Any) -> None:
        released = waitlist.release_expired()
        queued = reminders.queue_due()
        if options["verbosity"] > 1:
            self.stdout.write(f"released {released} waitlist holds, queued {queued} reminders")
