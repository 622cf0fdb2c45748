"""The demo clinic's scheduling: a location, rooms, two practitioners, the services, working
hours and a few weeks of fictional appointments around today. All names are fictional; phone
numbers are in the 555-01xx range and e-mail addresses at example.com."""

import random
from datetime import date, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from acuclinic.clinic.models import Location, Practitioner, Room
from acuclinic.patients.models import Patient

from .intervals import Interval
from .models import Appointment, AppointmentEvent, Service, Source, Status, WorkingHours
from .slots import Inputs, Rules, load_inputs, slots_from

# (slug, needs a room, buffer after in minutes, who offers it)
SERVICE_RULES: dict[str, tuple[bool, int, tuple[str, ...]]] = {
    "new-patient-visit": (True, 15, ("lena-qiao", "tomas-rivera")),
    "acupuncture-back-pain": (True, 10, ("lena-qiao", "tomas-rivera")),
    "acupuncture-muscle-aches": (True, 10, ("lena-qiao", "tomas-rivera")),
    "acupuncture-pain-control": (True, 10, ("lena-qiao", "tomas-rivera")),
    "massage": (True, 10, ("tomas-rivera",)),
    "cupping": (True, 10, ("lena-qiao", "tomas-rivera")),
    "gua-sha": (True, 10, ("lena-qiao", "tomas-rivera")),
    "chinese-herbal-medicine": (False, 0, ("lena-qiao",)),
}

PRACTITIONERS: list[dict[str, Any]] = [
    {
        "slug": "lena-qiao",
        "name": "Lena Qiao",
        "credentials": "L.Ac., MSOM",
        "email": "lena@example.com",
        "color": "#2f6f5e",
        # weekday: windows (local time, America/Denver), lunch breaks between them
        "hours": {
            0: [("09:00", "12:30"), ("13:30", "18:00")],
            1: [("10:00", "13:00"), ("14:00", "19:00")],
            2: [("09:00", "12:30"), ("13:30", "18:00")],
            3: [("10:00", "13:00"), ("14:00", "19:00")],
            4: [("09:00", "15:00")],
        },
    },
    {
        "slug": "tomas-rivera",
        "name": "Tomás Rivera",
        "credentials": "L.Ac., LMT",
        "email": "tomas@example.com",
        "color": "#7a4b8c",
        "hours": {
            1: [("10:00", "14:00"), ("15:00", "19:00")],
            3: [("10:00", "14:00"), ("15:00", "19:00")],
            5: [("09:00", "13:00")],
        },
    },
]

PATIENT_NAMES = [
    "Avery Lindqvist", "Bianca Ferreira", "Caleb Okonkwo", "Dana Whitfield", "Elif Arslan",
    "Farah Haddad", "Gideon Marsh", "Hana Kobayashi", "Isaac Brennan", "Jolene Pruitt",
    "Kiran Desai", "Lucia Moretti", "Malik Johnson", "Nora Castellanos", "Owen Fairbanks",
    "Priya Raman", "Quinn Harlow", "Rosa Delgado", "Samuel Eriksen", "Tessa Vaughn",
    "Umar Siddiqui", "Violet Chambers", "Wes Tanaka", "Ximena Ortiz",
]  # fmt: skip


