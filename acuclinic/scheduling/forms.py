"""Forms of the public booking flow: the patient's details, the waitlist."""

import re
import uuid
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from acuclinic.patients.models import Patient
from acuclinic.patients.portal.access import own_record

PHONE = re.compile(r"^[0-9+()./\- ]{7,25}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


class DetailsForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"),
        max_length=160,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("We send the confirmation and a reminder here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=25,
        help_text=_("In case we need to reach you about the appointment."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    been_before = forms.ChoiceField(
        label=_("Have you been to our clinic before?"),
        choices=[("yes", _("Yes")), ("no", _("No, this is my first visit"))],
        widget=forms.RadioSelect,
    )
    heard_from = forms.CharField(
        label=_("How did you hear about us?"), max_length=120, required=False
    )
    repeat = forms.TypedChoiceField(
        label=_("How many visits?"),
        coerce=int,
        required=False,
        empty_value=1,
        choices=[(1, _("Just this one"))]
        + [(n, _("%(count)d visits, one a week") % {"count": n}) for n in (2, 3, 4, 6, 8, 10, 12)],
        initial=1,
        help_text=_(
            "A course of treatment is often weekly for six weeks. Every visit is checked "
            "before anything is booked."
        ),
    )
    # Makes a double-submitted form one booking (booking.book's idempotency key).
    request_id = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise ValidationError(_("Please enter your name."))
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 7:
            raise ValidationError(_("Enter a phone number, e.g. (303) 555-0142."))
        return phone

    def clean_request_id(self) -> str:
        value = self.cleaned_data["request_id"]
        if not re.fullmatch(r"[0-9a-f]{32}", value):
            raise ValidationError(_("This form is out of date; please reload the page."))
        return value

    def staff_note(self) -> str:
        """Booking answers for the practitioner: administrative, not clinical."""
        first = "yes" if self.cleaned_data["been_before"] == "no" else "no"
        note = f"First visit: {first}."
        if heard := self.cleaned_data.get("heard_from", "").strip():
            note += f" Heard about us: {heard}."
        return note


class WaitlistForm(forms.Form):
    full_name = DetailsForm.base_fields["full_name"]
    email = DetailsForm.base_fields["email"]
    phone = DetailsForm.base_fields["phone"]
    earliest = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    latest = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    clean_full_name = DetailsForm.clean_full_name
    clean_phone = DetailsForm.clean_phone

    def __init__(self, *args, today: date, max_days: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.today, self.max_days = today, max_days

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        earliest, latest = data.get("earliest"), data.get("latest")
        if earliest and latest:
            if earliest < self.today:
                self.add_error("earliest", _("Choose today or a later day."))
            if latest < earliest:
                self.add_error("latest", _("The last day must not be before the first."))
            if latest > self.today + timedelta(days=self.max_days):
                self.add_error(
                    "latest", _("Choose a day within %(days)d days.") % {"days": self.max_days}
                )
        return data


def signed_in_patient(user: object) -> Patient | None:
    """The record of a patient signed in to the portal: what they book goes on it."""
    return own_record(user)


def details_initial(patient: Patient | None) -> dict[str, str]:
    """A new details form: its request id, and a signed-in patient's own details."""
    initial = {"request_id": new_request_id()}
    if patient is not None:
        initial.update(full_name=patient.full_name, email=patient.email, phone=patient.phone)
    return initial


def find_or_create_patient(full_name: str, email: str, phone: str) -> Patient:
    """The patient with this e-mail, or a new record. An existing record is not changed from
    an anonymous form (anyone can type anyone's address); staff see the booking's details."""
    existing = Patient.objects.filter(email__iexact=email).order_by("id").first()
    if existing is not None:
        return existing
    return Patient.objects.create(full_name=full_name, email=email, phone=phone)
