"""Test data for bench/booking.py, written straight into a throwaway database.

Run by booking.py as a subprocess whose environment points Django at that database
(ACUCLINIC_VAR_DIR, DATABASE_URL); prints one JSON object on its last line of output.

    booking_data.py clinic      the bench location, rooms, services and practitioners, plus
                                1,000 appointments in 30 days for the busy practitioner
    booking_data.py big         50 practitioners x 365 days x 20 appointments (365,000)
    booking_data.py verify      counts, and whether any two active appointments overlap
    booking_data.py profile     one availability query in-process: cProfile and EXPLAIN
    booking_data.py view PATH   one API request through the whole Django stack, profiled

Appointments are inserted in bulk but as valid rows: each one's blocked range is its start and
end widened by its service's buffers, and no two active ones of a practitioner or a room
overlap. The database's own guard (triggers on SQLite, exclusion constraints on PostgreSQL)
checks every row as it goes in. Everything is seeded, so two runs make the same calendar.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuclinic.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from acuclinic.clinic.models import Location, Practitioner, Room  # noqa: E402
from acuclinic.patients.models import Patient  # noqa: E402
from acuclinic.scheduling.models import (  # noqa: E402
    Appointment,
    Service,
    Source,
    Status,
    WorkingHours,
)

UNIT = timedelta(minutes=5)  # appointments start on a five-minute grid

# slug: (minutes, buffer before, buffer after); both bookable online, 15-minute slot grid,
# a room needed, no minimum notice, bookable 400 days ahead (the big calendar spans a year).
SERVICES = {
    "bench-quick": (15, 0, 5),
    "bench-visit": (30, 5, 10),
}

CLINIC_ZONE = "America/Denver"
BUSY = "bench-busy"  # the practitioner with 1,000 appointments in 30 days
BUSY_HOURS = (clock(6), clock(22))  # seven days a week
BOOKERS = [f"bench-booker-{n}" for n in range(1, 5)]  # empty calendars for the bookings/s run
BOOKER_HOURS = (clock(6), clock(22))
CLINIC_ROOMS = 8

BIG_LOCATIONS = [("bench-east", "America/New_York"), ("bench-west", "America/Denver")]
BIG_PRACTITIONERS = 50
BIG_DAYS = 365
BIG_PER_DAY = 20
BIG_HOURS = (clock(7), clock(21))
BIG_MIX = [("bench-quick", 0.6), ("bench-visit", 0.4)]


def out(result: dict) -> None:
    print(json.dumps(result, default=str), flush=True)


def first_day(zone: str) -> date:
    """Tomorrow at the location: every generated appointment is in the future."""
    return timezone.now().astimezone(ZoneInfo(zone)).date() + timedelta(days=1)


def ensure_services() -> dict[str, Service]:
    services = {}
    for position, (slug, (minutes, before, after)) in enumerate(SERVICES.items(), start=100):
        services[slug], _ = Service.objects.update_or_create(
            slug=slug,
            defaults={
                "name": f"Bench {slug.split('-')[1]} ({minutes} min)",
                "duration_minutes": minutes,
                "buffer_before_minutes": before,
                "buffer_after_minutes": after,
                "needs_room": True,
                "bookable_online": True,
                "min_notice_minutes": 0,
                "max_advance_days": 400,
                "step_minutes": 15,
                "position": position,
            },
        )
    return services


def make_practitioners(slugs: list[str], location: Location, hours: tuple) -> list[Practitioner]:
    Practitioner.objects.bulk_create(
        Practitioner(name=slug.replace("-", " ").title(), slug=slug) for slug in slugs
    )
    made = list(Practitioner.objects.filter(slug__in=slugs).order_by("id"))
    WorkingHours.objects.bulk_create(
        WorkingHours(
            practitioner=p, location=location, weekday=weekday, start=hours[0], end=hours[1]
        )
        for p in made
        for weekday in range(7)
    )
    return made


def make_patients(count: int, prefix: str) -> list[int]:
    Patient.objects.bulk_create(
        Patient(
            full_name=f"Bench Patient {prefix}{n}",
            email=f"{prefix}{n}@example.com",
            phone=f"+1303555{n % 10000:04d}",
        )
        for n in range(count)
    )
    return list(
        Patient.objects.filter(email__startswith=prefix).values_list("id", flat=True)[:count]
    )


def day_layout(
    rng: random.Random, window_units: int, lengths: list[int], spread: float = 3.0
) -> list[int]:
    """Start offsets (in units) of blocked ranges of the given lengths, in order, without
    overlap, inside a window. The free time is cut into uneven gaps (weights u**spread), so a
    dense day still has a few gaps long enough for a slot, as a real calendar does."""
    free = window_units - sum(lengths)
    if free < 0:
        raise ValueError("the appointments do not fit in the day")
    weights = [rng.random() ** spread for _ in range(len(lengths) + 1)]
    total = sum(weights) or 1.0
    gaps = [int(free * w / total) for w in weights]
    offsets, at = [], 0
    for gap, length in zip(gaps, lengths, strict=False):
        at += gap
        offsets.append(at)
        at += length
    return offsets


COLUMNS = (
    "patient_id",
    "practitioner_id",
    "service_id",
    "location_id",
    "room_id",
    "start",
    "end",
    "blocked_start",
    "blocked_end",
    "status",
    "source",
    "staff_notes",
    "public_id",
    "created_at",
    "updated_at",
)


def appointments_for(
    rng: random.Random,
    *,
    practitioner_id: int,
    location: Location,
    days: list[tuple[date, int]],  # (local day, how many appointments)
    hours: tuple,
    mix: list[tuple[Service, float]],
    rooms: list[int],
    patients: list[int],
    now: datetime,
) -> list[tuple]:
    """One practitioner's appointments as rows of COLUMNS (UTC datetimes): valid,
    non-overlapping, inside working hours."""
    zone = ZoneInfo(location.time_zone)
    services = [s for s, _ in mix]
    weights = [w for _, w in mix]
    result = []
    for day, count in days:
        opening = datetime.combine(day, hours[0], tzinfo=zone).astimezone(UTC)
        closing = datetime.combine(day, hours[1], tzinfo=zone).astimezone(UTC)
        window = int((closing - opening) / UNIT)
        chosen = rng.choices(services, weights, k=count)
        lengths = [
            -(-(s.duration + s.buffer_before + s.buffer_after) // UNIT) for s in chosen
        ]  # ceil
        for service, offset in zip(chosen, day_layout(rng, window, lengths), strict=True):
            blocked_start = opening + offset * UNIT
            start = blocked_start + service.buffer_before
            end = start + service.duration
            result.append(
                (
                    rng.choice(patients),
                    practitioner_id,
                    service.pk,
                    location.pk,
                    rng.choice(rooms),
                    start,
                    end,
                    blocked_start,
                    end + service.buffer_after,
                    Status.CONFIRMED.value,
                    Source.ONLINE.value if rng.random() < 0.7 else Source.STAFF.value,
                    "",
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    now,
                    now,
                )
            )
    return result


def insert(rows: list[tuple]) -> None:
    """A plain executemany, several times faster than bulk_create for 365,000 rows; values
    are stored as Django stores them (SQLite: naive UTC text and hex UUIDs).

    Newest first: the SQLite guard's lookup ("any appointment of this practitioner starting
    before my end...") then scans only the few rows already in, not the whole history."""
    rows.sort(key=lambda row: row[7], reverse=True)
    if connection.vendor == "sqlite":

        def text(value: datetime) -> str:
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

        rows = [
            (*row[:5], text(row[5]), text(row[6]), text(row[7]), text(row[8]), *row[9:12],
             row[12].hex, text(row[13]), text(row[14]))
            for row in rows
        ]  # fmt: skip
        with connection.cursor() as cursor:
            # This connection only: a big page cache, so the random-order UUID index does not
            # thrash the disk. The file is left as Django would leave it.
            cursor.execute("PRAGMA cache_size = -262144")
    table = Appointment._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def analyze() -> None:
    """PostgreSQL: statistics now, as autovacuum would soon after a bulk load. SQLite is left
    as a real install leaves it (Django never runs ANALYZE there)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def cmd_clinic(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    rng = random.Random(args.seed)
    services = ensure_services()
    location, _ = Location.objects.get_or_create(
        slug="bench-clinic", defaults={"name": "Bench clinic", "time_zone": CLINIC_ZONE}
    )
    Room.objects.bulk_create(
        Room(location=location, name=f"Bench room {n:02d}") for n in range(1, CLINIC_ROOMS + 1)
    )
    rooms = list(Room.objects.filter(location=location).values_list("id", flat=True))
    busy = make_practitioners([BUSY], location, BUSY_HOURS)[0]
    bookers = make_practitioners(BOOKERS, location, BOOKER_HOURS)
    for service in services.values():
        service.practitioners.add(busy, *bookers)
    patients = make_patients(200, "clinic")
    first = first_day(CLINIC_ZONE)
    per_day = [args.appointments // args.days] * args.days
    for n in range(args.appointments % args.days):
        per_day[n * args.days // (args.appointments % args.days)] += 1
    rows = appointments_for(
        rng,
        practitioner_id=busy.pk,
        location=location,
        days=[(first + timedelta(days=n), count) for n, count in enumerate(per_day)],
        hours=BUSY_HOURS,
        mix=[(services["bench-quick"], 1.0)],
        rooms=rooms,
        patients=patients,
        now=timezone.now(),
    )
    insert(rows)
    analyze()
    return {
        "location": location.slug,
        "time_zone": CLINIC_ZONE,
        "first_day": first.isoformat(),
        "days": args.days,
        "busy": BUSY,
        "busy_appointments": len(rows),
        "bookers": BOOKERS,
        "booker_hours": [BOOKER_HOURS[0].isoformat(), BOOKER_HOURS[1].isoformat()],
        "services": list(SERVICES),
        "rooms": len(rooms),
        "seconds": round(time.perf_counter() - started, 2),
    }


def cmd_big(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    rng = random.Random(args.seed)
    services = ensure_services()
    mix = [(services[slug], weight) for slug, weight in BIG_MIX]
    patients = make_patients(2000, "big")
    now = timezone.now()
    per_location = -(-args.practitioners // len(BIG_LOCATIONS))
    slugs: list[str] = []
    total = 0
    first = None
    for index, (slug, zone) in enumerate(BIG_LOCATIONS):
        location, _ = Location.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").title(), "time_zone": zone}
        )
        count = min(per_location, args.practitioners - index * per_location)
        if count <= 0:
            break
        names = [f"bench-{slug.split('-')[1]}-{n:02d}" for n in range(1, count + 1)]
        practitioners = make_practitioners(names, location, BIG_HOURS)
        # One room per practitioner: rooms are never what limits this calendar.
        Room.objects.bulk_create(Room(location=location, name=f"Room {n}") for n in names)
        rooms = dict(Room.objects.filter(location=location).values_list("name", "id"))  # name -> id
        for service, _weight in mix:
            service.practitioners.add(*practitioners)
        first = first_day(zone) if first is None else min(first, first_day(zone))
        days = [(first_day(zone) + timedelta(days=n), args.per_day) for n in range(args.days)]
        for practitioner, name in zip(practitioners, names, strict=True):
            rows = appointments_for(
                rng,
                practitioner_id=practitioner.pk,
                location=location,
                days=days,
                hours=BIG_HOURS,
                mix=mix,
                rooms=[rooms[f"Room {name}"]],
                patients=patients,
                now=now,
            )
            insert(rows)
            total += len(rows)
        slugs.extend(names)
    analyze()
    return {
        "locations": [slug for slug, _ in BIG_LOCATIONS],
        "practitioners": slugs,
        "appointments": total,
        "first_day": first.isoformat() if first else None,
        "days": args.days,
        "per_day": args.per_day,
        "services": [slug for slug, _ in BIG_MIX],
        "seconds": round(time.perf_counter() - started, 2),
    }


OVERLAPS_SQL = """
SELECT count(*) FROM (
    SELECT {key} AS who, blocked_start,
           lag(blocked_end) OVER (PARTITION BY {key} ORDER BY blocked_start) AS previous_end
    FROM scheduling_appointment
    WHERE status <> 'cancelled' AND {key} IS NOT NULL
) t WHERE previous_end > blocked_start
"""


def cmd_verify(args: argparse.Namespace) -> dict:
    """Row counts and a full check of the rule: no two active appointments of one practitioner
    or one room overlap (sorted by blocked start, each must begin after the previous ends)."""
    result: dict = {"appointments": Appointment.objects.count()}
    with connection.cursor() as cursor:
        for key in ("practitioner_id", "room_id"):
            cursor.execute(OVERLAPS_SQL.format(key=key))  # constants only
            result[f"overlapping_{key.removesuffix('_id')}"] = cursor.fetchone()[0]
    if args.practitioner and args.start:
        start = datetime.fromisoformat(args.start)
        result["at_slot"] = (
            Appointment.objects.active()
            .filter(practitioner__slug=args.practitioner)
            .overlapping(start, start + timedelta(minutes=1))
            .count()
        )
    if args.prefix:
        result["with_prefix"] = (
            Appointment.objects.active().filter(practitioner__slug__startswith=args.prefix).count()
        )
    return result


def cmd_profile(args: argparse.Namespace) -> dict:
    """One query as the API would make it, in-process: the time of each part, the SQL with
    EXPLAIN (QUERY PLAN on SQLite), and the top of a cProfile."""
    import cProfile
    import io
    import pstats

    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    from acuclinic.scheduling import slots

    service = Service.objects.get(slug=args.service)
    ids = (
        None
        if args.practitioner == "any"
        else [Practitioner.objects.get(slug=args.practitioner).pk]
    )
    first = date.fromisoformat(args.start)
    last = first + timedelta(days=args.days - 1)

    def query() -> list:
        return slots.find_slots(service, first_day=first, last_day=last, practitioner_ids=ids)

    query()  # warm: imports, zoneinfo cache, connection
    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        found = query()
        timings.append((time.perf_counter() - t0) * 1000)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        query()
        total_ms = (time.perf_counter() - t0) * 1000
    sql = []
    for entry in captured.captured_queries:
        plan = []
        statement = entry["sql"]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + statement)
                plan = [" ".join(str(c) for c in row[1:]) for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN ANALYZE " + statement)
                plan = [row[0] for row in cursor.fetchall()]
        sql.append({"ms": float(entry["time"]) * 1000, "sql": statement, "plan": plan})
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        query()
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(args.top)
    load_t0 = time.perf_counter()
    inputs = slots.load_inputs(
        ids or slots.offering(service), first, last, needs_room=service.needs_room
    )
    load_ms = (time.perf_counter() - load_t0) * 1000
    return {
        "vendor": connection.vendor,
        "slots": len(found),
        "busy_intervals": sum(len(v) for v in inputs.busy.values()),
        "median_ms": sorted(timings)[len(timings) // 2],
        "one_run_ms": total_ms,
        "load_inputs_ms": load_ms,
        "queries": sql,
        "profile": stream.getvalue(),
    }


def cmd_view(args: argparse.Namespace) -> dict:
    """One API request through Django's whole stack in-process (test client: middleware,
    ninja, serialisation), timed and profiled: what a gunicorn worker spends on it."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    client = Client(raise_request_exception=True)
    body = json.loads(args.body) if args.body else None
    calls = [0]

    def once() -> int:
        if body is None:
            return client.get(args.path).status_code
        sent = dict(body)
        if args.vary:  # a new slot (`vary` minutes later) and a new patient each time
            n = calls[0] = calls[0] + 1
            start = datetime.fromisoformat(body["start"]) + timedelta(minutes=args.vary * n)
            sent.update(start=start.isoformat(), email=f"{n}-{body['email']}")
        return client.post(args.path, sent, content_type="application/json").status_code

    status = once()  # warm
    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        once()
        timings.append((time.perf_counter() - t0) * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        once()
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats(args.sort).print_stats(args.top)
    return {
        "status": status,
        "median_ms": sorted(timings)[len(timings) // 2],
        "min_ms": min(timings),
        "profile": stream.getvalue(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    clinic = sub.add_parser("clinic")
    clinic.add_argument("--appointments", type=int, default=1000)
    clinic.add_argument("--days", type=int, default=30)
    clinic.add_argument("--seed", type=int, default=3)
    big = sub.add_parser("big")
    big.add_argument("--practitioners", type=int, default=BIG_PRACTITIONERS)
    big.add_argument("--days", type=int, default=BIG_DAYS)
    big.add_argument("--per-day", type=int, default=BIG_PER_DAY)
    big.add_argument("--seed", type=int, default=4)
    verify = sub.add_parser("verify")
    verify.add_argument("--practitioner")
    verify.add_argument("--start", help="ISO instant: count active appointments at it")
    verify.add_argument("--prefix", help="count active appointments of these practitioners")
    profile = sub.add_parser("profile")
    profile.add_argument("--service", default="bench-quick")
    profile.add_argument("--practitioner", default="any")
    profile.add_argument("--start", required=True)
    profile.add_argument("--days", type=int, default=31)
    profile.add_argument("--repeat", type=int, default=10)
    profile.add_argument("--top", type=int, default=25)
    view = sub.add_parser("view")
    view.add_argument("path", help="e.g. /api/availability?service=...")
    view.add_argument("--body", help="JSON: POST it instead of a GET")
    view.add_argument("--vary", type=int, default=0, help="POST: move the start N min each time")
    view.add_argument("--repeat", type=int, default=10)
    view.add_argument("--top", type=int, default=30)
    view.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    command = {
        "clinic": cmd_clinic,
        "big": cmd_big,
        "verify": cmd_verify,
        "profile": cmd_profile,
        "view": cmd_view,
    }
    out(command[args.command](args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
