"""Where uploaded patient documents live: under the project's var directory (settings.VAR_DIR,
next to the database), never under MEDIA_ROOT or STATIC_ROOT, so no web server or media route
can hand one out. The only way out is the desk's download view, behind the access check.

Files get random names (nothing about the patient or the original name on disk) and
owner-only permissions. The directory follows settings.VAR_DIR when it is read, not when this
module is imported, so tests point it at a temporary directory with `settings.VAR_DIR`.
"""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage

SUBDIRECTORY = "private"


def private_root() -> Path:
    return Path(settings.VAR_DIR) / SUBDIRECTORY


class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage without URLs whose root is read from settings at each use."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(private_root())

    @property  # type: ignore[override]
    def location(self) -> str:
        return str(private_root().resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("Private documents have no URL; they are served by the desk.")

    def _save(self, name: str, content: Any) -> str:
        # A write that fails part way (a full disk) leaves no partial file behind.
        path = Path(self.path(name))
        existed = path.exists()
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                path.unlink(missing_ok=True)
            raise


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage for Document.file (a callable, so migrations do not copy a path)."""
    return _storage


def random_document_name(instance: Any, filename: str) -> str:
    """documents/<random>.<ext>: the extension is the checked type's (set by the upload
    check in patients/documents.py on `instance.content_type`), never the uploader's."""
    from .documents import EXTENSION_FOR  # documents.py imports the models

    extension = EXTENSION_FOR.get(getattr(instance, "content_type", ""), "")
    return f"documents/{secrets.token_hex(16)}{extension}"
