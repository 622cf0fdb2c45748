"""Fixtures for the booking core: a small clinic of its own, explicit and apart from the demo.

One location in America/Denver with two rooms; two practitioners, Ana and Ben, who both work
every day 09:00-12:00 and 13:00-17:00 local time; a treatment (60 minutes, 10 minutes' buffer
after, needs a room) offered by both, and a herbal consultation (45 minutes, no room) offered
by Ana only. `day` is a local day five weeks ahead: inside every service's booking horizon and
past the demo's appointments (which are for other practitioners and rooms anyway).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from acuclinic.clinic.models import Location, Practitioner, Room
from acuclinic.patients.models import Patient
from acuclinic.scheduling.availability import local_to_utc
from acuclinic.scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    Service,
    Source,
    WorkingHours,
)

DENVER = ZoneInfo("America/Denver")
WINDOWS = [(time(9), time(12)), (time(13), time(17))]


@dataclass
class World:
    location: Location
    room1: Room
    room2: Room
    ana: Practitioner
    ben: Practitioner
    treatment: Service
    herbs: Service
    patients: list[Patient]
    day: date

    @property
    def patient(self) -> Patient:
        return self.patients[0]

    def at(self, hhmm: str, day: date | None = None, *, days: int = 0) -> datetime:
        """A local wall-clock time at the location, as the UTC instant it is."""
        instant = local_to_utc(
            (day or self.day) + timedelta(days=days), time.fromisoformat(hhmm), DENVER
        )
        assert instant is not None, f"{hhmm} does not exist on that day"
        return instant

    def raw(
        self,
        start: datetime,
        *,
        practitioner: Practitioner | None = None,
        service: Service | None = None,
        room: Room | str | None = "room1",
        minutes: int | None = None,
        status: str = "confirmed",
        patient: Patient | None = None,
    ) -> Appointment:
        """An appointment written straight through the ORM, past booking.py's checks."""
        service = service or self.treatment
        end = start + timedelta(minutes=minutes or service.duration_minutes)
        if room == "room1":
            room = self.room1 if service.needs_room else None
        return Appointment.objects.create(
            patient=patient or self.patient,
            practitioner=practitioner or self.ana,
            service=service,
            location=self.location,
            room=room,
            start=start,
            end=end,
            blocked_start=start - service.buffer_before,
            blocked_end=end + service.buffer_after,
            status=status,
            source=Source.STAFF,
        )


def make_world(day: date | None = None) -> World:
    location = Location.objects.create(
        name="Test Street", slug="test-street", time_zone="America/Denver"
    )
    room1 = Room.objects.create(location=location, name="Room A")
    room2 = Room.objects.create(location=location, name="Room B")
    ana = Practitioner.objects.create(name="Ana Test", slug="ana-test")
    ben = Practitioner.objects.create(name="Ben Test", slug="ben-test")
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=p, location=location, weekday=weekday, start=start, end=end)
        for p in (ana, ben)
        for weekday in range(7)
        for start, end in WINDOWS
    )
    treatment = Service.objects.create(
        name="Test treatment",
        slug="test-treatment",
        duration_minutes=60,
        buffer_after_minutes=10,
        needs_room=True,
        min_notice_minutes=120,
        max_advance_days=90,
        step_minutes=15,
    )
    treatment.practitioners.set([ana, ben])
    herbs = Service.objects.create(
        name="Test herbs",
        slug="test-herbs",
        duration_minutes=45,
        needs_room=False,
        min_notice_minutes=60,
        max_advance_days=90,
        step_minutes=15,
    )
    herbs.practitioners.set([ana])
    patients = [
        Patient.objects.create(full_name=f"Test Patient{n}", email=f"p{n}@example.com")
        for n in range(8)
    ]
    return World(
        location=location,
        room1=room1,
        room2=room2,
        ana=ana,
        ben=ben,
        treatment=treatment,
        herbs=herbs,
        patients=patients,
        day=day or timezone.localdate(timezone.now(), DENVER) + timedelta(days=35),
    )


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world()


def overlapping() -> list[int]:
    """Active appointments whose blocked range overlaps another active one of the same
    practitioner or the same room, found by the database in one query (the property the guard
    promises: this is always empty)."""
    active = Appointment.objects.filter(status__in=ACTIVE_STATUSES)
    clash = active.filter(
        Q(practitioner_id=OuterRef("practitioner_id")) | Q(room_id=OuterRef("room_id")),
        blocked_start__lt=OuterRef("blocked_end"),
        blocked_end__gt=OuterRef("blocked_start"),
    ).exclude(pk=OuterRef("pk"))
    return list(active.filter(Exists(clash)).values_list("pk", flat=True))