def seed(clinic: dict[str, Any], services: list[dict[str, Any]], today: date | None = None) -> int:
    """Create what is missing; returns how many objects were created."""
    created = 0
    address = f"{clinic['street']}\n{clinic['city']}, {clinic['region']} {clinic['postal_code']}"
    location, new = Location.objects.get_or_create(
        slug="garrison-street",
        defaults={
            "name": "Garrison Street",
            "time_zone": clinic["time_zone"],
            "address": address,
            "phone_display": clinic["phone"],
        },
    )
    created += new
    for name in ("Room 1", "Room 2"):
        created += Room.objects.get_or_create(location=location, name=name)[1]
    owner = get_user_model().objects.filter(username="demo").first()
    practitioners = {}
    for data in PRACTITIONERS:
        practitioner, new = Practitioner.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "credentials": data["credentials"],
                "email": data["email"],
                "color": data["color"],
                "user": owner if data["slug"] == "lena-qiao" else None,
            },
        )
        practitioners[data["slug"]] = practitioner
        created += new
        if new:
            WorkingHours.objects.bulk_create(
                WorkingHours(
                    practitioner=practitioner,
                    location=location,
                    weekday=weekday,
                    start=time.fromisoformat(start),
                    end=time.fromisoformat(end),
                )
                for weekday, windows in data["hours"].items()
                for start, end in windows
            )
    for position, data in enumerate(services):
        needs_room, after, offered_by = SERVICE_RULES[data["slug"]]
        service, new = Service.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "name": data["title"],
                "description": data["summary"][:240],
                "duration_minutes": data["duration_minutes"],
                "buffer_after_minutes": after,
                "price": data["price"],
                "needs_room": needs_room,
                "position": position,
            },
        )
        if new:
            service.practitioners.set([practitioners[slug] for slug in offered_by])
        created += new
    if not Appointment.objects.exists():
        created += _appointments(today or timezone.localdate())
    return created


def _appointments(today: date) -> int:
    """About two thirds of each practitioner's day booked, three weeks back and two ahead.

    The schedule is loaded once and kept up to date in memory as appointments are added (the
    same engine as find_slots, without its queries for every try): the demo is reseeded before
    many tests."""
    chooser = random.Random(20261125)
    patients = [
        Patient.objects.get_or_create(
            email=f"{name.split()[0].lower()}.{name.split()[1].lower()}@example.com",
            defaults={"full_name": name, "phone": f"(303) 555-01{n:02d}"},
        )[0]
        for n, name in enumerate(PATIENT_NAMES)
    ]
    services = list(Service.objects.prefetch_related("practitioners"))
    practitioners = list(Practitioner.objects.all())
    first, last = today - timedelta(days=21), today + timedelta(days=14)
    inputs = load_inputs([p.pk for p in practitioners], first, last, needs_room=True)
    now = timezone.now()
    planned = Rules(notice=False, hours=True, online=False)
    made = []
    day = first
    while day <= last:
        for practitioner in practitioners:
            offered = [s for s in services if practitioner in s.practitioners.all()]
            for _attempt in range(8):
                service = chooser.choice(offered)
                free = slots_from(
                    inputs,
                    service,
                    [practitioner.pk],
                    first_day=day,
                    last_day=day,
                    now=now,
                    rules=planned,
                )
                free = [s for s in free if s.start.minute in (0, 30)]
                if not free or chooser.random() < 0.3:
                    continue
                slot = chooser.choice(free)
                blocked = Interval(
                    slot.start - service.buffer_before, slot.end + service.buffer_after
                )
                room = _room_for(service, slot.location_id, blocked, inputs)
                if service.needs_room and room is None:
                    continue
                status = Status.CONFIRMED
                if slot.end < now:
                    status = Status.NO_SHOW if chooser.random() < 0.05 else Status.COMPLETED
                made.append(
                    Appointment.objects.create(
                        patient=chooser.choice(patients),
                        practitioner=practitioner,
                        service=service,
                        location_id=slot.location_id,
                        room_id=room,
                        start=slot.start,
                        end=slot.end,
                        blocked_start=blocked.start,
                        blocked_end=blocked.end,
                        status=status,
                        source=chooser.choice([Source.ONLINE, Source.ONLINE, Source.PHONE]),
                    )
                )
                inputs.busy[practitioner.pk].add(blocked)
                if room is not None:
                    inputs.room_busy[slot.location_id][room].add(blocked)
        day += timedelta(days=1)
    AppointmentEvent.objects.bulk_create(
        AppointmentEvent(appointment=a, actor_label="demo data", action="booked") for a in made
    )
    return len(made) + len(patients)


def _room_for(service: Service, location_id: int, blocked: Interval, inputs: Inputs) -> int | None:
    """The first room of the location free for the blocked time (None for a service without)."""
    if not service.needs_room:
        return None
    for room, busy in inputs.room_busy.get(location_id, {}).items():
        if busy.is_free(blocked.start, blocked.end):
            return room
    return None
