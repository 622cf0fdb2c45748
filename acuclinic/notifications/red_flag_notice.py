"""The practitioner's notice that a submitted intake raised a red flag before a visit (issue 4 C).

Decision 4: no clinical detail. The subject names neither the patient nor the flag; the body
names the patient (as a practitioner's booking notice does) and links to the intake in the
desk, where the flag itself is read behind the access check. Nothing is sent when the flag was
reviewed already, the patient has no visit ahead, or the practitioner has no e-mail address;
the outbox sends it once (dedupe key per intake and practitioner) and skips it if the visit
moved or was cancelled before it went out.

Queued by patients/intake.py (`save`) once a submitted intake raises a flag, after commit.
"""

import logging
import re

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from acuclinic.clinic.models import default_clinic
from acuclinic.patients.models import IntakeResponse, IntakeStatus
from acuclinic.scheduling.models import Appointment

from . import outbox
from .compose import Draft
from .formatting import when
from .models import Audience, Kind

KIND = Kind.RED_FLAG
TEMPLATE = "notifications/red_flag_staff"
logger = logging.getLogger(__name__)


def for_red_flag(intake_id: int) -> list[Draft]:
    """The notice for the practitioner of the patient's next visit, or nothing."""
    record = (
        IntakeResponse.objects.select_related("patient")
        .filter(pk=intake_id, status=IntakeStatus.SUBMITTED)
        .first()
    )
    if record is None or not record.flag_open:
        return []
    appointment = (
        Appointment.objects.active()
        .filter(patient_id=record.patient_id, start__gt=timezone.now())
        .select_related("practitioner", "location")
        .order_by("start", "pk")
        .first()
    )
    if appointment is None or not appointment.practitioner.email:
        return []
    practitioner = appointment.practitioner
    clinic = default_clinic()
    day = when(appointment.start, appointment.location.zone)
    subject = _(
        "A patient's health questionnaire needs your attention before their visit on %(when)s"
    ) % {"when": day}
    path = reverse("desk:patient_intake", args=[record.patient_id, record.pk])
    context = {
        "subject": subject,
        "name": practitioner.name,
        "patient": record.patient.full_name,
        "when": day,
        "intake_url": f"{settings.SITE_URL.rstrip('/')}{path}",
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone_display,
        "clinic_phone_link": clinic.phone_e164,
        "clinic_address": clinic.address_lines,
    }
    text = render_to_string(f"{TEMPLATE}.txt", context)
    text = re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text).strip() + "\n"
    return [
        Draft(
            kind=KIND,
            audience=Audience.STAFF,
            dedupe_key=f"red_flag:{record.pk}:staff:{practitioner.pk}",
            recipient=practitioner.email,
            recipient_name=practitioner.name,
            subject=subject,
            body_text=text,
            body_html=render_to_string(f"{TEMPLATE}.html", context),
            appointment_id=appointment.pk,
            appointment_start=appointment.start,
        )
    ]


def queue(intake_id: int) -> None:
    """Queue the notice. Like appointments._queue: a queue problem must never reach the
    patient who just sent the questionnaire (it has committed by now)."""
    try:
        notify.enqueue(intake_id)
    except Exception:
        logger.exception("could not queue the red-flag notice for intake %s", intake_id)


@task()
def notify(intake_id: int) -> int:
    """Compose and queue the notice; safe to run twice (the outbox keeps one per key)."""
    with translation.override(settings.LANGUAGE_CODE):  # a worker has no request
        return outbox.post(for_red_flag(intake_id))
