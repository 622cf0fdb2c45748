"""The patient's intake pages (/portal/intake/) through the test client: the form draws every
question, a draft keeps whatever was typed (and shows it back with the errors), conditions
hide and show questions, "Send" closes it, red flags bring advice at once, a session that
ended loses nothing, another patient's intake is a 404, and no input makes a 500."""

import re
import time

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.clinic.audit import AuditEntry
from acuclinic.clinic.signin import SEEN_AT
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.patients import intake
from acuclinic.patients.models import IntakeResponse, IntakeStatus
from acuclinic.patients.tests.intake_answers import complete_answers

pytestmark = pytest.mark.django_db

FORM = "/portal/intake/"


def save_url(record: IntakeResponse) -> str:
    return f"/portal/intake/{record.pk}/save/"


def as_form(answers: dict) -> dict:  # type: ignore[type-arg]
    """Answers as the HTML form posts them (intake_forms.py names)."""
    data: dict[str, object] = {}
    for qid, value in answers.items():
        if isinstance(value, bool):
            data[qid] = "yes" if value else "no"
        elif qid == "pain_map":
            data["pain_map.regions"] = value["regions"]
            data["pain_map.worst"] = value["worst"]
        elif qid == "pain_duration":
            data["pain_duration.amount"] = str(value["amount"])
            data["pain_duration.unit"] = value["unit"]
        elif qid == "medications":
            for n, row in enumerate(value):
                for field, text in row.items():
                    data[f"medications.{n}.{field}"] = text
        elif value is None:
            continue
        else:
            data[qid] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def open_form(client: Client) -> tuple[str, IntakeResponse]:
    response = client.get(FORM)
    assert response.status_code == 200
    return response.content.decode(), IntakeResponse.objects.get(status=IntakeStatus.DRAFT)


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return found.group(1).strip()


def test_the_form_draws_every_question_with_its_own_input(personas: Personas) -> None:
    html, record = open_form(personas.client("patient_a"))
    assert record.patient == personas.record_a
    assert f'action="{save_url(record)}"' in html
    # choices in a fieldset with a legend; scales as 0-10 radios; numbers for phones
    assert "<legend>Where does it hurt?" in html
    for n in range(11):
        assert f'id="q-pain_now-{n}"' in html
    assert 'name="pain_now" value="10"' in html
    assert 'name="pain_duration.amount"' in html and 'inputmode="numeric"' in html
    assert 'name="pain_duration.unit"' in html and '<option value="months"' in html
    assert 'type="date" name="date_of_birth"' in html
    assert 'type="month" name="imaging_date"' in html
    assert 'name="medications.0.name"' in html and "data-row-template" in html
    # the body map: a checkbox and a "hurts most" radio per region, and a path to tap
    assert 'name="pain_map.regions" value="back.lower.left"' in html
    assert 'name="pain_map.worst" value="back.lower.left"' in html
    assert html.count('data-region="back.lower.left"') == 1
    assert 'aria-pressed="false" aria-label="Left lower back"' in html
    # conditional questions start hidden; buttons for both ways out
    assert re.search(r'id="question-medications"[^>]*data-show-if="[^"]+"[^>]*hidden', html)
    assert 'value="save"' in html and 'value="send"' in html
    assert title_of(html).startswith("Health questionnaire ·")


def test_reading_the_form_is_an_audited_clinical_read(personas: Personas) -> None:
    _html, record = open_form(personas.client("patient_a"))
    entry = AuditEntry.objects.filter(action="view", record_id=str(record.pk)).latest("pk")
    assert entry.detail == {"purpose": "clinical"} and entry.role == "patient"


