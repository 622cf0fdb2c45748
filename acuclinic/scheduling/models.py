"""Services, working hours, time off and appointments.

Times of appointments are stored in UTC; working hours are local wall-clock times of their
location (decision 1). `blocked_start`/`blocked_end` are the appointment widened by its
service's buffers: the database refuses two active appointments whose blocked ranges overlap
for one practitioner or one room (decision 2, see migrations 0002), so no code path, the admin
included, can double-book.
"""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from acuclinic.clinic.models import Location, Practitioner, Room
from acuclinic.patients.models import Patient

from . import availability

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ServiceQuerySet(models.QuerySet["Service"]):
    def bookable_online(self) -> "ServiceQuerySet":
        return self.filter(is_active=True, bookable_online=True)


class Service(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.CharField(_("short description"), max_length=240, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("buffer before (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    price = models.DecimalField(_("price"), max_digits=8, decimal_places=2, null=True, blank=True)
    practitioners = models.ManyToManyField(
        Practitioner, related_name="services", verbose_name=_("offered by")
    )
    needs_room = models.BooleanField(_("needs a treatment room"), default=True)
    bookable_online = models.BooleanField(_("patients may book online"), default=True)
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=120)
    max_advance_days = models.PositiveSmallIntegerField(
        _("bookable up to (days ahead)"), default=90, validators=[MinValueValidator(1)]
    )
    step_minutes = models.PositiveSmallIntegerField(
        _("slot step (minutes)"), default=15, validators=[MinValueValidator(5)]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("service")

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer_before(self) -> timedelta:
        return timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)

    def as_engine_service(self) -> availability.Service:
        return availability.Service(
            duration=self.duration,
            step=timedelta(minutes=self.step_minutes),
            buffer_before=self.buffer_before,
            buffer_after=self.buffer_after,
            needs_room=self.needs_room,
        )


class WorkingHours(models.Model):
    """One window of a practitioner's usual week at a location; several make a day with breaks."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="working_hours"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAY_CHOICES)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["practitioner", "weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="hours_end_after_start")
        ]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The window must end after it starts.")})


class ScheduleException(models.Model):
    """A dated change to the usual week. All rows of one date replace that day's weekly
    windows; a row without times makes the day a day off."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="exceptions"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["practitioner", "date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, end__gt=F("start")),
                name="exception_times_both_or_none",
            )
        ]
        verbose_name = _("schedule exception")

    def __str__(self) -> str:
        if self.start is None:
            return f"{self.date}: {_('day off')}"
        return f"{self.date}: {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValidationError(_("Give both times, or neither for a day off."))
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The window must end after it starts.")})


class TimeOff(models.Model):
    """Holidays and other blocks, as absolute instants (they may span days)."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="time_off"
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="time_off_end_after_start")
        ]
        indexes = [models.Index(fields=["practitioner", "end"])]
        verbose_name = _("time off")
        verbose_name_plural = _("time off")

    def __str__(self) -> str:
        return f"{self.practitioner}: {self.start:%Y-%m-%d %H:%M} - {self.end:%Y-%m-%d %H:%M}"


class AppointmentSeries(models.Model):
    """A course of treatment booked at once (e.g. weekly for six weeks): all or nothing."""

    created_at = models.DateTimeField(auto_now_add=True)
    every_days = models.PositiveSmallIntegerField(default=7)
    count = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("appointment series")
        verbose_name_plural = _("appointment series")

    def __str__(self) -> str:
        return f"{self.count} appointments, every {self.every_days} days"


class Status(models.TextChoices):
    HELD = "held", _("held")
    CONFIRMED = "confirmed", _("confirmed")
    ARRIVED = "arrived", _("arrived")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
    NO_SHOW = "no_show", _("no-show")


# Every status but cancelled keeps its time: a no-show still used the practitioner's hour.
ACTIVE_STATUSES = [s for s in Status.values if s != Status.CANCELLED]


class Source(models.TextChoices):
    ONLINE = "online", _("online")
    STAFF = "staff", _("staff")
    PHONE = "phone", _("phone")
    WAITLIST = "waitlist", _("waitlist")


# Longest blocked range: a service lasts at most 600 minutes plus two buffers of 240.
MAX_BLOCKED = timedelta(days=1)


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def active(self) -> "AppointmentQuerySet":
        return self.exclude(status=Status.CANCELLED)

    def overlapping(self, start, end) -> "AppointmentQuerySet":  # type: ignore[no-untyped-def]
        # The lower bound on blocked_start is implied (no blocked range is longer than
        # MAX_BLOCKED) but lets the (practitioner, blocked_start) and (room, blocked_start)
        # indexes stop there instead of reading every earlier appointment.
        return self.filter(
            blocked_start__lt=end, blocked_end__gt=start, blocked_start__gt=start - MAX_BLOCKED
        )


def new_manage_token() -> str:
    return secrets.token_urlsafe(18)


class Appointment(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="appointments"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    # The appointment with its service's buffers, fixed at booking time so a later change to
    # the service does not move what the database guards.
    blocked_start = models.DateTimeField(editable=False)
    blocked_end = models.DateTimeField(editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    source = models.CharField(_("booked"), max_length=10, choices=Source.choices)
    staff_notes = models.TextField(_("notes for staff"), blank=True)
    series = models.ForeignKey(
        AppointmentSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    held_until = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Identifies the appointment in the patient's signed manage link without exposing its id.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start"), blocked_end__gte=F("end")),
                name="appointment_blocked_covers_time",
            ),
        ]
        indexes = [
            # Covering: availability reads tens of thousands of (who, room, blocked range)
            # rows for a busy month, from the index alone instead of one table lookup each.
            models.Index(
                fields=["practitioner", "blocked_start", "blocked_end", "room", "status"],
                name="appointment_practitioner_busy",
            ),
            models.Index(
                fields=["room", "blocked_start", "blocked_end", "practitioner", "status"],
                name="appointment_room_busy",
            ),
            models.Index(fields=["start"]),
        ]
        verbose_name = _("appointment")

    def __str__(self) -> str:
        return f"{self.service} with {self.practitioner} at {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def is_active(self) -> bool:
        return self.status != Status.CANCELLED

    def local_start(self):  # type: ignore[no-untyped-def]
        return self.start.astimezone(self.location.zone)

    def local_end(self):  # type: ignore[no-untyped-def]
        return self.end.astimezone(self.location.zone)


class AppointmentEvent(models.Model):
    """The append-only history of an appointment: who did what, when, and what changed."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=80, help_text=_("e.g. patient (online)"))
    action = models.CharField(max_length=20)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("appointment event")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class WaitlistEntry(models.Model):
    """A patient who would take a sooner time for a service (with one practitioner, or any)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offered")
        BOOKED = "booked", _("booked")
        WITHDRAWN = "withdrawn", _("withdrawn")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="waitlist")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="waitlist")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, null=True, blank=True, related_name="waitlist"
    )
    earliest = models.DateField(_("from"))
    latest = models.DateField(_("until"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")

    def __str__(self) -> str:
        return f"{self.patient} for {self.service} ({self.earliest}-{self.latest})"


class WaitlistOffer(models.Model):
    """A freed time held for one waitlisted patient until it is taken or the offer expires."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="waitlist_offer"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"offer of {self.appointment} until {self.expires_at:%Y-%m-%d %H:%M}"
