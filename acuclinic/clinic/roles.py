"""Who someone is to the clinic (decision 4): owner, practitioner, front desk or patient.

Staff roles are Django groups whose names are the role values below ("owner",
"practitioner", "front_desk"); a data migration creates them. A few screens still check a
Django permission rather than a role (comment moderation); ROLE_PERMISSIONS says which
groups carry them, and the migrations and `ensure_groups` give them. The names are what the code
matches on, so rename a group and its members lose the role; pages show the translated label.
A staff role also needs `is_staff` (the desk's master switch), and an inactive account has no
role at all. A superuser counts as the owner. A patient is an account linked to a patient
record (`Patient.user`), so this module needs no import from the patients app.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    PRACTITIONER = "practitioner", _("Practitioner")
    FRONT_DESK = "front_desk", _("Front desk")
    PATIENT = "patient", _("Patient")


# Highest first: someone in two staff groups (the owner who also treats) has the higher role.
STAFF_ROLES: tuple[Role, ...] = (Role.OWNER, Role.PRACTITIONER, Role.FRONT_DESK)
CLINICAL_ROLES = frozenset({Role.OWNER, Role.PRACTITIONER})

# Django permissions a role's group carries ("app_label.codename"). The owner runs the clinic,
# so the owner moderates readers' comments (desk/views.py checks the permission).
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {Role.OWNER: ("website.moderate_comment",)}

_CACHE = "_acuclinic_role"  # on the user object, like Django's own permission cache


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> Role | None:
    """The user's one role, or None (anonymous, inactive, or an account with no role)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if hasattr(user, _CACHE):
        return getattr(user, _CACHE)
    role = _lookup(user)
    setattr(user, _CACHE, role)
    return role


def _lookup(user) -> Role | None:  # type: ignore[no-untyped-def]
    if user.is_superuser:
        return Role.OWNER
    if user.is_staff:
        names = set(user.groups.filter(name__in=STAFF_ROLES).values_list("name", flat=True))
        for role in STAFF_ROLES:
            if role.value in names:
                return role
    # The reverse side of Patient.user; raises (an AttributeError) when there is none.
    if getattr(user, "patient", None) is not None:
        return Role.PATIENT
    return None


def is_staff_role(role: Role | None) -> bool:
    return role in STAFF_ROLES


def ensure_groups() -> dict[Role, Group]:
    """The staff groups, created if missing, with the permissions of ROLE_PERMISSIONS (the
    migrations make and fill them; a test flush removes them)."""
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in STAFF_ROLES}
    for role, names in ROLE_PERMISSIONS.items():
        wanted = Q()
        for name in names:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        groups[role].permissions.add(*Permission.objects.filter(wanted))
    return groups


def grant(user, role: Role) -> None:  # type: ignore[no-untyped-def]
    """Give a staff account a role (added to any it has) and the desk's staff flag."""
    if role not in STAFF_ROLES:
        raise ValueError("A patient is an account linked to a patient record, not a group.")
    user.groups.add(ensure_groups()[role])
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget(user)


def revoke(user, role: Role) -> None:  # type: ignore[no-untyped-def]
    user.groups.remove(*Group.objects.filter(name=role.value))
    forget(user)


def forget(user) -> None:  # type: ignore[no-untyped-def]
    """Drop the cached role after changing someone's groups or patient link."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
