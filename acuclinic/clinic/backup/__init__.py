"""Encrypted backups of the whole clinic: the database and the uploaded files, in one file.

`manage.py backup` and `manage.py restore` (clinic/management/commands/) put these parts
together; docs/backups.md is the guide for whoever runs them.

- container.py  the encryption: AES-256-GCM in 1 MiB chunks (STREAM), a header, the key's id
- archive.py    the tar stream inside, with a sha256 per member and safe unpacking
- database.py   SQLite's online backup API, pg_dump/pg_restore; row counts and migrations
- manifest.py   what a backup says about itself, and the checks on it
- keyfile.py    the key file: made once, read at every run
"""

from pathlib import Path

from django.conf import settings


def file_sources() -> dict[str, Path]:
    """The folders of uploaded files a backup holds, by archive section."""
    # The private documents' folder is the patients app's to say (patients/storage.py).
    from acuclinic.patients.storage import private_root

    return {"media": Path(settings.MEDIA_ROOT), "private": private_root()}


def default_dir() -> Path:
    value = getattr(settings, "BACKUP_DIR", None) or Path(settings.VAR_DIR) / "backups"
    return Path(value)
