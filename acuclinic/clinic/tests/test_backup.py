"""manage.py backup and restore, for real: a backup of the test database and of real files,
checked to be encrypted, refused when damaged or under the wrong key, and restored into a
scratch database (a SQLite file, or a PostgreSQL database made for the test) that must then
hold the same rows, table for table, and the same files, byte for byte."""

import io
import os
import re
import tarfile
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from acuclinic.clinic import audit
from acuclinic.clinic.backup import container
from acuclinic.clinic.backup.archive import ArchiveWriter
from acuclinic.clinic.backup.container import (
    CHUNK_SIZE,
    HEADER_SIZE,
    MAGIC,
    TAG_BYTES,
    BackupKeyError,
    DamagedError,
    DecryptingReader,
    EncryptingWriter,
)
from acuclinic.clinic.backup.database import target_for
from acuclinic.clinic.backup.manifest import FORMAT, FORMAT_VERSION
from acuclinic.patients.models import Document, Patient

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

PATIENT_NAME = "Zephyrine Quillfeather"
DOCUMENT = b"%PDF-1.4\n% referral letter: lumbar disc herniation L4-L5, for the restore test\n"
BIG = 5 * 1024 * 1024 + 12345  # a media file of about 5 MiB, not a multiple of a chunk


def quiet(*args: Any, **options: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# --- the container alone ------------------------------------------------------------------


def seal(data: bytes, key: bytes, chunk_size: int = 64) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key, chunk_size=chunk_size)
    for i in range(0, len(data), 50):  # writes that do not line up with chunks
        writer.write(data[i : i + 50])
    writer.close()
    return out.getvalue()


def open_sealed(sealed: bytes, key: bytes) -> bytes:
    reader = DecryptingReader(io.BytesIO(sealed), key)
    out = reader.read()
    assert reader.finished
    return out


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_the_container_gives_back_what_went_in(size: int) -> None:
    key = container.new_key()
    data = os.urandom(size)
    sealed = seal(data, key)
    assert sealed.startswith(MAGIC)
    assert open_sealed(sealed, key) == data
    assert seal(data, key) != sealed  # a fresh salt, so a fresh file key, each time


def test_the_container_refuses_every_change() -> None:
    key = container.new_key()
    data = os.urandom(300)
    sealed = seal(data, key)  # header, 4 full chunks of 64, a last one of 44
    block = 64 + TAG_BYTES
    for position in (0, 9, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + block + 5, len(sealed) - 1):
        changed = bytearray(sealed)
        changed[position] ^= 0x01
        with pytest.raises(container.BackupError):
            open_sealed(bytes(changed), key)
    cuts = [HEADER_SIZE - 3, HEADER_SIZE, HEADER_SIZE + block, HEADER_SIZE + 2 * block + 7]
    for cut in [*cuts, len(sealed) - 1]:
        with pytest.raises(DamagedError):
            open_sealed(sealed[:cut], key)
    with pytest.raises(DamagedError):  # something added after the end
        open_sealed(sealed + bytes(16), key)
    first, second = HEADER_SIZE, HEADER_SIZE + block
    swapped = sealed[:first] + sealed[second : second + block] + sealed[first:second]
    with pytest.raises(DamagedError):  # two chunks swapped
        open_sealed(swapped + sealed[second + block :], key)
    with pytest.raises(BackupKeyError, match="another key"):
        open_sealed(sealed, container.new_key())
    with pytest.raises(DamagedError, match="not an acuclinic backup"):
        open_sealed(b"PK\x03\x04" + sealed[4:], key)


def test_keys_are_read_forgivingly_but_must_be_32_bytes() -> None:
    key = container.new_key()
    text = container.encode_key(key)
    assert container.decode_key(f"# a comment\n\n {text.rstrip('=')} \n") == key
    with pytest.raises(BackupKeyError):
        container.decode_key(container.encode_key(b"short"))
    with pytest.raises(BackupKeyError):
        container.decode_key("not base64 at all!")


