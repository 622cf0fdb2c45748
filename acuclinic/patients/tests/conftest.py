from pathlib import Path

import pytest

from acuclinic.clinic.tests.personas import personas_fixture  # noqa: F401 (the `personas` fixture)


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """Uploaded documents go to a temporary var directory, not the project's."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR / "private"
