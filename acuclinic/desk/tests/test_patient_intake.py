"""What the clinic's staff see of a patient's intake: the clinical team reads every answer and
the advice the patient saw and marks a red flag reviewed (audited); the front desk sees only
whether the questionnaire was sent and the red-flag alert; the alert shows on the calendar,
the day's list, the appointment and the desk home in a fixed number of queries."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acuclinic.clinic import roles
from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.models import Location
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.desk.calendar_queries import day_bounds, local_today
from acuclinic.patients import intake
from acuclinic.patients.models import IntakeResponse, Patient
from acuclinic.patients.tests.intake_answers import complete_answers
from acuclinic.scheduling.models import Appointment, Service

from .conftest import as_user, book, local

pytestmark = pytest.mark.django_db

EMERGENCY = "Red flag: advised to seek emergency care"
SEE_PHYSICIAN = "Red flag: advised to see a physician first"
SADDLE = "Saddle numbness (possible cauda equina)"
ADVICE_START = "Some of your answers can be a sign of pressure on the nerves"


def submitted(patient: Patient, **changes: object) -> IntakeResponse:
    record = intake.open_draft(patient)
    saved = intake.save(record, complete_answers(**changes), submit=True)
    assert saved.submitted, saved.result.errors
    record.refresh_from_db()
    return record


def url(record: IntakeResponse) -> str:
    return f"/desk/patients/{record.patient_id}/intake/{record.pk}/"


def intake_reads(record: IntakeResponse) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            record_type="patients.intakeresponse", record_id=str(record.pk), action=Action.VIEW
        ).order_by("pk")
    )


# --- the intake page ----------------------------------------------------------------------


def test_the_practitioner_reads_every_answer_and_the_advice(personas: Personas) -> None:
    record = submitted(personas.record_a, rf_saddle=True, bleeding_risk=True)
    response = personas.client("practitioner").get(url(record))
    assert response.status_code == 200
    html = response.content.decode()
    assert EMERGENCY in html and SADDLE in html
    assert ADVICE_START in html  # what the patient was told
    assert "Mark red flag as reviewed" in html
    assert "Low back pain on the left side" in html  # the chief complaint
    assert "Ibuprofen" in html and "400 mg" in html  # medications
    assert "4 months: chronic (12 weeks or more)" in html  # duration and chronicity
    assert re.search(r'<li class="is-worst">Left lower back <strong>\(worst\)</strong>', html)
    assert "Base of the spine (sacrum)" in html
    assert "6 of 10" in html and "8 of 10" in html  # pain now and worst
    assert "MRI" in html
    # Bleeding risk is a caution at the top, before all the answers.
    cautions = html.index("Clinical cautions")
    assert cautions < html.index("All answers")
    assert "is-caution" in html
    # The answer that raised the flag is marked among all the answers.
    assert re.search(r'class="is-flagged">\s*<dt>Do you have numbness or tingling between', html)
    # The page title names no clinical detail.
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "Health questionnaire" in title[1] and "cauda" not in title[1]


def test_labels_come_in_the_staff_members_language(personas: Personas) -> None:
    from django.utils import translation

    record = submitted(personas.record_a)
    with translation.override("es"):
        html = personas.client("practitioner").get(url(record)).content.decode()
    assert "¿Cuánto le duele en este momento?" in html
    assert "How much does it hurt right now?" not in html


def test_reading_the_intake_is_audited(personas: Personas) -> None:
    record = submitted(personas.record_a)
    personas.client("practitioner").get(url(record))
    [entry] = intake_reads(record)
    assert entry.actor == personas.practitioner
    assert (entry.role, entry.patient_id) == ("practitioner", personas.record_a.pk)
    assert entry.detail == {"purpose": "clinical"}


def test_a_draft_shows_its_last_save_and_what_is_not_valid_yet(personas: Personas) -> None:
    draft = intake.open_draft(personas.record_a)
    intake.save(draft, {"pain_now": "7", "pain_worst": "eleven"}, submit=False)
    html = personas.client("owner").get(url(draft)).content.decode()
    assert "Draft, last saved" in html
    assert "7 of 10" in html
    assert "eleven" in html and "(typed, not valid yet)" in html
    assert "Not answered" in html


@pytest.mark.parametrize("persona", ["front_desk", "patient_a", "patient_b", "anonymous"])
def test_nobody_else_reads_the_answers(personas: Personas, persona: str) -> None:
    record = submitted(personas.record_a, rf_saddle=True)
    response = personas.client(persona).get(url(record))
    expected = {"front_desk": 404, "anonymous": 302}.get(persona, 403)
    assert response.status_code == expected
    assert b"Ibuprofen" not in response.content
    assert intake_reads(record) == []  # nothing was read


def test_guessed_and_mismatched_ids_are_404(personas: Personas) -> None:
    record = submitted(personas.record_a)
    other = submitted(personas.record_b)
    client = personas.client("practitioner")
    assert client.get(f"/desk/patients/{personas.record_b.pk}/intake/{record.pk}/").status_code == (
        404
    )
    assert client.get(f"/desk/patients/{record.patient_id}/intake/999999/").status_code == 404
    assert client.get(f"/desk/patients/{record.patient_id}/intake/{2**63}/").status_code == 404
    assert client.get(url(other)).status_code == 200
    assert intake_reads(record) == []  # the mismatched address read nothing
    review = f"/desk/patients/{personas.record_b.pk}/intake/{record.pk}/review/"
    assert client.post(review).status_code == 404


def test_previous_intakes_are_listed(personas: Personas) -> None:
    first = submitted(personas.record_a, rf_fever=True)
    second = intake.open_draft(personas.record_a)
    html = personas.client("practitioner").get(url(second)).content.decode()
    assert url(first) in html and "Submitted on" in html
    record = personas.client("practitioner").get(f"/desk/patients/{personas.record_a.pk}/")
    page = record.content.decode()
    assert url(second) in page and url(first) in page  # the latest, and the earlier one
    assert "Read the health questionnaire" in page


# --- reviewing the red flag ---------------------------------------------------------------


def test_review_records_who_and_when_and_is_audited(personas: Personas) -> None:
    record = submitted(personas.record_a, rf_saddle=True)
    client = personas.client("practitioner")
    response = client.post(f"{url(record)}review/", follow=True)
    assert response.redirect_chain[-1][0] == url(record)
    html = response.content.decode()
    assert "The red flag is marked as reviewed." in html
    assert "Reviewed by Odile Fenwick on" in html
    assert "Mark red flag as reviewed" not in html
    record.refresh_from_db()
    assert record.flag_reviewed_by == personas.practitioner
    assert record.flag_reviewed_at is not None and not record.flag_open
    update = AuditEntry.objects.filter(
        record_type="patients.intakeresponse", record_id=str(record.pk), action=Action.UPDATE
    ).get()
    assert update.actor == personas.practitioner
    assert update.detail == {"reason": "red_flag_reviewed"}
    # Once is enough: a second press changes nothing and says so.
    first_time = record.flag_reviewed_at
    again = personas.client("owner").post(f"{url(record)}review/", follow=True)
    assert "already marked as reviewed" in again.content.decode()
    record.refresh_from_db()
    assert (record.flag_reviewed_at, record.flag_reviewed_by) == (
        first_time,
        personas.practitioner,
    )


def test_the_front_desk_cannot_review_and_get_is_refused(personas: Personas) -> None:
    record = submitted(personas.record_a, rf_saddle=True)
    assert personas.client("front_desk").post(f"{url(record)}review/").status_code == 404
    assert personas.client("patient_a").post(f"{url(record)}review/").status_code == 403
    assert personas.client("practitioner").get(f"{url(record)}review/").status_code == 405
    record.refresh_from_db()
    assert record.flag_open


def test_an_intake_without_a_flag_has_nothing_to_review(personas: Personas) -> None:
    record = submitted(personas.record_a)
    response = personas.client("practitioner").post(f"{url(record)}review/", follow=True)
    assert "no red flag to review" in response.content.decode()
    record.refresh_from_db()
    assert record.flag_reviewed_at is None


# --- the patient page --------------------------------------------------------------------


def test_the_front_desk_sees_only_sent_and_the_alert(personas: Personas) -> None:
    client = personas.client("front_desk")
    patient_page = f"/desk/patients/{personas.record_a.pk}/"
    html = client.get(patient_page).content.decode()
    assert "Health questionnaire: not yet" in html
    draft = intake.open_draft(personas.record_a)
    intake.save(draft, {"rf_fever": True}, submit=False)
    html = client.get(patient_page).content.decode()
    assert "Health questionnaire: not yet" in html  # a draft is not sent
    assert SEE_PHYSICIAN in html  # but its alert shows at once
    record = IntakeResponse.objects.get(pk=draft.pk)
    intake.save(record, complete_answers(rf_fever=True, rf_saddle=True), submit=True)
    html = client.get(patient_page).content.decode()
    assert "Health questionnaire: sent" in html and EMERGENCY in html
    for clinical in (SADDLE, "Fever", "Ibuprofen", ADVICE_START, "/intake/"):
        assert clinical not in html
    assert intake_reads(record) == []


def test_the_clinical_team_sees_status_and_a_link(personas: Personas) -> None:
    record = submitted(personas.record_a, rf_saddle=True)
    html = personas.client("owner").get(f"/desk/patients/{personas.record_a.pk}/").content.decode()
    assert "Submitted on" in html and EMERGENCY in html and url(record) in html


# --- the alert on the schedule -------------------------------------------------------------


def flag_badges(html: str) -> list[str]:
    return re.findall(r'class="flag-badge flag-[a-z_]+" data-flag="([a-z_]+)"', html)


def test_the_calendar_shows_the_alert_in_a_fixed_number_of_queries(
    staff, lena, location, monday
) -> None:
    herbs = Service.objects.get(slug="chinese-herbal-medicine")
    week = f"/desk/calendar/?date={monday}&show=practitioner:lena-qiao"
    quiet = Patient.objects.create(full_name="Quinn Quiet")
    book(service=herbs, practitioner=lena, start=local(location, monday, 9), patient=quiet)
    staff.get(week)
    with CaptureQueriesContext(connection) as few:
        staff.get(week)
    for n, hour in enumerate((10, 11, 12, 14, 15)):
        person = Patient.objects.create(full_name=f"Flagged {n}")
        submitted(person, rf_saddle=True) if n % 2 else submitted(person, rf_fever=True)
        book(service=herbs, practitioner=lena, start=local(location, monday, hour), patient=person)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(week)
    assert len(many) == len(few)
    html = response.content.decode()
    assert sorted(flag_badges(html)) == ["emergency"] * 2 + ["see_physician"] * 3
    assert EMERGENCY in html and SEE_PHYSICIAN in html
    assert "has-flag flag-emergency" in html
    day = staff.get(f"/desk/calendar/?view=day&date={monday}").content.decode()
    assert len(flag_badges(day)) == 5
    today_list = staff.get(f"/desk/calendar/today/?date={monday}").content.decode()
    assert len(flag_badges(today_list)) == 5
    assert today_list.count("Open the health questionnaire") == 5  # the demo user owns


def test_the_appointment_shows_the_alert_and_a_link_for_the_clinical_team(
    lena, location, monday, personas: Personas
) -> None:
    herbs = Service.objects.get(slug="chinese-herbal-medicine")
    patient = Patient.objects.create(full_name="Sol Ashgrove")
    record = submitted(patient, rf_bladder=True)
    appointment = book(
        service=herbs, practitioner=lena, start=local(location, monday, 11), patient=patient
    )
    detail = f"/desk/calendar/appointments/{appointment.pk}/"
    practitioner = personas.client("practitioner").get(detail).content.decode()
    assert flag_badges(practitioner) == ["emergency"] and url(record) in practitioner
    desk = personas.client("front_desk").get(detail).content.decode()
    assert flag_badges(desk) == ["emergency"] and EMERGENCY in desk
    assert "/intake/" not in desk and "cauda" not in desk.lower()
    # The day's list too: the front desk sees the badge, no link.
    day = personas.client("front_desk").get(f"/desk/calendar/today/?date={monday}")
    assert flag_badges(day.content.decode()) == ["emergency"]
    assert "/intake/" not in day.content.decode()


def test_after_review_the_badge_goes_and_a_changed_screen_brings_it_back(
    staff, lena, location, monday, personas: Personas
) -> None:
    herbs = Service.objects.get(slug="chinese-herbal-medicine")
    patient = Patient.objects.create(full_name="Wren Millbrook")
    book(service=herbs, practitioner=lena, start=local(location, monday, 10), patient=patient)
    week = f"/desk/calendar/?date={monday}&show=practitioner:lena-qiao"
    draft = intake.open_draft(patient)
    intake.save(draft, {"rf_fever": True}, submit=False)
    assert flag_badges(staff.get(week).content.decode()) == ["see_physician"]
    staff.post(f"{url(draft)}review/")
    assert flag_badges(staff.get(week).content.decode()) == []
    # Unchanged answers keep the review; a new red flag is a new alert.
    draft = IntakeResponse.objects.get(pk=draft.pk)
    intake.save(draft, {"rf_fever": True, "pain_now": 3}, submit=False)
    assert flag_badges(staff.get(week).content.decode()) == []
    draft = IntakeResponse.objects.get(pk=draft.pk)
    intake.save(draft, {"rf_fever": True, "rf_saddle": True}, submit=False)
    assert flag_badges(staff.get(week).content.decode()) == ["emergency"]


def test_only_the_latest_intake_counts(staff, lena, location, monday) -> None:
    herbs = Service.objects.get(slug="chinese-herbal-medicine")
    patient = Patient.objects.create(full_name="Ash Thornbury")
    book(service=herbs, practitioner=lena, start=local(location, monday, 10), patient=patient)
    week = f"/desk/calendar/?date={monday}&show=practitioner:lena-qiao"
    submitted(patient, rf_fever=True)
    assert flag_badges(staff.get(week).content.decode()) == ["see_physician"]
    later = intake.open_draft(patient)  # a newer intake without the flag
    intake.save(later, {"pain_now": 2}, submit=False)
    assert flag_badges(staff.get(week).content.decode()) == []


# --- the desk home ------------------------------------------------------------------------


def appointment_at(personas: Personas, start: datetime, patient: Patient) -> Appointment:
    """On the persona practitioner's empty schedule (no demo appointments to clash with)."""
    return Appointment.objects.create(
        patient=patient,
        practitioner=personas.practitioner_record,
        service=Service.objects.filter(needs_room=False).first(),
        location=Location.objects.order_by("pk").first(),
        start=start,
        end=start + timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=30),
        source="staff",
    )


