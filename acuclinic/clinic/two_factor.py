"""Staff second factors (allauth.mfa): an authenticator app with recovery codes, or a security
key. When the owner makes one mandatory (`ClinicSettings.require_staff_two_factor`), a staff
account without one is sent to set it up before any page under TWO_FACTOR_REQUIRED_PATHS
opens; the sign-in pages (/accounts/, where the setup and the sign-out live) stay open."""

from collections.abc import Callable
from typing import Any

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import ClinicSettings, default_clinic

# A recovery code is a fallback for these, not a second factor of its own.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def _clinic(request: HttpRequest | None) -> ClinicSettings:
    return ClinicSettings.for_request(request) if request is not None else default_clinic()


def second_factor_required(user: Any, request: HttpRequest | None = None) -> bool:
    from .signin import is_staff_account

    return is_staff_account(user) and _clinic(request).require_staff_two_factor


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(settings.TWO_FACTOR_REQUIRED_PATHS)
            and request.user.is_authenticated
            and second_factor_required(request.user, request)
            and not has_second_factor(request.user)
        ):
            return self._to_setup(request)
        return self.get_response(request)

    @staticmethod
    def _to_setup(request: HttpRequest) -> HttpResponse:
        messages.warning(
            request,
            _(
                "The clinic requires a second sign-in step for staff. Set up an authenticator "
                "app or a security key to continue."
            ),
        )
        url = reverse("mfa_index")
        if request.headers.get("HX-Request"):
            # An htmx swap would put the setup page inside the calendar: load it whole instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class ClinicMFAAdapter(DefaultMFAAdapter):
    def _get_site_name(self) -> str:
        # The name authenticator apps and security-key prompts show: the clinic's.
        return _clinic(context.request).name

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Not the last second factor of a staff account while the clinic requires one."""
        user = authenticator.user
        if authenticator.type not in SECOND_FACTORS or not second_factor_required(
            user, context.request
        ):
            return True
        others = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS)
        return others.exclude(pk=authenticator.pk).exists()
