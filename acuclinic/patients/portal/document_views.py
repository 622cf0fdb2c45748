"""/portal/documents/: the patient's documents (download through the access check, audited)
and the upload of an imaging report or referral letter, checked like the desk's. A patient
does not delete a document: it is part of the record; the clinic does that on request."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from ..documents import SizeLimit, access_document, add_document, download
from ..models import Patient
from .access import patient_required
from .forms import PortalDocumentForm


@csrf_exempt  # only so the size limit is in place before the body is read; checked below
@require_http_methods(["GET", "HEAD", "POST"])
@patient_required
def documents(request: HttpRequest) -> HttpResponse:
    limit = SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _documents(request, limit)


@csrf_protect
def _documents(request: HttpRequest, limit: SizeLimit) -> HttpResponse:
    patient: Patient = request.patient  # type: ignore[attr-defined]
    if request.method == "POST":
        form = PortalDocumentForm(request.POST, request.FILES, too_big=limit.too_big)
        if form.is_valid() and form.checked is not None:
            add_document(
                patient=patient,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                checked=form.checked,
                request=request,
            )
            messages.success(request, _("Your document is uploaded. Thank you."))
            return redirect("portal:documents")
    else:
        form = PortalDocumentForm()
    context = {
        "patient": patient,
        "form": form,
        "documents": patient.documents.select_related("uploaded_by").order_by(
            "-uploaded_at", "-pk"
        ),
    }
    return render(request, "portal/documents.html", context, status=400 if form.errors else 200)


@require_safe
@patient_required
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    # access_document lets a patient reach their own documents only (404 otherwise).
    return download(access_document(request, document_id))
