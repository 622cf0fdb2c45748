"""What a backup says about itself (manifest.json, the archive's last member): the format, when
and by which version it was made, the database's vendor, applied migrations and row counts per
table, the files it holds, and a sha256 per member (added by archive.ArchiveWriter)."""

import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django
from django.conf import settings

from .container import DamagedError
from .database import Contents

FORMAT = "acuclinic-backup"
FORMAT_VERSION = 1


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def build(
    *,
    created_at: datetime,
    vendor: str,
    database_member: str,
    found: Contents,
    files: dict[str, dict[str, int]],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "app": {"name": "acuclinic", "version": app_version(), "django": django.__version__},
        "database": {
            "vendor": vendor,
            "server_version": found.server_version,
            "member": database_member,
            "migrations": found.migrations,
            "tables": found.tables,
        },
        "files": files,
    }


def check(manifest: dict[str, Any]) -> None:
    """A manifest this version can restore from, with the parts restore needs."""
    if manifest.get("format") != FORMAT:
        raise DamagedError("This backup's manifest is not an acuclinic manifest.")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise DamagedError(
            f"This backup is in format version {version}; this acuclinic reads version "
            f"{FORMAT_VERSION}. Restore it with the acuclinic version that made it, or a newer one."
        )
    database = manifest.get("database")
    if not isinstance(database, dict) or not all(
        isinstance(database.get(k), t)
        for k, t in (("vendor", str), ("member", str), ("migrations", dict), ("tables", dict))
    ):
        raise DamagedError("This backup's manifest does not describe its database.")


def unknown_migrations(manifest: dict[str, Any], known: set[tuple[str, str]]) -> list[str]:
    """Migrations applied in the backup that this code does not have: the backup comes from a
    newer version (or one with other apps)."""
    applied = manifest["database"]["migrations"]
    return sorted(
        f"{app}.{name}"
        for app, names in applied.items()
        for name in names
        if (app, name) not in known
    )


def count_differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """Tables whose row count differs from the manifest's (or which are missing)."""
    out = []
    for table, rows in sorted(expected.items()):
        if table not in found:
            out.append(f"{table}: missing (expected {rows} rows)")
        elif found[table] != rows:
            out.append(f"{table}: {found[table]} rows, expected {rows}")
    return out
