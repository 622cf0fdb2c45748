"""Who may use the staff calendar: the one place to tighten when roles arrive.

For now every active staff account may see and change the whole schedule and every
practitioner's feed address. A later issue splits front desk from practitioners; it changes
these functions, not the views.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from acuclinic.clinic.models import Practitioner


def can_use_calendar(user) -> bool:  # type: ignore[no-untyped-def]
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_manage_feed(user, practitioner: Practitioner) -> bool:  # type: ignore[no-untyped-def]
    """See a practitioner's private feed address and replace its secret."""
    return can_use_calendar(user)


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
