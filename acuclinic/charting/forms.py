"""The visit screen's forms. Every field is checked here with a message a practitioner can act
on; the rules for points and modalities are treatment.py's, so a form and a protocol agree."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from acuclinic.clinic.models import Practitioner
from acuclinic.patients import body_regions

from . import lines, treatment
from .models import (
    LONG_TEXT,
    SHORT_TEXT,
    TEXT_FIELDS,
    AdverseKind,
    Amendment,
    Protocol,
    Severity,
    Visit,
)

PULSE_PREFIX = "pulse_"


class NoColon:
    """Labels read "Side", not "Side:"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


def _blank(choices: Any, label: str = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class NoteForm(NoColon, forms.ModelForm):
    """The SOAP note. The pulse is six multi-selects (one per position), stored as JSON."""

    class Meta:
        model = Visit
        fields = (
            "chief_complaint",
            "changes_since_last",
            "observations",
            "tongue_colour",
            "tongue_coating",
            "tongue_shape",
            "tongue_notes",
            "pulse_notes",
            "pattern",
            "pattern_notes",
            "icd10_code",
            "biomedical_diagnosis",
            "treatment_notes",
            "home_care",
            "next_visit",
        )
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "chief_complaint",
                "changes_since_last",
                "observations",
                "tongue_notes",
                "pulse_notes",
                "pattern_notes",
                "treatment_notes",
                "home_care",
            )
        }
        help_texts = {
            "icd10_code": _("Optional, e.g. M54.5."),
            "pattern_notes": _("Other patterns, or detail on the one chosen."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pulse = self.instance.pulse if isinstance(self.instance.pulse, dict) else {}
        for position in treatment.PulsePosition:
            self.fields[PULSE_PREFIX + position.value] = forms.MultipleChoiceField(
                label=position.label,
                choices=treatment.PulseQuality.choices,
                required=False,
                initial=pulse.get(position.value, []),
                widget=forms.SelectMultiple(attrs={"size": 5}),
            )

    @property
    def pulse_fields(self) -> list[forms.BoundField]:
        return [self[PULSE_PREFIX + p] for p in treatment.PulsePosition.values]

    def clean_icd10_code(self) -> str:
        code, message = treatment.clean_icd10(self.cleaned_data.get("icd10_code", ""))
        if message:
            raise forms.ValidationError(message)
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        raw = {p: cleaned.get(PULSE_PREFIX + p) or [] for p in treatment.PulsePosition.values}
        pulse, message = treatment.clean_pulse(raw)
        if message:
            raise forms.ValidationError(message)
        cleaned["pulse"] = pulse
        return cleaned

    def note_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["pulse"] = self.cleaned_data["pulse"]
        return data

    def _post_clean(self) -> None:
        # The model's own clean() runs in the action under the row lock; a ModelForm would
        # also copy the data onto the instance, which the view must not keep if the save fails.
        pass


class NeedleForm(NoColon, forms.Form):
    code = forms.CharField(
        label=_("Point"),
        max_length=64,
        help_text=_("Type a code or a name (bl23, UB 23, shenshu), then pick from the list."),
        error_messages={"required": _("Choose a point.")},
    )
    side = forms.ChoiceField(
        label=_("Side"),
        choices=_blank(treatment.Side.choices),
        required=False,
    )
    depth_mm = forms.IntegerField(
        label=_("Depth (mm)"), required=False, min_value=0, max_value=treatment.DEPTH_MM[1]
    )
    retention_min = forms.IntegerField(
        label=_("Retention (minutes)"),
        required=False,
        min_value=0,
        max_value=treatment.RETENTION_MIN[1],
    )
    technique = forms.ChoiceField(
        label=_("Technique"), choices=_blank(treatment.Technique.choices), required=False
    )
    de_qi = forms.BooleanField(label=_("De qi"), required=False)
    electro_hz = forms.IntegerField(
        label=_("Electro frequency (Hz)"),
        required=False,
        min_value=treatment.ELECTRO_HZ[0],
        max_value=treatment.ELECTRO_HZ[1],
    )
    electro_min = forms.IntegerField(
        label=_("Electro minutes"),
        required=False,
        min_value=treatment.ELECTRO_MIN[0],
        max_value=treatment.ELECTRO_MIN[1],
    )
    moxa_on_needle = forms.BooleanField(label=_("Moxa on the needle"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        point = treatment.resolve_point(cleaned.get("code"))
        if point is not None and not cleaned.get("side") and treatment.is_midline(point):
            cleaned["side"] = treatment.Side.MIDLINE  # the only choice there is
        result, errors = treatment.clean_needle(cleaned)
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        self.needle = result
        return cleaned


class ModalityForm(NoColon, forms.Form):
    kind = forms.ChoiceField(
        label=_("Modality"),
        choices=_blank(treatment.Kind.choices),
        error_messages={"required": _("Choose the modality.")},
    )
    method = forms.ChoiceField(
        label=_("Type"), choices=_blank(treatment.Method.choices), required=False
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    area_text = forms.CharField(
        label=_("Area (described)"), max_length=treatment.TEXT_MAX, required=False
    )
    point_code = forms.CharField(label=_("Point (moxibustion)"), max_length=64, required=False)
    minutes = forms.IntegerField(
        label=_("Minutes"),
        required=False,
        min_value=treatment.MODALITY_MIN[0],
        max_value=treatment.MODALITY_MIN[1],
    )
    cups = forms.IntegerField(
        label=_("Cups"), required=False, min_value=treatment.CUPS[0], max_value=treatment.CUPS[1]
    )
    cup_type = forms.ChoiceField(
        label=_("Cup (cupping)"), choices=_blank(treatment.CupType.choices), required=False
    )
    marks = forms.ChoiceField(
        label=_("Marks observed (cupping)"),
        choices=_blank(treatment.Marks.choices),
        required=False,
    )
    sha_colour = forms.ChoiceField(
        label=_("Sha colour"), choices=_blank(treatment.ShaColour.choices), required=False
    )
    tool = forms.ChoiceField(
        label=_("Tool (gua sha)"), choices=_blank(treatment.GuaShaTool.choices), required=False
    )
    extent = forms.ChoiceField(
        label=_("Sha extent"), choices=_blank(treatment.ShaExtent.choices), required=False
    )
    techniques = forms.MultipleChoiceField(
        label=_("Techniques (massage)"),
        choices=treatment.TuiNa.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        error_messages={"invalid_choice": _("Choose the techniques from the list.")},
    )
    units = forms.IntegerField(
        label=_("Cones or sticks (moxibustion)"),
        required=False,
        min_value=treatment.UNITS[0],
        max_value=treatment.UNITS[1],
    )
    notes = forms.CharField(label=_("Notes"), max_length=treatment.TEXT_MAX, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _blank([(r.code, r.label) for r in body_regions.REGIONS])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        result, errors = treatment.clean_modality(cleaned)
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        self.modality = result
        return cleaned


class PainForm(NoColon, forms.Form):
    phase = forms.ChoiceField(
        label=_("When"),
        choices=[("before", _("Before the treatment")), ("after", _("After the treatment"))],
    )
    value = forms.IntegerField(
        label=_("Pain now (0-10)"),
        min_value=0,
        max_value=10,
        error_messages={"required": _("Give the pain from 0 to 10.")},
    )


class AcknowledgeForm(NoColon, forms.Form):
    codes = forms.MultipleChoiceField(
        label=_("Cautions considered"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the cautions you have considered.")},
    )

    def __init__(self, *args: Any, warnings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(w.code, w.message) for w in warnings]


def amend_choices() -> list[tuple[str, Any]]:
    labels = {f.name: f.verbose_name for f in Visit._meta.fields}
    return [
        *((name, str(labels[name]).capitalize()) for name in TEXT_FIELDS),
        (Amendment.ADDENDUM, _("Addendum (a note added to the visit)")),
    ]


class AmendForm(NoColon, forms.Form):
    field = forms.ChoiceField(label=_("Part of the note"))
    new_value = forms.CharField(
        label=_("Amended text"), max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label=_("Reason"), max_length=SHORT_TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = amend_choices()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("field") == "icd10_code" and cleaned.get("new_value"):
            code, message = treatment.clean_icd10(cleaned["new_value"])
            if message:
                self.add_error("new_value", message)
            else:
                cleaned["new_value"] = code
        return cleaned


class StartChoice:
    BLANK = "blank"
    PROTOCOL = "protocol"
    PREVIOUS = "previous"


class StartForm(NoColon, forms.Form):
    start = forms.ChoiceField(
        label=_("Start from"),
        widget=forms.RadioSelect,
        initial=StartChoice.BLANK,
    )
    protocol = forms.ModelChoiceField(
        label=_("Protocol"), queryset=Protocol.objects.all(), required=False
    )
    practitioner = forms.ModelChoiceField(
        label=_("Practitioner"),
        queryset=Practitioner.objects.filter(is_active=True),
        required=False,
    )

    def __init__(self, *args: Any, has_previous: bool, walk_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(StartChoice.BLANK, _("A blank note")), (StartChoice.PROTOCOL, _("A protocol"))]
        if has_previous:
            choices.append((StartChoice.PREVIOUS, _("The last visit's treatment")))
        self.fields["start"].choices = choices
        if not walk_in:
            del self.fields["practitioner"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("start") == StartChoice.PROTOCOL and not cleaned.get("protocol"):
            self.add_error("protocol", _("Choose the protocol."))
        return cleaned


class ProtocolForm(NoColon, forms.ModelForm):
    treatment = forms.CharField(
        label=_("Points and modalities"),
        required=False,
        max_length=lines.MAX_LINES * lines.MAX_LINE,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_(
            "One per line. A point: code, side, depth, retention, technique, e.g. "
            "“BL23 bilateral 25mm 20min even deqi” or “BL25 left 30mm 20min electro 2hz 20min”. "
            "A modality: “cupping fixed back.lower.left 10min 4cups”, “gua_sha back.upper.right "
            "red”, “massage 15min shoulders”, “moxa stick point=GV4 10min”."
        ),
    )

    class Meta:
        model = Protocol
        fields = ("name", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["treatment"] = lines.format_all(
                self.instance.needles, self.instance.modalities
            )

    def clean_treatment(self) -> str:
        text = self.cleaned_data["treatment"]
        needles, modalities, errors = lines.parse(text)
        if errors:
            raise forms.ValidationError(errors)
        self.items = (needles, modalities)
        return text

    def save(self, commit: bool = True) -> Protocol:
        protocol = super().save(commit=False)
        protocol.needles, protocol.modalities = self.items
        if commit:
            protocol.save()
        return protocol


class AdverseEventForm(NoColon, forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=_blank(AdverseKind.choices),
        error_messages={"required": _("Choose what happened.")},
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=_blank(Severity.choices),
        error_messages={"required": _("Choose mild, moderate or severe.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up = forms.CharField(
        label=_("Follow-up"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resolved = forms.BooleanField(label=_("Resolved"), required=False)


class FollowUpForm(NoColon, forms.Form):
    follow_up = forms.CharField(
        label=_("Follow-up"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resolved = forms.BooleanField(label=_("Resolved"), required=False)


class AftercareForm(NoColon, forms.Form):
    text = forms.CharField(
        label=_("Aftercare notes for the patient (no diagnosis: the patient reads these)"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the aftercare notes.")},
    )
