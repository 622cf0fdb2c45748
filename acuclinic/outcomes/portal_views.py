"""The patient answers the outcome questionnaires due today (issue 7 B), in the portal.

A questionnaire opens only while it is due (outcomes/schedule.py): the form is the intake's
(the same engine and per-question partials); a final, valid set of answers is scored by
scoring.py and saved as Score rows (source: questionnaire). Answers are not kept as drafts:
these are a minute's work. The patient comes from the account (`patient_required`), never
from the address.
"""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from acuclinic.clinic import audit
from acuclinic.outcomes import questionnaires as oq
from acuclinic.outcomes.models import Score, Source
from acuclinic.patients.models import Patient
from acuclinic.patients.portal import intake_forms
from acuclinic.patients.portal.access import patient_required
from acuclinic.patients.questionnaire import Definition, Result, validate


def _due(patient: Patient) -> list[tuple[oq.Questionnaire, Any]]:
    return [(oq.QUESTIONNAIRES[d.key], d) for d in oq.due_for(patient.pk, timezone.localdate())]


@patient_required
@require_safe
def due_list(request: HttpRequest) -> HttpResponse:
    due = [
        {"code": q.code, "title": oq.get(q.key).title, "until": d.point.until}
        for q, d in _due(request.patient)  # type: ignore[attr-defined]
    ]
    return render(request, "outcomes/portal/list.html", {"due": due})


def _render(
    request: HttpRequest,
    questionnaire: oq.Questionnaire,
    definition: Definition,
    shown: dict[str, Any],
    result: Result,
    status: int = 200,
) -> HttpResponse:
    sections = intake_forms.form_sections(definition, shown, result)
    fields = {f.qid: f for s in sections for f in s.fields}
    problems = [fields[q] for q in fields if q in result.errors and not fields[q].hidden]
    context = {
        "code": questionnaire.code,
        "definition": definition,
        "sections": sections,
        "problems": problems,
        "problem_text": intake_forms.error_count_text(len(problems)),
    }
    return render(request, "outcomes/portal/form.html", context, status=status)


@patient_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, code: str) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    questionnaire = oq.BY_CODE.get(code)
    due = {q.code for q, _d in _due(patient)}
    if questionnaire is None or code not in due:
        raise Http404  # not due now (answered already, or not asked of this patient)
    definition = oq.get(questionnaire.key)
    if request.method != "POST":
        return _render(
            request, questionnaire, definition, {}, validate(definition, {}, final=False)
        )
    raw = intake_forms.raw_from_post(definition, request.POST)
    result = validate(definition, raw, final=True)
    result.errors.update(oq.pair_errors(definition, result.answers))
    if not result.ok:
        shown = {**raw, **result.answers, **result.invalid}
        return _render(request, questionnaire, definition, shown, result, status=400)
    rows = oq.score(definition, result.answers)
    now = timezone.now()
    with transaction.atomic():
        for row in rows:
            Score.objects.create(
                patient=patient,
                measure=row.measure,
                item=row.item,
                value=row.value,
                observed_at=now,
                source=Source.QUESTIONNAIRE,
                note=f"{definition.key} v{definition.version}",
                recorded_by=request.user,
            )
        audit.record(
            action=audit.Action.CREATE,
            record_type=Score,
            record_id=questionnaire.code,
            patient_id=patient.pk,
            request=request,
            detail={"purpose": "clinical", "version": definition.version, "count": len(rows)},
        )
    messages.success(request, _("Thank you: your answers are sent to your practitioner."))
    return redirect("outcome_portal:list")


TRAJECTORY_RECORD = "outcomes.trajectory"


@patient_required
@require_safe
def progress(request: HttpRequest) -> HttpResponse:
    """The patient's own trajectory (issue 7 C): the plot and table the practitioner sees,
    from the account's record only. Reading it is audited like any clinical record."""
    from acuclinic.outcomes.trajectory import trajectory_context

    patient: Patient = request.patient  # type: ignore[attr-defined]
    audit.record(
        action=audit.Action.VIEW,
        record_type=TRAJECTORY_RECORD,
        record_id=str(patient.pk),
        patient_id=patient.pk,
        request=request,
        detail={"purpose": "patient"},
    )
    return render(request, "outcomes/portal/progress.html", trajectory_context(patient.pk))
