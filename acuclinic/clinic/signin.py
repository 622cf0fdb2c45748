"""Signing in, besides the password: patients' e-mailed codes, session lifetimes, and the audit
entries for every sign-in, failed sign-in and sign-out (decision 4).

How a patient's account comes to exist: a patient never signs up. The first time someone asks
for a sign-in code with an address that belongs to exactly one patient record without an
account, an account is made for that record (no password, `Patient.user` set) and the code goes
to that address. Several records sharing one address (a parent and a child) make no account:
the desk links the right record by hand. Nothing on the page or in its timing says which case
happened: every request that passes the rate limits sends one e-mail (the code, "no account uses
this address", or, for a staff address, "sign in with your password") and takes at least
LOGIN_CODE_MIN_SECONDS.

Codes go to patient accounts only: a staff account that could sign in by code would skip its
password and its second factor. The account adapter (clinic/auth.py) refuses such a sign-in
too, should a code ever reach one.

The audit receivers below are connected when this module is imported, which the middleware in
settings and the URLconf both do at start-up.
"""

import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from allauth.account import signals as account_signals
from allauth.account.forms import ConfirmLoginCodeForm, RequestLoginCodeForm
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.models import EmailAddress
from allauth.account.views import ConfirmLoginCodeView, LoginView, RequestLoginCodeView
from allauth.core import context, ratelimit
from allauth.mfa import signals as mfa_signals
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import audit
from .audit import Action
from .roles import Role, role_of

# --- who may have a code ----------------------------------------------------------------


def is_staff_account(user: Any) -> bool:
    """Staff for sign-in purposes: any account that can reach the desk, the CMS or the admin,
    with or without a role group (a staff role needs `is_staff` too, see roles.py). No query:
    the middleware asks on every request."""
    return bool(user.is_staff or user.is_superuser)


def accounts_with_email(email: str) -> list[Any]:
    return filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)


def is_patient_account(user: Any) -> bool:
    return role_of(user) == Role.PATIENT and not is_staff_account(user)


def patient_account_for(email: str, request: HttpRequest | None = None) -> Any | None:
    """The patient account a code for `email` may sign in to, made on first use; else None."""
    users = accounts_with_email(email)
    if users:  # an account has this address: it must be a patient's, and only one
        patients = [u for u in users if is_patient_account(u)]
        return patients[0] if len(patients) == 1 else None
    return _account_for_patient_record(email, request)


def _account_for_patient_record(email: str, request: HttpRequest | None) -> Any | None:
    from acuclinic.patients.models import Patient  # patients builds on clinic, not the reverse

    # Lower(email) is the index patient records are found by.
    matching = Patient.objects.alias(email_lower=Lower("email")).filter(email_lower=email.lower())
    records = list(matching.values_list("pk", "user_id")[:2])
    if len(records) != 1:
        return None  # none, or a shared address: the desk links the right record
    pk, user_id = records[0]
    if user_id is not None:  # linked to an account that signs in with another address
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        return user if user is not None and is_patient_account(user) else None
    with transaction.atomic():
        # Locked and checked again: two requests at once make one account.
        patient = Patient.objects.select_for_update().filter(pk=pk).first()
        if patient is None or patient.user_id is not None:
            return None
        users = get_user_model().objects
        username = f"patient-{patient.pk}"
        if users.filter(username=username).exists():
            username = f"{username}-{secrets.token_hex(3)}"
        user = users.create_user(username, email=patient.email)  # no password: codes only
        EmailAddress.objects.create(user=user, email=patient.email.lower(), primary=True)
        patient.user = user
        patient.save(update_fields=["user"])
        audit.record(
            action=Action.UPDATE,
            record_type=patient,
            record_id=patient.pk,
            patient_id=patient.pk,
            request=request,
            detail={"fields": ["user"], "reason": "portal_account_created"},
        )
    return user


def is_staff_address(email: str) -> bool:
    return any(is_staff_account(u) for u in accounts_with_email(email))


class RequestCodeForm(RequestLoginCodeForm):
    """allauth's form (rate limits per address and per IP), with the patients-only rule."""

    def clean_email(self) -> str:
        email = super().clean_email()
        if email:
            self._user = patient_account_for(email, context.request)
        return email


class ConfirmCodeForm(ConfirmLoginCodeForm):
    """allauth voids a code after three wrong tries; this also limits tries per IP and per
    address across codes (ACCOUNT_RATE_LIMITS["confirm_login_code"])."""

    def clean_code(self) -> str:
        request = context.request
        stage = getattr(request, "_login_stage", None)
        email = (stage.state.get("email") if stage is not None else "") or "-"
        if not ratelimit.consume(request, action="confirm_login_code", key=email.lower()):
            raise ValidationError(TOO_MANY_CODE_TRIES, code="rate_limited")
        return super().clean_code()


TOO_MANY_CODE_TRIES = _("Too many tries. Please wait a few minutes, then ask for a new code.")


# --- the pages (thin: allauth's views with our templates) -------------------------------


class SignInView(LoginView):
    template_name = "allauth/pages/login.html"


class RequestCodeView(RequestLoginCodeView):
    template_name = "allauth/pages/request_login_code.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        started = time.monotonic()
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:  # a code, or the "no account" e-mail, went out
            _pad(started, settings.LOGIN_CODE_MIN_SECONDS)
        return response


