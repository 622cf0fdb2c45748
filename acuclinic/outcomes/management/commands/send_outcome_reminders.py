"""Queue the e-mail reminders for outcome questionnaires due today (run it daily, or hourly:
it is idempotent).

One reminder per patient per due date: the outbox's dedupe key names the patient and the
date the questionnaires fell due, so every questionnaire of that date is reminded once, in one
message, however often this runs. No clinical detail: the message says only that a short
questionnaire is waiting, and links to the portal's list (no measure in the address).
"""

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from acuclinic.clinic.models import default_clinic
from acuclinic.notifications import outbox
from acuclinic.notifications.compose import Draft
from acuclinic.notifications.models import Audience, Kind
from acuclinic.outcomes import questionnaires as oq
from acuclinic.outcomes.models import Discharge
from acuclinic.patients.models import Patient
from acuclinic.scheduling.models import Appointment, Status

# A plain string until notifications.models.Kind has it (Kind's max_length is 20, so not
# "outcome_questionnaire", which is 21 characters).
KIND = Kind.OUTCOME_REMINDER
TEMPLATE = "outcomes/portal/reminder_email"
# Visits and discharges older than this cannot make anything due (6 months after discharge,
# plus its window).
LOOK_BACK = timedelta(days=7 * 31 + 30)


def dedupe_key(patient_id: int, due: date) -> str:
    return f"outcome_questionnaire:{patient_id}:{due.isoformat()}"


def drafts_for(patient: Patient, today: date) -> list[Draft]:
    """The reminders for what is due today: one per due date (usually one)."""
    due_dates = sorted({d.point.due for d in oq.due_for(patient.pk, today)})
    if not due_dates or not patient.email:
        return []
    # outbox.obsolete() skips a message not tied to a live appointment, so the reminder names
    # the patient's latest attended visit (the one that made it due, or the one before the
    # follow-ups). Until the outbox knows this kind, that is what lets it go out.
    visit = (
        Appointment.objects.filter(
            patient_id=patient.pk, status__in=(Status.ARRIVED, Status.COMPLETED)
        )
        .order_by("-start", "-pk")
        .values_list("pk", "start")
        .first()
    )
    if visit is None:
        return []
    clinic = default_clinic()
    url = f"{settings.SITE_URL.rstrip('/')}{reverse('outcome_portal:list')}"
    drafts = []
    with translation.override(patient.preferred_language or settings.LANGUAGE_CODE):
        subject = _("A short questionnaire is waiting for you")
        context: dict[str, Any] = {
            "subject": subject,
            "name": patient.full_name,
            "url": url,
            "clinic_name": clinic.name,
            "clinic_phone": clinic.phone_display,
            "clinic_phone_link": clinic.phone_e164,
            "clinic_address": clinic.address_lines,
        }
        text = render_to_string(f"{TEMPLATE}.txt", context)
        text = re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text).strip() + "\n"
        html = render_to_string(f"{TEMPLATE}.html", context)
    for due in due_dates:
        drafts.append(
            Draft(
                kind=KIND,
                audience=Audience.PATIENT,
                dedupe_key=dedupe_key(patient.pk, due),
                recipient=patient.email,
                recipient_name=patient.full_name,
                subject=subject,
                body_text=text,
                body_html=html,
                appointment_id=visit[0],
                appointment_start=visit[1],
            )
        )
    return drafts


def queue_due(today: date) -> int:
    """Post the reminders for what is due on `today` (the clinic's local day); returns how
    many were new. Candidates: a visit within LOOK_BACK, or a discharge (not undone) within
    it, since a discharge can be dated well after the last visit and its 6-month follow-up
    then falls due more than LOOK_BACK after that visit. due_for decides the rest."""
    since = datetime.combine(today - LOOK_BACK, time.min, tzinfo=timezone.get_current_timezone())
    recent = Appointment.objects.filter(
        status__in=(Status.ARRIVED, Status.COMPLETED), start__gte=since
    ).values("patient_id")
    discharged = (
        Discharge.objects.standing()
        .filter(discharged_on__gte=today - LOOK_BACK)
        .values("patient_id")
    )
    patients = (
        Patient.objects.filter(
            Q(pk__in=recent) | Q(pk__in=discharged),
            erased_at__isnull=True,
            user__isnull=False,
            user__is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
    )
    posted = 0
    for patient in patients:
        posted += outbox.post(drafts_for(patient, today))
    return posted


class Command(BaseCommand):
    help = "Queue e-mail reminders for outcome questionnaires due today (once per due date)."

    def handle(self, *args: Any, **options: Any) -> None:
        posted = queue_due(timezone.localdate())
        self.stdout.write(f"{posted} reminder(s) queued")
