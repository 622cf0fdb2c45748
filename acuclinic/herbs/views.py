"""/desk/herbs/: the prescription writer for a visit, its PDF and label, dispensing, the herb
search and the stock list.

Each view: a role gate before anything is read (patients and strangers 403), the access
function (a prescription or visit the user may not see is 404, for the front desk too:
prescriptions are clinical), a form, one action, a redirect. The herb search reads no
patient: clinical roles only (the front desk 403). The stock list holds no patient data:
every staff role.
"""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from acuclinic.charting.access import access_visit
from acuclinic.clinic import audit
from acuclinic.clinic.models import ClinicSettings
from acuclinic.clinic.roles import CLINICAL_ROLES, STAFF_ROLES
from acuclinic.desk.access import roles_only

from . import actions, materia, pdf, safety
from .access import access_prescription
from .forms import (
    ChangeItemForm,
    DetailsForm,
    DispenseForm,
    ItemForm,
    OverrideForm,
    StartForm,
    StockForm,
)
from .models import HerbPrice, Prescription, Status, Stock, default_currency

SEARCH_LIMIT = 12


staff_only = roles_only(STAFF_ROLES)
clinical_only = roles_only(CLINICAL_ROLES)


def writer_url(prescription: Prescription, anchor: str = "") -> str:
    url = reverse("herbs:prescription", args=[prescription.pk])
    return f"{url}#{anchor}" if anchor else url


# --- a visit's prescriptions, and starting one ------------------------------------------------


def _previous(patient: Any) -> list[Prescription]:
    found = list(
        Prescription.objects.filter(patient=patient, status=Status.ISSUED)
        .annotate(herb_count=Count("items"))
        .order_by("-issued_at", "-pk")[:20]
    )
    for p in found:
        formula = p.formula
        name = f"{formula.pinyin} ({_('modified')})" if formula else _("custom formula")
        p.label = _("%(date)s: %(name)s, %(n)s herbs") % {  # type: ignore[attr-defined]
            "date": p.issued_at.date().isoformat() if p.issued_at else "",
            "name": name,
            "n": p.herb_count,  # type: ignore[attr-defined]
        }
    return found


