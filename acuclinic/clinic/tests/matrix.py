"""What the role matrix (test_role_matrix.py) is made of: a Route per named page, the outcome
each persona should meet there, and the world the pages are opened in. Rows live beside the
area they cover (matrix_portal.py, matrix_intake.py, ...) and are gathered in the test."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from acuclinic.scheduling.models import Appointment

from .personas import NAMES, Personas

PREFIXES = ("desk/", "portal/")
LOGIN = "login"
MISSING = 999_999


@dataclass
class World:
    personas: Personas
    appointment: Appointment


@dataclass(frozen=True)
class Route:
    expect: dict[str, int | str]
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    query: str = ""
    data: dict[str, str] = field(default_factory=dict)


def outcomes(
    *, staff: int | str = 200, front_desk: int | str | None = None,
    practitioner: int | str | None = None, owner: int | str | None = None,
    patients: int | str = 403, everyone: int | str | None = None,
) -> dict[str, int | str]:  # fmt: skip
    """A row of the table: anonymous and deactivated accounts sign in first (unless the page
    is public: `everyone`); the rest as given, staff roles defaulting to `staff`."""
    if everyone is not None:
        return dict.fromkeys(NAMES, everyone)
    return {
        "anonymous": LOGIN,
        "inactive_staff": LOGIN,
        "patient_a": patients,
        "patient_b": patients,
        "front_desk": staff if front_desk is None else front_desk,
        "practitioner": staff if practitioner is None else practitioner,
        "owner": staff if owner is None else owner,
    }


def appointment_id(world: World) -> dict[str, Any]:
    return {"appointment_id": world.appointment.pk}


def missing_appointment(world: World) -> dict[str, Any]:
    return {"appointment_id": MISSING}
