"""Forms of the patient's portal. Every message says what to do; a form with errors is shown
again with what was typed still in it."""

import unicodedata
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..consent import MAX_TYPED_NAME
from ..forms import DATE_FORMATS, DocumentForm, PatientForm
from ..models import DocumentKind, Patient

DIARY_DAYS_BACK = 30
MAX_NOTE = 500
SCORES = [(n, str(n)) for n in range(11)]


def _plain_name(value: str) -> str:
    """A name for comparing: composed characters, single spaces, no case."""
    return " ".join(unicodedata.normalize("NFC", value or "").split()).casefold()


class ConsentForm(forms.Form):
    typed_name = forms.CharField(
        label=_("Type your full name"),
        max_length=MAX_TYPED_NAME,
        error_messages={
            "required": _("Type your full name to sign."),
            "max_length": _("Type your full name as the clinic has it, to sign."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    agreed = forms.BooleanField(
        label=_("I have read and agree"),
        error_messages={"required": _("Tick the box to say you have read and agree.")},
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_typed_name(self) -> str:
        typed = " ".join(self.cleaned_data["typed_name"].split())
        if not typed:
            raise forms.ValidationError(_("Type your full name to sign."), code="required")
        if _plain_name(typed) != _plain_name(self.patient.full_name):
            raise forms.ValidationError(
                _(
                    "The name you typed does not match the name on your record "
                    "(%(name)s). Type it as shown, or ask the clinic to correct it."
                ),
                code="mismatch",
                params={"name": self.patient.full_name},
            )
        return typed


class DiaryForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your pain now, from 0 (no pain) to 10 (worst imaginable)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a score from 0 to 10."),
            "invalid_choice": _("Choose a whole number from 0 to 10."),
        },
    )
    day = forms.DateField(
        label=_("Day"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the day, such as 2026-03-21."),
            "invalid": _("Enter a real date, such as 2026-03-21."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At most 500 characters, e.g. what you were doing."),
        error_messages={
            "max_length": _("Keep the note to 500 characters (it has %(show_value)d).")
        },
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"day": today})
        super().__init__(*args, **kwargs)
        self.today = today
        earliest = today - timedelta(days=DIARY_DAYS_BACK)
        self.fields["day"].widget.attrs.update(min=earliest.isoformat(), max=today.isoformat())

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day > self.today:
            raise forms.ValidationError(_("The day cannot be in the future."), code="future")
        if day < self.today - timedelta(days=DIARY_DAYS_BACK):
            raise forms.ValidationError(
                _("Choose a day within the last %(days)d days.") % {"days": DIARY_DAYS_BACK},
                code="too_early",
            )
        return day

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


class PortalDocumentForm(DocumentForm):
    """The desk's upload form, for the two kinds a patient brings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        kind.choices = [
            (DocumentKind.IMAGING, DocumentKind.IMAGING.label),
            (DocumentKind.REFERRAL, DocumentKind.REFERRAL.label),
        ]
        kind.error_messages["invalid_choice"] = _("Choose imaging report or referral letter.")
        kind.error_messages["required"] = _("Choose imaging report or referral letter.")


# What a patient changes themselves; name, date of birth and e-mail go through the clinic.
PROFILE_FIELDS = (
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postcode",
    "country",
    "emergency_name",
    "emergency_relationship",
    "emergency_phone",
    "preferred_language",
    "pronouns",
)
AUTOCOMPLETE = {
    "phone": "tel",
    "address_line1": "address-line1",
    "address_line2": "address-line2",
    "city": "address-level2",
    "region": "address-level1",
    "postcode": "postal-code",
    "country": "country-name",
    "emergency_name": "off",
    "emergency_relationship": "off",
    "emergency_phone": "off",
}


class ProfileForm(PatientForm):
    """The desk's record form (its phone checks and emergency-contact pairing), limited to
    what the patient may change, and letting the browser fill in their own details."""

    class Meta(PatientForm.Meta):
        fields = PROFILE_FIELDS
        help_texts = {"pronouns": _("Optional, e.g. she/her, they/them.")}
        labels = {
            "emergency_relationship": _("Their relationship to you"),
            "address_line1": _("Address"),
            "address_line2": _("Address line 2 (optional)"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # PatientForm's own __init__ adjusts fields this form does not have.
        super(PatientForm, self).__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in AUTOCOMPLETE:
                field.widget.attrs["autocomplete"] = AUTOCOMPLETE[name]
        self.fields["phone"].widget.input_type = "tel"
        self.fields["emergency_phone"].widget.input_type = "tel"
        self.fields["preferred_language"].error_messages["invalid_choice"] = _(
            "Choose one of the languages listed."
        )
