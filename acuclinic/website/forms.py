import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .page_cache import FORM_STARTED_SALT

MAX_FORM_AGE_SECONDS = 60 * 60 * 24


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=2,
        max_length=settings.COMMENT_MAX_LENGTH,
        error_messages={"required": _("Please write your comment.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        error_messages={"required": _("Please enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address; it will not be published."),
            "invalid": _("Enter a valid email address, such as name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": _("Enter a web address starting with https://.")},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    remember = forms.BooleanField(
        label=_("Save my name and email in this browser for the next time I comment."),
        required=False,
    )
    notify_on_reply = forms.BooleanField(
        label=_("Email me when someone replies to my comment."), required=False
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # Spam defences: a field people never see, the time the form was shown, a proof of work.
    homepage = forms.CharField(required=False, max_length=500)
    started = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    altcha = forms.CharField(required=False, max_length=8000, widget=forms.HiddenInput)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if "://" in name or "<" in name:
            raise forms.ValidationError(_("Please enter just your name."))
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def seconds_to_fill(self) -> float | None:
        """Seconds since the form was shown; None when the start time is missing or forged."""
        try:
            started_at = float(
                signing.Signer(salt=FORM_STARTED_SALT).unsign(self.cleaned_data.get("started", ""))
            )
        except (signing.BadSignature, ValueError):
            return None
        elapsed = time.time() - started_at
        return elapsed if 0 <= elapsed <= MAX_FORM_AGE_SECONDS else None


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=2,
        max_length=settings.COMMENT_MAX_LENGTH,
        error_messages={"required": _("Please write your reply.")},
    )
