"""SQL injection strings, LIKE wildcards, NUL bytes and very long input in every search box
and filter: the answer is a page (200) or a clean refusal (400), never a 500, and a search
finds what literally contains the text, no more (a `%` must not list every patient).

The boxes: the desk's patient list and merge search, the calendar's patient search, the
charting point picker, the herb picker, the outcomes report and its CSV, the audit log's
filters (and CSV), the comment queue, the articles' category and tag filters, and the booking
pages' parameters. The public site has no full-text search page (Wagtail's search index is
not exposed)."""

import re
from typing import Any

import pytest
from django.test import Client

from acuclinic.clinic.tests.personas import Personas
from acuclinic.patients.models import Patient
from acuclinic.website.models.pages import ArticleIndexPage

INJECTIONS = [
    "' OR 1=1--",
    "' OR '1'='1",
    '" OR ""="',
    '"; DROP TABLE patients_patient; --',
    "'; DELETE FROM auth_user; --",
    "' UNION SELECT username, password FROM auth_user--",
    "1; SELECT pg_sleep(5)--",
    "%",
    "_",
    "%%",
    "%_%",
    "\\",
    "\\%",
    "[a-z]%",
    "*",
    "\x00",
    "a\x00b",
    "\u02bc OR 1=1--",  # a modifier letter apostrophe
    "\uff07 OR \uff11=\uff11--",  # fullwidth apostrophe and digits
    "x" * 10_000,
]
# ASCII only: Python's and the database's case folding agree on it.
WIDENERS = ["%", "_", "%%", "%_%", "\\%", "[a-z]%", "' OR 1=1--", "' OR '1'='1", "*"]


def get(client: Client, url: str, params: dict[str, str], ok: tuple[int, ...] = (200, 400)) -> Any:
    response = client.get(url, params)
    assert response.status_code in ok, (url, params, response.status_code)
    return response


def article_index_url() -> str:
    index = ArticleIndexPage.objects.live().first()
    assert index is not None
    return index.url


# (url, the parameter searched, other parameters)
BOXES = [
    ("/desk/patients/", "q", {}),
    ("/desk/calendar/patients/", "q", {}),
    ("/desk/visits/points/search/", "q", {}),
    ("/desk/herbs/search/", "q", {}),
    ("/desk/audit/", "actor", {}),
    ("/desk/audit/", "patient", {}),
    ("/desk/audit/", "record_type", {}),
    ("/desk/audit/", "role", {}),
    ("/desk/audit/", "action", {}),
    ("/desk/audit/", "date_from", {}),
    ("/desk/audit/", "actor", {"export": "csv"}),
    ("/desk/audit/", "page", {}),
    ("/desk/outcomes/", "condition", {}),
    ("/desk/outcomes/", "practitioner", {}),
    ("/desk/outcomes/", "start", {}),
    ("/desk/outcomes/export.csv", "condition", {}),
    ("/desk/comments/", "status", {}),
    ("/desk/comments/", "page", {}),
    ("/desk/calendar/", "date", {}),
    ("/desk/calendar/", "location", {}),  # a location's slug: unknown is a 404
    ("/book/", "service", {}),  # unknown: 404
    ("/book/waitlist/", "service", {}),  # an unknown service: choose one (302)
    ("/book/", "practitioner", {"service": "acupuncture-back-pain"}),
    ("/book/", "day", {"service": "acupuncture-back-pain"}),
]


@pytest.mark.parametrize(("url", "param", "extra"), BOXES)
def test_no_500_from_any_injection(
    personas: Personas, url: str, param: str, extra: dict[str, str]
) -> None:
    client = personas.client("owner")
    ok = {"location": (200, 400, 404), "service": (200, 302, 400, 404)}.get(param, (200, 400))
    for text in INJECTIONS:
        get(client, url, {**extra, param: text}, ok)


def test_no_500_from_the_article_filters(db: None) -> None:
    url = article_index_url()
    for param in ("category", "tag", "page"):
        for text in INJECTIONS:
            get(Client(), url, {param: text})


def test_the_merge_search_too(personas: Personas) -> None:
    client = personas.client("owner")
    url = f"/desk/patients/{personas.record_a.pk}/merge/"
    for text in INJECTIONS:
        get(client, url, {"q": text})


# --- results are what literally matches ----------------------------------------------------


def literally_matching(query: str) -> set[int]:
    query = query.lower()
    return {
        p.pk
        for p in Patient.objects.filter(erased_at=None)
        if query in p.full_name.lower() or query in p.email.lower() or query in p.phone.lower()
    }


def listed_patients(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/desk/patients/(\d+)/"', html)}


@pytest.fixture
def odd_patient(personas: Personas) -> Patient:
    """One record that does contain the odd characters, so a literal match is possible."""
    return Patient.objects.create(
        full_name="Percy 100%_Wild [a-z]% O'Hara * \\",
        email="percy@example.org",
        phone="(303) 555-0170",
    )


@pytest.mark.parametrize("query", WIDENERS)
def test_the_patient_list_is_not_widened(
    personas: Personas, odd_patient: Patient, query: str
) -> None:
    assert Patient.objects.count() > 20  # the demo clinic: a widened search would show
    html = get(personas.client("owner"), "/desk/patients/", {"q": query}).content.decode()
    expected = literally_matching(query)
    assert listed_patients(html) == expected
    if query in odd_patient.full_name:
        assert odd_patient.pk in expected  # the control: a literal match is still found


@pytest.mark.parametrize("query", WIDENERS)
def test_the_calendar_search_is_not_widened(
    personas: Personas, odd_patient: Patient, query: str
) -> None:
    html = get(personas.client("front_desk"), "/desk/calendar/patients/", {"q": query}).text
    found = {int(pk) for pk in re.findall(r'name="patient" value="(\d+)"', html)}
    expected = literally_matching(query) if len(query.strip()) >= 2 else set()
    assert found == expected


def test_a_search_too_long_is_not_widened(personas: Personas) -> None:
    html = get(personas.client("owner"), "/desk/patients/", {"q": "x" * 10_000}).text
    assert listed_patients(html) == set() or "at most 100 characters" in html


# The pickers search a catalogue in Python and fold punctuation ("[a-z]%" is a search for
# "az", which finds Dazhui); the wildcards and the SQL must still find nothing.
@pytest.mark.parametrize("query", [q for q in WIDENERS if q != "[a-z]%"])
@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/desk/visits/points/search/", 'class="chart-option"'),
        ("/desk/herbs/search/", 'class="herbs-option"'),
    ],
)
def test_the_pickers_are_not_widened(personas: Personas, query: str, url: str, marker: str) -> None:
    client = personas.client("practitioner")
    assert get(client, url, {"q": "LI"}).text.count(marker) > 0 or "herbs" in url
    assert get(client, url, {"q": query}).text.count(marker) == 0


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1--", "%%"])
def test_the_audit_filters_are_not_widened(personas: Personas, query: str) -> None:
    client = personas.client("owner")
    for param in ("actor", "record_type"):
        html = get(client, "/desk/audit/", {param: query}).content.decode()
        rows = html.count("<tr>") - 1  # less the header
        assert rows <= 0, (param, query)
