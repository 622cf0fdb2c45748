"""Recording, claiming and sending outgoing messages: each goes out once, never twice.

A message is a row before it is anything else (see models.py). Sending it:

1. claim: one conditional UPDATE turns it from pending to sending; a second sender (another
   worker, a repeated task) changes no row and stops there;
2. check it is still wanted (the appointment may have moved or been cancelled meanwhile);
3. hand it to the mail server and record the outcome. A failure puts it back to pending with
   a later `next_attempt_at` (1, 2, 4 ... minutes, at most an hour), and `reminders.queue_due`
   (run every minute) queues it again then; after MAX_ATTEMPTS it stays failed, for staff.

A sender that dies between claim and outcome leaves the row "sending"; the sweep marks it
failed rather than sending again, since the mail server may have taken it (never twice).
"""

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from acuclinic.clinic.models import default_clinic
from acuclinic.scheduling.models import Status

from .compose import Draft, clinic_address
from .models import Kind, MessageStatus, OutgoingMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)
# A pending message whose task has not run by then is queued again (a lost or stuck task).
REQUEUE_AFTER = timedelta(minutes=10)
# Far longer than one SMTP conversation (its timeout is 10 s): the sender must have died.
STALE_CLAIM = timedelta(minutes=15)


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 1, 2, 4, ... minutes, capped."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def record(draft: Draft, *, now: datetime | None = None) -> OutgoingMessage | None:
    """Write the draft's row; None if a message with its dedupe key exists already."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return OutgoingMessage.objects.create(
                kind=draft.kind,
                audience=draft.audience,
                appointment_id=draft.appointment_id,
                offer_id=draft.offer_id,
                appointment_start=draft.appointment_start,
                recipient=draft.recipient,
                recipient_name=draft.recipient_name,
                subject=draft.subject,
                body_text=draft.body_text,
                body_html=draft.body_html,
                ics=draft.ics,
                ics_method=draft.ics_method,
                dedupe_key=draft.dedupe_key,
                next_attempt_at=now + REQUEUE_AFTER,
            )
    except IntegrityError:
        return None


def post(drafts: Iterable[Draft]) -> int:
    """Record each draft and queue the new ones for sending; returns how many were new."""
    new = [message for draft in drafts if (message := record(draft)) is not None]
    for message in new:
        transaction.on_commit(lambda pk=message.pk: enqueue(pk))
    return len(new)


def enqueue(message_id: int) -> None:
    """Queue the send task. If queuing fails the row stays pending and the sweep retries."""
    from .tasks import send_message

    try:
        send_message.enqueue(message_id)
    except Exception:
        logger.exception("could not queue outgoing message %s", message_id)


def requeue_due(now: datetime) -> int:
    """Queue again every pending message whose time has come (retries, lost tasks)."""
    due = OutgoingMessage.objects.filter(
        status=MessageStatus.PENDING, next_attempt_at__lte=now
    ).values_list("pk", "next_attempt_at")
    queued = 0
    for pk, at in list(due):
        # Claim the queuing too, so two sweeps at once queue it once.
        if OutgoingMessage.objects.filter(
            pk=pk, status=MessageStatus.PENDING, next_attempt_at=at
        ).update(next_attempt_at=now + REQUEUE_AFTER):
            enqueue(pk)
            queued += 1
    return queued


def give_up_stale_claims(now: datetime) -> int:
    return OutgoingMessage.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(
        status=MessageStatus.FAILED,
        last_error="The sender stopped while sending, so the message may or may not have "
        "gone out. Not retried, to never send it twice; use “send again” if it did not arrive.",
    )


def _claim(message_id: int, now: datetime) -> bool:
    return bool(
        OutgoingMessage.objects.filter(pk=message_id, status=MessageStatus.PENDING).update(
            status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _finish(message_id: int, **fields: object) -> None:
    OutgoingMessage.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(**fields)


def obsolete(message: OutgoingMessage, now: datetime) -> str:
    """Why the message is no longer wanted, or "" if it still is."""
    if message.kind in (Kind.CANCELLED, Kind.AFTERCARE, Kind.OUTCOME_REMINDER):
        # About a visit that happened (or a questionnaire due), not one ahead: a walk-in has no
        # appointment, and a later change to the appointment does not undo the visit.
        return ""
    if message.kind == Kind.WAITLIST_OFFER:
        offer = message.offer
        if offer is None or offer.accepted_at or offer.released_at or offer.expires_at <= now:
            return "The offer was taken, declined or expired before it was sent."
        return ""
    appointment = message.appointment
    if appointment is None or appointment.status == Status.CANCELLED:
        return "The appointment was cancelled before this was sent."
    if message.appointment_start and appointment.start != message.appointment_start:
        return "The appointment moved before this was sent."
    if message.kind == Kind.REMINDER and (
        appointment.status != Status.CONFIRMED or appointment.start <= now
    ):
        return "The appointment is no longer ahead."
    return ""


def _message_id(message: OutgoingMessage) -> str:
    # Stable per message: were it ever delivered twice, mail programs would show it once.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{message.dedupe_key}".encode()).hexdigest()
    domain = clinic_address().rpartition("@")[2] or "acuclinic.invalid"
    return f"<{digest[:32]}.acuclinic@{domain}>"


def build_email(message: OutgoingMessage) -> EmailMultiAlternatives:
    clinic = default_clinic()
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender = formataddr((name or clinic.name, address or settings.DEFAULT_FROM_EMAIL))
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=sender,
        to=[formataddr((message.recipient_name, message.recipient))],
        reply_to=[clinic.email] if clinic.email else None,
        headers={"Auto-Submitted": "auto-generated", "Message-ID": _message_id(message)},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.ics:
        method = message.ics_method or "PUBLISH"
        filename = "cancelled.ics" if method == "CANCEL" else "appointment.ics"
        email.attach(filename, message.ics, f"text/calendar; method={method}")
    return email


def deliver(message_id: int) -> str:
    """Send one message if this caller wins its claim; returns what happened."""
    now = timezone.now()
    if not _claim(message_id, now):
        return "not claimed"
    message = OutgoingMessage.objects.select_related("appointment", "offer").get(pk=message_id)
    if reason := obsolete(message, now):
        _finish(message_id, status=MessageStatus.SKIPPED, last_error=reason)
        return "skipped"
    try:
        mailers.default.send_messages([build_email(message)])
    except Exception as error:
        attempts = message.attempts
        failed = attempts >= MAX_ATTEMPTS
        error_text = f"{type(error).__name__}: {error}"[:2000]
        _finish(
            message_id,
            status=MessageStatus.FAILED if failed else MessageStatus.PENDING,
            next_attempt_at=timezone.now() + backoff(attempts),
            last_error=error_text,
        )
        # The id and the error class only: an address or subject does not belong in logs.
        logger.warning(
            "outgoing message %s: attempt %s failed (%s)%s",
            message_id,
            attempts,
            type(error).__name__,
            ", giving up" if failed else "",
        )
        return "failed" if failed else "retry"
    _finish(message_id, status=MessageStatus.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def send_again(message_ids: Iterable[int]) -> int:
    """Staff's "send again" for failed messages: a fresh set of attempts."""
    ids = list(
        OutgoingMessage.objects.filter(
            pk__in=list(message_ids), status=MessageStatus.FAILED
        ).values_list("pk", flat=True)
    )
    OutgoingMessage.objects.filter(pk__in=ids, status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now() + REQUEUE_AFTER,
        last_error="",
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue(pk))
    return len(ids)
