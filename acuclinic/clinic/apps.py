from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _guard_the_audit_log(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    # Again after every migrate: SQLite drops the triggers whenever a migration rebuilds the
    # table (see audit.py).
    from django.db import connections

    from . import audit

    audit.ensure_installed(connections[using])


class ClinicConfig(AppConfig):
    name = "acuclinic.clinic"
    label = "clinic"
    verbose_name = _("Clinic")

    def ready(self) -> None:
        post_migrate.connect(_guard_the_audit_log, sender=self)
        # The sign-in and sign-out audit receivers live in signin.py; connect them here, not
        # only when urls.py happens to import it (a command or a worker signs nobody in, but a
        # test client's login() must be audited all the same).
        from . import signin  # noqa: F401
