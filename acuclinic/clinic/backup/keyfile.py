"""The clinic's backup key on disk: one line of URL-safe base64 (32 random bytes), in a file
only its owner can read. Whoever has the key and a backup can read every patient record in
it; without the key no backup can be restored, so a copy belongs somewhere away from the server."""

import os
import stat
from pathlib import Path

from django.conf import settings

from .container import BackupKeyError, decode_key, encode_key, key_id, new_key

ENV = "ACUCLINIC_BACKUP_KEY_FILE"


def key_path(given: str | None) -> Path | None:
    """--key-file, else $ACUCLINIC_BACKUP_KEY_FILE, else settings.BACKUP_KEY_FILE."""
    value = given or os.environ.get(ENV) or getattr(settings, "BACKUP_KEY_FILE", None)
    return Path(value).expanduser() if value else None


def load(given: str | None) -> tuple[bytes, list[str]]:
    """The key, and warnings (a key file others can read)."""
    path = key_path(given)
    if path is None:
        raise BackupKeyError(
            "No backup key. Give --key-file PATH or set ACUCLINIC_BACKUP_KEY_FILE; make a key "
            "once with `manage.py backup --make-key --key-file PATH` and keep a copy of it "
            "away from this server (without it no backup can be restored)."
        )
    try:
        text = path.read_text()
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise BackupKeyError(f"The key file {path} does not exist.") from None
    except OSError as error:
        raise BackupKeyError(f"The key file {path} cannot be read: {error}") from None
    warnings = []
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.append(f"The key file {path} can be read by others; chmod 600 it.")
    try:
        return decode_key(text), warnings
    except BackupKeyError as error:
        raise BackupKeyError(f"{path}: {error}") from None


def create(path: Path) -> bytes:
    """A new key written to `path` (mode 0600); never over an existing file."""
    key = new_key()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupKeyError(f"{path} exists already; a key is never overwritten.") from None
    with os.fdopen(fd, "w") as f:
        f.write(
            f"# acuclinic backup key, id {key_id(key).hex()}. Keep a copy away from the server.\n"
            f"{encode_key(key)}\n"
        )
    return key