def test_a_large_stream_passes_through_in_bounded_memory(tmp_path: Path) -> None:
    key = container.new_key()
    source = tmp_path / "big.bin"
    with open(source, "wb") as f:
        for _ in range(8):
            f.write(os.urandom(1 << 20))
    sealed = tmp_path / "big.acubak"
    tracemalloc.start()
    try:
        with open(sealed, "wb") as raw:
            writer = EncryptingWriter(raw, key)
            archive = ArchiveWriter(writer)
            archive.add_file("media/big.bin", source)
            archive.close({"format": FORMAT})
            writer.close()
        with open(sealed, "rb") as raw:
            reader = DecryptingReader(raw, key)
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for info in tar:
                    extracted = tar.extractfile(info)
                    while extracted.read(1 << 16):
                        pass
            reader.read_to_end()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reader.finished
    # 8 MiB went through; a few 1 MiB chunks at a time were held, never the file.
    assert peak < 3 * CHUNK_SIZE, peak


# --- the commands ---------------------------------------------------------------------------


@dataclass
class Clinic:
    key_file: Path
    media: Path
    private: Path
    backups: Path
    patient: Patient


@pytest.fixture
def clinic(settings: Any, tmp_path: Path) -> Clinic:
    """A patient with an audit entry and a private document, and media files: one of about
    5 MiB, one in a nested folder. A test that needs these rows in the backup asks for
    `transactional_db` first (committed, so the backup's own connection or pg_dump sees them);
    the others take `db`, which costs no flush after."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    key_file = tmp_path / "keys" / "backup.key"
    quiet("backup", "--make-key", "--key-file", str(key_file))

    patient = Patient.objects.create(full_name=PATIENT_NAME, email="zq@example.com")
    audit.record(action=audit.Action.VIEW, record_type=Patient, record_id=patient.pk,
                 patient_id=patient.pk, detail={"purpose": "backup test"})  # fmt: skip
    Document.objects.create(
        patient=patient,
        kind="referral",
        file=ContentFile(DOCUMENT, name="referral.pdf"),
        original_name="referral.pdf",
        content_type="application/pdf",
        size=len(DOCUMENT),
    )
    media = Path(settings.MEDIA_ROOT)
    (media / "original_images" / "2026").mkdir(parents=True)
    (media / "original_images" / "2026" / "needles.jpg").write_bytes(os.urandom(2000))
    with open(media / "clinic-tour.mp4", "wb") as f:
        f.write(os.urandom(BIG))
    (media / "empty.txt").write_bytes(b"")
    return Clinic(key_file, media, tmp_path / "var" / "private", tmp_path / "var" / "backups",
                  patient)  # fmt: skip


def make_backup(clinic: Clinic, *extra: str) -> Path:
    out = quiet("backup", "--key-file", str(clinic.key_file), *extra)
    written = re.search(r"Backup written: (\S+)", out)
    assert written, out
    return Path(written[1])


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[str]:
    """A database to restore into: a new SQLite file, or a PostgreSQL database made for this
    test on the same server (dropped after)."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    import psycopg
    from psycopg import sql

    name = f"test_backup_restore_{os.getpid()}"
    params = {**target_for().params, "dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def all_rows(name: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a fixed order, through the vendor's own driver (the same
    on both sides, so values compare as they are stored)."""
    target = target_for(name=name)
    if target.vendor == "sqlite":
        import sqlite3

        with sqlite3.connect(target.name) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            out = {}
            for table in tables:
                # Names from sqlite_master, not from outside.
                query = f'SELECT * FROM "{table}"'  # noqa: S608
                width = len(conn.execute(f"{query} LIMIT 0").description)
                order = ", ".join(str(i + 1) for i in range(width))
                out[table] = conn.execute(f"{query} ORDER BY {order}").fetchall()
            return out
    import psycopg
    from psycopg import sql

    with psycopg.connect(**target.params) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        )
        out = {}
        for schema, table in cursor.fetchall():
            name_sql = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
            cursor.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(name_sql))
            order = sql.SQL(", ").join(sql.Literal(i + 1) for i in range(len(cursor.description)))
            cursor.execute(sql.SQL("SELECT * FROM {} ORDER BY {}").format(name_sql, order))
            out[f"{schema}.{table}"] = cursor.fetchall()
        return out


def audit_update_refused(name: str) -> bool:
    target = target_for(name=name)
    if target.vendor == "sqlite":
        import sqlite3

        with sqlite3.connect(target.name) as conn:
            try:
                conn.execute("UPDATE clinic_auditentry SET action = 'erase'")
            except sqlite3.DatabaseError as error:
                return audit.GUARD_MESSAGE in str(error)
            return False
    import psycopg

    with psycopg.connect(**target.params) as conn:
        try:
            conn.execute("UPDATE clinic_auditentry SET action = 'erase'")
        except psycopg.Error as error:
            return audit.GUARD_MESSAGE in str(error)
        return False


def test_a_backup_restores_row_for_row_and_byte_for_byte(
    demo: None, clinic: Clinic, scratch: str, settings: Any, tmp_path: Path
) -> None:
    media_before = files_under(clinic.media)
    private_before = files_under(clinic.private)
    assert len(private_before) == 1 and DOCUMENT in private_before.values()
    rows_before = all_rows()

    tracemalloc.start()
    try:
        backup = make_backup(clinic)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * CHUNK_SIZE < BIG, peak  # the 5 MiB file was never in memory whole

    # A private file, under a name that says when, and encrypted through and through.
    assert backup.name.startswith("acuclinic-") and backup.name.endswith("Z.acubak")
    assert backup.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in clinic.backups.iterdir()] == [backup.name]  # no leftovers
    data = backup.read_bytes()
    assert data.startswith(MAGIC)
    assert len(data) > BIG
    for secret in (PATIENT_NAME.encode(), b"lumbar disc", b"SQLite format 3", b"manifest.json"):
        assert secret not in data
    assert media_before["clinic-tour.mp4"][1000:1064] not in data

    checked = quiet("backup", "--key-file", str(clinic.key_file), "--verify", str(backup))
    assert "Backup checks out" in checked

    # Restore into a new database and new folders.
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.VAR_DIR = tmp_path / "restored-var"
    out = quiet("restore", str(backup), "--key-file", str(clinic.key_file),
                "--database-name", scratch)  # fmt: skip
    assert "every count as in the backup" in out

    assert all_rows(scratch) == rows_before
    assert files_under(tmp_path / "restored-media") == media_before
    restored_private = tmp_path / "restored-var" / "private"
    assert files_under(restored_private) == private_before
    for path in restored_private.rglob("*"):
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600)
    assert audit_update_refused(scratch)  # the append-only guard came back too
    assert not list((tmp_path / "restored-var").glob(".acuclinic-restore-*"))

    # Now the scratch database holds a clinic: only --replace puts the backup over it.
    with pytest.raises(CommandError, match="is not empty"):
        quiet("restore", str(backup), "--key-file", str(clinic.key_file),
              "--database-name", scratch)  # fmt: skip
    out = quiet("restore", str(backup), "--key-file", str(clinic.key_file),
                "--database-name", scratch, "--replace")  # fmt: skip
    assert "every count as in the backup" in out
    assert all_rows(scratch) == rows_before


def test_a_damaged_backup_or_the_wrong_key_changes_nothing(
    db: None, clinic: Clinic, scratch: str, settings: Any, tmp_path: Path
) -> None:
    backup = make_backup(clinic)
    data = backup.read_bytes()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.VAR_DIR = tmp_path / "restored-var"
    block = CHUNK_SIZE + TAG_BYTES

    def restore(content: bytes, key_file: Path = clinic.key_file) -> str:
        path = tmp_path / "candidate.acubak"
        path.write_bytes(content)
        with pytest.raises(CommandError) as raised:
            quiet("restore", str(path), "--key-file", str(key_file), "--database-name", scratch)
        return str(raised.value)

    flipped = bytearray(data)
    flipped[HEADER_SIZE + 3 * block + 77] ^= 0x20  # in the big media file
    assert "damaged" in restore(bytes(flipped))
    flipped = bytearray(data)
    flipped[-5] ^= 0x01  # in the manifest's chunk
    assert "damaged" in restore(bytes(flipped))
    assert "cut short" in restore(data[: HEADER_SIZE + 2 * block])  # at a chunk's end
    assert "cut short" in restore(data[:-100])
    assert "cut short" in restore(data[:20])
    assert "not an acuclinic backup" in restore(b"\x00" * 100)

    other_key = tmp_path / "other.key"
    quiet("backup", "--make-key", "--key-file", str(other_key))
    assert "another key" in restore(data, other_key)

    # Nothing was made or changed anywhere.
    if connection.vendor == "sqlite":
        assert not Path(scratch).exists()
    else:
        assert all_rows(scratch) == {}
    assert not (tmp_path / "restored-media").exists()
    assert not list((tmp_path / "restored-var").glob("*/*")), "no staging or private files left"


def sealed_archive(
    path: Path, key_file: Path, members: list[tuple[tarfile.TarInfo, bytes]]
) -> None:
    key = container.decode_key(key_file.read_text())
    with open(path, "wb") as raw:
        writer = EncryptingWriter(raw, key)
        with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
            for info, content in members:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
        writer.close()


@pytest.mark.parametrize(
    "name", ["media/../../escaped.txt", "/escaped.txt", "../escaped.txt", "elsewhere/x"]
)
def test_restore_refuses_a_name_that_leaves_its_folder(
    name: str, settings: Any, tmp_path: Path, db: None
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    key_file = tmp_path / "k"
    quiet("backup", "--make-key", "--key-file", str(key_file))
    path = tmp_path / "evil.acubak"
    sealed_archive(path, key_file, [(tarfile.TarInfo(name), b"gotcha")])
    with pytest.raises(CommandError, match="name not allowed"):
        quiet("restore", str(path), "--key-file", str(key_file),
              "--database-name", str(tmp_path / "x.sqlite3"))  # fmt: skip
    assert not list(tmp_path.rglob("escaped.txt"))


def test_restore_refuses_links_and_devices(settings: Any, tmp_path: Path, db: None) -> None:
    settings.VAR_DIR = tmp_path / "var"
    key_file = tmp_path / "k"
    quiet("backup", "--make-key", "--key-file", str(key_file))
    link = tarfile.TarInfo("media/passwd")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    path = tmp_path / "evil.acubak"
    sealed_archive(path, key_file, [(link, b"")])
    with pytest.raises(CommandError, match="not a plain file"):
        quiet("restore", str(path), "--key-file", str(key_file))
    assert not (tmp_path / "var" / "media").exists()


def test_restore_refuses_another_kind_of_database(settings: Any, tmp_path: Path, db: None) -> None:
    """A SQLite backup does not go into PostgreSQL, nor the other way round."""
    settings.VAR_DIR = tmp_path / "var"
    key_file = tmp_path / "k"
    quiet("backup", "--make-key", "--key-file", str(key_file))
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    dump = tmp_path / "dump"
    dump.write_bytes(b"not a real database")
    path = tmp_path / "other.acubak"
    with open(path, "wb") as raw:
        writer = EncryptingWriter(raw, container.decode_key(key_file.read_text()))
        archive = ArchiveWriter(writer)
        archive.add_file("database/db", dump)
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION}
        manifest["database"] = {"vendor": other, "member": "database/db", "migrations": {},
                                "tables": {}}  # fmt: skip
        archive.close(manifest)
        writer.close()
    with pytest.raises(CommandError, match="not supported") as raised:
        quiet("restore", str(path), "--key-file", str(key_file),
              "--database-name", str(tmp_path / "x"))  # fmt: skip
    assert "FHIR/JSON" in str(raised.value)


def test_no_key_no_backup(settings: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.delenv("ACUCLINIC_BACKUP_KEY_FILE", raising=False)
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="No backup key"):
        quiet("backup")
    with pytest.raises(CommandError, match="does not exist"):
        quiet("backup", "--key-file", str(tmp_path / "missing"))
    key_file = tmp_path / "k"
    quiet("backup", "--make-key", "--key-file", str(key_file))
    assert key_file.stat().st_mode & 0o777 == 0o600
    first = key_file.read_text()
    with pytest.raises(CommandError, match="never overwritten"):
        quiet("backup", "--make-key", "--key-file", str(key_file))
    assert key_file.read_text() == first
    assert not (tmp_path / "backups").exists()
    monkeypatch.setenv("ACUCLINIC_BACKUP_KEY_FILE", str(key_file))  # the key, from the environment
    with pytest.raises(CommandError, match="Cannot open"):
        quiet("backup", "--verify", str(tmp_path / "no-such.acubak"))
    key_file.chmod(0o644)
    err = io.StringIO()
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("backup", "--verify", str(tmp_path / "no"), stdout=io.StringIO(), stderr=err)
    assert "can be read by others" in err.getvalue()


def test_keep_prunes_the_oldest(db: None, clinic: Clinic) -> None:
    clinic.backups.mkdir(parents=True, exist_ok=True)
    for stamp in ("20250101-000000Z", "20250102-000000Z", "20250103-000000Z"):
        (clinic.backups / f"acuclinic-{stamp}.acubak").write_bytes(b"old")
    (clinic.backups / "keep-me.acubak").write_bytes(b"not ours by name")
    newest = make_backup(clinic, "--keep", "2")
    assert sorted(p.name for p in clinic.backups.iterdir()) == sorted(
        ["acuclinic-20250103-000000Z.acubak", newest.name, "keep-me.acubak"]
    )
    with pytest.raises(CommandError, match="never written over"):
        make_backup(clinic, "--output", str(newest))


@on_sqlite
def test_sqlite_backup_is_a_database_sqlite_can_open(
    transactional_db: None, clinic: Clinic, tmp_path: Path
) -> None:
    """The stored copy is a plain SQLite file (WAL folded in), not a file needing its -wal."""
    import sqlite3

    from acuclinic.clinic.backup.archive import unpack

    backup = make_backup(clinic)
    key = container.decode_key(clinic.key_file.read_text())
    staging = tmp_path / "staging"
    staging.mkdir()
    with open(backup, "rb") as raw:
        unpack(DecryptingReader(raw, key), staging)
    copy = staging / "database" / "db.sqlite3"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        names = conn.execute("SELECT full_name FROM patients_patient").fetchall()
    assert (PATIENT_NAME,) in names


@on_postgresql
def test_postgresql_backup_uses_pg_dump_custom_format(
    db: None, clinic: Clinic, tmp_path: Path
) -> None:
    from acuclinic.clinic.backup.archive import unpack

    backup = make_backup(clinic)
    key = container.decode_key(clinic.key_file.read_text())
    staging = tmp_path / "staging"
    staging.mkdir()
    with open(backup, "rb") as raw:
        unpacked = unpack(DecryptingReader(raw, key), staging)
    assert (staging / "database" / "db.pgdump").read_bytes().startswith(b"PGDMP")
    assert unpacked.manifest["database"]["server_version"].startswith("PostgreSQL")


def test_a_backup_taken_while_the_clinic_writes_is_one_moment(
    transactional_db: None, clinic: Clinic, scratch: str, settings: Any, tmp_path: Path
) -> None:
    """Another connection keeps adding a patient and an audit entry together, in one
    transaction each, while the backup runs: the backup holds whole pairs only, and its row
    counts (which restore checks) are those of the very snapshot it stored."""
    import threading

    from django.db import connections, transaction

    stop = threading.Event()
    written = []

    def write() -> None:
        try:
            for i in range(5000):  # bounded, whatever happens
                if stop.is_set():
                    break
                with transaction.atomic():
                    patient = Patient.objects.create(full_name=f"Walk-in {i}")
                    audit.record(action=audit.Action.CREATE, record_type=Patient,
                                 record_id=patient.pk, patient_id=patient.pk)  # fmt: skip
                written.append(i)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5 and writer.is_alive():
            stop.wait(0.01)
        before = len(written)
        backup = make_backup(clinic)
        during = len(written) - before
    finally:
        stop.set()
        writer.join(timeout=30)
    assert before >= 5 and during > 0, (before, during)  # the clinic wrote all along

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    settings.VAR_DIR = tmp_path / "restored-var"
    out = quiet("restore", str(backup), "--key-file", str(clinic.key_file),
                "--database-name", scratch)  # fmt: skip
    assert "every count as in the backup" in out
    rows = all_rows(scratch)
    prefix = "" if connection.vendor == "sqlite" else "public."
    name_at = _column("patients_patient", "full_name")
    walk_ins = {
        row[0] for row in rows[f"{prefix}patients_patient"] if row[name_at].startswith("Walk-in")
    }
    action_at = _column("clinic_auditentry", "action")
    record_at = _column("clinic_auditentry", "record_id")
    created = {
        int(row[record_at])
        for row in rows[f"{prefix}clinic_auditentry"]
        if row[action_at] == "create"
    }
    assert walk_ins and walk_ins == created


def _column(table: str, name: str = "record_id") -> int:
    """The position of a column of clinic_auditentry, as SELECT * returns it."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table.split(".")[-1])
    return [c.name for c in description].index(name)
