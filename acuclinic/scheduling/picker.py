"""Turning free slots into what the booking page shows: local days, each with its times.

Pure functions: slots and a zone in, display rows out. The page lists times in the location's
zone and names the zone ("MST"), so a visitor elsewhere sees the clinic's clock; a small script
adds the visitor's own time beside it when their zone differs.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .slots import Slot


@dataclass
class TimeOption:
    start: datetime  # UTC
    local: datetime
    practitioner_ids: list[int] = field(default_factory=list)

    @property
    def start_param(self) -> str:
        """The start as it travels in a URL: UTC, to the minute, with its offset."""
        return self.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass
class Day:
    date: date
    times: list[TimeOption]


def days_with_times(
    slots: Iterable[Slot], zone: ZoneInfo, first_day: date, count: int
) -> list[Day]:
    """`count` local days from `first_day`, each with its free start times in order (one
    option per start time, listing every practitioner free then)."""
    by_day: dict[date, dict[datetime, TimeOption]] = {
        first_day + timedelta(days=n): {} for n in range(count)
    }
    for slot in slots:
        local = slot.start.astimezone(zone)
        options = by_day.get(local.date())
        if options is None:
            continue
        option = options.setdefault(slot.start, TimeOption(slot.start, local))
        if slot.practitioner_id not in option.practitioner_ids:
            option.practitioner_ids.append(slot.practitioner_id)
    return [
        Day(day, [options[start] for start in sorted(options)]) for day, options in by_day.items()
    ]


def parse_start(value: str) -> datetime | None:
    """A start time from a URL or form: ISO 8601 with an offset (or Z); None if malformed or
    naive (a time without its offset is ambiguous, so it is refused rather than guessed)."""
    value = value.strip()
    if not value or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        return None
    if parsed.tzinfo is None or not 2000 <= parsed.year <= 2200:
        return None
    return parsed.astimezone(UTC)


def parse_day(value: str) -> date | None:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if 2000 <= parsed.year <= 2200 else None
