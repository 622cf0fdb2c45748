"""Visits and what happened in them (issue 5 A): the SOAP note, the needled points, the other
modalities, the warnings acknowledged, and the amendments after signing; treatment protocols.

A signed visit is locked: nothing in the Visit row or its treatment rows changes after
signing (actions.py refuses, under a row lock); a later correction is an Amendment, which keeps
the signed text as it was. The rules for one point or one modality row live in treatment.py,
so model, forms and protocol JSON check the same way.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acuclinic.clinic.models import Practitioner
from acuclinic.patients.models import Patient

from . import treatment
from .treatment import (
    CupType,
    GuaShaTool,
    Kind,
    Marks,
    Method,
    Pattern,
    ShaColour,
    ShaExtent,
    Side,
    Technique,
    TongueCoating,
    TongueColour,
    TongueShape,
)

LONG_TEXT = 4000
SHORT_TEXT = 200


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


# The note's free-text fields, in SOAP order; amendments name one of these (or "addendum").
TEXT_FIELDS = (
    "chief_complaint",
    "changes_since_last",
    "observations",
    "tongue_notes",
    "pulse_notes",
    "pattern_notes",
    "icd10_code",
    "biomedical_diagnosis",
    "treatment_notes",
    "home_care",
    "next_visit",
)


class Visit(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    # None for a walk-in; one visit per appointment.
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit",
    )
    protocol = models.ForeignKey(
        "Protocol", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(
        _("status"), max_length=8, choices=VisitStatus.choices, default=VisitStatus.DRAFT
    )
    # S
    chief_complaint = models.TextField(_("chief complaint"), max_length=LONG_TEXT, blank=True)
    changes_since_last = models.TextField(
        _("changes since the last visit"), max_length=LONG_TEXT, blank=True
    )
    # O
    observations = models.TextField(_("observations"), max_length=LONG_TEXT, blank=True)
    tongue_colour = models.CharField(
        _("tongue body colour"), max_length=16, choices=TongueColour.choices, blank=True
    )
    tongue_coating = models.CharField(
        _("tongue coating"), max_length=16, choices=TongueCoating.choices, blank=True
    )
    tongue_shape = models.CharField(
        _("tongue shape"), max_length=16, choices=TongueShape.choices, blank=True
    )
    tongue_notes = models.TextField(_("tongue notes"), max_length=LONG_TEXT, blank=True)
    pulse = models.JSONField(_("pulse"), default=dict, blank=True)  # {position: [qualities]}
    pulse_notes = models.TextField(_("pulse notes"), max_length=LONG_TEXT, blank=True)
    # A
    pattern = models.CharField(_("TCM pattern"), max_length=32, choices=Pattern.choices, blank=True)
    pattern_notes = models.TextField(_("pattern notes"), max_length=LONG_TEXT, blank=True)
    icd10_code = models.CharField(_("ICD-10 code"), max_length=8, blank=True)
    biomedical_diagnosis = models.CharField(
        _("biomedical diagnosis"), max_length=SHORT_TEXT, blank=True
    )
    # P
    treatment_notes = models.TextField(_("treatment notes"), max_length=LONG_TEXT, blank=True)
    home_care = models.TextField(_("home care"), max_length=LONG_TEXT, blank=True)
    next_visit = models.CharField(_("next visit"), max_length=SHORT_TEXT, blank=True)
    # Pain asked before and after the treatment (outcomes scores, CHECK_IN and CHECK_OUT).
    pain_before = models.OneToOneField(
        "outcomes.Score", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pain_after = models.OneToOneField(
        "outcomes.Score", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status=VisitStatus.DRAFT, signed_at__isnull=True, signed_by__isnull=True)
                    | Q(
                        status=VisitStatus.SIGNED,
                        signed_at__isnull=False,
                        signed_by__isnull=False,
                    )
                ),
                name="visit_signed_has_signer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VisitStatus.values), name="visit_status_known"
            ),
        ]
        indexes = [models.Index(fields=["patient", "-started_at"], name="visit_patient_newest")]
        verbose_name = _("visit")

    def __str__(self) -> str:
        return f"Visit {self.pk}"  # no clinical detail: this ends up in logs

    @property
    def is_signed(self) -> bool:
        return self.status == VisitStatus.SIGNED

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        self.icd10_code, message = treatment.clean_icd10(self.icd10_code)
        if message:
            errors["icd10_code"] = message
        self.pulse, message = treatment.clean_pulse(self.pulse)
        if message:
            errors["pulse"] = message
        if errors:
            raise ValidationError(errors)


class Amendment(models.Model):
    """A correction after signing. The signed note is not changed: `old_value` is the text in
    force when the amendment was made, `new_value` what it should read now."""

    ADDENDUM = "addendum"

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    field = models.CharField(_("field"), max_length=32)
    old_value = models.TextField(_("was"), blank=True)
    new_value = models.TextField(_("now"), max_length=LONG_TEXT)
    reason = models.CharField(_("reason"), max_length=SHORT_TEXT)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=[*TEXT_FIELDS, "addendum"]), name="amendment_field_known"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason"),
        ]
        verbose_name = _("amendment")

    def __str__(self) -> str:
        return f"Amendment {self.pk} of visit {self.visit_id}"


class Acknowledgement(models.Model):
    """A caution (cautions.py) the practitioner has seen and accepted for this visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="acknowledgements")
    code = models.CharField(max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "code"], name="acknowledgement_once"),
        ]

    def __str__(self) -> str:
        return self.code


