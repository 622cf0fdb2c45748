from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from acuclinic.clinic.tests.personas import (
    PASSWORD,
    personas_fixture,  # noqa: F401 (the `personas` fixture)
)


@pytest.fixture
def private_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploaded documents go to a temporary var directory, not the project's."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR / "private"


@pytest.fixture
def quick_passwords(settings: Any) -> Callable[[Any], None]:
    """Each sign-in with a password here checks a real hash; the default hasher's cost,
    times hundreds of attempts, would be most of this package's time. MD5 for the accounts
    a test names (every other hasher still verifies)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]

    def quick(user: Any) -> None:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])

    return quick
