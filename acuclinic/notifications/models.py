"""The outbox: every message the clinic sends, rendered once, sent once (decision 6).

A row is written before anything is sent, under a unique dedupe key, so asking twice for the
same message (a retried task, two sweeps, two workers) finds the row instead of making a
second. A sender claims the row with a conditional UPDATE (pending -> sending) before it talks
to the mail server, so only one sender ever sends it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from acuclinic.scheduling.models import Appointment, WaitlistOffer


class Kind(models.TextChoices):
    BOOKED = "booked", _("booking confirmation")
    MOVED = "moved", _("appointment moved")
    CANCELLED = "cancelled", _("appointment cancelled")
    REMINDER = "reminder", _("reminder")
    WAITLIST_OFFER = "waitlist_offer", _("waitlist offer")
    RED_FLAG = "red_flag", _("red-flag notice")
    AFTERCARE = "aftercare", _("aftercare notes")
    OUTCOME_REMINDER = "outcome_reminder", _("outcome questionnaire reminder")


class Audience(models.TextChoices):
    PATIENT = "patient", _("patient")
    STAFF = "staff", _("practitioner")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not needed any more")


class OutgoingMessage(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("appointment"),
    )
    offer = models.ForeignKey(
        WaitlistOffer, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    # The time the message speaks of: a message about a time the appointment no longer has
    # (it moved or was cancelled since) is not sent.
    appointment_start = models.DateTimeField(_("about the time"), null=True, blank=True)
    recipient = models.EmailField(_("to"))
    recipient_name = models.CharField(_("recipient's name"), max_length=160, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    ics = models.TextField(_("iCalendar attachment"), blank=True)
    ics_method = models.CharField(max_length=10, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt"),
        help_text=_("While pending: when the sweep queues it (again) if it is still unsent."),
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("outgoing message")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} ({self.status})"
