"""Discharging a patient from care (issue 7 B) over HTTP: the panel on the trajectory page,
recording and undoing, bad dates as form errors (never a 500), the audit entries, who may do
it, the rule for which discharge applies, the portal offering the discharge questionnaires,
and the demo's discharged courses."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import formats, timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.outcomes import demo
from acuclinic.outcomes import questionnaires as oq
from acuclinic.outcomes.models import Discharge, DischargeReason, attended_days
from acuclinic.outcomes.schedule import Kind, add_months
from acuclinic.patients.models import Patient

from . import factories as f

pytestmark = pytest.mark.django_db
LIST = "/portal/questionnaires/"


def page(patient_id: int) -> str:
    return f"/desk/outcomes/patients/{patient_id}/"


def url(patient_id: int) -> str:
    return f"/desk/outcomes/patients/{patient_id}/discharge/"


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def today() -> date:
    return timezone.localdate()


def course(who: Patient, *days_ago: int) -> list[date]:
    """Attended visits that many days ago (local noon); their days, in order."""
    by = f.practitioner()
    for n in days_ago:
        f.visit(who, by, at(today() - timedelta(days=n)))
    return attended_days(who.pk)


def entries(patient: Patient, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(patient_id=patient.pk, action=action))


@pytest.fixture
def patient(personas: Personas) -> Patient:
    """Patient A (who has a portal account), three weekly visits ending 20 days ago."""
    course(personas.record_a, 34, 27, 20)
    return personas.record_a


def test_record_a_discharge_see_it_on_the_page_and_in_the_audit(
    personas: Personas, patient: Patient
) -> None:
    client = personas.client("practitioner")
    form = client.get(page(patient.pk)).content.decode()
    assert "Discharge from care" in form and f'action="{url(patient.pk)}#discharge"' in form
    assert f'value="{today().isoformat()}"' in form  # today by default
    assert f'min="{(today() - timedelta(days=20)).isoformat()}"' in form
    assert "style=" not in form and "<script>" not in form  # strict CSP: no inline code

    day = today() - timedelta(days=2)
    response = client.post(
        url(patient.pk), {"discharged_on": day.isoformat(), "reason": "goals_met"}
    )
    assert response.status_code == 302
    assert response["Location"] == page(patient.pk) + "#discharge"
    [discharge] = Discharge.objects.filter(patient=patient)
    assert (discharge.discharged_on, discharge.reason) == (day, DischargeReason.GOALS_MET)
    assert discharge.recorded_by == personas.practitioner and discharge.withdrawn_at is None

    [created] = entries(patient, Action.CREATE)
    assert (created.record_type, created.record_id) == ("outcomes.discharge", str(discharge.pk))
    assert created.actor == personas.practitioner
    assert created.detail == {"purpose": "clinical", "fields": ["discharged_on", "reason"]}
    # The POST's read, through access_patient, before the change.
    read = entries(patient, Action.VIEW)
    assert read and all(e.detail == {"purpose": "clinical"} for e in read)
    assert max(e.pk for e in read) < created.pk

    shown = client.get(page(patient.pk)).content.decode()
    assert f'data-discharged="{day.isoformat()}"' in shown
    assert "Reason: Goals met." in shown and "Recorded by Odile Fenwick" in shown
    assert "Undo this discharge" in shown and 'name="discharged_on"' not in shown
    for months in (3, 6):
        assert formats.date_format(add_months(day, months)) in shown
    assert "Discharged on" in shown  # the flash message and the panel


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tomorrow", "cannot be in the future"),
        ("before-first", "before the first attended visit"),
        ("between-visits", "had a visit after this date"),
        ("2031-02-30", "Enter a valid date"),
        ("not a date", "Enter a valid date"),
        ("", "This field is required"),
        ("99999-01-01", "Enter a valid date"),
        ("0001-01-01", "before the first attended visit"),
    ],
)
def test_bad_dates_are_shown_as_form_errors(
    personas: Personas, patient: Patient, value: str, message: str
) -> None:
    value = {
        "tomorrow": (today() + timedelta(days=1)).isoformat(),
        "before-first": (today() - timedelta(days=40)).isoformat(),
        "between-visits": (today() - timedelta(days=25)).isoformat(),
    }.get(value, value)
    response = personas.client("owner").post(url(patient.pk), {"discharged_on": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The discharge is not recorded" in html and message in html
    assert "field-error" in html and 'role="alert"' in html
    assert "Pain and function over time" in html  # the whole page again, not a bare error
    assert not Discharge.objects.exists()
    assert entries(patient, Action.CREATE) == []


def test_a_reason_that_is_not_a_choice_is_a_form_error(
    personas: Personas, patient: Patient
) -> None:
    data = {"discharged_on": today().isoformat(), "reason": "cured forever"}
    response = personas.client("owner").post(url(patient.pk), data)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Discharge.objects.exists()


def test_no_attended_visit_no_discharge(personas: Personas) -> None:
    record = personas.record_b
    f.visit(record, f.practitioner(), at(today() + timedelta(days=3)), status="confirmed")
    response = personas.client("owner").post(url(record.pk), {"discharged_on": today().isoformat()})
    assert response.status_code == 400
    assert "no attended visit yet" in response.content.decode()
    assert not Discharge.objects.exists()


def test_one_discharge_at_a_time_and_undo_a_mistake(personas: Personas, patient: Patient) -> None:
    client = personas.client("practitioner")
    wrong, right = today(), today() - timedelta(days=20)  # the day of the last visit
    assert client.post(url(patient.pk), {"discharged_on": wrong.isoformat()}).status_code == 302
    first = Discharge.objects.get()
    # A second one while the first applies: refused, with the way out.
    again = client.post(url(patient.pk), {"discharged_on": right.isoformat()})
    assert again.status_code == 400
    assert "already discharged" in again.content.decode() and "undo" in again.content.decode()
    assert Discharge.objects.count() == 1

    undo = {"action": "undo", "discharge": str(first.pk)}
    response = client.post(url(patient.pk), undo)
    assert response.status_code == 302 and response["Location"].endswith("#discharge")
    first.refresh_from_db()
    assert first.withdrawn_at is not None and first.withdrawn_by == personas.practitioner
    [updated] = entries(patient, Action.UPDATE)
    assert (updated.record_type, updated.record_id) == ("outcomes.discharge", str(first.pk))
    assert updated.detail["reason"] == "withdrawn"
    assert Discharge.objects.current_for(patient.pk) is None
    shown = client.get(page(patient.pk)).content.decode()
    assert 'name="discharged_on"' in shown and "data-discharged" not in shown

    # The same undo again (a second click, an old tab): nothing changes, said clearly.
    stale = client.post(url(patient.pk), undo)
    assert stale.status_code == 409 and "no longer in effect" in stale.content.decode()
    assert len(entries(patient, Action.UPDATE)) == 1

    # Now the right day.
    assert client.post(url(patient.pk), {"discharged_on": right.isoformat()}).status_code == 302
    assert Discharge.objects.current_for(patient.pk).discharged_on == right  # type: ignore[union-attr]
    assert Discharge.objects.count() == 2  # the undone one is kept, for the record


def test_undo_names_this_patients_discharge_or_changes_nothing(
    personas: Personas, patient: Patient
) -> None:
    other = personas.record_b
    course(other, 10)
    client = personas.client("owner")
    client.post(url(other.pk), {"discharged_on": today().isoformat()})
    theirs = Discharge.objects.get(patient=other)
    for value in (str(theirs.pk), "", "abc", "-1", "99999999999999999999"):
        response = client.post(url(patient.pk), {"action": "undo", "discharge": value})
        assert response.status_code == 409
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None
    assert entries(other, Action.UPDATE) == []


def test_front_desk_and_patients_cannot_discharge(personas: Personas, patient: Patient) -> None:
    data = {"discharged_on": today().isoformat()}
    assert personas.client("front_desk").post(url(patient.pk), data).status_code == 403
    assert personas.client("patient_a").post(url(patient.pk), data).status_code == 403
    assert personas.client("anonymous").post(url(patient.pk), data).status_code == 302
    assert not Discharge.objects.exists()
    # Nothing was read either: the role gate comes before the lookup.
    assert not AuditEntry.objects.filter(patient_id=patient.pk).exists()
    # Their undo is refused the same way.
    personas.client("owner").post(url(patient.pk), data)
    undo = {"action": "undo", "discharge": str(Discharge.objects.get().pk)}
    assert personas.client("front_desk").post(url(patient.pk), undo).status_code == 403
    assert Discharge.objects.get().withdrawn_at is None
    # Only POST: a GET (a prefetching browser, a crawler) changes nothing.
    assert personas.client("owner").get(url(patient.pk)).status_code == 405


def test_a_visit_after_the_discharge_starts_a_new_course(
    personas: Personas, patient: Patient, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.OUTCOME_QUESTIONNAIRE_DIR = None
    client = personas.client("practitioner")
    day = today() - timedelta(days=10)
    client.post(url(patient.pk), {"discharged_on": day.isoformat()})
    assert {d.point.kind for d in oq.due_for(patient.pk, today())} == {Kind.DISCHARGE}
    # The patient comes back: that discharge no longer applies, nor its follow-ups.
    f.visit(patient, f.practitioner(), at(today() - timedelta(days=1)))
    assert Discharge.objects.current_for(patient.pk) is None
    assert oq.due_for(patient.pk, add_months(day, 3)) == []
    shown = client.get(page(patient.pk)).content.decode()
    assert 'name="discharged_on"' in shown and "data-discharged" not in shown
    # A discharge dated before that visit would never apply: refused.
    response = client.post(url(patient.pk), {"discharged_on": day.isoformat()})
    assert (
        response.status_code == 400 and "had a visit after this date" in response.content.decode()
    )


def test_the_portal_offers_the_discharge_questionnaires(
    personas: Personas, patient: Patient, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.OUTCOME_QUESTIONNAIRE_DIR = None  # our own: the PSFS and the impression of change
    psfs, pgic = f"{LIST}b/", f"{LIST}c/"
    portal = personas.client("patient_a")
    before = portal.get(LIST).content.decode()
    assert psfs not in before and pgic not in before  # the last visit's window has closed
    personas.client("practitioner").post(url(patient.pk), {"discharged_on": today().isoformat()})
    listed = portal.get(LIST).content.decode()
    assert psfs in listed and pgic in listed
    assert portal.get(pgic).status_code == 200
    assert portal.post(pgic, {"change": "score_6"}).status_code == 302
    assert pgic not in portal.get(LIST).content.decode()  # answered: no longer offered
    # Undone: nothing is due any more.
    discharge = Discharge.objects.get()
    personas.client("practitioner").post(
        url(patient.pk), {"action": "undo", "discharge": str(discharge.pk)}
    )
    assert psfs not in portal.get(LIST).content.decode()


def test_two_staff_at_once_record_one_discharge(personas: Personas, patient: Patient) -> None:
    # The second POST meets the first's discharge (sequentially here; the row lock makes the
    # same true of simultaneous requests on PostgreSQL).
    data = {"discharged_on": today().isoformat()}
    assert personas.client("owner").post(url(patient.pk), data).status_code == 302
    assert personas.client("practitioner").post(url(patient.pk), data).status_code == 400
    assert Discharge.objects.count() == 1


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(["discharged_on", "reason", "action", "discharge"]),
        st.text(st.characters(blacklist_categories=["Cs"]), max_size=30),
        max_size=4,
    )
)
def test_no_input_makes_a_500(personas: Personas, patient: Patient, data) -> None:  # type: ignore[no-untyped-def]
    response = personas.client("owner").post(url(patient.pk), data)
    assert response.status_code in (302, 400, 409)
    Discharge.objects.all().delete()  # so each example starts undischarged


def test_the_demo_discharges_a_few_finished_courses(personas: Personas) -> None:
    demo.seed()
    discharges = list(Discharge.objects.filter(patient__email__endswith="@" + demo.DOMAIN))
    assert 5 <= len(discharges) <= demo.PATIENTS // 3
    assert {d.reason for d in discharges} == set(demo.DISCHARGED.values())
    for discharge in discharges:
        visits = attended_days(discharge.patient_id)
        assert visits[-1] <= discharge.discharged_on <= today()
        assert Discharge.objects.current_for(discharge.patient_id) == discharge
        # Chosen by position (every third demo patient), not by the random generator.
        first, last = discharge.patient.full_name.split()
        n = demo.LAST.index(last) * len(demo.FIRST) + demo.FIRST.index(first)
        assert n % 3 == 0
    shown = personas.client("owner").get(page(discharges[0].patient_id)).content.decode()
    assert "Fictional data" in shown
    assert f'data-discharged="{discharges[0].discharged_on.isoformat()}"' in shown
