"""The portal's overview: upcoming appointments with the manage flow's reschedule and cancel,
past ones folded away, what is due (intake, consent), documents and the diary; one patient
never sees another's; a bounded number of queries however much there is."""

import re

import pytest
from django.utils import timezone

from acuclinic.clinic.models import default_clinic
from acuclinic.clinic.tests.personas import Personas
from acuclinic.outcomes.models import Score, Source
from acuclinic.patients import consent, intake
from acuclinic.patients.models import ConsentSignature, IntakeResponse, IntakeStatus
from acuclinic.scheduling.models import Status

from . import files

pytestmark = pytest.mark.django_db


def home(personas: Personas, who: str = "patient_a"):  # type: ignore[no-untyped-def]
    response = personas.client(who).get("/portal/")
    assert response.status_code == 200
    return response


def test_upcoming_appointment_in_the_clinics_zone_with_reschedule_and_cancel(
    personas: Personas,
) -> None:
    appointment = files.appointment(personas.record_a, days=40)
    response = home(personas)
    html = response.content.decode()
    local = appointment.local_start()
    assert local.strftime("%A") in html
    assert local.strftime("%-I:%M %p") in html
    assert appointment.practitioner.name in html
    assert appointment.service.name in html and appointment.location.name in html
    assert local.tzname() in html  # MST or MDT: the zone is named
    reschedule = re.search(r'href="(/book/manage/[^"]+/reschedule/)"', html).group(1)
    cancel = re.search(r'href="(/book/manage/[^"/]+/)"', html).group(1)
    assert reschedule.startswith(cancel)
    # The links lead into the manage flow, which applies the clinic's rules.
    client = personas.client("patient_a")
    assert client.get(reschedule).status_code == 200
    assert "Cancel the appointment" in client.get(cancel).content.decode()
    assert client.post(cancel, {"action": "cancel"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    after = home(personas)
    assert after.context["upcoming"] == []
    assert [v.appointment for v in after.context["past"]] == [appointment]


def test_too_late_to_change_online_is_the_manage_pages_decision(personas: Personas) -> None:
    soon = files.appointment(personas.record_a, days=40)
    clinic = default_clinic()
    clinic.cancellation_notice_hours = 60 * 24  # 60 days: the visit is inside the notice
    clinic.save(update_fields=["cancellation_notice_hours"])
    html = home(personas).content.decode()
    cancel = re.search(r'href="(/book/manage/[^"/]+/)"', html).group(1)
    client = personas.client("patient_a")
    refused = client.post(cancel, {"action": "cancel"})
    assert "too late to cancel online" in refused.content.decode()
    assert client.get(cancel.rstrip("/") + "/reschedule/").status_code == 302  # back to manage
    soon.refresh_from_db()
    assert soon.status == Status.CONFIRMED


def test_past_appointments_are_folded_and_another_patients_never_appear(
    personas: Personas,
) -> None:
    past = files.appointment(personas.record_a, days=-60)
    others = files.appointment(personas.record_b, days=50)
    html = home(personas).content.decode()
    assert '<details class="past-visits">' in html
    assert "Past appointment (1)" in html
    response = home(personas)
    assert [v.appointment for v in response.context["past"]] == [past]
    assert response.context["upcoming"] == []
    from acuclinic.scheduling import links

    assert links.manage_path(others) not in html
    # The manage links are signed tokens: a guessed or altered one is a 404, not a visit.
    client = personas.client("patient_a")
    assert client.get(f"/book/manage/{others.pk}/").status_code == 404
    assert client.get(links.manage_path(others)[:-5] + "xxxx/").status_code == 404
    b = home(personas, "patient_b")
    assert [v.appointment for v in b.context["upcoming"]] == [others]
    assert b.context["past"] == []


def test_no_upcoming_appointments_offers_to_book(personas: Personas) -> None:
    html = home(personas).content.decode()
    assert "You have no upcoming appointments." in html
    assert 'href="/book/"' in html


def test_intake_status_none_draft_submitted(personas: Personas) -> None:
    html = home(personas).content.decode()
    assert "Please fill it in before your first visit" in html
    assert 'href="/portal/intake/"' in html
    draft = intake.open_draft(personas.record_a)
    assert "Started: please finish and send it" in home(personas).content.decode()
    IntakeResponse.objects.filter(pk=draft.pk).update(
        status=IntakeStatus.SUBMITTED, submitted_at=timezone.now()
    )
    html = home(personas).content.decode()
    assert "Sent on" in html and "Please fill it in" not in html


def test_consents_to_sign_then_all_signed(personas: Personas) -> None:
    html = home(personas).content.decode()
    assert "2 to sign" in html and "Consent to treatment" in html and "Privacy notice" in html
    for document in consent.current_documents():
        ConsentSignature.objects.create(
            patient=personas.record_a, document=document, typed_name="Juniper Halloway", agreed=True
        )
    assert "All signed" in home(personas).content.decode()
    assert "2 to sign" in home(personas, "patient_b").content.decode()


def test_documents_and_diary_are_summarised(personas: Personas) -> None:
    html = home(personas).content.decode()
    assert "0 documents" in html and "No entries yet" in html
    Score.objects.create(
        patient=personas.record_a, measure="nprs", item="now", value=6, source=Source.DIARY
    )
    Score.objects.create(
        patient=personas.record_b, measure="nprs", item="now", value=9, source=Source.DIARY
    )
    html = home(personas).content.decode()
    assert "Last entry: 6/10" in html


def test_no_questionnaire_placeholder(personas: Personas) -> None:
    assert "questionnaires due" not in home(personas).content.decode().lower()


def test_the_overview_takes_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("patient_a")
    client.get("/portal/")  # warm: content types, site settings
    for days in (40, 47, 54, 61, 68, -30, -37, -44):
        files.appointment(personas.record_a, days=days)
    for value in range(5):
        Score.objects.create(
            patient=personas.record_a, measure="nprs", item="now", value=value, source=Source.DIARY
        )
    intake.open_draft(personas.record_a)
    with django_assert_max_num_queries(20):  # 2 for the outcome questionnaires due, 2 for herbs
        response = client.get("/portal/")
    assert len(response.context["upcoming"]) == 5 and len(response.context["past"]) == 3


def test_staff_and_strangers_are_turned_away(personas: Personas) -> None:
    assert personas.client("front_desk").get("/portal/").status_code == 403
    assert personas.client("owner").get("/portal/").status_code == 403
    assert personas.client("anonymous").get("/portal/")["Location"].startswith("/accounts/login/")


def test_an_erased_record_has_no_portal(personas: Personas) -> None:
    personas.record_a.erased_at = timezone.now()
    personas.record_a.save(update_fields=["erased_at"])
    assert personas.client("patient_a").get("/portal/").status_code == 403


def test_a_page_that_fills_head_keeps_the_portal_styles(personas: Personas, rf) -> None:  # type: ignore[no-untyped-def]
    from django.template import engines

    request = rf.get("/portal/")
    request.user = personas.patient_a
    page = engines["django"].from_string(
        '{% extends "portal/base.html" %}{% block head %}<link rel="stylesheet" href="/x.css">'
        "{% endblock %}"
    )
    html = page.render({}, request)
    assert "css/portal.css" in html and "/x.css" in html