class NeedlePoint(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needles")
    order = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("point"), max_length=16)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    depth_mm = models.PositiveSmallIntegerField(
        _("depth (mm)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(treatment.DEPTH_MM[1])],
    )
    retention_min = models.PositiveSmallIntegerField(
        _("retention (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(treatment.RETENTION_MIN[1])],
    )
    technique = models.CharField(
        _("technique"), max_length=8, choices=Technique.choices, blank=True
    )
    de_qi = models.BooleanField(_("de qi"), default=False)
    electro_hz = models.PositiveSmallIntegerField(
        _("electro frequency (Hz)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(treatment.ELECTRO_HZ[1])],
    )
    electro_min = models.PositiveSmallIntegerField(
        _("electro minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(treatment.ELECTRO_MIN[1])],
    )
    moxa_on_needle = models.BooleanField(_("moxa on the needle"), default=False)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth_mm__isnull=True) | Q(depth_mm__lte=treatment.DEPTH_MM[1]),
                name="needle_depth_range",
            ),
            models.CheckConstraint(
                condition=Q(retention_min__isnull=True)
                | Q(retention_min__lte=treatment.RETENTION_MIN[1]),
                name="needle_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(electro_hz__isnull=True, electro_min__isnull=True)
                | Q(
                    electro_hz__isnull=False,
                    electro_min__isnull=False,
                    electro_hz__gte=treatment.ELECTRO_HZ[0],
                    electro_hz__lte=treatment.ELECTRO_HZ[1],
                    electro_min__gte=treatment.ELECTRO_MIN[0],
                    electro_min__lte=treatment.ELECTRO_MIN[1],
                ),
                name="needle_electro_both",
            ),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="needle_side_known"),
        ]
        verbose_name = _("needled point")

    def __str__(self) -> str:
        return f"{self.code} {self.side}"

    @property
    def has_electro(self) -> bool:
        return self.electro_hz is not None

    def as_data(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in (
                "code",
                "side",
                "depth_mm",
                "retention_min",
                "technique",
                "de_qi",
                "electro_hz",
                "electro_min",
                "moxa_on_needle",
            )
        }

    def clean(self) -> None:
        cleaned, errors = treatment.clean_needle(self.as_data())
        if errors:
            raise ValidationError(errors)
        self.code = cleaned["code"]


MODALITY_FIELDS = (
    "kind",
    "method",
    "area",
    "area_text",
    "point_code",
    "minutes",
    "cups",
    "cup_type",
    "marks",
    "sha_colour",
    "tool",
    "extent",
    "techniques",
    "units",
    "notes",
)


