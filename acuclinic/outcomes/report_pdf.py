"""/desk/outcomes/report.pdf: the clinic report as a PDF (issue 7 D), rendered by pdf.py.

The same query string as /desk/outcomes/ (period, condition, practitioner, what was done,
claim check), read by the same form and counted by the same build_report; bad input is the
report page with its message, as a 400. Audited like the CSV: one EXPORT entry with the
filters and the number of patients counted; the PDF is aggregate, no patient in it.
"""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from acuclinic.charting.adverse import adverse_event_counts
from acuclinic.clinic.models import ClinicSettings
from acuclinic.outcomes import pdf, published, report
from acuclinic.outcomes.forms import ReportForm, report_form

from .views import audited_download, build_report, clinical_only

# The form's filters the PDF prints, in this order (those the form has); the period and the
# claim check have their own lines.
FILTERS = ("practitioner", "protocol", "point", "herbs")


def filter_lines(form: ReportForm) -> tuple[tuple[str, str], ...]:
    """(label, value) of each filter as the form shows it; an unset one by its empty choice
    ("Everyone"), or left out when it has none."""
    lines = []
    for name in FILTERS:
        field = form.fields.get(name)
        if field is None:
            continue
        value = form.cleaned_data.get(name)
        if isinstance(field, forms.ModelChoiceField):
            shown = field.label_from_instance(value) if value else field.empty_label
        elif isinstance(field, forms.ChoiceField):
            shown = dict(field.choices).get(value or "")
        else:
            shown = value
        if shown:
            lines.append((str(field.label), str(shown)))
    return tuple(lines)


def _refused(request: HttpRequest, form: ReportForm) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "publications": [
            p for p in published.PUBLICATIONS.values() if p.kind is not published.Kind.GUIDELINE
        ],
        "guidelines": published.GUIDELINES,
    }
    return render(request, "outcomes/report.html", context, status=400)


@clinical_only
@require_safe
def report_pdf(request: HttpRequest) -> HttpResponse:
    form = report_form(request.GET, timezone.localdate())
    if not form.is_valid():
        return _refused(request, form)
    cleaned = form.cleaned_data
    filters = form.filters()
    now = timezone.now()
    result = build_report(filters, cleaned["condition"], now)
    events, visits = adverse_event_counts(filters.start, filters.end, filters.practitioner_id)
    claim = form.claim_parts()
    settings = ClinicSettings.for_request(request)
    lines = list(settings.address_lines)
    if settings.phone_display:
        lines.append(settings.phone_display)
    page = pdf.ReportPage(
        clinic=pdf.Clinic(name=settings.name, lines=tuple(lines)),
        start=cleaned["start"],
        end=cleaned["end"],
        condition=str(dict(form.fields["condition"].choices)[cleaned["condition"]]),
        filters=filter_lines(form),
        generated=now,
        adverse_events=events,
        adverse_visits=visits,
        claim=report.check_claim(result, *claim) if claim else None,
    )
    return audited_download(
        request,
        form,
        result,
        pdf.report_pdf(result, page),
        content_type="application/pdf",
        filename=pdf.filename(page),
        format="pdf",
    )
