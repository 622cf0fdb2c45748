"""/desk/patients/: find a patient, see and edit the record, link family members, upload and
download documents, merge duplicates, export and erase (issue 4 B and E).

Each view: a role gate (before anything is read, so a guessed id tells a patient or a
stranger nothing), the access function (which audits the read), a form, one action, a
redirect. Who sees what (decision 4):
- every staff role: the list, the record's contact and administrative details, its edit
  form and family links (CONTACT purpose);
- owner and practitioners: consent status and documents on the record page, uploads and
  downloads, merge, the JSON export (CLINICAL purpose);
- the owner alone: erase.
"""

import json
import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from acuclinic.clinic import audit
from acuclinic.clinic.roles import CLINICAL_ROLES, STAFF_ROLES, Role, role_of
from acuclinic.desk.access import roles_only
from acuclinic.patients import actions, consent, intake
from acuclinic.patients.access import Purpose, access_patient, parse_id, visible
from acuclinic.patients.documents import SizeLimit, access_document, add_document, download
from acuclinic.patients.export import export_patient
from acuclinic.patients.forms import (
    Direction,
    DocumentForm,
    EraseForm,
    LinkForm,
    MergeForm,
    PatientForm,
    SearchForm,
)
from acuclinic.patients.models import IntakeStatus, Patient, PatientLink

PER_PAGE = 25
CANDIDATES = 20
PHONE_QUERY = re.compile(r"[0-9 +().\-/]+", re.ASCII)


staff_only = roles_only(STAFF_ROLES)
clinical_only = roles_only(CLINICAL_ROLES)
owner_only = roles_only({Role.OWNER})


def _patient_url(patient: Patient) -> str:
    return reverse("desk:patient", args=[patient.pk])


def _live(patient: Patient) -> Patient:
    """An erased record keeps only what past appointments need: nothing to edit."""
    if patient.erased_at is not None:
        raise Http404
    return patient


