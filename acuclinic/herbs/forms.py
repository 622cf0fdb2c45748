"""Forms of the prescription writer, the dispensing record and the stock list. Each validates
everything and says what is wrong in a sentence; the actions check again under their locks."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import materia
from .models import (
    MAX_GRAMS,
    MAX_REASON,
    MIN_GRAMS,
    Prescription,
)

MAX_STOCK = Decimal("99999999")


def resolve_herb(text: str) -> materia.Herb | None:
    """A herb from what was typed or picked: its code, or a name that matches one herb exactly
    (pinyin with or without tones, characters, Latin), or the only herb that matches at all."""
    if not isinstance(text, str) or not text.strip():
        return None
    herb = materia.get(text)
    if herb is not None:
        return herb
    found = materia.search(text, limit=2)
    if not found:
        return None
    raw, folded = text.strip(), materia.fold(text)
    first = found[0]
    exact = raw in (first.hanzi, first.hanzi_trad) or folded in (
        materia.fold(first.pinyin),
        materia.fold(first.latin),
    )
    return first if exact or len(found) == 1 else None


def _preparations() -> list[tuple[str, Any]]:
    return [("", _("as usual for the herb")), *materia.PREPARATIONS.items()]


def _grams_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Grams a day"),
        min_value=MIN_GRAMS,
        max_value=MAX_GRAMS,
        max_digits=6,
        decimal_places=2,
        error_messages={
            "required": _("Give the grams a day."),
            "invalid": _("Give the grams a day as a number, for example 9 or 4.5."),
            "min_value": _("Give at least %(limit_value)s g a day."),
            "max_value": _("%(limit_value)s g a day is the most one herb can have."),
            "max_digits": _("Give the grams a day as a number, for example 9 or 4.5."),
            "max_decimal_places": _("Give the grams to two decimal places at most."),
            "max_whole_digits": _("Give the grams a day as a number, for example 9 or 4.5."),
        },
    )


class StartForm(forms.Form):
    start = forms.ChoiceField(
        label=_("Start from"),
        widget=forms.RadioSelect,
        choices=[
            ("empty", _("An empty prescription")),
            ("formula", _("A classical formula")),
            ("previous", _("A previous prescription of this patient (refill)")),
        ],
        initial="formula",
        error_messages={"required": _("Choose how to start.")},
    )
    formula = forms.ChoiceField(label=_("Formula"), required=False)
    previous = forms.ChoiceField(label=_("Previous prescription"), required=False)

    def __init__(self, *args: Any, previous: list[Prescription] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["formula"].choices = [("", _("Choose a formula"))] + [
            (f.code, f"{f.pinyin} {f.hanzi} · {f.english}") for f in materia.all_formulas()
        ]
        self.previous_choices = {str(p.pk): p for p in previous or []}
        self.fields["previous"].choices = [("", _("Choose a prescription"))] + [
            (str(p.pk), p.label)
            for p in previous or []  # type: ignore[attr-defined]
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = cleaned.get("start")
        if start == "formula" and not cleaned.get("formula"):
            self.add_error("formula", _("Choose the formula to start from."))
        if start == "previous":
            if not cleaned.get("previous"):
                self.add_error("previous", _("Choose the prescription to repeat."))
            else:
                cleaned["previous_prescription"] = self.previous_choices[cleaned["previous"]]
        return cleaned


class ItemForm(forms.Form):
    herb = forms.CharField(
        label=_("Herb"),
        max_length=materia.MAX_QUERY,
        help_text=_("Type pinyin, characters or the Latin name, then pick from the list."),
        error_messages={"required": _("Choose a herb.")},
    )
    grams = _grams_field()
    preparation = forms.ChoiceField(label=_("Preparation"), required=False, choices=_preparations)

    def clean_herb(self) -> str:
        herb = resolve_herb(self.cleaned_data["herb"])
        if herb is None:
            raise forms.ValidationError(
                _("No single herb matches “%(text)s”: pick one from the list."),
                params={"text": self.cleaned_data["herb"]},
            )
        return herb.code


class ChangeItemForm(forms.Form):
    grams = _grams_field()
    preparation = forms.ChoiceField(label=_("Preparation"), required=False, choices=_preparations)


class DetailsForm(forms.ModelForm):
    class Meta:
        model = Prescription
        fields = [
            "form",
            "granule_ratio",
            "days",
            "doses_per_day",
            "decoct_minutes",
            "timing",
            "instructions",
        ]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3})}


class OverrideForm(forms.Form):
    rule_id = forms.CharField(max_length=120, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        strip=True,
        error_messages={"required": _("Give the reason for going ahead.")},
    )


class DispenseForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), max_length=MAX_REASON, required=False)


class StockForm(forms.Form):
    herb = forms.CharField(
        label=_("Herb"),
        max_length=materia.MAX_QUERY,
        error_messages={"required": _("Choose a herb.")},
    )
    grams_on_hand = forms.DecimalField(
        label=_("Grams on hand"), min_value=0, max_value=MAX_STOCK, max_digits=10, decimal_places=2
    )
    low_threshold = forms.DecimalField(
        label=_("Low below (grams)"),
        min_value=0,
        max_value=MAX_STOCK,
        max_digits=10,
        decimal_places=2,
        initial=100,
    )
    per_gram = forms.DecimalField(
        label=_("Price a gram"),
        required=False,
        min_value=0,
        max_value=Decimal("9999"),
        max_digits=8,
        decimal_places=4,
    )

    def clean_herb(self) -> str:
        herb = resolve_herb(self.cleaned_data["herb"])
        if herb is None:
            raise forms.ValidationError(
                _("No single herb matches “%(text)s”: type its code or full pinyin."),
                params={"text": self.cleaned_data["herb"]},
            )
        if herb.blocked:
            raise forms.ValidationError(_("%(herb)s is never prescribed."), params={"herb": herb})
        return herb.code
