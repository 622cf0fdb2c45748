"""The JSON API fuzzed from its own OpenAPI document (schemathesis): whatever a caller sends
within or around the schema, no 500, and every answer matches what the document promises
(status codes, content type, body shape). Run in-process against Django's WSGI handler on the
test database; bookings it manages to make are real rows there, rolled back afterwards."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

pytestmark = pytest.mark.django_db

# Per operation; five operations, so a few hundred requests in all.
EXAMPLES = 60

# A request the schema allows may still be refused for what it means, as the API's README
# documents: an unknown slug (422: slugs are data, not an enum in the schema), a time that
# cannot be booked (400), a cancel token that is not valid (404), a time just taken (409).
# Anything else, and any 5xx, fails.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2XX", "400", "404", "409", "422"],
            }
        }
    }
)


@pytest.fixture
def app(settings: Any) -> Iterator[WSGIHandler]:
    """Django's WSGI application as a server runs it, except that a request does not close
    the database connection (the test's transaction lives on it), as Django's test client."""
    settings.API_BOOKING_RATE = None  # one address sends everything; the limit has its tests
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def operations(app: WSGIHandler) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)
    found = [result.ok() for result in schema.get_all_operations()]
    assert found, "the schema lists no operations"
    return found


def test_the_schema_names_every_public_operation(app: WSGIHandler) -> None:
    names = {f"{op.method.upper()} {op.path}" for op in operations(app)}
    assert {
        "GET /api/services",
        "GET /api/practitioners",
        "GET /api/availability",
        "POST /api/bookings",
        "POST /api/bookings/cancel",
    } <= names


def test_no_500_and_every_answer_matches_the_schema(app: WSGIHandler) -> None:
    for operation in operations(app):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,  # the same requests every run: CI failures reproduce
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            case.call_and_validate()

        fuzz()
