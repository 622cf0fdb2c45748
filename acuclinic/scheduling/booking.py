"""The one way to book, move or cancel an appointment (decision 2).

Each action runs in one transaction. The check that a time is free happens inside it, and the
database refuses an overlap anyway (scheduling/overlap_guard.py): on SQLite the transaction is
IMMEDIATE, so bookings queue for the write lock and the check is exact; on PostgreSQL two
racing inserts meet the exclusion constraint and the loser gets an IntegrityError. Either way
the loser is told "that time was just taken" with the nearest free times, never an error page.
Every change writes an AppointmentEvent; messages go out after the commit.

On PostgreSQL both racers may have seen the time free (each transaction sees only what was
committed); the loser's IntegrityError is looked at again a moment later, when the winner's
appointment is visible: often only the room was lost and another room is free, otherwise the
second look says exactly what is taken.
"""

import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acuclinic.clinic.models import Location, Practitioner
from acuclinic.patients.models import Patient

from . import availability
from . import slots as slot_finder
from .availability import boundary_to_utc, local_to_utc
from .models import (
    Appointment,
    AppointmentEvent,
    AppointmentSeries,
    Service,
    Source,
    Status,
)
from .slots import ONLINE, Rules, Slot

LOCK_RETRIES = 3
CONFLICT_RETRIES = 3  # PostgreSQL: how often a lost race is looked at again


