"""/desk/visits/: start a visit, the visit screen (note, points, modalities, pain, cautions,
signing, amendments) and the point picker's search.

Each view: a role gate before anything is read (patients and strangers 403), the access
function (a visit the user may not see is 404, for the front desk too: notes are clinical),
a form, one action, a redirect. Pages that read no patient (the point search) let only the
clinical roles in (the front desk 403).
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from acuclinic.clinic import audit
from acuclinic.clinic.models import ClinicSettings
from acuclinic.clinic.roles import CLINICAL_ROLES, STAFF_ROLES
from acuclinic.desk.access import roles_only
from acuclinic.outcomes.trajectory import trajectory_context
from acuclinic.patients import body_regions
from acuclinic.patients import intake as intakes
from acuclinic.patients.access import Purpose, access_patient, load
from acuclinic.scheduling.models import Appointment

from . import actions, cautions, chart, pdf, points, summary, treatment
from .access import access_visit
from .forms import (
    AcknowledgeForm,
    AdverseEventForm,
    AftercareForm,
    AmendForm,
    FollowUpForm,
    ModalityForm,
    NeedleForm,
    NoteForm,
    PainForm,
    StartChoice,
    StartForm,
    amend_choices,
)
from .models import AdverseEvent, Aftercare, Visit

SEARCH_LIMIT = 12
SIGNED = _lazy("This visit is signed: add an amendment instead.")
NOT_SIGNED = _lazy("Only a signed visit is amended; edit the draft instead.")


# Record pages: every staff role passes the gate, and access_visit / access_patient turn the
# front desk away with 404 (CLINICAL purpose). Pages with no record: clinical roles only.
staff_only = roles_only(STAFF_ROLES)
clinical_only = roles_only(CLINICAL_ROLES)


def visit_url(visit: Visit, anchor: str = "") -> str:
    url = reverse("charting:visit", args=[visit.pk])
    return f"{url}#{anchor}" if anchor else url


# --- starting a visit -------------------------------------------------------------------------


@staff_only
def start(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """From the calendar: the visit for this appointment (made here the first time)."""
    queryset = Appointment.objects.select_related("patient", "practitioner", "service", "location")
    appointment = load(request, queryset, appointment_id, Purpose.CLINICAL, patient_path="patient")
    existing = Visit.objects.filter(appointment=appointment).first()
    if existing is not None:
        return redirect(visit_url(existing))
    return _start(request, appointment.patient, appointment=appointment)


@staff_only
def walk_in(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request, patient_id, Purpose.CLINICAL)
    if patient.erased_at is not None:
        raise Http404
    return _start(request, patient, appointment=None)


def _start(request: HttpRequest, patient: Any, *, appointment: Appointment | None) -> HttpResponse:
    has_previous = patient.visits.exists()
    form = StartForm(
        request.POST if request.method == "POST" else None,
        has_previous=has_previous,
        walk_in=appointment is None,
        initial={"practitioner": getattr(request.user, "practitioner", None)},
    )
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["start"]
        try:
            visit = actions.start_visit(
                patient=patient,
                request=request,
                appointment=appointment,
                practitioner=form.cleaned_data.get("practitioner")
                or getattr(request.user, "practitioner", None),
                protocol=form.cleaned_data["protocol"] if choice == StartChoice.PROTOCOL else None,
                copy_previous=choice == StartChoice.PREVIOUS,
            )
        except actions.ChartingRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(visit_url(visit))
    elif request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    context = {"patient": patient, "appointment": appointment, "form": form}
    return render(request, "charting/start.html", context)


@require_safe
@staff_only
def patient_visits(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request, patient_id, Purpose.CLINICAL)
    visits = (
        patient.visits.select_related("practitioner", "pain_before", "pain_after")
        .prefetch_related("needles")
        .order_by("-started_at", "-pk")
    )
    events = (
        AdverseEvent.objects.filter(visit__patient=patient)
        .select_related("visit", "recorded_by")
        .order_by("-reported_at", "-pk")
    )
    context = {"patient": patient, "visits": visits, "adverse_events": events}
    return render(request, "charting/patient_visits.html", context)


# --- the visit screen ------------------------------------------------------------------------


@require_safe
@staff_only
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    return _render_visit(request, visit)


def _render_visit(request: HttpRequest, visit: Visit, **forms: Any) -> HttpResponse:
    needles = list(visit.needles.all())
    modalities = list(visit.modalities.all())
    latest = intakes.latest(visit.patient)
    intake = summary.intake_summary(latest)
    facts = intake.facts if intake is not None else cautions.Facts()
    warnings = cautions.warnings_for(needles, modalities, facts)
    acknowledged = {a.code: a for a in visit.acknowledgements.select_related("by")}
    pending = cautions.unacknowledged(warnings, acknowledged)
    amendments = list(visit.amendments.select_related("author"))
    labels = dict(amend_choices())
    for amendment in amendments:
        amendment.label = labels.get(amendment.field, amendment.field)  # type: ignore[attr-defined]
    quality = dict(treatment.PulseQuality.choices)
    pulse = visit.pulse if isinstance(visit.pulse, dict) else {}
    catalogue = {n.code: points.get(n.code) for n in needles}
    context = {
        "visit": visit,
        "patient": visit.patient,
        "needles": [(n, catalogue[n.code]) for n in needles],
        "modalities": modalities,
        "warnings": warnings,
        "acknowledged": acknowledged,
        "pending": pending,
        "amendments": amendments,
        "intake": intake,
        "previous": summary.previous_visits(visit),
        "pain_trend": summary.pain_trend(visit.patient),
        "pulse": [
            (label, [quality.get(q, q) for q in pulse.get(value, [])])
            for value, label in treatment.PulsePosition.choices
            if pulse.get(value)
        ],
        "signed": visit.is_signed,
        "chart": _chart(needles, modalities, intake),
        "adverse_events": list(visit.adverse_events.select_related("recorded_by")),
        "adverse_form": forms.get("adverse_form") or AdverseEventForm(),
        "aftercare": Aftercare.objects.filter(visit=visit).first(),
        # The patient's course at a glance (issue 7 C): the outcome page's plot and table,
        # rendered on their own (its names, such as "chart", would clash with this page's).
        "trajectory": render_to_string(
            "outcomes/_trajectory.html", trajectory_context(visit.patient_id), request
        ),
    }
    if visit.is_signed:
        context["amend_form"] = forms.get("amend_form") or AmendForm()
        context["aftercare_form"] = forms.get("aftercare_form") or AftercareForm(
            initial={"text": context["aftercare"].text if context["aftercare"] else ""}
        )
    else:
        context.update(
            note_form=forms.get("note_form") or NoteForm(instance=visit),
            needle_form=forms.get("needle_form") or NeedleForm(),
            modality_form=forms.get("modality_form") or ModalityForm(),
            pain_form=forms.get("pain_form") or PainForm(),
            ack_form=forms.get("ack_form") or AcknowledgeForm(warnings=pending),
        )
    status = 400 if forms else 200
    return render(request, "charting/visit.html", context, status=status)


def _chart(needles: list[Any], modalities: list[Any], intake: Any) -> dict[str, Any]:
    pain = intake.region_codes if intake is not None else []
    treated = [m.area for m in modalities if m.area]
    return {
        "views": chart.views(needles, pain=pain, treated=treated),
        "viewbox": VIEWBOX,
    }


VIEWBOX = " ".join(str(n) for n in body_regions.VIEWBOX)


def _refused(request: HttpRequest, visit: Visit, refused: object, anchor: str) -> HttpResponse:
    messages.error(request, str(refused))
    return redirect(visit_url(visit, anchor))


@require_POST
@staff_only
def save_note(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    if visit.is_signed:
        return _refused(request, visit, SIGNED, "")
    form = NoteForm(request.POST, instance=visit)
    if not form.is_valid():
        return _render_visit(request, visit, note_form=form)
    try:
        actions.save_note(visit=visit, fields=form.note_fields(), request=request)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "note")
    messages.success(request, _("The note is saved."))
    return redirect(visit_url(visit, "note"))


@require_POST
@staff_only
def add_point(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    if visit.is_signed:
        return _refused(request, visit, SIGNED, "")
    form = NeedleForm(request.POST)
    if not form.is_valid():
        return _render_visit(request, visit, needle_form=form)
    try:
        needle = actions.add_needle(visit=visit, data=form.needle, request=request)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "points")
    messages.success(request, _("%(code)s is added.") % {"code": needle.code})
    return redirect(visit_url(visit, "points"))


@require_POST
@staff_only
def remove_point(request: HttpRequest, visit_id: int, needle_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    try:
        actions.remove_needle(visit=visit, needle_id=needle_id, request=request)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "points")
    messages.success(request, _("The point is removed."))
    return redirect(visit_url(visit, "points"))


@require_POST
@staff_only
def add_modality(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    if visit.is_signed:
        return _refused(request, visit, SIGNED, "")
    form = ModalityForm(request.POST)
    if not form.is_valid():
        return _render_visit(request, visit, modality_form=form)
    try:
        actions.add_modality(visit=visit, data=form.modality, request=request)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "modalities")
    messages.success(request, _("The modality is added."))
    return redirect(visit_url(visit, "modalities"))


@require_POST
@staff_only
def remove_modality(request: HttpRequest, visit_id: int, modality_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    try:
        actions.remove_modality(visit=visit, modality_id=modality_id, request=request)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "modalities")
    messages.success(request, _("The modality is removed."))
    return redirect(visit_url(visit, "modalities"))


@require_POST
@staff_only
def record_pain(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    if visit.is_signed:
        return _refused(request, visit, SIGNED, "")
    form = PainForm(request.POST)
    if not form.is_valid():
        return _render_visit(request, visit, pain_form=form)
    try:
        actions.record_pain(
            visit=visit,
            phase=form.cleaned_data["phase"],
            value=form.cleaned_data["value"],
            request=request,
        )
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "pain")
    messages.success(request, _("The pain score is recorded."))
    return redirect(visit_url(visit, "pain"))


@require_POST
@staff_only
def acknowledge(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    if visit.is_signed:
        return _refused(request, visit, SIGNED, "")
    warnings = cautions.unacknowledged(
        actions.warnings_for(visit), visit.acknowledgements.values_list("code", flat=True)
    )
    form = AcknowledgeForm(request.POST, warnings=warnings)
    if not form.is_valid():
        return _render_visit(request, visit, ack_form=form)
    try:
        actions.acknowledge(visit=visit, codes=form.cleaned_data["codes"], request=request)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "cautions")
    messages.success(request, _("The cautions are acknowledged."))
    return redirect(visit_url(visit, "cautions"))


@require_POST
@staff_only
def sign(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    try:
        actions.sign_visit(visit=visit, request=request)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "cautions")
    messages.success(request, _("The visit is signed."))
    return redirect(visit_url(visit))


@require_POST
@staff_only
def amend(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    if not visit.is_signed:
        return _refused(request, visit, NOT_SIGNED, "note")
    form = AmendForm(request.POST)
    if not form.is_valid():
        return _render_visit(request, visit, amend_form=form)
    try:
        actions.amend_visit(
            visit=visit,
            field=form.cleaned_data["field"],
            new_value=form.cleaned_data["new_value"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except actions.Invalid as invalid:
        for field, message in invalid.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return _render_visit(request, visit, amend_form=form)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "amendments")
    messages.success(request, _("The amendment is added."))
    return redirect(visit_url(visit, "amendments"))


@require_safe
@staff_only
def summary_pdf(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The printable summary. Opening it is an export: audited as one, after the read."""
    visit = access_visit(request, visit_id)
    settings_ = ClinicSettings.for_request(request)
    lines = list(settings_.address_lines)
    if settings_.phone_display:
        lines.append(settings_.phone_display)
    body = pdf.visit_summary(
        visit,
        list(visit.needles.all()),
        list(visit.modalities.all()),
        list(visit.amendments.select_related("author")),
        pdf.Clinic(name=settings_.name, lines=tuple(lines)),
    )
    audit.record(
        action=audit.Action.EXPORT,
        record_type=visit,
        record_id=visit.pk,
        patient_id=visit.patient_id,
        request=request,
        detail={"format": "pdf"},
    )
    response = HttpResponse(body, content_type="application/pdf")
    # A number, not the patient's name: the file name ends up in download folders and logs.
    response["Content-Disposition"] = f'inline; filename="visit-{visit.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- adverse events and aftercare --------------------------------------------------------


