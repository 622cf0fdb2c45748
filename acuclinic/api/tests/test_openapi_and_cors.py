"""The OpenAPI document, the docs page, and CORS for callers on other sites."""

import pytest
from openapi_spec_validator import validate

from .conftest import SERVICE

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/services": {"get"},
    "/api/practitioners": {"get"},
    "/api/availability": {"get"},
    "/api/bookings": {"post"},
    "/api/bookings/cancel": {"post"},
}


def test_the_openapi_document_is_valid_and_complete(api) -> None:
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert {path: set(item) for path, item in schema["paths"].items()} == ENDPOINTS
    book = schema["paths"]["/api/bookings"]["post"]
    assert {"201", "400", "409", "422", "429"} <= set(book["responses"])
    headers = [p["name"] for p in book["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]
    query = {p["name"] for p in schema["paths"]["/api/availability"]["get"]["parameters"]}
    assert query == {"service", "practitioner", "start", "days"}
    booking_in = schema["components"]["schemas"]["BookingIn"]
    assert set(booking_in["required"]) == {"service", "start", "name", "email"}


def test_the_interactive_docs_are_served(api) -> None:
    response = api.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


@pytest.mark.parametrize(
    "path",
    ["/api/services", "/api/practitioners", f"/api/availability?service={SERVICE}"],
)
def test_reads_allow_any_origin(api, path) -> None:
    response = api.get(path, headers={"Origin": "https://old-clinic-site.example"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_errors_and_writes_carry_the_headers_too(api) -> None:
    for response in (
        api.post_json("/api/bookings", {}),
        api.post_json("/api/bookings/cancel", {"token": "nope"}),
        api.get("/api/availability", {"service": "nope"}),
    ):
        assert response.status_code in (404, 422)
        assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/api/bookings", "/api/bookings/cancel", "/api/availability"])
def test_preflight_is_answered(api, path) -> None:
    response = api.options(
        path,
        headers={
            "Origin": "https://old-clinic-site.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "idempotency-key"} <= allowed


def test_the_staff_embed_page_is_not_opened_to_other_origins(api) -> None:
    response = api.get("/api/embed/")
    assert "Access-Control-Allow-Origin" not in response
