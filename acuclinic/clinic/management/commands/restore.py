"""manage.py restore FILE: put a backup made by `manage.py backup` back: the database, the
public media and the private documents. Everything is decrypted and checked before anything
is changed. See docs/backups.md."""

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.db.migrations.loader import MigrationLoader

from acuclinic.clinic.backup import file_sources, keyfile
from acuclinic.clinic.backup.archive import FILE_SECTIONS, Unpacked, unpack, verify
from acuclinic.clinic.backup.container import BackupError, DamagedError, DecryptingReader
from acuclinic.clinic.backup.database import (
    Target,
    clinic_rows,
    contents,
    restore,
    target_for,
)
from acuclinic.clinic.backup.manifest import check, count_differences, unknown_migrations

VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Modes of what is restored: the private documents stay owner-only (patients/storage.py).
MODES = {"media": (0o644, 0o755), "private": (0o600, 0o700)}


class Command(BaseCommand):
    help = "Restore an encrypted backup made by `manage.py backup` (docs/backups.md)."
    # Restoring is how a broken install is mended: no system check stands in its way.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .acubak file")
        parser.add_argument(
            "--key-file", help="the backup key (default: $ACUCLINIC_BACKUP_KEY_FILE)"
        )
        parser.add_argument(
            "--replace",
            "--yes",
            action="store_true",
            dest="replace",
            help="replace a database that already holds a clinic (users, patients, audit log)",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Django database alias to restore into"
        )
        parser.add_argument(
            "--database-name",
            help="restore into this database instead of the configured one: a file path on "
            "SQLite, a database name (same server and account) on PostgreSQL",
        )
        parser.add_argument(
            "--work-dir",
            help="where to unpack the backup first (default: a private folder under var/); "
            "needs room for the whole backup",
        )

    def handle(self, **options: Any) -> None:
        try:
            self._restore(options)
        except BackupError as error:
            raise CommandError(str(error)) from None

    def _restore(self, options: dict[str, Any]) -> None:
        started = time.monotonic()
        key, warnings = keyfile.load(options["key_file"])
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        path = Path(options["file"])
        target = target_for(options["database"], options["database_name"])

        work_root = Path(options["work_dir"] or settings.VAR_DIR)
        work_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".acuclinic-restore-", dir=work_root))
        try:
            # 1. Decrypt and unpack everything, and check it all, before changing anything.
            unpacked = self._unpack(path, key, staging)
            manifest = unpacked.manifest
            database = manifest["database"]
            self._check_target(manifest, target, replace=options["replace"])

            # 2. The database, then the files.
            restore(target, staging.joinpath(*database["member"].split("/")))
            placed = {
                section: _place_files(staging / section, root, *MODES[section])
                for section, root in file_sources().items()
                if section in FILE_SECTIONS
            }

            # 3. What is there now is what the backup says it held.
            found = contents(target)
            differences = count_differences(database["tables"], found.tables)
            if found.migrations != database["migrations"]:
                differences.append("django_migrations differs from the backup's")
            if differences:
                raise CommandError(
                    "The restore finished, but the database does not match the backup:\n  "
                    + "\n  ".join(differences[:20])
                )
        finally:
            shutil.rmtree(staging, ignore_errors=True)

        rows = sum(found.tables.values())
        lines = [
            self.style.SUCCESS(f"Restored {path.name} into {target.describe()}"),
            f"  made {manifest.get('created_at')} by acuclinic "
            f"{manifest.get('app', {}).get('version')}; took {time.monotonic() - started:.1f} s",
            f"  database: {len(found.tables)} tables, {rows} rows, every count as in the backup",
        ]
        for section, (count, others) in placed.items():
            line = f"  {section}: {count} files"
            if others:
                line += f" ({others} files already there and not in the backup were left alone)"
            lines.append(line)
        extra = sorted(set(found.tables) - set(database["tables"]))
        if extra:
            lines.append(
                f"  {len(extra)} tables not in the backup were there before and remain: "
                + ", ".join(extra[:8])
                + (" ..." if len(extra) > 8 else "")
            )
        if missing := _unapplied_migrations(database["migrations"]):
            lines.append(
                f"  this version has {missing} migrations the backup predates: "
                "run `manage.py migrate` next"
            )
        self.stdout.write("\n".join(lines))

    def _unpack(self, path: Path, key: bytes, staging: Path) -> Unpacked:
        try:
            source = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"Cannot open {path}: {error}") from None
        with source:
            reader = DecryptingReader(source, key)
            unpacked = unpack(reader, staging)
            reader.read_to_end()  # the last chunk, authenticated: the file is whole
        check(unpacked.manifest)
        verify(unpacked)
        member = unpacked.manifest["database"]["member"]
        if not member.startswith("database/") or member not in unpacked.members:
            raise DamagedError("This backup's manifest names no database copy that it holds.")
        return unpacked

    def _check_target(self, manifest: dict[str, Any], target: Target, *, replace: bool) -> None:
        vendor = manifest["database"]["vendor"]
        if vendor != target.vendor:
            raise CommandError(
                f"This backup holds a {VENDOR_NAMES.get(vendor, vendor)} database and the "
                f"target is {VENDOR_NAMES[target.vendor]}. A backup restores into the same kind "
                "of database only; moving between SQLite and PostgreSQL is not supported here "
                "(a FHIR/JSON export and import is the route planned for that)."
            )
        if unknown := unknown_migrations(manifest, _known_migrations()):
            raise CommandError(
                "This backup comes from a newer acuclinic (or one with other apps): this "
                f"version does not know its migrations {', '.join(unknown[:8])}"
                f"{' ...' if len(unknown) > 8 else ''}. Install the version that made it "
                f"({manifest.get('app', {}).get('version')}), restore, then upgrade."
            )
        present = clinic_rows(contents(target))
        if present and not replace:
            held = ", ".join(f"{rows} rows in {table}" for table, rows in present.items())
            raise CommandError(
                f"{target.describe()} is not empty ({held}). Nothing was changed. To replace "
                "it with the backup, run again with --replace."
            )


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _unapplied_migrations(applied: dict[str, list[str]]) -> int:
    """How many of this version's migrations the restored database has not had."""
    done = {(app, name) for app, names in applied.items() for name in names}
    return len(_known_migrations() - done)


def _place_files(staged: Path, root: Path, file_mode: int, dir_mode: int) -> tuple[int, int]:
    """Move every staged file to the same place under `root`, replacing a file there; files
    under `root` that the backup does not hold stay. (files placed, others left)"""
    placed: set[Path] = set()
    if staged.is_dir():
        root.mkdir(mode=dir_mode, parents=True, exist_ok=True)
        for dirpath, _dirnames, filenames in os.walk(staged):
            for filename in filenames:
                source = Path(dirpath) / filename
                rel = source.relative_to(staged)
                dest = root / rel  # rel is made of names archive.check_member_name allowed
                dest.parent.mkdir(mode=dir_mode, parents=True, exist_ok=True)
                os.chmod(source, file_mode)
                try:
                    os.replace(source, dest)
                except OSError:  # another file system: copy beside, then rename
                    part = dest.with_name(f".{dest.name}.restoring")
                    shutil.copyfile(source, part)
                    os.chmod(part, file_mode)
                    os.replace(part, dest)
                placed.add(rel)
    others = 0
    if root.is_dir():
        for dirpath, _dirnames, filenames in os.walk(root):
            others += sum(
                1 for f in filenames if (Path(dirpath) / f).relative_to(root) not in placed
            )
    return len(placed), others
