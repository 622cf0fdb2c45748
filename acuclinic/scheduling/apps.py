from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _guard_against_overlaps(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    from django.db import connections

    from . import overlap_guard

    overlap_guard.ensure_installed(connections[using])


class SchedulingConfig(AppConfig):
    name = "acuclinic.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        post_migrate.connect(_guard_against_overlaps, sender=self)
