"""/desk/outcomes/ over HTTP: who may open it, the numbers on the page, filters and bad input,
the claim check, the audit entries, the de-identified CSV and the query count."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.charting import actions as charting
from acuclinic.charting.models import Visit
from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas, personas_fixture  # noqa: F401
from acuclinic.outcomes.models import Source

from . import factories as f
from .factories import T0

REPORT = "/desk/outcomes/"
EXPORT = "/desk/outcomes/export.csv"
PERIOD = "start=2031-03-01&end=2031-03-31"


@pytest.fixture
def clinic(personas: Personas, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Two back-pain patients of a test practitioner in March 2031, one of another's. Built
    with the on-commit callbacks run, as a real commit would: the course summaries follow."""
    with django_capture_on_commit_callbacks(execute=True):
        return _clinic()


def _clinic():  # type: ignore[no-untyped-def]
    by, other = f.practitioner(), f.practitioner("Idris Vale")
    good, some = f.patient("Marlow Quince"), f.patient("Sable Ardent")
    f.score(good, 8, T0 - timedelta(days=2), Source.INTAKE, note="lives on Elm Street")
    f.course(good, by, [8, 4, 3], [6, 3, 2])
    f.score(good, 14, T0 - timedelta(days=2), Source.QUESTIONNAIRE, measure="rmdq")
    f.course(some, by, [6, 5], start=T0 + timedelta(hours=2))
    third = f.patient("Wren Halvorsen")
    f.course(third, other, [7], start=T0 + timedelta(hours=4))
    return {"by": by, "other": other, "good": good, "some": some, "third": third}


@pytest.mark.parametrize("url", [REPORT, f"{EXPORT}?{PERIOD}"])
def test_only_owner_and_practitioners(personas: Personas, url: str) -> None:
    expected = {
        "anonymous": 302,
        "inactive_staff": 302,
        "patient_a": 403,
        "patient_b": 403,
        "front_desk": 403,
        "practitioner": 200,
        "owner": 200,
    }
    got = {name: personas.client(name).get(url).status_code for name in NAMES}
    assert got == expected
    assert not AuditEntry.objects.filter(actor=personas.front_desk).exists()


