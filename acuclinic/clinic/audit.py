"""The audit trail (decision 4): who read or changed which patient's record, when, and from
which address. `record(...)` is the one way to write an entry.

Entries are append-only, and the database says so: on PostgreSQL a trigger raises on UPDATE,
DELETE and TRUNCATE; on SQLite BEFORE UPDATE and BEFORE DELETE triggers abort. One update is
let through: deleting a user sets `actor` to NULL (the username snapshot stays), and only when
nothing else in the row changes. Like scheduling/overlap_guard.py, the migration installs the
guard and `ensure_installed` runs again after every `migrate`, because SQLite drops a table's
triggers when a migration rebuilds it. `manage.py flush` (which tests run between
transactional tests) lifts the guard for the flush only; see management/commands/flush.py.

The guard stops the application and its mistakes, not someone who owns the database: they
can drop a trigger. A production install that wants more runs the web process as a database
role without ALTER rights on this table.
"""

import ipaddress
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role, role_of

TABLE = "clinic_auditentry"
GUARD_MESSAGE = "audit_append_only: audit entries cannot be changed or deleted"

# What `detail` may hold: facts about the access, never clinical content (no answers, notes,
# diagnoses, free text from a record). Add a key here when a new action needs one.
DETAIL_KEYS = frozenset(
    {"purpose", "filters", "count", "format", "fields", "version", "merged_into", "reason"}
)
MAX_DETAIL_CHARS = 2000


class Action(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    SIGN = "sign", _("Sign")
    AMEND = "amend", _("Amend")
    MERGE = "merge", _("Merge")
    ERASE = "erase", _("Erase")
    SIGN_IN = "sign_in", _("Sign-in")
    SIGN_OUT = "sign_out", _("Sign-out")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # A snapshot, so the entry still says who after the account is deleted.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record id"), max_length=64, blank=True)
    # Not a foreign key: erasing a patient leaves their entries.
    patient_id = models.BigIntegerField(_("patient id"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_newest_first"),
            models.Index(fields=["patient_id", "-at"], name="audit_patient"),
            models.Index(fields=["actor_username", "-at"], name="audit_actor"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        who = self.actor_username or "-"
        return (
            f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.record_type} {self.record_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(GUARD_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(GUARD_MESSAGE)


def record_type_of(model: type[models.Model] | models.Model) -> str:
    """The record type an entry names: the model's label, e.g. "patients.patient"."""
    return model._meta.label_lower


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR only. A reverse proxy must set it (e.g. gunicorn --forwarded-allow-ips), as
    for reader comments: X-Forwarded-For is whatever the client wants it to be."""
    value = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _checked_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    detail = dict(detail or {})
    unknown = set(detail) - DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    if len(json.dumps(detail, default=str)) > MAX_DETAIL_CHARS:
        raise ValueError("audit detail is too long; it names facts, not content")
    return detail


def record(
    *,
    action: Action,
    record_type: str | type[models.Model] | models.Model,
    record_id: str | int = "",
    patient_id: int | None = None,
    request: HttpRequest | None = None,
    actor: Any = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry. The actor is `actor`, else the request's user; the role is theirs now;
    the address is the request's."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not actor.is_authenticated:
        actor = None
    role = role_of(actor) if actor is not None else None
    if not isinstance(record_type, str):
        record_type = record_type_of(record_type)
    return AuditEntry.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        role=role or "",
        action=Action(action),
        record_type=record_type,
        record_id=str(record_id),
        patient_id=patient_id,
        ip_address=client_ip(request) if request is not None else None,
        detail=_checked_detail(detail),
    )


# --- the database guard ----------------------------------------------------------------

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;  -- the actor's account was deleted; the username snapshot stays
    END IF;
    RAISE EXCEPTION '{GUARD_MESSAGE}' USING ERRCODE = 'restrict_violation';
END
$$"""
POSTGRES = {
    "audit_append_only": f"""
        CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
    "audit_no_truncate": f"""
        CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
}
SQLITE_NAMES = ("audit_append_only_update", "audit_append_only_delete")


def _sqlite_triggers(columns: list[str]) -> list[str]:
    # Every column but actor_id unchanged, and actor_id only cleared: a deleted user. The
    # column names come from the table itself, so a later AddField is covered at the next
    # migrate (post_migrate rebuilds these).
    same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in columns if c != "actor_id")
    raise_ = f"SELECT RAISE(ABORT, '{GUARD_MESSAGE}');"
    return [
        f"""CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON {TABLE}
            WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {same})
            BEGIN {raise_} END""",
        f"CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON {TABLE} BEGIN {raise_} END",
    ]


def guard_names(connection: BaseDatabaseWrapper) -> set[str]:
    return set(POSTGRES) if connection.vendor == "postgresql" else set(SQLITE_NAMES)


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        return {row[0] for row in cursor.fetchall()}


def ensure_installed(connection: BaseDatabaseWrapper) -> None:
    if TABLE not in connection.introspection.table_names():
        return  # migrated backwards past the table
    if connection.vendor == "postgresql":
        present = installed(connection)
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_FUNCTION)
            for name, sql in POSTGRES.items():
                if name not in present:
                    cursor.execute(sql)
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, TABLE)
            ]
            for name in SQLITE_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")  # an older column list
            for sql in _sqlite_triggers(columns):
                cursor.execute(sql)
    else:
        raise RuntimeError("acuclinic supports SQLite and PostgreSQL only")


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in POSTGRES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
            cursor.execute("DROP FUNCTION IF EXISTS audit_append_only()")
        else:
            for name in SQLITE_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


@contextmanager
def guard_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Only for emptying the whole database (`manage.py flush`); the guard is back after."""
    exists = TABLE in connection.introspection.table_names()
    if exists:
        remove(connection)
    try:
        yield
    finally:
        if exists:
            ensure_installed(connection)
