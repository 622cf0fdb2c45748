"""/desk/patients/<id>/intake/<intake_id>/: the intake as the clinical team reads it, and the
button that records who reviewed its red-flag alert (issue 4 C, decision 4).

The gate is the same as everywhere: sign-in and a staff role first (a patient gets 403 before
anything is read), then `access_intake` with the CLINICAL purpose, which gives the front desk
the same 404 as an id that does not exist, and audits the read.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from acuclinic.patients import intake, red_flags
from acuclinic.patients.access import Purpose, parse_id
from acuclinic.patients.models import IntakeResponse

from . import intake_display
from .patient_views import staff_only


def _load(request: HttpRequest, patient_id: object, intake_id: object) -> IntakeResponse:
    """The intake, through the one gate; an intake of another patient is a 404 like any other
    wrong id (checked first, so the audit trail records only reads that happened)."""
    pk, patient_pk = parse_id(intake_id), parse_id(patient_id)
    if pk is None or patient_pk is None:
        raise Http404
    if not IntakeResponse.objects.filter(pk=pk, patient_id=patient_pk).exists():
        raise Http404
    return intake.access_intake(request, pk, Purpose.CLINICAL)


def _stored_flags(record: IntakeResponse) -> list[red_flags.Flag]:
    """The flags as stored when the patient last saved (what they were told), emergencies
    first, each with the answers that raised it where the screen still finds them."""
    if not record.red_flags:
        return []
    derived = {f.code: f for f in intake.flags_of(record)}
    flags = []
    for code in record.red_flags:
        if code in derived:
            flags.append(derived[code])
        elif (info := red_flags.CATALOGUE.get(code)) is not None:
            flags.append(red_flags.Flag(code, info.severity, info.advice, info.staff_label, ()))
    return flags


def intake_url(record: IntakeResponse) -> str:
    return reverse("desk:patient_intake", args=[record.patient_id, record.pk])


@require_safe
@staff_only
def patient_intake(request: HttpRequest, patient_id: int, intake_id: int) -> HttpResponse:
    record = _load(request, patient_id, intake_id)
    definition = intake.definition_of(record)
    flags = _stored_flags(record)
    others = (
        record.patient.intakes.exclude(pk=record.pk)
        .select_related("flag_reviewed_by")
        .order_by("-started_at", "-pk")
    )
    context = {
        "intake": record,
        "patient": record.patient,
        "definition": definition,
        "view": intake_display.build(definition, record.answers, record.invalid),
        "flags": flags,
        "advice": red_flags.advice(flags),
        "flagged_ids": {qid for f in flags for qid in f.question_ids},
        "severity": red_flags.Severity(record.red_flag_severity)
        if record.red_flag_severity
        else None,
        "others": others,
    }
    return render(request, "desk/patients/intake.html", context)


@require_POST
@staff_only
def review_red_flag(request: HttpRequest, patient_id: int, intake_id: int) -> HttpResponse:
    record = _load(request, patient_id, intake_id)
    if not record.red_flag_severity:
        messages.info(request, _("This questionnaire has no red flag to review."))
    elif not record.flag_open:
        messages.info(request, _("This red flag was already marked as reviewed."))
    else:
        intake.review_flag(record, request=request)
        messages.success(request, _("The red flag is marked as reviewed."))
    return redirect(intake_url(record))
