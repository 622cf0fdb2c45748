"""Fixtures for the API tests: a client that enforces CSRF like a browser on another site
would meet it, days far enough ahead of the demo appointments, and helpers to book."""

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

DENVER = ZoneInfo("America/Denver")
SERVICE = "acupuncture-back-pain"


@pytest.fixture(autouse=True)
def _no_throttle(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    # Many requests come from one test address; the throttle's own tests turn it on.
    settings.API_BOOKING_RATE = None
    yield


class ApiClient(Client):
    """Django's test client speaking JSON, with CSRF checks on (as for any cross-site caller)."""

    def __init__(self) -> None:
        super().__init__(enforce_csrf_checks=True)

    def post_json(self, path: str, body: Any, **headers: str) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.post(path, data, content_type="application/json", headers=headers)

    def book(self, body: dict[str, Any], key: str | None = None) -> Any:
        headers = {"Idempotency-Key": key} if key else {}
        return self.post_json("/api/bookings", body, **headers)

    def slots(self, service: str = SERVICE, **params: Any) -> list[dict[str, Any]]:
        response = self.get("/api/availability", {"service": service, **params})
        assert response.status_code == 200, response.content
        return response.json()["slots"]


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


def weekday_ahead(weekday: int, at_least: int = 30) -> date:
    """The first `weekday` (0 = Monday) at least `at_least` days after today in Denver: past
    the demo appointments, within how far ahead services may be booked."""
    day = timezone.now().astimezone(DENVER).date() + timedelta(days=at_least)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def tuesday() -> date:
    """Both demo practitioners work on Tuesdays (Lena 10-13 and 14-19, Tomás 10-14, 15-19)."""
    return weekday_ahead(1)


def body(start: str, **fields: Any) -> dict[str, Any]:
    data = {
        "service": SERVICE,
        "practitioner": "lena-qiao",
        "start": start,
        "name": "Quentin Applebury",
        "email": "quentin.applebury@example.net",
        "phone": "+1 303 555 0199",
    }
    data.update(fields)
    return data


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=DENVER)
