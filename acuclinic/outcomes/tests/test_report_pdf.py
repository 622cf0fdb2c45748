"""/desk/outcomes/report.pdf: the clinic report as a PDF, read back (herbs/tests/pdftext.py)
and held against the Report the HTML page shows for the same query string; filters, bad
input, the audit entry, the headers, who may download it, the fictional-data label, and the
fonts (pdf.py) without a Unicode font and with Chinese characters."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.charting.models import Protocol
from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas, personas_fixture  # noqa: F401
from acuclinic.herbs.tests.pdftext import text as pdf_text
from acuclinic.outcomes import demo, pdf, report
from acuclinic.outcomes.report import Report
from acuclinic.patients.models import Patient
from acuclinic.scheduling.models import Appointment

from . import factories as f
from .factories import T0
from .test_outcome_pages import _clinic, charted_visit

REPORT = "/desk/outcomes/"
PDF = "/desk/outcomes/report.pdf"
EXPORT = "/desk/outcomes/export.csv"
PERIOD = "start=2031-03-01&end=2031-03-31"
MISSING = "—"


@pytest.fixture
def clinic(personas: Personas, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """test_outcome_pages' clinic: three back-pain patients in March 2031, two of one
    practitioner's, one of another's; course summaries current (the on-commit callbacks run)."""
    with django_capture_on_commit_callbacks(execute=True):
        return _clinic()


def read(body: bytes) -> str:
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    return pdf_text(body)


def flat(text: str) -> str:
    """One line: table cells and wrapped paragraphs read as the sentence they are."""
    return " ".join(text.split())


def rate_rows(text: str) -> list[tuple[str, str, str, str, str]]:
    """The responder table: (outcome, n/N, rate, interval, missing) per row, in order."""
    lines = text.splitlines()
    body = lines[lines.index("Missing") + 1 :]
    rows: list[tuple[str, str, str, str, str]] = []
    label: list[str] = []
    i = 0
    while i < len(body) and not body[i].startswith((f"{MISSING}:", "-:")):  # the footnote
        if re.fullmatch(r"\d+/\d+", body[i]) and label:
            rate, interval, missing = body[i + 1 : i + 4]
            rows.append((" ".join(label), body[i], rate, interval, missing))
            label, i = [], i + 4
        else:
            label.append(body[i])
            i += 1
    return rows


def expected_rows(result: Report, missing: str = MISSING) -> list[tuple[str, ...]]:
    return [
        (
            str(o.label),
            f"{o.rate.n}/{o.rate.total}",
            o.percent or missing,
            o.interval or missing,
            str(o.missing),
        )
        for o in result.outcomes
    ]


def page_and_pdf(client: Any, query: str) -> tuple[Any, str]:
    """The HTML report's context and the PDF's text, for one query string."""
    page = client.get(f"{REPORT}?{query}")
    assert page.status_code == 200
    response = client.get(f"{PDF}?{query}")
    assert response.status_code == 200, response.content[:400]
    return page, read(response.content)


def adverse_line(html: str) -> str:
    match = re.search(r"<dd data-adverse>(.*?)</dd>", html, re.S)
    assert match
    return match.group(1)


def assert_shows(text: str, page: Any) -> None:
    """Every figure the HTML page shows is in the PDF, as the page's Report has it."""
    result: Report = page.context["report"]
    one_line = flat(text)
    weeks = result.dropout_weeks
    dropouts = str(result.dropouts)
    if result.too_early:
        dropouts += f" ({result.too_early} started too recently to tell)"
    for label, value in (
        ("Started a course in the period", result.started),
        ("With a pain score before treatment (baseline)", result.with_baseline),
        ("Followed up (a score after the first visit)", result.followed_up),
        (f"Dropped out (no score within {weeks} weeks of the first visit)", dropouts),
        ("Visits attended", result.visits),
        ("Visits to respond", result.visits_to_respond_text),
        ("Adverse events", adverse_line(page.content.decode())),
    ):
        assert f"{label} {value}" in one_line, label
    assert rate_rows(text) == expected_rows(result)
    if result.fictional:
        assert "Fictional data." in text
        assert f"{result.fictional} course" in one_line
    else:
        assert "Fictional data" not in text
    for p in page.context["publications"]:
        assert flat(f"{p.citation} {p.url}") in one_line
        for figure in p.figures:
            assert f"{figure.label}: {figure.value:g} {figure.unit}" in one_line
    for g in page.context["guidelines"]:
        assert flat(f"{g.citation} {g.url}") in one_line


