"""The booking endpoints: services, practitioners, availability, book, cancel.

Nothing here lists appointments or patients: a booking's answer describes that booking only,
and only to the caller who made it.
"""

from datetime import UTC, timedelta
from typing import Annotated

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Header, Query, Router, Status
from pydantic import StringConstraints

from acuclinic.clinic.models import Practitioner
from acuclinic.scheduling.models import Service
from acuclinic.scheduling.slots import find_slots

from . import flow, present
from .schemas import (
    AvailabilityOut,
    AvailabilityQuery,
    BookingIn,
    BookingOut,
    CancelIn,
    CancelOut,
    Invalid,
    Message,
    PractitionerOut,
    ServiceOut,
    Taken,
)
from .throttling import WriteThrottle

router = Router(tags=["booking"])
writes = WriteThrottle()

IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,255}$")]


@router.get("/services", response=list[ServiceOut], summary="Services bookable online")
def services(request: HttpRequest) -> list[dict]:
    offered_by = Practitioner.objects.filter(is_active=True).order_by("name", "id")
    rows = Service.objects.bookable_online().prefetch_related(
        Prefetch("practitioners", queryset=offered_by)
    )
    return [present.service(row) for row in rows]


@router.get("/practitioners", response=list[PractitionerOut], summary="Active practitioners")
def practitioners(request: HttpRequest) -> list[dict]:
    rows = Practitioner.objects.filter(is_active=True).prefetch_related(
        Prefetch("services", queryset=Service.objects.bookable_online())
    )
    return [present.practitioner(row) for row in rows]


@router.get(
    "/availability",
    response={200: AvailabilityOut, 422: Invalid},
    summary="Free times for a service",
    description=(
        'With practitioner "any", each free start is listed once, in time order, with the '
        "practitioner a booking for it would get (the first free then, in name order). Slots "
        "respect the online rules: minimum notice, "
        "how far ahead a service may be booked, working hours, breaks, time off and rooms."
    ),
)
def availability(request: HttpRequest, query: Query[AvailabilityQuery]) -> JsonResponse:
    service = flow.online_service(query.service, "query")
    practitioner = flow.practitioner_for(service, query.practitioner, "query")
    zone = present.zone_for(service, practitioner)
    first = flow.first_day(query.start, timezone.now().astimezone(zone).date())
    found = find_slots(
        service,
        first_day=first,
        last_day=first + timedelta(days=query.days - 1),
        practitioner_ids=None if practitioner is None else [practitioner.pk],
        one_per_start=practitioner is None,
    )
    # Thousands of slots over weeks: plain JSON, not ninja's per-object validation of what
    # present.slots already shaped (the schema above still documents it).
    body = {"service": service.slug, "time_zone": zone.key, "slots": present.slots(found)}
    return JsonResponse(body)


@router.post(
    "/bookings",
    response={201: BookingOut, 400: Message, 409: Taken, 422: Invalid, 429: Message, 503: Message},
    throttle=[writes],
    summary="Book an appointment",
    description=(
        "The patient is found by e-mail (case-insensitive) or created; the answer is the same "
        "either way. With an `Idempotency-Key` header, repeating the same request returns the "
        "first booking instead of making another. 409: the time was just taken (with the "
        "nearest free times); 400: the time cannot be booked online."
    ),
)
def create_booking(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")] = None,
) -> Status:
    service = flow.online_service(payload.service, "body")
    practitioner = flow.practitioner_for(service, payload.practitioner, "body")
    flow.check_start(service, payload.start)
    start = payload.start.astimezone(UTC)
    key = flow.idempotency_key(idempotency_key, payload, start)
    appointment = flow.book(service, practitioner, start, payload, key)
    return Status(201, present.booking(appointment))


@router.post(
    "/bookings/cancel",
    response={200: CancelOut, 400: Message, 404: Message, 422: Invalid, 429: Message},
    throttle=[writes],
    summary="Cancel with the patient's manage-link token",
)
def cancel_booking(request: HttpRequest, payload: CancelIn) -> dict:
    flow.cancel(payload.token)
    return {"status": "cancelled"}
