"""manage.py backup: one encrypted file holding the database and every uploaded file, made
while the clinic is open. Also makes the key (--make-key) and checks a backup (--verify).
See docs/backups.md."""

import errno
import os
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from acuclinic.clinic.backup import default_dir, file_sources, keyfile
from acuclinic.clinic.backup.archive import ArchiveWriter, unpack, verify
from acuclinic.clinic.backup.container import (
    BackupError,
    DecryptingReader,
    EncryptingWriter,
    encode_key,
    key_id,
)
from acuclinic.clinic.backup.database import MEMBER_NAME, snapshot, target_for
from acuclinic.clinic.backup.manifest import build, check

# A disk full, over quota, mounted read-only, or the file-size limit reached.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}
NAME_PATTERN = re.compile(r"^acuclinic-\d{8}-\d{6}Z\.acubak$")


class Command(BaseCommand):
    help = "Write an encrypted backup of the database and the uploaded files (docs/backups.md)."
    # A backup must run even when a system check would fail (a half-done upgrade, say).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--key-file", help="the backup key (default: $ACUCLINIC_BACKUP_KEY_FILE)"
        )
        parser.add_argument(
            "--output",
            help="where to write the backup (default: var/backups/acuclinic-<UTC time>.acubak)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="afterwards, delete all but the N newest acuclinic-*.acubak in that folder",
        )
        parser.add_argument(
            "--make-key",
            action="store_true",
            help="write a new key to --key-file (or print it) and stop",
        )
        parser.add_argument(
            "--verify",
            metavar="FILE",
            help="decrypt FILE and check every part against its manifest; restore nothing",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="Django database alias",
        )

    def handle(self, **options: Any) -> None:
        try:
            if options["make_key"]:
                self._make_key(options["key_file"])
                return
            key, warnings = keyfile.load(options["key_file"])
            for warning in warnings:
                self.stderr.write(self.style.WARNING(warning))
            if options["verify"]:
                self._verify(Path(options["verify"]), key)
            else:
                self._backup(key, options)
        except BackupError as error:
            raise CommandError(str(error)) from None

    def _make_key(self, given: str | None) -> None:
        path = keyfile.key_path(given)
        if path is None:
            from acuclinic.clinic.backup.container import new_key

            key = new_key()
            self.stderr.write(
                "No --key-file given: here is a new key. Save it in a file only you can read "
                "(chmod 600) and keep a copy away from this server."
            )
            self.stdout.write(encode_key(key))
            return
        key = keyfile.create(path)
        self.stdout.write(
            f"New backup key written to {path} (mode 600), key id {key_id(key).hex()}.\n"
            "Keep a copy away from this server: without it no backup can be restored."
        )

    def _backup(self, key: bytes, options: dict[str, Any]) -> None:
        started = time.monotonic()
        now = datetime.now(UTC)
        output = (
            Path(options["output"])
            if options["output"]
            else default_dir() / f"acuclinic-{now:%Y%m%d-%H%M%SZ}.acubak"
        ).absolute()
        folder = output.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if output.exists():
            raise CommandError(f"{output} exists already; a backup is never written over one.")
        target = target_for(options["database"])

        work = Path(tempfile.mkdtemp(prefix=".acuclinic-backup-", dir=folder))  # mode 700
        fd, part_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=folder)
        part = Path(part_name)  # mode 600, like the backup it becomes
        try:
            # The database first: every file it names was written before its row, so it is
            # complete when the files are copied after.
            db_copy = work / "database"
            found = snapshot(target, db_copy)
            with os.fdopen(fd, "wb") as raw:
                writer = EncryptingWriter(raw, key)
                archive = ArchiveWriter(writer)
                archive.add_file(MEMBER_NAME[target.vendor], db_copy)
                db_copy.unlink()
                files = {}
                for section, root in file_sources().items():
                    count, size = archive.add_tree(section, root, exclude=folder)
                    files[section] = {"count": count, "bytes": size}
                archive.close(
                    build(
                        created_at=now,
                        vendor=target.vendor,
                        database_member=MEMBER_NAME[target.vendor],
                        found=found,
                        files=files,
                    )
                )
                writer.close()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(part, output)
            _fsync_dir(folder)
        except BaseException as error:
            part.unlink(missing_ok=True)
            if isinstance(error, OSError) and error.errno in NO_ROOM:
                raise CommandError(
                    f"The backup could not be written to {folder}: {error.strerror}. The "
                    "unfinished file was removed. Make room there (or give another --output) "
                    "and run the backup again."
                ) from None
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)

        for skipped in archive.skipped:
            self.stderr.write(self.style.WARNING(f"Not in the backup: {skipped}"))
        rows = sum(found.tables.values())
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {output}")
            + f"\n  {_size(output.stat().st_size)}, {time.monotonic() - started:.1f} s; "
            f"key id {key_id(key).hex()}"
            f"\n  database: {target.vendor}, {len(found.tables)} tables, {rows} rows"
            + "".join(
                f"\n  {section}: {info['count']} files, {_size(info['bytes'])}"
                for section, info in files.items()
            )
        )
        if options["keep"] is not None:
            self._prune(folder, options["keep"])

    def _prune(self, folder: Path, keep: int) -> None:
        if keep < 1:
            raise CommandError("--keep must be at least 1.")
        backups = sorted(
            (p for p in folder.iterdir() if NAME_PATTERN.match(p.name) and p.is_file()),
            key=lambda p: p.name,
            reverse=True,
        )
        for old in backups[keep:]:
            old.unlink()
            self.stdout.write(f"  removed old backup {old.name}")

    def _verify(self, path: Path, key: bytes) -> None:
        started = time.monotonic()
        try:
            source = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"Cannot open {path}: {error}") from None
        with source:
            reader = DecryptingReader(source, key)
            unpacked = unpack(reader, staging=None)
            reader.read_to_end()
        check(unpacked.manifest)
        verify(unpacked)
        manifest = unpacked.manifest
        database = manifest["database"]
        files = manifest.get("files", {})
        self.stdout.write(
            self.style.SUCCESS(f"Backup checks out: {path}")
            + f"\n  made {manifest.get('created_at')} by acuclinic "
            f"{manifest.get('app', {}).get('version')}; {time.monotonic() - started:.1f} s"
            f"\n  database: {database['vendor']}, {len(database['tables'])} tables, "
            f"{sum(database['tables'].values())} rows"
            + "".join(
                f"\n  {section}: {info.get('count')} files, {_size(info.get('bytes', 0))}"
                for section, info in files.items()
            )
        )


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)
