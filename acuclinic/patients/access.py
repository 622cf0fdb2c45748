"""The one gate through which a view loads a patient's data (decision 4, STYLE.md "access
functions"): `access_patient` now; `access_intake`, `access_visit`, `access_prescription` are
the same three lines over `load(...)` with another queryset and `patient_path`.

Whatever the user may not see is a 404, exactly like an id that does not exist, is not a
number, is negative or is too big: a guessed id tells nobody whether it is a patient. The
rule is applied inside the query (a patient's lookup is filtered by their own account), so
"forbidden" and "missing" are also the same query.

Who sees what:
- CONTACT (who the patient is and how to reach them): owner, practitioners, front desk; a
  patient only their own record.
- CLINICAL (intake answers, notes, prescriptions, scores): owner and practitioners; a patient
  only their own; the front desk never.

Audit: every CLINICAL read writes an entry, whoever reads. A CONTACT read by staff writes one
too: at an acupuncture clinic, that someone is a patient at all is health information, and one
record opened on purpose is exactly what an access report should show. A patient reading
their own contact details writes none. Lists and searches (the calendar's patient search) are
not single-record reads and are not written here.
"""

import enum
from typing import Any

from django.db import models
from django.http import Http404, HttpRequest

from acuclinic.clinic import audit
from acuclinic.clinic.roles import CLINICAL_ROLES, STAFF_ROLES, Role, role_of

from .models import Patient

# Primary keys are 64-bit (BigAutoField); anything past this is not an id of ours.
MAX_ID = 2**63 - 1


class Purpose(enum.StrEnum):
    CONTACT = "contact"
    CLINICAL = "clinical"


# The roles that see every patient's data for a purpose; everyone else sees only their own.
SEES_ALL: dict[Purpose, frozenset[Role]] = {
    Purpose.CONTACT: frozenset(STAFF_ROLES),
    Purpose.CLINICAL: CLINICAL_ROLES,
}


def parse_id(value: object) -> int | None:
    """A positive 64-bit id from a URL or form value, else None. Only plain ASCII digits:
    no sign, spaces, underscores or other scripts' digits, which int() would accept."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def visible[M: models.Model](
    queryset: models.QuerySet[M], user: Any, purpose: Purpose, *, patient_path: str = ""
) -> models.QuerySet[M]:
    """The part of `queryset` the user may see for `purpose`. `patient_path` leads from the
    model to its Patient ("" for Patient itself, "patient" for a record that points to one)."""
    role = role_of(user)
    if role is None:
        return queryset.none()
    if role in SEES_ALL[purpose]:
        return queryset
    own = f"{patient_path}__user" if patient_path else "user"
    return queryset.filter(**{own: user})


def load[M: models.Model](
    request: HttpRequest,
    queryset: models.QuerySet[M],
    record_id: object,
    purpose: Purpose,
    *,
    patient_path: str = "",
) -> M:
    """The shared helper behind every `access_*` function: the record, or Http404; and the
    audit entry for the read."""
    purpose = Purpose(purpose)  # "clinical" as a plain string is audited all the same
    pk = parse_id(record_id)
    if pk is None:
        raise Http404
    found = visible(queryset, request.user, purpose, patient_path=patient_path).filter(pk=pk)
    record = found.first()
    if record is None:
        raise Http404
    patient_id = _patient_id(record, patient_path)
    if purpose is Purpose.CLINICAL or role_of(request.user) in STAFF_ROLES:
        audit.record(
            action=audit.Action.VIEW,
            record_type=record,
            record_id=record.pk,
            patient_id=patient_id,
            request=request,
            detail={"purpose": str(purpose)},
        )
    return record


def _patient_id(record: models.Model, patient_path: str) -> int:
    if not patient_path:
        return record.pk
    # "patient" -> record.patient_id; a longer path ("visit__patient") walks the objects.
    *through, last = patient_path.split("__")
    obj: Any = record
    for step in through:
        obj = getattr(obj, step)
    return getattr(obj, f"{last}_id")


def access_patient(request: HttpRequest, patient_id: object, purpose: Purpose) -> Patient:
    """The patient with this id, if the signed-in user may see it for `purpose`; else 404.
    No default purpose: each view says whether it shows contact details or clinical data."""
    return load(request, Patient.objects.all(), patient_id, purpose)
