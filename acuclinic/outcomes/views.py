"""/desk/outcomes/: the clinic's outcome report, its claim check and de-identified export, and
each patient's pain and function trajectory (issue 7 C-D).

Clinical pages: owner and practitioners only (the role gate runs before anything is read).
The report is aggregate, no single record: each view is audited as one entry with its filters
and the number of patients counted; the export likewise, as an EXPORT. A patient's trajectory
loads the patient through `access_patient(..., Purpose.CLINICAL)`, which audits the read.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from acuclinic.charting.adverse import adverse_event_counts, per_100_visits
from acuclinic.clinic import audit
from acuclinic.clinic.roles import CLINICAL_ROLES
from acuclinic.desk.access import roles_only
from acuclinic.outcomes import data, demo, export, published, report, summary
from acuclinic.outcomes.forms import report_form
from acuclinic.outcomes.trajectory import trajectory_context
from acuclinic.patients.access import Purpose, access_patient

REPORT_RECORD = "outcomes.report"


# Signed in, and the owner or a practitioner; everyone else 403 before any lookup.
clinical_only = roles_only(CLINICAL_ROLES)


def build_report(filters: report.Filters, condition: str, now: datetime) -> report.Report:
    """The report from the stored course summaries (one query; summary.py)."""
    return summary.build_report(filters, condition, now)


def build_full_report(filters: report.Filters, condition: str, now: datetime) -> report.Report:
    """Read the period's candidates' scores and visits (two queries) and count them: the
    reference computation, and the one that keeps each course (for the CSV export)."""
    candidates = data.patients_with_visits_between(
        data.back_pain_patients(condition), filters.start, filters.end
    )
    episodes = [e for patient in data.episodes(candidates).values() for e in patient]
    treatment = data.treatment_sets(filters, candidates) if filters.by_treatment else None
    return report.build(episodes, filters, now=now, treatment=treatment)


@clinical_only
@require_safe
def report_page(request: HttpRequest) -> HttpResponse:
    form = report_form(request.GET, timezone.localdate())
    context: dict[str, Any] = {
        "form": form,
        "publications": [
            p for p in published.PUBLICATIONS.values() if p.kind is not published.Kind.GUIDELINE
        ],
        "guidelines": published.GUIDELINES,
        "quantifiers": report.QUANTIFIERS,
    }
    if not form.is_valid():
        return render(request, "outcomes/report.html", context, status=400)
    filters = form.filters()
    result = build_report(filters, form.cleaned_data["condition"], timezone.now())
    audit.record(
        action=audit.Action.VIEW,
        record_type=REPORT_RECORD,
        request=request,
        detail={
            "purpose": str(Purpose.CLINICAL),
            "filters": form.audit_filters(),
            "count": result.started,
        },
    )
    claim = form.claim_parts()
    # Two queries whatever the period holds (adverse.py).
    adverse_events, adverse_visits = adverse_event_counts(
        filters.start, filters.end, filters.practitioner_id
    )
    context.update(
        report=result,
        adverse_events=adverse_events,
        adverse_visits=adverse_visits,
        adverse_rate=per_100_visits(adverse_events, adverse_visits),
        claim=report.check_claim(result, *claim) if claim else None,
        claim_sentence=form.cleaned_data.get("claim", ""),
        export_query=request.GET.urlencode(),
    )
    return render(request, "outcomes/report.html", context)


@clinical_only
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    form = report_form(request.GET, timezone.localdate())
    if not form.is_valid():
        context = {"form": form, "publications": [], "guidelines": ()}
        return render(request, "outcomes/report.html", context, status=400)
    result = build_full_report(form.filters(), form.cleaned_data["condition"], timezone.now())
    text, _rows = export.to_csv(result.episodes)
    return audited_download(
        request,
        form,
        result,
        text,
        content_type="text/csv; charset=utf-8",
        filename="outcomes-deidentified.csv",
        format="csv",
        fields=list(export.COLUMNS),
    )


def audited_download(
    request: HttpRequest,
    form: Any,
    result: report.Report,
    body: str | bytes,
    *,
    content_type: str,
    filename: str,
    **detail: Any,
) -> HttpResponse:
    """An export of the report (CSV, PDF): one EXPORT entry with the filters and the number
    of patients counted (no record of anyone), and a download no cache keeps."""
    audit.record(
        action=audit.Action.EXPORT,
        record_type=REPORT_RECORD,
        request=request,
        detail={
            "purpose": str(Purpose.CLINICAL),
            "filters": form.audit_filters(),
            "count": result.started,
            **detail,
        },
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@clinical_only
@require_safe
def patient_trajectory(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request, patient_id, Purpose.CLINICAL)
    context = {
        "patient": patient,
        "fictional": demo.is_fictional(patient.email),
        **trajectory_context(patient.pk),
    }
    return render(request, "outcomes/patient.html", context)
