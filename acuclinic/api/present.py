"""Domain objects as the API shows them: slugs instead of ids, UTC plus local time."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from acuclinic.clinic.models import Location, Practitioner, default_clinic
from acuclinic.scheduling import links
from acuclinic.scheduling.models import Appointment, Service, WorkingHours
from acuclinic.scheduling.slots import Slot


def service(row: Service) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.name,
        "description": row.description,
        "duration_minutes": row.duration_minutes,
        "price": None if row.price is None else str(row.price),
        "needs_room": row.needs_room,
        "practitioners": [p.slug for p in row.practitioners.all()],
    }


def practitioner(row: Practitioner) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.name,
        "credentials": row.credentials,
        "services": [s.slug for s in row.services.all()],
    }


def slots(found: Sequence[Slot]) -> list[dict[str, Any]]:
    """Two queries whatever the number of slots."""
    who = dict(
        Practitioner.objects.filter(pk__in={s.practitioner_id for s in found}).values_list(
            "id", "slug"
        )
    )
    where = Location.objects.in_bulk({s.location_id for s in found})
    zones = {pk: location.zone for pk, location in where.items()}
    # Strings here, as Django's JSON encoder writes datetimes ("...Z" for UTC), so that
    # thousands of slots are encoded by json's C code without a call back per value.
    return [
        {
            "start": iso(s.start.astimezone(UTC)),
            "end": iso(s.end.astimezone(UTC)),
            "local_start": iso(s.start.astimezone(zones[s.location_id])),
            "practitioner": who[s.practitioner_id],
            "location": where[s.location_id].slug,
        }
        for s in found
    ]


def iso(moment: datetime) -> str:
    """What DjangoJSONEncoder writes for a datetime (milliseconds at most, "Z" for UTC)."""
    text = moment.isoformat()
    if moment.microsecond:
        text = text[:23] + text[26:]
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def booking(appointment: Appointment) -> dict[str, Any]:
    appointment = Appointment.objects.select_related("location", "practitioner", "service").get(
        pk=appointment.pk
    )
    return {
        "id": appointment.public_id,
        "start": appointment.start.astimezone(UTC),
        "end": appointment.end.astimezone(UTC),
        "local_start": appointment.start.astimezone(appointment.location.zone),
        "status": appointment.status,
        "practitioner": appointment.practitioner.slug,
        "service": appointment.service.slug,
        "location": appointment.location.slug,
        "manage_url": links.manage_url(appointment),
    }


def zone_for(service: Service, practitioner: Practitioner | None) -> ZoneInfo:
    """Where the service is given (the first location by name), else the clinic's zone."""
    hours = WorkingHours.objects.filter(
        practitioner__services=service, practitioner__is_active=True
    )
    if practitioner is not None:
        hours = hours.filter(practitioner=practitioner)
    location = (
        Location.objects.filter(pk__in=hours.values("location_id")).order_by("name", "id").first()
    )
    if location is not None:
        return location.zone
    return ZoneInfo(default_clinic().time_zone)
