"""Decision 2: the database itself refuses a double booking.

Two active (not cancelled) appointments may not overlap, buffers included, for one
practitioner or for one room; ranges are half-open, so touching appointments are fine.
PostgreSQL: exclusion constraints over tstzrange with btree_gist. SQLite: triggers that abort
the insert or update (Django stores UTC datetimes there as fixed-format text, so comparing the
strings compares the times).

The migration installs the guard; `ensure_installed` runs again after every `migrate`, because
SQLite loses a table's triggers whenever a later migration rebuilds that table.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "scheduling_appointment"
ACTIVE = "status <> 'cancelled'"

POSTGRES = {
    "appointment_practitioner_no_overlap": f"""
        ALTER TABLE {TABLE} ADD CONSTRAINT appointment_practitioner_no_overlap
        EXCLUDE USING gist (practitioner_id WITH =,
                            tstzrange(blocked_start, blocked_end, '[)') WITH &&)
        WHERE ({ACTIVE})""",
    "appointment_room_no_overlap": f"""
        ALTER TABLE {TABLE} ADD CONSTRAINT appointment_room_no_overlap
        EXCLUDE USING gist (room_id WITH =,
                            tstzrange(blocked_start, blocked_end, '[)') WITH &&)
        WHERE ({ACTIVE} AND room_id IS NOT NULL)""",
    # models.MAX_BLOCKED: what lets every overlap query bound its index range from below.
    "appointment_blocked_at_most_a_day": f"""
        ALTER TABLE {TABLE} ADD CONSTRAINT appointment_blocked_at_most_a_day
        CHECK (blocked_end - blocked_start <= interval '1 day')""",
}


def _sqlite_trigger(event: str, not_itself: str) -> str:
    # The last term is implied (no blocked range is a day long) and bounds the index scan.
    overlap = (
        "a.blocked_start < NEW.blocked_end AND NEW.blocked_start < a.blocked_end"
        " AND a.blocked_start > datetime(NEW.blocked_start, '-1 day')"
    )
    # Constants only: no value from outside reaches this SQL.
    return f"""
CREATE TRIGGER IF NOT EXISTS appointment_no_overlap_{event.lower()}
BEFORE {event} ON {TABLE}
WHEN julianday(NEW.blocked_end) - julianday(NEW.blocked_start) > 1 OR NEW.{ACTIVE} AND (
    EXISTS (SELECT 1 FROM {TABLE} a
            WHERE a.practitioner_id = NEW.practitioner_id AND a.{ACTIVE} AND {overlap}
            {not_itself})
    OR (NEW.room_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM {TABLE} a
            WHERE a.room_id = NEW.room_id AND a.{ACTIVE} AND {overlap} {not_itself})))
BEGIN
    SELECT RAISE(ABORT, 'appointment_no_overlap: overlapping, or blocked for over a day');
END"""  # noqa: S608


SQLITE = {
    "appointment_no_overlap_insert": _sqlite_trigger("INSERT", ""),
    "appointment_no_overlap_update": _sqlite_trigger("UPDATE", "AND a.id <> NEW.id"),
}


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [TABLE]
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
            cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            for name, sql in POSTGRES.items():
                if name not in present:
                    cursor.execute(sql)
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name, sql in SQLITE.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")  # an older definition
                cursor.execute(sql)
    else:
        raise RuntimeError("acuclinic supports SQLite and PostgreSQL only")


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in POSTGRES:
                cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {name}")
        else:
            for name in SQLITE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
