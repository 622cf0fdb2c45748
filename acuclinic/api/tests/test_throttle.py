"""The per-address limit on POST /api/bookings (and cancel): 429 with a clear message."""

import pytest

from .conftest import SERVICE

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings):  # type: ignore[no-untyped-def]
    settings.API_BOOKING_RATE = "3/min"


def post(api, path="/api/bookings", address="203.0.113.7", **extra):  # type: ignore[no-untyped-def]
    return api.post(path, "{}", content_type="application/json", REMOTE_ADDR=address, **extra)


def test_the_fourth_request_in_a_minute_is_refused(api, limited) -> None:
    assert [post(api).status_code for _ in range(3)] == [422, 422, 422]
    refused = post(api)
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Too many requests from your address; please wait a minute and try again."
    }
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    # Cancelling shares the allowance: it is the same kind of anonymous write.
    assert post(api, "/api/bookings/cancel").status_code == 429


def test_each_address_has_its_own_allowance(api, limited) -> None:
    for _ in range(3):
        post(api, address="203.0.113.7")
    assert post(api, address="203.0.113.7").status_code == 429
    assert post(api, address="198.51.100.20").status_code == 422


def test_a_made_up_forwarded_for_header_does_not_reset_the_count(api, limited) -> None:
    for n in range(3):
        post(api, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert post(api, HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429


def test_behind_a_configured_proxy_the_forwarded_address_counts(api, limited, settings) -> None:
    settings.NINJA_NUM_PROXIES = 1
    for _ in range(3):
        post(api, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert post(api, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert post(api, address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 422


def test_reads_are_not_limited(api, limited) -> None:
    for _ in range(6):
        response = api.get("/api/availability", {"service": SERVICE}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200


def test_the_limit_can_be_turned_off(api, settings) -> None:
    settings.API_BOOKING_RATE = None
    assert {post(api).status_code for _ in range(40)} == {422}


def test_the_default_is_thirty_a_minute(api, settings) -> None:
    del settings.API_BOOKING_RATE
    codes = [post(api).status_code for _ in range(31)]
    assert codes[:30] == [422] * 30
    assert codes[30] == 429
