"""Aftercare (issue 5 D): texts per modality chosen at signing, editable by the practitioner,
read by the patient in the portal (their own only), announced by an e-mail with no clinical
detail."""

import pytest
from django.test import override_settings
from django.urls import reverse

from acuclinic.charting import actions, aftercare, aftercare_mail
from acuclinic.charting.models import Aftercare
from acuclinic.clinic.audit import AuditEntry
from acuclinic.notifications.models import OutgoingMessage

from .conftest import client_as, request_as

PORTAL = override_settings(ROOT_URLCONF="acuclinic.charting.tests.portal_urlconf")


def test_texts_follow_what_was_done() -> None:
    assert aftercare.compose([], needled=False) == ""
    text = aftercare.compose(["moxa", "cupping", "cupping"], needled=True)
    paragraphs = text.split("\n\n")
    assert [p.split(":")[0] for p in paragraphs[:3]] == [
        "After acupuncture",
        "After cupping",
        "After moxibustion",
    ]
    assert "3 to 10 days" in paragraphs[1] and "blister" in paragraphs[2]
    assert paragraphs[-1] == str(aftercare.CLOSING)
    assert aftercare.kinds_for(["gua_sha", "massage"], needled=False) == ["gua_sha", "massage"]


def treated(personas, visit):  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    actions.save_note(
        visit=visit,
        fields={"chief_complaint": "Sciatica since March", "pattern": "kidney_yang_def"},
        request=request,
    )
    actions.add_needle(visit=visit, data={"code": "BL23", "side": "bilateral"}, request=request)
    actions.add_modality(
        visit=visit,
        data={"kind": "cupping", "method": "fixed", "area": "back.lower.left", "cups": 4},
        request=request,
    )
    return request


@pytest.mark.django_db
def test_signing_writes_the_notes_and_queues_one_plain_email(
    personas, visit, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    personas.record_a.email = "patient.a@example.com"
    personas.record_a.save(update_fields=["email"])
    request = treated(personas, visit)
    with django_capture_on_commit_callbacks(execute=True):
        actions.sign_visit(visit=visit, request=request)
    note = Aftercare.objects.get(visit=visit)
    assert note.text.startswith("After acupuncture") and "After cupping" in note.text
    for clinical in ("Sciatica", "Kidney", "BL23"):
        assert clinical not in note.text
    assert AuditEntry.objects.filter(record_id=str(visit.pk), detail__fields=["aftercare"]).exists()
    # The e-mail: queued through the outbox after the signing, once per visit (a retried task
    # adds nothing), nothing clinical in it.
    message = OutgoingMessage.objects.get(kind="aftercare")
    assert aftercare_mail.notify.call(note.pk) == 0
    assert OutgoingMessage.objects.filter(kind="aftercare").count() == 1
    assert message.recipient == "patient.a@example.com"
    assert message.appointment_id == visit.appointment_id
    assert "Your aftercare notes from today's visit are in your account:" in message.body_text
    assert "/portal/aftercare/" in message.body_text and "/portal/aftercare/" in message.body_html
    everything = f"{message.subject} {message.body_text} {message.body_html}".lower()
    for clinical in ("sciatica", "kidney", "bl23", "cupping", "after acupuncture", "needle"):
        assert clinical not in everything, clinical


@pytest.mark.django_db
def test_nothing_for_a_visit_with_no_treatment_nor_for_a_patient_without_an_address(
    personas, visit
) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    actions.sign_visit(visit=visit, request=request)
    assert not Aftercare.objects.exists()
    note = actions.save_aftercare(visit=visit, text="Rest today.", request=request)
    personas.record_a.email = ""
    personas.record_a.save(update_fields=["email"])
    assert aftercare_mail.for_aftercare(note.pk) == []


@pytest.mark.django_db
def test_the_practitioner_edits_them_after_signing_only(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = treated(personas, visit)
    with pytest.raises(actions.ChartingRefused):
        actions.save_aftercare(visit=visit, text="Too early", request=request)
    actions.sign_visit(visit=visit, request=request)
    practitioner = client_as(personas.practitioner)
    url = reverse("charting:save_aftercare", args=[visit.pk])
    page = practitioner.get(reverse("charting:visit", args=[visit.pk])).content.decode()
    assert "After cupping" in page  # the form starts from the chosen texts
    assert practitioner.post(url, {"text": "Keep the back warm."}).status_code == 302
    assert Aftercare.objects.get(visit=visit).text == "Keep the back warm."
    empty = practitioner.post(url, {"text": "  "})
    assert empty.status_code == 400 and "Write the aftercare notes." in empty.content.decode()
    assert personas.client("front_desk").post(url, {"text": "x"}).status_code == 404
    assert Aftercare.objects.get(visit=visit).text == "Keep the back warm."


@pytest.mark.django_db
@PORTAL
def test_the_patient_reads_their_own_in_the_portal(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = treated(personas, visit)
    actions.sign_visit(visit=visit, request=request)
    note = Aftercare.objects.get(visit=visit)
    mine, theirs = personas.client("patient_a"), personas.client("patient_b")
    listing = mine.get(reverse("portal:aftercare"))
    assert listing.status_code == 200 and "After cupping" in listing.content.decode()
    assert "After cupping" not in theirs.get(reverse("portal:aftercare")).content.decode()
    detail_url = reverse("portal:aftercare_detail", args=[note.pk])
    detail = mine.get(detail_url)
    html = detail.content.decode()
    assert detail.status_code == 200 and "Where we treated" in html
    # The patient's chart: BL23 both sides, nothing else marked, no note, no point names.
    assert html.count("data-patient-mark") == 2
    assert "is-treated" in html and "is-pain" not in html
    for clinical in ("Sciatica", "Kidney", "BL23", "Shenshu"):
        assert clinical not in html
    assert theirs.get(detail_url).status_code == 404
    assert personas.client("practitioner").get(detail_url).status_code == 403
    assert personas.client("front_desk").get(reverse("portal:aftercare")).status_code == 403
    read = AuditEntry.objects.filter(action="view", record_id=str(note.pk))
    assert read.filter(actor=personas.patient_a).count() == 1
