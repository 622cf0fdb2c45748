"""The database half of a backup: a consistent copy while the clinic is open, and putting
one back. SQLite through its online backup API; PostgreSQL through pg_dump and pg_restore
(custom format), given the connection from Django's DATABASES settings, the password through
the environment (PGPASSWORD), never on a command line that `ps` shows.

Row counts and applied migrations are read from the very snapshot that is stored: on SQLite
from the copy, on PostgreSQL in the transaction whose snapshot pg_dump is handed (--snapshot).
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from .container import BackupError

VENDORS = ("sqlite", "postgresql")
MEMBER_NAME = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}
# Tables whose rows mean a database holds a clinic (not just what `migrate` puts there).
CLINIC_TABLES = ("auth_user", "patients_patient", "clinic_auditentry")

# libpq's environment variables for the connection settings Django passes on (OPTIONS).
_PG_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "application_name": "PGAPPNAME",
}


@dataclass
class Target:
    """One database to read or write: its vendor and how to reach it."""

    vendor: str
    name: str  # SQLite: the file path; PostgreSQL: the database name
    params: dict[str, Any] = field(default_factory=dict)  # PostgreSQL connection parameters
    alias: str = "default"

    @property
    def is_memory(self) -> bool:
        return self.vendor == "sqlite" and (self.name == ":memory:" or "mode=memory" in self.name)

    def describe(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite database {self.name}"
        where = self.params.get("host") or "local socket"
        return f"PostgreSQL database {self.name!r} on {where}"


def target_for(alias: str = "default", name: str | None = None) -> Target:
    """The database behind a Django alias (as connected now: under tests, the test database),
    or another database of the same kind and server when `name` is given."""
    settings_dict = connections[alias].settings_dict
    vendor = connections[alias].vendor
    if vendor not in VENDORS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    db_name = str(name or settings_dict["NAME"])
    params: dict[str, Any] = {}
    if vendor == "postgresql":
        params = {
            "host": settings_dict.get("HOST") or None,
            "port": str(settings_dict.get("PORT") or "") or None,
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
        }
        options = settings_dict.get("OPTIONS") or {}
        params.update({k: v for k, v in options.items() if k in _PG_ENV})
        params["dbname"] = db_name
        params = {k: v for k, v in params.items() if v is not None}
    return Target(vendor=vendor, name=db_name, params=params, alias=alias)


# --- PostgreSQL tools -------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    folder = getattr(settings, "BACKUP_PG_BIN_DIR", None) or os.environ.get("ACUCLINIC_PG_BIN_DIR")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools of the server's major "
            f"version (Debian: apt install postgresql-client), or point ACUCLINIC_PG_BIN_DIR at "
            f"the folder that holds {name}."
        )
    return found


def _pg_env(target: Target) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in target.params.items():
        env[_PG_ENV[key]] = str(value)
    return env


def _run(argv: list[str], target: Target) -> None:
    result = subprocess.run(  # noqa: S603 (argv from settings, no shell)
        argv, env=_pg_env(target), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tool = Path(argv[0]).name
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{tool} failed (exit {result.returncode}):\n{detail}")


def _pg_connect(target: Target, **kwargs: Any) -> Any:
    import psycopg

    try:
        return psycopg.connect(**target.params, **kwargs)
    except psycopg.OperationalError as error:
        raise BackupError(f"Cannot connect to {target.describe()}: {error}") from None


# --- what a database holds --------------------------------------------------------------


@dataclass
class Contents:
    tables: dict[str, int]  # table -> rows
    migrations: dict[str, list[str]]  # app -> applied migration names, sorted
    server_version: str = ""


def _sqlite_contents(conn: sqlite3.Connection) -> Contents:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    tables = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        for app, name in conn.execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            migrations.setdefault(app, []).append(name)
    return Contents(tables, migrations, f"SQLite {sqlite3.sqlite_version}")


def _pg_contents(cursor: Any) -> Contents:
    from psycopg import sql

    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
        "AND schemaname NOT LIKE 'pg_temp%%' ORDER BY schemaname, tablename"
    )
    tables: dict[str, int] = {}
    for schema, table in cursor.fetchall():
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        cursor.execute(query)
        tables[table if schema == "public" else f"{schema}.{table}"] = cursor.fetchone()[0]
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    cursor.execute("SHOW server_version")
    return Contents(tables, migrations, f"PostgreSQL {cursor.fetchone()[0]}")


def contents(target: Target) -> Contents:
    """Tables with their row counts, and the applied migrations, of a database as it is now."""
    if target.vendor == "sqlite":
        if target.is_memory:
            connection = connections[target.alias]
            connection.ensure_connection()
            return _sqlite_contents(connection.connection)
        if not Path(target.name).exists():
            return Contents({}, {}, f"SQLite {sqlite3.sqlite_version}")
        with _closing(sqlite3.connect(target.name, timeout=30)) as conn:
            return _sqlite_contents(conn)
    with _pg_connect(target) as conn, conn.cursor() as cursor:
        return _pg_contents(cursor)


def clinic_rows(found: Contents) -> dict[str, int]:
    """Of the tables that mean "a clinic lives here", those with rows."""
    return {t: found.tables[t] for t in CLINIC_TABLES if found.tables.get(t)}


# --- backup -----------------------------------------------------------------------------


def snapshot(target: Target, dest: Path) -> Contents:
    """Write a consistent copy of the database to `dest`; its contents as copied."""
    if target.vendor == "sqlite":
        return _sqlite_snapshot(target, dest)
    return _pg_snapshot(target, dest)


def _sqlite_snapshot(target: Target, dest: Path) -> Contents:
    if target.is_memory:
        connection = connections[target.alias]
        connection.ensure_connection()
        source: sqlite3.Connection = connection.connection
        close_source = False
    else:
        if not Path(target.name).exists():
            raise BackupError(f"There is no database at {target.name}.")
        source = sqlite3.connect(target.name, timeout=30)
        close_source = True
    try:
        with _closing(sqlite3.connect(dest)) as copy:
            # One step (pages=-1): a read transaction for the whole copy, so the copy is one
            # moment of the database. Writers go on meanwhile (WAL).
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            return _sqlite_contents(copy)
    except sqlite3.Error as error:
        size = Path(target.name).stat().st_size / 2**20 if not target.is_memory else 0
        raise BackupError(
            f"SQLite could not copy the database into {dest.parent}: {error}. Is there room "
            f"there for a copy of the database ({size:.1f} MiB)?"
        ) from None
    finally:
        if close_source:
            source.close()


def _pg_snapshot(target: Target, dest: Path) -> Contents:
    pg_dump = _pg_tool("pg_dump")
    with _pg_connect(target) as conn:
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={dest}"],
                target,
            )
            found = _pg_contents(cursor)
        conn.rollback()
    return found


# --- restore ----------------------------------------------------------------------------


def restore(target: Target, staged: Path) -> None:
    """Put the database copy `staged` in place of the target's contents."""
    if target.vendor == "sqlite":
        _sqlite_restore(target, staged)
    else:
        _pg_restore(target, staged)


def _sqlite_restore(target: Target, staged: Path) -> None:
    if target.is_memory:
        raise BackupError("Cannot restore into an in-memory SQLite database.")
    # No connection of ours stays open on the file; the copy itself goes through SQLite's
    # backup API, in one write transaction, so a reader never sees half a database (and other
    # processes' connections see the restored one after).
    connections.close_all()
    path = Path(target.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            _closing(sqlite3.connect(f"file:{staged}?mode=ro", uri=True)) as source,
            _closing(sqlite3.connect(path, timeout=30)) as dest,
        ):
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=WAL")
            problems = dest.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not restore the database: {error}") from None
    if problems != [("ok",)]:
        raise BackupError(f"The restored database fails SQLite's check: {problems[:5]}")


def _pg_restore(target: Target, staged: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    connections.close_all()
    # One transaction: if anything fails, the database is as it was.
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={target.name}",
            str(staged),
        ],
        target,
    )


@contextmanager
def _closing(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield conn
    finally:
        conn.close()
