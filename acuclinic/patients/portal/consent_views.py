"""/portal/consent/: the clinic's current consent texts, each signed with the patient's typed
name and a ticked box (patients/consent.py records the version, time and address, audited)."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import consent
from ..access import parse_id
from ..models import ConsentDocument, Patient
from .access import patient_required
from .forms import ConsentForm


def _form(patient: Patient, document: ConsentDocument, data: Any = None) -> ConsentForm:
    # One form per document on the page: ids must not repeat.
    return ConsentForm(data, patient=patient, auto_id=f"consent-{document.pk}-%s")


def _page(
    request: HttpRequest,
    patient: Patient,
    bound: tuple[ConsentDocument, ConsentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Each current text with its signature or a form (`bound`: the one just sent, with its
    errors)."""
    current = consent.status(patient)
    rows = []
    for item in current:
        form = None
        if item.signature is None:
            mine = bound is not None and bound[0].pk == item.document.pk
            form = bound[1] if bound is not None and mine else _form(patient, item.document)
        rows.append({"document": item.document, "signature": item.signature, "form": form})
    earlier = (
        patient.signatures.select_related("document")
        .exclude(document__in=[item.document.pk for item in current])
        .order_by("-signed_at", "-pk")
    )
    context = {"patient": patient, "rows": rows, "earlier": earlier}
    return render(request, "portal/consent.html", context, status=status)


@require_safe
@patient_required
def consent_list(request: HttpRequest) -> HttpResponse:
    return _page(request, request.patient)  # type: ignore[attr-defined]


@require_POST
@patient_required
def consent_sign(request: HttpRequest, document_id: int) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    pk = parse_id(document_id)
    published = ConsentDocument.objects.filter(published_on__lte=timezone.localdate())
    document = published.filter(pk=pk).first() if pk else None
    if document is None:
        raise Http404
    form = _form(patient, document, request.POST)
    if form.is_valid():
        try:
            consent.sign(
                patient=patient,
                document=document,
                typed_name=form.cleaned_data["typed_name"],
                agreed=form.cleaned_data["agreed"],
                request=request,
            )
        except consent.ConsentError as refusal:  # signed already, or replaced meanwhile
            messages.error(request, str(refusal))
            return redirect("portal:consent")
        messages.success(
            request, _("Thank you: you have signed “%(title)s”.") % {"title": document.title}
        )
        return redirect("portal:consent")
    return _page(request, patient, bound=(document, form), status=400)
