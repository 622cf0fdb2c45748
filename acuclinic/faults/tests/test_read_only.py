"""A database that takes no writes: 503 with a clear message for writes, reads still served,
nothing corrupted (SQLite: the connection switched to query_only, as a read-only file or a
read-only mount behaves; root ignores chmod, so a file mode would prove nothing here)."""

import contextlib
import sqlite3
from datetime import date, timedelta

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's read-only mode"),
]

MIDDLEWARE = "acuclinic.faults.middleware.StorageUnavailableMiddleware"


@pytest.fixture
def read_only(settings):  # type: ignore[no-untyped-def]
    assert MIDDLEWARE in settings.MIDDLEWARE  # installed in settings.py
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    yield
    connection.connection.execute("PRAGMA query_only = OFF")


def booking(client) -> dict:  # type: ignore[no-untyped-def]
    """A free slot 40 days ahead, asked for as a visitor would (a read)."""
    start = date.today() + timedelta(days=40)
    found = client.get(
        f"/api/availability?service=acupuncture-back-pain&practitioner=any&start={start}&days=7"
    )
    assert found.status_code == 200
    slot = found.json()["slots"][0]
    return {
        "service": "acupuncture-back-pain",
        "practitioner": slot["practitioner"],
        "start": slot["local_start"],
        "name": "Read Only",
        "email": "read-only@example.com",
    }


def test_writes_get_503_reads_work(db, client, read_only) -> None:  # type: ignore[no-untyped-def]
    client.raise_request_exception = False
    # Reads first: in a test the failed write breaks the test's own transaction, which a
    # server's request (autocommit, a transaction per request) does not share.
    assert client.get("/api/services").status_code == 200
    body = booking(client)
    answer = client.post("/api/bookings", body, content_type="application/json")
    assert answer.status_code == 503, answer.content[:500]
    assert "try again" in answer.json()["detail"]
    assert answer["Retry-After"] == "120"
    # The file is whole (another connection: this one's transaction is spoilt).
    with contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"])) as other:
        assert other.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_without_the_middleware_it_is_a_500(db, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    client.raise_request_exception = False
    body = booking(client)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        answer = client.post("/api/bookings", body, content_type="application/json")
    finally:
        connection.connection.execute("PRAGMA query_only = OFF")
    assert answer.status_code == 500
