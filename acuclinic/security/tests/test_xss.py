"""Cross-site scripting: every text field a person fills (comment name, body and website;
patient names and contact fields; intake answers; diary notes; the consent's typed name;
visit notes; prescription instructions; staff notes on appointments; document file names)
holds an attack (hostile.py), and every page that shows it back shows it only as text. The
e-mails built from those records too (their HTML parts). The forms themselves take the same
payloads: booking, the desk's patient edit and the portal profile.

What counts as getting through (hostile.RAW): a tag of the payload's with an event handler or
script, a `javascript:` URL in a link or source, a quote that breaks out of an attribute. What
shows the page really displays the field (hostile.SHOWN): the payload's script tag, escaped.
"""

from typing import Any

import pytest
from django.test import Client

from acuclinic.clinic.tests.personas import Personas
from acuclinic.scheduling.models import Appointment

from .hostile import PAYLOAD, SHORT, SHOWN, Hostile, build, injected


@pytest.fixture
def hostile(personas: Personas, private_dir: Any) -> Hostile:
    return build(personas)


def test_the_detector_can_tell() -> None:
    assert injected(PAYLOAD) and injected(SHORT) and injected('<a href="javascript:alert(7)">')
    from django.utils.html import escape

    assert not injected(escape(PAYLOAD)) and not injected(escape(SHORT))
    assert SHOWN.search(escape(PAYLOAD))


def test_every_page_shows_the_payload_only_as_text(personas: Personas, hostile: Hostile) -> None:
    problems = {}
    for url, persona in hostile.pages.items():
        client = personas.client(persona) if persona != "anonymous" else Client()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        if found := injected(html):
            problems[url] = found
        elif not SHOWN.search(html):
            problems[url] = "the page does not show the payload: not a test of it"
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_the_template_tags_in_the_payload_are_not_run(personas: Personas, hostile: Hostile) -> None:
    html = personas.client("owner").get(f"/desk/patients/{hostile.patient.pk}/").text
    assert "{{7*7}}{% debug %}" in html  # shown as typed: never rendered as a template


def test_the_emails_escape_it(personas: Personas, hostile: Hostile) -> None:
    from acuclinic.notifications import compose

    drafts = compose.for_booking(hostile.appointment.pk) + compose.for_cancellation(
        hostile.appointment.pk
    )
    assert drafts
    for draft in drafts:
        assert draft.body_html and SHOWN.search(draft.body_html), draft.kind  # the name is there
        assert not injected(draft.body_html), (draft.kind, injected(draft.body_html))
        assert not injected(draft.subject)


def test_the_comment_email_to_staff_escapes_it(hostile: Hostile, smtp_server: Any) -> None:
    from acuclinic.website.tasks import notify_staff_of_comment

    notify_staff_of_comment.call(hostile.comment.pk)
    parts = [
        (part.get_content_type(), part.get_payload(decode=True).decode())
        for message in smtp_server.messages
        for part in message.walk()
        if part.get_content_type() in ("text/html", "text/plain")
    ]
    assert any(SHOWN.search(body) for _, body in parts)  # the comment is in the e-mail
    for kind, body in parts:
        if kind == "text/html":  # plain text runs nothing
            assert not injected(body), injected(body)


def test_the_forms_take_the_payload_and_show_it_as_text(personas: Personas) -> None:
    """Through the forms people use: the desk's patient edit and the portal's profile. A form
    may refuse the text (with its message) or keep it; either way it comes back as text."""
    desk = personas.client("owner")
    url = f"/desk/patients/{personas.record_b.pk}/edit/"
    form = desk.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(full_name=PAYLOAD, emergency_name=PAYLOAD, city=PAYLOAD[:80])
    response = desk.post(url, data)
    if response.status_code == 302:
        personas.record_b.refresh_from_db()
        assert personas.record_b.full_name == PAYLOAD
        html = desk.get(f"/desk/patients/{personas.record_b.pk}/").text
    else:
        assert response.status_code in (200, 400) and response.context["form"].errors
        html = response.text  # the form again, with what was typed
    assert not injected(html) and SHOWN.search(html), injected(html)

    portal = personas.client("patient_b")
    form = portal.get("/portal/profile/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({k: PAYLOAD[: form.fields[k].max_length or 160] for k in ("emergency_name",)})
    response = portal.post("/portal/profile/", data)
    html = portal.get("/portal/profile/").text if response.status_code == 302 else response.text
    assert not injected(html) and SHOWN.search(html), injected(html)


def test_booking_details_are_shown_as_text(db: None) -> None:
    """A visitor books with a hostile name and note: the desk and the confirmation show text."""
    from acuclinic.api.tests.conftest import SERVICE, ApiClient, weekday_ahead

    api = ApiClient()
    day = weekday_ahead(1)
    slots = api.slots(SERVICE, start=day.isoformat(), days=1, practitioner="lena-qiao")
    assert slots
    response = api.book(
        {
            "service": SERVICE,
            "practitioner": "lena-qiao",
            "start": slots[0]["start"],
            "name": PAYLOAD.replace("\u202e", "")[:120],  # format characters: a 422
            "email": "booker@example.net",
            "phone": "+1 303 555 0188",
        }
    )
    assert response.status_code == 201, response.content
    manage = response.json()["manage_url"]
    html = Client().get(manage).text
    assert not injected(html), injected(html)
    desk = Client()

    booked = Appointment.objects.get(public_id=response.json()["id"])
    desk.force_login(
        __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.get(username="demo")
    )
    html = desk.get(f"/desk/calendar/appointments/{booked.pk}/").text
    assert not injected(html) and SHOWN.search(html), injected(html)


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,x"],
)
def test_the_comment_form_refuses_a_script_url(website: str) -> None:
    """The guard that matters for the comment's link: only http(s) addresses are taken."""
    from acuclinic.website.forms import CommentForm

    form = CommentForm(data={"name": "Ann", "email": "ann@example.org", "website": website})
    assert "website" in form.errors


def test_a_stored_script_url_is_not_linked(hostile: Hostile) -> None:
    hostile.comment.website = "javascript:alert(7)"
    hostile.comment.save(update_fields=["website"])
    html = Client().get(hostile.comment.article.url).text
    assert not injected(html), injected(html)
