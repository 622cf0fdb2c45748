"""The patient's side of the intake (/portal/intake/): fill it in on a phone, saved as they go.

- GET intake/ opens the patient's draft (intake.open_draft) and draws the whole questionnaire
  on one page, section by section. Without JavaScript it is a plain form with "Save and
  continue later" and "Send"; with it (static/js/intake.js) every change is posted to the save
  address a second after typing stops and answered with JSON.
- POST intake/<id>/save/ keeps the answers through intake.save (which audits the change): a
  draft loses nothing, a "Send" that does not validate stays a draft and shows the errors.
- A POST that arrives after the session ended is not dropped: the form's fields are kept in
  the (new, anonymous) session and saved to the patient's draft once they sign in again, on
  the next visit to intake/; the browser also keeps a copy until a save succeeds (intake.js).
- A sent intake is read-only: intake/<id>/ shows the answers, intake/<id>/done/ says thanks.

Every view that reads an intake goes through intake.access_intake (the audit entry for the
read); another patient's intake is a 404, staff are turned away by patient_required.
"""

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from acuclinic.clinic.models import default_clinic

from .. import intake, red_flags
from ..access import Purpose, parse_id
from ..models import IntakeResponse, IntakeStatus, Patient
from ..questionnaire import Definition, Result, validate
from . import intake_forms
from .access import patient_required

# Where a POST that came after the session ended waits for the patient to sign in again.
UNSAVED = "acuclinic_intake_unsaved"
MAX_UNSAVED_FIELDS = 800  # more than the form has (Django refuses over 1,000 anyway)
MAX_UNSAVED_CHARS = 200_000


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _next_appointment(patient: Patient) -> Any:
    return (
        patient.appointments.filter(start__gte=timezone.now(), status="confirmed")
        .order_by("start")
        .first()
    )


def _submitted(patient: Patient) -> IntakeResponse | None:
    return patient.intakes.filter(
        questionnaire=intake.INTAKE_KEY, status=IntakeStatus.SUBMITTED
    ).first()  # newest first (the model's ordering)


@require_GET
@patient_required
def intake_form(request: HttpRequest) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    restored = _save_unsaved(request, patient)
    if not intake.is_due(patient):
        sent = _submitted(patient)
        assert sent is not None
        return redirect("portal:intake_answers", intake_id=sent.pk)
    draft = intake.open_draft(patient, request=request, appointment=_next_appointment(patient))
    record = intake.access_intake(request, draft.pk, Purpose.CLINICAL)
    definition = intake.definition_of(record)
    result = validate(definition, _stored(record), final=False)
    return _render_form(request, record, definition, result, intake.flags_of(record), restored)


def _stored(record: IntakeResponse) -> dict[str, Any]:
    """What the patient last gave: the valid answers, and the raw input of the invalid ones."""
    stored = dict(record.answers or {})
    if isinstance(record.invalid, dict):
        stored.update(record.invalid)
    return stored


def _render_form(
    request: HttpRequest,
    record: IntakeResponse,
    definition: Definition,
    result: Result,
    flags: list[red_flags.Flag],
    restored: bool = False,
    *,
    raw: dict[str, Any] | None = None,
    extra_row: str = "",
    tried_to_send: bool = False,
) -> HttpResponse:
    shown = raw if raw is not None else _stored(record)
    if raw is not None:  # after a save: show back what was sent, cleaned where it was valid
        shown = {**raw, **result.answers, **result.invalid}
    sections = intake_forms.form_sections(definition, shown, result, extra_row=extra_row)
    answered, total = intake_forms.progress(sections, result.answers)
    fields = {f.qid: f for s in sections for f in s.fields}
    problems = [fields[qid] for qid in fields if qid in result.errors and not fields[qid].hidden]
    context = {
        "intake": record,
        "definition": definition,
        "sections": sections,
        "problems": problems,
        "problem_text": intake_forms.error_count_text(len(problems)),
        "tried_to_send": tried_to_send,
        "answered": answered,
        "total": total,
        "restored": restored,
        "saved_at": int(record.updated_at.timestamp() * 1000) if record.updated_at else 0,
        **_flag_context(flags),
    }
    return render(request, "portal/intake/form.html", context)


def _flag_context(flags: list[red_flags.Flag]) -> dict[str, Any]:
    emergency = [f for f in flags if f.severity == red_flags.Severity.EMERGENCY]
    other = [f for f in flags if f.severity != red_flags.Severity.EMERGENCY]
    clinic = default_clinic()
    return {
        "emergency_advice": red_flags.advice(emergency),
        "physician_advice": red_flags.advice(other),
        "clinic_phone": clinic.phone_display,
        "clinic_phone_link": clinic.phone_e164,
    }