class BookingError(Exception):
    """A booking that cannot be made, with a message fit to show the person who asked."""

    def __init__(self, message: str, *, alternatives: Sequence[Slot] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.alternatives = list(alternatives)


class NotBookable(BookingError):
    """The request itself is wrong: a past or off-grid time, a service not offered..."""


class SlotTaken(BookingError):
    """The time was free when shown but someone else has it now."""


class Busy(BookingError):
    """The database stayed locked through every retry (a very busy moment)."""


@dataclass(frozen=True)
class Conflict:
    start: datetime
    reason: str
    alternatives: list[Slot] = field(default_factory=list)


class SeriesConflict(BookingError):
    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        super().__init__(
            _("%(count)d of the times in this series are not free.") % {"count": len(conflicts)}
        )
        self.conflicts = list(conflicts)


@dataclass(frozen=True)
class Actor:
    """Who made a change, for the appointment's history."""

    label: str
    user: AbstractBaseUser | None = None

    @classmethod
    def staff(cls, user: AbstractBaseUser) -> "Actor":
        return cls(label=f"staff: {user.get_username()}", user=user)


ONLINE_PATIENT = Actor("patient (online booking)")
PATIENT_LINK = Actor("patient (link in e-mail)")
API_CLIENT = Actor("API client")
SYSTEM = Actor("system")


# Messages and waitlist offers run after the commit with robust=True: once an appointment is
# committed, a failing mail server must not turn the answer into an error (or a "just taken").
def _notify(kind: str, appointment_id: int, **extra: object) -> Callable[[], None]:
    def send() -> None:
        from acuclinic.notifications import appointments as messages

        getattr(messages, kind)(appointment_id, **extra)

    return send


# --- checks ------------------------------------------------------------------------------


def _days_around(start: datetime) -> tuple[date, date]:
    """Local days that may contain a UTC instant, in any zone."""
    return (start - timedelta(days=1)).date(), (start + timedelta(days=1)).date()


NO_ROOM = gettext_lazy("There is no treatment room for this service there; please call the clinic.")


def _check_request(  # type: ignore[no-untyped-def]
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    rules: Rules,
    *,
    offers: bool = True,
):
    """`offers=False` for callers that go on to _find_slot: it learns the same from the
    inputs it loads anyway, and asks only when a time turns out not to be bookable."""
    if timezone.is_naive(start):
        raise NotBookable(_("The time must include its time zone."))
    if not service.is_active:
        raise NotBookable(
            _("%(service)s is not offered at the moment.") % {"service": service.name}
        )
    if rules.online and not service.bookable_online:
        raise NotBookable(_("This service cannot be booked online; please call the clinic."))
    if not practitioner.is_active:
        raise NotBookable(
            _("%(name)s is not taking appointments at the moment.") % {"name": practitioner.name}
        )
    if offers or not rules.hours:  # _find_slot skips the inputs when not rules.hours
        _check_offers(service, practitioner)


def _check_offers(service: Service, practitioner: Practitioner) -> None:
    if not service.practitioners.filter(pk=practitioner.pk).exists():
        raise NotBookable(
            _("%(name)s does not offer %(service)s.")
            % {"name": practitioner.name, "service": service.name}
        )


def check(
    *,
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    rules: Rules = ONLINE,
    ignore_appointment: int | None = None,
    rooms: bool = True,
) -> Slot:
    """The free slot at `start`, or the BookingError that says why not. Writes nothing (for
    pages that warn before the visitor types their details). With `rooms=False` a time whose
    rooms are all taken still passes; book() then finds it taken under the write lock."""
    _check_request(service, practitioner, start, rules, offers=False)
    return _find_slot(
        service,
        practitioner,
        start,
        rules,
        now=timezone.now(),
        ignore_appointment=ignore_appointment,
        rooms=rooms,
    )


def _find_slot(
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    rules: Rules,
    *,
    now: datetime,
    ignore_appointment: int | None = None,
    rooms: bool = True,
) -> Slot:
    """The free slot starting at `start`, or the reason there is none (`rooms=False`: leave
    the rooms to _free_room, under the write lock)."""
    first, last = _days_around(start)
    if rules.notice:
        earliest, latest = slot_finder.bounds(service, now, rules)
        if start < now:
            raise NotBookable(_("That time has already passed."))
        if start < earliest:
            hours = service.min_notice_minutes / 60
            raise NotBookable(
                _("Online bookings need %(hours)s hours' notice; please call the clinic.")
                % {"hours": f"{hours:g}"}
            )
        if start > latest:
            raise NotBookable(
                _("Bookings open %(days)d days ahead; please choose an earlier day.")
                % {"days": service.max_advance_days}
            )
    if not rules.hours:
        return _staff_slot(service, practitioner, start, ignore_appointment)
    who, inputs = slot_finder.inputs_for(
        service,
        first_day=first,
        last_day=last,
        practitioner_ids=[practitioner.pk],
        rules=rules,
        ignore_appointment=ignore_appointment,
        rooms=rooms,
    )
    if inputs is not None:
        # One load answers both questions: is it free, and (if not) would it be on an empty
        # calendar, i.e. taken rather than wrong.
        for ignore_appointments in (False, True):
            found = slot_finder.slots_from(
                inputs,
                service,
                who,
                first_day=first,
                last_day=last,
                now=now,
                rules=rules,
                ignore_appointments=ignore_appointments,
                rooms=rooms,
            )
            slot = next((s for s in found if s.start == start), None)
            if slot is not None and not ignore_appointments:
                return slot
            if slot is not None:
                raise SlotTaken(_("Sorry, that time was just taken."))
    else:
        _check_offers(service, practitioner)
    # Saying why may need the rooms: without them, _why_not loads what it needs.
    raise NotBookable(
        _why_not(service, practitioner, start, first, last, inputs if rooms else None)
    )


def _why_not(
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    first: date,
    last: date,
    inputs: slot_finder.Inputs | None = None,
) -> str:
    """Why a time inside the booking horizon is not one that can be booked at all."""
    if inputs is None:
        inputs = slot_finder.load_inputs(
            [practitioner.pk], first, last, needs_room=service.needs_room
        )
    end = start + service.duration
    working_at: int | None = None
    away = False
    for (_who, location_id), schedule in inputs.schedules.items():
        zone = inputs.locations[location_id]
        for window in availability.window_intervals(schedule, zone, first, last):
            if window.start <= start and end <= window.end:
                working_at = location_id
        away = away or any(off.start < end and start < off.end for off in schedule.time_off)
    if working_at is None:
        return _("That time is outside working hours; please choose one of the times offered.")
    if away:
        return _("%(name)s is away at that time.") % {"name": practitioner.name}
    if service.needs_room and not inputs.rooms.get(working_at):
        return str(NO_ROOM)
    # Inside the hours but not on the grid (e.g. 10:07 when appointments start every 15 min).
    return _("That is not one of the times that can be booked.")


def _staff_slot(
    service: Service, practitioner: Practitioner, start: datetime, ignore: int | None
) -> Slot:
    """Staff may book outside the hours and the grid, never over another appointment."""
    location = _staff_location(practitioner, start)
    end = start + service.duration
    clash = (
        Appointment.objects.active()
        .overlapping(*_blocked(service, start, end))
        .filter(practitioner=practitioner)
    )
    if ignore is not None:
        clash = clash.exclude(pk=ignore)
    if clash.exists():
        raise SlotTaken(
            _("%(name)s already has an appointment at that time.") % {"name": practitioner.name}
        )
    return Slot(start, practitioner.pk, location.pk, end)


def _staff_location(practitioner: Practitioner, start: datetime) -> Location:
    from .models import WorkingHours

    hours = WorkingHours.objects.filter(practitioner=practitioner).select_related("location")
    for row in hours:
        if start.astimezone(row.location.zone).weekday() == row.weekday:
            return row.location
    if hours:
        return hours[0].location
    location = Location.objects.first()
    if location is None:
        raise NotBookable(_("Add a location before booking appointments."))
    return location


def _free_room(
    service: Service,
    location_id: int,
    blocked: tuple[datetime, datetime],
    ignore: int | None,
    *,
    prefer: int | None = None,
) -> int | None:
    """A room free for the blocked range (the preferred one if it is free), or SlotTaken."""
    if not service.needs_room:
        return None
    from acuclinic.clinic.models import Room

    taken = (
        Appointment.objects.active()
        .overlapping(*blocked)
        .filter(room__location_id=location_id)
        .exclude(pk=ignore)
        .values_list("room_id", flat=True)
    )
    free = list(
        Room.objects.filter(location_id=location_id, is_active=True)
        .exclude(pk__in=taken)
        .order_by("name", "id")
        .values_list("pk", flat=True)
    )
    if not free:
        if not Room.objects.filter(location_id=location_id, is_active=True).exists():
            raise NotBookable(str(NO_ROOM))
        raise SlotTaken(_("Sorry, no treatment room is free at that time."))
    return prefer if prefer in free else free[0]


def alternatives(
    service: Service,
    near: datetime,
    *,
    practitioner_ids: Sequence[int] | None = None,
    rules: Rules = ONLINE,
    count: int = 6,
    ignore_appointment: int | None = None,
) -> list[Slot]:
    """The free times nearest to `near` (three days either side, none past), for a refusal's
    message."""
    day = near.date()
    now = timezone.now()
    found = slot_finder.find_slots(
        service,
        first_day=day - timedelta(days=3),
        last_day=day + timedelta(days=3),
        practitioner_ids=practitioner_ids,
        rules=rules,
        now=now,
        ignore_appointment=ignore_appointment,
    )
    return slot_finder.nearest([s for s in found if s.start >= now], near, count)


def _with_lock_retries[T](action: Callable[[], T], *, conflicts: int = 0) -> T:
    """Run a write transaction, retrying a moment later if SQLite stayed locked (pretix does
    the same with its quota lock); after that, a polite "busy" rather than an error page.
    With `conflicts`, an IntegrityError (a race lost on PostgreSQL) is retried that many times:
    the action looks again and either succeeds (another room) or names what is taken."""
    locked = lost = 0
    while True:
        try:
            return action()
        except OperationalError as error:
            # SQLite: "database is locked". PostgreSQL: "deadlock detected" (two series
            # inserting clashing rows in opposite order); the next try sees the other committed.
            if "locked" not in str(error) and "deadlock" not in str(error):
                raise
            locked += 1
            if locked >= LOCK_RETRIES:
                raise Busy(_("The booking system is very busy; please try again.")) from error
            clock.sleep(0.05 * locked)
        except IntegrityError:
            lost += 1
            if lost > conflicts:
                raise


def _blocked(service: Service, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return start - service.buffer_before, end + service.buffer_after


# --- actions -----------------------------------------------------------------------------


def book(
    *,
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    patient: Patient,
    actor: Actor,
    source: str = Source.ONLINE,
    rules: Rules = ONLINE,
    staff_notes: str = "",
    idempotency_key: str | None = None,
    status: str = Status.CONFIRMED,
    held_until: datetime | None = None,
    notify: bool = True,
    slot: Slot | None = None,
) -> Appointment:
    """Book one appointment, or raise a BookingError whose message can be shown as it is.

    With an idempotency key, asking twice (a double-clicked form, a retried API call) returns
    the first booking instead of making a second (for the same patient only: a key is no
    way to see someone else's booking).

    `slot`: what check() just answered for this practitioner and start, to save looking
    again (the caller has then handled a retry whose time its first answer took).
    """
    if slot is not None and (slot.start, slot.practitioner_id) != (start, practitioner.pk):
        raise ValueError("the slot given is not the one asked for")
    if slot is None and idempotency_key and (done := _by_key(idempotency_key, patient)):
        return done
    _check_request(service, practitioner, start, rules, offers=False)
    now = timezone.now()

    def attempt() -> Appointment:
        nonlocal slot
        # The full check (hours, grid, notice, time off, appointments: four queries and the
        # engine) before the write lock: on SQLite every other booking waits while it is held.
        # Inside, the database's guard refuses a time taken meanwhile (IntegrityError, below),
        # and _free_room picks the room (SlotTaken when none is free).
        # The slot given counts for the first attempt only: a retry looks again.
        found = slot or _find_slot(service, practitioner, start, rules, now=now, rooms=False)
        slot = None
        with transaction.atomic():
            # No look-up of the key in here: it is unique, so a twin request racing this one
            # fails to insert (IntegrityError) and is answered with this booking below.
            appointment = _insert(
                service, found, patient, source, status, staff_notes, idempotency_key, held_until
            )
            changes: dict[str, object] = {"start": start.isoformat(), "status": status}
            if not notify:  # the sweep then leaves its confirmation out too
                changes["notify"] = False
            _log(appointment, actor, "booked", changes)
            if notify and status == Status.CONFIRMED:
                transaction.on_commit(_notify("booked", appointment.pk), robust=True)
            return appointment

    try:
        return _with_lock_retries(attempt, conflicts=CONFLICT_RETRIES)
    except (IntegrityError, SlotTaken) as error:
        if idempotency_key and (done := _by_key(idempotency_key, patient)):
            return done
        message = (
            error.message if isinstance(error, SlotTaken) else _("Sorry, that time was just taken.")
        )
        raise SlotTaken(
            message,
            alternatives=alternatives(service, start, practitioner_ids=None, rules=rules),
        ) from error


def _by_key(key: str, patient: Patient) -> Appointment | None:
    done = Appointment.objects.filter(idempotency_key=key).first()
    if done is not None and done.patient_id != patient.pk:
        raise NotBookable(_("This booking request was already used; please start again."))
    return done


def _insert(
    service: Service,
    slot: Slot,
    patient: Patient,
    source: str,
    status: str,
    staff_notes: str,
    idempotency_key: str | None,
    held_until: datetime | None,
    series: AppointmentSeries | None = None,
) -> Appointment:
    blocked = _blocked(service, slot.start, slot.end)
    return Appointment.objects.create(
        patient=patient,
        practitioner_id=slot.practitioner_id,
        service=service,
        location_id=slot.location_id,
        room_id=_free_room(service, slot.location_id, blocked, None),
        start=slot.start,
        end=slot.end,
        blocked_start=blocked[0],
        blocked_end=blocked[1],
        status=status,
        source=source,
        staff_notes=staff_notes,
        idempotency_key=idempotency_key,
        held_until=held_until,
        series=series,
    )


def _log(appointment: Appointment, actor: Actor, action: str, changes: dict) -> None:  # type: ignore[type-arg]
    AppointmentEvent.objects.create(
        appointment=appointment,
        actor=actor.user if actor.user is not None and actor.user.is_authenticated else None,
        actor_label=actor.label,
        action=action,
        changes=changes,
    )


def series_starts(
    first: datetime, zone: ZoneInfo, *, every_days: int, count: int
) -> list[datetime | None]:
    """Each occurrence at the same local wall-clock time as the first (09:00 stays 09:00
    across a daylight-saving change); None where that local time does not exist."""
    local = first.astimezone(zone)
    result = []
    for n in range(count):
        day = local.date() + timedelta(days=every_days * n)
        result.append(local_to_utc(day, local.time().replace(tzinfo=None), zone))
    return result


def book_series(
    *,
    service: Service,
    practitioner: Practitioner,
    first_start: datetime,
    every_days: int,
    count: int,
    patient: Patient,
    actor: Actor,
    source: str = Source.ONLINE,
    rules: Rules = ONLINE,
    idempotency_key: str | None = None,
) -> list[Appointment]:
    """Book a course of treatment: every occurrence or none. A SeriesConflict lists each time
    that is not free (the first included) with the nearest alternatives."""
    if idempotency_key and (done := _series_by_key(idempotency_key, patient)):
        return done
    if not 1 <= count <= 52 or not 1 <= every_days <= 90:
        raise NotBookable(_("A series has 1 to 52 appointments, 1 to 90 days apart."))
    _check_request(service, practitioner, first_start, rules)
    now = timezone.now()
    zone = _staff_location(practitioner, first_start).zone
    local = first_start.astimezone(zone)
    days = [local.date() + timedelta(days=every_days * n) for n in range(count)]
    starts = series_starts(first_start, zone, every_days=every_days, count=count)

    def attempt() -> list[Appointment]:
        with transaction.atomic():
            if idempotency_key and (done := _series_by_key(idempotency_key, patient)):
                return done
            found: list[Slot] = []
            conflicts: list[Conflict] = []
            for day, start in zip(days, starts, strict=True):
                if start is None:
                    when = boundary_to_utc(day, local.time(), zone)
                    conflicts.append(Conflict(when, _("That local time does not exist that day.")))
                    continue
                try:
                    found.append(_find_slot(service, practitioner, start, rules, now=now))
                except BookingError as error:
                    conflicts.append(Conflict(start, error.message))
            if conflicts:
                raise SeriesConflict(conflicts)  # nothing was written
            series = AppointmentSeries.objects.create(
                every_days=every_days, count=count, idempotency_key=idempotency_key
            )
            booked = []
            for slot in found:
                appointment = _insert(
                    service, slot, patient, source, Status.CONFIRMED, "", None, None, series
                )
                _log(
                    appointment,
                    actor,
                    "booked",
                    {"start": slot.start.isoformat(), "series": series.pk},
                )
                booked.append(appointment)
            transaction.on_commit(_notify("booked", booked[0].pk, series=True), robust=True)
            return booked

    try:
        return _with_lock_retries(attempt, conflicts=CONFLICT_RETRIES)
    except SeriesConflict as error:
        # The alternatives are looked up after the transaction, not while holding the lock.
        raise SeriesConflict(
            [
                Conflict(
                    c.start,
                    c.reason,
                    alternatives(
                        service, c.start, practitioner_ids=[practitioner.pk], rules=rules, count=3
                    ),
                )
                for c in error.conflicts
            ]
        ) from None
    except IntegrityError as error:
        if idempotency_key and (done := _series_by_key(idempotency_key, patient)):
            return done
        raise SlotTaken(
            _("Sorry, one of those times was just taken; please look again.")
        ) from error


def _series_by_key(key: str, patient: Patient) -> list[Appointment] | None:
    series = AppointmentSeries.objects.filter(idempotency_key=key).first()
    if series is None:
        return None
    done = list(series.appointments.order_by("start"))
    if any(a.patient_id != patient.pk for a in done):
        raise NotBookable(_("This booking request was already used; please start again."))
    return done


def move(
    appointment: Appointment,
    *,
    start: datetime,
    actor: Actor,
    practitioner: Practitioner | None = None,
    rules: Rules = ONLINE,
) -> Appointment:
    """Reschedule (and possibly reassign) an appointment; the old time is free again at once."""
    practitioner = practitioner or appointment.practitioner
    service = appointment.service
    if not appointment.is_active:
        raise NotBookable(_("This appointment was cancelled."))
    _check_request(service, practitioner, start, rules)
    now = timezone.now()

    def attempt() -> Appointment:
        with transaction.atomic():
            current = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if not current.is_active:
                raise NotBookable(_("This appointment was cancelled."))
            if current.start == start and current.practitioner_id == practitioner.pk:
                return current  # asked twice: nothing to change, nothing to tell anyone
            before = {"start": current.start.isoformat(), "practitioner": current.practitioner_id}
            previous_start = current.start
            slot = _find_slot(
                service, practitioner, start, rules, now=now, ignore_appointment=current.pk
            )
            blocked = _blocked(service, slot.start, slot.end)
            current.practitioner_id = slot.practitioner_id
            current.location_id = slot.location_id
            current.room_id = _free_room(
                service, slot.location_id, blocked, current.pk, prefer=current.room_id
            )
            current.start, current.end = slot.start, slot.end
            current.blocked_start, current.blocked_end = blocked
            current.save(
                update_fields=[
                    "practitioner",
                    "location",
                    "room",
                    "start",
                    "end",
                    "blocked_start",
                    "blocked_end",
                    "updated_at",
                ]
            )
            _log(
                current,
                actor,
                "moved",
                {
                    "from": before,
                    "to": {"start": start.isoformat(), "practitioner": practitioner.pk},
                },
            )
            transaction.on_commit(
                _notify("moved", current.pk, previous_start=previous_start), robust=True
            )
            return current

    try:
        return _with_lock_retries(attempt, conflicts=CONFLICT_RETRIES)
    except (IntegrityError, SlotTaken) as error:
        message = (
            error.message if isinstance(error, SlotTaken) else _("Sorry, that time was just taken.")
        )
        raise SlotTaken(
            message,
            alternatives=alternatives(
                service,
                start,
                practitioner_ids=[practitioner.pk],
                rules=rules,
                ignore_appointment=appointment.pk,
            ),
        ) from error


def cancel(
    appointment: Appointment, *, actor: Actor, reason: str = "", notify: bool = True
) -> Appointment:
    """Cancel; the time is free at once and offered to the waitlist."""

    def attempt() -> Appointment:
        with transaction.atomic():
            current = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if current.status == Status.CANCELLED:
                return current
            previous = current.status
            current.status = Status.CANCELLED
            current.save(update_fields=["status", "updated_at"])
            _log(current, actor, "cancelled", {"from": previous, "reason": reason[:200]})
            if notify and previous != Status.HELD:
                transaction.on_commit(_notify("cancelled", current.pk), robust=True)
            transaction.on_commit(_offer_freed_time(current.pk), robust=True)
            return current

    return _with_lock_retries(attempt)


def _offer_freed_time(appointment_id: int) -> Callable[[], None]:
    def offer() -> None:
        from .tasks import offer_freed_time

        offer_freed_time.enqueue(appointment_id)

    return offer


STATUS_CHANGES = {
    Status.CONFIRMED: {Status.ARRIVED, Status.NO_SHOW, Status.COMPLETED},
    Status.ARRIVED: {Status.COMPLETED, Status.CONFIRMED},
    Status.NO_SHOW: {Status.CONFIRMED},
    Status.COMPLETED: {Status.ARRIVED},
    Status.HELD: {Status.CONFIRMED},
}


def set_status(appointment: Appointment, status: str, *, actor: Actor) -> Appointment:
    """Arrived, no-show, completed (and undoing a mistaken one). Cancelling is cancel()."""
    if status not in Status.values:
        raise NotBookable(_("That is not a status an appointment can have."))

    def attempt() -> Appointment:
        with transaction.atomic():
            current = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if status == current.status:
                return current
            if status not in STATUS_CHANGES.get(current.status, set()):
                raise NotBookable(
                    _("An appointment that is %(now)s cannot become %(new)s.")
                    % {"now": current.get_status_display(), "new": Status(status).label}
                )
            previous = current.status
            current.status = status
            fields = ["status", "updated_at"]
            if previous == Status.HELD:
                current.held_until = None  # no longer held for anyone: it is theirs
                fields.append("held_until")
            current.save(update_fields=fields)
            _log(current, actor, "status", {"from": previous, "to": status})
            return current

    return _with_lock_retries(attempt)
