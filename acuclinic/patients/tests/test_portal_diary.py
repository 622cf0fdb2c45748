"""The pain diary: a whole score 0-10 and a note, today or a day in the last 30; one entry
for a double submit; audited; the patient's own entries only, as a table and a line."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import Personas
from acuclinic.outcomes.models import Score, Source
from acuclinic.patients.portal import diary

pytestmark = pytest.mark.django_db
URL = "/portal/diary/"
ZONE = ZoneInfo("America/Denver")  # the demo clinic's


def today() -> datetime:
    return timezone.now().astimezone(ZONE).date()


def post(client, **data):  # type: ignore[no-untyped-def]
    return client.post(URL, {"day": today().isoformat(), "note": "", **data})


def test_an_entry_for_now_is_saved_as_an_nprs_score_and_audited(personas: Personas) -> None:
    client = personas.client("patient_a")
    response = post(client, score="6", note="After gardening.")
    assert response.status_code == 302 and response["Location"] == URL
    score = Score.objects.get()
    assert (score.patient, score.source, score.measure, score.item) == (
        personas.record_a, Source.DIARY, "nprs", "now"
    )  # fmt: skip
    assert score.value == 6 and score.note == "After gardening."
    assert score.recorded_by == personas.patient_a
    assert abs(score.observed_at - timezone.now()) < timedelta(minutes=2)
    assert score.observed_at.second == 0
    entry = AuditEntry.objects.get(action=Action.CREATE, record_type="outcomes.score")
    assert entry.record_id == str(score.pk) and entry.patient_id == personas.record_a.pk
    assert "note" not in str(entry.detail) and "gardening" not in str(entry.detail)
    page = client.get(URL).content.decode()
    assert "Your pain score is saved." in page and "After gardening." in page


def test_a_double_submit_is_one_entry(personas: Personas) -> None:
    client = personas.client("patient_a")
    assert post(client, score="4").status_code == 302
    again = post(client, score="4")
    assert again.status_code == 302
    assert Score.objects.count() == 1
    assert AuditEntry.objects.filter(record_type="outcomes.score").count() == 1
    assert "already saved" in client.get(URL).content.decode()
    assert post(client, score="5").status_code == 302  # another score is another entry
    assert Score.objects.count() == 2


def test_an_earlier_day_is_kept_at_noon_in_the_clinics_zone(personas: Personas) -> None:
    day = today() - timedelta(days=30)
    post(personas.client("patient_a"), score="3", day=day.isoformat())
    score = Score.objects.get()
    assert score.observed_at == datetime.combine(day, time(12), tzinfo=ZONE)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a score from 0 to 10."),
        ({"score": "11"}, "Choose a whole number from 0 to 10."),
        ({"score": "-1"}, "Choose a whole number from 0 to 10."),
        ({"score": "5.5"}, "Choose a whole number from 0 to 10."),
        ({"score": "seven"}, "Choose a whole number from 0 to 10."),
        ({"score": "\u0665"}, "Choose a whole number from 0 to 10."),
        ({"score": "3", "day": ""}, "Enter the day, such as"),
        ({"score": "3", "day": "2026-02-30"}, "Enter a real date"),
        ({"score": "3", "day": "yesterday"}, "Enter a real date"),
        ({"score": "3", "note": "x" * 501}, "Keep the note to 500 characters (it has 501)."),
        ({"score": "3", "note": "nul\x00byte"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(
    personas: Personas, data: dict, message: str
) -> None:  # type: ignore[type-arg]
    client = personas.client("patient_a")
    response = client.post(URL, {"day": today().isoformat(), **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Score.objects.exists()


def test_future_and_too_old_days_are_refused(personas: Personas) -> None:
    client = personas.client("patient_a")
    tomorrow = post(client, score="3", day=(today() + timedelta(days=1)).isoformat())
    assert "The day cannot be in the future." in tomorrow.content.decode()
    old = post(client, score="3", day=(today() - timedelta(days=31)).isoformat())
    assert "Choose a day within the last 30 days." in old.content.decode()
    assert not Score.objects.exists()


def test_entries_table_and_line_show_only_my_own(personas: Personas) -> None:
    for days, value in ((3, 7), (2, 5), (1, 4)):
        Score.objects.create(
            patient=personas.record_a, measure="nprs", item="now", value=value,
            source=Source.DIARY, observed_at=timezone.now() - timedelta(days=days),
            note=f"note {value}",
        )  # fmt: skip
    Score.objects.create(
        patient=personas.record_b, measure="nprs", item="now", value=9,
        source=Source.DIARY, note="Bart's secret",
    )  # fmt: skip
    Score.objects.create(  # an intake score is not a diary entry
        patient=personas.record_a, measure="nprs", item="now", value=8, source=Source.INTAKE
    )
    response = personas.client("patient_a").get(URL)
    html = response.content.decode()
    assert "Bart&#x27;s secret" not in html and "Bart's secret" not in html
    assert [int(e.value) for e in response.context["entries"]] == [4, 5, 7]
    assert response.context["points"] == diary.sparkline([7, 5, 4])
    assert "<polyline" in html and 'role="img"' in html
    assert "Your last 3 scores" in html


def test_sparkline_points() -> None:
    assert diary.sparkline([]) == "" and diary.sparkline([5]) == ""
    assert diary.sparkline([10, 0]) == "6.0,6.0 294.0,94.0"
    points = diary.sparkline(list(range(11)))
    ys = [float(p.split(",")[1]) for p in points.split()]
    assert ys == sorted(ys, reverse=True)  # more pain is higher on the chart


def test_record_entry_refuses_what_is_not_a_score(personas: Personas, rf) -> None:  # type: ignore[no-untyped-def]
    request = rf.post(URL)
    request.user = personas.patient_a
    for bad in (11, -1, True, 2.5):
        with pytest.raises(ValueError):
            diary.record_entry(
                patient=personas.record_a, value=bad, when=timezone.now(), note="", request=request
            )
    assert not Score.objects.exists()


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    score=st.one_of(st.none(), st.text(max_size=12), st.integers(-20, 30).map(str)),
    day=st.one_of(st.none(), st.text(max_size=20), st.dates().map(str)),
    note=st.text(max_size=700),
)
def test_fuzzed_diary_posts_never_fail(personas: Personas, score, day, note) -> None:  # type: ignore[no-untyped-def]
    data = {"note": note}
    if score is not None:
        data["score"] = score
    if day is not None:
        data["day"] = day
    response = personas.client("patient_a").post(URL, data)
    assert response.status_code in (302, 400)
    for saved in Score.objects.all():
        assert saved.patient == personas.record_a
        assert 0 <= saved.value <= 10 and saved.value == int(saved.value)
        assert len(saved.note) <= 500
        local = saved.observed_at.astimezone(ZONE).date()
        assert today() - timedelta(days=30) <= local <= today()
    Score.objects.all().delete()
