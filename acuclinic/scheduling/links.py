"""Signed links for patients: manage (cancel, reschedule) an appointment, answer a waitlist offer.

The token is a public UUID (the appointment's; for an offer, its held appointment's; the
waitlist entry's) signed with SECRET_KEY and a salt per kind of link, so a link cannot be
guessed, forged, taken from another or used as another kind, and reveals nothing (no
sequential id, no name); the views still check the cancellation window and the state.
"""

import uuid

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


def _public_id(token: str, salt: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(signing.loads(token, salt=salt)))
    except (signing.BadSignature, ValueError):
        return None


def appointment_for(token: str) -> Appointment | None:
    public_id = _public_id(token, MANAGE)
    if public_id is None:
        return None
    return (
        Appointment.objects.select_related("service", "practitioner", "location", "patient")
        .filter(public_id=public_id)
        .first()
    )


def offer_token(offer: WaitlistOffer) -> str:
    return signing.dumps(str(offer.appointment.public_id), salt=OFFER)


def offer_url(offer: WaitlistOffer) -> str:
    return _absolute(reverse("booking:offer", args=[offer_token(offer)]))


def offer_for(token: str) -> WaitlistOffer | None:
    public_id = _public_id(token, OFFER)
    if public_id is None:
        return None
    return (
        WaitlistOffer.objects.select_related("appointment", "entry")
        .filter(appointment__public_id=public_id)
        .first()
    )


def waitlist_path(entry: WaitlistEntry) -> str:
    token = signing.dumps(str(entry.public_id), salt=WAITLIST)
    return reverse("booking:waitlist_entry", args=[token])


def waitlist_url(entry: WaitlistEntry) -> str:
    return _absolute(waitlist_path(entry))


def waitlist_entry_for(token: str) -> WaitlistEntry | None:
    public_id = _public_id(token, WAITLIST)
    if public_id is None:
        return None
    return WaitlistEntry.objects.filter(public_id=public_id).first()
