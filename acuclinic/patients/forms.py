"""Forms for the desk's patient pages. Every message says what to do; a form with errors is
shown again with everything typed still in it (Django renders aria-invalid and
aria-describedby on each field with an error or help text)."""

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .documents import MAX_MB, Checked, Refused, accepted_summary, check_upload
from .models import (
    CONTACT_FIELDS,
    RECORD_FIELDS,
    DocumentKind,
    HeardFrom,
    Patient,
    PatientLink,
    Relationship,
)

PHONE = re.compile(r"\+?[0-9 ().\-/]+", re.ASCII)
PHONE_DIGITS = (7, 15)
DATE_FORMATS = ["%Y-%m-%d"]


def check_phone(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        return value
    if not PHONE.fullmatch(value):
        raise forms.ValidationError(
            _("Use digits, spaces and + ( ) - only, such as (303) 555-0142."), code="characters"
        )
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise forms.ValidationError(_("A phone number has between 7 and 15 digits."), code="digits")
    return value


class _Labels:
    """Labels read "Phone", not "Phone:" (as on the calendar's forms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PatientForm(_Labels, forms.ModelForm):
    """Contact details and the rest of the record, for every staff role (all of it is
    contact and administrative data, nothing clinical)."""

    class Meta:
        model = Patient
        fields = CONTACT_FIELDS + RECORD_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "pronouns": _("As the patient says them, e.g. she/her, they/them."),
            "heard_from_other": _("Only when the answer above is “Other”."),
        }
        error_messages = {
            "full_name": {"required": _("Enter the patient's full name.")},
            "email": {"invalid": _("Enter an e-mail address such as name@example.com.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        birth = self.fields["date_of_birth"]
        birth.input_formats = DATE_FORMATS
        birth.error_messages["invalid"] = _("Enter a real date, such as 1984-03-21.")
        self.fields["heard_from"].choices = [("", _("Not asked yet")), *HeardFrom.choices]
        self.fields["sex"].choices = [("", _("Not recorded")), *self.fields["sex"].choices[1:]]
        for field in self.fields.values():
            # Staff type someone else's details: the browser must not offer their own.
            field.widget.attrs.setdefault("autocomplete", "off")

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the patient's full name."), code="required")
        return name

    def _changed_phone(self, name: str) -> str:
        # Only a number typed here is checked: one an online booking stored must not block an
        # edit of something else.
        value = self.cleaned_data[name]
        return check_phone(value) if name in self.changed_data else value

    def clean_phone(self) -> str:
        return self._changed_phone("phone")

    def clean_emergency_phone(self) -> str:
        return self._changed_phone("emergency_phone")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("heard_from") == HeardFrom.OTHER:
            if not (data.get("heard_from_other") or "").strip():
                self.add_error("heard_from_other", _("Say how they heard of us."))
        elif "heard_from" in data:
            data["heard_from_other"] = ""
            self.instance.heard_from_other = ""
        name, phone = data.get("emergency_name"), data.get("emergency_phone")
        if phone and not name and "emergency_name" not in self.errors:
            self.add_error("emergency_name", _("Give the emergency contact's name too."))
        if name and not phone and "emergency_phone" not in self.errors:
            self.add_error("emergency_phone", _("Give a phone number for the emergency contact."))
        return data

    def changed_fields(self) -> list[str]:
        fields = list(self.changed_data)
        if "heard_from" in fields and "heard_from_other" not in fields:
            fields.append("heard_from_other")
        return fields


class SearchForm(_Labels, forms.Form):
    q = forms.CharField(label=_("Name, e-mail or phone"), required=False, max_length=100)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].replace("\x00", "").split())


class Direction:
    THEIRS = "theirs"  # the other person is this patient's <relationship>
    MINE = "mine"  # this patient is the other person's <relationship>


class LinkForm(_Labels, forms.Form):
    direction = forms.ChoiceField(
        label=_("Who is who"),
        choices=[
            (Direction.THEIRS, _("The person chosen is this patient's …")),
            (Direction.MINE, _("This patient is the chosen person's …")),
        ],
        initial=Direction.THEIRS,
    )
    relationship = forms.ChoiceField(
        label=_("Relationship"),
        choices=[("", _("Choose…")), *Relationship.choices],
        error_messages={"required": _("Choose the relationship.")},
    )
    may_book = forms.BooleanField(
        label=_("The parent, guardian or carer may book appointments for the other"),
        required=False,
    )

    def __init__(self, *args: Any, patient: Patient, other: Patient | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient, self.other = patient, other

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        patient, other = self.patient, self.other
        if other is None:
            raise forms.ValidationError(_("Search for the family member and choose them first."))
        if other.pk == patient.pk:
            raise forms.ValidationError(_("A patient cannot be linked to themselves."))
        either = Q(patient=patient, related=other) | Q(patient=other, related=patient)
        if PatientLink.objects.filter(either).exists():
            raise forms.ValidationError(_("These two records are already linked."))
        return data


class DocumentForm(_Labels, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=DocumentKind.choices,
        initial=DocumentKind.IMAGING,
    )
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose a file to upload."),
        },
    )

    def __init__(self, *args: Any, too_big: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.checked: Checked | None = None
        self.fields["file"].help_text = _("%(types)s, at most %(limit)s MB.") % {
            "types": accepted_summary(),
            "limit": MAX_MB,
        }

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            self.checked = check_upload(upload)
        except Refused as refusal:
            raise forms.ValidationError(str(refusal), code="refused") from None
        return upload

    def full_clean(self) -> None:
        super().full_clean()
        # The upload handler dropped a file past the limit: say that, not "choose a file".
        if self.too_big and self.is_bound:
            self.errors["file"] = self.error_class(
                [_("The file is larger than %(limit)s MB.") % {"limit": MAX_MB}],
                renderer=self.renderer,
            )
            self.cleaned_data.pop("file", None)


class MergeForm(_Labels, forms.Form):
    keep = forms.ChoiceField(
        label=_("Keep which record?"),
        widget=forms.RadioSelect,
        choices=[("this", _("This one")), ("other", _("The other one"))],
        error_messages={"required": _("Choose the record to keep.")},
    )
    confirm = forms.BooleanField(
        label=_("I have checked that both records are the same person."),
        error_messages={"required": _("Tick the box to confirm they are the same person.")},
    )


class EraseForm(_Labels, forms.Form):
    typed_name = forms.CharField(
        label=_("Type the patient's full name to confirm"),
        max_length=160,
        error_messages={"required": _("Type the patient's full name to confirm.")},
    )
    confirm = forms.BooleanField(
        label=_("I have checked that the law allows the clinic to erase this patient's data."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["typed_name"].widget.attrs["autocomplete"] = "off"

    def clean_typed_name(self) -> str:
        typed = " ".join(self.cleaned_data["typed_name"].split())
        if typed.casefold() != " ".join(self.patient.full_name.split()).casefold():
            raise forms.ValidationError(
                _("That is not the patient's name as recorded."), code="mismatch"
            )
        return typed
