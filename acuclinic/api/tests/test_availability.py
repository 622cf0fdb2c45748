"""GET /api/availability: free times as UTC and local time, and clear 422s for bad queries."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from acuclinic.api.present import iso
from acuclinic.clinic.models import Location, Practitioner
from acuclinic.scheduling.models import Service, WorkingHours

from .conftest import DENVER, SERVICE, body, weekday_ahead

pytestmark = pytest.mark.django_db


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_a_day_of_free_times_for_one_practitioner(api, tuesday) -> None:
    response = api.get(
        "/api/availability",
        {"service": SERVICE, "practitioner": "lena-qiao", "start": str(tuesday), "days": 1},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["service"] == SERVICE
    assert data["time_zone"] == "America/Denver"
    slots = data["slots"]
    assert slots, "Lena works on Tuesdays"
    first = slots[0]
    assert set(first) == {"start", "end", "local_start", "practitioner", "location"}
    # Tuesday 10:00-13:00 and 14:00-19:00 in Denver, on the 15-minute grid, 60 minutes each.
    assert parse(first["local_start"]) == datetime.combine(tuesday, time(10), DENVER)
    for slot in slots:
        start, end, local = parse(slot["start"]), parse(slot["end"]), parse(slot["local_start"])
        assert slot["start"].endswith(("Z", "+00:00"))
        assert start.utcoffset() == timedelta(0)
        assert local == start and local.utcoffset() == local.astimezone(DENVER).utcoffset()
        assert local.date() == tuesday
        assert end - start == timedelta(minutes=60)
        assert local.minute % 15 == 0
        assert slot["practitioner"] == "lena-qiao"
        assert slot["location"] == "garrison-street"
        wall = local.astimezone(DENVER).time()
        assert time(10) <= wall <= time(12) or time(14) <= wall <= time(18)
    assert [s["start"] for s in slots] == sorted(s["start"] for s in slots)


def test_any_practitioner_lists_each_start_once_with_whom_it_would_book(api, tuesday) -> None:
    slots = api.slots(start=str(tuesday), days=1)
    starts = [s["start"] for s in slots]
    assert starts == sorted(set(starts)), "each start once, in order"
    lena = {s["start"] for s in api.slots(start=str(tuesday), days=1, practitioner="lena-qiao")}
    tomas = {s["start"] for s in api.slots(start=str(tuesday), days=1, practitioner="tomas-rivera")}
    assert set(starts) == lena | tomas
    for slot in slots:  # Lena comes first by name: she gets every time she is free
        assert slot["practitioner"] == ("lena-qiao" if slot["start"] in lena else "tomas-rivera")
    assert tomas - lena, "the demo's Tuesday has times only Tomás can take"
    only_tomas = min(tomas - lena)
    booked = api.book(body(only_tomas, practitioner="any"))
    assert booked.status_code == 201 and booked.json()["practitioner"] == "tomas-rivera"
    saturday = weekday_ahead(5)  # only Tomás works on Saturdays
    assert {s["practitioner"] for s in api.slots(start=str(saturday), days=1)} == {"tomas-rivera"}
    sunday = weekday_ahead(6)
    assert api.slots(start=str(sunday), days=1) == []


def test_defaults_are_today_and_a_week(api) -> None:
    response = api.get("/api/availability", {"service": SERVICE})
    assert response.status_code == 200
    today = timezone.now().astimezone(DENVER).date()
    days = {parse(s["local_start"]).date() for s in response.json()["slots"]}
    assert days and min(days) >= today and max(days) <= today + timedelta(days=6)
    now = timezone.now()
    assert all(parse(s["start"]) > now for s in response.json()["slots"])


def test_days_limits_the_range(api, tuesday) -> None:
    days = {parse(s["local_start"]).date() for s in api.slots(start=str(tuesday), days=3)}
    assert days == {tuesday, tuesday + timedelta(days=1), tuesday + timedelta(days=2)}


def test_nothing_beyond_how_far_ahead_a_service_may_be_booked(api) -> None:
    Service.objects.filter(slug=SERVICE).update(max_advance_days=40)
    far = weekday_ahead(1, at_least=45)
    assert api.slots(start=str(far), days=7) == []


def test_a_taken_time_is_not_offered(api, tuesday) -> None:
    before = api.slots(start=str(tuesday), days=1, practitioner="lena-qiao")
    booked = api.book(
        {
            "service": SERVICE,
            "practitioner": "lena-qiao",
            "start": before[0]["start"],
            "name": "Ada Example",
            "email": "ada@example.net",
        }
    )
    assert booked.status_code == 201
    after = api.slots(start=str(tuesday), days=1, practitioner="lena-qiao")
    # The hour itself and, with the 10-minute buffer, the starts overlapping it are gone.
    taken = parse(before[0]["start"])
    for slot in after:
        start = parse(slot["start"])
        assert start >= taken + timedelta(minutes=70) or start + timedelta(minutes=60) <= taken


def test_local_offsets_follow_daylight_saving_time(api) -> None:
    """Working hours are wall-clock times: on both sides of a change they start at 09:00 local,
    one hour apart in UTC, and the local offset changes with them."""
    location = Location.objects.get(slug="garrison-street")
    lena = Practitioner.objects.get(slug="lena-qiao")
    WorkingHours.objects.create(
        practitioner=lena, location=location, weekday=6, start=time(9), end=time(12)
    )
    Service.objects.filter(slug=SERVICE).update(max_advance_days=400)
    today = timezone.now().astimezone(DENVER).date()
    change = next(
        today + timedelta(days=n)
        for n in range(1, 367)
        if (today + timedelta(days=n)).weekday() == 6
        and datetime.combine(today + timedelta(days=n), time(12), DENVER).utcoffset()
        != datetime.combine(today + timedelta(days=n - 1), time(12), DENVER).utcoffset()
    )
    # The Sunday of the change and the Sunday a week before.
    week_before = change - timedelta(days=7)
    firsts = {}
    for day in (week_before, change):
        slots = api.slots(start=str(day), days=1, practitioner="lena-qiao")
        local = parse(slots[0]["local_start"])
        assert local.time() == time(9)
        assert local.utcoffset() == datetime.combine(day, time(9), DENVER).utcoffset()
        firsts[day] = parse(slots[0]["start"]).astimezone(UTC).time()
    assert firsts[week_before] != firsts[change]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service": "no-such-service"}, "service"),
        ({}, "service"),
        ({"service": SERVICE, "practitioner": "nobody"}, "practitioner"),
        ({"service": "massage", "practitioner": "lena-qiao"}, "practitioner"),
        ({"service": SERVICE, "start": "2027-02-30"}, "start"),
        ({"service": SERVICE, "start": "27-1-5"}, "start"),
        ({"service": SERVICE, "start": "1800000000"}, "start"),
        ({"service": SERVICE, "start": "2027-W01-1"}, "start"),
        ({"service": SERVICE, "start": "2027-01-05\n"}, "start"),
        ({"service": SERVICE, "start": "2020-01-06"}, "start"),
        ({"service": SERVICE, "start": "9999-12-31"}, "start"),
        ({"service": SERVICE, "start": "0001-01-01"}, "start"),
        ({"service": SERVICE, "days": "0"}, "days"),
        ({"service": SERVICE, "days": "63"}, "days"),
        ({"service": SERVICE, "days": "100000000000000000000"}, "days"),
        ({"service": SERVICE, "days": "-1"}, "days"),
        ({"service": SERVICE, "days": "seven"}, "days"),
        ({"service": "bad slug\x00"}, "service"),
    ],
)
def test_bad_queries_get_a_field_error(api, params, field) -> None:
    response = api.get("/api/availability", params)
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert [e["loc"] for e in errors] == [["query", field]]
    assert all(e["msg"] for e in errors)


def test_an_inactive_or_offline_service_is_unknown(api) -> None:
    Service.objects.filter(slug=SERVICE).update(bookable_online=False)
    assert api.get("/api/availability", {"service": SERVICE}).status_code == 422


def test_yesterday_is_accepted_for_callers_behind_the_clinic(api) -> None:
    yesterday = timezone.now().astimezone(DENVER).date() - timedelta(days=1)
    response = api.get("/api/availability", {"service": SERVICE, "start": str(yesterday)})
    assert response.status_code == 200
    now = timezone.now()
    assert all(parse(s["start"]) > now for s in response.json()["slots"])


def test_the_longest_range_is_answered(api) -> None:
    start = timezone.now().astimezone(DENVER).date()
    response = api.get("/api/availability", {"service": SERVICE, "start": str(start), "days": 62})
    assert response.status_code == 200
    last = max(parse(s["local_start"]).date() for s in response.json()["slots"])
    assert last > start + timedelta(days=50)
    assert last <= start + timedelta(days=61)


def test_the_number_of_queries_does_not_grow_with_the_range(api) -> None:
    start = timezone.now().astimezone(DENVER).date() + timedelta(days=30)
    counts = []
    for days in (1, 62):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(
                "/api/availability", {"service": SERVICE, "start": start, "days": days}
            )
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15


@given(
    st.datetimes(timezones=st.sampled_from([UTC, DENVER, ZoneInfo("Asia/Kathmandu")])),
)
def test_slot_times_are_written_as_djangos_encoder_writes_them(moment: datetime) -> None:
    assert iso(moment) == DjangoJSONEncoder().default(moment)
