"""The patient's e-mail after a signed visit: "Your aftercare notes from today's visit are in
your account: <link>". Decision 4: no clinical detail by e-mail; no treatment, no point, no
diagnosis, not even which modalities: the notes themselves are read in the portal, behind the
sign-in. Sent once per visit (dedupe key), in the patient's language, to patients with an
e-mail address and an account; queued through the notifications outbox after the signing
commits (actions.sign_visit / save_aftercare).
"""

import logging
import re

from django.conf import settings
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from acuclinic.clinic.models import default_clinic
from acuclinic.notifications import outbox
from acuclinic.notifications.compose import Draft
from acuclinic.notifications.models import Audience, Kind

from .models import Aftercare

KIND = Kind.AFTERCARE
TEMPLATE = "notifications/aftercare_patient"
# The portal's page (portal_urls.py, mounted by the portal's urls.py at aftercare/); a fixed
# path like compose.INTAKE_PATH, so a mail composed by a worker never depends on URL loading.
AFTERCARE_PATH = "/portal/aftercare/"
logger = logging.getLogger(__name__)


def for_aftercare(aftercare_id: int) -> list[Draft]:
    """The patient's e-mail for these aftercare notes, or nothing (no address, no account, an
    erased record)."""
    record = (
        Aftercare.objects.select_related("visit__patient", "visit__appointment")
        .filter(pk=aftercare_id)
        .first()
    )
    if record is None:
        return []
    patient = record.visit.patient
    if not patient.email or patient.erased_at is not None or patient.user_id is None:
        return []
    clinic = default_clinic()
    subject = _("Your aftercare notes from %(clinic)s") % {"clinic": clinic.name}
    context = {
        "subject": subject,
        "name": patient.first_name,
        "aftercare_url": f"{settings.SITE_URL.rstrip('/')}{AFTERCARE_PATH}",
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone_display,
        "clinic_phone_link": clinic.phone_e164,
        "clinic_address": clinic.address_lines,
    }
    text = render_to_string(f"{TEMPLATE}.txt", context)
    text = re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text).strip() + "\n"
    appointment = record.visit.appointment
    return [
        Draft(
            kind=KIND,
            audience=Audience.PATIENT,
            dedupe_key=f"aftercare:{record.visit_id}",
            recipient=patient.email,
            recipient_name=patient.full_name,
            subject=subject,
            body_text=text,
            body_html=render_to_string(f"{TEMPLATE}.html", context),
            appointment_id=appointment.pk if appointment is not None else None,
        )
    ]


def queue(aftercare_id: int) -> None:
    """Queue the e-mail; a queue problem must never undo or break the signing (committed)."""
    try:
        notify.enqueue(aftercare_id)
    except Exception:
        logger.exception("could not queue the aftercare e-mail %s", aftercare_id)


@task()
def notify(aftercare_id: int) -> int:
    """Compose and queue the e-mail in the patient's language; safe to run twice."""
    language = (
        Aftercare.objects.filter(pk=aftercare_id)
        .values_list("visit__patient__preferred_language", flat=True)
        .first()
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        return outbox.post(for_aftercare(aftercare_id))