@require_POST
def intake_save(request: HttpRequest, intake_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out(request, intake_id)
    return _save(request, intake_id)


def _signed_out(request: HttpRequest, intake_id: str) -> HttpResponse:
    """The session ended before this POST: keep the fields for after the next sign-in."""
    pk = parse_id(intake_id)
    fields = {
        name: values
        for name, values in list(request.POST.lists())[:MAX_UNSAVED_FIELDS]
        if name != "csrfmiddlewaretoken"
    }
    size = sum(len(name) + sum(len(v) for v in values) for name, values in fields.items())
    if pk is not None and size <= MAX_UNSAVED_CHARS:
        request.session[UNSAVED] = {"intake": pk, "fields": fields, "at": time.time()}
    form_url = reverse("portal:intake")
    if _wants_json(request):
        login = redirect_to_login(form_url)["Location"]
        return JsonResponse({"saved": False, "signed_out": True, "login_url": login}, status=401)
    return redirect_to_login(form_url)


def _save_unsaved(request: HttpRequest, patient: Patient) -> bool:
    """Save what arrived after the session ended, if it was for this patient's open draft."""
    unsaved = request.session.pop(UNSAVED, None)
    if not isinstance(unsaved, dict) or not isinstance(unsaved.get("fields"), dict):
        return False
    draft = patient.intakes.filter(pk=parse_id(unsaved.get("intake")) or 0).first()
    if draft is None or draft.status != IntakeStatus.DRAFT:
        return False  # someone else's, or sent meanwhile: dropped, never applied elsewhere
    data = QueryDict(mutable=True)
    for name, values in unsaved["fields"].items():
        if isinstance(name, str) and isinstance(values, list):
            data.setlist(name, [v for v in values if isinstance(v, str)])
    record = intake.access_intake(request, draft.pk, Purpose.CLINICAL)
    raw = intake_forms.raw_from_post(intake.definition_of(record), data)
    try:
        intake.save(record, raw, submit=False, request=request)
    except intake.IntakeClosed:
        return False
    messages.info(
        request,
        _(
            "You were signed out before your last answers reached us; we have saved them now. "
            "Please check them, then send the questionnaire when you are ready."
        ),
    )
    return True


@patient_required
def _save(request: HttpRequest, intake_id: str) -> HttpResponse:
    record = intake.access_intake(request, intake_id, Purpose.CLINICAL)
    definition = intake.definition_of(record)
    raw = intake_forms.raw_from_post(definition, request.POST)
    as_json = _wants_json(request)
    action = request.POST.get("action", "save")
    submit = action == "send" and not as_json
    try:
        saved = intake.save(record, raw, submit=submit, request=request)
    except intake.IntakeClosed:
        answers_url = reverse("portal:intake_answers", kwargs={"intake_id": record.pk})
        if as_json:
            return JsonResponse({"saved": False, "closed": True, "url": answers_url}, status=409)
        messages.info(request, _("You have already sent this questionnaire."))
        return redirect(answers_url)
    if as_json:
        return _saved_json(request, saved)
    if saved.submitted:
        return redirect("portal:intake_done", intake_id=record.pk)
    extra_row = request.POST.get("add_row", "")
    if saved.result.ok and not extra_row and not saved.flags:
        messages.success(request, _("Your answers are saved. You can come back and finish later."))
        return redirect("portal:intake")
    return _render_form(
        request,
        record,
        definition,
        saved.result,
        saved.flags,
        raw=raw,
        extra_row=extra_row if isinstance(extra_row, str) else "",
        tried_to_send=submit,
    )


def _saved_json(request: HttpRequest, saved: intake.Saved) -> JsonResponse:
    flag_context = _flag_context(saved.flags)
    return JsonResponse(
        {
            "saved": True,
            "errors": saved.result.errors,
            "visible": list(saved.result.visible),
            "answered": [qid for qid in saved.result.visible if qid in saved.result.answers],
            "red_flag_advice": red_flags.advice(saved.flags),
            "emergency": bool(flag_context["emergency_advice"]),
            "red_flag_html": render_to_string(
                "portal/intake/red_flags.html", flag_context, request=request
            ),
        }
    )


@require_GET
@patient_required
def intake_answers(request: HttpRequest, intake_id: str) -> HttpResponse:
    record = intake.access_intake(request, intake_id, Purpose.CLINICAL)
    if record.status == IntakeStatus.DRAFT:
        return redirect("portal:intake")
    definition = intake.definition_of(record)
    context = {
        "intake": record,
        "summary": intake_forms.summary(definition, record.answers or {}),
        **_flag_context(intake.flags_of(record)),
    }
    return render(request, "portal/intake/answers.html", context)


@require_GET
@patient_required
def intake_done(request: HttpRequest, intake_id: str) -> HttpResponse:
    record = intake.access_intake(request, intake_id, Purpose.CLINICAL)
    if record.status == IntakeStatus.DRAFT:
        return redirect("portal:intake")
    context = {"intake": record, **_flag_context(intake.flags_of(record))}
    return render(request, "portal/intake/done.html", context)