@require_POST
@staff_only
def add_adverse_event(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Allowed on a signed visit too: an addition to the record, audited."""
    visit = access_visit(request, visit_id)
    form = AdverseEventForm(request.POST)
    if not form.is_valid():
        return _render_visit(request, visit, adverse_form=form)
    try:
        actions.record_adverse_event(visit=visit, data=form.cleaned_data, request=request)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "adverse-events")
    messages.success(request, _("The adverse event is recorded."))
    return redirect(visit_url(visit, "adverse-events"))


@require_POST
@staff_only
def follow_up_adverse_event(request: HttpRequest, visit_id: int, event_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            visit,
            " ".join(m for errs in form.errors.values() for m in errs),
            "adverse-events",
        )
    try:
        actions.follow_up_adverse_event(
            visit=visit, event_id=event_id, data=form.cleaned_data, request=request
        )
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "adverse-events")
    messages.success(request, _("The follow-up is saved."))
    return redirect(visit_url(visit, "adverse-events"))


@require_POST
@staff_only
def save_aftercare(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    if not visit.is_signed:
        return _refused(
            request,
            visit,
            _("The aftercare notes are written when the visit is signed."),
            "aftercare",
        )
    form = AftercareForm(request.POST)
    if not form.is_valid():
        return _render_visit(request, visit, aftercare_form=form)
    try:
        actions.save_aftercare(visit=visit, text=form.cleaned_data["text"], request=request)
    except actions.Invalid as invalid:
        form.add_error("text", " ".join(invalid.errors.values()))
        return _render_visit(request, visit, aftercare_form=form)
    except actions.ChartingRefused as refused:
        return _refused(request, visit, refused, "aftercare")
    messages.success(request, _("The aftercare notes are saved."))
    return redirect(visit_url(visit, "aftercare"))


# --- the point picker ---------------------------------------------------------------------


@require_safe
@clinical_only
def point_search(request: HttpRequest) -> HttpResponse:
    """The picker's results as an HTML partial (a listbox's options)."""
    query = request.GET.get("q", "")
    found = points.search(query, limit=SEARCH_LIMIT) if isinstance(query, str) else []
    results = [(p, treatment.sides_for(p), treatment.is_midline(p)) for p in found]
    context = {"results": results, "q": query[: points.MAX_QUERY]}
    return render(request, "charting/_point_results.html", context)