@require_safe
@staff_only
def visit_prescriptions(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    return _render_visit(request, visit, StartForm(previous=_previous(visit.patient)))


def _render_visit(
    request: HttpRequest, visit: Any, form: StartForm, status: int = 200
) -> HttpResponse:
    prescriptions = visit.prescriptions.annotate(herb_count=Count("items")).order_by(
        "-created_at", "-pk"
    )
    context = {
        "visit": visit,
        "patient": visit.patient,
        "prescriptions": prescriptions,
        "form": form,
    }
    return render(request, "herbs/visit.html", context, status=status)


@require_POST
@staff_only
def start(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_visit(request, visit_id)
    form = StartForm(request.POST, previous=_previous(visit.patient))
    if not form.is_valid():
        return _render_visit(request, visit, form, status=400)
    choice = form.cleaned_data["start"]
    try:
        prescription = actions.start_prescription(
            visit=visit,
            request=request,
            formula_code=form.cleaned_data["formula"] if choice == "formula" else "",
            previous=form.cleaned_data.get("previous_prescription")
            if choice == "previous"
            else None,
        )
    except actions.PrescriptionRefused as refused:
        form.add_error(None, str(refused))
        return _render_visit(request, visit, form, status=400)
    messages.success(request, _("The prescription is started."))
    return redirect(writer_url(prescription))


# --- the writer ----------------------------------------------------------------------------

SEVERITY_LABELS = {
    safety.Severity.NOTE: gettext_lazy("Note"),
    safety.Severity.WARNING: gettext_lazy("Warning"),
    safety.Severity.NEEDS_REASON: gettext_lazy("Needs a reason"),
    safety.Severity.BLOCK: gettext_lazy("Block"),
}


@require_safe
@staff_only
def prescription_detail(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    return _render_writer(request, prescription)


def _render_writer(request: HttpRequest, prescription: Prescription, **forms: Any) -> HttpResponse:
    items = list(prescription.items.all())
    facts = actions.patient_facts(prescription.patient)
    findings = actions.check(prescription, facts=facts, items=items)
    standing = safety.outstanding(findings)
    rows = []
    for item in items:
        herb = materia.get(item.herb)
        form = forms.get(f"item_{item.pk}") or ChangeItemForm(
            initial={"grams": f"{item.grams.normalize():f}", "preparation": item.preparation},
            prefix=f"item-{item.pk}",
        )
        rows.append(
            {
                "item": item,
                "herb": herb,
                "total": item.total_grams(prescription.days),
                "preparation": materia.PREPARATIONS.get(item.preparation_code, ""),
                "form": form,
            }
        )
    override_form = forms.get("override_form")
    shown = []
    for finding in findings:
        overridable = finding.severity in (
            safety.Severity.WARNING,
            safety.Severity.NEEDS_REASON,
        )
        bound = (
            override_form
            if override_form is not None and override_form.data.get("rule_id") == finding.rule_id
            else None
        )
        shown.append(
            {
                "finding": finding,
                "label": SEVERITY_LABELS[finding.severity],
                "overridable": overridable and not prescription.is_issued,
                "form": bound or OverrideForm(initial={"rule_id": finding.rule_id}),
                "index": len(shown) + 1,
            }
        )
    draft = not prescription.is_issued
    context = {
        "prescription": prescription,
        "patient": prescription.patient,
        "visit": prescription.visit,
        "rows": rows,
        "findings": shown,
        "standing": standing,
        "facts": facts,
        "cost": actions.cost_estimate(prescription, items),
        "total_day": sum((i.grams for i in items), start=Decimal(0)),
        "total_supply": sum((i.total_grams(prescription.days) for i in items), start=Decimal(0)),
        "draft": draft,
        "dispensing": getattr(prescription, "dispensing", None) if prescription.is_issued else None,
    }
    if draft:
        context["item_form"] = forms.get("item_form") or ItemForm()
        context["details_form"] = forms.get("details_form") or DetailsForm(instance=prescription)
    else:
        context["dispense_form"] = forms.get("dispense_form") or DispenseForm()
    status = 400 if forms else 200
    return render(request, "herbs/writer.html", context, status=status)


def _refused(
    request: HttpRequest, prescription: Prescription, refused: object, anchor: str
) -> HttpResponse:
    messages.error(request, str(refused))
    return redirect(writer_url(prescription, anchor))


@require_POST
@staff_only
def add_item(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    if prescription.is_issued:
        return _refused(
            request,
            prescription,
            _("This prescription is issued: start a refill to change it."),
            "",
        )
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _render_writer(request, prescription, item_form=form)
    try:
        item = actions.add_item(
            prescription=prescription,
            herb=form.cleaned_data["herb"],
            grams=form.cleaned_data["grams"],
            preparation=form.cleaned_data["preparation"],
            request=request,
        )
    except actions.PrescriptionRefused as refused:
        form.add_error(None, str(refused))
        return _render_writer(request, prescription, item_form=form)
    messages.success(request, _("%(herb)s is added.") % {"herb": item.materia})
    return redirect(writer_url(prescription, "add-herb"))


@require_POST
@staff_only
def change_item(request: HttpRequest, prescription_id: int, item_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    form = ChangeItemForm(request.POST, prefix=f"item-{item_id}")
    if prescription.is_issued:
        return _refused(
            request,
            prescription,
            _("This prescription is issued: start a refill to change it."),
            "",
        )
    if not form.is_valid():
        if prescription.items.filter(pk=item_id).exists():
            return _render_writer(request, prescription, **{f"item_{item_id}": form})
        return _refused(request, prescription, _("That herb is no longer in the prescription."), "")
    try:
        item = actions.change_item(
            prescription=prescription,
            item_id=item_id,
            grams=form.cleaned_data["grams"],
            preparation=form.cleaned_data["preparation"],
            request=request,
        )
    except actions.PrescriptionRefused as refused:
        return _refused(request, prescription, refused, "herbs")
    messages.success(request, _("%(herb)s is changed.") % {"herb": item.materia})
    return redirect(writer_url(prescription, "herbs"))


@require_POST
@staff_only
def remove_item(request: HttpRequest, prescription_id: int, item_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    try:
        actions.remove_item(prescription=prescription, item_id=item_id, request=request)
    except actions.PrescriptionRefused as refused:
        return _refused(request, prescription, refused, "herbs")
    messages.success(request, _("The herb is removed."))
    return redirect(writer_url(prescription, "herbs"))


@require_POST
@staff_only
def save_details(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    if prescription.is_issued:
        return _refused(
            request,
            prescription,
            _("This prescription is issued: start a refill to change it."),
            "",
        )
    # A copy for the form: a ModelForm writes the data onto its instance, valid or not.
    form = DetailsForm(request.POST, instance=Prescription.objects.get(pk=prescription.pk))
    if not form.is_valid():
        return _render_writer(request, prescription, details_form=form)
    try:
        actions.save_details(prescription=prescription, fields=form.cleaned_data, request=request)
    except actions.PrescriptionRefused as refused:
        return _refused(request, prescription, refused, "details")
    messages.success(request, _("The instructions are saved."))
    return redirect(writer_url(prescription, "details"))


@require_POST
@staff_only
def override(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _render_writer(request, prescription, override_form=form)
    try:
        actions.override(
            prescription=prescription,
            rule_id=form.cleaned_data["rule_id"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except actions.PrescriptionRefused as refused:
        return _refused(request, prescription, refused, "findings")
    messages.success(request, _("The reason is recorded."))
    return redirect(writer_url(prescription, "findings"))


@require_POST
@staff_only
def issue(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    try:
        actions.issue(prescription=prescription, request=request)
    except actions.PrescriptionRefused as refused:
        return _refused(request, prescription, refused, "findings")
    messages.success(request, _("The prescription is issued."))
    return redirect(writer_url(prescription))


@require_POST
@staff_only
def dispense(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    form = DispenseForm(request.POST)
    if not form.is_valid():
        return _render_writer(request, prescription, dispense_form=form)
    try:
        actions.dispense(
            prescription=prescription, notes=form.cleaned_data["notes"], request=request
        )
    except actions.PrescriptionRefused as refused:
        return _refused(request, prescription, refused, "dispensing")
    messages.success(request, _("The dispensing is recorded."))
    return redirect(writer_url(prescription, "dispensing"))


# --- printing ------------------------------------------------------------------------------


def _clinic(request: HttpRequest) -> pdf.Clinic:
    clinic = ClinicSettings.for_request(request)
    lines = list(clinic.address_lines)
    if clinic.phone_display:
        lines.append(clinic.phone_display)
    return pdf.Clinic(name=clinic.name, lines=tuple(lines))


def _pdf_response(
    request: HttpRequest, prescription: Prescription, body: bytes, name: str
) -> HttpResponse:
    audit.record(
        action=audit.Action.EXPORT,
        record_type=prescription,
        record_id=prescription.pk,
        patient_id=prescription.patient_id,
        request=request,
        detail={"format": name},
    )
    response = HttpResponse(body, content_type="application/pdf")
    # A number, not the patient's name: the file name ends up in download folders and logs.
    response["Content-Disposition"] = f'inline; filename="{name}-{prescription.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@staff_only
def prescription_pdf(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    items = list(prescription.items.all())
    body = pdf.prescription_pdf(prescription, items, _clinic(request))
    return _pdf_response(request, prescription, body, "prescription")


@require_safe
@staff_only
def label_pdf(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = access_prescription(request, prescription_id)
    if not prescription.is_issued:
        return _refused(
            request, prescription, _("Issue the prescription before printing its label."), ""
        )
    items = list(prescription.items.all())
    body = pdf.label_pdf(prescription, items, _clinic(request))
    return _pdf_response(request, prescription, body, "label")


# --- the herb search ---------------------------------------------------------------------


@require_safe
@clinical_only
def herb_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    query = query if isinstance(query, str) and "\x00" not in query else ""
    results = materia.search(query, limit=SEARCH_LIMIT) if query.strip() else []
    context = {"results": results, "q": query.strip()[: materia.MAX_QUERY]}
    return render(request, "herbs/_herb_results.html", context)


# --- stock --------------------------------------------------------------------------------


@staff_only
def stock(request: HttpRequest) -> HttpResponse:
    """The herbs in stock, the low ones first; a form to set a herb's count, threshold, price."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    form = StockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        Stock.objects.update_or_create(
            herb=data["herb"],
            defaults={
                "grams_on_hand": data["grams_on_hand"],
                "low_threshold": data["low_threshold"],
            },
        )
        if data.get("per_gram") is not None:
            HerbPrice.objects.update_or_create(
                herb=data["herb"],
                defaults={"per_gram": data["per_gram"], "currency": default_currency()},
            )
        messages.success(request, _("%(herb)s is saved.") % {"herb": materia.get(data["herb"])})
        return redirect(reverse("herbs:stock"))
    rows = list(Stock.objects.all())
    prices = {p.herb: p for p in HerbPrice.objects.filter(herb__in=[r.herb for r in rows])}
    listed = [
        {"stock": row, "herb": materia.get(row.herb), "price": prices.get(row.herb)} for row in rows
    ]
    listed.sort(key=lambda r: (not r["stock"].is_low, r["stock"].herb))
    context = {
        "rows": listed,
        "low": [r for r in listed if r["stock"].is_low],
        "form": form,
        "currency": default_currency(),
        "low_count": Stock.objects.low().count(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "herbs/stock.html", context, status=status)
