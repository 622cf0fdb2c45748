"""Forms of the staff calendar. Dates and times are the location's local wall-clock time; each
form turns them into one UTC instant, or says why it cannot (the spring-forward gap)."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acuclinic.clinic.models import Practitioner
from acuclinic.patients.models import Patient
from acuclinic.scheduling.availability import boundary_to_utc, local_to_utc
from acuclinic.scheduling.models import Service, Source, Status, TimeOff

from .calendar_queries import MAX_DAY, MIN_DAY

DATE_FORMATS = ["%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
KEY = re.compile(r"[0-9a-f]{32}", re.ASCII)
PICK = re.compile(r"(\d{1,10})@(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\+00:00|Z))", re.ASCII)
MAX_BLOCK = timedelta(days=366)


def date_field(label: str, **kwargs) -> forms.DateField:  # type: ignore[no-untyped-def]
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a real date.")},
        **kwargs,
    )


def time_field(label: str, **kwargs) -> forms.TimeField:  # type: ignore[no-untyped-def]
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": gettext_lazy("Enter a time such as 09:30.")},
        **kwargs,
    )


def pick_value(practitioner_id: int, start: datetime) -> str:
    """A suggested time as one button value: who and when (UTC)."""
    return f"{practitioner_id}@{start.isoformat()}"


def parse_pick(value: str) -> tuple[int, datetime] | None:
    match = PICK.fullmatch(value or "")
    if match is None:
        return None
    try:
        return int(match[1]), datetime.fromisoformat(match[2])
    except ValueError:
        return None


def _in_range(day: date) -> None:
    if not MIN_DAY <= day <= MAX_DAY:
        raise forms.ValidationError(_("Choose a day between 2000 and 2100."))


def _gap_message(day: date, at: time, zone: ZoneInfo) -> str:
    return _("%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward.") % {
        "time": at.strftime("%H:%M"),
        "day": date_format(day, "D j M Y"),
        "zone": zone.key,
    }


class CalendarForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("label_suffix", "")  # labels read "Date", not "Date:"
        super().__init__(*args, **kwargs)


class LocalTimeForm(CalendarForm):
    """A date, a time and a practitioner, or a `pick` button that names all three."""

    practitioner = forms.ModelChoiceField(
        Practitioner.objects.filter(is_active=True),
        label=gettext_lazy("Practitioner"),
        error_messages={"invalid_choice": gettext_lazy("Choose a practitioner from the list.")},
    )
    date = date_field(gettext_lazy("Date"))
    time = time_field(gettext_lazy("Time"))

    def __init__(self, *args, zone: ZoneInfo, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.zone = zone
        super().__init__(*args, **kwargs)
        # A suggested time's button fills in the fields it stands for, so the form validates
        # (and redisplays) exactly as if they had been typed.
        if self.is_bound and (picked := parse_pick(self.data.get("pick", ""))):
            practitioner_id, start = picked
            local = start.astimezone(zone)
            self.data = self.data.copy()
            self.data["practitioner"] = str(practitioner_id)
            self.data["date"] = local.strftime("%Y-%m-%d")
            self.data["time"] = local.strftime("%H:%M")

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        _in_range(day)
        return day

    def clean(self) -> dict:  # type: ignore[type-arg]
        cleaned = super().clean()
        day, at = cleaned.get("date"), cleaned.get("time")
        if day and at is not None:
            start = local_to_utc(day, at, self.zone)
            if start is None:
                self.add_error("time", _gap_message(day, at, self.zone))
            else:
                cleaned["start"] = start
        return cleaned


class AppointmentForm(LocalTimeForm):
    q = forms.CharField(label=gettext_lazy("Find a patient"), required=False, max_length=100)
    patient = forms.ModelChoiceField(
        Patient.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": gettext_lazy("That patient is no longer on file; search again.")
        },
    )
    new_name = forms.CharField(label=gettext_lazy("Full name"), required=False, max_length=160)
    new_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    new_phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=40)
    service = forms.ModelChoiceField(
        Service.objects.filter(is_active=True),
        label=gettext_lazy("Service"),
        error_messages={"invalid_choice": gettext_lazy("Choose a service from the list.")},
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Booked"),
        choices=[
            (Source.PHONE, gettext_lazy("by phone")),
            (Source.STAFF, gettext_lazy("in person")),
        ],
        initial=Source.PHONE,
    )
    staff_notes = forms.CharField(
        label=gettext_lazy("Notes for staff"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("No clinical detail: the whole desk sees this."),
    )
    # One key per displayed form: a double-clicked "Book" returns the first booking.
    key = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["q", "patient", "new_name", "new_email", "new_phone", "service"]

    def clean_key(self) -> str:
        # Not typed by anyone: a mangled key only loses the double-click protection.
        key = self.cleaned_data["key"]
        return key if KEY.fullmatch(key) else ""

    def clean(self) -> dict:  # type: ignore[type-arg]
        cleaned = super().clean()
        patient, name = cleaned.get("patient"), (cleaned.get("new_name") or "").strip()
        if "patient" in self.errors:
            return cleaned
        if patient and name:
            self.add_error(
                "new_name",
                _("You chose %(name)s in the search: clear the new patient's name, or that choice.")
                % {"name": patient.full_name},
            )
        elif not patient and not name:
            self.add_error("new_name", _("Choose a patient from the search, or enter a new one."))
        elif not patient:
            email = cleaned.get("new_email") or ""
            known = Patient.objects.filter(full_name__iexact=name, email__iexact=email).first()
            if email and known is not None:
                # The same person twice makes two records; pick the one on file instead.
                cleaned["patient"] = known
        return cleaned

    def patient_or_new(self) -> Patient:
        if patient := self.cleaned_data.get("patient"):
            return patient
        return Patient.objects.create(
            full_name=self.cleaned_data["new_name"].strip(),
            email=self.cleaned_data.get("new_email") or "",
            phone=self.cleaned_data.get("new_phone") or "",
        )


class MoveForm(LocalTimeForm):
    def __init__(self, *args, service: Service, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["practitioner"]
        field.queryset = Practitioner.objects.filter(is_active=True, services=service)  # type: ignore[attr-defined]
        field.label = _("With")


class CancelForm(CalendarForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "For the history, e.g. “patient called, unwell”. No clinical detail."
        ),
    )


STATUS_ACTIONS = {
    Status.ARRIVED: gettext_lazy("Arrived"),
    Status.NO_SHOW: gettext_lazy("No-show"),
    Status.COMPLETED: gettext_lazy("Completed"),
    Status.CONFIRMED: gettext_lazy("Back to confirmed"),
}


# Undoing a mistaken mark reads as such: a completed visit goes "back to arrived".
UNDO_LABELS = {
    (Status.COMPLETED, Status.ARRIVED): gettext_lazy("Back to arrived"),
    (Status.HELD, Status.CONFIRMED): gettext_lazy("Confirm"),
}


class StatusForm(CalendarForm):
    status = forms.ChoiceField(
        choices=list(STATUS_ACTIONS.items()),
        error_messages={"invalid_choice": gettext_lazy("That is not a status the desk can set.")},
    )


class TimeOffForm(CalendarForm):
    practitioner = forms.ModelChoiceField(
        Practitioner.objects.all(),
        label=gettext_lazy("Practitioner"),
        error_messages={"invalid_choice": gettext_lazy("Choose a practitioner from the list.")},
    )
    start_date = date_field(gettext_lazy("From (date)"))
    start_time = time_field(
        gettext_lazy("From (time)"),
        required=False,
        help_text=gettext_lazy("Leave empty to start at the beginning of the day."),
    )
    end_date = date_field(gettext_lazy("Until (date)"))
    end_time = time_field(
        gettext_lazy("Until (time)"),
        required=False,
        help_text=gettext_lazy("Leave empty to block until the end of the day."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("Shown to staff only, e.g. “holiday” or “training”."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, zone: ZoneInfo, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.zone = zone
        super().__init__(*args, **kwargs)

    def clean_start_date(self) -> date:
        day = self.cleaned_data["start_date"]
        _in_range(day)
        return day

    def clean_end_date(self) -> date:
        day = self.cleaned_data["end_date"]
        _in_range(day)
        return day

    def clean(self) -> dict:  # type: ignore[type-arg]
        cleaned = super().clean()
        first, last = cleaned.get("start_date"), cleaned.get("end_date")
        if not first or not last:
            return cleaned
        at, until = cleaned.get("start_time"), cleaned.get("end_time")
        start = (
            local_to_utc(first, at, self.zone) if at else boundary_to_utc(first, time(0), self.zone)
        )
        if until is None:
            end = boundary_to_utc(last + timedelta(days=1), time(0), self.zone)
        else:
            end = local_to_utc(last, until, self.zone)
        if start is None:
            self.add_error("start_time", _gap_message(first, at, self.zone))  # type: ignore[arg-type]
        if end is None:
            self.add_error("end_time", _gap_message(last, until, self.zone))  # type: ignore[arg-type]
        if start is None or end is None:
            return cleaned
        if end <= start:
            self.add_error("end_date", _("The block must end after it starts."))
        elif end - start > MAX_BLOCK:
            self.add_error(
                "end_date", _("A block can be at most a year long; add another after it.")
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def build(self) -> TimeOff:
        return TimeOff(
            practitioner=self.cleaned_data["practitioner"],
            start=self.cleaned_data["start"],
            end=self.cleaned_data["end"],
            reason=self.cleaned_data["reason"].strip(),
        )
