"""Once a minute (started by `make run`): release expired waitlist holds, queue due reminders,
and compose the confirmations of recent bookings whose own task was lost (reminders.queue_due
calls notifications/confirmations.py)."""

from typing import Any

from django.core.management.base import BaseCommand

from acuclinic.notifications import reminders
from acuclinic.scheduling import waitlist


class Command(BaseCommand):
    help = (
        "Release expired waitlist offers, queue reminders that are due and confirmations that "
        "went missing. Safe to overlap."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        released = waitlist.release_expired()
        queued = reminders.queue_due()
        if options["verbosity"] > 1:
            self.stdout.write(f"released {released} waitlist holds, queued {queued} reminders")