class ConfirmCodeView(ConfirmLoginCodeView):
    template_name = "allauth/pages/confirm_login_code.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        data = super().get_context_data(**kwargs)
        data["code_minutes"] = settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60
        return data


def _pad(started: float, seconds: float) -> None:
    remaining = seconds - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)


sign_in = SignInView.as_view()
request_code = RequestCodeView.as_view()
confirm_code = ConfirmCodeView.as_view()


# --- sessions ---------------------------------------------------------------------------

SIGNED_IN_AT = "acuclinic_signed_in_at"
SEEN_AT = "acuclinic_seen_at"
SEEN_EVERY = 60  # seconds: the last-seen time is written at most this often (a session save)


def idle_seconds(user: Any) -> int:
    minutes = settings.SESSION_IDLE_MINUTES_STAFF if is_staff_account(user) else None
    return 60 * (minutes or settings.SESSION_IDLE_MINUTES)


class SessionPolicyMiddleware:
    """Ends a signed-in session after its idle time (staff: SESSION_IDLE_MINUTES_STAFF) or
    SESSION_COOKIE_AGE after sign-in, whichever comes first. Checked on the next request, so a
    session left alone ends then; the last-seen time moves once a minute at most."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # No session cookie, nobody signed in: leave the session untouched (and unread).
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session, now = request.session, time.time()
        signed_in = session.setdefault(SIGNED_IN_AT, now)
        seen = session.get(SEEN_AT, now)
        if now - seen > idle_seconds(request.user):
            self._end(request, "idle", _("You were signed out after a while without activity."))
        elif now - signed_in > settings.SESSION_COOKIE_AGE:
            self._end(request, "expired", _("Your session has ended. Please sign in again."))
        elif SEEN_AT not in session or now - seen >= SEEN_EVERY:
            session[SEEN_AT] = now

    @staticmethod
    def _end(request: HttpRequest, reason: str, message: str) -> None:
        request.acuclinic_sign_out_reason = reason  # type: ignore[attr-defined]
        logout(request)
        messages.info(request, message)


# --- "sign out everywhere" --------------------------------------------------------------


class ClinicUserSessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions: Iterable[Any]) -> None:
        sessions = list(sessions)
        super().end_sessions(sessions)
        request = context.request
        if sessions and request.user.is_authenticated:
            audit.record(
                action=Action.SIGN_OUT,
                record_type=get_user_model(),
                record_id=request.user.pk,
                request=request,
                detail={"reason": "other_sessions_ended", "count": len(sessions)},
            )


# --- the audit trail --------------------------------------------------------------------
# Facts only: never the password, the code, or the login that was typed (a password typed
# into the wrong box would end up in the log).


def _account_record(*, action: Action, user: Any, request: HttpRequest | None, **kw: Any) -> None:
    audit.record(
        action=action,
        record_type=get_user_model(),
        record_id=user.pk if user is not None else "",
        request=request,
        **kw,
    )


def how_signed_in(request: HttpRequest, user: Any) -> str:
    """e.g. "password+totp", "code"."""
    steps = []
    for entry in get_authentication_records(request, user):
        step = entry.get("type") if entry.get("method") == "mfa" else entry.get("method")
        if step and step not in steps:
            steps.append(str(step))
    return "+".join(steps) or "unknown"


@receiver(user_logged_in, dispatch_uid="acuclinic_session_started")
def _session_started(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Django's signal (any login, tests' force_login too): the clock starts with the session,
    # saved with it, so the first request after signing in writes nothing more.
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = time.time()


@receiver(account_signals.user_logged_in, dispatch_uid="acuclinic_audit_sign_in")
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _account_record(
        action=Action.SIGN_IN,
        user=user,
        request=request,
        actor=user,
        detail={"reason": how_signed_in(request, user)},
    )


@receiver(user_logged_out, dispatch_uid="acuclinic_audit_sign_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return  # nobody was signed in
    reason = getattr(request, "acuclinic_sign_out_reason", "signed_out")
    _account_record(
        action=Action.SIGN_OUT, user=user, request=request, actor=user, detail={"reason": reason}
    )


def sign_in_failed(request: HttpRequest, credentials: dict[str, Any]) -> None:
    """A wrong password (called by the account adapter). The entry names the account tried, if
    one matches, not what was typed."""
    login = credentials.get("username") or credentials.get("email") or ""
    users = get_user_model().objects
    target = users.filter(username=login).first() if login else None
    if target is None and "@" in login:
        found = accounts_with_email(login)
        target = found[0] if len(found) == 1 else None
    _account_record(
        action=Action.SIGN_IN, user=target, request=request, detail={"reason": "wrong_password"}
    )


@receiver(account_signals.login_code_rejected, dispatch_uid="acuclinic_audit_code_rejected")
def _code_rejected(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _account_record(
        action=Action.SIGN_IN, user=user, request=request, detail={"reason": "wrong_code"}
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="acuclinic_audit_mfa_failed")
def _second_factor_rejected(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _account_record(
        action=Action.SIGN_IN,
        user=user,
        request=request,
        detail={"reason": "wrong_second_factor"},
    )