def test_the_desk_home_lists_today_and_upcoming_red_flags(personas: Personas) -> None:
    location = Location.objects.order_by("pk").first()
    midnight = day_bounds(local_today(location.zone), location.zone)[0]
    quiet = Patient.objects.create(full_name="Tamsin Today")
    today = appointment_at(personas, midnight + timedelta(minutes=5), quiet)
    client = personas.client("owner")
    client.get("/desk/")
    with CaptureQueriesContext(connection) as few:
        html = client.get("/desk/").content.decode()
    assert f'id="home-appointment-{today.pk}"' in html and "Tamsin Today" in html
    assert "No open red flags in the next 14 days." in html
    submitted(quiet, rf_saddle=True)
    for n in range(1, 5):
        person = Patient.objects.create(full_name=f"Soon {n}")
        submitted(person, rf_fever=True)
        appointment_at(personas, timezone.now() + timedelta(days=n, hours=1), person)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/desk/").content.decode()
    assert len(many) == len(few)
    assert sorted(flag_badges(html)) == ["emergency"] + ["see_physician"] * 4
    assert "Open the health questionnaire" in html
    # The front desk sees the same alerts, without links to the answers.
    desk = personas.client("front_desk").get("/desk/").content.decode()
    assert sorted(flag_badges(desk)) == ["emergency"] + ["see_physician"] * 4
    assert "/intake/" not in desk
    # A practitioner's own day: Odile's appointment, not everyone's.
    mine = personas.client("practitioner").get("/desk/").content.decode()
    assert "Your appointments today" in mine and "Tamsin Today" in mine


