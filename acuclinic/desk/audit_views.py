"""/desk/audit/: the owner reads the audit trail, newest first, filtered, and exports it as CSV
(the export is itself an entry). Times on the page are the clinic's local time with its zone;
the CSV has UTC. Entries carry no clinical content (clinic/audit.py), so neither does this."""

import csv
import json
import re
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from acuclinic.clinic import audit
from acuclinic.clinic.models import ClinicSettings
from acuclinic.clinic.roles import Role, role_of
from acuclinic.patients.access import parse_id

PER_PAGE = 50
# Dates a clinic's log can hold; also keeps "the day after" from overflowing.
MIN_DAY, MAX_DAY = date(2000, 1, 1), date(2100, 12, 31)
RECORD_TYPE = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", re.ASCII)
CSV_COLUMNS = [
    "when_utc",
    "actor",
    "role",
    "action",
    "record_type",
    "record_id",
    "patient_id",
    "ip_address",
    "detail",
]


def owner_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in first, then the owner's role; everyone else 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) != Role.OWNER:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date.")},
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Username"), required=False, max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices]
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *audit.Action.choices]
    )
    patient = forms.CharField(label=_("Patient id"), required=False, max_length=30)
    record_type = forms.CharField(
        label=_("Record type"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "patients.patient"}),
    )
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def clean_actor(self) -> str:
        return self.cleaned_data["actor"].strip()

    def clean_patient(self) -> int | None:
        value = self.cleaned_data["patient"].strip()
        if not value:
            return None
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(_("A patient id is a whole number, such as 42."))
        return number

    def clean_record_type(self) -> str:
        value = self.cleaned_data["record_type"].strip().lower()
        if value and not RECORD_TYPE.fullmatch(value):
            raise forms.ValidationError(
                _("A record type is an app and a model, such as patients.patient.")
            )
        return value

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data[name]
        if day is not None and not MIN_DAY <= day <= MAX_DAY:
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
        return day

    def clean_date_from(self) -> date | None:
        return self._clean_day("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_day("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def entries(self, zone: zoneinfo.ZoneInfo) -> QuerySet[audit.AuditEntry]:
        """The entries these (valid) filters select, newest first; dates are the clinic's."""
        data = self.cleaned_data
        entries = audit.AuditEntry.objects.order_by("-at", "-id")
        if data["actor"]:
            entries = entries.filter(actor_username__iexact=data["actor"])
        if data["role"]:
            entries = entries.filter(role=data["role"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["patient"] is not None:
            entries = entries.filter(patient_id=data["patient"])
        if data["record_type"]:
            entries = entries.filter(record_type=data["record_type"])
        if data["date_from"]:
            entries = entries.filter(at__gte=_midnight(data["date_from"], zone))
        if data["date_to"]:
            entries = entries.filter(at__lt=_midnight(data["date_to"] + timedelta(days=1), zone))
        return entries

    def used(self) -> dict[str, str]:
        """The filters in use, as text: for the export's own audit entry."""
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in ("", None)}


def _midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    # The first instant of the local day (a zone that skips midnight starts it at 01:00).
    return datetime.combine(day, time.min, tzinfo=zone)


def _zone(request: HttpRequest) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(ClinicSettings.for_request(request).time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


@require_safe
@owner_only
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    zone = _zone(request)
    if not form.is_valid():
        context = {"form": form, "page": None, "zone": zone}
        with timezone.override(zone):
            return render(request, "desk/audit.html", context)
    entries = form.entries(zone)
    if request.GET.get("export") == "csv":
        return _export(request, form, entries)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    with timezone.override(zone):
        return render(request, "desk/audit.html", {"form": form, "page": page, "zone": zone})


def _export(
    request: HttpRequest, form: AuditFilterForm, entries: QuerySet[audit.AuditEntry]
) -> HttpResponse:
    # Written first, so the file holds its own export (when the filters select it).
    audit.record(
        action=audit.Action.EXPORT,
        record_type=audit.AuditEntry,
        request=request,
        detail={"format": "csv", "filters": form.used()},
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    """A spreadsheet must not read a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(entries: QuerySet[audit.AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            _cell(value)
            for value in (
                e.at.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
                e.actor_username,
                e.role,
                e.action,
                e.record_type,
                e.record_id,
                e.patient_id,
                e.ip_address,
                json.dumps(e.detail, sort_keys=True) if e.detail else "",
            )
        )