def test_a_bad_draft_keeps_everything_and_shows_each_error_beside_its_question(
    personas: Personas,
) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    data = as_form(complete_answers())
    data.update(
        {
            "pain_now": "eleven",
            "date_of_birth": "1985-02-30",
            "pain_duration.amount": "lots",
            "imaging_date": "last spring",
        }
    )
    response = client.post(save_url(record), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some answers need a look" in html and "Please check 4 answers." in html
    assert 'href="#q-pain_now-0"' in html and 'href="#q-pain_duration-amount"' in html
    assert "You entered: “eleven”" in html
    # text a date field cannot hold is shown back in a text field
    assert 'type="text" name="date_of_birth" id="q-date_of_birth" value="1985-02-30"' in html
    assert 'value="last spring"' in html and 'value="lots"' in html
    assert "Ibuprofen" in html  # the rest is still there
    record.refresh_from_db()
    assert record.status == IntakeStatus.DRAFT
    assert record.invalid["pain_now"] == "eleven"
    assert record.answers["chief_complaint"].startswith("Low back pain")
    assert record.answers["medications"][0]["name"] == "Ibuprofen"
    # and after a reload: the same values and messages
    again = client.get(FORM).content.decode()
    assert "You entered: “eleven”" in again and 'value="last spring"' in again
    assert "Please choose a whole number from 0 to 10." in again


def test_a_good_draft_save_goes_back_to_the_form_with_a_message(personas: Personas) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    response = client.post(save_url(record), {"action": "save", "pain_now": "4"}, follow=True)
    assert response.redirect_chain == [(FORM, 302)]
    html = response.content.decode()
    assert "Your answers are saved." in html
    assert re.search(r'name="pain_now" value="4" id="q-pain_now-4" checked', html)


def test_conditions_decide_what_is_kept_and_shown(personas: Personas) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    rows = {"medications.0.name": "Ibuprofen", "medications.1.name": "Magnesium"}
    client.post(save_url(record), {"takes_medications": "no", **rows})
    record.refresh_from_db()
    assert "medications" not in record.answers  # hidden: dropped
    html = client.get(FORM).content.decode()
    assert re.search(r'id="question-medications"[^>]*hidden', html)

    client.post(save_url(record), {"takes_medications": "yes", **rows})
    record.refresh_from_db()
    assert record.answers["medications"] == [{"name": "Ibuprofen"}, {"name": "Magnesium"}]
    html = client.get(FORM).content.decode()
    assert not re.search(r'id="question-medications"[^>]*hidden', html)
    assert 'name="medications.1.name" id="q-medications-1-name" value="Magnesium"' in html


def test_add_a_row_without_javascript(personas: Personas) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    data = {"takes_medications": "yes", "medications.0.name": "Ibuprofen"}
    response = client.post(save_url(record), {**data, "add_row": "medications"})
    html = response.content.decode()
    assert 'name="medications.0.name" id="q-medications-0-name" value="Ibuprofen"' in html
    assert 'name="medications.1.name" id="q-medications-1-name" value=""' in html


def test_sending_a_complete_intake_closes_it(personas: Personas) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    response = client.post(save_url(record), {**as_form(complete_answers()), "action": "send"})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/intake/{record.pk}/done/"
    record.refresh_from_db()
    assert record.status == IntakeStatus.SUBMITTED
    assert record.answers == complete_answers(eases=["moving", "heat"], imaging_date="2026-01")

    done = client.get(response["Location"]).content.decode()
    assert "your practitioner will read it before your visit" in done.lower()
    assert "call the clinic" in done and f'data-intake-sent="{record.pk}"' in done
    assert title_of(done).startswith("Questionnaire sent ·")

    # the form now leads to the answers, read-only and in words
    answers = client.get(FORM, follow=True)
    assert answers.redirect_chain == [(f"/portal/intake/{record.pk}/", 302)]
    html = answers.content.decode()
    assert "<form" not in html.split('class="intake"')[1]
    assert "Left lower back (hurts most)" in html and "Base of the spine (sacrum)" in html
    assert "6 out of 10" in html and "4 months" in html and "MRI scan" in html
    assert "Ibuprofen · 400 mg · as needed" in html
    assert "January 2026" in html and "April 12, 1985" in html
    assert "cannot be changed here" in html
    assert title_of(html).startswith("Your questionnaire ·")

    # and it cannot be changed any more, with or without JavaScript
    late = client.post(save_url(record), {"pain_now": "1"})
    assert late["Location"] == f"/portal/intake/{record.pk}/"
    late_json = client.post(save_url(record), {"pain_now": "1"}, HTTP_ACCEPT="application/json")
    assert late_json.status_code == 409 and late_json.json()["closed"] is True
    record.refresh_from_db()
    assert record.answers["pain_now"] == 6


def test_sending_an_incomplete_intake_shows_what_is_missing_and_keeps_the_rest(
    personas: Personas,
) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    data = as_form(complete_answers(pain_now=None, chief_complaint=None))
    response = client.post(save_url(record), {**data, "action": "send"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your questionnaire was not sent yet" in html and "Everything you typed is kept." in html
    assert 'href="#q-chief_complaint"' in html and 'href="#q-pain_now-0"' in html
    assert "Please answer this question." in html
    assert "Ibuprofen" in html
    record.refresh_from_db()
    assert record.status == IntakeStatus.DRAFT and record.answers["pain_worst"] == 8


def test_a_draft_cannot_be_read_as_sent(personas: Personas) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    assert client.get(f"/portal/intake/{record.pk}/")["Location"] == FORM
    assert client.get(f"/portal/intake/{record.pk}/done/")["Location"] == FORM


def test_autosave_answers_json_with_errors_and_emergency_advice(personas: Personas) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    response = client.post(
        save_url(record),
        {"rf_saddle": "yes", "pain_now": "12", "action": "send"},  # autosave never sends
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["saved"] is True and data["emergency"] is True
    assert list(data["errors"]) == ["pain_now"]
    assert any("emergency department" in advice for advice in data["red_flag_advice"])
    assert "Go to an emergency department now" in data["red_flag_html"]
    assert 'role="alert"' in data["red_flag_html"]
    record.refresh_from_db()
    assert record.status == IntakeStatus.DRAFT
    assert record.red_flags == ["saddle_numbness"] and record.red_flag_severity == "emergency"

    # the page shows it too, with the clinic's phone
    html = client.get(FORM).content.decode()
    assert "Please get medical help now" in html and 'href="tel:' in html
    assert title_of(html).startswith("Health questionnaire ·")  # not in the title

    calm = client.post(save_url(record), {"rf_saddle": "no"}, HTTP_ACCEPT="application/json")
    assert calm.json()["red_flag_html"].strip() == "" and calm.json()["emergency"] is False


def test_a_see_a_doctor_flag_shows_its_own_advice(personas: Personas) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    response = client.post(save_url(record), {"rf_cancer": "yes"}, HTTP_ACCEPT="application/json")
    data = response.json()
    assert data["emergency"] is False
    assert "Please see a doctor before your first visit" in data["red_flag_html"]
    assert "emergency department" not in data["red_flag_html"]


def test_another_patients_intake_is_a_404(personas: Personas) -> None:
    _html, record = open_form(personas.client("patient_a"))
    other = personas.client("patient_b")
    assert other.post(save_url(record), {"pain_now": "1"}).status_code == 404
    assert other.get(f"/portal/intake/{record.pk}/").status_code == 404
    assert other.get(f"/portal/intake/{record.pk}/done/").status_code == 404
    for guess in ("0", "-1", "abc", "99999999999999999999", "1e3"):
        assert other.post(f"/portal/intake/{guess}/save/", {}).status_code == 404
    record.refresh_from_db()
    assert record.answers == {}


def test_staff_are_turned_away(personas: Personas) -> None:
    _html, record = open_form(personas.client("patient_a"))
    for persona in ("front_desk", "practitioner", "owner"):
        client = personas.client(persona)
        assert client.get(FORM).status_code == 403
        assert client.post(save_url(record), {"pain_now": "1"}).status_code == 403


def expire_session(client: Client) -> None:
    """The patient left the phone for longer than the idle limit."""
    session = client.session
    session[SEEN_AT] = time.time() - 24 * 3600
    session.save()


def test_a_save_after_the_session_ended_is_kept_until_the_patient_signs_in(
    personas: Personas,
) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    expire_session(client)
    typed = {"chief_complaint": "Typed while away", "action": "send"}
    response = client.post(save_url(record), typed)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/portal/intake/"
    record.refresh_from_db()
    assert record.answers == {}

    client.force_login(personas.patient_a)  # signing in keeps the session's data
    response = client.get(FORM)
    html = response.content.decode()
    assert "we have saved them now" in html
    assert "Typed while away" in html
    record.refresh_from_db()
    assert record.answers == {"chief_complaint": "Typed while away"}
    assert record.status == IntakeStatus.DRAFT  # "Send" again, knowingly
    assert "we have saved them now" not in client.get(FORM).content.decode()  # once


def test_an_autosave_after_the_session_ended_says_so_in_json(personas: Personas) -> None:
    client = personas.client("patient_a")
    _html, record = open_form(client)
    expire_session(client)
    response = client.post(
        save_url(record), {"chief_complaint": "Typed"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {
        "saved": False,
        "signed_out": True,
        "login_url": "/accounts/login/?next=/portal/intake/",
    }


def test_kept_answers_never_reach_another_patients_intake(personas: Personas) -> None:
    _html, record_a = open_form(personas.client("patient_a"))
    shared = Client()  # one phone, two people
    shared.post(save_url(record_a), {"chief_complaint": "A's words"})
    shared.force_login(personas.patient_b)
    shared.get(FORM)
    record_b = intake.latest(personas.record_b)
    assert record_b is not None and record_b.answers == {}
    record_a.refresh_from_db()
    assert record_a.answers == {}


NAMES = [
    "pain_now",
    "pain_map.regions",
    "pain_map.worst",
    "pain_duration.amount",
    "pain_duration.unit",
    "medications.0.name",
    "medications.999.name",
    "medications.x.name",
    "date_of_birth",
    "imaging",
    "imaging_date",
    "pregnancy_weeks",
    "takes_medications",
    "rf_saddle",
    "action",
    "add_row",
]
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=4))
KEY = st.one_of(st.sampled_from(NAMES), st.from_regex(r"[a-z0-9_.]{1,24}", fullmatch=True))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(KEY, VALUE, max_size=12))
def test_no_post_makes_a_500(personas: Personas, data: dict) -> None:  # type: ignore[type-arg]
    client = personas.client("patient_a")
    record = intake.open_draft(personas.record_a)
    if record.status != IntakeStatus.DRAFT:  # an earlier example sent it: start again
        record = intake.open_draft(personas.record_a)
    for accept in ("text/html", "application/json"):
        response = client.post(save_url(record), data, HTTP_ACCEPT=accept)
        assert response.status_code in (200, 302, 409), response.content[:500]
    assert client.get(FORM).status_code in (200, 302)
