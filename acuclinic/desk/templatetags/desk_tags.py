"""Small template helpers for the desk: the signed-in user's role and the red-flag badge."""

from django import template

from acuclinic.clinic.roles import CLINICAL_ROLES, role_of
from acuclinic.patients.red_flags import Severity

register = template.Library()


@register.filter
def desk_role(user: object) -> str:
    """The user's role value ("owner", "practitioner", "front_desk", ...), or ""."""
    role = role_of(user)  # type: ignore[arg-type]
    return role.value if role else ""


@register.filter
def is_clinical(user: object) -> bool:
    """Owner or practitioner: may open intake answers and other clinical data."""
    return role_of(user) in CLINICAL_ROLES  # type: ignore[arg-type]


@register.filter
def flag_label(severity: object) -> str:
    """The front-desk-safe alert for a stored severity ("emergency", "see_physician")."""
    try:
        return Severity(str(severity)).label
    except ValueError:
        return ""
