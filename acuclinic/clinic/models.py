"""The clinic itself: its public identity, edited once in /cms/ and used on every page."""

import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from .hours import WEEKDAYS, OpeningHours

phone_validator = RegexValidator(
    r"^\+[1-9]\d{6,14}$", _("Enter the number in international form, e.g. +13035550142.")
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not an IANA time zone."), params={"zone": value})


class OpeningHoursBlock(blocks.StructBlock):
    weekday = blocks.ChoiceBlock(choices=list(enumerate(WEEKDAYS)), label=_("Day"))
    opens = blocks.TimeBlock(label=_("Opens"))
    closes = blocks.TimeBlock(label=_("Closes"))

    def clean(self, value):  # type: ignore[no-untyped-def]
        value = super().clean(value)
        if value["opens"] >= value["closes"]:
            raise blocks.StructBlockValidationError(
                {"closes": ValidationError(_("Closing time must be after opening time."))}
            )
        return value

    class Meta:
        icon = "time"


@register_setting(icon="home")
class ClinicSettings(BaseSiteSetting):
    name = models.CharField(_("clinic name"), max_length=120, default="Our clinic")
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    phone_display = models.CharField(_("phone (as shown)"), max_length=40, blank=True)
    phone_e164 = models.CharField(
        _("phone (international form)"),
        max_length=16,
        blank=True,
        validators=[phone_validator],
        help_text=_("Used for the tap-to-call link, e.g. +13035550142."),
    )
    email = models.EmailField(_("public e-mail"), blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country code"), max_length=2, default="US")
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/Denver", validators=[validate_time_zone]
    )
    map_url = models.URLField(_("map link"), blank=True)
    booking_url = models.CharField(_("booking link"), max_length=200, default="/book/")
    hours = StreamField([("day", OpeningHoursBlock())], blank=True, verbose_name=_("opening hours"))
    staff_notification_email = models.EmailField(
        _("e-mail for new comments"),
        blank=True,
        help_text=_("New reader comments are announced here (and to every moderator)."),
    )
    auto_approve_known_commenters = models.BooleanField(
        _("auto-approve returning commenters"),
        default=False,
        help_text=_("Publish at once a comment from someone who already has an approved one."),
    )

    cancellation_notice_hours = models.PositiveSmallIntegerField(
        _("patients may cancel or reschedule up to (hours before)"),
        default=24,
        help_text=_("Later than this, the link in their e-mail asks them to call."),
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        _("send reminders (hours before)"), default=24, help_text=_("0 sends none.")
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        _("a waitlist offer is held for (hours)"), default=2
    )
    require_staff_two_factor = models.BooleanField(
        _("require two-factor sign-in for staff"),
        default=False,
        help_text=_(
            "Staff without an authenticator app or security key are asked to set one up before "
            "the desk or the website editor opens."
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("tagline"), FieldPanel("time_zone")], _("Clinic")
        ),
        MultiFieldPanel(
            [FieldPanel("phone_display"), FieldPanel("phone_e164"), FieldPanel("email")],
            _("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldPanel("city"),
                FieldPanel("region"),
                FieldPanel("postal_code"),
                FieldPanel("country"),
                FieldPanel("map_url"),
            ],
            _("Address"),
        ),
        FieldPanel("hours"),
        MultiFieldPanel(
            [
                FieldPanel("booking_url"),
                FieldPanel("cancellation_notice_hours"),
                FieldPanel("reminder_hours_before"),
                FieldPanel("waitlist_offer_hours"),
            ],
            _("Booking"),
        ),
        MultiFieldPanel(
            [FieldPanel("staff_notification_email"), FieldPanel("auto_approve_known_commenters")],
            _("Reader comments"),
        ),
        MultiFieldPanel([FieldPanel("require_staff_two_factor")], _("Sign-in")),
    ]

    class Meta:
        verbose_name = _("clinic")

    @property
    def opening_hours(self) -> OpeningHours:
        return OpeningHours.from_rows(
            (child.value["weekday"], child.value["opens"], child.value["closes"])
            for child in self.hours
        )

    @property
    def address_lines(self) -> list[str]:
        locality = " ".join(p for p in (self.region, self.postal_code) if p)
        second = ", ".join(p for p in (self.city, locality) if p)
        return [line for line in (self.street, second) if line]


def default_clinic() -> ClinicSettings:
    """The clinic's settings outside a request (tasks, e-mails): those of the default site."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ClinicSettings()
    return ClinicSettings.for_site(site)


class Location(models.Model):
    """A place where patients are seen. Working hours there are its local wall-clock time."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/Denver", validators=[validate_time_zone]
    )
    address = models.TextField(_("address"), blank=True)
    phone_display = models.CharField(_("phone (as shown)"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Room(models.Model):
    """A treatment room: a service that needs one can only be booked when one is free."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["location", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"], name="room_name_unique_per_location"
            )
        ]
        verbose_name = _("room")

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Practitioner(models.Model):
    """Someone patients book with. Linked to a staff account when they sign in to the desk."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practitioner",
        verbose_name=_("staff account"),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    credentials = models.CharField(_("credentials"), max_length=120, blank=True)
    email = models.EmailField(
        _("e-mail for new bookings"), blank=True, help_text=_("Never shown to patients.")
    )
    is_active = models.BooleanField(_("takes appointments"), default=True)
    color = models.CharField(_("calendar colour"), max_length=7, default="#2f6f5e")
    # The secret in the practitioner's private iCalendar feed URL; replacing it revokes the feed.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        ordering = ["name"]
        verbose_name = _("practitioner")

    def __str__(self) -> str:
        return self.name


# The audit trail lives in its own module (model, record(), database guard); Django finds the
# model through this import.
from .audit import AuditEntry  # noqa: E402, F401
