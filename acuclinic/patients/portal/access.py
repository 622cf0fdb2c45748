"""The gate to /portal/: a signed-in patient, who sees their own record only.

Views take the record from `request.patient` (set here from the account), never from an id
in the address: there is nothing to guess. Anything else a portal view loads goes through
an `access_*` function all the same (patients/access.py), which applies the same rule.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from acuclinic.clinic.roles import Role, role_of

from ..models import Patient


def own_record(user: Any) -> Patient | None:
    """The patient record linked to this account, unless the account is not a patient's or
    the record was erased."""
    if role_of(user) is not Role.PATIENT:
        return None
    patient = getattr(user, "patient", None)
    if patient is None or patient.erased_at is not None:
        return None
    return patient


def patient_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        patient = own_record(request.user)
        if patient is None:  # staff, or an account with no record: not their portal
            raise PermissionDenied
        request.patient = patient  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped
