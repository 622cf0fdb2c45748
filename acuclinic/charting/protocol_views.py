"""/desk/visits/protocols/: the clinic's treatment templates. No patient data, so the clinical
roles only (the front desk 403). A new protocol can start from a visit's treatment
(?from_visit=<id>, read through access_visit and audited)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from acuclinic.clinic import audit
from acuclinic.patients.access import parse_id

from . import lines
from .access import access_visit
from .forms import ProtocolForm
from .models import Protocol
from .views import clinical_only


@require_safe
@clinical_only
def protocol_list(request: HttpRequest) -> HttpResponse:
    protocols = Protocol.objects.select_related("created_by").order_by("name", "pk")
    return render(request, "charting/protocols.html", {"protocols": protocols})


@require_http_methods(["GET", "HEAD", "POST"])
@clinical_only
def protocol_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    source = request.GET.get("from_visit")
    if source and request.method != "POST":
        visit = access_visit(request, source)
        initial["treatment"] = lines.format_all(
            [n.as_data() for n in visit.needles.all()],
            [m.as_data() for m in visit.modalities.all()],
        )
    form = ProtocolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        protocol = form.save(commit=False)
        protocol.created_by = request.user
        protocol.save()
        _audit(request, protocol, audit.Action.CREATE)
        messages.success(request, _("The protocol is saved."))
        return redirect("charting:protocols")
    return render(request, "charting/protocol_form.html", {"form": form, "protocol": None})


@require_http_methods(["GET", "HEAD", "POST"])
@clinical_only
def protocol_edit(request: HttpRequest, protocol_id: int) -> HttpResponse:
    protocol = get_object_or_404(Protocol, pk=parse_id(protocol_id) or 0)
    form = ProtocolForm(request.POST or None, instance=protocol)
    if request.method == "POST" and form.is_valid():
        form.save()
        _audit(request, protocol, audit.Action.UPDATE)
        messages.success(request, _("The protocol is saved."))
        return redirect("charting:protocols")
    return render(request, "charting/protocol_form.html", {"form": form, "protocol": protocol})


def _audit(request: HttpRequest, protocol: Protocol, action: audit.Action) -> None:
    # A protocol is the clinic's, not a patient's: no patient id.
    audit.record(action=action, record_type=protocol, record_id=protocol.pk, request=request)
