"""Reading the schedule for the calendar pages: local days, columns of entries, their layout.

Days are the location's local days (decision 1): a day runs from local midnight to the next
local midnight, whatever its length in hours, and an entry's place on the grid is its local
wall-clock time, so 9:00 sits at 9:00 on both sides of a daylight-saving change.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from acuclinic.clinic.models import Practitioner, Room
from acuclinic.patients.intake import INTAKE_KEY
from acuclinic.patients.models import IntakeResponse
from acuclinic.scheduling.availability import boundary_to_utc
from acuclinic.scheduling.models import Appointment, AppointmentEvent, Status, TimeOff

# The calendar pages a few generations either way; outside this a date is a typo.
MIN_DAY = date(2000, 1, 1)
MAX_DAY = date(2100, 12, 31)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
GRID_FIRST_HOUR = 7
GRID_LAST_HOUR = 20
MIN_ENTRY_MINUTES = 15
WHEN = "D j M Y, G:i T"


def parse_day(value: str | None, default: date) -> tuple[date, str | None]:
    """The day asked for in a query string, or the default and a message saying why not."""
    if not value:
        return default, None
    if ISO_DAY.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if MIN_DAY <= day <= MAX_DAY:
                return day, None
            return default, _("The calendar runs from 2000 to 2100; showing today instead.")
    return default, _("“%(value)s” is not a date (YYYY-MM-DD); showing today instead.") % {
        "value": value[:40]
    }


def local_today(zone: ZoneInfo) -> date:
    return timezone.now().astimezone(zone).date()


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day in UTC: 23, 24 or 25 hours long."""
    return (
        boundary_to_utc(day, time(0), zone),
        boundary_to_utc(day + timedelta(days=1), time(0), zone),
    )


def zone_names(day: date, zone: ZoneInfo) -> str:
    """The zone's abbreviation that day, both of them on a day the clocks change."""
    start, end = day_bounds(day, zone)
    first = start.astimezone(zone).tzname() or ""
    last = (end - timedelta(seconds=1)).astimezone(zone).tzname() or ""
    return first if first == last else f"{first} → {last}"


@dataclass
class Entry:
    """An appointment or a block of time off, as placed in one column."""

    kind: str  # "appointment" or "time-off"
    item: Appointment | TimeOff
    start: datetime  # local
    end: datetime  # local
    top: int = 0  # minutes below the top of the grid
    length: int = 0  # minutes
    lane: int = 0
    lanes: int = 1

    @property
    def is_appointment(self) -> bool:
        return self.kind == "appointment"


@dataclass
class Column:
    day: date
    practitioner: Practitioner | None = None
    room: Room | None = None
    title: str = ""
    zone_names: str = ""
    is_today: bool = False
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Grid:
    columns: list[Column]
    first_hour: int
    last_hour: int

    @property
    def minutes(self) -> int:
        return (self.last_hour - self.first_hour) * 60

    @property
    def hour_marks(self) -> list[tuple[str, int]]:
        """Each hour's label and its place on the grid, in minutes from the top."""
        return [
            (f"{hour}:00", (hour - self.first_hour) * 60)
            for hour in range(self.first_hour, self.last_hour)
        ]


