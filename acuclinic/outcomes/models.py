"""Scores as they were given: one row per number a patient reported, where and when.

The pure modules (scoring.py, responders.py, stats.py) compute from these; nothing here fills
in a missing score. `measure` is a key of scoring.py (`nprs`, `rmdq`, `odi`, `psfs`, `pgic`),
and for the pain rating `item` says which question it answered (now, average, worst).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acuclinic.patients.models import Patient


class Source(models.TextChoices):
    DIARY = "diary", _("Pain diary")
    INTAKE = "intake", _("Intake")
    CHECK_IN = "check_in", _("Before the visit")
    CHECK_OUT = "check_out", _("After the visit")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")


class PainItem(models.TextChoices):
    NOW = "now", _("Pain now")
    AVERAGE = "average", _("Average pain, last 7 days")
    WORST = "worst", _("Worst pain, last 7 days")


class Score(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="scores")
    measure = models.CharField(_("measure"), max_length=16)
    item = models.CharField(_("item"), max_length=16, blank=True)  # PainItem for nprs
    value = models.DecimalField(
        _("score"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
    )
    observed_at = models.DateTimeField(_("when"), default=timezone.now)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scores",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["observed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(measure="nprs") | Q(value__gte=0, value__lte=10),
                name="score_nprs_range",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "measure", "observed_at"], name="score_patient_measure")
        ]
        verbose_name = _("score")

    def __str__(self) -> str:
        return f"{self.measure} {self.value} ({self.get_source_display()})"


class CourseSummary(models.Model):
    """What the clinic report needs from one course of treatment (data.Episode), computed by
    summary.py from the scores and attended visits. A derived cache, never edited by hand:
    rewritten for one patient whenever a score or an appointment of theirs changes (signals in
    apps.py), or for everyone by `manage.py rebuild_outcome_summaries`. Levels are
    responders.Response values ("none", "moderate", "substantial"); "" when missing.
    Who counts as a back-pain patient (intake submitted, not erased) is read at report time."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()  # the patient's first course is 1
    start = models.DateTimeField()  # the first attended visit's start
    # The last attended visit's start: the report's treatment filters look at the charted
    # visits in [start, last_visit]. Null only on a row no rebuild has filled.
    last_visit = models.DateTimeField(null=True)
    practitioner_id = models.BigIntegerField(null=True)  # who saw the patient at visit 1
    visits = models.PositiveIntegerField()
    first_follow_up = models.DateTimeField(null=True)  # earliest follow-up score (report.py)
    has_baseline = models.BooleanField()
    first_level = models.CharField(max_length=16, blank=True)  # pain, after the first visit
    end_level = models.CharField(max_length=16, blank=True)  # pain, end of course
    function_level = models.CharField(max_length=16, blank=True)  # RMDQ/ODI, end of course
    counts_to_respond = models.BooleanField()  # baseline above 0 and a later check-in given
    first_response_visit = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "number"], name="course_summary_unique")
        ]
        indexes = [
            models.Index(fields=["start"], name="course_summary_start"),
            models.Index(fields=["practitioner_id", "start"], name="course_summary_pract"),
        ]

    def __str__(self) -> str:
        return f"course {self.number} of patient {self.patient_id}"


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    STOPPED = "stopped", _("The patient stopped coming")
    REFERRED = "referred", _("Referred on")
    OTHER = "other", _("Other")


class DischargeQuerySet(models.QuerySet["Discharge"]):
    def standing(self) -> "DischargeQuerySet":
        """Discharges not undone (an undone one stays, for the record, but counts for nothing)."""
        return self.filter(withdrawn_at__isnull=True)

    def current_for(self, patient_id: int) -> "Discharge | None":
        """The patient's discharge that applies now (schedule.current_discharge), or None.
        Two queries: the attended visits' days and the discharges not undone (with who
        recorded them)."""
        from acuclinic.outcomes.schedule import current_discharge

        visits = attended_days(patient_id)
        standing = list(
            self.standing()
            .filter(patient_id=patient_id)
            .select_related("recorded_by")
            .order_by("-pk")
        )
        day = current_discharge(visits, [d.discharged_on for d in standing])
        return next((d for d in standing if d.discharged_on == day), None)


class Discharge(models.Model):
    """A patient discharged from care on a day: the end of a course of treatment, which opens
    the discharge questionnaires and the 3- and 6-month follow-ups (schedule.py). Recorded at
    the desk (discharge_views.py). Which one applies is `schedule.current_discharge`: the
    latest on or after the last attended visit; a visit after it starts a new course.

    Undoing one recorded by mistake keeps the row with `withdrawn_at` set: what was recorded,
    by whom and when stays readable beside the audit trail, and it no longer counts."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="discharges")
    discharged_on = models.DateField(_("discharged on"))
    reason = models.CharField(
        _("reason"), max_length=16, choices=DischargeReason.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DischargeQuerySet.as_manager()

    class Meta:
        ordering = ["discharged_on", "pk"]
        indexes = [models.Index(fields=["patient", "discharged_on"], name="discharge_patient_day")]
        verbose_name = _("discharge")

    def __str__(self) -> str:
        return f"patient {self.patient_id} discharged {self.discharged_on.isoformat()}"


def attended_days(patient_id: int) -> list[date]:
    """The clinic-local days of the patient's attended visits (arrived or completed), in order."""
    from acuclinic.scheduling.models import Appointment, Status

    starts = Appointment.objects.filter(
        patient_id=patient_id, status__in=(Status.ARRIVED, Status.COMPLETED)
    ).values_list("start", flat=True)
    return sorted(timezone.localdate(start) for start in starts)