# --- over HTTP ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["all", "by", "other"])
def test_the_pdf_holds_every_figure_the_page_shows(personas: Personas, clinic, who: str) -> None:  # type: ignore[no-untyped-def]
    by, other = clinic["by"], clinic["other"]
    charted_visit(personas, by, T0 + timedelta(days=3), adverse=1)
    charted_visit(personas, other, T0 + timedelta(days=3, hours=2))
    query = PERIOD if who == "all" else f"{PERIOD}&practitioner={clinic[who].pk}"
    page, text = page_and_pdf(personas.client("practitioner"), query)
    assert_shows(text, page)
    assert "Juniper Mesa Acupuncture" in text  # the clinic, from its settings
    assert "Outcome report: Back pain" in text
    assert "Courses whose first visit was from 2031-03-01 to 2031-03-31 (included)." in text
    today = timezone.localdate().isoformat()
    assert re.search(rf"Generated on {today} \d\d:\d\d \(\w+\)\.", text)
    name = "Everyone" if who == "all" else clinic[who].name
    assert f"Practitioner at the first visit: {name}" in text


def test_the_filters_are_applied(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("owner")
    started = {}
    for who in ("by", "other"):
        _page, text = page_and_pdf(client, f"{PERIOD}&practitioner={clinic[who].pk}")
        started[who] = re.search(r"Started a course in the period (\d+)", flat(text)).group(1)  # type: ignore[union-attr]
    assert started == {"by": "2", "other": "1"}
    _page, april = page_and_pdf(client, "start=2031-04-01&end=2031-04-30")
    assert "Started a course in the period 0" in flat(april)
    # Nobody to count: every rate is missing, never 0%.
    assert {row[1:4] for row in rate_rows(april)} == {("0/0", MISSING, MISSING)}
    assert not re.search(r"(?<!\d)0%", april)
    assert "no patient has responded yet (0 patients followed)" in flat(april)
    assert "Adverse events no visits in this period" in flat(april)


def test_the_treatment_filters_are_applied_and_printed(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    protocol = Protocol.objects.create(name="Low back, kidney deficiency")
    marlow = Appointment.objects.filter(patient=clinic["good"]).order_by("start").first()
    f.chart(marlow, protocol=protocol, point="BL23", herbs=True)
    client = personas.client("owner")
    page, text = page_and_pdf(client, f"{PERIOD}&protocol={protocol.pk}&point=Shenshu&herbs=yes")
    assert page.context["report"].started == 1  # Marlow's course alone
    assert_shows(text, page)
    assert "Treatment protocol: Low back, kidney deficiency" in text
    assert "Point needled: BL23" in text  # the pinyin name, read as its code
    assert "Herbal prescription: Prescribed" in text
    page, text = page_and_pdf(client, f"{PERIOD}&herbs=no")
    assert page.context["report"].started == 2
    assert_shows(text, page)
    assert "Herbal prescription: None" in text and "Point needled" not in text
    unknown = client.get(f"{PDF}?{PERIOD}&point=XX99")
    assert unknown.status_code == 400
    assert "No acupuncture point is called XX99" in unknown.content.decode()


def test_missing_figures_are_shown_as_missing(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    _page, text = page_and_pdf(personas.client("owner"), f"{PERIOD}&practitioner={clinic['by'].pk}")
    rows = {row[0]: row[1:] for row in rate_rows(text)}
    # Nobody has a score 6 to 8 weeks on: 0 of 0, no rate, no interval; both patients missing.
    end = str(report.FIGURE_LABELS[report.Figure.END_30])
    assert rows[end] == ("0/0", MISSING, MISSING, "2")
    first = str(report.FIGURE_LABELS[report.Figure.FIRST_50])
    assert rows[first] == ("1/2", "50%", "9%-91%", "0")  # Marlow 8 -> 4; Sable 6 -> 5


def test_no_patient_is_in_it(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    sentence = "Marlow Quince says most patients feel better"
    query = f"{PERIOD}&claim={sentence.replace(' ', '+')}&quantifier=most&figure=first-50"
    _page, text = page_and_pdf(personas.client("owner"), query)
    for patient in (clinic["good"], clinic["some"], clinic["third"]):
        for secret in (patient.full_name, patient.full_name.split()[0], patient.email):
            assert secret not in text
    assert "555-0170" not in text and "1970" not in text and "Elm Street" not in text
    # The claim check as picked, not the typed sentence (which could name anyone).
    assert "Checked as: Most patients (more than 50%)" in text
    assert "Not shown: your data cannot tell yet" in text
    assert "feel better" not in text


def test_it_is_audited_as_an_export_like_the_csv(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("practitioner")
    query = f"{PERIOD}&practitioner={clinic['by'].pk}&claim=Most+feel+better"
    client.get(f"{REPORT}?{query}")
    view = AuditEntry.objects.get(actor=personas.practitioner, action=Action.VIEW)
    client.get(f"{PDF}?{query}")
    entry = AuditEntry.objects.get(actor=personas.practitioner, action=Action.EXPORT)
    assert (entry.record_type, entry.patient_id, entry.record_id) == (
        "outcomes.report",
        None,
        view.record_id,
    )
    assert entry.detail == {
        "purpose": "clinical",
        "filters": view.detail["filters"],  # the same filters, read by the same form
        "count": 2,
        "format": "pdf",
    }
    assert entry.detail["filters"]["practitioner"] == clinic["by"].pk
    assert "feel better" not in str(entry.detail)


def test_the_headers(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("owner")
    response = client.get(f"{PDF}?{PERIOD}")
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    disposition = f'attachment; filename="outcomes-report-{today}.pdf"'
    assert response["Content-Disposition"] == disposition
    assert response["Cache-Control"] == client.get(f"{EXPORT}?{PERIOD}")["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_the_page_links_to_it_with_its_filters(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    query = f"{PERIOD}&practitioner={clinic['by'].pk}"
    html = personas.client("owner").get(f"{REPORT}?{query}").content.decode()
    link = re.search(r'<a [^>]*href="([^"]*)"[^>]*data-report-pdf>Download PDF</a>', html)
    assert link, "no Download PDF link"
    assert link.group(1).replace("&amp;", "&") == f"{PDF}?{query}"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2031-03-31&end=2031-03-01", "The period ends before it starts."),
        ("start=yesterday&end=2031-03-01", "Enter a valid date."),
        ("start=1999-12-31&end=2031-03-01", "Give a date between 2000-01-01 and 2100-12-31."),
        ("start=2001-01-01&end=2031-03-01", "Choose a period of ten years or less."),
        (f"{PERIOD}&practitioner=999999", "Select a valid choice."),
        (f"{PERIOD}&condition=knees", "Select a valid choice."),
        (f"{PERIOD}&quantifier=most", "Pick both how many patients"),
    ],
)
def test_bad_filters_get_a_400_with_a_clear_message(
    personas: Personas, query: str, message: str
) -> None:
    response = personas.client("owner").get(f"{PDF}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(record_type="outcomes.report").exists()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                *("start", "end", "condition", "practitioner", "protocol", "point", "herbs"),
                *("claim", "quantifier", "figure", "x"),
            ]
        ),
        st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),
        max_size=6,
    )
)
def test_no_input_makes_a_500(personas: Personas, params: dict[str, str]) -> None:
    assert personas.client("owner").get(PDF, params).status_code in (200, 400)


def test_only_owner_and_practitioners(personas: Personas) -> None:
    url = f"{PDF}?{PERIOD}"
    got = {name: personas.client(name).get(url).status_code for name in NAMES}
    assert got == {
        "anonymous": 302,
        "inactive_staff": 302,
        "patient_a": 403,
        "patient_b": 403,
        "front_desk": 403,
        "practitioner": 200,
        "owner": 200,
    }
    refused = (personas.front_desk, personas.patient_a, personas.patient_b)
    assert not AuditEntry.objects.filter(actor__in=refused).exists()


# --- fictional data ----------------------------------------------------------------------------


def test_real_patients_get_no_fictional_label(personas: Personas, clinic) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("owner")
    _page, text = page_and_pdf(client, PERIOD)
    assert "Fictional data." in text and "3 courses counted here" in flat(text)
    # The same courses, at addresses that could be real people's: no label (nor on the page).
    Patient.objects.filter(pk=clinic["good"].pk).update(email="marlow@clinic-mail.com")
    page, text = page_and_pdf(client, PERIOD)
    assert page.context["report"].fictional == 2 and "2 courses counted here" in flat(text)
    others = [clinic["some"].pk, clinic["third"].pk]
    Patient.objects.filter(pk__in=others).update(email="someone@clinic-mail.com")
    page, text = page_and_pdf(client, PERIOD)
    assert page.context["report"].fictional == 0
    assert "Fictional data" not in text and "Fictional data" not in page.content.decode()
    assert_shows(text, page)


def test_the_demo_year_with_its_label(personas: Personas) -> None:
    """The demo clinic's year: real-looking figures (end of course, function, visits to
    respond), all of them as the page has them, and the label."""
    demo.seed()
    call_command("rebuild_outcome_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page, text = page_and_pdf(personas.client("owner"), "")  # the last twelve months
    result: Report = page.context["report"]
    assert result.started > 0 and result.fictional == result.started
    assert result.outcome(report.Figure.END_30).rate.total > 0
    assert result.visits_to_respond.median is not None
    assert_shows(text, page)


# --- the renderer alone (pdf.py) ----------------------------------------------------------------

CLINIC = pdf.Clinic(name="Cedar Lane Acupuncture", lines=("12 Cedar Lane, Boulder CO",))
NOW = datetime(2031, 6, 1, 18, 0, tzinfo=UTC)


def empty_report() -> Report:
    filters = report.Filters(
        start=datetime(2031, 1, 1, tzinfo=UTC), end=datetime(2031, 2, 1, tzinfo=UTC)
    )
    return report.build([], filters, now=NOW)


def page_for(name: str = CLINIC.name, practitioner: str = "Everyone") -> pdf.ReportPage:
    return pdf.ReportPage(
        clinic=pdf.Clinic(name=name, lines=CLINIC.lines),
        start=date(2031, 1, 1),
        end=date(2031, 1, 31),
        condition="Back pain",
        filters=(("Practitioner at the first visit", practitioner),),
        generated=NOW,
        adverse_events=0,
        adverse_visits=0,
    )


def test_without_a_unicode_font_missing_is_a_dash() -> None:
    result = empty_report()
    text = read(pdf.report_pdf(result, page_for(practitioner="Zoë Łukasz"), text_font=None))
    assert "Zoe ?ukasz" in text  # outside Latin-1: a question mark, never an exception
    assert rate_rows(text) == expected_rows(result, missing="-")
    assert not re.search(r"(?<!\d)0%", text)
    assert "Haake M, Muller HH" in flat(text)  # the citation, accents off


def test_a_clinic_named_in_characters() -> None:
    from acuclinic.herbs.pdf import find_cjk_font

    cjk = find_cjk_font()
    if cjk is None:
        pytest.skip("no CJK font installed (fonts-wqy-microhei)")
    body = pdf.report_pdf(empty_report(), page_for(name="杏林 Acupuncture"))
    assert "杏林 Acupuncture" in read(body)
    without = pdf.report_pdf(empty_report(), page_for(name="杏林 Acupuncture"), cjk_font=None)
    text = read(without)
    assert "Acupuncture" in text and "杏林" not in text  # left out, not drawn as boxes
    assert isinstance(cjk, Path)
