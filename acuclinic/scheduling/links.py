"""Signed links for patients: manage (cancel, reschedule) an appointment, answer a waitlist offer.

The token is the appointment's (or offer's) public UUID signed with SECRET_KEY, so a link
cannot be guessed from another and reveals nothing; the views still check the cancellation
window and the appointment's state.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Appointment, WaitlistEntry, WaitlistOffer

MANAGE = "acuclinic.appointment.manage"
OFFER = "acuclinic.waitlist.offer"
WAITLIST = "acuclinic.waitlist.entry"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def manage_token(appointment: Appointment) -> str:
    return signing.dumps(str(appointment.public_id), salt=MANAGE, compress=True)


def manage_path(appointment: Appointment) -> str:
    return reverse("booking:manage", args=[manage_token(appointment)])


def manage_url(appointment: Appointment) -> str:
    return _absolute(manage_path(appointment))


def appointment_for(token: str) -> Appointment | None:
    try:
        public_id = signing.loads(token, salt=MANAGE)
    except signing.BadSignature:
        return None
    return (
        Appointment.objects.select_related("service", "practitioner", "location", "patient")
        .filter(public_id=public_id)
        .first()
    )


def offer_url(offer: WaitlistOffer) -> str:
    token = signing.dumps(offer.pk, salt=OFFER)
    return _absolute(reverse("booking:offer", args=[token]))


def offer_for(token: str) -> WaitlistOffer | None:
    try:
        pk = signing.loads(token, salt=OFFER)
    except signing.BadSignature:
        return None
    return WaitlistOffer.objects.select_related("appointment", "entry").filter(pk=pk).first()


def waitlist_path(entry: WaitlistEntry) -> str:
    token = signing.dumps(str(entry.public_id), salt=WAITLIST)
    return reverse("booking:waitlist_entry", args=[token])


def waitlist_url(entry: WaitlistEntry) -> str:
    return _absolute(waitlist_path(entry))


def waitlist_entry_for(token: str) -> WaitlistEntry | None:
    try:
        public_id = signing.loads(token, salt=WAITLIST)
    except signing.BadSignature:
        return None
    return WaitlistEntry.objects.filter(public_id=public_id).first()
