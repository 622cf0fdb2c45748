"""/desk/outcomes/patients/<id>/discharge/: discharge a patient from care, or undo a discharge
recorded by mistake (issue 7 B). POST only, from the panel on the trajectory page
(templatetags/outcome_discharge.py); `action=undo` with the discharge's id undoes.

The owner and practitioners only (`clinical_only`, before any lookup); the patient is loaded
through `access_patient(..., Purpose.CLINICAL)`, which audits the read, and each change
writes its own entry (CREATE for a discharge, UPDATE with reason "withdrawn" for an undo).

The day must not be in the future nor before the last attended visit: a discharge ends the
course that visit belongs to, and one dated before a later visit would never apply
(schedule.current_discharge). One discharge applies at a time: to change its day, undo it
and record the right one. The patient's row is locked while deciding, so two people
discharging at once record one discharge.

What a discharge sets off is computed, not stored: the discharge questionnaires fall due that
day and the follow-ups 3 and 6 months later (schedule.py), which the portal offers and
`send_outcome_reminders` reminds of.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from acuclinic.clinic import audit
from acuclinic.outcomes import demo
from acuclinic.outcomes.models import Discharge, DischargeReason, attended_days
from acuclinic.outcomes.trajectory import trajectory_context
from acuclinic.patients.access import Purpose, access_patient, parse_id
from acuclinic.patients.models import Patient

from .views import clinical_only

UNDO = "undo"


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(
        label=gettext_lazy("Date of discharge"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason (optional)"),
        choices=[("", gettext_lazy("Not given")), *DischargeReason.choices],
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        visits: Sequence[date] = (),
        today: date | None = None,
        current: Discharge | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.visits = sorted(visits)
        self.today = today or timezone.localdate()
        self.current = current
        attrs = self.fields["discharged_on"].widget.attrs
        attrs["max"] = self.today.isoformat()  # the browser's date picker; checked below
        if self.visits:
            attrs["min"] = self.visits[-1].isoformat()
        if not self.is_bound:
            self.initial.setdefault("discharged_on", self.today)

    def clean_discharged_on(self) -> date:
        day: date = self.cleaned_data["discharged_on"]
        if day > self.today:
            raise forms.ValidationError(_("The date of discharge cannot be in the future."))
        if not self.visits:
            raise forms.ValidationError(
                _("This patient has no attended visit yet: there is no course to discharge from.")
            )
        first, last = self.visits[0], self.visits[-1]
        if day < first:
            raise forms.ValidationError(
                _("This is before the first attended visit (%(day)s).")
                % {"day": formats.date_format(first, "DATE_FORMAT")}
            )
        if day < last:
            raise forms.ValidationError(
                _(
                    "The patient had a visit after this date (%(day)s). A discharge is dated "
                    "on or after the last visit of the course it ends."
                )
                % {"day": formats.date_format(last, "DATE_FORMAT")}
            )
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.current is not None:
            raise forms.ValidationError(
                _(
                    "This patient is already discharged (on %(day)s). To change the date, undo "
                    "that discharge first."
                )
                % {"day": formats.date_format(self.current.discharged_on, "DATE_FORMAT")}
            )
        return cleaned


def _lock(patient: Patient) -> None:
    # One discharge decision per patient at a time (a no-op on SQLite, whose write
    # transactions are serialised by transaction_mode="IMMEDIATE").
    list(Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk"))


def _back(patient: Patient) -> HttpResponse:
    return redirect(reverse("outcomes:patient", args=[patient.pk]) + "#discharge")


def _page(request: HttpRequest, patient: Patient, status: int, **extra: Any) -> HttpResponse:
    """The trajectory page again, with the panel's errors (the read is audited already)."""
    context = {
        "patient": patient,
        "fictional": demo.is_fictional(patient.email),
        **trajectory_context(patient.pk),
        **extra,
    }
    return render(request, "outcomes/patient.html", context, status=status)


def _record(request: HttpRequest, patient: Patient) -> HttpResponse:
    with transaction.atomic():
        _lock(patient)
        form = DischargeForm(
            request.POST,
            visits=attended_days(patient.pk),
            current=Discharge.objects.current_for(patient.pk),
        )
        discharge = None
        if form.is_valid():
            discharge = Discharge.objects.create(
                patient=patient,
                discharged_on=form.cleaned_data["discharged_on"],
                reason=form.cleaned_data["reason"],
                recorded_by=request.user,
            )
            audit.record(
                action=audit.Action.CREATE,
                record_type=discharge,
                record_id=discharge.pk,
                patient_id=patient.pk,
                request=request,
                detail={"purpose": str(Purpose.CLINICAL), "fields": ["discharged_on", "reason"]},
            )
    if discharge is None:
        return _page(request, patient, 400, discharge_form=form)
    messages.success(
        request,
        _("Discharged on %(day)s.")
        % {"day": formats.date_format(discharge.discharged_on, "DATE_FORMAT")},
    )
    return _back(patient)


def _undo(request: HttpRequest, patient: Patient) -> HttpResponse:
    wanted = parse_id(request.POST.get("discharge"))
    with transaction.atomic():
        _lock(patient)
        current = Discharge.objects.current_for(patient.pk)
        if current is None or current.pk != wanted:
            current = None
        else:
            current.withdrawn_at = timezone.now()
            current.withdrawn_by = request.user
            current.save(update_fields=["withdrawn_at", "withdrawn_by"])
            audit.record(
                action=audit.Action.UPDATE,
                record_type=current,
                record_id=current.pk,
                patient_id=patient.pk,
                request=request,
                detail={
                    "purpose": str(Purpose.CLINICAL),
                    "fields": ["withdrawn_at", "withdrawn_by"],
                    "reason": "withdrawn",
                },
            )
    if current is None:
        # A second click, an old page, or an id that is not this patient's discharge.
        error = _("That discharge is no longer in effect (undone already?). Nothing changed.")
        return _page(request, patient, 409, discharge_undo_error=error)
    messages.success(request, _("The discharge is undone."))
    return _back(patient)


@clinical_only
@require_POST
def discharge(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request, patient_id, Purpose.CLINICAL)
    if request.POST.get("action") == UNDO:
        return _undo(request, patient)
    return _record(request, patient)
