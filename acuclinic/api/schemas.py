"""What the API accepts and answers. Inputs are strict (a clear 422 rather than a guess); outputs
carry public facts only: services, practitioners, free times and a booking's own confirmation,
never a patient's name, e-mail or anything clinical."""

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StringConstraints

SLUG = r"^[-a-zA-Z0-9_]+$"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date and a time, then anything (seconds, fraction, offset) for pydantic to check. Plain
# numbers are refused: pydantic would read them as Unix timestamps, which is not our contract.
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
PHONE = r"^[0-9+().\- /x]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG, max_length=50)]


def _iso_date(value: object) -> object:
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("Use a date in the form YYYY-MM-DD.")
    return value


def _iso_datetime(value: object) -> object:
    if not isinstance(value, str) or not ISO_DATETIME.match(value):
        raise ValueError("Use an ISO 8601 date and time with its offset, e.g. 2027-01-05T16:00Z.")
    return value


def _plain_text(value: str) -> str:
    # Control characters (NUL included, which PostgreSQL refuses) have no place in a name.
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in value):
        raise ValueError("Contains characters that are not allowed.")
    return value


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError("Enter a valid e-mail address.") from None
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_datetime)]


class AvailabilityQuery(Schema):
    service: Slug = Field(description="The service's slug, from GET /api/services.")
    practitioner: Slug = Field(
        "any", description='A practitioner\'s slug, or "any" for everyone offering the service.'
    )
    start: IsoDate | None = Field(
        None, description="First local day, YYYY-MM-DD (default: today in the clinic's zone)."
    )
    days: int = Field(7, ge=1, le=62, description="How many days from `start`, 1 to 62.")


class ServiceOut(Schema):
    slug: str
    name: str
    description: str
    duration_minutes: int
    price: str | None = Field(description="Decimal as a string, e.g. '95.00'; null if not shown.")
    needs_room: bool
    practitioners: list[str] = Field(description="Slugs of the practitioners offering it.")


class PractitionerOut(Schema):
    slug: str
    name: str
    credentials: str
    services: list[str] = Field(description="Slugs of the services bookable online with them.")


class SlotOut(Schema):
    start: datetime = Field(description="UTC, ISO 8601.")
    end: datetime = Field(description="UTC, ISO 8601.")
    local_start: datetime = Field(description="The same instant with the location's offset.")
    practitioner: str
    location: str


class AvailabilityOut(Schema):
    service: str
    time_zone: str = Field(description="The location's IANA time zone, e.g. America/Denver.")
    slots: list[SlotOut]


class BookingIn(Schema):
    service: Slug
    practitioner: Slug = Field("any", description='A slug, or "any": the first one free.')
    start: Instant = Field(description="A start from /api/availability, with its offset.")
    name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=160),
        AfterValidator(_plain_text),
    ] = Field(description="The patient's full name.")
    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
        AfterValidator(_plain_text),
        AfterValidator(_email),
    ]
    phone: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=40, pattern=PHONE)
    ] = ""


class BookingOut(Schema):
    id: UUID = Field(description="The appointment's public id.")
    start: datetime
    end: datetime
    local_start: datetime
    status: str
    practitioner: str
    service: str
    location: str
    manage_url: str = Field(description="The patient's private link to cancel or reschedule.")


class CancelIn(Schema):
    # The alphabet of Django's signed values (URL-safe base64, ":" and the "." of compression).
    token: Annotated[str, StringConstraints(pattern=r"^[-A-Za-z0-9_:.]{1,500}$")] = Field(
        description="The signed token from the patient's manage link."
    )


class CancelOut(Schema):
    status: str


class Message(Schema):
    detail: str


class Taken(Schema):
    detail: str
    alternatives: list[SlotOut] = Field(description="The nearest free times.")


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Invalid(Schema):
    detail: list[FieldError]