def fill_columns(
    columns: Sequence[Column],
    appointments: Iterable[Appointment],
    time_off: Iterable[TimeOff],
    zone: ZoneInfo,
) -> Grid:
    """Put each appointment and block in the columns it belongs to and lay them out."""
    appointments, time_off = list(appointments), list(time_off)
    today = local_today(zone)
    for column in columns:
        start, end = day_bounds(column.day, zone)
        column.zone_names = zone_names(column.day, zone)
        column.is_today = column.day == today
        for appointment in appointments:
            if appointment.start >= end or appointment.end <= start:
                continue
            if column.practitioner and appointment.practitioner_id != column.practitioner.pk:
                continue
            if column.room and appointment.room_id != column.room.pk:
                continue
            column.entries.append(_entry("appointment", appointment, start, end, zone))
        if column.room is None:
            for block in time_off:
                if block.start >= end or block.end <= start:
                    continue
                if column.practitioner and block.practitioner_id != column.practitioner.pk:
                    continue
                column.entries.append(_entry("time-off", block, start, end, zone))
    entries = [e for c in columns for e in c.entries]
    first = min([GRID_FIRST_HOUR, *(e.top // 60 for e in entries)])
    last = max([GRID_LAST_HOUR, *(-(-(e.top + e.length) // 60) for e in entries)])
    for column in columns:
        for entry in column.entries:
            entry.top -= first * 60
        column.entries.sort(key=lambda e: (e.start, e.kind, e.end))
        _assign_lanes(column.entries)
    return Grid(list(columns), first, min(last, 24))


def _entry(
    kind: str, item: Appointment | TimeOff, day_start: datetime, day_end: datetime, zone: ZoneInfo
) -> Entry:
    local_start = max(item.start, day_start).astimezone(zone)
    local_end = min(item.end, day_end).astimezone(zone)
    day = day_start.astimezone(zone).date()
    top = _minutes_into(local_start, day)
    bottom = _minutes_into(local_end, day)
    return Entry(
        kind,
        item,
        item.start.astimezone(zone),
        item.end.astimezone(zone),
        top=top,
        length=max(bottom - top, MIN_ENTRY_MINUTES),
    )


def _minutes_into(local: datetime, day: date) -> int:
    """Wall-clock minutes after local midnight (the next midnight counts as 24:00)."""
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def _assign_lanes(entries: list[Entry]) -> None:
    """Side by side where entries overlap (time off over an appointment, a shared room)."""
    cluster: list[Entry] = []
    lane_ends: list[int] = []
    cluster_end = -1
    for entry in sorted(entries, key=lambda e: (e.top, -e.length)):
        if cluster and entry.top >= cluster_end:
            for member in cluster:
                member.lanes = len(lane_ends)
            cluster, lane_ends = [], []
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= entry.top:
                entry.lane, lane_ends[lane] = lane, entry.top + entry.length
                break
        else:
            entry.lane = len(lane_ends)
            lane_ends.append(entry.top + entry.length)
        cluster.append(entry)
        cluster_end = max(cluster_end, entry.top + entry.length)
    for member in cluster:
        member.lanes = len(lane_ends)


# --- the appointment's history ------------------------------------------------------------


def when(value: str | datetime | None, zone: ZoneInfo) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime) or timezone.is_naive(value):
        return str(value or "")
    return date_format(value.astimezone(zone), WHEN)


def _status_label(value: object) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return str(value)


def describe(event: AppointmentEvent, zone: ZoneInfo, names: dict[int, str]) -> str:
    """One line of the history, in words a receptionist reads at a glance."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    if event.action == "booked":
        if changes.get("start"):
            return _("Booked for %(when)s") % {"when": when(changes["start"], zone)}
        return _("Booked")
    if event.action == "moved":
        before, after = changes.get("from") or {}, changes.get("to") or {}
        text = _("Moved from %(old)s to %(new)s") % {
            "old": when(before.get("start"), zone),
            "new": when(after.get("start"), zone),
        }
        if before.get("practitioner") != after.get("practitioner") and after.get("practitioner"):
            text += " · " + _("now with %(name)s") % {"name": names.get(after["practitioner"], "?")}
        return text
    if event.action == "cancelled":
        reason = str(changes.get("reason") or "")
        return _("Cancelled: %(reason)s") % {"reason": reason} if reason else _("Cancelled")
    if event.action == "status":
        return _("Marked %(new)s (was %(old)s)") % {
            "new": _status_label(changes.get("to")),
            "old": _status_label(changes.get("from")),
        }
    return event.action


# --- the intake's red-flag alert -----------------------------------------------------------


def with_intake_flag(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """Each appointment with its patient's latest intake's open red flag, in the same query.

    `open_flag` is that intake's severity ("emergency", "see_physician") while nobody has
    reviewed it, else ""; `flag_intake_id` is the latest intake's id (for the clinical team's
    link). Only the severity is read, never the answers: the front desk sees the alert too.
    """
    latest = IntakeResponse.objects.filter(
        patient=OuterRef("patient_id"), questionnaire=INTAKE_KEY
    ).order_by("-started_at", "-pk")
    open_severity = latest.annotate(
        open=Case(
            When(flag_reviewed_at__isnull=True, then=F("red_flag_severity")),
            default=Value(""),
            output_field=CharField(),
        )
    ).values("open")[:1]
    return appointments.annotate(
        open_flag=Coalesce(Subquery(open_severity), Value(""), output_field=CharField()),
        flag_intake_id=Subquery(latest.values("pk")[:1]),
    )
