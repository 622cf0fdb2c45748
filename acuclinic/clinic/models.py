"""The clinic itself: its public identity, edited once in /cms/ and used on every page."""

import zoneinfo

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
        FieldPanel("booking_url"),
        MultiFieldPanel(
            [FieldPanel("staff_notification_email"), FieldPanel("auto_approve_known_commenters")],
            _("Reader comments"),
        ),
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
