from pathlib import Path
from typing import Any

import pytest

from acuclinic.clinic.tests.personas import personas_fixture  # noqa: F401 (the `personas` fixture)


@pytest.fixture
def private_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploaded documents go to a temporary var directory, not the project's."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR / "private"
