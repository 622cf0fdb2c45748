"""The availability engine alone (issue 3, figure F): one practitioner, 90 days, 5,000
appointments, goal 10 ms or less. Pure Python, no database; prints one table row per case.

Run: .venv/bin/python bench/engine.py   (make bench runs it before the HTTP benchmark)
"""

import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acuclinic.scheduling.availability import Schedule, Service, Window, free_slots
from acuclinic.scheduling.intervals import Interval

ZONE = ZoneInfo("America/Denver")
FIRST_DAY = date(2026, 10, 1)  # spans the 2026-11-01 change back to standard time
DAYS = 90
RUNS = 30


def appointments(count: int, seed: int = 1) -> list[Interval]:
    """`count` appointments of 30 to 90 minutes on the quarter hour during opening hours."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        opening = datetime.combine(day, clock(8), tzinfo=ZONE).astimezone(UTC)
        start = opening + timedelta(minutes=15 * rng.randrange(40))
        result.append(Interval(start, start + timedelta(minutes=rng.choice((30, 60, 90)))))
    return result


def measure(busy: list[Interval]) -> tuple[int, list[float]]:
    day_windows = (Window(clock(8), clock(12)), Window(clock(13), clock(19)))
    schedule = Schedule(weekly=dict.fromkeys(range(6), day_windows))
    service = Service(duration=timedelta(minutes=60), buffer_after=timedelta(minutes=10))
    earliest = datetime.combine(FIRST_DAY, clock(0), tzinfo=UTC)
    times, slots = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        slots = free_slots(
            schedule=schedule,
            zone=ZONE,
            service=service,
            first_day=FIRST_DAY,
            last_day=FIRST_DAY + timedelta(days=DAYS - 1),
            busy=busy,
            earliest=earliest,
            latest=earliest + timedelta(days=DAYS + 1),
        )
        times.append((time.perf_counter() - started) * 1000)
    return len(slots), times


def main() -> int:
    print(f"availability engine: one practitioner, {DAYS} days, America/Denver, {RUNS} runs each")
    print(f"{'appointments':>12} {'free slots':>10} {'median ms':>9} {'min ms':>7} {'max ms':>7}")
    median = 0.0
    for count in (0, 1_000, 5_000):
        free, times = measure(appointments(count))
        median = statistics.median(times)
        print(f"{count:>12} {free:>10} {median:>9.2f} {min(times):>7.2f} {max(times):>7.2f}")
    print(f"engine, 5,000 appointments: {median:.2f} ms median (goal <= 10 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
