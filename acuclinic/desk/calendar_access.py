"""Who may use the staff calendar: the one place that says so (decision 4).

The owner, practitioners and the front desk see and change the whole schedule (clinic/roles.py);
patients, accounts without a role and inactive accounts do not. Feed addresses are bearer
secrets that keep working outside the desk, so a practitioner sees and replaces only their own;
the owner and the front desk, who keep everyone's schedule, manage them all.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from acuclinic.clinic.models import Practitioner
from acuclinic.clinic.roles import STAFF_ROLES, Role, role_of


def can_use_calendar(user) -> bool:  # type: ignore[no-untyped-def]
    return role_of(user) in STAFF_ROLES


def can_manage_feed(user, practitioner: Practitioner) -> bool:  # type: ignore[no-untyped-def]
    """See a practitioner's private feed address and replace its secret."""
    role = role_of(user)
    if role in (Role.OWNER, Role.FRONT_DESK):
        return True
    return role == Role.PRACTITIONER and practitioner.user_id == user.pk


def calendar_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in first, then the calendar check, before any lookup: a guessed id tells a
    stranger nothing (403 whether or not it exists)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
        if not can_use_calendar(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
