"""The reminders a discharge sets off (send_outcome_reminders): the discharge questionnaires
on the day of discharge, the follow-ups 3 and 6 months later, each exactly once, through the
real outbox and a real SMTP server on loopback; none for a discharge undone, and none for
one the patient came back after.

`queue_due(day)` is the command's work for one local day: the tests walk it over the days
around each due date instead of waiting for them."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.notifications.models import OutgoingMessage
from acuclinic.notifications.tests.conftest import subject_of
from acuclinic.outcomes.management.commands.send_outcome_reminders import dedupe_key, queue_due
from acuclinic.outcomes.models import Discharge
from acuclinic.outcomes.schedule import FOLLOW_UP_WINDOW, VISIT_WINDOW, add_months
from acuclinic.patients.models import Patient

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def our_questionnaires(settings) -> None:  # type: ignore[no-untyped-def]
    settings.OUTCOME_QUESTIONNAIRE_DIR = None  # the PSFS and impression of change are due


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def visits(who: Patient, *days: date) -> None:
    by = f.practitioner()
    for day in days:
        f.visit(who, by, at(day))


def discharge(personas: Personas, who: Patient, day: date) -> Discharge:
    """Recorded as at the desk (through the view)."""
    url = f"/desk/outcomes/patients/{who.pk}/discharge/"
    response = personas.client("practitioner").post(url, {"discharged_on": day.isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Discharge.objects.get(patient=who, withdrawn_at__isnull=True)


def walk(days: list[date], capture) -> dict[date, int]:  # type: ignore[no-untyped-def]
    """Run the day's work for each day in turn (twice on each: an hourly job); how many
    reminders each day queued."""
    posted = {}
    for day in days:
        with capture(execute=True):
            posted[day] = queue_due(day) + queue_due(day)
    return posted


def test_discharge_and_follow_up_reminders_each_once_on_their_day(
    personas: Personas, smtp_server, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    record = personas.record_a
    today = timezone.localdate()
    # Three visits (no fourth-visit point), the last 3 weeks ago; discharged a week ago.
    visits(record, *(today - timedelta(days=d) for d in (35, 28, 21)))
    day = today - timedelta(days=7)
    discharge(personas, record, day)
    three, six = add_months(day, 3), add_months(day, 6)
    one = timedelta(days=1)
    posted = walk(
        [
            day - one,
            day,
            day + one,
            day + VISIT_WINDOW,
            three - one,
            three,
            three + one,
            three + FOLLOW_UP_WINDOW,
            six - one,
            six,
            six + one,
            six + FOLLOW_UP_WINDOW + one,
        ],
        django_capture_on_commit_callbacks,
    )
    assert {d: n for d, n in posted.items() if n} == {day: 1, three: 1, six: 1}
    keys = set(OutgoingMessage.objects.values_list("dedupe_key", flat=True))
    assert keys == {dedupe_key(record.pk, d) for d in (day, three, six)}
    mail = smtp_server.to(record.email)
    assert len(mail) == 3
    assert {subject_of(m) for m in mail} == {"A short questionnaire is waiting for you"}


def test_the_command_reminds_of_a_discharge_recorded_today(
    personas: Personas, smtp_server, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    record = personas.record_a
    today = timezone.localdate()
    visits(record, today - timedelta(days=30))  # its window closed: nothing due before
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_outcome_reminders", stdout=out)
    assert out.getvalue().startswith("0 reminder")
    discharge(personas, record, today)
    for expected in ("1 reminder", "0 reminder"):  # run again: nothing new
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_outcome_reminders", stdout=out)
        assert out.getvalue().startswith(expected)
    assert len(smtp_server.to(record.email)) == 1


def test_a_discharge_long_after_the_last_visit_still_gets_its_6_month_reminder(
    personas: Personas, smtp_server, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # The last visit 5 months ago, the discharge recorded today: its 6-month follow-up is
    # 11 months after any visit, past the command's look-back over visits.
    record = personas.record_a
    today = timezone.localdate()
    visits(record, today - timedelta(days=160), today - timedelta(days=150))
    discharge(personas, record, today)
    six = add_months(today, 6)
    assert walk([six], django_capture_on_commit_callbacks) == {six: 1}
    assert len(smtp_server.to(record.email)) == 1


def test_no_reminder_for_an_undone_discharge_or_one_the_patient_came_back_after(
    personas: Personas, smtp_server, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    undone, returned = personas.record_a, personas.record_b
    today = timezone.localdate()
    for who in (undone, returned):
        visits(who, today - timedelta(days=60), today - timedelta(days=53))
    day = today - timedelta(days=40)
    mistake = discharge(personas, undone, day)
    url = f"/desk/outcomes/patients/{undone.pk}/discharge/"
    undo = {"action": "undo", "discharge": str(mistake.pk)}
    assert personas.client("owner").post(url, undo).status_code == 302
    discharge(personas, returned, day)
    visits(returned, today - timedelta(days=10))  # came back: a third visit, a new course
    three = add_months(day, 3)
    assert walk([day, three, add_months(day, 6)], django_capture_on_commit_callbacks) == {
        day: 0,
        three: 0,
        add_months(day, 6): 0,
    }
    assert smtp_server.messages == []
