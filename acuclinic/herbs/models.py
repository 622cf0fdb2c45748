"""Herbal prescriptions: what was written for a visit, its reasons, its dispensing, the stock.

A prescription belongs to a visit (charting) and its patient. It is a draft while it is
written; issuing locks it (actions.issue). Herb codes are the materia medica's
(materia.py); the safety check is pure (safety.py) and runs in actions.check. Writes that
span models go through actions.py, which audits them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acuclinic.charting.models import Visit
from acuclinic.clinic.models import Practitioner
from acuclinic.patients.models import Patient

from . import materia

# A day's grams of one herb above this is a typing slip, not a prescription (the largest usual
# doses, e.g. Shi Gao or Shu Di Huang, stay well below it).
MAX_GRAMS = Decimal("200")
MIN_GRAMS = Decimal("0.1")
MAX_DAYS = 90
MAX_DOSES_PER_DAY = 6
MAX_DECOCT_MINUTES = 240
MAX_TEXT = 1000
MAX_REASON = 500
MAX_RATIO = Decimal("20")


def validate_herb_code(value: str) -> None:
    if materia.get(value) is None or value != value.strip().lower():
        raise ValidationError(
            _("%(code)s is not in the materia medica."), code="unknown", params={"code": value}
        )


class Form(models.TextChoices):
    DECOCTION = "decoction", _("Raw herbs to decoct")
    GRANULES = "granules", _("Granules (concentrated powder)")


class Timing(models.TextChoices):
    BEFORE = "before", _("before food")
    AFTER = "after", _("after food")
    ANY = "any", _("with or without food")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class StartedFrom(models.TextChoices):
    EMPTY = "", _("empty")
    FORMULA = "formula", _("a classical formula")
    PREVIOUS = "previous", _("a previous prescription")


class Prescription(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="prescriptions")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="prescriptions")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.DECOCTION)
    # For granules: the concentration (5 for 5:1) of the product used; empty means each herb's
    # usual ratio (materia medica).
    granule_ratio = models.DecimalField(
        _("granule ratio"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(MAX_RATIO)],
        help_text=_("For example 5 for 5:1. Leave empty to use each herb's usual ratio."),
    )
    days = models.PositiveSmallIntegerField(
        _("days (one packet a day)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)],
    )
    doses_per_day = models.PositiveSmallIntegerField(
        _("doses a day"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DOSES_PER_DAY)],
    )
    decoct_minutes = models.PositiveSmallIntegerField(
        _("decoct for (minutes)"),
        default=40,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DECOCT_MINUTES)],
    )
    timing = models.CharField(
        _("when to take it"), max_length=6, choices=Timing.choices, default=Timing.AFTER
    )
    instructions = models.TextField(_("other instructions"), max_length=MAX_TEXT, blank=True)
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.DRAFT
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_from = models.CharField(
        _("started from"), max_length=8, choices=StartedFrom.choices, blank=True
    )
    formula_code = models.CharField(_("formula"), max_length=64, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="refills"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status=Status.DRAFT, issued_at__isnull=True, issued_by__isnull=True)
                    | Q(status=Status.ISSUED, issued_at__isnull=False, issued_by__isnull=False)
                ),
                name="prescription_issued_consistent",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="prescription_status_known"
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=MAX_DAYS), name="prescription_days_range"
            ),
        ]
        indexes = [models.Index(fields=["patient", "status", "-issued_at"])]
        verbose_name = _("herbal prescription")
        verbose_name_plural = _("herbal prescriptions")

    def __str__(self) -> str:
        return f"Prescription {self.pk}"

    @property
    def is_issued(self) -> bool:
        return self.status == Status.ISSUED

    @property
    def is_granules(self) -> bool:
        return self.form == Form.GRANULES

    @property
    def formula(self) -> materia.Formula | None:
        return materia.formula(self.formula_code) if self.formula_code else None


class PrescriptionItem(models.Model):
    prescription = models.ForeignKey(Prescription, on_delete=models.CASCADE, related_name="items")
    herb = models.CharField(_("herb"), max_length=40, validators=[validate_herb_code])
    grams = models.DecimalField(
        _("grams a day"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(MIN_GRAMS), MaxValueValidator(MAX_GRAMS)],
    )
    order = models.PositiveSmallIntegerField(default=0)
    # "" keeps the herb's usual preparation (materia.PREPARATIONS keys otherwise).
    preparation = models.CharField(
        _("preparation"),
        max_length=20,
        blank=True,
        choices=[(k, v) for k, v in materia.PREPARATIONS.items()],
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["prescription", "herb"], name="prescription_herb_once"),
            models.CheckConstraint(
                condition=Q(grams__gte=MIN_GRAMS, grams__lte=MAX_GRAMS),
                name="prescription_item_grams_range",
            ),
        ]
        verbose_name = _("herb in a prescription")
        verbose_name_plural = _("herbs in a prescription")

    def __str__(self) -> str:
        return f"{self.herb} {self.grams} g"

    @property
    def materia(self) -> materia.Herb | None:
        return materia.get(self.herb)

    @property
    def preparation_code(self) -> str:
        herb = self.materia
        return self.preparation or (herb.preparation if herb else "none")

    def total_grams(self, days: int) -> Decimal:
        return self.grams * days


class Override(models.Model):
    """A recorded reason to go ahead despite a finding (safety.py: never for a block)."""

    prescription = models.ForeignKey(
        Prescription, on_delete=models.CASCADE, related_name="overrides"
    )
    rule_id = models.CharField(_("rule"), max_length=120)
    reason = models.CharField(_("reason"), max_length=MAX_REASON)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prescription", "rule_id"], name="override_once_per_rule"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="override_reason_given"),
        ]
        verbose_name = _("override")
        verbose_name_plural = _("overrides")

    def __str__(self) -> str:
        return f"Override {self.rule_id}"


def default_currency() -> str:
    return str(getattr(settings, "HERBS_CURRENCY", "USD"))[:3].upper()


class HerbPrice(models.Model):
    herb = models.CharField(_("herb"), max_length=40, unique=True, validators=[validate_herb_code])
    per_gram = models.DecimalField(
        _("price a gram"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)

    class Meta:
        ordering = ["herb"]
        constraints = [
            models.CheckConstraint(condition=Q(per_gram__gte=0), name="herb_price_not_negative")
        ]
        verbose_name = _("herb price")
        verbose_name_plural = _("herb prices")

    def __str__(self) -> str:
        return f"{self.herb} {self.per_gram} {self.currency}/g"


class Dispensing(models.Model):
    """Who weighed out a prescription, and when. One per prescription: a refill is a new one."""

    prescription = models.OneToOneField(
        Prescription, on_delete=models.PROTECT, related_name="dispensing"
    )
    weighed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("dispensed"), default=timezone.now)
    notes = models.CharField(_("notes"), max_length=MAX_REASON, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("dispensing")
        verbose_name_plural = _("dispensings")

    def __str__(self) -> str:
        return f"Dispensing {self.pk}"


class StockQuerySet(models.QuerySet["Stock"]):
    def low(self) -> "StockQuerySet":
        return self.filter(grams_on_hand__lte=models.F("low_threshold"))


class Stock(models.Model):
    """Grams on hand of a herb (raw, or granules for a granule prescription: one count per
    herb, as the clinic keeps it). A herb with no row is not tracked."""

    herb = models.CharField(_("herb"), max_length=40, unique=True, validators=[validate_herb_code])
    grams_on_hand = models.DecimalField(
        _("grams on hand"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    low_threshold = models.DecimalField(
        _("low below (grams)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = StockQuerySet.as_manager()

    class Meta:
        ordering = ["herb"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grams_on_hand__gte=0), name="stock_never_below_zero"
            ),
            models.CheckConstraint(condition=Q(low_threshold__gte=0), name="stock_threshold_ok"),
        ]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")

    def __str__(self) -> str:
        return f"{self.herb} {self.grams_on_hand} g"

    @property
    def is_low(self) -> bool:
        return self.grams_on_hand <= self.low_threshold