def search(queryset: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """Name, e-mail or phone contains the query; a query of phone characters also matches
    the digits whatever the punctuation ("5550161" finds "(303) 555-0161")."""
    if not query:
        return queryset
    match = Q(full_name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query)
    digits = re.sub(r"\D", "", query)
    if PHONE_QUERY.fullmatch(query) and len(digits) >= 3:
        match |= Q(phone__regex=r"\D*".join(digits))
    return queryset.filter(match)


def _people(user: Any) -> QuerySet[Patient]:
    return visible(Patient.objects.filter(erased_at=None), user, Purpose.CONTACT)


# --- the list and one record ------------------------------------------------------------


@require_safe
@staff_only
def patient_list(request: HttpRequest) -> HttpResponse:
    # NUL bytes are dropped rather than refused (the form's own validator would refuse them).
    form = SearchForm({"q": request.GET.get("q", "").replace("\x00", "")})
    valid = form.is_valid()
    query = form.cleaned_data["q"] if valid else ""
    # A search that cannot be read (too long) finds nobody; it never widens to everyone.
    people = _people(request.user) if valid else Patient.objects.none()
    patients = search(people, query).order_by("full_name", "pk")
    page = Paginator(patients, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "q": query if valid else request.GET.get("q", "")[:100]}
    return render(request, "desk/patients/list.html", context)


@require_safe
@staff_only
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    clinical = role_of(request.user) in CLINICAL_ROLES
    purpose = Purpose.CLINICAL if clinical else Purpose.CONTACT
    patient = access_patient(request, patient_id, purpose)
    context: dict[str, Any] = {
        "patient": patient,
        "clinical": clinical,
        "is_owner": role_of(request.user) == Role.OWNER,
        "links": patient.links.select_related("related"),
        "linked_from": patient.linked_from.select_related("patient"),
    }
    if clinical:
        context["consents"] = consent.status(patient)
        context["documents"] = patient.documents.all()
        intakes = list(patient.intakes.select_related("flag_reviewed_by"))  # newest first
        context["intakes"] = intakes
        context["latest_intake"] = next(
            (i for i in intakes if i.questionnaire == intake.INTAKE_KEY), None
        )
    else:
        context["questionnaire"] = _questionnaire_status(patient)
    return render(request, "desk/patients/detail.html", context)


def _questionnaire_status(patient: Patient) -> dict[str, Any]:
    """What the front desk may know of the intake: sent or not, and an open red-flag alert
    (its severity's label), read without loading a single answer."""
    rows = patient.intakes.filter(questionnaire=intake.INTAKE_KEY).order_by("-started_at", "-pk")
    latest = rows.values("red_flag_severity", "flag_reviewed_at").first()
    severity = ""
    if latest and latest["red_flag_severity"] and latest["flag_reviewed_at"] is None:
        severity = latest["red_flag_severity"]
    return {"sent": rows.filter(status=IntakeStatus.SUBMITTED).exists(), "open_flag": severity}


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _live(access_patient(request, patient_id, Purpose.CONTACT))
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        actions.update_patient(patient=patient, fields=form.changed_fields(), request=request)
        messages.success(request, _("The record is saved."))
        return redirect(_patient_url(patient))
    return render(request, "desk/patients/edit.html", {"patient": patient, "form": form})


# --- family links ------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only
def patient_links(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _live(access_patient(request, patient_id, Purpose.CONTACT))
    search_form = SearchForm(request.GET)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    other: Patient | None = None
    chosen = request.POST.get("other") if request.method == "POST" else request.GET.get("other")
    if chosen:
        other = _live(access_patient(request, chosen, Purpose.CONTACT))
    form = LinkForm(request.POST or None, patient=patient, other=other)
    if request.method == "POST" and form.is_valid() and other is not None:
        mine = form.cleaned_data["direction"] == Direction.MINE
        actions.link_patients(
            patient=other if mine else patient,
            related=patient if mine else other,
            relationship=form.cleaned_data["relationship"],
            may_book=form.cleaned_data["may_book"],
            request=request,
        )
        messages.success(request, _("The family link is saved."))
        return redirect(_patient_url(patient))
    candidates: list[Patient] = []
    if query and other is None:
        found = search(_people(request.user), query).exclude(pk=patient.pk)
        candidates = list(found.order_by("full_name", "pk")[:CANDIDATES])
    context = {
        "patient": patient,
        "other": other,
        "form": form,
        "search_form": search_form,
        "q": query,
        "candidates": candidates,
    }
    return render(request, "desk/patients/links.html", context)


@require_POST
@staff_only
def patient_unlink(request: HttpRequest, patient_id: int, link_id: int) -> HttpResponse:
    patient = _live(access_patient(request, patient_id, Purpose.CONTACT))
    link = (
        PatientLink.objects.filter(Q(patient=patient) | Q(related=patient), pk=link_id).first()
        if parse_id(link_id)
        else None
    )
    if link is None:
        raise Http404
    actions.unlink_patients(link=link, request=request)
    messages.success(request, _("The family link is removed."))
    return redirect(_patient_url(patient))


# --- documents ---------------------------------------------------------------------------


@csrf_exempt  # only so the size limit is in place before the body is read; checked below
@require_http_methods(["GET", "HEAD", "POST"])
@clinical_only
def document_upload(request: HttpRequest, patient_id: int) -> HttpResponse:
    limit = SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _document_upload(request, patient_id, limit)


@csrf_protect
def _document_upload(request: HttpRequest, patient_id: int, limit: SizeLimit) -> HttpResponse:
    patient = _live(access_patient(request, patient_id, Purpose.CLINICAL))
    if request.method != "POST":
        form = DocumentForm()
    else:
        form = DocumentForm(request.POST, request.FILES, too_big=limit.too_big)
        if form.is_valid() and form.checked is not None:
            add_document(
                patient=patient,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                checked=form.checked,
                request=request,
            )
            messages.success(request, _("The document is uploaded."))
            return redirect(f"{_patient_url(patient)}#documents")
    return render(request, "desk/patients/upload.html", {"patient": patient, "form": form})


@require_safe
@clinical_only
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    return download(access_document(request, document_id))


# --- merge, export, erase ----------------------------------------------------------------


def _side_by_side(a: Patient, b: Patient) -> list[tuple[str, str, str]]:
    def show(p: Patient, field: str) -> str:
        value = getattr(p, f"get_{field}_display", lambda: getattr(p, field))()
        return "" if value is None else str(value)

    rows = [
        (str(Patient._meta.get_field(f).verbose_name).capitalize(), show(a, f), show(b, f))
        for f in ("full_name", "email", "phone", "date_of_birth", "sex", "pronouns")
    ]
    rows.append((_("Address"), ", ".join(a.address_lines), ", ".join(b.address_lines)))
    rows.append((_("Emergency contact"), _emergency(a), _emergency(b)))
    rows.append((_("Portal account"), _yes(a.user_id), _yes(b.user_id)))
    rows.append((_("Record created"), f"{a.created_at:%Y-%m-%d}", f"{b.created_at:%Y-%m-%d}"))
    for label, related in (
        (_("Appointments"), "appointments"),
        (_("Documents"), "documents"),
        (_("Consent signatures"), "signatures"),
    ):
        rows.append((label, str(getattr(a, related).count()), str(getattr(b, related).count())))
    return rows


def _emergency(p: Patient) -> str:
    return " · ".join(
        x for x in (p.emergency_name, p.emergency_relationship, p.emergency_phone) if x
    )


def _yes(value: object) -> str:
    return _("yes") if value else _("no")


@require_http_methods(["GET", "HEAD", "POST"])
@clinical_only
def patient_merge(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _live(access_patient(request, patient_id, Purpose.CLINICAL))
    chosen = request.POST.get("other") if request.method == "POST" else request.GET.get("other")
    other = _live(access_patient(request, chosen, Purpose.CLINICAL)) if chosen else None
    form = MergeForm(request.POST or None)
    if request.method == "POST":
        if other is None:
            raise Http404
        if form.is_valid():
            keep, remove = (
                (patient, other) if form.cleaned_data["keep"] == "this" else (other, patient)
            )
            try:
                merged = actions.merge_patients(keep=keep, remove=remove, request=request)
            except actions.PatientActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    _("Record %(removed)s is merged into this one.")
                    % {"removed": merged.removed_id},
                )
                return redirect(_patient_url(merged.kept))
    search_form = SearchForm(request.GET)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    candidates: list[Patient] = []
    if other is None and query:
        found = search(_people(request.user), query).exclude(pk=patient.pk)
        candidates = list(found.order_by("full_name", "pk")[:CANDIDATES])
    context = {
        "patient": patient,
        "other": other,
        "form": form,
        "search_form": search_form,
        "q": query,
        "candidates": candidates,
        "rows": _side_by_side(patient, other) if other is not None and other != patient else [],
    }
    return render(request, "desk/patients/merge.html", context)


@require_safe
@clinical_only
def patient_export(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request, patient_id, Purpose.CLINICAL)
    data = export_patient(patient)
    audit.record(
        action=audit.Action.EXPORT,
        record_type=patient,
        record_id=patient.pk,
        patient_id=patient.pk,
        request=request,
        detail={"format": "json"},
    )
    body = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}-{stamp}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@owner_only
def patient_erase(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _live(access_patient(request, patient_id, Purpose.CLINICAL))
    form = EraseForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            erased = actions.erase_patient(patient=patient, request=request)
        except actions.PatientActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if erased.record_deleted:
                done = _("The patient's record and data are erased.")
            else:
                done = ngettext(
                    "The patient's data are erased; %(count)s past appointment is kept "
                    "without a name.",
                    "The patient's data are erased; %(count)s past appointments are kept "
                    "without a name.",
                    erased.appointments_kept,
                ) % {"count": erased.appointments_kept}
            messages.success(request, done)
            return redirect("desk:patients")
    counts = {
        "appointments": patient.appointments.count(),
        "documents": patient.documents.count(),
        "signatures": patient.signatures.count(),
        "intakes": patient.intakes.count(),
        "treatment_records": actions.treatment_records(patient),
    }
    context = {"patient": patient, "form": form, "counts": counts}
    return render(request, "desk/patients/erase.html", context)
