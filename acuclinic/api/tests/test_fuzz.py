"""Whatever a caller sends, the answer is JSON: a result or a clear refusal, never a 500."""

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import SERVICE

pytestmark = pytest.mark.django_db

fuzz = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

anything_typed = st.text(max_size=80) | st.sampled_from(
    ["", " ", "0", "-1", "1e309", "NaN", "null", "any", "%00", "\x00", "'; DROP--", "../"]
)
slugs = st.sampled_from([SERVICE, "massage", "lena-qiao", "tomas-rivera", "any", "nobody"])
day_strings = st.dates(min_value=datetime(1, 1, 2).date()).map(str) | st.sampled_from(
    ["2027-02-29", "2028-02-29", "2027-13-01", "2027-00-10", "9999-12-31", "0000-01-01"]
)


def instants() -> st.SearchStrategy[str]:
    """ISO strings near now and at the ends of time, with odd offsets and none."""
    near = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1)).map(
        lambda d: d.replace(minute=d.minute // 15 * 15, second=0, microsecond=0)
    )
    offsets = st.sampled_from(["Z", "+00:00", "-07:00", "-06:00", "+14:00", "-23:59", ""])
    extremes = st.sampled_from(
        ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2027-03-14T02:30:00-07:00"]
    )
    in_range = st.builds(lambda d, o: d.isoformat() + o, near, offsets)
    return in_range | extremes | st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def check(response, allowed: set[int]) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in allowed, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json() or response.status_code in (200, 201)


@fuzz
@given(
    service=slugs | anything_typed,
    practitioner=slugs | anything_typed,
    start=day_strings | anything_typed,
    days=st.integers(-5, 100).map(str) | anything_typed,
)
def test_availability_queries(api, service, practitioner, start, days) -> None:  # type: ignore[no-untyped-def]
    query = {"service": service, "practitioner": practitioner, "start": start, "days": days}
    check(api.get("/api/availability", query), {200, 422})


@fuzz
@given(
    service=slugs | json_values,
    practitioner=slugs | json_values,
    start=instants() | json_values,
    name=st.text(max_size=200) | json_values,
    email=st.emails() | json_values,
    phone=st.from_regex(r"\+?[0-9 ()-]{0,20}", fullmatch=True) | json_values,
    key=st.none() | st.text(max_size=300),
    drop=st.sets(st.sampled_from(["service", "practitioner", "start", "name", "email"])),
)
def test_booking_bodies(api, service, practitioner, start, name, email, phone, key, drop) -> None:  # type: ignore[no-untyped-def]
    data = {
        "service": service,
        "practitioner": practitioner,
        "start": start,
        "name": name,
        "email": email,
        "phone": phone,
    }
    for field in drop:
        del data[field]
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    response = api.post(
        "/api/bookings", json.dumps(data), content_type="application/json", **headers
    )
    check(response, {201, 400, 409, 422})


@fuzz
@given(raw=st.binary(max_size=300) | json_values.map(json.dumps).map(str.encode))
def test_raw_bodies(api, raw) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/bookings", "/api/bookings/cancel"):
        check(api.post(path, raw, content_type="application/json"), {400, 404, 422})


@fuzz
@given(token=st.text(max_size=600) | json_values)
def test_cancel_tokens(api, token) -> None:  # type: ignore[no-untyped-def]
    check(api.post_json("/api/bookings/cancel", {"token": token}), {404, 422})
