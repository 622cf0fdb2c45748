"""links.py: the signed links in patients' e-mails (manage an appointment, answer an offer)."""

import base64
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from acuclinic.scheduling import booking, links, waitlist
from acuclinic.scheduling.models import Appointment, WaitlistEntry, WaitlistOffer

from .conftest import World


@pytest.fixture
def appointment(world: World) -> Appointment:
    return booking.book(
        service=world.treatment,
        practitioner=world.ana,
        start=world.at("10:00"),
        patient=world.patient,
        actor=booking.ONLINE_PATIENT,
        notify=False,
    )


@pytest.fixture
def offer(world: World, appointment: Appointment) -> WaitlistOffer:
    waitlist.join(
        patient=world.patients[1],
        service=world.treatment,
        practitioner=None,
        earliest=world.day,
        latest=world.day,
    )
    booking.cancel(appointment, actor=booking.SYSTEM, notify=False)
    made = waitlist.offer_freed_time(appointment.pk)
    assert made is not None
    return made


def payload(token: str) -> str:
    """What anyone can read from a token without the key (signing is not encryption)."""
    data = token.split(":")[0]
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode(errors="replace")


def test_a_manage_link_finds_its_appointment(appointment: Appointment, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://clinic.example.com"
    url = links.manage_url(appointment)
    assert url.startswith("https://clinic.example.com/book/")
    token = url.rstrip("/").split("/")[-1]
    assert links.appointment_for(token) == appointment
    assert links.appointment_for(links.manage_token(appointment)) == appointment
    assert links.manage_path(appointment).startswith("/book/manage/")


def test_a_token_reveals_no_id_and_no_patient(world: World, appointment: Appointment) -> None:
    token = links.manage_token(appointment)
    assert signing.loads(token, salt=links.MANAGE) == str(appointment.public_id)
    readable = payload(token)
    assert world.patient.full_name not in readable
    assert world.patient.email not in readable
    assert readable.strip('"') == str(appointment.public_id)


def test_a_forged_or_altered_token_finds_nothing(appointment: Appointment) -> None:
    token = links.manage_token(appointment)
    assert links.appointment_for(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert links.appointment_for("") is None
    assert links.appointment_for("not-a-token") is None
    assert links.appointment_for("a:b:c") is None
    # Signed with the key but not a public id (only the clinic could make it): still nothing.
    assert links.appointment_for(signing.dumps("42", salt=links.MANAGE)) is None
    assert links.appointment_for(signing.dumps(appointment.pk, salt=links.MANAGE)) is None
    # Another appointment's id, not signed: nothing.
    unsigned = base64.urlsafe_b64encode(f'"{appointment.public_id}"'.encode()).decode()
    assert links.appointment_for(unsigned.rstrip("=") + ":forged") is None


def test_a_token_for_one_kind_of_link_does_not_open_another(
    world: World, offer: WaitlistOffer
) -> None:
    held = offer.appointment
    offer_token = links.offer_token(offer)
    manage_token = links.manage_token(held)
    entry_token = links.waitlist_path(offer.entry).rstrip("/").split("/")[-1]
    assert links.offer_for(offer_token) == offer
    assert links.appointment_for(manage_token) == held
    assert links.waitlist_entry_for(entry_token) == offer.entry
    assert links.appointment_for(offer_token) is None
    assert links.offer_for(manage_token) is None
    assert links.waitlist_entry_for(manage_token) is None
    assert links.offer_for(entry_token) is None


def test_an_offer_link_carries_no_sequential_id(world: World, offer: WaitlistOffer) -> None:
    token = links.offer_token(offer)
    assert signing.loads(token, salt=links.OFFER) == str(offer.appointment.public_id)
    assert links.offer_url(offer).startswith("http")
    url_token = links.offer_url(offer).rstrip("/").split("/")[-1]
    accepted = waitlist.accept(links.offer_for(url_token))
    assert accepted.pk == offer.appointment_id


def test_a_waitlist_link(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://clinic.example.com/"
    entry = waitlist.join(
        patient=world.patient,
        service=world.treatment,
        practitioner=world.ben,
        earliest=timezone.localdate(),
        latest=timezone.localdate() + timedelta(days=7),
    )
    url = links.waitlist_url(entry)
    assert url.startswith("https://clinic.example.com/book/")
    token = url.rstrip("/").split("/")[-1]
    assert links.waitlist_entry_for(token) == entry
    WaitlistEntry.objects.filter(pk=entry.pk).delete()
    assert links.waitlist_entry_for(token) is None


def test_a_link_to_a_deleted_appointment_finds_nothing(appointment: Appointment) -> None:
    token = links.manage_token(appointment)
    appointment.events.all().delete()
    Appointment.objects.filter(pk=appointment.pk).delete()
    assert links.appointment_for(token) is None