class Modality(models.Model):
    """Cupping, gua sha, massage (tui na) or moxibustion, one row per area treated (the sites
    or areas of one treatment are its rows). Per kind (issue 5 D):
    cupping: cup type, method (stationary, moving, flash, wet), cups, minutes, marks observed;
    gua sha: tool, minutes, sha colour and extent; massage: techniques, minutes;
    moxibustion: method (stick, cone, box, on the needle), point or area, units or minutes.
    Fields of another kind stay blank (treatment.ONLY_FOR, and the constraints below)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="modalities")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("modality"), max_length=10, choices=Kind.choices)
    method = models.CharField(_("type"), max_length=10, choices=Method.choices, blank=True)
    area = models.CharField(_("area"), max_length=32, blank=True)  # a body_regions code
    area_text = models.CharField(_("area (described)"), max_length=SHORT_TEXT, blank=True)
    point_code = models.CharField(_("point"), max_length=16, blank=True)  # moxa on a point
    minutes = models.PositiveSmallIntegerField(
        _("minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(treatment.MODALITY_MIN[1])],
    )
    cups = models.PositiveSmallIntegerField(
        _("cups"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(treatment.CUPS[1])],
    )
    cup_type = models.CharField(
        _("type of cup"), max_length=10, choices=CupType.choices, blank=True
    )
    marks = models.CharField(_("marks observed"), max_length=10, choices=Marks.choices, blank=True)
    sha_colour = models.CharField(
        _("sha colour"), max_length=10, choices=ShaColour.choices, blank=True
    )
    tool = models.CharField(_("tool"), max_length=10, choices=GuaShaTool.choices, blank=True)
    extent = models.CharField(_("sha extent"), max_length=10, choices=ShaExtent.choices, blank=True)
    techniques = models.JSONField(_("techniques"), default=list, blank=True)  # TuiNa values
    units = models.PositiveSmallIntegerField(
        _("cones or sticks"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(treatment.UNITS[1])],
    )
    notes = models.CharField(_("notes"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="modality_kind_known"),
            models.CheckConstraint(
                condition=Q(cups__isnull=True) | Q(kind=Kind.CUPPING), name="modality_cups_cupping"
            ),
            models.CheckConstraint(
                condition=Q(sha_colour="") | Q(kind=Kind.GUA_SHA), name="modality_sha_gua_sha"
            ),
            models.CheckConstraint(
                condition=Q(cup_type="", marks="") | Q(kind=Kind.CUPPING),
                name="modality_cup_fields_cupping",
            ),
            models.CheckConstraint(
                condition=Q(tool="", extent="") | Q(kind=Kind.GUA_SHA),
                name="modality_tool_gua_sha",
            ),
            models.CheckConstraint(
                condition=Q(units__isnull=True) | Q(kind=Kind.MOXA, units__lte=treatment.UNITS[1]),
                name="modality_units_moxa",
            ),
        ]
        verbose_name = _("modality")
        verbose_name_plural = _("modalities")

    def __str__(self) -> str:
        return self.kind

    def as_data(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in MODALITY_FIELDS}

    def clean(self) -> None:
        _cleaned, errors = treatment.clean_modality(self.as_data())
        if errors:
            raise ValidationError(errors)


class Protocol(models.Model):
    """A clinic's treatment template (e.g. "Low back pain, kidney deficiency"): points and
    modalities as JSON, each item checked by treatment.py."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    needles = models.JSONField(_("points"), default=list, blank=True)
    modalities = models.JSONField(_("modalities"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("protocol")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        needles, modalities, errors = treatment.clean_items(self.needles, self.modalities)
        if errors:
            raise ValidationError(errors)
        self.needles, self.modalities = needles, modalities


# --- adverse events and aftercare (issue 5 D) -------------------------------------------------


class AdverseKind(models.TextChoices):
    BRUISING = "bruising", _("Bruising")
    SYNCOPE = "syncope", _("Fainting (needle syncope)")
    PAIN = "pain", _("Pain")
    BURN = "burn", _("Burn")
    HAEMATOMA = "haematoma", _("Haematoma")
    NAUSEA = "nausea", _("Nausea")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class AdverseEvent(models.Model):
    """Something that went wrong with a treatment. Recorded on a draft or on a signed visit
    (it is often noticed later): an addition to the record, not a change of the signed note."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="adverse_events")
    kind = models.CharField(_("what happened"), max_length=10, choices=AdverseKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)
    follow_up = models.TextField(_("follow-up"), max_length=LONG_TEXT, blank=True)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AdverseKind.values), name="adverse_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="adverse_severity_known"
            ),
        ]
        verbose_name = _("adverse event")

    def __str__(self) -> str:
        return f"Adverse event {self.pk} of visit {self.visit_id}"  # no detail: logs


class Aftercare(models.Model):
    """The patient's aftercare notes for one visit: plain-language texts only (no diagnosis,
    no note), chosen from the visit's modalities when it is signed and editable after."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="aftercare")
    text = models.TextField(_("aftercare notes"), max_length=LONG_TEXT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("aftercare")

    def __str__(self) -> str:
        return f"Aftercare for visit {self.visit_id}"