def test_the_report_shows_n_of_n_with_intervals_and_the_published_figures(
    personas: Personas, clinic
) -> None:  # type: ignore[no-untyped-def]
    response = personas.client("practitioner").get(
        f"{REPORT}?{PERIOD}&practitioner={clinic['by'].pk}"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-fictional="2"' in page  # the test patients are at example.org: labelled
    rows = dict(
        re.findall(r'data-figure="([a-z0-9-]+)">.*?<td class="num">(\d+/\d+)</td>', page, re.S)
    )
    # Marlow: 8 -> 4 at visit 2 (50%: substantial); Sable: 6 -> 5 (not a responder).
    assert rows["first-30"] == "1/2" and rows["first-50"] == "1/2"
    assert rows["end-30"] == "0/0"  # nobody has a score 6 to 8 weeks on: missing, not zero
    assert "9%-91%" in page  # Wilson 1 of 2
    assert "47.6" in page and "Arch Intern Med. 2007;167(17):1892-1898" in page  # GERAC
    assert "Cherkin" in page and "Vickers" in page
    assert "Marlow" not in page and "Sable" not in page


def test_every_view_is_audited_with_its_filters(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("owner")
    client.get(
        f"{REPORT}?{PERIOD}&herbs=no&claim=Most+patients+feel+better&quantifier=most&figure=first-50"
    )
    entry = AuditEntry.objects.filter(actor=personas.owner).get()
    assert (entry.action, entry.record_type, entry.patient_id) == (
        Action.VIEW,
        "outcomes.report",
        None,
    )
    assert entry.detail == {
        "purpose": "clinical",
        "filters": {
            "condition": "back-pain",
            "start": "2031-03-01",
            "end": "2031-03-31",
            "practitioner": None,
            "protocol": None,
            "point": None,
            "herbs": False,
        },
        "count": 3,  # no herbs were prescribed in this clinic
    }
    assert "feel better" not in str(entry.detail)  # the typed sentence is not kept


def test_the_claim_check(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("practitioner")
    sentence = "Most of our back-pain patients feel at least 50% better after the first visit"
    response = client.get(
        REPORT,
        {
            "start": "2031-03-01",
            "end": "2031-03-31",
            "practitioner": clinic["by"].pk,
            "claim": sentence,
            "quantifier": "most",
            "figure": "first-50",
        },
    )
    page = response.content.decode()
    assert sentence in page
    assert "Not shown: your data cannot tell yet" in page  # 1 of 2: 9% to 91%
    assert "lower end of the 95% interval is above 50%" in page
    half = client.get(REPORT, {"start": "2031-03-01", "end": "2031-03-31", "quantifier": "most"})
    assert half.status_code == 400
    assert "Pick both how many patients" in half.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2031-03-31&end=2031-03-01", "The period ends before it starts."),
        ("start=yesterday&end=2031-03-01", "Enter a valid date."),
        ("start=1999-12-31&end=2031-03-01", "Give a date between 2000-01-01 and 2100-12-31."),
        ("start=2001-01-01&end=2031-03-01", "Choose a period of ten years or less."),
        ("start=2031-03-01&end=2031-03-31&practitioner=999999", "Select a valid choice."),
        ("start=2031-03-01&end=2031-03-31&practitioner=abc", "Select a valid choice."),
        (
            "start=2031-03-01&end=2031-03-31&figure=first-50&quantifier=all",
            "Select a valid choice.",
        ),
        ("start=2031-03-01&end=2031-03-31&condition=knees", "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_clear_message(personas: Personas, query: str, message: str) -> None:
    for url in (REPORT, EXPORT):
        response = personas.client("owner").get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not AuditEntry.objects.filter(record_type="outcomes.report").exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["start", "end", "practitioner", "claim", "quantifier", "figure", "condition", "x"]
        ),
        st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),
        max_size=6,
    )
)
def test_no_input_makes_a_500(personas: Personas, params: dict[str, str]) -> None:
    client = personas.client("owner")
    for url in (REPORT, EXPORT):
        assert client.get(url, params).status_code in (200, 400)


