"""Recompute every course summary (after an upgrade, a bulk import or a repair)."""

from typing import Any

from django.core.management.base import BaseCommand

from acuclinic.outcomes import summary


class Command(BaseCommand):
    help = "Recompute the outcome report's per-course summaries from scores and visits."

    def handle(self, *args: Any, **options: Any) -> None:
        stored = summary.rebuild()
        self.stdout.write(f"{stored} course summaries stored")
