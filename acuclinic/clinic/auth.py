"""The clinic's rules for django-allauth: nobody signs up, staff never sign in by code alone,
each role lands on its own page, and the sign-in e-mails speak for the clinic."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role, role_of

# allauth's e-mails that patients and staff see, in the clinic's words (templates/allauth/email/).
EMAIL_TEMPLATES = {
    "account/email/login_code": "allauth/email/login_code",
    "account/email/unknown_account": "allauth/email/unknown_account",
}


def patient_home_url() -> str:
    """PATIENT_LOGIN_REDIRECT_URL, or "/" while no view of ours answers there (until the portal
    exists, Wagtail's catch-all would show a 404)."""
    url = settings.PATIENT_LOGIN_REDIRECT_URL
    try:
        match = resolve(url)
    except Resolver404:
        return "/"
    return "/" if match.url_name == "wagtail_serve" else url


class ClinicAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by the clinic's owner; nobody signs up on their own."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many attempts. For your security, please wait a few minutes and try again."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        role = role_of(request.user)
        if role == Role.PATIENT:
            return patient_home_url()
        if role is None and not request.user.is_staff:
            return "/"
        return super().get_login_redirect_url(request)

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        from .signin import is_staff_account

        # A staff sign-in starts with the password; a code alone would skip the second factor.
        steps = {entry.get("method") for entry in get_authentication_records(request, user)}
        if is_staff_account(user) and "password" not in steps:
            messages.error(
                request, _("Staff sign in with their password and a second step, not a code.")
            )
            return HttpResponseRedirect(reverse("account_login"))
        return super().pre_login(request, user, **kwargs)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        from .signin import sign_in_failed

        sign_in_failed(request, credentials)

    def send_mail(self, template_prefix: str, email: str, context_: dict[str, Any]) -> None:
        from .models import ClinicSettings
        from .signin import is_staff_address

        prefix = EMAIL_TEMPLATES.get(template_prefix, template_prefix)
        if template_prefix == "account/email/unknown_account" and is_staff_address(email):
            prefix = "allauth/email/staff_code_refused"
        request = context.request
        extra = {
            "clinic": ClinicSettings.for_request(request),
            "code_minutes": settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60,
            "sign_in_url": request.build_absolute_uri(reverse("account_login")),
        }
        super().send_mail(prefix, email, {**extra, **context_})
