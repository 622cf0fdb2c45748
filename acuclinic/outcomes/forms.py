"""The report's filters and the claim check, validated with a clear message for any input."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acuclinic.charting.models import Protocol
from acuclinic.charting.treatment import resolve_point
from acuclinic.clinic.models import Practitioner
from acuclinic.outcomes import data
from acuclinic.outcomes.report import FIGURE_LABELS, QUANTIFIERS, Figure, Filters, Quantifier

HERBS = {"yes": True, "no": False}  # the herbs choice as Filters.herbs; "" is no filter
MAX_SPAN = timedelta(days=10 * 366)
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, today included."""
    return today.replace(year=today.year - 1) + timedelta(days=1), today


class ReportForm(forms.Form):
    condition = forms.ChoiceField(
        label=_("Condition"), choices=[("back-pain", _("Back pain"))], required=False
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Until (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    practitioner = forms.ModelChoiceField(
        label=_("Practitioner at the first visit"),
        queryset=Practitioner.objects.order_by("name", "pk"),
        required=False,
        empty_label=_("Everyone"),
    )
    # What was done during the course (report.py: at least one of its visits).
    protocol = forms.ModelChoiceField(
        label=_("Treatment protocol"),
        queryset=Protocol.objects.order_by("name", "pk"),
        required=False,
        empty_label=_("Any"),
    )
    point = forms.CharField(
        label=_("Point needled"),
        max_length=40,
        required=False,
        strip=True,
        help_text=_("A code or pinyin name, e.g. BL23 or Shenshu."),
    )
    herbs = forms.ChoiceField(
        label=_("Herbal prescription"),
        choices=[("", _("With or without")), ("yes", _("Prescribed")), ("no", _("None"))],
        required=False,
    )
    # The claim check: the clinic's sentence is shown back, never parsed; the claim is the
    # quantifier and figure picked from fixed lists.
    claim = forms.CharField(label=_("Your sentence"), max_length=300, required=False, strip=True)
    quantifier = forms.ChoiceField(
        label=_("It claims"),
        choices=[("", "—"), *((q.value, label) for q, (label, _t, _s) in QUANTIFIERS.items())],
        required=False,
    )
    figure = forms.ChoiceField(
        label=_("What it says about them"),
        choices=[("", "—"), *((f.value, label) for f, label in FIGURE_LABELS.items())],
        required=False,
    )

    def clean_start(self) -> date:
        return self._in_range(self.cleaned_data["start"])

    def clean_end(self) -> date:
        return self._in_range(self.cleaned_data["end"])

    @staticmethod
    def _in_range(value: date) -> date:
        if not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("Give a date between %(earliest)s and %(latest)s."),
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return value

    def clean_point(self) -> str:
        value = self.cleaned_data.get("point") or ""
        if not value:
            return ""
        found = resolve_point(value)
        if found is None:
            raise forms.ValidationError(
                _("No acupuncture point is called %(value)s: give a code such as BL23."),
                params={"value": value},
            )
        return found.code

    def clean_condition(self) -> str:
        return self.cleaned_data.get("condition") or "back-pain"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif end - start > MAX_SPAN:
                self.add_error("end", _("Choose a period of ten years or less."))
        quantifier, figure = cleaned.get("quantifier"), cleaned.get("figure")
        if bool(quantifier) != bool(figure):
            self.add_error(
                "figure" if quantifier else "quantifier",
                _("Pick both how many patients and what the claim says about them."),
            )
        return cleaned

    def filters(self) -> Filters:
        """The period as aware datetimes in the clinic's time zone: [start 00:00, end+1 00:00)."""
        zone = timezone.get_current_timezone()
        cleaned = self.cleaned_data
        start = datetime.combine(cleaned["start"], time(0), tzinfo=zone)
        end = datetime.combine(cleaned["end"] + timedelta(days=1), time(0), tzinfo=zone)
        practitioner = cleaned.get("practitioner")
        protocol = cleaned.get("protocol")
        return Filters(
            start=start,
            end=end,
            practitioner_id=practitioner.pk if practitioner else None,
            protocol_id=protocol.pk if protocol else None,
            point=cleaned.get("point") or None,
            herbs=HERBS.get(cleaned.get("herbs") or ""),
        )

    def audit_filters(self) -> dict[str, Any]:
        """What the audit entry records: the filters, never the typed sentence."""
        cleaned = self.cleaned_data
        practitioner, protocol = cleaned.get("practitioner"), cleaned.get("protocol")
        return {
            "condition": cleaned["condition"],
            "start": cleaned["start"].isoformat(),
            "end": cleaned["end"].isoformat(),
            "practitioner": practitioner.pk if practitioner else None,
            "protocol": protocol.pk if protocol else None,
            "point": cleaned.get("point") or None,
            "herbs": HERBS.get(cleaned.get("herbs") or ""),
        }

    def claim_parts(self) -> tuple[Quantifier, Figure] | None:
        cleaned = self.cleaned_data
        if cleaned.get("quantifier") and cleaned.get("figure"):
            return Quantifier(cleaned["quantifier"]), Figure(cleaned["figure"])
        return None


def report_form(params: Any, today: date) -> ReportForm:
    """The form bound to the query string, the last twelve months where no period is given."""
    values = params.copy()
    start, end = default_period(today)
    if not values.get("start"):
        values["start"] = start.isoformat()
    if not values.get("end"):
        values["end"] = end.isoformat()
    return ReportForm(values)


CONDITIONS = data.CONDITIONS