def test_the_desk_home_needs_a_staff_role(personas: Personas) -> None:
    nobody = get_user_model().objects.create_user("no-role", "no-role@example.org", None)
    nobody.is_staff = True
    nobody.save(update_fields=["is_staff"])
    assert as_user(nobody).get("/desk/").status_code == 403
    assert personas.client("patient_a").get("/desk/").status_code == 403
    assert personas.client("anonymous").get("/desk/").status_code == 302
    for persona in ("front_desk", "practitioner", "owner"):
        assert personas.client(persona).get("/desk/").status_code == 200


def test_audit_log_link_for_the_owner_only(personas: Personas) -> None:
    link = 'href="/desk/audit/"'
    assert link in personas.client("owner").get("/desk/").content.decode()
    for persona in ("front_desk", "practitioner"):
        assert link not in personas.client(persona).get("/desk/").content.decode()


def test_the_owner_moderates_comments(personas: Personas) -> None:
    owner = personas.client("owner")
    assert owner.get("/desk/comments/").status_code == 200
    assert 'href="/desk/comments/"' in owner.get("/desk/").content.decode()
    assert personas.owner.has_perm("website.moderate_comment")
    for persona in ("front_desk", "practitioner"):
        client = personas.client(persona)
        assert client.get("/desk/comments/").status_code == 403
        assert 'href="/desk/comments/"' not in client.get("/desk/").content.decode()


def test_a_recreated_owner_group_carries_the_permission(db) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    Group.objects.filter(name="owner").delete()
    user = get_user_model().objects.create_user("new-owner", "new-owner@example.org", None)
    roles.grant(user, roles.Role.OWNER)
    fresh = get_user_model().objects.get(pk=user.pk)
    assert fresh.has_perm("website.moderate_comment")


def test_the_migration_gives_an_existing_owner_group_the_permission(db) -> None:  # type: ignore[no-untyped-def]
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("acuclinic.clinic.migrations.0007_owner_moderates_comments")
    group = Group.objects.get(name="owner")
    group.permissions.clear()
    editor = SimpleNamespace(connection=connection)  # all the migration reads of its editor
    migration.forwards(apps, editor)
    assert list(group.permissions.values_list("codename", flat=True)) == ["moderate_comment"]
    migration.backwards(apps, editor)
    assert not group.permissions.exists()