def test_the_csv_is_de_identified(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    response = personas.client("owner").get(f"{EXPORT}?{PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    for patient in (clinic["good"], clinic["some"], clinic["third"]):
        for secret in (patient.full_name, patient.full_name.split()[0], patient.email, "555-0170"):
            assert secret not in text
    assert "1970" not in text and "2031" not in text and "Elm Street" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert set(rows[0]) == {
        "patient",
        "course",
        "measure",
        "source",
        "visit",
        "moment",
        "week",
        "value",
    }
    codes = {r["patient"] for r in rows}
    assert len(codes) == 3 and all(re.fullmatch(r"P-[0-9a-f]{8}", c) for c in codes)
    assert not codes & {str(p.pk) for p in clinic.values()}
    marlow = [
        r for r in rows if r["measure"] == "nprs" and r["value"] == "8" and r["source"] == "intake"
    ]
    assert [(r["week"], r["visit"], r["moment"]) for r in marlow] == [("-1", "", "")]
    check_ins = sorted(
        (r["visit"], r["week"])
        for r in rows
        if r["source"] == "check_in" and r["patient"] == marlow[0]["patient"]
    )
    assert check_ins == [("1", "0"), ("2", "1"), ("3", "2")]
    again = personas.client("owner").get(f"{EXPORT}?{PERIOD}").content.decode()
    assert not codes & {r["patient"] for r in csv.DictReader(io.StringIO(again))}  # new codes
    entry = AuditEntry.objects.filter(action=Action.EXPORT).first()
    assert entry.detail["format"] == "csv" and entry.detail["count"] == 3
    assert entry.record_type == "outcomes.report" and entry.patient_id is None


def charted_visit(personas: Personas, by, start, *, adverse: int = 0) -> Visit:  # type: ignore[no-untyped-def]
    """A charting visit for a new patient who is not a back-pain patient (the course counts
    stay as they are), with `adverse` adverse events recorded after it."""
    request = RequestFactory().post("/")
    request.user = personas.practitioner
    appointment = f.visit(f.patient("Linden Moss", back_pain=False), by, start)
    visit = charting.start_visit(
        patient=appointment.patient, appointment=appointment, request=request
    )
    for _ in range(adverse):
        charting.record_adverse_event(
            visit=visit, data={"kind": "bruising", "severity": "mild"}, request=request
        )
    return visit


def adverse_line(page: str) -> str:
    match = re.search(r"<dd data-adverse>(.*?)</dd>", page, re.S)
    assert match, "no adverse events line"
    return match.group(1)


def test_the_report_counts_adverse_events_per_100_visits(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    by, other = clinic["by"], clinic["other"]
    thursday = T0 + timedelta(days=3)  # clear of the courses' Monday visits
    charted_visit(personas, by, thursday, adverse=1)
    charted_visit(personas, by, thursday + timedelta(hours=2), adverse=1)
    charted_visit(personas, other, thursday)
    charted_visit(personas, by, T0 + timedelta(days=40), adverse=1)  # April: outside
    # The period's last day counts up to midnight in the clinic's zone (Denver), not UTC.
    charted_visit(personas, other, datetime(2031, 4, 1, 5, 0, tzinfo=UTC))  # Mar 31, 23:00
    client = personas.client("practitioner")

    page = client.get(f"{REPORT}?{PERIOD}").content.decode()
    assert adverse_line(page) == "2 in 4 visits (50.0 per 100 visits)"
    page = client.get(f"{REPORT}?{PERIOD}&practitioner={by.pk}").content.decode()
    assert adverse_line(page) == "2 in 2 visits (100.0 per 100 visits)"
    page = client.get(f"{REPORT}?{PERIOD}&practitioner={other.pk}").content.decode()
    assert adverse_line(page) == "0 in 2 visits (0.0 per 100 visits)"
    page = client.get(f"{REPORT}?start=2031-04-01&end=2031-04-30").content.decode()
    assert adverse_line(page) == "1 in 1 visit (100.0 per 100 visits)"
    page = client.get(f"{REPORT}?start=2031-06-01&end=2031-06-30").content.decode()
    assert adverse_line(page) == "no visits in this period"


def test_the_report_reads_a_fixed_number_of_queries(
    personas: Personas, clinic, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("owner")
    url = f"{REPORT}?{PERIOD}"
    client.get(url)  # warm: session, role
    # The adverse events line is two of them (counts: adverse.py), whatever the period holds.
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(12):
            p = f.patient()
            start = T0 + timedelta(days=1, hours=i)
            f.course(p, clinic["by"], [8, 6, 5, 3], [7, 5, 4, 2], start=start)
        for i in range(3):
            charted_visit(personas, clinic["other"], T0 + timedelta(days=3, hours=i), adverse=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "15" in response.content.decode()  # started: 3 + 12
    assert len(many) == len(few), [q["sql"][:80] for q in many]


def test_treatment_filters_on_the_page(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("practitioner")
    unknown = client.get(f"{REPORT}?{PERIOD}&point=XX99")
    assert unknown.status_code == 400
    assert "No acupuncture point is called XX99" in unknown.content.decode()
    assert client.get(f"{REPORT}?{PERIOD}&protocol=999999").status_code == 400
    assert client.get(f"{REPORT}?{PERIOD}&herbs=maybe").status_code == 400
    # A pinyin name is read as its point; nothing was needled in this clinic, so none count.
    named = client.get(f"{REPORT}?{PERIOD}&point=Shenshu")
    assert named.status_code == 200
    assert named.context["form"].cleaned_data["point"] == "BL23"
    assert named.context["report"].started == 0
    assert client.get(f"{REPORT}?{PERIOD}&herbs=no").context["report"].started == 3
